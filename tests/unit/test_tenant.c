/*
 * Unit tests for tenants/ (the launch-profile loader, CONTRACT section 3).
 *
 * A table of cases with stable ids: YAML text in, then either the exact
 * "file:line:column: " prefix and a substring of the error, or a check of
 * the struct tenant that came out.  Ids are never renumbered; new cases take
 * new ids.  The hooks are fakes: tool_known knows the built-in names of
 * CONTRACT section 4, sql_check refuses SQL containing DROP and counts '?'.
 * Leaks are left to ASan/valgrind (the loader uses plain malloc).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tenant.h"

/* ------------------------------------------------------------- fake hooks */

static const char *const known_tools[] = {
	"execute_safe_query", "get_invoice_count", "get_invoice_by_number",
	"get_latest_invoice", "list_customer_tables", "describe_customer_table",
	"get_customer_table_sample", "count_customer_table_rows",
	"test_customer_database_connection", "get_database_overview",
	"get_comprehensive_database_overview", "search_customer_data", "get_all_invoices",
	"get_contacts", NULL,
};

static bool
fake_tool_known(const char *name)
{
	size_t i;

	for (i = 0; known_tools[i] != NULL; i++)
		if (strcmp(known_tools[i], name) == 0)
			return true;
	return false;
}

static char last_schema[128];
static char last_functions[256];

static int
fake_sql_check(const char *sql, const char *schema, const char *const *functions,
    size_t n_functions, unsigned *params, char *why, size_t why_size)
{
	const char *p;
	size_t i;

	snprintf(last_schema, sizeof(last_schema), "%s", schema != NULL ? schema : "(null)");
	last_functions[0] = '\0';
	for (i = 0; i < n_functions; i++) {
		strncat(last_functions, functions[i], sizeof(last_functions) - strlen(last_functions) - 2);
		strcat(last_functions, ",");
	}
	if (strstr(sql, "DROP") != NULL) {
		snprintf(why, why_size, "DROP is not a read-only statement at offset %d",
		    (int)(strstr(sql, "DROP") - sql));
		return -1;
	}
	*params = 0;
	for (p = sql; *p != '\0'; p++)
		if (*p == '?')
			(*params)++;
	return 0;
}

static const struct tenant_hooks hooks = {
	.tool_known = fake_tool_known,
	.sql_check = fake_sql_check,
};

/* The temporary folder for password files; @DIR@ in a case's YAML becomes it. */
static char tmpdir[256];

/* ------------------------------------------------------------- the cases */

struct tcase {
	const char *id;
	const char *yaml;
	const char *tenant;	/* the tenant to select; NULL: check only */
	const char *pos;	/* error: exact "t.yaml:L:C: " prefix; NULL: success */
	const char *sub;	/* error: a substring of the message */
	void (*check)(const struct tenant *t);	/* success: more checks */
};

#define DB "    database: {host: h, name: n, user: u}\n"
#define HEAD "tenants:\n  acme:\n"

static void
assert_tools(const struct tenant *t, const char *const *want)
{
	size_t n;

	for (n = 0; want[n] != NULL; n++) {
		assert_true(n < t->n_tools);
		assert_string_equal(t->tools[n], want[n]);
	}
	assert_int_equal(t->n_tools, n);
}

static void
check_all_defaults(const struct tenant *t)
{
	assert_string_equal(t->name, "acme");
	assert_null(t->business_type);
	assert_string_equal(t->db.host, "h");
	assert_string_equal(t->db.name, "n");
	assert_string_equal(t->db.user, "u");
	assert_string_equal(t->db.password, "");
	assert_null(t->db.socket);
	assert_string_equal(t->db.charset, "utf8mb4");
	assert_null(t->db.ssl_ca);
	assert_int_equal(t->db.port, 3306);
	assert_int_equal(t->db.ssl_mode, TENANT_SSL_PREFERRED);
	assert_int_equal(t->db.connect_timeout_s, 5);
	assert_int_equal(t->limits.max_rows, 500);
	assert_int_equal(t->limits.max_bytes, 1048576);
	assert_int_equal(t->limits.query_timeout_ms, 10000);
	assert_int_equal(t->n_tools, 0);
	assert_false(t->tools_from_preset);
	assert_null(t->schema.invoices.table);
	assert_null(t->schema.contacts.email);
	assert_int_equal(t->n_allowed_functions, 0);
	assert_int_equal(t->n_queries, 0);
}

static void
check_deep_merge(const struct tenant *t)
{
	assert_int_equal(t->limits.max_rows, 100);
	assert_int_equal(t->limits.max_bytes, 1048576);
	assert_int_equal(t->limits.query_timeout_ms, 2000);
	assert_string_equal(t->db.host, "shared-db");
	assert_int_equal(t->db.port, 3307);
	assert_string_equal(t->db.user, "ro");
	assert_string_equal(t->db.name, "acme_db");
	assert_int_equal(t->db.ssl_mode, TENANT_SSL_REQUIRED);
	assert_string_equal(t->schema.invoices.table, "inv");
	assert_string_equal(t->schema.invoices.number, "no");
}

static void
check_preset_general(const struct tenant *t)
{
	static const char *const want[] = { "get_all_invoices", "get_contacts",
	    "get_database_overview", "search_customer_data", NULL };

	assert_string_equal(t->business_type, "general");
	assert_true(t->tools_from_preset);
	assert_tools(t, want);
}

static void
check_preset_ecommerce(const struct tenant *t)
{
	static const char *const want[] = { "get_all_invoices", "get_contacts",
	    "search_customer_data", "count_customer_table_rows", NULL };

	assert_true(t->tools_from_preset);
	assert_tools(t, want);
}

static void
check_preset_insurance(const struct tenant *t)
{
	static const char *const want[] = { "get_all_invoices", "get_contacts",
	    "get_comprehensive_database_overview", "test_customer_database_connection", NULL };

	assert_true(t->tools_from_preset);
	assert_tools(t, want);
}

static void
check_preset_manufacturing(const struct tenant *t)
{
	static const char *const want[] = { "get_database_overview", "list_customer_tables",
	    "describe_customer_table", "get_customer_table_sample", NULL };

	assert_true(t->tools_from_preset);
	assert_tools(t, want);
}

static void
check_override(const struct tenant *t)
{
	static const char *const want[] = { "get_contacts", "execute_safe_query", NULL };

	assert_string_equal(t->business_type, "general");
	assert_false(t->tools_from_preset);
	assert_tools(t, want);
}

static void
check_pasted(const struct tenant *t)
{
	static const char *const want[] = { "get_all_invoices", "get_contacts", NULL };

	assert_string_equal(t->db.host, "db");
	assert_int_equal(t->db.port, 3306);
	assert_string_equal(t->db.name, "acme");
	assert_string_equal(t->db.user, "ro");
	assert_string_equal(t->db.password, "x");
	assert_int_equal(t->db.ssl_mode, TENANT_SSL_VERIFY_IDENTITY);
	assert_int_equal(t->db.connect_timeout_s, 7);
	assert_tools(t, want);
}

