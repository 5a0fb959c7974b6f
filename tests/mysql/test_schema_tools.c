/*
 * The schema tools of the real saia-mcp binary against the real MariaDB
 * that scripts/db.sh starts (CONTRACT sections 4 to 7), checked with the
 * exact facts of tests/data/README.md and tests/data/odd_values.json.
 *
 * Needs: $SAIA_TEST_CONFIG (a YAML from `bash scripts/db.sh config FILE`),
 * the passwords from `eval "$(bash scripts/db.sh env)"` (the db.sh defaults
 * are used when unset), $SAIA_SOURCE_ROOT and $SAIA_MCP_BIN (meson sets
 * both).  Without $SAIA_TEST_CONFIG the suite is skipped (exit 77), or
 * fails when $CI is set.
 *
 * Values are compared on the raw JSON text of the answer where exactness
 * matters (numbers, strings holding NUL), since cJSON reads numbers as
 * doubles and cuts strings at NUL.  The database stop/start test runs last;
 * the group teardown starts the database again whatever happened.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char *config, *root;

/* ------------------------------------------------------------ the facts */

struct table_fact {
	const char *name;
	const char *type;	/* table / view */
	long rows;		/* exact COUNT(*) */
	long columns;
	const char *comment;	/* NULL for the view */
};

/* tests/data/README.md, "Tables of saia_demo" */
static const struct table_fact facts[] = {
	{ "contacts", "table", 40, 7, "People we talk to" },
	{ "customers", "table", 25, 8, "Customers we invoice" },
	{ "invoice_items", "table", 180, 6, "Invoice lines" },
	{ "invoices", "table", 60, 9, "Outgoing invoices" },
	{ "odd name", "table", 3, 2, "table name with a space" },
	{ "odd_values", "table", 3, 24, "a table of awkward types" },
	{ "order", "table", 2, 4, "reserved-word table name" },
	{ "products", "table", 15, 8, "Catalogue" },
	{ "v_open_invoices", "view", 13, 9, NULL },
};
#define N_FACTS (sizeof(facts) / sizeof(facts[0]))

/* ------------------------------------------------------------- helpers */

static struct h_proc *
start(const char *tenant, const char *version)
{
	const char *args[] = { "--config", config, "--tenant", tenant, NULL };
	const char *env[] = { "SAIA_MCP_CONFIG", "SAIA_MCP_TENANT", NULL };
	struct h_proc *h = h_spawn(args, env);

	h_initialize(h, version);
	return h;
}

/* A call that must succeed; returns structuredContent (cJSON_Delete) and checks the text copy. */
static cJSON *
call_ok(struct h_proc *h, long id, const char *tool, const char *args)
{
	cJSON *r = h_call(h, id, tool, args), *sc, *text;

	if (r == NULL)
		fail_msg("%s %s: protocol error: %.500s", tool, args ? args : "", h->last);
	if (h_is_error(r))
		fail_msg("%s %s: tool error: %.500s", tool, args ? args : "", h_text(r));
	sc = cJSON_DetachItemFromObjectCaseSensitive(r, "structuredContent");
	if (!cJSON_IsObject(sc))
		fail_msg("%s: no structuredContent: %.500s", tool, h->last);
	/* content holds the same JSON as text */
	text = cJSON_Parse(h_text(r));
	if (text == NULL || !cJSON_Compare(text, sc, true))
		fail_msg("%s: the text block differs from structuredContent", tool);
	cJSON_Delete(text);
	cJSON_Delete(r);
	return sc;
}

/* A call that must be a tool error starting with prefix; returns its text (free()). */
static char *
call_err(struct h_proc *h, long id, const char *tool, const char *args, const char *prefix)
{
	cJSON *r = h_call(h, id, tool, args);
	char *t;

	if (r == NULL)
		fail_msg("%s %s: protocol error instead of a tool error: %.500s", tool, args, h->last);
	if (!h_is_error(r))
		fail_msg("%s %s: expected a tool error '%s', got a result: %.500s", tool, args,
		    prefix, h->last);
	if (strncmp(h_text(r), prefix, strlen(prefix)) != 0)
		fail_msg("%s %s: expected '%s', got: %.500s", tool, args, prefix, h_text(r));
	assert_null(cJSON_GetObjectItemCaseSensitive(r, "structuredContent"));
	t = strdup(h_text(r));
	cJSON_Delete(r);
	return t;
}

static const char *
str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(v))
		fail_msg("'%s' is not a string", key);
	return v->valuestring;
}

static double
num_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v))
		fail_msg("'%s' is not a number", key);
	return v->valuedouble;
}

/* The object of array arr whose "name" is name, or NULL. */
static const cJSON *
by_name(const cJSON *arr, const char *name)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "name")) &&
		    strcmp(cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring, name) == 0)
			return e;
	return NULL;
}

/* JSON text of a string value (for building arguments); free(). */
static char *
table_args(const char *name)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	cJSON_AddStringToObject(o, "table_name", name);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* The exact count by the tool, as raw text of "count". */
static long
tool_count(struct h_proc *h, long id, const char *table)
{
	char *args = table_args(table);
	cJSON *sc = call_ok(h, id, "count_customer_table_rows", args);
	long n;

	free(args);
	assert_string_equal(str_of(sc, "table"), table);
	n = (long)num_of(sc, "count");
	cJSON_Delete(sc);
	return n;
}

