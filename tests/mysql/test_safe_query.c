/*
 * test_safe_query: the read-only promise (CONTRACT 7) proven against a real
 * MariaDB, layer by layer, and the two features that rest on the guard:
 * execute_safe_query and a tenant's own `queries:` (CONTRACT 3, 4).
 *
 * Cases carry stable ids that are never renumbered: Hnnn hostile statements
 * sent through execute_safe_query on tenant rw_full, whose account CAN write
 * (each must be refused by the guard, and afterwards the database must be
 * exactly as before); Lnnn legitimate queries with their exact answers;
 * Qnnn tenant queries; Pnnn profile errors.
 *
 * Needs SAIA_TEST_CONFIG (from `bash scripts/db.sh config FILE`) and the
 * test database (`bash scripts/db.sh start`, loaded).  Without them the test
 * is skipped (exit 77), except in CI (CI set), where that is a failure.
 * The fixture creates, as root, the stored function saia_demo.fn_touch(),
 * which inserts into saia_sq_scratch.audit_log and returns 1, and drops both
 * at the end.  audit_log lives in its own database on purpose: other tests
 * that count saia_demo's tables may run against the same server meanwhile.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "harness.h"

/* Everything the fixture made; freed and removed by the teardown. */
static struct {
	const char *config;	/* SAIA_TEST_CONFIG, borrowed from the environment */
	char *yaml;		/* temp profile: qtest (full + queries), rw_fn */
	char *root;		/* the source tree, for scripts/db.sh */
	char *snapshot;		/* the database as it was before the hostile run */
} fx;

static long next_id = 1;

static char *
xstrdup_(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

/*
 * Run sql as root through scripts/db.sh sql (-N -B).  Returns its output
 * (malloc'd, free()) and sets *rc to the exit status.
 */
static char *
admin_rc(const char *sql, int *rc)
{
	char *path = h_temp_file(sql), cmd[2048], *out = NULL;
	size_t n = 0, cap = 0, r;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "bash '%s/scripts/db.sh' sql -N -B <'%s' 2>&1",
	    fx.root, path);
	if ((p = popen(cmd, "r")) == NULL)
		fail_msg("popen: %s", cmd);
	do {
		if (cap - n < 4096) {
			cap = cap * 2 + 4096;
			if ((out = realloc(out, cap)) == NULL)
				abort();
		}
		r = fread(out + n, 1, cap - n - 1, p);
		n += r;
	} while (r > 0);
	out[n] = '\0';
	*rc = pclose(p);
	unlink(path);
	free(path);
	return out;
}

/* admin_rc() that must succeed. */
static char *
admin(const char *sql)
{
	int rc;
	char *out = admin_rc(sql, &rc);

	if (rc != 0)
		fail_msg("admin SQL failed (%d): %s\n%s", rc, sql, out);
	return out;
}

/* Every fact about saia_demo a write could change, as one text. */
static char *
snapshot(void)
{
	char *tables = admin("SELECT TABLE_NAME FROM information_schema.TABLES"
	    " WHERE TABLE_SCHEMA = 'saia_demo' AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1");
	char sql[8192], *out, *save = NULL, *t;
	size_t n;

	n = (size_t)snprintf(sql, sizeof(sql),
	    "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
	    " WHERE TABLE_SCHEMA IN ('saia_demo', 'saia_sq_scratch') ORDER BY 1;"
	    "SELECT ROUTINE_NAME FROM information_schema.ROUTINES"
	    " WHERE ROUTINE_SCHEMA = 'saia_demo' ORDER BY 1;"
	    "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
	    " WHERE TRIGGER_SCHEMA = 'saia_demo' ORDER BY 1;"
	    "SELECT EVENT_NAME FROM information_schema.EVENTS ORDER BY 1;"
	    "SELECT User, Host FROM mysql.user ORDER BY 1, 2;"
	    "SHOW GRANTS FOR 'saia_ro'@'%%';"
	    "SELECT COUNT(*) FROM saia_sq_scratch.audit_log;");
	for (t = strtok_r(tables, "\n", &save); t != NULL; t = strtok_r(NULL, "\n", &save))
		n += (size_t)snprintf(sql + n, sizeof(sql) - n,
		    "SELECT '%s', COUNT(*) FROM saia_demo.`%s`; CHECKSUM TABLE saia_demo.`%s`;",
		    t, t, t);
	assert_true(n < sizeof(sql));
	free(tables);
	out = admin(sql);
	return out;
}

/* A copy of the tenant block `name:` of the config, renamed to `as:`. */
static char *
tenant_block(const char *text, const char *name, const char *as)
{
	char key[80], *out;
	const char *b, *e, *rest;
	size_t n;

	snprintf(key, sizeof(key), "\n  %s:", name);
	if ((b = strstr(text, key)) == NULL)
		fail_msg("tenant %s not found in %s", name, fx.config);
	rest = b + strlen(key);
	rest = strchr(rest, '\n');
	for (e = rest; e != NULL && e[0] != '\0'; e = strchr(e + 1, '\n')) {
		if (e[1] == ' ' && e[2] == ' ' && e[3] != ' ' && e[3] != '\n')
			break;
		if (e[1] != ' ' && e[1] != '\n' && e[1] != '\0')
			break;
	}
	if (e == NULL)
		e = text + strlen(text);
	n = strlen(as) + 4 + (size_t)(e - rest) + 2;
	out = malloc(n);
	if (out == NULL)
		abort();
	snprintf(out, n, "  %s:%.*s\n", as, (int)(e - rest), rest);
	return out;
}

static char *
read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	if (s == NULL || fread(s, 1, (size_t)n, f) != (size_t)n)
		abort();
	s[n] = '\0';
	fclose(f);
	return s;
}

static const char tenant_queries[] =
    "    queries:\n"
    "      - name: overdue_invoices\n"
    "        description: Invoices past due on a given day.\n"
    "        sql: SELECT invoice_number, due_date, total_amount FROM invoices WHERE due_date < ?"
    " AND status <> 'paid' ORDER BY due_date, id\n"
    "        parameters:\n"
    "          - { name: as_of, type: date, required: true, description: The day to compare with. }\n"
    "      - name: invoices_by_status\n"
    "        description: Invoice numbers with one status.\n"
    "        sql: SELECT invoice_number FROM invoices WHERE status = ? ORDER BY id\n"
    "        parameters:\n"
    "          - { name: status, type: string, enum: [draft, sent, paid, overdue, cancelled],"
    " default: paid }\n"
    "      - name: big_invoices\n"
    "        description: The three biggest invoices of at least a total.\n"
    "        sql: SELECT id, total_amount FROM invoices WHERE total_amount >= ?"
    " ORDER BY total_amount DESC, id LIMIT 3\n"
    "        parameters:\n"
    "          - { name: min_total, type: number, min: 0, required: true }\n"
    "      - name: invoices_since\n"
    "        description: Invoices issued since a moment.\n"
    "        sql: SELECT id FROM invoices WHERE invoice_date >= ? ORDER BY id\n"
    "        parameters:\n"
    "          - { name: since, type: datetime, required: true }\n"
    "      - name: top_n\n"
    "        description: The n biggest invoices.\n"
    "        sql: SELECT id FROM invoices ORDER BY total_amount DESC, id LIMIT ?\n"
    "        parameters:\n"
    "          - { name: n, type: integer, min: 1, max: 10, default: 3 }\n";

