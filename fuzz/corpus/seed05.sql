SELECT `c`.`x`, 'it''s', _utf8mb4'x', N'y', X'41', b'01', 0x1F, 1e5, .5 FROM `saia_demo`.`t` AS `c` -- c
# d