/* The exact count through the mariadb client as root (not through saia-mcp). */
static long
db_count(const char *table)
{
	char cmd[1024], buf[64];
	FILE *p;
	long n = -1;

	snprintf(cmd, sizeof(cmd), "bash '%s/scripts/db.sh' sql -N -B -e "
	    "'SELECT COUNT(*) FROM saia_demo.`%s`' 2>&1", root, table);
	if ((p = popen(cmd, "r")) == NULL)
		fail_msg("popen: %s", cmd);
	if (fgets(buf, sizeof(buf), p) != NULL)
		n = strtol(buf, NULL, 10);
	pclose(p);
	return n;
}

static int
db_sh(const char *what)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "bash '%s/scripts/db.sh' %s >/dev/null 2>&1", root, what);
	return system(cmd);
}

/* ---------------------------------------- a small scanner over raw JSON text */

static size_t
skip_ws(const char *s, size_t i)
{
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
		i++;
	return i;
}

/* Index just past the value starting at s[i] (valid JSON assumed). */
static size_t
skip_value(const char *s, size_t i)
{
	int depth = 0;

	if (s[i] == '"') {
		for (i++; s[i] != '\0' && s[i] != '"'; i++)
			if (s[i] == '\\')
				i++;
		return i + 1;
	}
	if (s[i] != '{' && s[i] != '[') {
		while (s[i] != '\0' && strchr(",]} \t\r\n", s[i]) == NULL)
			i++;
		return i;
	}
	for (; s[i] != '\0'; i++) {
		if (s[i] == '"') {
			i = skip_value(s, i) - 1;
		} else if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if ((s[i] == '}' || s[i] == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return i;
}

/* Start of the value of top-level member key of the object text s, or fails. */
static size_t
member(const char *s, const char *key)
{
	size_t i = skip_ws(s, 0), klen = strlen(key);

	assert_int_equal(s[i], '{');
	i = skip_ws(s, i + 1);
	while (s[i] == '"') {
		size_t kend = skip_value(s, i);
		bool match = kend - i == klen + 2 && memcmp(s + i + 1, key, klen) == 0;

		i = skip_ws(s, kend);
		assert_int_equal(s[i], ':');
		i = skip_ws(s, i + 1);
		if (match)
			return i;
		i = skip_ws(s, skip_value(s, i));
		if (s[i] != ',')
			break;
		i = skip_ws(s, i + 1);
	}
	fail_msg("no member '%s'", key);
	return 0;
}

struct raw {
	const char *p;
	size_t n;
};

/* The raw cells of "rows" (an array of arrays) in the object text s; row-major. */
static struct raw *
raw_rows(const char *s, size_t *nrows, size_t *ncols)
{
	size_t i = member(s, "rows"), cap = 64, n = 0, cols = 0;
	struct raw *cells = malloc(cap * sizeof(*cells));

	*nrows = 0;
	assert_int_equal(s[i], '[');
	i = skip_ws(s, i + 1);
	while (s[i] == '[') {
		size_t c = 0;

		i = skip_ws(s, i + 1);
		while (s[i] != ']') {
			size_t end = skip_value(s, i);

			if (n == cap)
				cells = realloc(cells, (cap *= 2) * sizeof(*cells));
			cells[n].p = s + i;
			cells[n].n = end - i;
			n++;
			c++;
			i = skip_ws(s, end);
			if (s[i] == ',')
				i = skip_ws(s, i + 1);
		}
		if (*nrows == 0)
			cols = c;
		assert_int_equal(c, cols);
		(*nrows)++;
		i = skip_ws(s, i + 1);
		if (s[i] == ',')
			i = skip_ws(s, i + 1);
	}
	*ncols = cols;
	return cells;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode the JSON string r (with quotes) to bytes, NUL kept; *len bytes; free(). */
static char *
decode_string(struct raw r, size_t *len)
{
	char *out = malloc(r.n * 4 + 1);
	size_t i, n = 0;

	for (i = 1; i + 1 < r.n; i++) {
		unsigned long cp;

		if (r.p[i] != '\\') {
			out[n++] = r.p[i];
			continue;
		}
		switch (r.p[++i]) {
		case 'n': out[n++] = '\n'; continue;
		case 't': out[n++] = '\t'; continue;
		case 'r': out[n++] = '\r'; continue;
		case 'b': out[n++] = '\b'; continue;
		case 'f': out[n++] = '\f'; continue;
		case 'u': break;
		default: out[n++] = r.p[i]; continue;
		}
		cp = (unsigned long)(hexval(r.p[i + 1]) << 12 | hexval(r.p[i + 2]) << 8 |
		    hexval(r.p[i + 3]) << 4 | hexval(r.p[i + 4]));
		i += 4;
		if (cp >= 0xD800 && cp < 0xDC00 && r.p[i + 1] == '\\' && r.p[i + 2] == 'u') {
			unsigned long lo = (unsigned long)(hexval(r.p[i + 3]) << 12 |
			    hexval(r.p[i + 4]) << 8 | hexval(r.p[i + 5]) << 4 | hexval(r.p[i + 6]));
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			i += 6;
		}
		if (cp < 0x80) {
			out[n++] = (char)cp;
		} else if (cp < 0x800) {
			out[n++] = (char)(0xC0 | cp >> 6);
			out[n++] = (char)(0x80 | (cp & 0x3F));
		} else if (cp < 0x10000) {
			out[n++] = (char)(0xE0 | cp >> 12);
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
			out[n++] = (char)(0x80 | (cp & 0x3F));
		} else {
			out[n++] = (char)(0xF0 | cp >> 18);
			out[n++] = (char)(0x80 | (cp >> 12 & 0x3F));
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
			out[n++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	out[n] = '\0';
	*len = n;
	return out;
}

/*
 * Is the raw value got the same JSON value as want, exactly?  Numbers by
 * their text, strings by their decoded bytes (NUL included), objects and
 * literals by their parsed value.
 */
static bool
raw_equal(struct raw got, struct raw want)
{
	if (want.p[0] == '"') {
		size_t gl, wl;
		char *g, *w;
		bool eq;

		if (got.p[0] != '"')
			return false;
		g = decode_string(got, &gl);
		w = decode_string(want, &wl);
		eq = gl == wl && memcmp(g, w, gl) == 0;
		free(g);
		free(w);
		return eq;
	}
	if (want.p[0] == '{' || want.p[0] == '[') {
		cJSON *g = cJSON_ParseWithLength(got.p, got.n), *w = cJSON_ParseWithLength(want.p, want.n);
		bool eq = g != NULL && w != NULL && cJSON_Compare(g, w, true);

		cJSON_Delete(g);
		cJSON_Delete(w);
		return eq;
	}
	return got.n == want.n && memcmp(got.p, want.p, got.n) == 0;
}

static char *
read_text_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL)
		fail_msg("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n)
		fail_msg("cannot read %s", path);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* ------------------------------------------------------------ fixtures */

static int
group_setup(void **state)
{
	(void)state;
	/* the db.sh defaults, when the environment does not say */
	setenv("SAIA_DEMO_PASSWORD", "demo-ro-pw", 0);
	setenv("SAIA_RW_PASSWORD", "demo-rw-pw", 0);
	setenv("SAIA_OTHER_PASSWORD", "other-ro-pw", 0);
	if (db_sh("status") != 0) {
		fprintf(stderr, "the test database is not running: bash scripts/db.sh up\n");
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	/* whatever happened in the stop/start test, leave the database running */
	if (db_sh("status") != 0 && db_sh("start") != 0)
		fprintf(stderr, "could not start the database again: bash scripts/db.sh start\n");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	return 0;
}

/* --------------------------------------------------------------- tests */

static void
test_connection(void **state)
{
	struct h_proc *h = start("test", NULL);
	cJSON *sc = call_ok(h, 1, "test_customer_database_connection", "{}");
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(sc, "warnings");

	(void)state;
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "ok")));
	assert_string_equal(str_of(sc, "database"), "saia_demo");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(sc, "can_write")));
	assert_string_equal(str_of(sc, "server_flavor"), "mariadb");
	assert_non_null(strstr(str_of(sc, "server_version"), "MariaDB"));
	assert_int_equal(strncmp(str_of(sc, "user"), "saia_ro@", 8), 0);
	assert_string_equal(str_of(sc, "tls"), "none");	/* ssl_mode: disabled */
	assert_true(num_of(sc, "latency_ms") >= 0);
	assert_true(cJSON_IsArray(w));
	assert_int_equal(cJSON_GetArraySize(w), 0);
	/* the password never appears */
	assert_null(strstr(h->last, getenv("SAIA_DEMO_PASSWORD")));
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_connection_rw_warns(void **state)
{
	struct h_proc *h = start("rw", NULL);
	cJSON *sc = call_ok(h, 1, "test_customer_database_connection", NULL);
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(sc, "warnings");

	(void)state;
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "can_write")));
	assert_int_equal(strncmp(str_of(sc, "user"), "saia_rw@", 8), 0);
	assert_true(cJSON_GetArraySize(w) >= 1);
	assert_true(cJSON_IsString(cJSON_GetArrayItem(w, 0)));
	assert_non_null(strstr(cJSON_GetArrayItem(w, 0)->valuestring, "SELECT"));
	assert_null(strstr(h->last, getenv("SAIA_RW_PASSWORD")));
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_list_tables(void **state)
{
	struct h_proc *h = start("test", NULL);
	cJSON *sc = call_ok(h, 1, "list_customer_tables", NULL);
	const cJSON *tables = cJSON_GetObjectItemCaseSensitive(sc, "tables");
	size_t i;

	(void)state;
	assert_string_equal(str_of(sc, "database"), "saia_demo");
	assert_int_equal((long)num_of(sc, "table_count"), (long)N_FACTS);
	assert_int_equal(cJSON_GetArraySize(tables), (int)N_FACTS);
	for (i = 0; i < N_FACTS; i++) {
		const cJSON *t = by_name(tables, facts[i].name);

		if (t == NULL)
			fail_msg("table %s missing", facts[i].name);
		assert_string_equal(str_of(t, "type"), facts[i].type);
		if (facts[i].comment != NULL) {
			assert_string_equal(str_of(t, "comment"), facts[i].comment);
			assert_string_equal(str_of(t, "engine"), "InnoDB");
			assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(t, "rows_estimate")));
		}
	}
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

struct col_fact {
	const char *name, *type;
	bool nullable;
	const char *key, *extra, *comment;
};

/* tests/data/README.md, "describe invoices" */
static const struct col_fact invoice_cols[] = {
	{ "id", "int(10) unsigned", false, "PRI", "auto_increment", "" },
	{ "invoice_number", "varchar(32)", false, "UNI", "", "" },
	{ "customer_id", "int(10) unsigned", false, "MUL", "", "" },
	{ "invoice_date", "date", false, "MUL", "", "" },
	{ "due_date", "date", false, "", "", "" },
	{ "status", "enum('draft','sent','paid','overdue','cancelled')", false, "MUL", "", "" },
	{ "total_amount", "decimal(12,2)", false, "", "", "sum of invoice_items.line_total" },
	{ "currency", "char(3)", false, "", "", "" },
	{ "notes", "text", true, "", "", "" },
};

static void
assert_str_list(const cJSON *arr, const char *const *want, size_t n)
{
	size_t i;

	assert_true(cJSON_IsArray(arr));
	assert_int_equal(cJSON_GetArraySize(arr), (int)n);
	for (i = 0; i < n; i++)
		assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(arr, (int)i)), want[i]);
}