/* test_alias_named_databases leaves nothing behind, even when it fails */
static const char drop_alias_dbs[] =
    "DROP DATABASE IF EXISTS t; DROP DATABASE IF EXISTS c; DROP DATABASE IF EXISTS p;"
    " DELETE FROM mysql.db WHERE Db IN ('t', 'c', 'p') AND User = 'saia_rw';"
    " FLUSH PRIVILEGES;";

static const char fixture_sql[] =
    "DROP FUNCTION IF EXISTS saia_demo.fn_touch;\n"
    "DROP FUNCTION IF EXISTS saia_demo.fn_rw;\n"
    "DROP FUNCTION IF EXISTS saia_demo.fn_err;\n"
    "DROP VIEW IF EXISTS saia_demo.zz_v_rw, saia_demo.zz_v_touch;\n"
    "DROP DATABASE IF EXISTS saia_sq_scratch;\n"
    "CREATE DATABASE saia_sq_scratch;\n"
    "CREATE TABLE saia_sq_scratch.audit_log (id INT AUTO_INCREMENT PRIMARY KEY,"
    " note VARCHAR(64) NOT NULL);\n"
    "DELIMITER //\n"
    "CREATE FUNCTION saia_demo.fn_touch() RETURNS INT MODIFIES SQL DATA\n"
    "BEGIN INSERT INTO saia_sq_scratch.audit_log (note) VALUES ('touched'); RETURN 1; END//\n"
    /* found by an adversarial run: a function can turn the session read-write
     * for the statements after it, and take a lock that outlives it */
    "CREATE FUNCTION saia_demo.fn_rw() RETURNS INT NO SQL\n"
    "BEGIN SET SESSION tx_read_only = 0; SET SESSION max_statement_time = 0;"
    " DO GET_LOCK('saia_fn_lock', 0); RETURN 1; END//\n"
    /* a second adversarial run: a function that changes the session and then
     * fails, and views (run with their definer's rights) calling functions */
    "CREATE FUNCTION saia_demo.fn_err() RETURNS INT NO SQL\n"
    "BEGIN SET SESSION tx_read_only = 0; SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom';"
    " RETURN 1; END//\n"
    "DELIMITER ;\n"
    /* test_shape_changes: its own database and account, out of every other test's sight */
    "DROP DATABASE IF EXISTS saia_sq_shape;\n"
    "CREATE DATABASE saia_sq_shape;\n"
    "CREATE TABLE saia_sq_shape.prices (id INT PRIMARY KEY);\n"
    "DROP USER IF EXISTS 'saia_shape_ro'@'%', 'saia_shape_ro'@'localhost',"
    " 'saia_shape_ro'@'127.0.0.1';\n"
    "CREATE USER 'saia_shape_ro'@'%' IDENTIFIED BY 'shape-pw';\n"
    "CREATE USER 'saia_shape_ro'@'localhost' IDENTIFIED BY 'shape-pw';\n"
    "CREATE USER 'saia_shape_ro'@'127.0.0.1' IDENTIFIED BY 'shape-pw';\n"
    "GRANT SELECT ON saia_sq_shape.* TO 'saia_shape_ro'@'%';\n"
    "GRANT SELECT ON saia_sq_shape.* TO 'saia_shape_ro'@'localhost';\n"
    "GRANT SELECT ON saia_sq_shape.* TO 'saia_shape_ro'@'127.0.0.1';\n";

static int
group_setup(void **state)
{
	const char *ci = getenv("CI");
	char *text, *full, *rwfn, *yaml, *out;
	size_t n;
	int rc, tries;

	(void)state;
	fx.config = getenv("SAIA_TEST_CONFIG");
	fx.root = xstrdup_(getenv("SAIA_SOURCE_ROOT") != NULL ? getenv("SAIA_SOURCE_ROOT") : ".");
	if (fx.config == NULL || (text = read_text(fx.config)) == NULL) {
		fprintf(stderr, "test_safe_query: SAIA_TEST_CONFIG is %s; run: eval \"$(bash"
		    " scripts/db.sh env)\"; bash scripts/db.sh config FILE\n",
		    fx.config == NULL ? "not set" : "not readable");
		exit(ci != NULL && *ci != '\0' ? 1 : 77);
	}
	/* the shared server may be busy for a moment: ask for up to 10 s */
	for (tries = 0;; tries++) {
		out = admin_rc("SELECT COUNT(*) FROM saia_demo.invoices", &rc);
		if ((rc == 0 && strcmp(out, "60\n") == 0) || tries == 20)
			break;
		free(out);
		usleep(500000);
	}
	if (rc != 0 || strcmp(out, "60\n") != 0) {
		fprintf(stderr, "test_safe_query: the test database is not there (%s); run:"
		    " bash scripts/db.sh start\n", out);
		exit(ci != NULL && *ci != '\0' ? 1 : 77);
	}
	free(out);
	free(admin(fixture_sql));

	full = tenant_block(text, "full", "qtest");
	rwfn = tenant_block(text, "rw_full", "rw_fn");
	n = strlen(full) + strlen(rwfn) + sizeof(tenant_queries) + 512;
	yaml = malloc(n);
	if (yaml == NULL)
		abort();
	snprintf(yaml, n, "tenants:\n%s%s%s    allowed_functions: [fn_touch, fn_rw, fn_err]\n"
	    "  shape:\n    database: {host: 127.0.0.1, port: %ld, name: saia_sq_shape,"
	    " user: saia_shape_ro, password: shape-pw, ssl_mode: disabled, connect_timeout_s: 2}\n"
	    "    enabled_tools: [get_customer_table_sample, count_customer_table_rows,"
	    " execute_safe_query]\n",
	    full, tenant_queries, rwfn, strtol(strstr(full, "port:") + 5, NULL, 10));
	fx.yaml = h_temp_file(yaml);
	free(yaml);
	free(full);
	free(rwfn);
	free(text);
	return 0;
}

