/*
 * search_customer_data and get_comprehensive_database_overview of the real
 * saia-mcp binary against the real MariaDB that scripts/db.sh starts,
 * checked with the facts of tests/data/README.md (tenant `full`) and with
 * a wide database made here: saia_wide, 200 tables of 30 columns with
 * comments, indexes and foreign keys, plus a few small tables for literal
 * search, created as root through `bash scripts/db.sh sql` in the group
 * setup and dropped (with its account saia_wide_ro) in the teardown.
 *
 * Needs $SAIA_TEST_CONFIG (`bash scripts/db.sh config FILE`), the passwords
 * of `eval "$(bash scripts/db.sh env)"`, and $SAIA_SOURCE_ROOT and
 * $SAIA_MCP_BIN (meson sets both).  Without $SAIA_TEST_CONFIG the suite is
 * skipped (exit 77), or fails when $CI is set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "harness.h"

#define WIDE_TABLES 200
#define WIDE_COLUMNS 30		/* id plus 29 */
#define WIDE_SMALL_CAP 262144

static const char *config, *root;
static char *wide_config;	/* the temporary tenants YAML for saia_wide */

/* ------------------------------------------------------------- helpers */

static struct h_proc *
start_with(const char *cfg, const char *tenant)
{
	const char *args[] = { "--config", cfg, "--tenant", tenant, NULL };
	const char *env[] = { "SAIA_MCP_CONFIG", "SAIA_MCP_TENANT", NULL };
	struct h_proc *h = h_spawn(args, env);

	h_initialize(h, NULL);
	return h;
}

static struct h_proc *
start(const char *tenant)
{
	return start_with(config, tenant);
}

/*
 * A call that must succeed; returns structuredContent (cJSON_Delete) and
 * checks that the text block holds the same JSON.  *text_len (may be NULL)
 * gets the byte length of that compact text.
 */
static cJSON *
call_ok_len(struct h_proc *h, long id, const char *tool, const char *args, size_t *text_len)
{
	cJSON *r = h_call(h, id, tool, args), *sc, *text;

	if (r == NULL)
		fail_msg("%s %.200s: protocol error: %.500s", tool, args ? args : "", h->last);
	if (h_is_error(r))
		fail_msg("%s %.200s: tool error: %.500s", tool, args ? args : "", h_text(r));
	sc = cJSON_DetachItemFromObjectCaseSensitive(r, "structuredContent");
	if (!cJSON_IsObject(sc))
		fail_msg("%s: no structuredContent: %.500s", tool, h->last);
	text = cJSON_Parse(h_text(r));
	if (text == NULL || !cJSON_Compare(text, sc, true))
		fail_msg("%s: the text block differs from structuredContent", tool);
	if (text_len != NULL)
		*text_len = strlen(h_text(r));
	cJSON_Delete(text);
	cJSON_Delete(r);
	return sc;
}

static cJSON *
call_ok(struct h_proc *h, long id, const char *tool, const char *args)
{
	return call_ok_len(h, id, tool, args, NULL);
}

/* A call that must be a tool error starting with prefix; returns its text (free()). */
static char *
call_err(struct h_proc *h, long id, const char *tool, const char *args, const char *prefix)
{
	cJSON *r = h_call(h, id, tool, args);
	char *t;

	if (r == NULL)
		fail_msg("%s %.200s: protocol error instead of a tool error: %.500s", tool, args, h->last);
	if (!h_is_error(r))
		fail_msg("%s %.200s: expected a tool error '%s', got: %.500s", tool, args, prefix,
		    h->last);
	if (strncmp(h_text(r), prefix, strlen(prefix)) != 0)
		fail_msg("%s %.200s: expected '%s', got: %.500s", tool, args, prefix, h_text(r));
	t = strdup(h_text(r));
	cJSON_Delete(r);
	return t;
}

static const cJSON *
item(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static long
int_of(const cJSON *o, const char *key)
{
	const cJSON *v = item(o, key);

	if (!cJSON_IsNumber(v))
		fail_msg("'%s' is not a number", key);
	return (long)v->valuedouble;
}

static const char *
str_of(const cJSON *o, const char *key)
{
	const cJSON *v = item(o, key);

	if (!cJSON_IsString(v))
		fail_msg("'%s' is not a string", key);
	return v->valuestring;
}

/* The object of array arr whose "name" is name, or NULL. */
static const cJSON *
by_name(const cJSON *arr, const char *name)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
		if (cJSON_IsString(item(e, "name")) && strcmp(item(e, "name")->valuestring, name) == 0)
			return e;
	return NULL;
}

/* The "name"s (or strings) of a JSON array joined with ','; free(). */
static char *
names_of(const cJSON *arr)
{
	const cJSON *e;
	size_t n = 1;
	char *s;

	cJSON_ArrayForEach(e, arr)
		n += strlen(cJSON_IsString(e) ? e->valuestring : str_of(e, "name")) + 1;
	s = calloc(1, n);
	cJSON_ArrayForEach(e, arr) {
		if (*s != '\0')
			strcat(s, ",");
		strcat(s, cJSON_IsString(e) ? e->valuestring : str_of(e, "name"));
	}
	return s;
}

/* Arguments {"search_term": term, ...extra} as JSON text; free().  extra may be NULL. */
static char *
search_args(const char *term, const char *extra)
{
	cJSON *o = cJSON_CreateObject();
	char *s, *out;

	cJSON_AddStringToObject(o, "search_term", term);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (extra == NULL)
		return s;
	out = malloc(strlen(s) + strlen(extra) + 2);
	sprintf(out, "%.*s,%s}", (int)strlen(s) - 1, s, extra);
	free(s);
	return out;
}

/*
 * The matches of a search answer as lines "table|column|key|value" (key as
 * compact JSON, value the string or the compact JSON of an object), in
 * answer order; free().  Checks every match's shape on the way.
 */
