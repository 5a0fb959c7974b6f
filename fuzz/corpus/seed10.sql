SELECT @a:=1, @@session.x, @'v', "dq", 'b\'s', a || b FROM mysql.user FOR UPDATE