static void
test_describe_invoices(void **state)
{
	static const char *const pk[] = { "id" };
	static const char *const num[] = { "invoice_number" };
	static const char *const status_due[] = { "status", "due_date" };
	static const char *const cust[] = { "customer_id" };
	static const char *const id[] = { "id" };
	struct h_proc *h = start("test", NULL);
	cJSON *sc = call_ok(h, 1, "describe_customer_table", "{\"table_name\":\"invoices\"}");
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(sc, "columns");
	const cJSON *ix = cJSON_GetObjectItemCaseSensitive(sc, "indexes");
	const cJSON *fks = cJSON_GetObjectItemCaseSensitive(sc, "foreign_keys");
	const cJSON *c, *i, *fk;
	size_t k;

	(void)state;
	assert_string_equal(str_of(sc, "table"), "invoices");
	assert_string_equal(str_of(sc, "type"), "table");
	assert_int_equal(cJSON_GetArraySize(cols), 9);
	for (k = 0; k < 9; k++) {
		c = cJSON_GetArrayItem(cols, (int)k);
		assert_string_equal(str_of(c, "name"), invoice_cols[k].name);
		assert_string_equal(str_of(c, "type"), invoice_cols[k].type);
		assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "nullable")),
		    invoice_cols[k].nullable);
		assert_string_equal(str_of(c, "key"), invoice_cols[k].key);
		assert_string_equal(str_of(c, "extra"), invoice_cols[k].extra);
		assert_string_equal(str_of(c, "comment"), invoice_cols[k].comment);
	}
	/* defaults: none on the first five; status 'draft', total 0.00, currency 'EUR' */
	for (k = 0; k < 5; k++)
		assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cols, (int)k), "default"));
	c = by_name(cols, "status");
	assert_true(strcmp(str_of(c, "default"), "'draft'") == 0 ||
	    strcmp(str_of(c, "default"), "draft") == 0);
	assert_string_equal(str_of(by_name(cols, "total_amount"), "default"), "0.00");
	c = by_name(cols, "currency");
	assert_true(strcmp(str_of(c, "default"), "'EUR'") == 0 || strcmp(str_of(c, "default"), "EUR") == 0);
	/*
	 * notes: nullable with default NULL.  MariaDB's information_schema says
	 * the *text* NULL (README "MariaDB trap"); the tool must not pass that on
	 * as the string "NULL" (CONTRACT 5: NULL is null, the text NULL is a
	 * string).  Absent (or null) is right.
	 */
	c = cJSON_GetObjectItemCaseSensitive(by_name(cols, "notes"), "default");
	if (c != NULL && !cJSON_IsNull(c))
		fail_msg("notes: default is %s; the column's default is SQL NULL, not the text NULL",
		    cJSON_PrintUnformatted(c));

	assert_str_list(cJSON_GetObjectItemCaseSensitive(sc, "primary_key"), pk, 1);
	assert_int_equal(cJSON_GetArraySize(ix), 5);
	i = by_name(ix, "PRIMARY");
	assert_non_null(i);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(i, "unique")));
	assert_str_list(cJSON_GetObjectItemCaseSensitive(i, "columns"), pk, 1);
	i = by_name(ix, "uq_invoices_number");
	assert_non_null(i);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(i, "unique")));
	assert_str_list(cJSON_GetObjectItemCaseSensitive(i, "columns"), num, 1);
	i = by_name(ix, "idx_invoices_status_due");
	assert_non_null(i);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(i, "unique")));
	assert_str_list(cJSON_GetObjectItemCaseSensitive(i, "columns"), status_due, 2);
	i = by_name(ix, "idx_invoices_customer");
	assert_non_null(i);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(i, "unique")));
	assert_non_null(by_name(ix, "idx_invoices_date"));

	assert_int_equal(cJSON_GetArraySize(fks), 1);
	fk = by_name(fks, "fk_invoices_customer");
	assert_non_null(fk);
	assert_str_list(cJSON_GetObjectItemCaseSensitive(fk, "columns"), cust, 1);
	assert_string_equal(str_of(fk, "referenced_table"), "customers");
	assert_str_list(cJSON_GetObjectItemCaseSensitive(fk, "referenced_columns"), id, 1);
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* invoice_items has two foreign keys; the view describes as a view. */
static void
test_describe_others(void **state)
{
	struct h_proc *h = start("test", NULL);
	cJSON *sc;
	const cJSON *fks;

	(void)state;
	sc = call_ok(h, 1, "describe_customer_table", "{\"table_name\":\"invoice_items\"}");
	fks = cJSON_GetObjectItemCaseSensitive(sc, "foreign_keys");
	assert_int_equal(cJSON_GetArraySize(fks), 2);
	assert_string_equal(str_of(by_name(fks, "fk_items_invoice"), "referenced_table"), "invoices");
	assert_string_equal(str_of(by_name(fks, "fk_items_product"), "referenced_table"), "products");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sc, "columns")), 6);
	cJSON_Delete(sc);

	sc = call_ok(h, 2, "describe_customer_table", "{\"table_name\":\"v_open_invoices\"}");
	assert_string_equal(str_of(sc, "type"), "view");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sc, "columns")), 9);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sc, "primary_key")), 0);
	cJSON_Delete(sc);

	sc = call_ok(h, 3, "describe_customer_table", "{\"table_name\":\"order\"}");
	assert_non_null(by_name(cJSON_GetObjectItemCaseSensitive(sc, "columns"), "desc"));
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_sample_odd_values(void **state)
{
	struct h_proc *h = start("test", NULL);
	char path[1024], *expected_text, *got_text;
	cJSON *expected, *sc, *r;
	const cJSON *ecols, *gcols;
	struct raw *got, *want;
	size_t gr, gc, wr, wc, i;
	int bad = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/odd_values.json", root);
	expected_text = read_text_file(path);
	expected = cJSON_Parse(expected_text);
	assert_non_null(expected);
	ecols = cJSON_GetObjectItemCaseSensitive(expected, "columns");

	r = h_call(h, 1, "get_customer_table_sample", "{\"table_name\":\"odd_values\",\"limit\":10}");
	assert_non_null(r);
	if (h_is_error(r))
		fail_msg("tool error: %s", h_text(r));
	got_text = strdup(h_text(r));
	sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
	assert_int_equal((long)num_of(sc, "row_count"), 3);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(sc, "truncated")));
	assert_null(cJSON_GetObjectItemCaseSensitive(sc, "next_offset"));
	gcols = cJSON_GetObjectItemCaseSensitive(sc, "columns");
	assert_int_equal(cJSON_GetArraySize(gcols), cJSON_GetArraySize(ecols));
	for (i = 0; i < (size_t)cJSON_GetArraySize(ecols); i++)
		assert_string_equal(str_of(cJSON_GetArrayItem(gcols, (int)i), "name"),
		    cJSON_GetArrayItem(ecols, (int)i)->valuestring);

	/* every cell, on the raw text of the answer's text block */
	got = raw_rows(got_text, &gr, &gc);
	want = raw_rows(expected_text, &wr, &wc);
	assert_int_equal(gr, wr);
	assert_int_equal(gc, wc);
	for (i = 0; i < gr * gc; i++) {
		if (!raw_equal(got[i], want[i])) {
			print_error("odd_values row %zu column %s: got %.*s, expected %.*s\n",
			    i / gc + 1, cJSON_GetArrayItem(ecols, (int)(i % gc))->valuestring,
			    (int)got[i].n, got[i].p, (int)want[i].n, want[i].p);
			bad++;
		}
	}
	/* and the same in structuredContent's raw text */
	{
		const char *sct = strstr(h->last, "\"structuredContent\":");
		struct raw *got2;
		size_t r2, c2;

		assert_non_null(sct);
		got2 = raw_rows(sct + strlen("\"structuredContent\":"), &r2, &c2);
		assert_int_equal(r2 * c2, gr * gc);
		for (i = 0; i < gr * gc; i++)
			if (!raw_equal(got2[i], want[i])) {
				print_error("structuredContent row %zu column %zu: got %.*s\n",
				    i / gc + 1, i % gc, (int)got2[i].n, got2[i].p);
				bad++;
			}
		free(got2);
	}
	if (bad > 0)
		fail_msg("%d odd_values cells differ from tests/data/odd_values.json", bad);
	free(got);
	free(want);
	free(got_text);
	free(expected_text);
	cJSON_Delete(expected);
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* The oldest invoice, with DECIMAL as a string; limit honoured. */
static void
test_sample_invoices(void **state)
{
	struct h_proc *h = start("test", NULL);
	cJSON *sc = call_ok(h, 1, "get_customer_table_sample", "{\"table_name\":\"invoices\",\"limit\":2}");
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(sc, "rows");
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(sc, "columns");
	const cJSON *row0 = cJSON_GetArrayItem(rows, 0);
	int ci_num = -1, ci_total = -1, ci_date = -1, k;

	(void)state;
	assert_int_equal(cJSON_GetArraySize(rows), 2);
	assert_int_equal((long)num_of(sc, "row_count"), 2);
	for (k = 0; k < cJSON_GetArraySize(cols); k++) {
		const char *n = str_of(cJSON_GetArrayItem(cols, k), "name");
		if (strcmp(n, "invoice_number") == 0)
			ci_num = k;
		else if (strcmp(n, "total_amount") == 0)
			ci_total = k;
		else if (strcmp(n, "invoice_date") == 0)
			ci_date = k;
	}
	assert_true(ci_num >= 0 && ci_total >= 0 && ci_date >= 0);
	assert_int_equal(cJSON_GetArrayItem(row0, 0)->valuedouble, 1);
	assert_string_equal(cJSON_GetArrayItem(row0, ci_num)->valuestring, "INV-2025-0001");
	assert_true(cJSON_IsString(cJSON_GetArrayItem(row0, ci_total)));
	assert_string_equal(cJSON_GetArrayItem(row0, ci_total)->valuestring, "459.28");
	assert_string_equal(cJSON_GetArrayItem(row0, ci_date)->valuestring, "2025-01-03");
	assert_int_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 1), 0)->valuedouble, 2);
	cJSON_Delete(sc);

	/* default limit 10 */
	sc = call_ok(h, 2, "get_customer_table_sample", "{\"table_name\":\"invoice_items\"}");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sc, "rows")), 10);
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_count_every_table(void **state)
{
	struct h_proc *h = start("test", NULL);
	size_t i;

	(void)state;
	for (i = 0; i < N_FACTS; i++) {
		long n = tool_count(h, (long)i + 1, facts[i].name);

		if (n != facts[i].rows)
			fail_msg("count %s: %ld, expected %ld", facts[i].name, n, facts[i].rows);
		/* raw text: an integer, not 60.0 */
		{
			char want[64];
			snprintf(want, sizeof(want), "\"count\":%ld}", facts[i].rows);
			assert_non_null(strstr(h->last, want));
		}
	}
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_overview(void **state)
{
	struct h_proc *h = start("test", NULL);
	cJSON *sc = call_ok(h, 1, "get_database_overview", "{}");
	const cJSON *tables = cJSON_GetObjectItemCaseSensitive(sc, "tables");
	size_t i;

	(void)state;
	assert_string_equal(str_of(sc, "database"), "saia_demo");
	assert_int_equal((long)num_of(sc, "table_count"), (long)N_FACTS);
	assert_int_equal(cJSON_GetArraySize(tables), (int)N_FACTS);
	for (i = 0; i < N_FACTS; i++) {
		const cJSON *t = by_name(tables, facts[i].name);

		if (t == NULL)
			fail_msg("overview: %s missing", facts[i].name);
		if ((long)num_of(t, "column_count") != facts[i].columns)
			fail_msg("overview: %s has %ld columns, expected %ld", facts[i].name,
			    (long)num_of(t, "column_count"), facts[i].columns);
		assert_string_equal(str_of(t, "type"), facts[i].type);
	}
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* `order` and `odd name` need quoting; they work. */
static void
test_awkward_names(void **state)
{
	struct h_proc *h = start("test", NULL);
	cJSON *sc;
	const cJSON *rows, *cols, *r0;

	(void)state;
	sc = call_ok(h, 1, "get_customer_table_sample", "{\"table_name\":\"order\"}");
	rows = cJSON_GetObjectItemCaseSensitive(sc, "rows");
	cols = cJSON_GetObjectItemCaseSensitive(sc, "columns");
	assert_int_equal(cJSON_GetArraySize(rows), 2);
	assert_int_equal(cJSON_GetArraySize(cols), 4);
	assert_string_equal(str_of(cJSON_GetArrayItem(cols, 3), "name"), "desc");
	r0 = cJSON_GetArrayItem(rows, 0);
	assert_int_equal(cJSON_GetArrayItem(r0, 0)->valuedouble, 1);
	assert_int_equal(cJSON_GetArrayItem(r0, 1)->valuedouble, 2);
	assert_string_equal(cJSON_GetArrayItem(r0, 2)->valuestring, "2026-02-14");
	assert_string_equal(cJSON_GetArrayItem(r0, 3)->valuestring, "standing order, weekly");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 1), 3)->valuestring, "one-off");
	cJSON_Delete(sc);

	sc = call_ok(h, 2, "get_customer_table_sample", "{\"table_name\":\"odd name\",\"limit\":100}");
	rows = cJSON_GetObjectItemCaseSensitive(sc, "rows");
	cols = cJSON_GetObjectItemCaseSensitive(sc, "columns");
	assert_int_equal(cJSON_GetArraySize(rows), 3);
	assert_string_equal(str_of(cJSON_GetArrayItem(cols, 1), "name"), "full name");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 0), 1)->valuestring, "Ada Lovelace");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 1), 1)->valuestring, "Grace Hopper");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 2), 1)->valuestring,
	    "Edsger W. Dijkstra");
	cJSON_Delete(sc);

	assert_int_equal(tool_count(h, 3, "order"), 2);
	assert_int_equal(tool_count(h, 4, "odd name"), 3);
	sc = call_ok(h, 5, "describe_customer_table", "{\"table_name\":\"odd name\"}");
	assert_non_null(by_name(cJSON_GetObjectItemCaseSensitive(sc, "columns"), "full name"));
	cJSON_Delete(sc);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* An old client gets the text block only. */