static void
check_pw_env(const struct tenant *t)
{
	assert_string_equal(t->db.password, "s3cret");
}

static void
check_pw_file(const struct tenant *t)
{
	assert_string_equal(t->db.password, "hunter2");
}

static void
check_pw_crlf(const struct tenant *t)
{
	assert_string_equal(t->db.password, "abc");
}

static void
check_pw_two_newlines(const struct tenant *t)
{
	assert_string_equal(t->db.password, "x\n");
}

static void
check_pw_inline(const struct tenant *t)
{
	assert_string_equal(t->db.password, "inl1ne");
}

static void
check_pw_empty_env(const struct tenant *t)
{
	assert_string_equal(t->db.password, "");
}

static void
check_socket(const struct tenant *t)
{
	assert_null(t->db.host);
	assert_string_equal(t->db.socket, "/run/mysqld/mysqld.sock");
}

static void
check_verify_ca(const struct tenant *t)
{
	assert_int_equal(t->db.ssl_mode, TENANT_SSL_VERIFY_CA);
	assert_string_equal(t->db.ssl_ca, "/dev/null");
	assert_string_equal(t->db.charset, "latin1");
}

static void
check_disabled(const struct tenant *t)
{
	assert_int_equal(t->db.ssl_mode, TENANT_SSL_DISABLED);
}

static void
check_queries(const struct tenant *t)
{
	const struct tenant_query *q;
	const struct tenant_param *p;

	assert_int_equal(t->n_queries, 2);
	q = &t->queries[0];
	assert_string_equal(q->name, "overdue");
	assert_string_equal(q->description, "Overdue invoices.");
	assert_string_equal(q->sql, "SELECT * FROM inv WHERE due < ? AND total >= ? AND kind = ?");
	assert_int_equal(q->n_params, 3);
	p = &q->params[0];
	assert_string_equal(p->name, "as_of");
	assert_int_equal(p->type, TENANT_P_DATE);
	assert_true(p->required);
	assert_null(p->default_value);
	assert_string_equal(p->description, "The day.");
	p = &q->params[1];
	assert_int_equal(p->type, TENANT_P_NUMBER);
	assert_false(p->required);
	assert_string_equal(p->default_value, "0.5");
	assert_true(p->has_min);
	assert_true(p->has_max);
	assert_true(p->min == 0 && p->max == 100.25);
	p = &q->params[2];
	assert_int_equal(p->type, TENANT_P_STRING);
	assert_int_equal(p->n_enum, 2);
	assert_string_equal(p->enum_values[0], "a");
	assert_string_equal(p->enum_values[1], "bb");
	assert_string_equal(p->default_value, "bb");
	assert_true(p->has_max && p->max == 2);
	q = &t->queries[1];
	assert_string_equal(q->name, "all.v2");
	assert_int_equal(q->n_params, 0);
	assert_null(q->params);
	/* the guard hook saw the tenant's database and functions */
	assert_string_equal(last_schema, "n");
	assert_string_equal(last_functions, "fn_a,fn$b,");
	assert_int_equal(t->n_allowed_functions, 2);
	assert_string_equal(t->allowed_functions[1], "fn$b");
}

static void
check_schema(const struct tenant *t)
{
	assert_string_equal(t->schema.invoices.table, "Rechnungen");
	assert_string_equal(t->schema.invoices.number, "Nr.");
	assert_string_equal(t->schema.invoices.date, "Datum");
	assert_string_equal(t->schema.invoices.total, "Summe");
	assert_string_equal(t->schema.invoices.status, "Status");
	assert_string_equal(t->schema.invoices.customer, "Kunde");
	assert_string_equal(t->schema.invoice_items.table, "Positionen");
	assert_string_equal(t->schema.invoice_items.invoice, "Rechnung");
	assert_string_equal(t->schema.contacts.table, "Kontakte");
	assert_string_equal(t->schema.contacts.name, "Name mit Leerzeichen");
	assert_string_equal(t->schema.contacts.email, "E-Mail");
	assert_string_equal(t->schema.contacts.phone, "2024");
	assert_string_equal(t->schema.contacts.company, "Firma`");
}

static void
check_empty_tools(const struct tenant *t)
{
	assert_string_equal(t->business_type, "manufacturing");
	assert_int_equal(t->n_tools, 0);
	assert_false(t->tools_from_preset);
}

static void
check_list_replaces(const struct tenant *t)
{
	static const char *const want[] = { "get_contacts", NULL };

	assert_tools(t, want);
	assert_int_equal(t->n_allowed_functions, 1);
	assert_string_equal(t->allowed_functions[0], "fn_t");
}

static void
check_second_tenant(const struct tenant *t)
{
	assert_string_equal(t->name, "demo");
	assert_string_equal(t->db.name, "d");
}

static void
check_demo_utf8(const struct tenant *t)
{
	assert_string_equal(t->db.name, "datenbank_\xc3\xbc");
}