static int
group_teardown(void **state)
{
	int rc;

	(void)state;
	h_cleanup_all();
	free(admin_rc("DROP VIEW IF EXISTS saia_demo.zz_v_rw, saia_demo.zz_v_touch;", &rc));
	free(admin_rc("DROP FUNCTION IF EXISTS saia_demo.fn_err;", &rc));
	free(admin_rc("DROP FUNCTION IF EXISTS saia_demo.fn_rw;", &rc));
	free(admin_rc("DROP FUNCTION IF EXISTS saia_demo.fn_touch;"
	    " DROP DATABASE IF EXISTS saia_sq_scratch;", &rc));
	free(admin_rc(drop_alias_dbs, &rc));
	free(admin_rc("DROP DATABASE IF EXISTS saia_sq_shape; DROP USER IF EXISTS"
	    " 'saia_shape_ro'@'%', 'saia_shape_ro'@'localhost', 'saia_shape_ro'@'127.0.0.1';", &rc));
	if (fx.yaml != NULL)
		unlink(fx.yaml);
	free(fx.yaml);
	free(fx.root);
	free(fx.snapshot);
	return 0;
}

/* A started, initialized server for a tenant of config. */
static struct h_proc *
start(const char *config, const char *tenant)
{
	const char *args[] = { "--config", config, "--tenant", tenant, NULL };
	struct h_proc *h = h_spawn(args, NULL);

	h_initialize(h, NULL);
	return h;
}

/*
 * execute_safe_query with sql, params (JSON text of an array, or NULL) and
 * limit (0: none).  Returns the result (cJSON_Delete()).
 */
static cJSON *
sq(struct h_proc *h, const char *sql, const char *params, int limit)
{
	cJSON *a = cJSON_CreateObject(), *r;
	char *text;

	cJSON_AddStringToObject(a, "sql", sql);
	if (params != NULL)
		cJSON_AddItemToObject(a, "params", cJSON_Parse(params));
	if (limit > 0)
		cJSON_AddNumberToObject(a, "limit", limit);
	text = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	r = h_call(h, next_id++, "execute_safe_query", text);
	free(text);
	if (r == NULL)
		fail_msg("execute_safe_query %s: a JSON-RPC error: %s", sql, h->last);
	return r;
}

/* An isError result whose text starts with prefix (and holds needle). */
static void
expect_error(const char *id, const cJSON *r, const char *prefix, const char *needle)
{
	const char *t = h_text(r);

	if (!h_is_error(r) || strncmp(t, prefix, strlen(prefix)) != 0 ||
	    (needle != NULL && strstr(t, needle) == NULL))
		fail_msg("%s: expected an error \"%s...%s\", got %s", id, prefix,
		    needle != NULL ? needle : "", t);
}

/* A successful row result whose rows equal the JSON text rows. */
static const cJSON *
expect_rows(const char *id, const cJSON *r, const char *rows)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
	cJSON *want = cJSON_Parse(rows);
	char *got;

	assert_non_null(want);
	if (h_is_error(r) || sc == NULL)
		fail_msg("%s: expected rows %s, got %s", id, rows, h_text(r));
	if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(sc, "rows"), want, 1)) {
		got = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(sc, "rows"));
		fail_msg("%s: rows %s, expected %s", id, got, rows);
	}
	cJSON_Delete(want);
	return sc;
}

/* ---- layer 1: the guard, in front of an account that can write ---- */

static const struct {
	const char *id;
	const char *sql;
} hostile[] = {
	{ "H001", "SELECT 1; DROP TABLE invoices" },
	{ "H002", "SELECT 1;/**/DELETE FROM invoices" },
	{ "H003", "SELECT 1 /*!50000 ; DELETE FROM invoices */" },
	{ "H004", "SELECT 1 /*M!100000 ; DELETE FROM invoices */" },
	{ "H005", "/*!50000 DELETE FROM invoices */" },
	{ "H006", "INSERT INTO invoice_items (invoice_id, product_id, quantity, unit_price, line_total)"
	    " VALUES (1, 1, 1, 1, 1)" },
	{ "H007", "UPDATE invoices SET total_amount = 0" },
	{ "H008", "DELETE FROM invoices" },
	{ "H009", "REPLACE INTO `order` (id, customer_id, placed_on, `desc`) VALUES (1, 1, '2026-01-01', 'x')" },
	{ "H010", "CREATE TABLE pwn (id INT)" },
	{ "H011", "DROP TABLE invoices" },
	{ "H012", "ALTER TABLE invoices ADD COLUMN pwn INT" },
	{ "H013", "TRUNCATE TABLE invoice_items" },
	{ "H014", "RENAME TABLE invoices TO pwn" },
	{ "H015", "GRANT ALL ON saia_demo.* TO 'saia_ro'@'%'" },
	{ "H016", "SET SESSION TRANSACTION READ WRITE" },
	{ "H017", "SET @a = 1" },
	{ "H018", "CALL p()" },
	{ "H019", "DO SLEEP(5)" },
	{ "H020", "HANDLER invoices OPEN" },
	{ "H021", "LOAD DATA INFILE '/etc/passwd' INTO TABLE invoices" },
	{ "H022", "LOCK TABLES invoices WRITE" },
	{ "H023", "PREPARE s FROM 'DELETE FROM invoices'" },
	{ "H024", "EXECUTE s" },
	{ "H025", "ANALYZE TABLE invoices" },
	{ "H026", "OPTIMIZE TABLE invoices" },
	{ "H027", "WITH x AS (SELECT 1) DELETE FROM invoices" },
	{ "H028", "SELECT * FROM invoices INTO OUTFILE '/tmp/saia-pwn.txt'" },
	{ "H029", "SELECT * FROM invoices INTO DUMPFILE '/tmp/saia-pwn.txt'" },
	{ "H030", "SELECT 1 INTO @v" },
	{ "H031", "SELECT LOAD_FILE('/etc/passwd')" },
	{ "H032", "SELECT SLEEP(10)" },
	{ "H033", "SELECT BENCHMARK(1000000000, MD5('x'))" },
	{ "H034", "SELECT GET_LOCK('x', 0)" },
	{ "H035", "SELECT NEXT VALUE FOR s" },
	{ "H036", "SELECT * FROM invoices FOR UPDATE" },
	{ "H037", "SELECT * FROM invoices LOCK IN SHARE MODE" },
	{ "H038", "SELECT @a := 1" },
	{ "H039", "SELECT * FROM mysql.user" },
	{ "H040", "SELECT * FROM saia_other.secrets" },
	{ "H041", "SELECT * FROM information_schema.PROCESSLIST" },
	{ "H042", "SHOW PROCESSLIST" },
	{ "H043", "SHOW GRANTS FOR root@localhost" },
	{ "H044", "EXPLAIN ANALYZE SELECT * FROM invoices" },
	{ "H045", "ANALYZE SELECT * FROM invoices" },
	{ "H046", "SELECT \"x\"" },
	{ "H047", "SELECT 'a\\'b'" },
	{ "H048", "SELECT /*+ SET_VAR(max_statement_time=0) */ COUNT(*) FROM invoices" },
	{ "H049", "SELECT fn_touch()" },
	{ "H050", "SELECT `fn_touch`()" },
	{ "H051", "SELECT saia_demo.fn_touch()" },
	{ "H052", "SELECT fn_touch ()" },
	{ "H053", "SELECT id FROM invoices WHERE id IN (SELECT fn_touch())" },
	{ "H054", "SELECT JSON_TABLE('[1]', '$', 1)" },
	{ "H055", "SELECT SETVAL(s, 1)" },
	{ "H056", "SELECT RELEASE_LOCK('x')" },
	{ "H057", "EXPLAIN DELETE FROM invoices" },
	{ "H058", "SELECT * FROM invoices PROCEDURE ANALYSE()" },
	{ "H059", "SELECT 1 || 1" },
	{ "H060", "XA START 'x'" },
	{ "H061", "BEGIN" },
	{ "H062", "SELECT * FROM invoices WHERE id = 1 FOR SHARE" },
	{ "H063", "SELECT LAST_INSERT_ID(5)" },
	{ "H064", "TABLE invoices" },
	{ "H065", "CREATE FUNCTION f2() RETURNS INT RETURN 1" },
	{ "H066", "SHOW CREATE TABLE saia_other.secrets" },
	{ "H067", "SELECT * FROM performance_schema.threads" },
	{ "H068", "SELECT * FROM sys.session" },
	{ "H069", "SELECT * FROM invoices i JOIN saia_other . secrets s ON 1" },
	{ "H070", "SELECT /*+ MAX_EXECUTION_TIME(0) */ 1" },
	{ "H071", "SELECT 1 FROM invoices WHERE id = 1 FOR UPDATE SKIP LOCKED" },
	{ "H072", "SHOW ENGINE INNODB STATUS" },
	{ "H073", "SELECT POINT(1)" },
	/* saia_rw may read saia_other: only the guard keeps these out (third adversarial pass) */
	{ "H074", "SELECT s.* FROM invoices USE INDEX FOR ORDER BY (PRIMARY), saia_other.secrets s" },
	{ "H075", "SELECT * FROM invoices qualify, saia_other.secrets" },
	{ "H076", "SELECT * FROM invoices FORCE INDEX FOR GROUP BY (PRIMARY), saia_other.secrets" },
	{ "H077", "SELECT saia_other.secrets.secret FROM invoices saia_other" },
	{ "H078", "SELECT @@version.key_buffer_size" },
};

