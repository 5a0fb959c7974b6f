/*
 * test_guard: the statement guard, as a table of cases.
 *
 * Each case has a stable id that is never renumbered: Annn are statements
 * that must be allowed (the built-in tools' own statements first, then what
 * an analyst or a model writes and a naive guard gets wrong), Rnnn must be
 * refused for the given reason, at the given offset when it is not -1.
 * New cases take the next free number; a regression case carries a
 * one-line comment of what it once broke.  Every case runs with the
 * tenant schema "saia_demo" and allowed_functions [fn_customer_balance].
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guard.h"

struct gcase {
	const char *id;
	const char *sql;
	size_t len;		/* 0: strlen(sql) */
	enum guard_reason reason;
	enum guard_kind kind;	/* when allowed */
	long offset;		/* when refused; -1: not checked */
};

#define A(id, kind, sql) { id, sql, 0, GUARD_OK, GUARD_K_##kind, -1 }
#define R(id, why, off, sql) { id, sql, 0, GUARD_E_##why, GUARD_K_NONE, off }
#define RB(id, why, off, sql) \
	{ id, sql, sizeof(sql) - 1, GUARD_E_##why, GUARD_K_NONE, off }

static const struct gcase cases[] = {
	/* the built-in tools' statements */
	A("A001", SHOW, "SHOW FULL TABLES"),
	A("A002", SHOW, "SHOW TABLE STATUS"),
	/* A003, A083..A085 were allowed until SHOW GRANTS was found to show the
	 * account's password hash and SHOW VARIABLES server paths. */
	R("A003", SHOW, 5, "SHOW GRANTS"),
	A("A004", SELECT, "SELECT VERSION(), DATABASE(), CURRENT_USER(), @@version_comment"),
	A("A005", SELECT, "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME"),
	A("A006", SELECT, "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION"),
	A("A007", SELECT, "SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX"),
	A("A008", SELECT, "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL"),
	A("A009", SELECT, "SELECT CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?"),
	A("A010", SELECT, "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?"),
	A("A011", SELECT, "SELECT COUNT(*) FROM `saia_demo`.`invoices`"),
	A("A012", SELECT, "SELECT * FROM `invoices` LIMIT ?"),
	A("A013", SELECT, "SELECT * FROM `saia_demo`.`odd ``name``` LIMIT ? OFFSET ?"),
	A("A014", SELECT, "SELECT t.* FROM invoices AS t WHERE t.status = ? ORDER BY t.invoice_date DESC, t.id DESC LIMIT ? OFFSET ?"),
	A("A015", SELECT, "SELECT `c`.`x` FROM `t` AS `c` WHERE CAST(`c`.`x` AS CHAR) LIKE ? ESCAPE '!'"),
	A("A016", SELECT, "SELECT 1"),
	/* what analysts and models write */
	A("A017", SELECT, "SELECT 'DROP TABLE x' AS s"),
	A("A018", SELECT, "SELECT id -- delete everything\nFROM invoices"),
	A("A019", SELECT, "SELECT 'a;b' FROM t"),
	A("A020", SELECT, "SELECT 1;"),
	A("A021", SELECT, "SELECT 1;   -- done\n"),
	A("A022", SELECT, "/* monthly report */ SELECT 1"),
	A("A023", SELECT, "-- first\n# second\nSELECT 1 /* last */"),
	A("A024", SELECT, "WITH t AS (SELECT 1 AS n) SELECT n FROM t"),
	A("A025", SELECT, "WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 10) SELECT n FROM seq"),
	A("A026", SELECT, "SELECT a FROM t1 UNION SELECT b FROM t2 ORDER BY 1"),
	A("A027", SELECT, "SELECT id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY invoice_date DESC) AS rn FROM invoices"),
	A("A028", SELECT, "SELECT SUM(total) OVER w FROM invoices WINDOW w AS (ORDER BY invoice_date ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)"),
	A("A029", SELECT, "SELECT JSON_EXTRACT(doc, '$.a'), JSON_UNQUOTE(doc->>'$.b'), doc->'$.c' FROM docs"),
	A("A030", SELECT, "SELECT `order`, `select` FROM `group`"),
	A("A031", SHOW, "SHOW CREATE TABLE invoices"),
	A("A032", DESCRIBE, "DESCRIBE invoices"),
	A("A033", DESCRIBE, "DESC invoices status"),
	A("A034", EXPLAIN, "EXPLAIN SELECT * FROM invoices WHERE id = 1"),
	A("A035", SELECT, "SELECT sleep FROM t"),
	A("A036", SELECT, "SELECT t.sleep, t.benchmark FROM t"),
	A("A037", SELECT, "SELECT CASE WHEN total > 100 THEN 'big' ELSE 'small' END FROM invoices"),
	A("A038", SELECT, "SELECT * FROM invoices WHERE customer_id IN (SELECT id FROM customers WHERE country = 'DE')"),
	A("A039", SELECT, "SELECT status, COUNT(*) FROM invoices GROUP BY status WITH ROLLUP"),
	A("A040", SELECT, "SELECT * FROM invoices i JOIN customers c ON c.id = i.customer_id LEFT JOIN contacts AS k USING (customer_id)"),
	A("A041", SELECT, "(SELECT 1) UNION (SELECT 2)"),
	A("A042", SELECT, "SELECT count FROM t"),
	A("A043", SELECT, "SELECT COUNT(DISTINCT customer_id) FROM invoices"),
	A("A044", SELECT, "SELECT DATE_FORMAT(invoice_date, '%Y-%m'), SUM(total) FROM invoices GROUP BY 1 HAVING SUM(total) > 0"),
	A("A045", SELECT, "SELECT EXTRACT(YEAR FROM invoice_date), TRIM(LEADING '0' FROM number) FROM invoices"),
	A("A046", SELECT, "SELECT SUBSTRING(name FROM 2 FOR 3) FROM t"),
	A("A047", SELECT, "SELECT DATE_ADD(NOW(), INTERVAL 1 DAY), DATEDIFF(CURDATE(), d) FROM t"),
	A("A048", SELECT, "SELECT IFNULL(a, 0), COALESCE(b, c, 0), NULLIF(a, b), IF(a > b, a, b) FROM t"),
	A("A049", SELECT, "SELECT GROUP_CONCAT(DISTINCT name ORDER BY name SEPARATOR ', ') FROM t"),
	A("A050", SELECT, "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id)"),
	A("A051", SELECT, "SELECT * FROM t WHERE x = ANY (SELECT y FROM u)"),
	A("A052", SELECT, "SELECT * FROM t WHERE name LIKE '%!_%' ESCAPE '!'"),
	A("A053", SELECT, "SELECT 'it''s', 'say \"hi\"' FROM t"),
	A("A054", SELECT, "SELECT _utf8mb4'x' COLLATE utf8mb4_bin, N'text', X'4142', b'0101', 0x41, 0b11, 1e5, .5, 3.14"),
	A("A055", SELECT, "SELECT @x, @'y', @`z`, @@session.sql_mode, @@GLOBAL.version"),
	A("A056", SELECT, "SELECT `straße`, größe FROM maße"),
	A("A057", SELECT, "SELECT * FROM saia_demo.invoices"),
	A("A058", SELECT, "SELECT saia_demo.invoices.id FROM saia_demo.invoices"),
	A("A059", SELECT, "SELECT 5--3"),
	A("A060", SELECT, "SELECT 5 --x\n FROM t"),
	A("A061", SELECT, "SELECT MATCH (title, body) AGAINST ('db' IN BOOLEAN MODE) FROM posts"),
	A("A062", SELECT, "SELECT * FROM JSON_TABLE('[1,2]', '$[*]' COLUMNS (n INT PATH '$')) AS jt"),
	A("A063", SELECT, "SELECT d.a FROM (SELECT 1, 2) AS d (a, b)"),
	A("A064", SELECT, "SELECT CAST(total AS DECIMAL(12,2)), CONVERT(name USING utf8mb4), CAST(d AS DATETIME(6)) FROM t"),
	A("A065", SELECT, "SELECT LAST_INSERT_ID(), FOUND_ROWS(), ROW_COUNT(), CONNECTION_ID(), UUID(), RAND()"),
	A("A066", SELECT, "SELECT fn_customer_balance(id) FROM customers"),
	A("A067", SELECT, "SELECT saia_demo.fn_customer_balance(id) FROM customers"),
	A("A068", SELECT, "SELECT * FROM t1, saia_demo.t2, (SELECT 1) AS x, t3"),
	A("A069", SELECT, "SELECT * FROM t1 STRAIGHT_JOIN t2 ON t1.a = t2.a NATURAL JOIN t3 CROSS JOIN t4"),
	A("A070", SELECT, "SELECT * FROM t USE INDEX (idx_a, idx_b) WHERE a = 1"),
	A("A071", SELECT, "SELECT LAG(total, 1) OVER (ORDER BY d), LEAD(total) OVER (ORDER BY d), NTILE(4) OVER (ORDER BY total), DENSE_RANK() OVER (ORDER BY total) FROM t"),
	A("A072", SELECT, "SELECT JSON_ARRAYAGG(id), JSON_OBJECTAGG(k, v), JSON_OBJECT('a', 1), JSON_ARRAY(1, 2), JSON_CONTAINS(doc, '1') FROM t"),
	A("A073", SELECT, "SELECT ? , '?' , `?` /* ? */ FROM t -- ?\n"),
	A("A074", SELECT, "SELECT a FROM t WHERE (a, b) IN ((1, 2), (3, 4)) AND NOT (c = 1) OR d BETWEEN 1 AND 2"),
	A("A075", SELECT, "SELECT * FROM t WHERE a <=> NULL AND b <> 1 AND c != 2 AND d >= 3 AND e <= 4 AND f << 1 > 0 AND g & 1 | 2 ^ 3 AND h IS NOT NULL"),
	A("A076", SELECT, "SELECT * FROM information_schema.TABLES t JOIN information_schema.COLUMNS c ON c.TABLE_NAME = t.TABLE_NAME"),
	A("A077", SHOW, "SHOW COLUMNS FROM invoices"),
	A("A078", SHOW, "SHOW FULL COLUMNS FROM `invoices` FROM saia_demo LIKE 'id%'"),
	A("A079", SHOW, "SHOW INDEX FROM saia_demo.invoices"),
	A("A080", SHOW, "SHOW TABLES FROM saia_demo LIKE 'inv%'"),
	A("A081", SHOW, "SHOW TABLES WHERE Table_type = 'VIEW'"),
	A("A082", SHOW, "SHOW CREATE VIEW v_open"),
	R("A083", SHOW, 5, "SHOW GRANTS FOR CURRENT_USER"),
	R("A084", SHOW, 5, "SHOW GRANTS FOR CURRENT_USER()"),
	R("A085", SHOW, 5, "SHOW VARIABLES LIKE 'version%'"),
	A("A086", SHOW, "SHOW WARNINGS"),
	A("A087", SHOW, "SHOW ERRORS LIMIT 10"),
	A("A088", SHOW, "SHOW CHARACTER SET LIKE 'utf8%'"),
	A("A089", SHOW, "SHOW COLLATION WHERE Charset = 'utf8mb4'"),
	A("A090", SHOW, "SHOW ENGINES"),
	A("A091", EXPLAIN, "EXPLAIN FORMAT=JSON SELECT * FROM t"),
	A("A092", EXPLAIN, "EXPLAIN invoices"),
	A("A093", EXPLAIN, "EXPLAIN WITH x AS (SELECT 1) SELECT * FROM x"),
	A("A094", DESCRIBE, "DESCRIBE saia_demo.invoices 'inv%'"),
	A("A095", SELECT, "select * from invoices where note = 'select * into outfile ''/tmp/x'''"),
	A("A096", SELECT, "SELECT * FROM t WHERE a = 1 # trailing; DROP TABLE t"),
	A("A097", SELECT, "SELECT 'for update', 'lock in share mode', 'sleep(5)', 'mysql.user' FROM t"),
	A("A098", SELECT, "SELECT `into`, `for`, `lock` FROM t"),
	A("A099", SELECT, "SELECT * FROM t WHERE d >= CURDATE() - INTERVAL 30 DAY ORDER BY d DESC LIMIT 10 OFFSET 20"),
	A("A100", SELECT, "SELECT a DIV 2, a MOD 3, MOD(a, 3), a % 4 FROM t"),
	A("A101", SELECT, "WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b"),
	A("A102", SELECT, "WITH a AS (SELECT 1) (SELECT * FROM a)"),
	A("A103", SELECT, "SELECT * FROM (WITH q AS (SELECT 1 AS v) SELECT v FROM q) d"),
	A("A104", SELECT, "SELECT UPPER(name), LOWER(email), CONCAT_WS(' ', a, b), LENGTH(x), REPLACE(s, 'a', 'b'), LEFT(s, 2), RIGHT(s, 2) FROM t"),
	A("A105", SELECT, "SELECT ROUND(x, 2), FLOOR(x), CEIL(x), ABS(x), POW(x, 2), SQRT(x), GREATEST(a, b), LEAST(a, b) FROM t"),
	A("A106", SELECT, "SELECT YEAR(d), MONTH(d), DAY(d), WEEK(d), QUARTER(d), LAST_DAY(d), STR_TO_DATE(s, '%d.%m.%Y'), UNIX_TIMESTAMP(d) FROM t"),
	A("A107", SELECT, "SELECT * FROM t WHERE a REGEXP '^[0-9]+$' AND REGEXP_INSTR(b, 'x') > 0"),
	A("A108", SELECT, "SELECT 1 FROM DUAL"),
	A("A109", SELECT, "SELECT t.`order` FROM `t` WHERE t.`select` = 1"),
	A("A110", SELECT, "SELECT COUNT(*) AS `count`, sum(total) total FROM invoices"),
	A("A111", SELECT, "SELECT 1 -- trailing comment without newline"),
	A("A112", SELECT, "SELECT 2 #"),
	A("A113", SELECT, "SELECT /*+ MAX_ROWS */ 1"),
	A("A114", SELECT, "SELECT /*+ BKA(t1) NO_ICP(t2) */ * FROM t1, t2"),
	A("A115", SELECT, "SELECT 1 /* ; DROP TABLE t */"),
	A("A116", SELECT, "SELECT a FROM t1 WHERE a IN (SELECT b FROM t2 WHERE b IN (SELECT c FROM saia_demo.t3))"),
	A("A117", SELECT, "SELECT * FROM t1 LEFT OUTER JOIN (t2 JOIN t3 ON t2.a = t3.a) ON t1.a = t2.a"),
	A("A118", SELECT, "SELECT 1\r\n"),
	A("A119", SELECT, "SELECT '\xF0\x9F\x98\x80' AS emoji"),
	A("A120", SELECT, "SELECT JSON_TABLE_col, sleep_seconds, count_x FROM t"),
	A("A121", SELECT, "SELECT SUM(x) FILTERED FROM t"),
	A("A122", SELECT, "SELECT date, time, year, month FROM t"),
	A("A123", SELECT, "SELECT * FROM t ORDER BY t.a, t.b LIMIT 1, 2"),
	A("A124", SELECT, "SELECT t.a, u.b FROM t, u WHERE t.id = u.id"),
	A("A125", SELECT, "SELECT PERCENT_RANK() OVER w, CUME_DIST() OVER w, FIRST_VALUE(x) OVER w, LAST_VALUE(x) OVER w, NTH_VALUE(x, 2) OVER w, RANK() OVER w FROM t WINDOW w AS (ORDER BY x)"),
	A("A126", SELECT, "SELECT STD(x), STDDEV(x), VARIANCE(x), BIT_AND(x), BIT_OR(x), MIN(x), MAX(x), AVG(x) FROM t"),
	A("A127", SELECT, "SELECT 1 FROM t WHERE a = 1 AND b = 'x;y' ; "),
	A("A128", SELECT, "SELECT `weird``name`, `a.b` FROM `other_db.t`"),
	A("A129", SELECT, "SELECT * FROM t WHERE x NOT IN (1, 2) AND y NOT LIKE 'a%' AND EXISTS(SELECT 1)"),
	A("A130", SELECT, "SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3"),
	A("A131", SELECT, "SELECT DATABASE(), SCHEMA(), USER(), SESSION_USER(), SYSTEM_USER(), VERSION(), CHARSET('a'), COLLATION('a')"),
	A("A132", EXPLAIN, "EXPLAIN (SELECT 1)"),
	A("A133", SELECT, "SELECT id FROM t WHERE status = ? AND created_at BETWEEN ? AND ? LIMIT ?"),
	A("A134", SELECT, "SELECT * FROM t1 AS a INNER JOIN t2 AS b ON (a.id = b.id), t3"),
	A("A135", SELECT, "SELECT MD5(x), SHA2(x, 256), HEX(x), TO_BASE64(x), CRC32(x) FROM t"),
	A("A136", SELECT, "SELECT `c`.`x` FROM `t` `c`"),
	A("A137", SELECT, "SELECT 0x1F, 1.5e-3, 2E+4 FROM t"),
	A("A138", SHOW, "SHOW KEYS IN invoices"),
	A("A139", SHOW, "show full tables"),
	A("A140", SELECT, "   \n\tSELECT 1"),
	A("A141", SELECT, "SELECT * FROM t WHERE a = 1 AND b = 2 && c = 3"),
	A("A142", SELECT, "SELECT ISNULL(x), INTERVAL(5, 1, 10), FIELD('b', 'a', 'b') FROM t"),
	A("A143", SELECT, "SELECT x FROM t WHERE x MEMBER OF('[1]')"),
	A("A144", SELECT, "SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2020-01-01 00:00:00'"),
	/* JSON_TABLE stays allowed wherever a table reference stands (R162) */
	A("A145", SELECT, "SELECT i.id, jt.n FROM invoices i, JSON_TABLE('[1,2]', '$[*]' COLUMNS (n INT PATH '$')) AS jt JOIN JSON_TABLE('[3]', '$[*]' COLUMNS (m INT PATH '$')) AS j2 ON 1 WHERE i.id = jt.n"),
	A("A146", SELECT, "SELECT @@tx_read_only, @@SESSION.max_statement_time, @@`time_zone`"),
	A("A147", SELECT, "SELECT t.a FROM t, LATERAL (SELECT 1 AS b) AS x"),
	A("A148", SELECT, "SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$')) AS j"),
	A("A149", SELECT, "SELECT * FROM JSON_TABLE('[{\"a\":[1]}]', '$[*]' COLUMNS (NESTED PATH '$.a[*]'"
	    " COLUMNS (b INT PATH '$'))) AS j"),
	A("A150", SELECT, "SELECT t.`select`, t.`from` FROM t WHERE t.`order` > 1"),

	/* refused: more than one statement */
	R("R001", MULTI, 10, "SELECT 1; DROP TABLE t"),
	R("R002", MULTI, 13, "SELECT 1;/**/DELETE FROM t"),
	R("R003", MULTI, 10, "SELECT 1; SELECT 2"),
	R("R004", MULTI, 9, "SELECT 1;;"),
	R("R005", MULTI, 19, "SELECT 'a;b'; -- x\nDROP TABLE t"),
	R("R006", MULTI, 11, "SELECT 1 ;\nSHOW TABLES"),
	/* executable comments and hints */
	R("R007", EXEC_COMMENT, 0, "/*!50000 DROP TABLE t*/"),
	R("R008", EXEC_COMMENT, 9, "SELECT 1 /*!50001 , SLEEP(5)*/"),
	R("R009", EXEC_COMMENT, 9, "SELECT 1 /*M!100000 , SLEEP(5)*/"),
	R("R010", EXEC_COMMENT, 7, "SELECT /*! SLEEP(5) */ 1"),
	R("R011", EXEC_COMMENT, 11, "SELECT /*+ SET_VAR(sql_mode='') */ 1"),
	R("R012", EXEC_COMMENT, 11, "SELECT /*+ MAX_EXECUTION_TIME(100000000) */ 1"),
	R("R013", EXEC_COMMENT, 17, "SELECT /*+ BKA() set_var(foreign_key_checks=OFF) */ 1"),
	R("R014", EXEC_COMMENT, 9, "SELECT 1 /*!*/"),
	/* not a read statement */
	R("R015", STATEMENT, 0, "INSERT INTO t VALUES (1)"),
	R("R016", STATEMENT, 0, "UPDATE t SET a = 1"),
	R("R017", STATEMENT, 0, "DELETE FROM t"),
	R("R018", STATEMENT, 0, "REPLACE INTO t VALUES (1)"),
	R("R019", STATEMENT, 0, "CREATE TABLE x (a INT)"),
	R("R020", STATEMENT, 0, "DROP TABLE t"),
	R("R021", STATEMENT, 0, "ALTER TABLE t ADD c INT"),
	R("R022", STATEMENT, 0, "TRUNCATE TABLE t"),
	R("R023", STATEMENT, 0, "SET @a = 1"),
	R("R024", STATEMENT, 0, "USE mysql"),
	R("R025", STATEMENT, 0, "CALL p()"),
	R("R026", STATEMENT, 0, "DO SLEEP(5)"),
	R("R027", STATEMENT, 0, "HANDLER t OPEN"),
	R("R028", STATEMENT, 0, "LOAD DATA INFILE '/etc/passwd' INTO TABLE t"),
	R("R029", STATEMENT, 0, "LOCK TABLES t READ"),
	R("R030", STATEMENT, 0, "GRANT ALL ON *.* TO x"),
	R("R031", STATEMENT, 0, "PREPARE s FROM 'DELETE FROM t'"),
	R("R032", STATEMENT, 0, "EXECUTE s"),
	R("R033", STATEMENT, 21, "WITH x AS (SELECT 1) DELETE FROM t"),
	R("R034", STATEMENT, 28, "WITH x AS (SELECT 1 FROM t) UPDATE t SET a = 1"),
	R("R035", STATEMENT, 1, "(DELETE FROM t)"),
	R("R036", STATEMENT, 9, "SELECT * TABLE t"),
	R("R037", STATEMENT, 0, "TABLE t"),
	R("R038", STATEMENT, 0, "VALUES ROW(1)"),
	R("R039", STATEMENT, 0, "START TRANSACTION"),
	R("R040", STATEMENT, 0, "KILL 1"),
	/* INTO */
	R("R041", INTO, 9, "SELECT * INTO OUTFILE '/tmp/x' FROM t"),
	R("R042", INTO, 16, "SELECT * FROM t INTO DUMPFILE '/tmp/x'"),
	R("R043", INTO, 9, "SELECT 1 INTO @v"),
	R("R044", INTO, 20, "SELECT a FROM t1 t2 into @a, @b"),
	/* locking reads */
	R("R045", LOCKING, 16, "SELECT * FROM t FOR UPDATE"),
	R("R046", LOCKING, 16, "SELECT * FROM t FOR SHARE"),
	R("R047", LOCKING, 16, "SELECT * FROM t LOCK IN SHARE MODE"),
	R("R048", LOCKING, 16, "SELECT * FROM t for update nowait"),
	R("R049", LOCKING, 16, "SELECT * FROM t FOR /* x */ UPDATE SKIP LOCKED"),
	/* assignment */
	R("R050", ASSIGN, 9, "SELECT @a:=1"),
	R("R051", ASSIGN, 10, "SELECT @a := (SELECT 1)"),
	R("R052", ASSIGN, 24, "SELECT * FROM t WHERE(@x:=1)"),
	/* functions */
	R("R053", FUNCTION, 7, "SELECT SLEEP(5)"),
	R("R054", FUNCTION, 7, "SELECT `sleep`(5)"),
	R("R055", FUNCTION, 7, "SELECT BENCHMARK(1000000000, MD5('x'))"),
	R("R056", FUNCTION, 7, "SELECT GET_LOCK('a', 10)"),
	R("R057", FUNCTION, 7, "SELECT LOAD_FILE('/etc/passwd')"),
	R("R058", FUNCTION, 7, "SELECT NEXT VALUE FOR s"),
	R("R059", FUNCTION, 7, "SELECT NEXTVAL(s)"),
	R("R060", FUNCTION, 7, "SELECT LAST_INSERT_ID(5)"),
	R("R061", FUNCTION, 7, "SELECT my_udf(1)"),
	R("R062", FUNCTION, 17, "SELECT saia_demo.my_func(1)"),
	R("R063", FUNCTION, 7, "SELECT sleep /* c */ (5)"),
	R("R064", FUNCTION, 7, "SELECT RELEASE_LOCK('a'), IS_FREE_LOCK('a')"),
	R("R065", FUNCTION, 7, "SELECT MASTER_POS_WAIT('f', 4)"),
	R("R066", FUNCTION, 7, "SELECT PREVIOUS VALUE FOR s"),
	R("R067", FUNCTION, 9, "SELECT s.nextval"),
	R("R068", FUNCTION, 7, "SELECT count (x) FROM t"),	/* blank: may be a stored function count */
	R("R069", FUNCTION, 22, "SELECT * FROM t WHERE sleep(5) = 0"),
	R("R070", FUNCTION, 7, "SELECT SETVAL(s, 10)"),
	R("R071", FUNCTION, 14, "SELECT a FROM json_table_x(1)"),
	R("R072", FUNCTION, 7, "SELECT SLEEP\n(1)"),
	R("R073", FUNCTION, 7, "SELECT `COUNT`(*) FROM t"),
	R("R074", FUNCTION, 7, "SELECT WAIT_FOR_EXECUTED_GTID_SET('x')"),
	/* schemas */
	R("R075", SCHEMA, 14, "SELECT * FROM mysql.user"),
	R("R076", SCHEMA, 14, "SELECT * FROM `mysql`.`user`"),
	R("R077", SCHEMA, 14, "SELECT * FROM other_db.t"),
	R("R078", SCHEMA, 14, "SELECT * FROM information_schema.PROCESSLIST"),
	R("R079", SCHEMA, 14, "SELECT * FROM performance_schema.threads"),
	R("R080", SCHEMA, 14, "SELECT * FROM sys.session"),
	R("R081", SCHEMA, 18, "SELECT * FROM t1, `other`.t2"),
	R("R082", SCHEMA, 22, "SELECT * FROM t1 JOIN other.t2 ON 1"),
	R("R083", SCHEMA, 42, "SELECT * FROM t WHERE a IN (SELECT b FROM other.t2)"),
	R("R084", SCHEMA, 7, "SELECT other.t.c FROM t"),
	R("R085", SCHEMA, 7, "SELECT mysql.user FROM t"),
	R("R086", SCHEMA, 14, "SELECT * FROM INFORMATION_SCHEMA.session_variables"),
	R("R087", SCHEMA, 14, "SELECT * FROM information_schema.INNODB_TRX"),
	R("R088", SCHEMA, 15, "SELECT * FROM (other.t)"),
	R("R089", SCHEMA, 17, "SHOW TABLES FROM other_db"),
	R("R090", SCHEMA, 23, "SHOW COLUMNS FROM t IN mysql"),
	R("R091", SCHEMA, 18, "SHOW CREATE TABLE other.t"),
	R("R092", SCHEMA, 9, "DESCRIBE mysql.user"),
	R("R093", SCHEMA, 14, "SELECT * FROM SAIA_DEMO_X.t"),
	R("R094", SCHEMA, 23, "SELECT * FROM t1 AS a, other . t2"),
	R("R095", SCHEMA, 14, "SELECT * FROM information_schema.GLOBAL_STATUS"),
	/* SHOW */
	R("R096", SHOW, 5, "SHOW PROCESSLIST"),
	R("R097", SHOW, 10, "SHOW FULL PROCESSLIST"),
	R("R098", SHOW, 5, "SHOW GRANTS FOR root"),	/* refused at GRANTS since A003 */
	R("R099", SHOW, 5, "SHOW GRANTS FOR 'root'@'%'"),
	R("R100", SHOW, 12, "SHOW CREATE USER root"),
	R("R101", SHOW, 5, "SHOW ENGINE INNODB STATUS"),
	R("R102", SHOW, 5, "SHOW BINLOG EVENTS"),
	R("R103", SHOW, 5, "SHOW RELAYLOG EVENTS"),
	R("R104", SHOW, 5, "SHOW MASTER STATUS"),
	R("R105", SHOW, 5, "SHOW SLAVE STATUS"),
	R("R106", SHOW, 5, "SHOW REPLICA STATUS"),
	R("R107", SHOW, 5, "SHOW DATABASES"),
	R("R108", SHOW, 5, "SHOW PROFILES"),
	R("R109", SHOW, 5, "SHOW OPEN TABLES"),
	R("R110", SHOW, 5, "SHOW STATUS"),
	R("R111", SHOW, 5, "SHOW GLOBAL STATUS"),	/* refused at GLOBAL since A085 */
	R("R112", SHOW, 5, "SHOW EXPLAIN FOR 1"),
	R("R113", SHOW, 5, "SHOW PRIVILEGES"),
	R("R114", SHOW, 12, "SHOW CREATE PROCEDURE p"),
	R("R115", SHOW, 5, "SHOW BINARY LOGS"),
	/* EXPLAIN and ANALYZE */
	R("R116", EXPLAIN, 8, "EXPLAIN ANALYZE SELECT * FROM t"),
	R("R117", EXPLAIN, 0, "ANALYZE TABLE t"),
	R("R118", EXPLAIN, 0, "ANALYZE SELECT 1"),
	R("R119", EXPLAIN, 8, "EXPLAIN FOR CONNECTION 5"),
	R("R120", EXPLAIN, 8, "EXPLAIN UPDATE t SET a = 1"),
	R("R121", EXPLAIN, 8, "EXPLAIN DELETE FROM t"),
	R("R122", EXPLAIN, 9, "DESCRIBE SELECT 1"),
	R("R123", EXPLAIN, 5, "DESC ANALYZE SELECT 1"),
	R("R124", EXPLAIN, 20, "EXPLAIN FORMAT=TREE ANALYZE SELECT 1"),
	R("R125", EXPLAIN, 8, "EXPLAIN INSERT INTO t VALUES (1)"),
	/* mode dependence */
	R("R126", MODE, 10, "SELECT 'it\\'s'"),
	R("R127", MODE, 7, "SELECT \"x\""),
	R("R128", MODE, 34, "SELECT * FROM t WHERE name LIKE '%\\_%'"),
	R("R129", MODE, 9, "SELECT a || b FROM t"),
	R("R130", MODE, 7, "SELECT @\"v\""),
	R("R131", MODE, 16, "SELECT 'a' FROM \"t\""),
	/* input */
	RB("R132", NUL, 8, "SELECT 1\0"),
	RB("R133", NUL, 9, "SELECT 1 \0; DROP TABLE t"),
	RB("R134", UTF8, 8, "SELECT '\xC0\xA7'"),		/* overlong quote */
	RB("R135", UTF8, 8, "SELECT '\xED\xA0\x80'"),	/* surrogate */
	RB("R136", UTF8, 8, "SELECT '\xE2\x82'"),		/* truncated */
	RB("R137", UTF8, 7, "SELECT \xFF"),
	RB("R138", UTF8, 8, "SELECT '\xF4\x90\x80\x80'"),	/* above U+10FFFF */
	R("R139", UNTERMINATED, 7, "SELECT 'abc"),
	R("R140", UNTERMINATED, 9, "SELECT 1 /* never closed"),
	R("R141", UNTERMINATED, 14, "SELECT * FROM `t"),
	R("R142", UNTERMINATED, 7, "SELECT 'a'' "),
	R("R143", UNTERMINATED, 7, "SELECT 'a\\"),
	R("R144", EMPTY, -1, ""),
	R("R145", EMPTY, -1, "   -- nothing\n/* at all */"),
	R("R146", EMPTY, -1, ";"),
	/* comment edge cases */
	R("R147", MULTI, 15, "SELECT 1;-- x\n DROP TABLE t"),
	R("R148", MULTI, 15, "SELECT 1 --x\n; DROP"),	/* --x is not a comment */
	R("R149", SYNTAX, 20, "SELECT 1 # hidden ;\n)"),
	R("R150", MULTI, 23, "SELECT 1 /* ; */ ; # x\nDROP TABLE t"),
	/* syntax */
	R("R151", SYNTAX, 7, "SELECT \\N"),
	R("R152", SYNTAX, 7, "SELECT {fn now()}"),
	R("R153", SYNTAX, 9, "SELECT (1"),
	R("R154", SYNTAX, 8, "SELECT 1)"),
	R("R155", SYNTAX, 0, "`select` 1"),
	R("R156", SYNTAX, 7, "SELECT ``"),
	R("R157", SYNTAX, 20, "WITH x AS (SELECT 1)"),
	R("R158", SYNTAX, 12, "SHOW TABLES x"),
	R("R159", SYNTAX, 16, "SELECT 1abc.`x` : 1"),
	/* MySQL-only built-ins: on MariaDB these names reach a stored function. */
	R("R160", FUNCTION, 7, "SELECT REGEXP_LIKE(a, 'x') FROM t"),
	R("R161", FUNCTION, 7, "SELECT ANY_VALUE(a) FROM t GROUP BY b"),
	/* once allowed: on MariaDB 10.11 these calls reached a stored function of that name */
	R("R162", FUNCTION, 7, "SELECT JSON_TABLE('[1]', '$', 1)"),
	R("R163", FUNCTION, 7, "SELECT POINT(1) FROM t"),
	R("R164", FUNCTION, 7, "SELECT ST_ISVALID(g) FROM t"),
	/* Found by hand: on MariaDB these words are ordinary names, so a call
	 * reached a stored function of that name. */
	R("R165", FUNCTION, 7, "SELECT ARRAY(1)"),
	R("R166", FUNCTION, 7, "SELECT LATERAL(1)"),
	R("R167", FUNCTION, 7, "SELECT OF(1)"),
	R("R168", FUNCTION, 14, "SELECT CONCAT(COLUMNS(1))"),
	/* System variables that reveal paths, hosts or internals. */
	R("R169", SYSVAR, 7, "SELECT @@datadir"),
	R("R170", SYSVAR, 7, "SELECT @@session.log_error"),
	R("R171", SYSVAR, 7, "SELECT @@GLOBAL.plugin_dir"),
	R("R172", SYSVAR, 10, "SELECT 1, @@hostname"),
	R("R173", SYSVAR, 7, "SELECT @@`socket`"),
	R("R174", SYSVAR, 7, "SELECT @@secure_file_priv"),
	/* A second adversarial run: a keyword right after "." named a stored
	 * function, and the keyword branch waved the call through. */
	R("R175", FUNCTION, 17, "SELECT saia_demo.SELECT(1)"),
	R("R176", FUNCTION, 17, "SELECT saia_demo.WHERE(1)"),
	R("R177", FUNCTION, 17, "SELECT saia_demo.`FROM`(1)"),
	R("R178", FUNCTION, 24, "SELECT 1 FROM t WHERE t.UNION(1)"),
	R("R179", FUNCTION, 16, "SELECT zz_other.STRAIGHT_JOIN(1)"),
	/* third adversarial pass: index hints and QUALIFY ended the FROM list; key caches */
	R("R180", SCHEMA, 59, "SELECT s.* FROM invoices USE INDEX FOR ORDER BY (PRIMARY), saia_other.secrets s LIMIT 1"),
	R("R181", SCHEMA, 32, "SELECT * FROM invoices qualify, saia_other.secrets"),
	R("R182", SCHEMA, 59, "SELECT * FROM invoices FORCE INDEX FOR GROUP BY (PRIMARY), saia_other.secrets"),
	R("R183", SCHEMA, 56, "SELECT * FROM invoices IGNORE INDEX FOR JOIN (PRIMARY), saia_other.secrets"),
	R("R184", SYSVAR, 7, "SELECT @@version.key_buffer_size"),
	R("R185", SYSVAR, 7, "SELECT @@global.`version`.key_buffer_size"),
	A("A180", SELECT, "SELECT i.id FROM invoices i USE INDEX FOR ORDER BY (PRIMARY) ORDER BY i.id"),
	A("A181", SELECT, "SELECT qualify.id FROM invoices qualify WHERE qualify.id = 1"),
	A("A182", SELECT, "SELECT @@version, @@version_comment"),
};

/* Does the statement have a second statement or an executable comment? */
static int
independent_scan_ok(const char *sql, size_t len)
{
	struct guard_token t;
	size_t off = 0;
	int after_semi = 0;

	while (off < len) {
		guard_lex(sql, len, off, &t);
		if (t.len == 0)
			return 0;
		if (t.type == GUARD_T_EXEC_COMMENT)
			return 0;
		if (after_semi && t.type != GUARD_T_SPACE &&
		    t.type != GUARD_T_COMMENT && t.type != GUARD_T_HINT)
			return 0;
		if (t.type == GUARD_T_SEMI)
			after_semi = 1;
		off += t.len;
	}
	return 1;
}

static const char *const tenant_funcs[] = { "fn_customer_balance" };
static const struct guard_opts opts = { "saia_demo", tenant_funcs, 1, NULL, 0 };

static void
test_table(void **state)
{
	size_t i, n = sizeof(cases) / sizeof(cases[0]);
	int failed = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		const struct gcase *c = &cases[i];
		size_t len = c->len != 0 ? c->len : strlen(c->sql);
		struct guard_result res;
		char msg[512];
		int rc = guard_check(c->sql, len, &opts, &res);

		guard_explain(&res, msg, sizeof(msg));
		if (res.reason != c->reason ||
		    (rc == 0) != (c->reason == GUARD_OK) ||
		    (c->reason == GUARD_OK && res.kind != c->kind) ||
		    (c->reason != GUARD_OK && c->offset >= 0 &&
		    res.offset != (size_t)c->offset)) {
			print_message("%s: got %s kind %d offset %zu (%s), "
			    "want %s kind %d offset %ld\n", c->id,
			    guard_reason_code(res.reason), res.kind,
			    res.offset, msg, guard_reason_code(c->reason),
			    c->kind, c->offset);
			failed++;
		}
		if (res.offset > len) {
			print_message("%s: offset %zu past the end\n", c->id,
			    res.offset);
			failed++;
		}
		if (rc == 0 && !independent_scan_ok(c->sql, len)) {
			print_message("%s: allowed with a second statement\n",
			    c->id);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/*
 * With the other databases the account can see (guard_opts.databases), a
 * qualifier naming one is refused wherever it stands, even as an alias.
 */
static void
test_other_databases(void **state)
{
	static const char *const dbs[] = { "saia_other", "acme" };
	static const struct guard_opts o = { "saia_demo", NULL, 0, dbs, 2 };
	static const struct {
		const char *sql;
		enum guard_reason reason;
		long offset;
	} c[] = {
		{ "SELECT acme.id FROM invoices acme", GUARD_E_SCHEMA, 7 },
		{ "SELECT * FROM invoices qualify, SAIA_OTHER.secrets", GUARD_E_SCHEMA, 32 },
		{ "SELECT `acme`.x FROM t", GUARD_E_SCHEMA, 7 },
		{ "SELECT 1 FROM t WHERE EXISTS (SELECT 1 FROM t2 x, acme.t3)", GUARD_E_SCHEMA, 50 },
		{ "SELECT i.id FROM invoices i", GUARD_OK, -1 },
		{ "SELECT saia_demo.invoices.id FROM saia_demo.invoices", GUARD_OK, -1 },
		{ "SELECT information_schema.TABLES.TABLE_NAME FROM information_schema.TABLES",
		    GUARD_OK, -1 },
		{ "SELECT 'acme.x', acme_id FROM t", GUARD_OK, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct guard_result res;
		int rc = guard_check(c[i].sql, strlen(c[i].sql), &o, &res);

		if (res.reason != c[i].reason || (rc == 0) != (c[i].reason == GUARD_OK) ||
		    (c[i].offset >= 0 && res.offset != (size_t)c[i].offset))
			fail_msg("%s: got %s at %zu", c[i].sql, guard_reason_code(res.reason),
			    res.offset);
	}
}

/* Ids are unique and the table is as large as promised. */
static void
test_ids(void **state)
{
	size_t i, j, n = sizeof(cases) / sizeof(cases[0]), allowed = 0;

	(void)state;
	assert_true(n >= 150);
	for (i = 0; i < n; i++) {
		if (cases[i].reason == GUARD_OK)
			allowed++;
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(cases[i].id, cases[j].id);
	}
	assert_true(allowed * 3 >= n);
}

/* Every refusal reason is covered by at least one case. */
static void
test_reasons_covered(void **state)
{
	int seen[GUARD_REASON_COUNT] = { 0 };
	size_t i, n = sizeof(cases) / sizeof(cases[0]);
	int r;

	(void)state;
	for (i = 0; i < n; i++)
		seen[cases[i].reason] = 1;
	seen[GUARD_E_TOO_LONG] = 1;	/* test_too_long */
	for (r = 0; r < GUARD_REASON_COUNT; r++) {
		if (!seen[r])
			print_message("reason %s has no case\n",
			    guard_reason_code((enum guard_reason)r));
		assert_true(seen[r]);
	}
}

static void
test_too_long(void **state)
{
	static char big[GUARD_MAX_SQL + 2];
	struct guard_result res;

	(void)state;
	memset(big, ' ', sizeof(big));
	memcpy(big, "SELECT 1", 8);
	assert_int_equal(guard_check(big, GUARD_MAX_SQL, &opts, &res), 0);
	assert_int_equal(guard_check(big, GUARD_MAX_SQL + 1, &opts, &res), -1);
	assert_int_equal(res.reason, GUARD_E_TOO_LONG);
	assert_true(res.offset <= GUARD_MAX_SQL + 1);
}

/* Deep nesting is refused cleanly, not by running out of stack. */
static void
test_deep(void **state)
{
	static char sql[4096];
	struct guard_result res;
	size_t i, n = 0;

	(void)state;
	n += (size_t)sprintf(sql, "SELECT ");
	for (i = 0; i < 1000; i++)
		sql[n++] = '(';
	sql[n++] = '1';
	for (i = 0; i < 1000; i++)
		sql[n++] = ')';
	assert_int_equal(guard_check(sql, n, &opts, &res), -1);
	assert_int_equal(res.reason, GUARD_E_SYNTAX);
}

/*
 * user_functions counts the calls let through only because the tenant
 * lists them: the session must be reset after such a statement (a stored
 * function can change session settings).
 */
static void
test_user_functions(void **state)
{
	static const char *const fns[] = { "fn_touch" };
	struct guard_opts o = { .schema = "saia", .functions = fns, .n_functions = 1 };
	struct guard_result r;
	const char *sql = "SELECT fn_touch(), `fn_touch`(1), saia.fn_touch(), COUNT(*) FROM t";

	(void)state;
	assert_int_equal(guard_check(sql, strlen(sql), &o, &r), 0);
	assert_int_equal(r.user_functions, 3);
	sql = "SELECT COUNT(*), CONCAT(a, 'fn_touch()') FROM t";
	assert_int_equal(guard_check(sql, strlen(sql), &o, &r), 0);
	assert_int_equal(r.user_functions, 0);
}

static void
test_params(void **state)
{
	static const struct {
		const char *sql;
		unsigned params;
	} t[] = {
		{ "SELECT ?", 1 },
		{ "SELECT * FROM t WHERE a = ? AND b = '?' AND `?` = ? -- ?\n", 2 },
		{ "SELECT /* ? */ ? # ?", 1 },
		{ "SELECT 'it''s ?', ?, ?, ?", 3 },
		{ "SHOW TABLES LIKE ?", 1 },
		{ "SELECT 1", 0 },
	};
	struct guard_result res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(guard_check(t[i].sql, strlen(t[i].sql), &opts,
		    &res), 0);
		assert_int_equal(res.params, t[i].params);
	}
}

static void
test_explain_text(void **state)
{
	static const struct {
		const char *sql;
		const char *msg;
	} t[] = {
		{ "SELECT 1 /*!50000 , 2 */", "executable comment /*! at offset 9" },
		{ "SELECT /*M!100000 1 */", "executable comment /*M! at offset 7" },
		{ "SELECT my_func(1)", "function my_func is not allowed (not a "
		    "known read-only built-in; a tenant can list its own "
		    "read-only functions under allowed_functions) at offset 7" },
		{ "SELECT SLEEP(5)", "function SLEEP is not allowed (it stalls, "
		    "locks, reads files or changes state) at offset 7" },
		{ "SELECT 1; DROP TABLE t", "more than one statement: DROP at "
		    "offset 10 (send one statement; a trailing ; is fine)" },
		{ "SELECT * FROM mysql.user", "database mysql at offset 14 is "
		    "not allowed (only the tenant's own database and "
		    "information_schema)" },
		{ "SELECT \"x\"", "double-quoted string at offset 7 (use single "
		    "quotes for strings and backticks for names)" },
		{ "SELECT 'abc", "unterminated string at offset 7" },
		{ "SELECT 1 INTO @v", "INTO at offset 9 is not allowed (SELECT "
		    "... INTO writes files or variables)" },
	};
	struct guard_result res;
	char buf[512], small[8];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(guard_check(t[i].sql, strlen(t[i].sql), &opts,
		    &res), -1);
		n = guard_explain(&res, buf, sizeof(buf));
		assert_string_equal(buf, t[i].msg);
		assert_int_equal(n, strlen(t[i].msg));
		/* truncated, still terminated, same length reported */
		assert_int_equal(guard_explain(&res, small, sizeof(small)), n);
		assert_int_equal(strlen(small), sizeof(small) - 1);
	}
	assert_string_equal(guard_reason_code(GUARD_E_EXEC_COMMENT),
	    "exec_comment");
	assert_string_equal(guard_reason_code(GUARD_E_SYNTAX), "syntax");
}

/* Without a schema no database may be named; information_schema still may. */
static void
test_no_schema(void **state)
{
	struct guard_result res;
	const char *a = "SELECT * FROM saia_demo.t";
	const char *b = "SELECT TABLE_NAME FROM information_schema.TABLES";
	const char *c = "SELECT fn_customer_balance(1)";

	(void)state;
	assert_int_equal(guard_check(a, strlen(a), NULL, &res), -1);
	assert_int_equal(res.reason, GUARD_E_SCHEMA);
	assert_int_equal(guard_check(b, strlen(b), NULL, &res), 0);
	assert_int_equal(guard_check(c, strlen(c), NULL, &res), -1);
	assert_int_equal(res.reason, GUARD_E_FUNCTION);
	assert_int_equal(guard_check(NULL, 0, NULL, &res), -1);
	assert_int_equal(res.reason, GUARD_E_EMPTY);
}

/* Every built-in on the allow-list can be called. */
static void
test_builtins(void **state)
{
	struct guard_result res;
	char sql[128];
	const char *f;
	size_t i;

	(void)state;
	for (i = 0; (f = guard_builtin_function(i)) != NULL; i++) {
		int n;

		if (strcmp(f, "LAST_INSERT_ID") == 0)
			continue;	/* only without an argument: A065 */
		n = snprintf(sql, sizeof(sql), "SELECT %s(1)", f);

		if (guard_check(sql, (size_t)n, &opts, &res) != 0)
			print_message("%s refused: %s\n", f,
			    guard_reason_code(res.reason));
		assert_int_equal(res.reason, GUARD_OK);
		/* and in lower case, as a plain column name */
		n = snprintf(sql, sizeof(sql), "SELECT t.%s FROM t", f);
		assert_int_equal(guard_check(sql, (size_t)n, &opts, &res), 0);
	}
	assert_true(i > 200);
}

/* The lexer splits what MySQL splits. */
static void
test_lexer(void **state)
{
	static const struct {
		const char *sql;
		enum guard_tok type;
		size_t len;
	} t[] = {
		{ "--x", GUARD_T_OP, 1 },
		{ "-- x\nSELECT", GUARD_T_COMMENT, 4 },
		{ "--", GUARD_T_COMMENT, 2 },
		{ "--\t", GUARD_T_COMMENT, 3 },
		{ "#a;b\nc", GUARD_T_COMMENT, 4 },
		{ "'a''b' x", GUARD_T_STRING, 6 },
		{ "'a\\'b' x", GUARD_T_STRING, 6 },
		{ "`a``b` x", GUARD_T_QID, 6 },
		{ "\"a\"\"b\" x", GUARD_T_DQSTRING, 6 },
		{ "/*!50000 x */ y", GUARD_T_EXEC_COMMENT, 13 },
		{ "/*M!1 x */", GUARD_T_EXEC_COMMENT, 10 },
		{ "/*+ BKA(t) */", GUARD_T_HINT, 13 },
		{ "/* a /* b */ c */", GUARD_T_COMMENT, 12 },
		{ "1e5+1", GUARD_T_NUMBER, 3 },
		{ "1abc", GUARD_T_ID, 4 },
		{ "0x1F ", GUARD_T_NUMBER, 4 },
		{ "0x1g", GUARD_T_ID, 4 },
		{ "X'4142'", GUARD_T_STRING, 7 },
		{ "x'4G'", GUARD_T_ILLEGAL, 4 },
		{ ".5", GUARD_T_NUMBER, 2 },
		{ "@a.b ", GUARD_T_VAR, 4 },
		{ "@@session.x", GUARD_T_SYSVAR, 9 },
		{ ":=", GUARD_T_ASSIGN, 2 },
		{ "<=>", GUARD_T_OP, 3 },
		{ "->>'$.a'", GUARD_T_OP, 3 },
		{ "größe ", GUARD_T_ID, 7 },
		{ "\\N", GUARD_T_ILLEGAL, 1 },
		{ "'abc", GUARD_T_UNTERMINATED, 4 },
	};
	struct guard_token tok;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		guard_lex(t[i].sql, strlen(t[i].sql), 0, &tok);
		if (tok.type != t[i].type || tok.len != t[i].len)
			print_message("lex %s: type %d len %zu\n", t[i].sql,
			    tok.type, tok.len);
		assert_int_equal(tok.type, t[i].type);
		assert_int_equal(tok.len, t[i].len);
	}
	/* t.5 is column 5 of t: the dot is a dot */
	guard_lex("t.5", 3, 1, &tok);
	assert_int_equal(tok.type, GUARD_T_DOT);
	guard_lex("x", 1, 1, &tok);
	assert_int_equal(tok.type, GUARD_T_EOF);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_other_databases),
		cmocka_unit_test(test_reasons_covered),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_explain_text),
		cmocka_unit_test(test_no_schema),
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_user_functions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