static const struct tcase cases[] = {
	/* ---- unknown keys, at every depth */
	{ "T001", HEAD "    database:\n      hots: h\n      name: n\n      user: u\n", "acme",
	  "t.yaml:4:7: ", "unknown key 'hots' in database (did you mean 'host'?)", NULL },
	{ "T002", HEAD DB "    limts: {max_rows: 5}\n", "acme",
	  "t.yaml:4:5: ", "unknown key 'limts' in tenant 'acme' (did you mean 'limits'?)", NULL },
	{ "T003", "tenant:\n  acme:\n" DB, "acme",
	  "t.yaml:1:1: ", "unknown key 'tenant' at the top level (did you mean 'tenants'?)", NULL },
	{ "T004", HEAD DB "    limits: {max_row: 5}\n", "acme",
	  "t.yaml:4:14: ", "unknown key 'max_row' in limits (did you mean 'max_rows'?)", NULL },
	{ "T005", HEAD DB "    schema:\n      invoices:\n        numbr: x\n", "acme",
	  "t.yaml:6:9: ", "unknown key 'numbr' in schema.invoices (did you mean 'number'?)", NULL },
	{ "T006", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters:\n          - {name: a, type: date, requird: true}\n",
	  "acme", "t.yaml:9:35: ",
	  "unknown key 'requird' in query 'q' parameter 'a' (did you mean 'required'?)", NULL },
	{ "T007", HEAD DB "    queries:\n      - name: q\n        descripton: d\n        sql: SELECT 1\n",
	  "acme", "t.yaml:6:9: ",
	  "unknown key 'descripton' in query 'q' (did you mean 'description'?)", NULL },
	{ "T008", "defaults:\n  database: {prot: 3306}\ntenants:\n  acme:\n" DB, "acme",
	  "t.yaml:2:14: ", "unknown key 'prot' in database (did you mean 'port'?)", NULL },
	{ "T009", HEAD "    database: {host: h, name: n, user: u, zzzzzz: 1}\n", "acme",
	  "t.yaml:3:43: ", "unknown key 'zzzzzz' in database", NULL },

	/* ---- tools */
	{ "T010", HEAD DB "    enabled_tools: [get_invoicez]\n", "acme",
	  "t.yaml:4:21: ", "unknown tool 'get_invoicez'", NULL },
	{ "T011", HEAD DB "    enabled_tools: [get_contacts, get_contcts]\n", "acme",
	  "t.yaml:4:35: ", "unknown tool 'get_contcts' (did you mean 'get_contacts'?)", NULL },
	{ "T012", HEAD DB "    enabled_tools:\n      - get_contacts\n      - get_contacts\n", "acme",
	  "t.yaml:6:9: ", "duplicate tool 'get_contacts' in enabled_tools (first at line 5, column 9)",
	  NULL },

	/* ---- required fields */
	{ "T013", HEAD "    database: {name: n, user: u}\n", "acme",
	  "t.yaml:3:15: ", "tenant 'acme': database.host is required (or database.socket)", NULL },
	{ "T014", HEAD "    database:\n      host: h\n      user: u\n", "acme",
	  "t.yaml:4:7: ", "tenant 'acme': database.name is required", NULL },
	{ "T015", HEAD "    database: {host: h, name: n}\n", "acme",
	  "t.yaml:3:15: ", "tenant 'acme': database.user is required", NULL },
	{ "T016", HEAD "    business_type: general\n", "acme",
	  "t.yaml:2:3: ", "tenant 'acme': database is required", NULL },

	/* ---- wrong types and ranges */
	{ "T017", HEAD "    database: {host: h, name: n, user: u, port: \"abc\"}\n", "acme",
	  "t.yaml:3:49: ", "database.port must be an integer from 1 to 65535, got \"abc\"", NULL },
	{ "T018", HEAD "    database: {host: h, name: n, user: u, port: 0}\n", "acme",
	  "t.yaml:3:49: ", "database.port must be an integer from 1 to 65535, got \"0\"", NULL },
	{ "T019", HEAD "    database: {host: h, name: n, user: u, port: 70000}\n", "acme",
	  "t.yaml:3:49: ", "from 1 to 65535, got \"70000\"", NULL },
	{ "T020", HEAD "    database: {host: h, name: n, user: u, port: 3306.5}\n", "acme",
	  "t.yaml:3:49: ", "got \"3306.5\"", NULL },
	{ "T021", HEAD DB "    limits: {max_rows: 1.5}\n", "acme",
	  "t.yaml:4:24: ", "limits.max_rows must be an integer from 1 to 1000000, got \"1.5\"", NULL },
	{ "T022", HEAD DB "    limits: {max_rows: \"abc\"}\n", "acme",
	  "t.yaml:4:24: ", "limits.max_rows must be an integer from 1 to 1000000, got \"abc\"", NULL },
	{ "T023", HEAD DB "    limits: {max_rows: true}\n", "acme",
	  "t.yaml:4:24: ", "limits.max_rows must be an integer from 1 to 1000000, got \"true\"", NULL },
	{ "T024", HEAD DB "    limits:\n      max_bytes: 100\n", "acme",
	  "t.yaml:5:18: ", "limits.max_bytes must be an integer from 1024 to 67108864, got \"100\"", NULL },
	{ "T025", HEAD DB "    limits:\n      query_timeout_ms: 3600001\n", "acme",
	  "t.yaml:5:25: ", "limits.query_timeout_ms must be an integer from 1 to 3600000", NULL },

	/* ---- duplicates */
	{ "T026", "tenants:\n  acme:\n" DB "  demo:\n" DB "  acme:\n" DB, "acme",
	  "t.yaml:6:3: ", "duplicate tenant 'acme' (first at line 2, column 3)", NULL },
	{ "T027", HEAD "    database:\n      host: h\n      name: n\n      user: u\n      host: h2\n",
	  "acme", "t.yaml:7:7: ", "duplicate key 'host' (first at line 4, column 7)", NULL },

	/* ---- enumerations */
	{ "T028", HEAD DB "    business_type: retail\n", "acme", "t.yaml:4:20: ",
	  "business_type must be one of general, ecommerce, insurance, manufacturing, got \"retail\"",
	  NULL },
	{ "T029", HEAD "    database: {host: h, name: n, user: u, ssl_mode: sometimes}\n", "acme",
	  "t.yaml:3:53: ", "database.ssl_mode must be one of disabled, preferred, required, "
	  "verify_ca, verify_identity, got \"sometimes\"", NULL },

	/* ---- passwords */
	{ "T030", HEAD "    database:\n      host: h\n      name: n\n      user: u\n"
	  "      password: inl1ne\n      password_env: T_PW\n", "acme", "t.yaml:8:7: ",
	  "database.password_env: only one of password, password_env and password_file may be "
	  "given (password is at line 7, column 7)", NULL },
	{ "T031", HEAD "    database: {host: h, name: n, user: u, password_env: T_UNSET}\n", "acme",
	  "t.yaml:3:57: ", "environment variable T_UNSET is not set", NULL },
	{ "T032", "tenants:\n  acme:\n    database: {host: h, name: n, user: u, password_env: T_UNSET}\n"
	  "  demo:\n    database: {host: h, name: d, user: u}\n", "demo", NULL, NULL,
	  check_second_tenant },
	{ "T033", HEAD "    database: {host: h, name: n, user: u, password_file: @DIR@/nope}\n", "acme",
	  "t.yaml:3:58: ", "cannot read database.password_file @DIR@/nope: No such file or directory",
	  NULL },
	/* a FIFO once hung the loader forever: only regular files are read */
	{ "T090", HEAD "    database: {host: h, name: n, user: u, password_file: @DIR@/fifo}\n", "acme",
	  "t.yaml:3:58: ", "cannot read database.password_file @DIR@/fifo: Invalid argument", NULL },
	/* a password pasted into password_env or password_file is not echoed */
	{ "T091", HEAD "    database: {host: h, name: n, user: u, password_env: Zq9SECRETpw}\n", "acme",
	  "t.yaml:3:57: ", "the environment variable named by database.password_env of tenant "
	  "'acme' is not set (its name, not shown,", NULL },
	{ "T092", HEAD "    database: {host: h, name: n, user: u, password_file: Zq9SECRETpw}\n", "acme",
	  "t.yaml:3:58: ", "cannot read database.password_file (path not shown: it has no / or . "
	  "and may be a password): No such file or directory", NULL },

	/* ---- custom queries */
	{ "T034", HEAD DB "    queries:\n      - name: x\n        description: d\n"
	  "        sql: SELECT 1; DROP TABLE t\n", "acme", "t.yaml:7:14: ",
	  "query 'x': refused: DROP is not a read-only statement at offset 10", NULL },
	{ "T035", HEAD DB "    queries:\n      - name: x\n        description: d\n"
	  "        sql: SELECT * FROM t WHERE a = ? AND b = ?\n"
	  "        parameters: [{name: a, type: string}]\n", "acme", "t.yaml:7:14: ",
	  "query 'x' has 2 '?' placeholders but 1 parameter", NULL },
	{ "T036", HEAD DB "    queries:\n      - name: x\n        description: d\n"
	  "        sql: SELECT ?\n        parameters: [{name: a, type: text}]\n", "acme",
	  "t.yaml:8:38: ", "query 'x': parameter 'a': type must be one of string, integer, number, "
	  "boolean, date, datetime, got \"text\"", NULL },
	{ "T037", HEAD DB "    queries:\n      - name: x\n        description: d\n"
	  "        sql: SELECT ?\n        parameters: [{name: a, type: integer, default: abc}]\n",
	  "acme", "t.yaml:8:56: ",
	  "query 'x': parameter 'a': default must be an integer, got \"abc\"", NULL },

	/* ---- YAML itself */
	{ "T038", "tenants:\n  acme:\n\tdatabase: {}\n", "acme",
	  "t.yaml:3:1: ", "found character that cannot start any token", NULL },
	{ "T039", "tenants:\n  acme:\n" DB "  demo:\n" DB, "acmee",
	  "t.yaml:1:1: ", "unknown tenant 'acmee' (known: acme, demo)", NULL },
	{ "T040", "", "acme", "t.yaml:1:1: ", "the file is empty", NULL },
	{ "T041", "tenants: {}\n", "acme", "t.yaml:1:10: ", "no tenants are defined", NULL },
	{ "T042", "defaults: {limits: {max_rows: 5}}\n", "acme", "t.yaml:1:1: ",
	  "'tenants' is required", NULL },
	{ "T043", "defaults: &d {limits: {max_rows: 5}}\ntenants:\n  acme: *d\n", "acme",
	  "t.yaml:1:11: ", "YAML anchors and aliases are not supported", NULL },

	/* a typo in one tenant stops the launch of another */
	{ "T044", "tenants:\n  acme:\n" DB "  demo:\n    databse: {}\n", "acme",
	  "t.yaml:5:5: ", "unknown key 'databse' in tenant 'demo' (did you mean 'database'?)", NULL },
	{ "T045", "tenants:\n  a b:\n" DB, "a b", "t.yaml:2:3: ",
	  "tenant name 'a b' must be 1 to 64 characters from A-Z a-z 0-9 _ . -", NULL },
	{ "T046", HEAD "    database: [h, n, u]\n", "acme", "t.yaml:3:15: ",
	  "database must be a mapping, got a list", NULL },
	{ "T047", HEAD DB "    enabled_tools: get_contacts\n", "acme", "t.yaml:4:20: ",
	  "enabled_tools must be a list of tool names, got \"get_contacts\"", NULL },
	{ "T048", HEAD "    database: {host: h, name: n, user: u, charset: utf-8}\n", "acme",
	  "t.yaml:3:52: ", "database.charset must be a MySQL character set name", NULL },
	{ "T049", HEAD "    database: {host: h, name: n, user: u, connect_timeout_s: 0}\n", "acme",
	  "t.yaml:3:62: ", "database.connect_timeout_s must be an integer from 1 to 3600, got \"0\"",
	  NULL },
	{ "T050", HEAD DB "    queries:\n      - {name: get_contacts, description: d, sql: SELECT 1}\n",
	  "acme", "t.yaml:5:16: ", "query name 'get_contacts' is taken by a built-in tool", NULL },
	{ "T051", HEAD DB "    queries:\n      - {name: q, description: d, sql: SELECT 1}\n"
	  "      - {name: q, description: e, sql: SELECT 2}\n", "acme", "t.yaml:6:16: ",
	  "duplicate query name 'q' (first at line 5, column 16)", NULL },
	{ "T052", HEAD DB "    queries:\n      - {name: q, description: d}\n", "acme",
	  "t.yaml:5:9: ", "query 'q': sql is required", NULL },
	{ "T053", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters:\n          - {type: integer}\n", "acme",
	  "t.yaml:9:13: ", "query 'q': parameters[0]: name is required", NULL },
	{ "T054", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?, ?\n        parameters:\n          - {name: a, type: integer}\n"
	  "          - {name: a, type: string}\n", "acme", "t.yaml:10:20: ",
	  "query 'q': duplicate parameter 'a' (first at line 9, column 20)", NULL },
	{ "T055", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters:\n"
	  "          - {name: a, type: string, enum: [x, y], default: z}\n", "acme",
	  "t.yaml:9:60: ", "query 'q': parameter 'a': default \"z\" is not one of its enum values", NULL },
	{ "T056", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters:\n"
	  "          - {name: a, type: date, enum: [2024-01-31, 2024-02-30]}\n", "acme",
	  "t.yaml:9:54: ",
	  "query 'q': parameter 'a': an enum value must be a date (YYYY-MM-DD), got \"2024-02-30\"",
	  NULL },
	{ "T057", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters:\n          - {name: a, type: boolean, min: 0}\n",
	  "acme", "t.yaml:9:43: ",
	  "query 'q': parameter 'a': min does not apply to a boolean parameter", NULL },
	{ "T058", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters:\n"
	  "          - {name: a, type: integer, min: 1, max: 10, default: 11}\n", "acme",
	  "t.yaml:9:64: ", "query 'q': parameter 'a': default must be from 1 to 10, got \"11\"", NULL },
	{ "T059", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters:\n"
	  "          - {name: a, type: integer, required: true, default: 1}\n", "acme",
	  "t.yaml:9:63: ", "a required parameter cannot have a default", NULL },

	/* ---- defaults: errors at the position written in defaults */
	{ "T060", "defaults:\n  limits:\n    max_rows: 0\ntenants:\n  acme:\n" DB, "acme",
	  "t.yaml:3:15: ", "limits.max_rows must be an integer from 1 to 1000000, got \"0\"", NULL },
	{ "T061", "defaults:\n  enabled_tools: [get_contact]\ntenants:\n  acme:\n" DB, "acme",
	  "t.yaml:2:19: ", "unknown tool 'get_contact' (did you mean 'get_contacts'?)", NULL },
	{ "T062", HEAD DB "    allowed_functions: [fn_ok, fn-bad]\n", "acme", "t.yaml:4:32: ",
	  "allowed_functions: \"fn-bad\" is not a function name", NULL },
	{ "T063", HEAD DB "    schema:\n      contacts: {table: \"\"}\n", "acme", "t.yaml:5:25: ",
	  "schema.contacts.table must not be empty", NULL },
	{ "T064", HEAD DB "    schema:\n      invoice: {table: x}\n", "acme", "t.yaml:5:7: ",
	  "unknown key 'invoice' in schema (did you mean 'invoices'?)", NULL },
	{ "T065", "tenants:\n  acme:\n" DB "---\ntenants: {}\n", "acme", "t.yaml:4:1: ",
	  "only one YAML document is allowed", NULL },
	{ "T066", HEAD "    database: {host: h, name: n, user: u, password: [inl1ne]}\n", "acme",
	  "t.yaml:3:53: ", "database.password must be a string, got a list", NULL },
	{ "T067", HEAD "    database: {host: !!str h, name: n, user: u}\n", "acme", "t.yaml:3:22: ",
	  "YAML tags such as 'tag:yaml.org,2002:str' are not supported", NULL },
	{ "T068", HEAD "    database: {host: h, name: n, user: u, password_env: 1ABC}\n", "acme",
	  "t.yaml:3:57: ", "database.password_env must be the name of an environment variable", NULL },
	{ "T069", HEAD "    database: {host: h, name: n, user: u, ssl_ca: @DIR@/no-ca.pem}\n", "acme",
	  "t.yaml:3:51: ", "cannot read database.ssl_ca @DIR@/no-ca.pem: No such file or directory",
	  NULL },
	{ "T070", HEAD "    database: {host: null, name: n, user: u}\n", "acme", "t.yaml:3:22: ",
	  "database.host must be a string, got null", NULL },
	{ "T071", "- acme\n- demo\n", "acme", "t.yaml:1:1: ",
	  "the top level must be a mapping with 'tenants'", NULL },
	{ "T072", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters: [{name: a, type: boolean, default: yes}]\n",
	  "acme", "t.yaml:8:56: ", "default must be true or false, got \"yes\"", NULL },
	{ "T073", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters: [{name: a, type: datetime, default: \"2024-01-01 25:00:00\"}]\n",
	  "acme", "t.yaml:8:57: ",
	  "default must be a date and time (YYYY-MM-DD HH:MM:SS), got \"2024-01-01 25:00:00\"", NULL },
	{ "T074", "tenants:\n  acme:\n    database: {host: \xff}\n", "acme", "t.yaml:3:22: ",
	  "invalid leading UTF-8 octet", NULL },
	{ "T075", HEAD "    database:\n      host: h\n      name: n\n      user: u\n"
	  "      password_file: /x\n      password: inl1ne\n", "acme", "t.yaml:8:7: ",
	  "database.password: only one of password, password_env and password_file", NULL },
	{ "T076", "tenants:\n  acme:\n" DB "  demo: ~\n", "acme", "t.yaml:4:9: ",
	  "tenant 'demo' must be a mapping, got null", NULL },
	{ "T077", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters: [{name: 1a, type: string}]\n", "acme",
	  "t.yaml:8:29: ", "query 'q': parameter name \"1a\" must match [A-Za-z_][A-Za-z0-9_]{0,63}",
	  NULL },
	{ "T078", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters: [{name: a, type: string, min: 3, max: 2}]\n",
	  "acme", "t.yaml:8:59: ", "query 'q': parameter 'a': max 2 is less than min 3", NULL },
	{ "T079", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters: [{name: a, type: string, max: 2.5}]\n",
	  "acme", "t.yaml:8:51: ", "max of a string parameter is a length", NULL },
	{ "T080", HEAD DB "    queries:\n      - name: q\n        sql: SELECT 1\n", "acme",
	  "t.yaml:5:9: ", "query 'q': description is required", NULL },
	{ "T081", HEAD DB "    queries: {name: q}\n", "acme", "t.yaml:4:14: ",
	  "queries must be a list of queries, got a mapping", NULL },
	{ "T082", "tenants:\n  acme:\n    database: {host: h, name: n, user: u\n", "acme",
	  "t.yaml:4:1: ", "did not find expected ',' or '}' (while parsing a flow mapping at line 3, "
	  "column 15)", NULL },
	{ "T083", "defaults:\n  database: {host: h, user: u, port: 3307, hots: x}\ntenants:\n  acme:\n"
	  "    database: {name: n}\n", "acme", "t.yaml:2:44: ",
	  "unknown key 'hots' in database (did you mean 'host'?)", NULL },
	{ "T084", HEAD "    database: {host: h, name: n, user: u, port: \"03306\"}\n", "acme",
	  "t.yaml:3:49: ", "got \"03306\"", NULL },
	{ "T085", HEAD DB "    enabled_tools: [get_contacts, [x]]\n", "acme", "t.yaml:4:35: ",
	  "a tool name in enabled_tools must be a string, got a list", NULL },
	{ "T086", HEAD DB "    queries:\n      - name: q\n        description: d\n"
	  "        sql: SELECT ?\n        parameters: [{name: a, type: integer, min: 5, default: 2}]\n",
	  "acme", "t.yaml:8:64: ", "default must be at least 5, got \"2\"", NULL },
	{ "T087", HEAD DB "    queries:\n      - name: \"bad name\"\n        description: d\n"
	  "        sql: SELECT 1\n", "acme", "t.yaml:5:15: ",
	  "query name \"bad name\" must be 1 to 64 characters", NULL },
	{ "T088", HEAD DB "    allowed_functions: [fn_a, FN_A]\n", "acme", "t.yaml:4:31: ",
	  "duplicate function 'FN_A' in allowed_functions (first at line 4, column 25)", NULL },
	{ "T089", HEAD DB "    enabled_tools: [get_contacts]\n    enabled_tools: []\n", "acme",
	  "t.yaml:5:5: ", "duplicate key 'enabled_tools' (first at line 4, column 5)", NULL },

	/* ---- success */
	{ "T100", HEAD DB, "acme", NULL, NULL, check_all_defaults },
	{ "T101", "defaults:\n  limits: {max_rows: 100}\n"
	  "  database: {host: shared-db, user: ro, port: 3307, ssl_mode: required}\n"
	  "  schema: {invoices: {table: inv, number: num}}\n"
	  "tenants:\n  acme:\n    limits: {query_timeout_ms: 2000}\n    database: {name: acme_db}\n"
	  "    schema:\n      invoices: {number: \"no\"}\n", "acme", NULL, NULL, check_deep_merge },
	{ "T102", HEAD DB "    business_type: general\n", "acme", NULL, NULL, check_preset_general },
	{ "T103", HEAD DB "    business_type: ecommerce\n", "acme", NULL, NULL, check_preset_ecommerce },
	{ "T104", HEAD DB "    business_type: insurance\n", "acme", NULL, NULL, check_preset_insurance },
	{ "T105", HEAD DB "    business_type: manufacturing\n", "acme", NULL, NULL,
	  check_preset_manufacturing },
	{ "T106", HEAD DB "    business_type: general\n    enabled_tools: [get_contacts, execute_safe_query]\n",
	  "acme", NULL, NULL, check_override },
	{ "T107", HEAD "    database: {\"host\": \"db\", \"port\": \"3306\", \"name\": \"acme\", \"user\": \"ro\", "
	  "\"password\": \"x\", \"ssl_mode\": \"VERIFY_IDENTITY\", \"connect_timeout_s\": \"7\"}\n"
	  "    enabled_tools: [\"get_all_invoices\", \"get_contacts\"]\n", "acme", NULL, NULL,
	  check_pasted },
	{ "T108", HEAD "    database: {host: h, name: n, user: u, password_env: T_PW}\n", "acme", NULL,
	  NULL, check_pw_env },
	{ "T109", HEAD "    database: {host: h, name: n, user: u, password_file: @DIR@/pw}\n", "acme",
	  NULL, NULL, check_pw_file },
	{ "T110", HEAD "    database: {host: h, name: n, user: u, password_file: @DIR@/pw_crlf}\n",
	  "acme", NULL, NULL, check_pw_crlf },
	{ "T111", HEAD "    database: {host: h, name: n, user: u, password_file: @DIR@/pw_two}\n",
	  "acme", NULL, NULL, check_pw_two_newlines },
	{ "T112", HEAD "    database: {socket: /run/mysqld/mysqld.sock, name: n, user: u}\n", "acme",
	  NULL, NULL, check_socket },
	{ "T113", HEAD "    database: {host: h, name: n, user: u, ssl_mode: Verify_CA, ssl_ca: /dev/null, "
	  "charset: latin1}\n", "acme", NULL, NULL, check_verify_ca },
	{ "T114", HEAD DB "    allowed_functions: [fn_a, fn$b]\n    queries:\n"
	  "      - name: overdue\n        description: Overdue invoices.\n"
	  "        sql: SELECT * FROM inv WHERE due < ? AND total >= ? AND kind = ?\n"
	  "        parameters:\n"
	  "          - {name: as_of, type: date, required: true, description: The day.}\n"
	  "          - {name: min_total, type: number, default: 0.5, min: 0, max: 100.25}\n"
	  "          - {name: kind, type: string, enum: [a, bb], default: bb, max: 2}\n"
	  "      - {name: all.v2, description: All., sql: SELECT 1}\n", "acme", NULL, NULL,
	  check_queries },
	{ "T115", "tenants:\n  acme:\n    database: {host: h, name: n, user: u, password_env: T_UNSET}\n",
	  NULL, NULL, NULL, NULL },
	{ "T116", "defaults:\n  database: {password_env: T_UNSET}\ntenants:\n  acme:\n"
	  "    database: {host: h, name: n, user: u, password: inl1ne}\n", "acme", NULL, NULL,
	  check_pw_inline },
	{ "T117", HEAD DB "    business_type: Manufacturing\n    enabled_tools: []\n", "acme", NULL,
	  NULL, check_empty_tools },
	{ "T118", "defaults:\n  enabled_tools: [get_all_invoices, get_latest_invoice]\n"
	  "  allowed_functions: [fn_d]\ntenants:\n  acme:\n" DB
	  "    enabled_tools: [get_contacts]\n    allowed_functions: [fn_t]\n", "acme", NULL, NULL,
	  check_list_replaces },
	{ "T119", "defaults:\n  business_type: general\ntenants:\n  acme:\n" DB, "acme", NULL, NULL,
	  check_preset_general },
	{ "T120", HEAD "    database: {host: h, name: n, user: u, ssl_mode: DISABLED}\n", "acme", NULL,
	  NULL, check_disabled },
	{ "T121", HEAD "    database: {host: h, name: n, user: u, password_env: T_EMPTY}\n", "acme",
	  NULL, NULL, check_pw_empty_env },
	{ "T122", HEAD DB "    schema:\n      invoices: {table: Rechnungen, number: Nr., date: Datum, "
	  "total: Summe, status: Status, customer: Kunde}\n"
	  "      invoice_items: {table: Positionen, invoice: Rechnung}\n"
	  "      contacts: {table: Kontakte, name: Name mit Leerzeichen, email: E-Mail, "
	  "phone: 2024, company: \"Firma`\"}\n", "acme", NULL, NULL, check_schema },
	{ "T123", "tenants:\n  acme:\n" DB "  demo:\n    database: {host: h, name: d, user: u}\n",
	  "demo", NULL, NULL, check_second_tenant },
	{ "T124", "# comment\ntenants:\n  acme:\n    database:\n      host: h\n"
	  "      name: datenbank_\xc3\xbc\n      user: u\n", "acme", NULL, NULL, check_demo_utf8 },
	/* a default password source is dropped when the tenant names another one */
	{ "T125", "defaults:\n  database: {password: inl1ne}\ntenants:\n  acme:\n"
	  "    database: {host: h, name: n, user: u, password_env: T_PW}\n", "acme", NULL, NULL,
	  check_pw_env },
};

/* The case's text with @DIR@ replaced; caller frees. */
static char *
expand(const char *s)
{
	size_t len = strlen(s) + 1, dl = strlen(tmpdir), o = 0;
	char *out = NULL;
	const char *p;

	for (p = s; (p = strstr(p, "@DIR@")) != NULL; p += 5)
		len += dl;
	out = malloc(len);
	assert_non_null(out);
	while (*s != '\0') {
		if (strncmp(s, "@DIR@", 5) == 0) {
			memcpy(out + o, tmpdir, dl);
			o += dl;
			s += 5;
		} else {
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
	return out;
}

/* On a mismatch: the text at the position the message names, to judge it by. */
static void
show_position(const char *yaml, const char *msg)
{
	unsigned line = 0, col = 0, l = 1, c = 1;
	const char *p = yaml;

	if (sscanf(msg, "t.yaml:%u:%u:", &line, &col) != 2)
		return;
	for (; *p != '\0' && (l < line || c < col); p++) {
		if (*p == '\n') {
			if (l == line)
				break;
			l++;
			c = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			c++;
		}
	}
	print_error("    the message points at: %.*s\n", (int)strcspn(p, "\n"), p);
}

static void
run_case(void **state)
{
	const struct tcase *c = *state;
	struct tenant *t = NULL;
	struct tenant_err err;
	char *yaml = expand(c->yaml);
	char *pos = c->pos != NULL ? expand(c->pos) : NULL;
	char *sub = c->sub != NULL ? expand(c->sub) : NULL;
	int rc;

	memset(&err, 'x', sizeof(err));
	rc = tenant_load_mem(yaml, strlen(yaml), "t.yaml", c->tenant, &hooks, &t, &err);
	if (pos == NULL) {
		if (rc != 0)
			print_error("%s: unexpected error: %s\n", c->id, err.msg);
		assert_int_equal(rc, 0);
		if (c->tenant == NULL) {
			assert_null(t);
		} else {
			assert_non_null(t);
			assert_string_equal(t->name, c->tenant);
		}
		if (c->check != NULL)
			c->check(t);
	} else {
		assert_int_equal(rc, -1);
		assert_null(t);
		if (strncmp(err.msg, pos, strlen(pos)) != 0 || strstr(err.msg, sub) == NULL) {
			print_error("%s: got      %s\n%s: expected %s...%s\n", c->id, err.msg, c->id,
			    pos, sub);
			show_position(yaml, err.msg);
		}
		assert_memory_equal(err.msg, pos, strlen(pos));
		assert_non_null(strstr(err.msg, sub));
		/* one line, and never a password */
		assert_null(strchr(err.msg, '\n'));
		assert_null(strstr(err.msg, "inl1ne"));
		assert_null(strstr(err.msg, "s3cret"));
		assert_null(strstr(err.msg, "hunter2"));
	}
	tenant_free(t);
	free(sub);
	free(pos);
	free(yaml);
}

/* ------------------------------------------------------ the other tests */

static void
write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void
test_presets(void **state)
{
	const char *const *p;

	(void)state;
	p = tenant_preset("general");
	assert_non_null(p);
	assert_string_equal(p[0], "get_all_invoices");
	assert_string_equal(p[3], "search_customer_data");
	assert_null(p[4]);
	p = tenant_preset("manufacturing");
	assert_string_equal(p[3], "get_customer_table_sample");
	assert_null(p[4]);
	assert_non_null(tenant_preset("ecommerce"));
	assert_non_null(tenant_preset("insurance"));
	assert_null(tenant_preset("retail"));
	assert_null(tenant_preset(""));
	assert_null(tenant_preset(NULL));
	tenant_free(NULL);
}

static void
test_missing_file(void **state)
{
	struct tenant *t = NULL;
	struct tenant_err err;

	(void)state;
	assert_int_equal(tenant_load("/nonexistent/tenants.yaml", "acme", &hooks, &t, &err), -1);
	assert_null(t);
	assert_string_equal(err.msg,
	    "cannot read /nonexistent/tenants.yaml: No such file or directory");
}

/* tenant_load reads the file; a relative password_file starts at its folder. */
static void
test_load_file_relative(void **state)
{
	char path[512];
	struct tenant *t = NULL;
	struct tenant_err err;

	(void)state;
	write_file("rel.yaml", "tenants:\n  acme:\n"
	    "    database: {host: h, name: n, user: u, password_file: pw}\n"
	    "    queries:\n      - {name: q, description: d, sql: SELECT 1}\n"
	    "    limits: {max_rows: oops}\n");
	snprintf(path, sizeof(path), "%s/rel.yaml", tmpdir);
	assert_int_equal(tenant_load(path, "acme", &hooks, &t, &err), -1);
	assert_true(strncmp(err.msg, path, strlen(path)) == 0);
	assert_non_null(strstr(err.msg, ":6:24: limits.max_rows must be an integer"));

	write_file("rel.yaml", "tenants:\n  acme:\n"
	    "    database: {host: h, name: n, user: u, password_file: pw}\n");
	assert_int_equal(tenant_load(path, "acme", &hooks, &t, &err), 0);
	assert_non_null(t);
	assert_string_equal(t->db.password, "hunter2");
	tenant_free(t);
}

/* NULL hooks: every tool is known, no SQL is checked, built-in names stay reserved. */
static void
test_null_hooks(void **state)
{
	static const char ok[] = "tenants:\n  acme:\n" DB
	    "    enabled_tools: [some_future_tool]\n"
	    "    queries:\n      - {name: q, description: d, sql: DROP TABLE x}\n";
	static const char taken[] = "tenants:\n  acme:\n" DB
	    "    queries:\n      - {name: get_latest_invoice, description: d, sql: SELECT 1}\n";
	struct tenant *t = NULL;
	struct tenant_err err;

	(void)state;
	assert_int_equal(tenant_load_mem(ok, strlen(ok), "t.yaml", "acme", NULL, &t, &err), 0);
	assert_string_equal(t->tools[0], "some_future_tool");
	tenant_free(t);
	assert_int_equal(tenant_load_mem(taken, strlen(taken), NULL, "acme", NULL, &t, &err), -1);
	assert_string_equal(err.msg,
	    "<memory>:5:16: query name 'get_latest_invoice' is taken by a built-in tool");
}

/* Deep nesting is refused, not a stack overflow. */
static void
test_deep_nesting(void **state)
{
	char text[4096];
	struct tenant *t = NULL;
	struct tenant_err err;
	size_t i, o = 0;

	(void)state;
	o += (size_t)snprintf(text, sizeof(text), "tenants: ");
	for (i = 0; i < 1000; i++)
		text[o++] = '[';
	text[o] = '\0';
	assert_int_equal(tenant_load_mem(text, o, "t.yaml", "acme", &hooks, &t, &err), -1);
	assert_non_null(strstr(err.msg, "nested deeper than 64 levels"));
}

/*
 * The path of tenants.example.yaml in the source tree: $SAIA_SOURCE_ROOT,
 * then the SAIA_SOURCE_ROOT define, then __FILE__ (meson passes it relative
 * to the build dir, the tests' cwd), then ../tenants.example.yaml and kin.
 */
static const char *
example_path(void)
{
	static const char *const tries[] = {
		"../tenants.example.yaml", "tenants.example.yaml", "../../tenants.example.yaml",
		NULL,
	};
	static char buf[1024];
	const char *root = getenv("SAIA_SOURCE_ROOT");
	char *tail = NULL;
	size_t i;

	if (root != NULL) {
		snprintf(buf, sizeof(buf), "%s/tenants.example.yaml", root);
		return buf;
	}
#ifdef SAIA_SOURCE_ROOT
	snprintf(buf, sizeof(buf), "%s/tenants.example.yaml", SAIA_SOURCE_ROOT);
	if (access(buf, R_OK) == 0)
		return buf;
#endif
	snprintf(buf, sizeof(buf), "%s", __FILE__);
	if ((tail = strstr(buf, "tests/unit/test_tenant.c")) != NULL) {
		snprintf(tail, sizeof(buf) - (size_t)(tail - buf), "tenants.example.yaml");
		if (access(buf, R_OK) == 0)
			return buf;
	}
	for (i = 0; tries[i] != NULL; i++)
		if (access(tries[i], R_OK) == 0)
			return tries[i];
	return tries[0];
}

static void
test_example_file(void **state)
{
	static const char *const demo_tools[] = {
		"test_customer_database_connection", "list_customer_tables",
		"describe_customer_table", "get_customer_table_sample",
		"count_customer_table_rows", "get_database_overview",
		"get_comprehensive_database_overview", "search_customer_data", "get_all_invoices",
		"get_invoice_count", "get_invoice_by_number", "get_latest_invoice", "get_contacts",
		"execute_safe_query", NULL,
	};
	const char *path = example_path();
	struct tenant *t = NULL;
	struct tenant_err err;

	(void)state;
	setenv("SAIA_DEMO_PASSWORD", "demo-pw", 1);
	if (tenant_load(path, "demo", &hooks, &t, &err) != 0)
		print_error("%s\n", err.msg);
	assert_non_null(t);
	assert_string_equal(t->name, "demo");
	assert_string_equal(t->business_type, "general");
	assert_false(t->tools_from_preset);
	assert_tools(t, demo_tools);
	assert_string_equal(t->db.host, "127.0.0.1");
	assert_int_equal(t->db.port, 23306);
	assert_string_equal(t->db.name, "saia_demo");
	assert_string_equal(t->db.user, "saia_ro");
	assert_string_equal(t->db.password, "demo-pw");
	assert_int_equal(t->db.ssl_mode, TENANT_SSL_DISABLED);
	assert_int_equal(t->db.connect_timeout_s, 5);
	assert_string_equal(t->db.charset, "utf8mb4");
	assert_null(t->db.socket);
	assert_int_equal(t->limits.max_rows, 500);
	assert_int_equal(t->n_queries, 0);
	tenant_free(t);

	/* the whole file checks; the pasted tenant loads */
	assert_int_equal(tenant_load(path, NULL, &hooks, &t, &err), 0);
	assert_null(t);
	setenv("PASTED_DB_PASSWORD", "p", 1);
	assert_int_equal(tenant_load(path, "pasted", &hooks, &t, &err), 0);
	assert_int_equal(t->db.port, 3306);
	assert_int_equal(t->db.ssl_mode, TENANT_SSL_REQUIRED);
	assert_int_equal(t->n_tools, 2);
	tenant_free(t);
}

/* Read a whole file into a new string, or fail the test. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	text = malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	text[size] = '\0';
	fclose(f);
	return text;
}

/* Replace the first from in *text by to (a new string). */
static void
replace(char **text, const char *from, const char *to)
{
	char *at = strstr(*text, from), *out = NULL;
	size_t head;

	assert_non_null(at);
	head = (size_t)(at - *text);
	out = malloc(strlen(*text) - strlen(from) + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, *text, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	free(*text);
	*text = out;
}

/*
 * acme in the example shows every key: with its secret and CA paths pointed
 * at files that exist here, each value arrives as documented.
 */
static void
test_example_acme(void **state)
{
	static const char *const tools[] = {
		"get_all_invoices", "get_invoice_count", "get_invoice_by_number",
		"get_latest_invoice", "get_contacts", "search_customer_data",
		"test_customer_database_connection", NULL,
	};
	const char *path = example_path();
	char pw[512];
	char *text = NULL;
	struct tenant *t = NULL;
	struct tenant_err err;
	const struct tenant_query *q;

	(void)state;
	/* as shipped: /run/secrets/acme_db does not exist here, and the message says so */
	assert_int_equal(tenant_load(path, "acme", &hooks, &t, &err), -1);
	assert_non_null(strstr(err.msg, "cannot read database.password_file /run/secrets/acme_db: "));

	text = slurp(path);
	snprintf(pw, sizeof(pw), "%s/pw", tmpdir);
	replace(&text, "/run/secrets/acme_db", pw);
	replace(&text, "/etc/ssl/certs/ca-certificates.crt", pw);
	if (tenant_load_mem(text, strlen(text), "example", "acme", &hooks, &t, &err) != 0)
		print_error("%s\n", err.msg);
	assert_non_null(t);
	assert_string_equal(t->business_type, "insurance");
	assert_false(t->tools_from_preset);
	assert_tools(t, tools);
	assert_string_equal(t->db.host, "db.acme.internal");
	assert_int_equal(t->db.port, 3306);
	assert_string_equal(t->db.socket, "/run/mysqld/mysqld.sock");
	assert_string_equal(t->db.name, "acme_business");
	assert_string_equal(t->db.user, "acme_readonly");
	assert_string_equal(t->db.password, "hunter2");
	assert_string_equal(t->db.charset, "utf8mb4");
	assert_int_equal(t->db.ssl_mode, TENANT_SSL_VERIFY_IDENTITY);
	assert_string_equal(t->db.ssl_ca, pw);
	assert_int_equal(t->db.connect_timeout_s, 10);
	assert_int_equal(t->limits.max_rows, 200);			/* tenant */
	assert_int_equal(t->limits.max_bytes, 1048576);		/* defaults */
	assert_int_equal(t->limits.query_timeout_ms, 5000);		/* tenant */
	assert_string_equal(t->schema.invoices.customer, "customer_id");
	assert_string_equal(t->schema.invoice_items.invoice, "invoice_id");
	assert_string_equal(t->schema.contacts.company, "company");
	assert_int_equal(t->n_allowed_functions, 1);
	assert_string_equal(t->allowed_functions[0], "fn_customer_balance");
	assert_int_equal(t->n_queries, 3);
	q = &t->queries[0];
	assert_string_equal(q->name, "overdue_invoices");
	assert_int_equal(q->n_params, 2);
	assert_int_equal(q->params[0].type, TENANT_P_DATE);
	assert_true(q->params[0].required);
	assert_int_equal(q->params[1].type, TENANT_P_NUMBER);
	assert_string_equal(q->params[1].default_value, "0");
	assert_non_null(strstr(q->sql, "FROM invoices WHERE due_date < ?"));
	q = &t->queries[2];
	assert_int_equal(q->params[0].n_enum, 4);
	assert_string_equal(q->params[0].default_value, "sent");
	tenant_free(t);
	free(text);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_tenant.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	write_file("pw", "hunter2\n");
	write_file("pw_crlf", "abc\r\n");
	write_file("pw_two", "x\n\n");
	{
		char fifo[512];

		snprintf(fifo, sizeof(fifo), "%s/fifo", tmpdir);
		if (mkfifo(fifo, 0600) != 0)
			return -1;
	}
	setenv("T_PW", "s3cret", 1);
	setenv("T_EMPTY", "", 1);
	unsetenv("T_UNSET");
	return 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = { "pw", "pw_crlf", "pw_two", "rel.yaml", "fifo", NULL };
	char path[512];
	size_t i;

	(void)state;
	for (i = 0; names[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	rmdir(tmpdir);
	return 0;
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_load_file_relative),
		cmocka_unit_test(test_null_hooks),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_example_acme),
	};
	size_t n_cases = sizeof(cases) / sizeof(cases[0]);
	size_t n_fixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests = calloc(n_cases + n_fixed, sizeof(*tests));
	size_t i;
	int rc;

	if (tests == NULL)
		return 1;
	for (i = 0; i < n_cases; i++) {
		tests[i].name = cases[i].id;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	for (i = 0; i < n_fixed; i++)
		tests[n_cases + i] = fixed[i];
	rc = _cmocka_run_group_tests("tenant", tests, n_cases + n_fixed, setup, teardown);
	free(tests);
	return rc;
}