/* Every statement refused, quickly; afterwards nothing has changed. */
static void
test_hostile_rw(void **state)
{
	struct h_proc *h;
	char *after, *out;
	size_t i;
	int lock_free = 0, busy = 1, tries;

	(void)state;
	unlink("/tmp/saia-pwn.txt");
	free(fx.snapshot);
	fx.snapshot = snapshot();
	h = start(fx.config, "rw_full");
	assert_true(sizeof(hostile) / sizeof(hostile[0]) >= 40);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		long long t0 = h_now_ms();
		cJSON *r = sq(h, hostile[i].sql, NULL, 0);

		expect_error(hostile[i].id, r, "refused:", NULL);
		/* the refusal names a reason and an offset */
		if (strstr(h_text(r), "offset") == NULL)
			fail_msg("%s: no offset in %s", hostile[i].id, h_text(r));
		if (h_now_ms() - t0 > 1500)
			fail_msg("%s took %lld ms", hostile[i].id, h_now_ms() - t0);
		cJSON_Delete(r);
	}
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	h_free(h);

	after = snapshot();
	assert_string_equal(after, fx.snapshot);
	free(after);
	assert_int_equal(access("/tmp/saia-pwn.txt", F_OK), -1);
	out = admin("SELECT IFNULL(@@secure_file_priv, '')");
	if (out[0] != '\n') {	/* the server's own export folder */
		char path[512];

		out[strcspn(out, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s/saia-pwn.txt", out);
		assert_int_equal(access(path, F_OK), -1);
	}
	free(out);
	out = admin("SELECT IS_FREE_LOCK('x')");
	lock_free = strcmp(out, "1\n") == 0;
	free(out);
	assert_true(lock_free);
	/* no statement of saia_rw runs on (longer than rw_full's 2 s limit) */
	for (tries = 0; tries < 30 && busy; tries++) {
		out = admin("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
		    " WHERE USER = 'saia_rw' AND COMMAND = 'Query' AND TIME_MS > 2000");
		busy = strcmp(out, "0\n") != 0;
		free(out);
		if (busy)
			usleep(100000);
	}
	assert_false(busy);
}

/* ---- layer 2: the session holds alone ---- */

/* The session is read-only, pinned, in +00:00, with the time limit. */
static void
test_session_rw(void **state)
{
	struct h_proc *h = start(fx.config, "rw_full");
	cJSON *r;

	(void)state;
	r = sq(h, "SELECT @@session.tx_read_only, @@session.autocommit, @@session.sql_mode,"
	    " @@session.time_zone, @@session.max_statement_time, @@session.character_set_client",
	    NULL, 0);
	expect_rows("L001", r, "[[1,1,\"STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION\",\"+00:00\",2,"
	    "\"utf8mb4\"]]");
	cJSON_Delete(r);
	h_free(h);
}

/*
 * With fn_touch in allowed_functions the guard lets the call through; the
 * READ ONLY session still stops the INSERT inside it.
 */
static void
test_session_stops_function(void **state)
{
	struct h_proc *h = start(fx.yaml, "rw_fn");
	cJSON *r;
	char *out;

	(void)state;
	r = sq(h, "SELECT fn_touch()", NULL, 0);
	expect_error("L002", r, "mysql:", "READ ONLY");
	assert_non_null(strstr(h_text(r), "1792"));
	cJSON_Delete(r);
	r = sq(h, "SELECT saia_demo.fn_touch() AS t FROM invoices WHERE id = 1", NULL, 0);
	expect_error("L003", r, "mysql:", "1792");
	cJSON_Delete(r);
	/* still refused: another schema's function, a denied built-in */
	r = sq(h, "SELECT saia_other.fn_touch()", NULL, 0);
	expect_error("L004", r, "refused:", "saia_other");	/* a database this account sees */
	cJSON_Delete(r);
	/*
	 * A listed function that turns the session read-write (and takes a
	 * lock): the server resets the session after any statement that called
	 * one, so the next statement runs read-only again and the lock is gone.
	 */
	r = sq(h, "SELECT fn_rw() AS x", NULL, 0);
	if (h_is_error(r))
		fail_msg("L005: %s", h_text(r));
	cJSON_Delete(r);
	r = sq(h, "SELECT @@tx_read_only AS ro, @@max_statement_time AS lim", NULL, 0);
	if (h_is_error(r))
		fail_msg("L006: %s", h_text(r));
	assert_non_null(strstr(h_text(r), "\"rows\":[[1,2]]"));
	cJSON_Delete(r);
	r = sq(h, "SELECT fn_rw(), fn_touch()", NULL, 0);
	expect_error("L007", r, "mysql:", "1792");	/* same statement: still read only */
	cJSON_Delete(r);
	r = sq(h, "SELECT fn_touch()", NULL, 0);
	expect_error("L008", r, "mysql:", "1792");	/* next statement: reset */
	cJSON_Delete(r);
	/* a function that changes the session and then fails: still reset */
	r = sq(h, "SELECT fn_err()", NULL, 0);
	expect_error("L009", r, "mysql:", "boom");
	cJSON_Delete(r);
	r = sq(h, "SELECT fn_touch()", NULL, 0);
	expect_error("L010", r, "mysql:", "1792");
	cJSON_Delete(r);
	h_free(h);
	out = admin("SELECT COUNT(*) FROM saia_sq_scratch.audit_log");
	assert_string_equal(out, "0\n");
	free(out);
	out = admin("SELECT IS_FREE_LOCK('saia_fn_lock')");
	assert_string_equal(out, "1\n");
	free(out);
}

/*
 * Views in the tenant's own database run functions the guard never sees
 * (with the view definer's rights).  A view that turns the session
 * read-write must not let a later statement write: every statement carries
 * its own READ ONLY, time limit, time zone and sql_mode (SET STATEMENT).
 * Through the catalog tools and execute_safe_query, on the read-only and
 * the write-capable account.
 */
static void
test_views_cannot_unlock(void **state)
{
	static const char *const tenants[] = { "full", "rw_full" };
	static const char *const limits[] = { "[[1,10]]", "[[1,2]]" };
	size_t i;
	char *out;

	(void)state;
	/* only for this test: other tests count the tables of saia_demo */
	free(admin("CREATE VIEW saia_demo.zz_v_rw AS SELECT saia_demo.fn_rw() AS x;"
	    " CREATE VIEW saia_demo.zz_v_touch AS SELECT saia_demo.fn_touch() AS x;"));
	for (i = 0; i < 2; i++) {
		struct h_proc *h = start(fx.config, tenants[i]);
		cJSON *r;

		r = h_call(h, next_id++, "get_customer_table_sample", "{\"table_name\":\"zz_v_rw\"}");
		assert_non_null(r);
		if (h_is_error(r))
			fail_msg("V001 %s: %s", tenants[i], h_text(r));
		cJSON_Delete(r);
		r = h_call(h, next_id++, "get_customer_table_sample", "{\"table_name\":\"zz_v_touch\"}");
		assert_non_null(r);
		expect_error("V002", r, "mysql:", "1792");
		cJSON_Delete(r);
		r = h_call(h, next_id++, "count_customer_table_rows", "{\"table_name\":\"zz_v_touch\"}");
		assert_non_null(r);
		expect_error("V003", r, "mysql:", "1792");
		cJSON_Delete(r);
		r = sq(h, "SELECT * FROM zz_v_rw", NULL, 0);
		expect_rows("V004", r, "[[1]]");
		cJSON_Delete(r);
		r = sq(h, "SELECT x FROM zz_v_touch", NULL, 0);
		expect_error("V005", r, "mysql:", "1792");
		cJSON_Delete(r);
		r = sq(h, "SELECT @@tx_read_only AS ro, @@max_statement_time AS lim", NULL, 0);
		expect_rows("V006", r, limits[i]);
		cJSON_Delete(r);
		h_free(h);
	}
	free(admin("DROP VIEW saia_demo.zz_v_rw, saia_demo.zz_v_touch;"));
	out = admin("SELECT COUNT(*) FROM saia_sq_scratch.audit_log");
	assert_string_equal(out, "0\n");
	free(out);
}

/* ---- layer 3: the account ---- */

static void
test_account(void **state)
{
	static const struct {
		const char *tenant;
		int can_write;
	} t[] = { { "rw_full", 1 }, { "full", 0 } };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct h_proc *h = start(fx.config, t[i].tenant);
		cJSON *r = h_call(h, next_id++, "test_customer_database_connection", NULL);
		const cJSON *sc, *w;

		assert_non_null(r);
		sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
		assert_false(h_is_error(r));
		assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "can_write")),
		    t[i].can_write);
		w = cJSON_GetObjectItemCaseSensitive(sc, "warnings");
		if (t[i].can_write) {
			char *s = cJSON_PrintUnformatted(w);

			assert_true(cJSON_GetArraySize(w) > 0);
			if (strstr(s, "write") == NULL && strstr(s, "SELECT") == NULL)
				fail_msg("the warning does not say the account can write: %s", s);
			/* saia_rw can also read saia_other, and is told so */
			if (strstr(s, "can see other databases: 1 (saia_other)") == NULL)
				fail_msg("no warning about the other database: %s", s);
			free(s);
		} else {
			assert_int_equal(cJSON_GetArraySize(w), 0);
		}
		cJSON_Delete(r);
		h_free(h);
	}
}