static char *
match_lines(const cJSON *sc)
{
	const cJSON *m, *matches = item(sc, "matches");
	size_t cap = 256, len = 0;
	char *s = malloc(cap);
	int n = 0;

	assert_true(cJSON_IsArray(matches));
	*s = '\0';
	cJSON_ArrayForEach(m, matches) {
		const cJSON *key = item(m, "key"), *v = item(m, "value");
		char *k, *vt;
		size_t need;

		assert_true(cJSON_IsObject(key));
		k = cJSON_PrintUnformatted(key);
		vt = cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
		need = strlen(str_of(m, "table")) + strlen(str_of(m, "column")) + strlen(k) +
		    strlen(vt) + 8;
		while (len + need >= cap)
			s = realloc(s, cap *= 2);
		len += (size_t)sprintf(s + len, "%s|%s|%s|%s\n", str_of(m, "table"),
		    str_of(m, "column"), k, vt);
		free(k);
		free(vt);
		n++;
	}
	assert_int_equal(int_of(sc, "match_count"), n);
	return s;
}

/* Search on h and compare the match lines with want; returns the answer (cJSON_Delete). */
static cJSON *
search_expect(struct h_proc *h, long id, const char *term, const char *extra, const char *want)
{
	char *args = search_args(term, extra), *got;
	cJSON *sc = call_ok(h, id, "search_customer_data", args);

	assert_string_equal(str_of(sc, "search_term"), term);
	got = match_lines(sc);
	if (want != NULL && strcmp(got, want) != 0)
		fail_msg("search %s: got\n%s\nwanted\n%s", args, got, want);
	free(got);
	free(args);
	return sc;
}

/* Run SQL as root through db.sh sql; the first line of output (free()), or NULL. */
static char *
root_sql(const char *sql)
{
	char cmd[4096], buf[256];
	FILE *p;
	char *out = NULL;

	snprintf(cmd, sizeof(cmd), "bash '%s/scripts/db.sh' sql -N -B -e \"%s\" 2>&1", root, sql);
	if ((p = popen(cmd, "r")) == NULL)
		fail_msg("popen: %s", cmd);
	if (fgets(buf, sizeof(buf), p) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		out = strdup(buf);
	}
	pclose(p);
	return out;
}

static long
root_count(const char *sql)
{
	char *s = root_sql(sql);
	long n;

	if (s == NULL)
		fail_msg("no answer to %s", sql);
	n = strtol(s, NULL, 10);
	free(s);
	return n;
}

/* ------------------------------------------------- the saia_wide fixture */

/* Feed sql to the mariadb client as root; 0 on success. */
static int
root_feed(const char *sql)
{
	char cmd[1024];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "bash '%s/scripts/db.sh' sql >/dev/null", root);
	if ((p = popen(cmd, "w")) == NULL)
		return -1;
	fputs(sql, p);
	return pclose(p) == 0 ? 0 : -1;
}

static char *
wide_sql(void)
{
	size_t cap = 4u << 20, len = 0;
	char *s = malloc(cap);
	const char *hosts[] = { "localhost", "127.0.0.1", "%" };
	int t, c, i;

#define PUT(...) (len += (size_t)snprintf(s + len, cap - len, __VA_ARGS__))
	PUT("DROP DATABASE IF EXISTS saia_wide;\n"
	    "CREATE DATABASE saia_wide CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n"
	    "USE saia_wide;\nSET foreign_key_checks = 0;\n");
	for (t = 1; t <= WIDE_TABLES; t++) {
		PUT("CREATE TABLE w_%03d (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY", t);
		for (c = 1; c < WIDE_COLUMNS; c++)
			PUT(", c%02d %s NULL DEFAULT %s COMMENT 'column %d of table %d, with a"
			    " comment long enough to weigh something in the overview'", c,
			    c % 3 == 0 ? "INT" : c % 3 == 1 ? "VARCHAR(120)" : "DECIMAL(12,2)",
			    c % 3 == 1 ? "'none'" : "NULL", c, t);
		PUT(", KEY ix_w_%03d_a (c01, c02), UNIQUE KEY ux_w_%03d_b (c04), KEY ix_w_%03d_c (c07)",
		    t, t, t);
		if (t > 1)
			PUT(", CONSTRAINT fk_w_%03d_prev FOREIGN KEY (c03) REFERENCES w_%03d (id)", t, t - 1);
		PUT(") ENGINE=InnoDB COMMENT 'wide table %d of %d for the overview test';\n", t,
		    WIDE_TABLES);
	}
	/* Small tables for literal search: a composite key, no key, several charsets. */
	PUT("CREATE TABLE w_literals (grp INT NOT NULL, id INT NOT NULL,"
	    " txt VARCHAR(64) NOT NULL, lat VARCHAR(64) CHARACTER SET latin1 NULL,"
	    " cs VARCHAR(64) COLLATE utf8mb4_bin NULL, raw VARBINARY(64) NULL,"
	    " PRIMARY KEY (grp, id)) ENGINE=InnoDB;\n"
	    "INSERT INTO w_literals VALUES"
	    " (1, 1, 'a_b', NULL, NULL, 'a_b'), (1, 2, 'axb', NULL, NULL, 'axb'),"
	    " (1, 3, '50%%', NULL, NULL, '50%%'), (1, 4, '50 percent', NULL, NULL, NULL),"
	    " (2, 1, CONCAT('back', CHAR(92), 'slash'), NULL, NULL, NULL),"
	    " (2, 2, 'bang!', NULL, NULL, NULL), (2, 3, 'BANG', NULL, NULL, NULL),"
	    " (2, 4, 'plain', 'Crème brûlée', 'MiXeD CaSe', NULL);\n"
	    "CREATE TABLE w_nopk (note VARCHAR(64)) ENGINE=InnoDB;\n"
	    "INSERT INTO w_nopk VALUES ('plain and simple'), ('other');\n"
	    "CREATE VIEW w_slow AS SELECT SLEEP(3) AS s, 'plain' AS t;\n"
	    "SET foreign_key_checks = 1;\n");
	for (i = 0; i < 3; i++)
		PUT("DROP USER IF EXISTS 'saia_wide_ro'@'%s';\n"
		    "CREATE USER 'saia_wide_ro'@'%s' IDENTIFIED BY 'wide-ro-pw';\n"
		    "GRANT SELECT ON saia_wide.* TO 'saia_wide_ro'@'%s';\n", hosts[i], hosts[i], hosts[i]);
	PUT("FLUSH PRIVILEGES;\n");
#undef PUT
	assert_true(len < cap);
	return s;
}