static void
test_old_client_text_only(void **state)
{
	struct h_proc *h = start("test", "2025-03-26");
	cJSON *r = h_call(h, 1, "count_customer_table_rows", "{\"table_name\":\"invoices\"}");
	cJSON *t;

	(void)state;
	assert_non_null(r);
	assert_false(h_is_error(r));
	assert_null(cJSON_GetObjectItemCaseSensitive(r, "structuredContent"));
	t = cJSON_Parse(h_text(r));
	assert_non_null(t);
	assert_int_equal((long)num_of(t, "count"), 60);
	cJSON_Delete(t);
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_other_tenant_isolated(void **state)
{
	struct h_proc *h = start("other", NULL);
	cJSON *sc;
	const cJSON *tables;
	char *e;

	(void)state;
	sc = call_ok(h, 1, "list_customer_tables", NULL);
	tables = cJSON_GetObjectItemCaseSensitive(sc, "tables");
	assert_string_equal(str_of(sc, "database"), "saia_other");
	assert_int_equal(cJSON_GetArraySize(tables), 1);
	assert_string_equal(str_of(cJSON_GetArrayItem(tables, 0), "name"), "secrets");
	cJSON_Delete(sc);

	sc = call_ok(h, 2, "get_database_overview", NULL);
	assert_int_equal((long)num_of(sc, "table_count"), 1);
	assert_null(by_name(cJSON_GetObjectItemCaseSensitive(sc, "tables"), "invoices"));
	cJSON_Delete(sc);

	sc = call_ok(h, 3, "test_customer_database_connection", NULL);
	assert_string_equal(str_of(sc, "database"), "saia_other");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(sc, "can_write")));
	cJSON_Delete(sc);

	e = call_err(h, 4, "count_customer_table_rows", "{\"table_name\":\"invoices\"}", "invalid:");
	assert_non_null(strstr(e, "table_name"));
	free(e);
	free(call_err(h, 5, "describe_customer_table", "{\"table_name\":\"invoices\"}", "invalid:"));
	free(call_err(h, 6, "get_customer_table_sample", "{\"table_name\":\"saia_demo.invoices\"}",
	    "invalid:"));
	free(call_err(h, 7, "count_customer_table_rows", "{\"table_name\":\"v_open_invoices\"}",
	    "invalid:"));
	assert_int_equal(tool_count(h, 8, "secrets"), 1);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);

	/* and the demo tenant cannot see secrets */
	h = start("test", NULL);
	free(call_err(h, 1, "count_customer_table_rows", "{\"table_name\":\"secrets\"}", "invalid:"));
	free(call_err(h, 2, "get_customer_table_sample", "{\"table_name\":\"saia_other.secrets\"}",
	    "invalid:"));
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_limited_tenant(void **state)
{
	static const char *const disabled[] = {
		"get_database_overview", "describe_customer_table", "get_customer_table_sample",
		"test_customer_database_connection", NULL,
	};
	struct h_proc *h = start("limited", NULL);
	cJSON *sc;
	size_t i;

	(void)state;
	for (i = 0; disabled[i] != NULL; i++) {
		cJSON *r = h_call(h, (long)i + 1, disabled[i], "{\"table_name\":\"invoices\"}");
		cJSON *resp;

		if (r != NULL)
			fail_msg("%s: a disabled tool answered: %.300s", disabled[i], h->last);
		resp = cJSON_Parse(h->last);
		assert_int_equal(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(resp, "error"), "code")->valueint, -32602);
		cJSON_Delete(resp);
	}
	sc = call_ok(h, 10, "list_customer_tables", NULL);
	assert_int_equal((long)num_of(sc, "table_count"), (long)N_FACTS);
	cJSON_Delete(sc);
	assert_int_equal(tool_count(h, 11, "invoices"), 60);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* Hostile table names: each an "invalid:" tool error; nothing changes. */