/*
 * Fourth adversarial pass: with databases named like the short aliases of
 * our own catalog statements (t, c, p) visible to the account, the guard's
 * second line refused the server's own tools.  It applies only to SQL that
 * is not ours; there, an alias that names a visible database is refused.
 */
static void
test_alias_named_databases(void **state)
{
	static const char *const tools[][2] = {
		{ "list_customer_tables", NULL },
		{ "get_database_overview", NULL },
		{ "describe_customer_table", "{\"table_name\":\"invoices\"}" },
		{ "get_comprehensive_database_overview", NULL },
		{ "search_customer_data", "{\"search_term\":\"O'Brien\"}" },
		{ "test_customer_database_connection", NULL },
		{ "get_all_invoices", "{\"limit\":2}" },
	};
	static const char grant[] =
	    "CREATE DATABASE IF NOT EXISTS t; CREATE DATABASE IF NOT EXISTS c;"
	    " CREATE DATABASE IF NOT EXISTS p;"
	    " GRANT SELECT ON t.* TO 'saia_rw'@'%'; GRANT SELECT ON t.* TO 'saia_rw'@'localhost';"
	    " GRANT SELECT ON t.* TO 'saia_rw'@'127.0.0.1'; GRANT SELECT ON c.* TO 'saia_rw'@'%';"
	    " GRANT SELECT ON c.* TO 'saia_rw'@'localhost'; GRANT SELECT ON c.* TO 'saia_rw'@'127.0.0.1';"
	    " GRANT SELECT ON p.* TO 'saia_rw'@'%'; GRANT SELECT ON p.* TO 'saia_rw'@'localhost';"
	    " GRANT SELECT ON p.* TO 'saia_rw'@'127.0.0.1';";
	struct h_proc *h;
	cJSON *r;
	size_t i;
	int rc;

	(void)state;
	free(admin(grant));
	h = start(fx.config, "rw_full");
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		r = h_call(h, next_id++, tools[i][0], tools[i][1]);
		assert_non_null(r);
		if (h_is_error(r))
			fail_msg("%s: %s", tools[i][0], h_text(r));
		cJSON_Delete(r);
	}
	r = sq(h, "SELECT t.id FROM invoices t WHERE t.id = 1", NULL, 0);
	expect_error("D1", r, "refused:", "database t");
	cJSON_Delete(r);
	r = sq(h, "SELECT x.id FROM invoices x WHERE x.id = 1", NULL, 0);
	if (h_is_error(r))
		fail_msg("D2: %s", h_text(r));
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	h_free(h);
	free(admin_rc(drop_alias_dbs, &rc));
}