static void
wide_drop(void)
{
	root_feed("DROP DATABASE IF EXISTS saia_wide;\n"
	    "DROP USER IF EXISTS 'saia_wide_ro'@'localhost';\n"
	    "DROP USER IF EXISTS 'saia_wide_ro'@'127.0.0.1';\n"
	    "DROP USER IF EXISTS 'saia_wide_ro'@'%';\n");
}

/* The tenants YAML for saia_wide, in the shape of `db.sh config`. */
static char *
wide_yaml(void)
{
	const char *port = getenv("SAIA_DB_PORT");
	char *y = malloc(4096);
	const char *tenants[][2] = {
		{ "wide_small", "{max_bytes: 262144}" },
		{ "wide", "{}" },
		{ "wide_slow", "{query_timeout_ms: 1000}" },
	};
	size_t len = 0, i;

	if (port == NULL || *port == '\0')
		port = "23316";
	len += (size_t)snprintf(y + len, 4096 - len, "tenants:\n");
	for (i = 0; i < 3; i++)
		len += (size_t)snprintf(y + len, 4096 - len,
		    "  %s:\n"
		    "    database:\n"
		    "      host: 127.0.0.1\n"
		    "      port: %s\n"
		    "      name: saia_wide\n"
		    "      user: saia_wide_ro\n"
		    "      password_env: SAIA_WIDE_PASSWORD\n"
		    "      ssl_mode: disabled\n"
		    "      connect_timeout_s: 2\n"
		    "    enabled_tools: [get_comprehensive_database_overview, search_customer_data]\n"
		    "%s%s\n", tenants[i][0], port,
		    strcmp(tenants[i][1], "{}") != 0 ? "    limits: " : "",
		    strcmp(tenants[i][1], "{}") != 0 ? tenants[i][1] : "");
	return y;
}