static const char *const hostile[] = {
	"invoices`; DROP TABLE invoices; --",
	"invoices'",
	"x\"y",
	"`invoices`",
	"invoices; DROP TABLE contacts",
	"../../etc/passwd",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",	/* 65 */
	"",
	"\xF0\x9F\x98\x80",	/* emoji */
	"invoices\\",
	"invoices` WHERE 1=0 UNION SELECT secret FROM saia_other.secrets; --",
	"information_schema.TABLES",
	"saia_demo`.`invoices",
	"%",
	"invoice_",
	"invoices\n",
	NULL,
};

static void
hostile_run(const char *tenant)
{
	static const char *const tools[] = {
		"describe_customer_table", "get_customer_table_sample", "count_customer_table_rows", NULL,
	};
	/* JSON texts with NUL inside, written by hand: cJSON cannot print them */
	static const char *const nul_args[] = {
		"{\"table_name\":\"invoices\\u0000; DROP TABLE invoices\"}",
		"{\"table_name\":\"invoices\\u0000\"}",
		"{\"table_name\":\"\\u0000invoices\"}",
		NULL,
	};
	struct h_proc *h = start(tenant, NULL);
	long id = 1, before[N_FACTS];
	size_t i, t;
	int bad = 0;

	for (i = 0; i < N_FACTS; i++)
		before[i] = db_count(facts[i].name);
	for (t = 0; tools[t] != NULL; t++) {
		for (i = 0; hostile[i] != NULL; i++) {
			char *args = table_args(hostile[i]);
			cJSON *r = h_call(h, id++, tools[t], args);

			if (r == NULL || !h_is_error(r) || strncmp(h_text(r), "invalid:", 8) != 0 ||
			    strstr(h_text(r), "table_name") == NULL) {
				print_error("%s %s %s: expected invalid: naming table_name, got %.300s\n",
				    tenant, tools[t], args, h->last);
				bad++;
			}
			cJSON_Delete(r);
			free(args);
		}
		for (i = 0; nul_args[i] != NULL; i++) {
			cJSON *r = h_call(h, id++, tools[t], nul_args[i]);

			if (r == NULL || !h_is_error(r) || strncmp(h_text(r), "invalid:", 8) != 0) {
				print_error("%s %s %s: a NUL in table_name must be invalid:, got %.300s\n",
				    tenant, tools[t], nul_args[i], h->last);
				bad++;
			}
			cJSON_Delete(r);
		}
	}
	/* nothing changed: by the tool, and by the mariadb client as root */
	for (i = 0; i < N_FACTS; i++) {
		long via_tool = tool_count(h, id++, facts[i].name), via_db = db_count(facts[i].name);

		if (via_tool != facts[i].rows || via_db != facts[i].rows || before[i] != facts[i].rows)
			fail_msg("%s: %s has %ld rows by the tool, %ld by the client (%ld before); expected %ld",
			    tenant, facts[i].name, via_tool, via_db, before[i], facts[i].rows);
	}
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	if (bad > 0)
		fail_msg("%s: %d hostile table names were not refused as invalid:", tenant, bad);
}