/* ---- what an analyst writes works, with exact values ---- */

static const struct {
	const char *id;
	const char *sql;
	const char *params;
	const char *rows;
} legit[] = {
	{ "L010", "WITH s AS (SELECT status, COUNT(*) AS n FROM invoices GROUP BY status)"
	    " SELECT CAST(status AS CHAR) AS st, n FROM s ORDER BY st", NULL,
	    "[[\"cancelled\",2],[\"draft\",2],[\"overdue\",7],[\"paid\",43],[\"sent\",6]]" },
	{ "L011", "SELECT MIN(id) FROM invoices UNION SELECT MAX(id) FROM invoices ORDER BY 1",
	    NULL, "[[1],[60]]" },
	{ "L012", "SELECT id, ROW_NUMBER() OVER (ORDER BY invoice_date DESC, id DESC) AS rn"
	    " FROM invoices ORDER BY rn LIMIT 2", NULL, "[[60,1],[59,2]]" },
	{ "L013", "SELECT JSON_VALUE(js, '$.a[2]'), JSON_LENGTH(js, '$.a'),"
	    " JSON_EXTRACT('{\"k\": [1, 2]}', '$.k[1]') FROM odd_values WHERE id = 1", NULL,
	    "[[\"x\",3,\"2\"]]" },
	{ "L014", "SELECT `desc` FROM `order` ORDER BY `order`.id", NULL,
	    "[[\"standing order, weekly\"],[\"one-off\"]]" },
	{ "L015", "SELECT 1;", NULL, "[[1]]" },
	{ "L016", "/* monthly report */ -- by status\n# draft\nSELECT 2", NULL, "[[2]]" },
	{ "L017", "SELECT ?, ?, ?, ?, ?, ?", "[\"it's\", 42, null, true, false, 1.5]",
	    "[[\"it's\",42,null,1,0,1.5]]" },
	{ "L018", "SELECT invoice_number, total_amount FROM invoices WHERE id = ?", "[1]",
	    "[[\"INV-2025-0001\",\"459.28\"]]" },
	{ "L019", "SELECT COUNT(*) FROM invoices WHERE status = COALESCE(?, ?)",
	    "[null, \"paid\"]", "[[43]]" },
	{ "L020", "SELECT 'a''b', 'DROP TABLE x; --', '?'", NULL,
	    "[[\"a'b\",\"DROP TABLE x; --\",\"?\"]]" },
	{ "L021", "SELECT i.invoice_number FROM saia_demo.invoices i JOIN `saia_demo`.`customers` c"
	    " ON c.id = i.customer_id WHERE c.id = 14 ORDER BY i.id DESC LIMIT 1", NULL,
	    "[[\"INV-2026-0020\"]]" },
	{ "L022", "SELECT n FROM invoices i, JSON_TABLE('[1,2]', '$[*]' COLUMNS (n INT PATH '$'))"
	    " AS jt WHERE i.id = jt.n ORDER BY n", NULL, "[[1],[2]]" },
	{ "L023", "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
	    NULL, "[[9]]" },
};

static void
test_legit(void **state)
{
	struct h_proc *h = start(fx.config, "full");
	const cJSON *sc, *col;
	cJSON *r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(legit) / sizeof(legit[0]); i++) {
		r = sq(h, legit[i].sql, legit[i].params, 0);
		expect_rows(legit[i].id, r, legit[i].rows);
		cJSON_Delete(r);
	}

	/* L030 SHOW CREATE TABLE, DESCRIBE, EXPLAIN */
	r = sq(h, "SHOW CREATE TABLE invoices", NULL, 0);
	sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
	assert_false(h_is_error(r));
	col = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sc, "rows"), 0), 1);
	assert_true(cJSON_IsString(col));
	assert_memory_equal(col->valuestring, "CREATE TABLE `invoices` (", 25);
	cJSON_Delete(r);
	r = sq(h, "DESCRIBE invoices", NULL, 0);
	sc = expect_rows("L031", r, "[[\"id\",\"int(10) unsigned\",\"NO\",\"PRI\",null,\"auto_increment\"],"
	    "[\"invoice_number\",\"varchar(32)\",\"NO\",\"UNI\",null,\"\"],"
	    "[\"customer_id\",\"int(10) unsigned\",\"NO\",\"MUL\",null,\"\"],"
	    "[\"invoice_date\",\"date\",\"NO\",\"MUL\",null,\"\"],"
	    "[\"due_date\",\"date\",\"NO\",\"\",null,\"\"],"
	    "[\"status\",\"enum('draft','sent','paid','overdue','cancelled')\",\"NO\",\"MUL\",\"draft\",\"\"],"
	    "[\"total_amount\",\"decimal(12,2)\",\"NO\",\"\",\"0.00\",\"\"],"
	    "[\"currency\",\"char(3)\",\"NO\",\"\",\"EUR\",\"\"],"
	    "[\"notes\",\"text\",\"YES\",\"\",null,\"\"]]");
	cJSON_Delete(r);
	r = sq(h, "EXPLAIN SELECT * FROM invoices WHERE id = 1", NULL, 0);
	sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
	assert_false(h_is_error(r));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(sc, "row_count")->valueint, 1);
	col = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sc, "columns"), 0);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(col, "name")->valuestring, "id");
	cJSON_Delete(r);

	/* L040 params: count mismatch both ways, non-scalars */
	r = sq(h, "SELECT ?, ?", "[1]", 0);
	expect_error("L040", r, "invalid:", "2 '?' placeholders but 1");
	cJSON_Delete(r);
	r = sq(h, "SELECT 1", "[1]", 0);
	expect_error("L041", r, "invalid:", "0 '?' placeholders but 1");
	cJSON_Delete(r);
	r = sq(h, "SELECT ?", NULL, 0);
	expect_error("L042", r, "invalid:", "1 '?' placeholders but 0");
	cJSON_Delete(r);
	r = sq(h, "SELECT ?", "[[1]]", 0);
	expect_error("L043", r, "invalid:", "params[0]");
	cJSON_Delete(r);
	r = sq(h, "SELECT ?, ?", "[1, {\"a\": 1}]", 0);
	expect_error("L044", r, "invalid:", "params[1]");
	cJSON_Delete(r);
	/* 2^53+1 arrives rounded to 2^53: refused rather than matching the wrong row */
	/* (sent as raw text: cJSON would print the number rounded, to 15 digits) */
	r = h_call(h, next_id++, "execute_safe_query",
	    "{\"sql\":\"SELECT ?\",\"params\":[9007199254740993]}");
	assert_non_null(r);
	expect_error("L045", r, "invalid:", "beyond 2^53");
	cJSON_Delete(r);
	r = sq(h, "SELECT ? AS v", "[9007199254740991, \"9007199254740993\"]", 0);
	expect_error("L046", r, "invalid:", "1 '?' placeholders but 2");
	cJSON_Delete(r);
	r = sq(h, "SELECT CAST(? AS UNSIGNED) AS v", "[\"9007199254740993\"]", 0);
	expect_rows("L047", r, "[[\"9007199254740993\"]]");
	cJSON_Delete(r);
	/* server paths and host names stay out of reach */
	r = sq(h, "SELECT @@datadir", NULL, 0);
	expect_error("L048", r, "refused:", "@@datadir");
	cJSON_Delete(r);
	r = sq(h, "SHOW GRANTS", NULL, 0);
	expect_error("L049", r, "refused:", "GRANTS");
	cJSON_Delete(r);

	/* L050 limit: capped, truncated, a hint to page on; the session goes on */
	r = sq(h, "SELECT id FROM invoices ORDER BY id", NULL, 5);
	sc = expect_rows("L050", r, "[[1],[2],[3],[4],[5]]");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "truncated")));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(sc, "row_count")->valueint, 5);
	assert_non_null(strstr(cJSON_GetObjectItemCaseSensitive(sc, "hint")->valuestring,
	    "LIMIT 5 OFFSET 5"));
	cJSON_Delete(r);
	r = sq(h, "SELECT id FROM invoices ORDER BY id LIMIT 5 OFFSET 5", NULL, 5);
	sc = expect_rows("L051", r, "[[6],[7],[8],[9],[10]]");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "truncated")));
	cJSON_Delete(r);
	r = sq(h, "SELECT id FROM invoices WHERE id <= 3 ORDER BY id", NULL, 3);
	sc = expect_rows("L052", r, "[[1],[2],[3]]");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "truncated")));
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	h_free(h);
}