static int
group_setup(void **state)
{
	char *sql = wide_sql(), *yaml;
	int rc;

	(void)state;
	wide_drop();
	rc = root_feed(sql);
	free(sql);
	if (rc != 0) {
		fprintf(stderr, "creating saia_wide failed\n");
		return -1;
	}
	/* the db.sh defaults when `eval "$(bash scripts/db.sh env)"` was not run */
	setenv("SAIA_DEMO_PASSWORD", "demo-ro-pw", 0);
	setenv("SAIA_RW_PASSWORD", "demo-rw-pw", 0);
	setenv("SAIA_WIDE_PASSWORD", "wide-ro-pw", 1);
	yaml = wide_yaml();
	wide_config = h_temp_file(yaml);
	free(yaml);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	wide_drop();
	if (wide_config != NULL) {
		unlink(wide_config);
		free(wide_config);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	return 0;
}

/* ------------------------------------------ the differently named schema */

/*
 * Issue 3: search and the overview need no schema: mapping, and work the
 * same on the German-named copy (tenant `mapped`, tests/data/mapped_schema.sql):
 * a reserved-word table, a latin1 table, other column names.
 */
static void
test_mapped_schema(void **state)
{
	struct h_proc *h = start("mapped");
	const cJSON *t, *tables, *fk;
	cJSON *sc;
	bool seen_select = false, seen_latin1 = false, seen_fk = false;

	(void)state;
	cJSON_Delete(search_expect(h, 1, "O'Brien", NULL,
	    "kontakte|voller_name|{\"id\":3}|Siobhán O'Brien\n"
	    "kontakte|firma|{\"id\":3}|O'Brien Trading Ltd\n"
	    "kontakte|firma|{\"id\":28}|O'Brien Trading Ltd\n"));
	cJSON_Delete(search_expect(h, 2, "Überweisung", NULL,
	    "rechnungen|notiz|{\"id\":48}|Zahlung per Überweisung; Skonto 2 % bis 10 Tage.\n"));
	/* the latin1 table and the reserved-word table are searched like any other */
	cJSON_Delete(search_expect(h, 3, "KÖLN", NULL,
	    "notizen_latin1|text|{\"id\":1}|Grüße aus Köln\n"));
	cJSON_Delete(search_expect(h, 4, "group by", NULL,
	    "select|from|{\"id\":2}|group by\n"));

	sc = call_ok(h, 5, "get_comprehensive_database_overview", NULL);
	tables = item(sc, "tables");
	assert_true(cJSON_IsArray(tables));
	cJSON_ArrayForEach(t, tables) {
		const char *name = str_of(t, "name");

		if (strcmp(name, "select") == 0)
			seen_select = true;
		if (strcmp(name, "notizen_latin1") == 0)
			seen_latin1 = true;
		if (strcmp(name, "rechnungspositionen") == 0) {
			cJSON_ArrayForEach(fk, item(t, "foreign_keys"))
				if (strcmp(str_of(fk, "referenced_table"), "rechnungen") == 0)
					seen_fk = true;
		}
	}
	assert_true(seen_select);
	assert_true(seen_latin1);
	assert_true(seen_fk);
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* --------------------------------------------------- search: the sample */

/* Known terms of tests/data/README.md, with every match exact. */
static void
test_search_known_terms(void **state)
{
	struct h_proc *h = start("full");
	cJSON *sc;

	(void)state;
	sc = search_expect(h, 1, "O'Brien", NULL,
	    "contacts|name|{\"id\":3}|Siobhán O'Brien\n"
	    "contacts|company|{\"id\":3}|O'Brien Trading Ltd\n"
	    "contacts|company|{\"id\":28}|O'Brien Trading Ltd\n"
	    "customers|name|{\"id\":3}|O'Brien Trading Ltd\n");
	assert_false(cJSON_IsTrue(item(sc, "truncated")));
	/* 7 base tables have text columns (invoice_items has none); the view is not searched */
	assert_int_equal(int_of(sc, "tables_searched"), 7);
	assert_int_equal(int_of(sc, "columns_searched"), 27);
	assert_null(item(sc, "columns_skipped"));
	cJSON_Delete(sc);
	cJSON_Delete(search_expect(h, 2, "Überweisung", NULL,
	    "invoices|notes|{\"id\":48}|Zahlung per Überweisung; Skonto 2 % bis 10 Tage.\n"));
	/* case- and accent-insensitive */
	cJSON_Delete(search_expect(h, 3, "uberWEISUNG", NULL,
	    "invoices|notes|{\"id\":48}|Zahlung per Überweisung; Skonto 2 % bis 10 Tage.\n"));
	/* regression: utf8mb4_general_ci weighs every emoji the same, so 🚚 found 😀 too */
	cJSON_Delete(search_expect(h, 4, "🚚", NULL,
	    "invoices|notes|{\"id\":12}|Thanks for the quick delivery! 🚚🎉\n"));
	/* accents too: HÉLLO finds hello@ */
	cJSON_Delete(search_expect(h, 5, "HÉLLO", NULL,
	    "customers|email|{\"id\":24}|hello@seasidebistro.com\n"
	    "odd_values|emoji|{\"id\":1}|😀 héllo\n"));
	/* ENUM and SET columns are text too */
	cJSON_Delete(search_expect(h, 6, "medium", "\"tables\":[\"odd_values\"]",
	    "odd_values|en|{\"id\":1}|medium\n"));
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* An ASCII term matches case-insensitively, and every match really contains it. */
static void
test_search_ascii_case(void **state)
{
	struct h_proc *h = start("full");
	char *args = search_args("NORDWIND", "\"limit\":500");
	cJSON *sc = call_ok(h, 1, "search_customer_data", args);
	const cJSON *m;
	bool customer1 = false;
	long n = 0;

	(void)state;
	cJSON_ArrayForEach(m, item(sc, "matches")) {
		const char *v = str_of(m, "value");

		assert_non_null(strcasestr(v, "nordwind"));
		/* the tables the count below reads */
		assert_true(strstr("contacts customers invoices products", str_of(m, "table")) != NULL);
		if (strcmp(str_of(m, "table"), "customers") == 0 &&
		    strcmp(str_of(m, "column"), "name") == 0 &&
		    int_of(item(m, "key"), "id") == 1) {
			assert_string_equal(v, "Nordwind Feinkost GmbH");
			customer1 = true;
		}
		n++;
	}
	assert_true(customer1);
	/* the same count as the mariadb client finds in the text columns (a lower-case term) */
	assert_int_equal(n, root_count("SELECT COUNT(*) FROM ("
	    "SELECT name AS v FROM saia_demo.contacts UNION ALL SELECT email FROM saia_demo.contacts"
	    " UNION ALL SELECT phone FROM saia_demo.contacts UNION ALL SELECT company FROM saia_demo.contacts"
	    " UNION ALL SELECT customer_number FROM saia_demo.customers"
	    " UNION ALL SELECT name FROM saia_demo.customers UNION ALL SELECT email FROM saia_demo.customers"
	    " UNION ALL SELECT country FROM saia_demo.customers UNION ALL SELECT city FROM saia_demo.customers"
	    " UNION ALL SELECT vat_id FROM saia_demo.customers"
	    " UNION ALL SELECT invoice_number FROM saia_demo.invoices UNION ALL SELECT status FROM saia_demo.invoices"
	    " UNION ALL SELECT currency FROM saia_demo.invoices UNION ALL SELECT notes FROM saia_demo.invoices"
	    " UNION ALL SELECT sku FROM saia_demo.products UNION ALL SELECT name FROM saia_demo.products"
	    " UNION ALL SELECT category FROM saia_demo.products UNION ALL SELECT unit FROM saia_demo.products"
	    ") AS x WHERE v LIKE '%nordwind%'"));
	free(args);
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* %, _, \ and ! are plain characters, where a plain LIKE would see wildcards. */
static void
test_search_literal_sample(void **state)
{
	struct h_proc *h = start("full");

	(void)state;
	cJSON_Delete(search_expect(h, 1, "%", NULL,
	    "invoices|notes|{\"id\":48}|Zahlung per Überweisung; Skonto 2 % bis 10 Tage.\n"
	    "products|name|{\"id\":5}|Dark chocolate 70 %, 100 g\n"));
	/* as a wildcard, % would have matched every customer name */
	assert_int_equal(root_count("SELECT COUNT(*) FROM saia_demo.customers WHERE name LIKE '%%%'"), 25);
	/* no value of the sample holds an underscore ... */
	cJSON_Delete(search_expect(h, 2, "_", NULL, ""));
	/* ... while _ as a wildcard matches every non-empty value */
	assert_int_equal(root_count("SELECT COUNT(*) FROM saia_demo.customers WHERE name LIKE '%_%'"), 25);
	cJSON_Delete(search_expect(h, 3, "\\", NULL,
	    "odd_values|ctrl|{\"id\":2}|quote \" backslash \\ slash / cr\r\n"));
	cJSON_Delete(search_expect(h, 4, "!", NULL,
	    "invoices|notes|{\"id\":12}|Thanks for the quick delivery! 🚚🎉\n"));
	cJSON_Delete(search_expect(h, 5, "2 %", NULL,
	    "invoices|notes|{\"id\":48}|Zahlung per Überweisung; Skonto 2 % bis 10 Tage.\n"));
	/* !% is the escaped form: as a term it is the two characters ! and % */
	cJSON_Delete(search_expect(h, 6, "!%", NULL, ""));
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* A hostile term is a value, never SQL: no match, nothing written (also on the rw account). */
static void
test_search_injection(void **state)
{
	const char *tenants[] = { "full", "rw_full" };
	const char *terms[] = {
		"'; DROP TABLE invoices; --",
		"' OR '1'='1",
		"x' UNION SELECT secret FROM saia_other.secrets -- ",
		"%' ESCAPE '!' OR 1=1 -- ",
		"\\'; DELETE FROM customers; #",
	};
	long inv = root_count("SELECT COUNT(*) FROM saia_demo.invoices");
	long cus = root_count("SELECT COUNT(*) FROM saia_demo.customers");
	size_t t, i;

	(void)state;
	assert_int_equal(inv, 60);
	assert_int_equal(cus, 25);
	for (t = 0; t < 2; t++) {
		struct h_proc *h = start(tenants[t]);

		for (i = 0; i < sizeof(terms) / sizeof(terms[0]); i++)
			cJSON_Delete(search_expect(h, (long)i + 1, terms[i], NULL, ""));
		assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	}
	assert_int_equal(root_count("SELECT COUNT(*) FROM saia_demo.invoices"), 60);
	assert_int_equal(root_count("SELECT COUNT(*) FROM saia_demo.customers"), 25);
	assert_int_equal(root_count("SELECT COUNT(*) FROM information_schema.TABLES"
	    " WHERE TABLE_SCHEMA = 'saia_demo'"), 9);
}

/* Bad arguments are invalid: with the argument named. */
static void
test_search_bad_args(void **state)
{
	struct h_proc *h = start("full");
	char *big = malloc(10001), *args, *e;
	cJSON *sc;

	(void)state;
	memset(big, 'x', 10000);
	big[10000] = '\0';
	args = search_args(big, NULL);
	e = call_err(h, 1, "search_customer_data", args, "invalid:");
	assert_non_null(strstr(e, "search_term"));
	free(e);
	free(args);
	/* 200 characters (4-byte ones) are fine, 201 are not */
	{
		char term[201 * 4 + 1] = "";
		int i;

		for (i = 0; i < 200; i++)
			strcat(term, "🚚");
		sc = search_expect(h, 2, term, NULL, "");
		cJSON_Delete(sc);
		strcat(term, "a");
		args = search_args(term, NULL);
		free(call_err(h, 3, "search_customer_data", args, "invalid:"));
		free(args);
	}
	free(call_err(h, 4, "search_customer_data", "{\"search_term\":\"\"}", "invalid:"));
	free(call_err(h, 5, "search_customer_data", "{}", "invalid:"));
	free(call_err(h, 6, "search_customer_data", "{\"search_term\":\"a\",\"limit\":0}", "invalid:"));
	free(call_err(h, 7, "search_customer_data", "{\"search_term\":\"a\",\"tables\":\"customers\"}",
	    "invalid:"));
	e = call_err(h, 8, "search_customer_data",
	    "{\"search_term\":\"a\",\"tables\":[\"customers\",\"nope`; DROP TABLE x\"]}", "invalid:");
	assert_non_null(strstr(e, "tables"));
	free(e);
	free(call_err(h, 9, "search_customer_data", "{\"search_term\":\"a\",\"tables\":[]}",
	    "invalid:"));
	/* the other tenant's table is not this tenant's */
	free(call_err(h, 10, "search_customer_data",
	    "{\"search_term\":\"a\",\"tables\":[\"secrets\"]}", "invalid:"));
	free(big);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* tables restricts the search; a view is searched when named, with key {}. */
static void
test_search_tables_arg(void **state)
{
	struct h_proc *h = start("full");
	cJSON *sc;
	const cJSON *m;

	(void)state;
	sc = search_expect(h, 1, "O'Brien", "\"tables\":[\"customers\",\"customers\"]",
	    "customers|name|{\"id\":3}|O'Brien Trading Ltd\n");
	assert_int_equal(int_of(sc, "tables_searched"), 1);
	assert_int_equal(int_of(sc, "columns_searched"), 6);
	cJSON_Delete(sc);
	/* by default views are not searched */
	sc = search_expect(h, 2, "Crème", "\"limit\":500", NULL);
	cJSON_ArrayForEach(m, item(sc, "matches"))
		assert_string_not_equal(str_of(m, "table"), "v_open_invoices");
	cJSON_Delete(sc);
	sc = search_expect(h, 3, "Crème", "\"tables\":[\"v_open_invoices\"]", NULL);
	assert_true(int_of(sc, "match_count") >= 1);
	cJSON_ArrayForEach(m, item(sc, "matches")) {
		assert_string_equal(str_of(m, "table"), "v_open_invoices");
		assert_string_equal(str_of(m, "column"), "customer_name");
		assert_string_equal(str_of(m, "value"), "Café Crème SARL");
		assert_null(item(m, "key")->child);	/* {} */
	}
	cJSON_Delete(sc);
	/* a table name with a space and one that is a reserved word */
	cJSON_Delete(search_expect(h, 4, "hopper", "\"tables\":[\"odd name\",\"order\"]",
	    "odd name|full name|{\"id\":2}|Grace Hopper\n"));
	cJSON_Delete(search_expect(h, 5, "weekly", "\"tables\":[\"odd name\",\"order\"]",
	    "order|desc|{\"id\":1}|standing order, weekly\n"));
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* A latin1 column matches, a binary column is left alone and breaks nothing. */
static void
test_search_charsets(void **state)
{
	struct h_proc *h = start("full");
	cJSON *sc;
	const cJSON *m;

	(void)state;
	sc = search_expect(h, 1, "Café", "\"tables\":[\"odd_values\"]",
	    "odd_values|latin|{\"id\":1}|Café\n");
	/* js, txt, emoji, ctrl, en, st, latin; never id, the numbers, bin4, vbin, blb */
	assert_int_equal(int_of(sc, "columns_searched"), 7);
	cJSON_Delete(sc);
	cJSON_Delete(search_expect(h, 2, "NAÏVE ÿ", "\"tables\":[\"odd_values\"]",
	    "odd_values|latin|{\"id\":2}|naïve ÿ\n"));
	/* bin4 row 2 holds the bytes 'ab' 00 00: binary columns are not searched, so
	 * "ab" is found only in the text of ctrl row 1 ("tab...") */
	sc = search_expect(h, 3, "ab", "\"tables\":[\"odd_values\"]", NULL);
	assert_int_equal(int_of(sc, "match_count"), 1);
	m = item(sc, "matches")->child;
	assert_string_equal(str_of(m, "column"), "ctrl");
	assert_int_equal(int_of(item(m, "key"), "id"), 1);
	cJSON_Delete(sc);
	cJSON_Delete(search_expect(h, 6, "AP9Bfw", "\"tables\":[\"odd_values\"]", ""));
	/* the JSON column (utf8mb4_bin) is searched, case-insensitively like the rest */
	cJSON_Delete(search_expect(h, 4, "\"A\": [1", "\"tables\":[\"odd_values\"]",
	    "odd_values|js|{\"id\":1}|{\"a\": [1, 2.5, \"x\"]}\n"));
	/* a control character and NUL come back escaped and whole */
	sc = search_expect(h, 5, "soh", "\"tables\":[\"odd_values\"]", NULL);
	assert_int_equal(int_of(sc, "match_count"), 1);
	m = item(sc, "matches")->child;
	assert_string_equal(str_of(m, "column"), "ctrl");
	assert_non_null(strstr(h->last, "tab\\tnl\\nsoh\\u0001nul\\u0000end"));
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* limit caps the matches and says so. */
static void
test_search_limit(void **state)
{
	struct h_proc *h = start("full");
	cJSON *sc;

	(void)state;
	sc = search_expect(h, 1, "e", "\"limit\":3", NULL);
	assert_int_equal(int_of(sc, "match_count"), 3);
	assert_true(cJSON_IsTrue(item(sc, "truncated")));
	cJSON_Delete(sc);
	/* exactly as many as exist: not truncated */
	sc = search_expect(h, 2, "%", "\"limit\":2", NULL);
	assert_int_equal(int_of(sc, "match_count"), 2);
	assert_false(cJSON_IsTrue(item(sc, "truncated")));
	cJSON_Delete(sc);
	sc = search_expect(h, 3, "%", "\"limit\":1", NULL);
	assert_int_equal(int_of(sc, "match_count"), 1);
	assert_true(cJSON_IsTrue(item(sc, "truncated")));
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* ------------------------------------------------- search: saia_wide */

/* Literal %, _, \ and ! where values differ only by them; composite and missing keys. */
static void
test_search_literal_wide(void **state)
{
	struct h_proc *h = start_with(wide_config, "wide");
	cJSON *sc;

	(void)state;
	cJSON_Delete(search_expect(h, 1, "_", "\"tables\":[\"w_literals\"]",
	    "w_literals|txt|{\"grp\":1,\"id\":1}|a_b\n"));
	cJSON_Delete(search_expect(h, 2, "%", "\"tables\":[\"w_literals\"]",
	    "w_literals|txt|{\"grp\":1,\"id\":3}|50%\n"));
	cJSON_Delete(search_expect(h, 3, "50%", "\"tables\":[\"w_literals\"]",
	    "w_literals|txt|{\"grp\":1,\"id\":3}|50%\n"));
	cJSON_Delete(search_expect(h, 4, "\\", "\"tables\":[\"w_literals\"]",
	    "w_literals|txt|{\"grp\":2,\"id\":1}|back\\slash\n"));
	cJSON_Delete(search_expect(h, 5, "!", "\"tables\":[\"w_literals\"]",
	    "w_literals|txt|{\"grp\":2,\"id\":2}|bang!\n"));
	cJSON_Delete(search_expect(h, 6, "bang", "\"tables\":[\"w_literals\"]",
	    "w_literals|txt|{\"grp\":2,\"id\":2}|bang!\n"
	    "w_literals|txt|{\"grp\":2,\"id\":3}|BANG\n"));
	/* a plain LIKE would have matched every row for _ and two for % */
	assert_int_equal(root_count("SELECT COUNT(*) FROM saia_wide.w_literals WHERE txt LIKE '%_%'"), 8);
	/* latin1 and utf8mb4_bin columns of one table, one statement */
	cJSON_Delete(search_expect(h, 7, "CRÈME", "\"tables\":[\"w_literals\"]",
	    "w_literals|lat|{\"grp\":2,\"id\":4}|Crème brûlée\n"));
	cJSON_Delete(search_expect(h, 8, "mixed case", "\"tables\":[\"w_literals\"]",
	    "w_literals|cs|{\"grp\":2,\"id\":4}|MiXeD CaSe\n"));
	/* a table without a primary key: key {} */
	sc = search_expect(h, 9, "plain", "\"tables\":[\"w_literals\",\"w_nopk\"]",
	    "w_literals|txt|{\"grp\":2,\"id\":4}|plain\n"
	    "w_nopk|note|{}|plain and simple\n");
	assert_int_equal(int_of(sc, "tables_searched"), 2);
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* More text columns than the cap: 200 searched, the rest counted. */
static void
test_search_column_cap(void **state)
{
	struct h_proc *h = start_with(wide_config, "wide");
	cJSON *sc;
	long total;

	(void)state;
	total = root_count("SELECT COUNT(*) FROM information_schema.COLUMNS c JOIN"
	    " information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND"
	    " t.TABLE_NAME = c.TABLE_NAME WHERE c.TABLE_SCHEMA = 'saia_wide' AND"
	    " t.TABLE_TYPE = 'BASE TABLE' AND c.DATA_TYPE IN ('char', 'varchar', 'text')");
	assert_true(total > 200);
	sc = search_expect(h, 1, "zzz-nowhere", NULL, "");
	assert_int_equal(int_of(sc, "columns_searched"), 200);
	assert_int_equal(int_of(sc, "columns_skipped"), total - 200);
	assert_false(cJSON_IsTrue(item(sc, "truncated")));
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* A table that passes the statement time limit ends the search with what was found. */
static void
test_search_timeout(void **state)
{
	struct h_proc *h = start_with(wide_config, "wide_slow");
	cJSON *sc;

	(void)state;
	sc = search_expect(h, 1, "plain", "\"tables\":[\"w_slow\",\"w_literals\"]",
	    "w_literals|txt|{\"grp\":2,\"id\":4}|plain\n");
	assert_true(cJSON_IsTrue(item(sc, "truncated")));
	assert_string_equal(str_of(sc, "timed_out"), "w_slow");
	cJSON_Delete(sc);
	/* the session goes on */
	cJSON_Delete(search_expect(h, 2, "bang!", "\"tables\":[\"w_literals\"]",
	    "w_literals|txt|{\"grp\":2,\"id\":2}|bang!\n"));
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* ------------------------------------------------------------ overview */

/* The sample company: exact structure of invoices and of the view. */
static void
test_overview_sample(void **state)
{
	struct h_proc *h = start("full");
	cJSON *sc = call_ok(h, 1, "get_comprehensive_database_overview", NULL);
	const cJSON *tables = item(sc, "tables"), *inv, *cols, *c, *ix, *fk, *v;
	char *s;

	(void)state;
	assert_string_equal(str_of(sc, "database"), "saia_demo");
	assert_int_equal(int_of(sc, "table_count"), 9);
	assert_int_equal(cJSON_GetArraySize(tables), 9);
	assert_true(cJSON_IsFalse(item(sc, "truncated")));
	assert_null(item(sc, "omitted"));

	inv = by_name(tables, "invoices");
	assert_non_null(inv);
	assert_string_equal(str_of(inv, "type"), "table");
	assert_string_equal(str_of(inv, "engine"), "InnoDB");
	assert_string_equal(str_of(inv, "comment"), "Outgoing invoices");
	assert_true(cJSON_IsNumber(item(inv, "rows_estimate")));
	assert_int_equal(int_of(inv, "column_count"), 9);
	cols = item(inv, "columns");
	s = names_of(cols);
	assert_string_equal(s, "id,invoice_number,customer_id,invoice_date,due_date,status,"
	    "total_amount,currency,notes");
	free(s);
	c = by_name(cols, "id");
	assert_string_equal(str_of(c, "type"), "int(10) unsigned");
	assert_true(cJSON_IsFalse(item(c, "nullable")));
	assert_string_equal(str_of(c, "key"), "PRI");
	assert_string_equal(str_of(c, "extra"), "auto_increment");
	assert_null(item(c, "default"));
	c = by_name(cols, "invoice_number");
	assert_string_equal(str_of(c, "type"), "varchar(32)");
	assert_string_equal(str_of(c, "key"), "UNI");
	c = by_name(cols, "status");
	assert_string_equal(str_of(c, "type"), "enum('draft','sent','paid','overdue','cancelled')");
	assert_string_equal(str_of(c, "default"), "'draft'");
	c = by_name(cols, "total_amount");
	assert_string_equal(str_of(c, "default"), "0.00");
	assert_string_equal(str_of(c, "comment"), "sum of invoice_items.line_total");
	c = by_name(cols, "notes");
	assert_true(cJSON_IsTrue(item(c, "nullable")));
	/* a NULL default is no default, as in describe_customer_table (MariaDB says NULL) */
	assert_null(item(c, "default"));
	assert_null(item(c, "comment"));

	s = names_of(item(inv, "primary_key"));
	assert_string_equal(s, "id");
	free(s);
	s = names_of(item(inv, "indexes"));
	assert_string_equal(s, "PRIMARY,idx_invoices_customer,idx_invoices_date,"
	    "idx_invoices_status_due,uq_invoices_number");
	free(s);
	ix = by_name(item(inv, "indexes"), "uq_invoices_number");
	assert_true(cJSON_IsTrue(item(ix, "unique")));
	s = names_of(item(ix, "columns"));
	assert_string_equal(s, "invoice_number");
	free(s);
	ix = by_name(item(inv, "indexes"), "idx_invoices_status_due");
	assert_true(cJSON_IsFalse(item(ix, "unique")));
	s = names_of(item(ix, "columns"));
	assert_string_equal(s, "status,due_date");
	free(s);
	assert_int_equal(cJSON_GetArraySize(item(inv, "foreign_keys")), 1);
	fk = item(inv, "foreign_keys")->child;
	assert_string_equal(str_of(fk, "name"), "fk_invoices_customer");
	assert_string_equal(str_of(fk, "referenced_table"), "customers");
	s = names_of(item(fk, "columns"));
	assert_string_equal(s, "customer_id");
	free(s);
	s = names_of(item(fk, "referenced_columns"));
	assert_string_equal(s, "id");
	free(s);

	/* invoice_items has two foreign keys, contacts one */
	assert_int_equal(cJSON_GetArraySize(item(by_name(tables, "invoice_items"), "foreign_keys")), 2);
	assert_int_equal(cJSON_GetArraySize(item(by_name(tables, "contacts"), "foreign_keys")), 1);
	assert_int_equal(int_of(by_name(tables, "odd_values"), "column_count"), 24);

	v = by_name(tables, "v_open_invoices");
	assert_non_null(v);
	assert_string_equal(str_of(v, "type"), "view");
	assert_null(item(v, "engine"));
	assert_null(item(v, "rows_estimate"));
	assert_int_equal(int_of(v, "column_count"), 9);
	s = names_of(item(v, "columns"));
	assert_string_equal(s, "id,invoice_number,customer_id,customer_name,invoice_date,due_date,"
	    "status,total_amount,currency");
	free(s);
	assert_int_equal(cJSON_GetArraySize(item(v, "primary_key")), 0);
	assert_int_equal(cJSON_GetArraySize(item(v, "indexes")), 0);
	/* saia_ro has SELECT only, so the server hides the view's definition */
	assert_null(item(v, "definition"));
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* Checks every table of a (possibly cut) overview of saia_wide; returns tables without columns. */
static long
wide_check(const cJSON *sc)
{
	const cJSON *t;
	long no_cols = 0;

	cJSON_ArrayForEach(t, item(sc, "tables")) {
		const cJSON *cols = item(t, "columns");

		assert_true(cJSON_IsArray(item(t, "primary_key")));
		if (cols == NULL) {
			assert_true(cJSON_IsTrue(item(t, "columns_omitted")));
			no_cols++;
		} else {
			assert_int_equal(cJSON_GetArraySize(cols), int_of(t, "column_count"));
		}
		if (strncmp(str_of(t, "name"), "w_0", 3) == 0 || strncmp(str_of(t, "name"), "w_1", 3) == 0 ||
		    strncmp(str_of(t, "name"), "w_2", 3) == 0)
			assert_int_equal(int_of(t, "column_count"), WIDE_COLUMNS);
	}
	return no_cols;
}

/* 200 tables of 30 columns under a 256 KiB cap: valid, under the cap, and says what it left out. */
static void
test_overview_wide_small(void **state)
{
	struct h_proc *h = start_with(wide_config, "wide_small");
	size_t len = 0;
	cJSON *sc = call_ok_len(h, 1, "get_comprehensive_database_overview", NULL, &len);
	const cJSON *om = item(sc, "omitted"), *w;
	long no_cols;
	bool columns = false;

	(void)state;
	assert_true(len <= WIDE_SMALL_CAP);
	assert_true(len > WIDE_SMALL_CAP / 2);	/* it used the room it had */
	assert_int_equal(int_of(sc, "table_count"), WIDE_TABLES + 3);
	assert_true(cJSON_IsTrue(item(sc, "truncated")));
	assert_true(cJSON_IsObject(om));
	assert_true(cJSON_GetArraySize(item(om, "what")) > 0);
	cJSON_ArrayForEach(w, item(om, "what"))
		if (strcmp(w->valuestring, "columns") == 0)
			columns = true;
	/* comments and defaults went first, then indexes */
	assert_string_equal(item(om, "what")->child->valuestring, "column_comments");
	no_cols = wide_check(sc);
	if (columns) {
		assert_true(no_cols > 0);
		assert_int_equal(int_of(om, "tables"), no_cols +
		    (WIDE_TABLES + 3 - cJSON_GetArraySize(item(sc, "tables"))));
	}
	/* 200 x 30 columns do not fit 256 KiB even without comments and indexes */
	assert_true(columns);
	assert_null(item(item(sc, "tables")->child, "indexes"));
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* With the default 1 MiB cap the answer is complete, or says what it left out. */
static void
test_overview_wide_default(void **state)
{
	struct h_proc *h = start_with(wide_config, "wide");
	size_t len = 0;
	cJSON *sc = call_ok_len(h, 1, "get_comprehensive_database_overview", NULL, &len);
	const cJSON *t;

	(void)state;
	assert_true(len <= 1048576);
	assert_int_equal(int_of(sc, "table_count"), WIDE_TABLES + 3);
	if (cJSON_IsFalse(item(sc, "truncated"))) {
		assert_null(item(sc, "omitted"));
		assert_int_equal(cJSON_GetArraySize(item(sc, "tables")), WIDE_TABLES + 3);
		assert_int_equal(wide_check(sc), 0);
		t = by_name(item(sc, "tables"), "w_002");
		/* PRIMARY, the three declared ones, and the foreign key's own */
		assert_int_equal(cJSON_GetArraySize(item(t, "indexes")), 5);
		assert_string_equal(str_of(item(t, "foreign_keys")->child, "referenced_table"), "w_001");
		assert_non_null(item(by_name(item(t, "columns"), "c01"), "comment"));
	} else {
		assert_true(cJSON_IsTrue(item(sc, "truncated")));
		assert_true(cJSON_GetArraySize(item(item(sc, "omitted"), "what")) > 0);
		wide_check(sc);
	}
	t = by_name(item(sc, "tables"), "w_literals");
	if (t != NULL) {
		char *s = names_of(item(t, "primary_key"));
		assert_string_equal(s, "grp,id");
		free(s);
	}
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_search_known_terms, teardown),
		cmocka_unit_test_teardown(test_mapped_schema, teardown),
		cmocka_unit_test_teardown(test_search_ascii_case, teardown),
		cmocka_unit_test_teardown(test_search_literal_sample, teardown),
		cmocka_unit_test_teardown(test_search_injection, teardown),
		cmocka_unit_test_teardown(test_search_bad_args, teardown),
		cmocka_unit_test_teardown(test_search_tables_arg, teardown),
		cmocka_unit_test_teardown(test_search_charsets, teardown),
		cmocka_unit_test_teardown(test_search_limit, teardown),
		cmocka_unit_test_teardown(test_search_literal_wide, teardown),
		cmocka_unit_test_teardown(test_search_column_cap, teardown),
		cmocka_unit_test_teardown(test_search_timeout, teardown),
		cmocka_unit_test_teardown(test_overview_sample, teardown),
		cmocka_unit_test_teardown(test_overview_wide_small, teardown),
		cmocka_unit_test_teardown(test_overview_wide_default, teardown),
	};

	signal(SIGPIPE, SIG_IGN);	/* a mariadb client that dies must not kill us */
	config = getenv("SAIA_TEST_CONFIG");
	root = getenv("SAIA_SOURCE_ROOT");
	if (config == NULL || *config == '\0') {
		if (getenv("CI") != NULL) {
			fprintf(stderr, "FAIL: SAIA_TEST_CONFIG is not set, and CI is: the mysql suite must"
			    " run in CI (bash scripts/db.sh up; bash scripts/db.sh config FILE)\n");
			return 1;
		}
		fprintf(stderr, "SKIP: SAIA_TEST_CONFIG is not set.  To run the mysql suite:\n"
		    "  bash scripts/db.sh up && bash scripts/db.sh config /tmp/t.yaml\n"
		    "  eval \"$(bash scripts/db.sh env)\"\n"
		    "  SAIA_TEST_CONFIG=/tmp/t.yaml meson test -C BUILD --suite mysql\n");
		return 77;
	}
	if (root == NULL || *root == '\0') {
		fprintf(stderr, "SAIA_SOURCE_ROOT is not set (meson test sets it)\n");
		return 1;
	}
	return cmocka_run_group_tests_name("search_overview", tests, group_setup, group_teardown);
}