static void
test_hostile_names(void **state)
{
	(void)state;
	hostile_run("test");
}

/* The write-capable account gets the same answers; the server still writes nothing. */
static void
test_hostile_names_rw(void **state)
{
	(void)state;
	hostile_run("rw");
}

/* Last: stop the database under a running session, then start it again. */
static void
test_db_restart(void **state)
{
	struct h_proc *h = start("test", NULL);
	cJSON *sc;
	char *e;

	(void)state;
	assert_int_equal(tool_count(h, 1, "invoices"), 60);
	assert_int_equal(db_sh("stop"), 0);
	e = call_err(h, 2, "count_customer_table_rows", "{\"table_name\":\"invoices\"}", "unavailable:");
	free(e);
	/* still down: still a tool error, and the session goes on */
	free(call_err(h, 3, "list_customer_tables", NULL, "unavailable:"));
	{
		cJSON *r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}");
		assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
		cJSON_Delete(r);
	}
	assert_int_equal(db_sh("start"), 0);
	/* the next call reconnects */
	sc = call_ok(h, 5, "test_customer_database_connection", NULL);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "ok")));
	cJSON_Delete(sc);
	assert_int_equal(tool_count(h, 6, "invoices"), 60);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_connection, teardown),
		cmocka_unit_test_teardown(test_connection_rw_warns, teardown),
		cmocka_unit_test_teardown(test_list_tables, teardown),
		cmocka_unit_test_teardown(test_describe_invoices, teardown),
		cmocka_unit_test_teardown(test_describe_others, teardown),
		cmocka_unit_test_teardown(test_sample_odd_values, teardown),
		cmocka_unit_test_teardown(test_sample_invoices, teardown),
		cmocka_unit_test_teardown(test_count_every_table, teardown),
		cmocka_unit_test_teardown(test_overview, teardown),
		cmocka_unit_test_teardown(test_awkward_names, teardown),
		cmocka_unit_test_teardown(test_old_client_text_only, teardown),
		cmocka_unit_test_teardown(test_other_tenant_isolated, teardown),
		cmocka_unit_test_teardown(test_limited_tenant, teardown),
		cmocka_unit_test_teardown(test_hostile_names, teardown),
		cmocka_unit_test_teardown(test_hostile_names_rw, teardown),
		cmocka_unit_test_teardown(test_db_restart, teardown),	/* keep last */
	};

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
	return cmocka_run_group_tests_name("schema_tools", tests, group_setup, group_teardown);
}