/* ---- tenant queries ---- */

/* The inputSchema of tool name in a tools/list result. */
static const cJSON *
schema_of(const cJSON *tools, const char *name)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, tools) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(t, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return cJSON_GetObjectItemCaseSensitive(t, "inputSchema");
	}
	fail_msg("tool %s is not listed", name);
	return NULL;
}

static void
expect_json(const char *id, const cJSON *got, const char *want_text)
{
	cJSON *want = cJSON_Parse(want_text);
	char *g;

	assert_non_null(want);
	if (!cJSON_Compare(got, want, 1)) {
		g = cJSON_PrintUnformatted(got);
		fail_msg("%s: %s, expected %s", id, g, want_text);
	}
	cJSON_Delete(want);
}

/* ---- a table that changes shape between two identical calls ---- */

/* The columns' names of a row result, comma-separated, into buf. */
static const char *
col_names(const cJSON *r, char *buf, size_t size)
{
	const cJSON *c;
	size_t n = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(r, "structuredContent"), "columns"))
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "," : "",
		    cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring);
	return buf;
}

static void
expect_shape(struct h_proc *h, const char *id, const char *names, const char *rows)
{
	char buf[256];
	cJSON *r;
	int k;

	for (k = 0; k < 2; k++) {
		r = k == 0 ? h_call(h, next_id++, "get_customer_table_sample",
		    "{\"table_name\":\"prices\"}") : sq(h, "SELECT * FROM prices WHERE id = ?", "[1]", 0);
		assert_non_null(r);
		if (h_is_error(r))
			fail_msg("%s.%d: %s", id, k, h_text(r));
		if (strcmp(col_names(r, buf, sizeof(buf)), names) != 0)
			fail_msg("%s.%d: columns %s, expected %s", id, k, buf, names);
		expect_json(id, cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(r, "structuredContent"), "rows"), rows);
		cJSON_Delete(r);
	}
}

/*
 * Fourth adversarial pass, against a prepared-statement cache since
 * removed: after ALTER TABLE moved a column, a repeated statement came
 * back with the old names over the new values (price showed the cost);
 * after a column was added it failed once; after KILL CONNECTION the first
 * call failed instead of reconnecting.  Each call must see the table as
 * it is now.
 */
static void
test_shape_changes(void **state)
{
	struct h_proc *h = start(fx.yaml, "shape");
	char *out, *line, *save = NULL;
	cJSON *r;

	(void)state;
	free(admin("DROP TABLE IF EXISTS saia_sq_shape.prices;"
	    " CREATE TABLE saia_sq_shape.prices (id INT PRIMARY KEY, price DECIMAL(10,2),"
	    " cost DECIMAL(10,2)); INSERT INTO saia_sq_shape.prices VALUES (1, 100.00, 40.00);"));
	expect_shape(h, "S1", "id,price,cost", "[[1,\"100.00\",\"40.00\"]]");
	expect_shape(h, "S2", "id,price,cost", "[[1,\"100.00\",\"40.00\"]]");
	free(admin("ALTER TABLE saia_sq_shape.prices MODIFY cost DECIMAL(10,2) AFTER id;"));
	expect_shape(h, "S3", "id,cost,price", "[[1,\"40.00\",\"100.00\"]]");
	free(admin("ALTER TABLE saia_sq_shape.prices ADD COLUMN note VARCHAR(8) NOT NULL"
	    " DEFAULT 'n';"));
	expect_shape(h, "S4", "id,cost,price,note", "[[1,\"40.00\",\"100.00\",\"n\"]]");
	/* the server drops the connection between two calls: the next one reconnects */
	out = admin("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'saia_shape_ro'");
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char kill[64];
		int rc;

		snprintf(kill, sizeof(kill), "KILL CONNECTION %ld;", strtol(line, NULL, 10));
		free(admin_rc(kill, &rc));
	}
	free(out);
	r = h_call(h, next_id++, "count_customer_table_rows", "{\"table_name\":\"prices\"}");
	assert_non_null(r);
	if (h_is_error(r))
		fail_msg("S5: after KILL CONNECTION: %s", h_text(r));
	cJSON_Delete(r);
	expect_shape(h, "S6", "id,cost,price,note", "[[1,\"40.00\",\"100.00\",\"n\"]]");
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	h_free(h);
}

static void
test_tenant_queries(void **state)
{
	static const struct {
		const char *id, *tool, *args, *rows;
	} ok[] = {
		{ "Q010", "overdue_invoices", "{\"as_of\":\"2025-07-01\"}",
		    "[[\"INV-2025-0005\",\"2025-03-11\",\"117.60\"],[\"INV-2025-0014\",\"2025-06-01\","
		    "\"1131.25\"],[\"INV-2025-0015\",\"2025-06-10\",\"852.90\"]]" },
		{ "Q011", "invoices_by_status", "{\"status\":\"draft\"}",
		    "[[\"INV-2026-0019\"],[\"INV-2026-0020\"]]" },
		{ "Q012", "big_invoices", "{\"min_total\":1600}",
		    "[[33,\"2077.09\"],[23,\"1706.40\"]]" },
		{ "Q013", "big_invoices", "{\"min_total\":1706.4}",
		    "[[33,\"2077.09\"],[23,\"1706.40\"]]" },
		{ "Q014", "invoices_since", "{\"since\":\"2026-06-01 00:00:00\"}", "[[58],[59],[60]]" },
		{ "Q015", "invoices_since", "{\"since\":\"2026-06-01T00:00\"}", "[[58],[59],[60]]" },
		{ "Q016", "top_n", "{}", "[[33],[23],[20]]" },	/* default 3 */
		{ "Q017", "top_n", "{\"n\":1}", "[[33]]" },
		{ "Q018", "overdue_invoices", "{\"as_of\":\"2024-02-29\"}", "[]" },
	};
	static const struct {
		const char *id, *tool, *args, *needle;
	} bad[] = {
		{ "Q030", "overdue_invoices", "{}", "'as_of'" },
		{ "Q031", "overdue_invoices", "{\"as_of\":null}", "'as_of'" },
		{ "Q032", "overdue_invoices", "{\"as_of\":20260101}", "'as_of'" },
		{ "Q033", "overdue_invoices", "{\"as_of\":\"2026-02-30\"}", "'as_of'" },
		{ "Q034", "overdue_invoices", "{\"as_of\":\"2026-1-5\"}", "'as_of'" },
		{ "Q035", "invoices_by_status", "{\"status\":\"lost\"}", "'status'" },
		{ "Q036", "big_invoices", "{\"min_total\":-1}", "'min_total'" },
		{ "Q037", "big_invoices", "{\"min_total\":\"1600\"}", "'min_total'" },
		{ "Q038", "top_n", "{\"n\":11}", "'n'" },
		{ "Q039", "top_n", "{\"n\":0}", "'n'" },
		{ "Q040", "top_n", "{\"n\":2.5}", "'n'" },
		{ "Q041", "invoices_since", "{\"since\":\"2026-02-30 10:00:00\"}", "'since'" },
		{ "Q042", "overdue_invoices", "{\"as_of\":\"2026-01-01\",\"x\":1}", "'x'" },
	};
	struct h_proc *h = start(fx.yaml, "qtest");
	cJSON *list, *r;
	const cJSON *tools;
	size_t i;

	(void)state;
	list = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":900,\"method\":\"tools/list\"}");
	tools = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(list, "result"),
	    "tools");
	expect_json("Q001", schema_of(tools, "overdue_invoices"),
	    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"as_of\":"
	    "{\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\","
	    "\"description\":\"The day to compare with.\"}},\"required\":[\"as_of\"]}");
	expect_json("Q002", schema_of(tools, "invoices_by_status"),
	    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"status\":"
	    "{\"type\":\"string\",\"enum\":[\"draft\",\"sent\",\"paid\",\"overdue\",\"cancelled\"],"
	    "\"default\":\"paid\"}}}");
	expect_json("Q003", schema_of(tools, "big_invoices"),
	    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"min_total\":"
	    "{\"type\":\"number\",\"minimum\":0}},\"required\":[\"min_total\"]}");
	expect_json("Q004", cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    schema_of(tools, "invoices_since"), "properties"), "since"), "{\"type\":\"string\"}");
	expect_json("Q005", schema_of(tools, "top_n"),
	    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"n\":"
	    "{\"type\":\"integer\",\"minimum\":1,\"maximum\":10,\"default\":3}}}");
	cJSON_Delete(list);

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		r = h_call(h, next_id++, ok[i].tool, ok[i].args);
		assert_non_null(r);
		expect_rows(ok[i].id, r, ok[i].rows);
		cJSON_Delete(r);
	}
	/* Q020 the default of invoices_by_status is 'paid': 43 rows */
	r = h_call(h, next_id++, "invoices_by_status", "{}");
	assert_non_null(r);
	assert_false(h_is_error(r));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r,
	    "structuredContent"), "row_count")->valueint, 43);
	cJSON_Delete(r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = h_call(h, next_id++, bad[i].tool, bad[i].args);
		assert_non_null(r);
		expect_error(bad[i].id, r, "invalid:", bad[i].needle);
		cJSON_Delete(r);
	}
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	h_free(h);
}

/* A query the guard refuses, or with the wrong ? count, stops the launch. */
static void
test_profile_errors(void **state)
{
	static const struct {
		const char *id, *sql, *needle;
	} t[] = {
		{ "P001", "DELETE FROM invoices", "refused: statement DELETE" },
		{ "P002", "SELECT SLEEP(?)", "refused: function SLEEP" },
		{ "P003", "SELECT id FROM invoices WHERE id = ? AND status = ?",
		    "2 '?' placeholders but 1 parameter" },
		{ "P004", "SELECT fn_touch(?)", "refused: function fn_touch" },
		{ "P005", "SELECT * FROM saia_other.secrets WHERE id = ?", "refused: database saia_other" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char yaml[1024], want[256], *path, *err;
		const char *args[] = { "--config", NULL, "--tenant", "bad", NULL };
		char **lines;
		size_t n;
		int status;

		snprintf(yaml, sizeof(yaml), "tenants:\n  bad:\n"
		    "    database: {host: 127.0.0.1, name: saia_demo, user: saia_ro}\n"
		    "    enabled_tools: []\n"
		    "    queries:\n"
		    "      - name: q1\n"
		    "        description: d\n"
		    "        sql: %s\n"
		    "        parameters:\n"
		    "          - { name: a, type: integer }\n", t[i].sql);
		path = h_temp_file(yaml);
		args[1] = path;
		lines = h_transcript(args, NULL, NULL, 0, &n, &status, &err);
		snprintf(want, sizeof(want), "%s:8:14: query 'q1'", path);
		if (status != 2 || n != 0 || strstr(err, want) == NULL ||
		    strstr(err, t[i].needle) == NULL)
			fail_msg("%s: exit %d, %zu stdout lines, stderr %s", t[i].id, status, n, err);
		h_free_lines(lines, n);
		free(err);
		unlink(path);
		free(path);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_rw),
		cmocka_unit_test(test_session_rw),
		cmocka_unit_test(test_session_stops_function),
		cmocka_unit_test(test_views_cannot_unlock),
		cmocka_unit_test(test_account),
		cmocka_unit_test(test_alias_named_databases),
		cmocka_unit_test(test_legit),
		cmocka_unit_test(test_shape_changes),
		cmocka_unit_test(test_tenant_queries),
		cmocka_unit_test(test_profile_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
