/*
 * The schema tools: connection test, table list, table description,
 * sample rows, exact row count, and the database overview (CONTRACT
 * section 4).  They read information_schema for the tenant's own database
 * only, check every table name against it, and quote it as an identifier.
 * Also the --check report, which shares the connection test's logic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tenant.h"
#include "tool_int.h"
#include "tool_mapping.h"
#include "tool_rows.h"
#include "tool_value.h"

#define NO_ARGS "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}}"
#define TABLE_ARG \
    "\"table_name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64," \
    "\"description\":\"A table or view name exactly as list_customer_tables shows it.\"}"
#define MAX_TABLES 10000	/* catalog rows read at most per statement */

static struct tool_param
str_param(const char *s)
{
	struct tool_param p = { .type = TOOL_P_STRING, .s = s, .len = strlen(s) };
	return p;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- can the account write? ---- */

/* Privileges that cannot change data or run code that could. */
static const char *const readonly_privs[] = {
	"USAGE", "SELECT", "SHOW VIEW", "SHOW DATABASES", "PROCESS", "REPLICATION CLIENT",
	"BINLOG MONITOR", "SLAVE MONITOR", "REPLICA MONITOR", NULL
};

static bool
priv_readonly(const char *p)
{
	size_t i;

	for (i = 0; readonly_privs[i] != NULL; i++)
		if (strcasecmp(readonly_privs[i], p) == 0)
			return true;
	return false;
}

/*
 * Judge the account's own privileges, from the information_schema
 * privilege views (not SHOW GRANTS, which also shows the password hash,
 * and which the guard therefore refuses).  Sets *can_write and writes the
 * write privileges found, and where, into what.  Returns 0, or -1 with err.
 */
static int
account_can_write(struct tool_db *db, bool *can_write, char *what, size_t what_size,
    struct tool_err *err)
{
	static const char sql[] =
	    "SELECT p.PRIVILEGE_TYPE, p.OBJ FROM ("
	    "SELECT GRANTEE, PRIVILEGE_TYPE, '*.*' AS OBJ FROM information_schema.USER_PRIVILEGES"
	    " UNION ALL SELECT GRANTEE, PRIVILEGE_TYPE, CONCAT(TABLE_SCHEMA, '.*')"
	    " FROM information_schema.SCHEMA_PRIVILEGES"
	    " UNION ALL SELECT GRANTEE, PRIVILEGE_TYPE, CONCAT(TABLE_SCHEMA, '.', TABLE_NAME)"
	    " FROM information_schema.TABLE_PRIVILEGES"
	    " UNION ALL SELECT GRANTEE, PRIVILEGE_TYPE, CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, '.',"
	    " COLUMN_NAME) FROM information_schema.COLUMN_PRIVILEGES) AS p"
	    " WHERE p.GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',"
	    " SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')"
	    " ORDER BY p.OBJ, p.PRIVILEGE_TYPE";
	struct tool_table tab;
	size_t r, n = 0, shown = 0;
	const char *obj = NULL;

	*can_write = false;
	*what = '\0';
	if (tool_db_table(db, sql, NULL, 0, 10000, &tab, err) != 0)
		return -1;
	for (r = 0; r < tab.nrows; r++) {
		const char *priv = tool_cell(&tab, r, 0);

		if (priv == NULL || priv_readonly(priv))
			continue;
		if (!*can_write) {
			*can_write = true;
			obj = tool_cell(&tab, r, 1);
		}
		/* The privileges on the first object that has any (8 at most). */
		if (obj != NULL && tool_cell(&tab, r, 1) != NULL &&
		    strcmp(obj, tool_cell(&tab, r, 1)) == 0 && shown < 8 && n < what_size) {
			n += (size_t)snprintf(what + n, what_size - n, "%s%s", shown ? ", " : "", priv);
			shown++;
		}
	}
	if (*can_write && n < what_size)
		snprintf(what + n, what_size - n, "%s on %s", shown == 8 ? ", ..." : "",
		    obj != NULL ? obj : "?");
	tool_table_free(&tab);
	return 0;
}

/* ---- test_customer_database_connection ---- */

struct conn_facts {
	char version[128], database[72], user[200], tls[96], write_what[512];
	char others[400];	/* "" or: the other databases the account sees, listed */
	bool can_write;
	double latency_ms;
};

/* "3 (a, b, c)": the other databases the account can see, 5 named at most. */
static void
others_list(const struct tool_db *db, char *buf, size_t size)
{
	const char *const *v;
	size_t i, n, len;

	*buf = '\0';
	v = tool_db_other_databases(db, &n);
	if (n == 0)
		return;
	len = (size_t)snprintf(buf, size, "%zu (", n);
	for (i = 0; i < n && i < 5 && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", v[i]);
	if (len < size)
		snprintf(buf + len, size - len, "%s)", n > 5 ? ", ..." : "");
}

static int
conn_facts(struct tool_db *db, struct conn_facts *f, struct tool_err *err)
{
	struct tool_table tab;
	struct timespec t0;

	memset(f, 0, sizeof(*f));
	if (tool_db_connect(db, err) != 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (tool_db_table(db, "SELECT VERSION(), DATABASE(), CURRENT_USER()", NULL, 0, 1,
	    &tab, err) != 0)
		return -1;
	f->latency_ms = ms_since(&t0);
	if (tab.nrows == 1) {
		snprintf(f->version, sizeof(f->version), "%s",
		    tool_cell(&tab, 0, 0) ? tool_cell(&tab, 0, 0) : "");
		snprintf(f->database, sizeof(f->database), "%s",
		    tool_cell(&tab, 0, 1) ? tool_cell(&tab, 0, 1) : "");
		snprintf(f->user, sizeof(f->user), "%s",
		    tool_cell(&tab, 0, 2) ? tool_cell(&tab, 0, 2) : "");
	}
	tool_table_free(&tab);
	snprintf(f->tls, sizeof(f->tls), "%s", tool_db_tls(db));
	others_list(db, f->others, sizeof(f->others));
	return account_can_write(db, &f->can_write, f->write_what, sizeof(f->write_what), err);
}

/* The warning for an account that sees other databases, into buf; false when none. */
static bool
others_warning(const struct conn_facts *f, char *buf, size_t size)
{
	if (*f->others == '\0')
		return false;
	snprintf(buf, size, "the account can see other databases: %s; the guard refuses them,"
	    " but grant it SELECT on %s only", f->others, f->database);
	return true;
}

/* One more string in a JSON array being written; *n counts them for the commas. */
static void
put_warning(struct tbuf *b, int *n, const char *text)
{
	if ((*n)++ > 0)
		tbuf_putc(b, ',');
	tbuf_json_cstr(b, text);
}

static int
run_test_connection(struct tool_call *c)
{
	struct conn_facts f;
	const struct tenant *t = c->tenant;
	char w[700];
	int nw = 0;
	bool local;

	if (conn_facts(c->db, &f, c->err) != 0)
		return -1;
	local = t->db.host == NULL || strcmp(t->db.host, "localhost") == 0 ||
	    strncmp(t->db.host, "127.", 4) == 0 || strcmp(t->db.host, "::1") == 0;
	tbuf_puts(c->out, "{\"ok\":true,\"server_version\":");
	tbuf_json_cstr(c->out, f.version);
	tbuf_puts(c->out, ",\"server_flavor\":");
	tbuf_json_cstr(c->out, tool_db_is_mariadb(c->db) ? "mariadb" : "mysql");
	tbuf_puts(c->out, ",\"database\":");
	tbuf_json_cstr(c->out, f.database);
	tbuf_puts(c->out, ",\"user\":");
	tbuf_json_cstr(c->out, f.user);
	tbuf_printf(c->out, ",\"latency_ms\":%.3f,\"tls\":", f.latency_ms);
	tbuf_json_cstr(c->out, f.tls);
	tbuf_printf(c->out, ",\"can_write\":%s,\"warnings\":[", f.can_write ? "true" : "false");
	if (f.can_write) {
		snprintf(w, sizeof(w), "the account can change data (%s); grant it SELECT only",
		    f.write_what);
		put_warning(c->out, &nw, w);
	}
	if (others_warning(&f, w, sizeof(w)))
		put_warning(c->out, &nw, w);
	if (strcmp(f.tls, "none") == 0 && !local)
		put_warning(c->out, &nw, "the connection to a remote database is not encrypted;"
		    " set ssl_mode: verify_identity");
	tbuf_puts(c->out, "]}");
	return 0;
}

const struct tool_def tool_def_test_connection = {
	.name = "test_customer_database_connection",
	.title = "Test the database connection",
	.description = "Connects to the customer's database and reports whether it works: server"
	    " version, database, account, round-trip latency, TLS, and whether the account could"
	    " change data (it should not). Use it first when other tools report the database as"
	    " unavailable.",
	.input_schema = NO_ARGS,
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"ok\":{\"type\":\"boolean\"},\"server_version\":{\"type\":\"string\"},"
	    "\"server_flavor\":{\"type\":\"string\",\"enum\":[\"mariadb\",\"mysql\"]},"
	    "\"database\":{\"type\":\"string\"},\"user\":{\"type\":\"string\"},"
	    "\"latency_ms\":{\"type\":\"number\"},\"tls\":{\"type\":\"string\"},"
	    "\"can_write\":{\"type\":\"boolean\"},"
	    "\"warnings\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
	    "\"required\":[\"ok\",\"server_version\",\"database\",\"user\",\"latency_ms\","
	    "\"tls\",\"can_write\",\"warnings\"]}",
	.run = run_test_connection,
};

int
tools_check(struct tools *reg, void *fp)
{
	/* --check: the same facts, printed for a person. */
	struct tool_db *db = tools_db_for_check(reg);
	const struct tenant *t = tool_db_tenant(db);
	struct conn_facts f;
	struct tool_err err;
	FILE *out = fp;
	char w[700];

	if (conn_facts(db, &f, &err) != 0) {
		fprintf(out, "tenant %s: %s\n", t->name, err.msg);
		return -1;
	}
	fprintf(out, "tenant %s: connected in %.1f ms (SELECT round trip)\n", t->name, f.latency_ms);
	fprintf(out, "  server:    %s (%s)\n", f.version, tool_db_is_mariadb(db) ? "MariaDB" : "MySQL");
	fprintf(out, "  database:  %s\n", f.database);
	fprintf(out, "  account:   %s\n", f.user);
	fprintf(out, "  tls:       %s\n", f.tls);
	fprintf(out, "  can write: %s%s%s\n", f.can_write ? "YES: " : "no",
	    f.can_write ? f.write_what : "", f.can_write ? " (grant SELECT only)" : "");
	if (others_warning(&f, w, sizeof(w)))
		fprintf(out, "  warning:   %s\n", w);
	/* The business tools' schema mapping (tool_mapping.c). */
	if (tool_map_print(db, out) != 0)
		return -1;
	/* An account that can write is a failed check: layer 3 is missing. */
	return f.can_write ? -1 : 0;
}

/* ---- list_customer_tables and get_database_overview ---- */

/*
 * Both answer {"database", "table_count", "tables": [...]} from one
 * catalog statement; list_customer_tables adds engine and comment,
 * get_database_overview the column count.
 */
static int
put_tables(struct tool_call *c, bool overview)
{
	struct tool_param p = str_param(tool_db_name(c->db));
	struct tool_table tab;
	size_t r;

	if (tool_db_table(c->db, "SELECT t.TABLE_NAME, t.TABLE_TYPE, t.ENGINE, t.TABLE_ROWS,"
	    " t.TABLE_COMMENT, COUNT(c.COLUMN_NAME) FROM information_schema.TABLES AS t"
	    " LEFT JOIN information_schema.COLUMNS AS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA"
	    " AND c.TABLE_NAME = t.TABLE_NAME WHERE t.TABLE_SCHEMA = ?"
	    " GROUP BY t.TABLE_NAME, t.TABLE_TYPE, t.ENGINE, t.TABLE_ROWS, t.TABLE_COMMENT"
	    " ORDER BY t.TABLE_NAME", &p, 1, MAX_TABLES, &tab, c->err) != 0)
		return -1;
	tbuf_puts(c->out, "{\"database\":");
	tbuf_json_cstr(c->out, tool_db_name(c->db));
	tbuf_printf(c->out, ",\"table_count\":%zu,\"tables\":[", tab.nrows);
	for (r = 0; r < tab.nrows; r++) {
		const char *type = tool_cell(&tab, r, 1);
		bool view = type != NULL && strstr(type, "VIEW") != NULL;

		if (r > 0)
			tbuf_putc(c->out, ',');
		tbuf_puts(c->out, "{\"name\":");
		tbuf_json_cstr(c->out, tool_cell(&tab, r, 0));
		tbuf_puts(c->out, view ? ",\"type\":\"view\"" : ",\"type\":\"table\"");
		if (!overview && !view && tool_cell(&tab, r, 2) != NULL) {
			tbuf_puts(c->out, ",\"engine\":");
			tbuf_json_cstr(c->out, tool_cell(&tab, r, 2));
		}
		if (!view) {
			tbuf_puts(c->out, ",\"rows_estimate\":");
			tval_int_text(c->out, tool_cell(&tab, r, 3));
		}
		if (overview) {
			tbuf_puts(c->out, ",\"column_count\":");
			tval_int_text(c->out, tool_cell(&tab, r, 5));
		} else {
			tbuf_puts(c->out, ",\"comment\":");
			tbuf_json_cstr(c->out, view || tool_cell(&tab, r, 4) == NULL ? "" :
			    tool_cell(&tab, r, 4));
		}
		tbuf_putc(c->out, '}');
	}
	tbuf_puts(c->out, "]}");
	tool_table_free(&tab);
	return 0;
}

static int
run_list_tables(struct tool_call *c)
{
	return put_tables(c, false);
}

const struct tool_def tool_def_list_tables = {
	.name = "list_customer_tables",
	.title = "List the tables",
	.description = "Lists the tables and views of the customer's database with their type,"
	    " storage engine, estimated row count and comment. Row counts are the server's"
	    " estimates; use count_customer_table_rows for an exact count.",
	.input_schema = NO_ARGS,
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"database\":{\"type\":\"string\"},\"table_count\":{\"type\":\"integer\"},"
	    "\"tables\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	    "\"name\":{\"type\":\"string\"},\"type\":{\"type\":\"string\",\"enum\":[\"table\",\"view\"]},"
	    "\"engine\":{\"type\":\"string\"},\"rows_estimate\":{\"type\":[\"integer\",\"string\"]},"
	    "\"comment\":{\"type\":\"string\"}},\"required\":[\"name\",\"type\"]}}},"
	    "\"required\":[\"database\",\"table_count\",\"tables\"]}",
	.run = run_list_tables,
};

/* ---- describe_customer_table ---- */

/* indexes: rows of (INDEX_NAME, NON_UNIQUE, COLUMN_NAME), grouped by name. */
static void
put_indexes(struct tbuf *b, const struct tool_table *ix, bool primary_only)
{
	size_t r = 0, end, n = 0;

	while (r < ix->nrows) {
		bool primary = tool_cell(ix, r, 0) != NULL && strcmp(tool_cell(ix, r, 0), "PRIMARY") == 0;

		for (end = r + 1; end < ix->nrows && tool_table_same(ix, r, end, 0); end++)
			;
		if (primary_only) {
			if (primary)
				tool_table_put_list(b, ix, r, end, 2);
		} else {
			if (n++ > 0)
				tbuf_putc(b, ',');
			tbuf_puts(b, "{\"name\":");
			tbuf_json_cstr(b, tool_cell(ix, r, 0));
			tbuf_printf(b, ",\"unique\":%s,\"columns\":",
			    tool_cell(ix, r, 1) != NULL && strcmp(tool_cell(ix, r, 1), "0") == 0 ?
			    "true" : "false");
			tool_table_put_list(b, ix, r, end, 2);
			tbuf_putc(b, '}');
		}
		r = end;
	}
}

static int
run_describe_table(struct tool_call *c)
{
	struct tool_table cols = { 0 }, ix = { 0 }, fk = { 0 };
	struct tool_param p[2];
	char name[256], type[16];
	size_t r, end;
	bool has_pk = false;
	int rc = -1;

	if (tool_db_table_check(c->db, "table_name", tool_arg_str(c, "table_name"), name,
	    sizeof(name), type, sizeof(type), c->err) != 0)
		return -1;
	p[0] = str_param(tool_db_name(c->db));
	p[1] = str_param(name);
	if (tool_db_table(c->db, "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY,"
	    " COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS"
	    " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
	    p, 2, 4096, &cols, c->err) != 0)
		goto out;
	if (tool_db_table(c->db, "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME"
	    " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
	    " ORDER BY INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX",
	    p, 2, 4096, &ix, c->err) != 0)
		goto out;
	if (tool_db_table(c->db, "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME,"
	    " REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
	    " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL"
	    " ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION",
	    p, 2, 4096, &fk, c->err) != 0)
		goto out;

	tbuf_puts(c->out, "{\"table\":");
	tbuf_json_cstr(c->out, name);
	tbuf_puts(c->out, ",\"type\":");
	tbuf_json_cstr(c->out, type);
	tbuf_puts(c->out, ",\"columns\":[");
	for (r = 0; r < cols.nrows; r++) {
		const char *dflt = tool_db_column_default(c->db, tool_cell(&cols, r, 4));

		if (r > 0)
			tbuf_putc(c->out, ',');
		tbuf_puts(c->out, "{\"name\":");
		tbuf_json_cstr(c->out, tool_cell(&cols, r, 0));
		tbuf_puts(c->out, ",\"type\":");
		tbuf_json_cstr(c->out, tool_cell(&cols, r, 1));
		tbuf_printf(c->out, ",\"nullable\":%s,\"key\":",
		    tool_cell(&cols, r, 2) != NULL && strcmp(tool_cell(&cols, r, 2), "YES") == 0 ?
		    "true" : "false");
		tbuf_json_cstr(c->out, tool_cell(&cols, r, 3) ? tool_cell(&cols, r, 3) : "");
		if (dflt != NULL) {
			tbuf_puts(c->out, ",\"default\":");
			tbuf_json_cstr(c->out, dflt);
		}
		tbuf_puts(c->out, ",\"extra\":");
		tbuf_json_cstr(c->out, tool_cell(&cols, r, 5) ? tool_cell(&cols, r, 5) : "");
		tbuf_puts(c->out, ",\"comment\":");
		tbuf_json_cstr(c->out, tool_cell(&cols, r, 6) ? tool_cell(&cols, r, 6) : "");
		tbuf_putc(c->out, '}');
	}
	tbuf_puts(c->out, "],\"primary_key\":");
	for (r = 0; r < ix.nrows; r++)
		if (tool_cell(&ix, r, 0) != NULL && strcmp(tool_cell(&ix, r, 0), "PRIMARY") == 0)
			has_pk = true;
	if (has_pk)
		put_indexes(c->out, &ix, true);
	else
		tbuf_puts(c->out, "[]");
	tbuf_puts(c->out, ",\"indexes\":[");
	put_indexes(c->out, &ix, false);
	tbuf_puts(c->out, "],\"foreign_keys\":[");
	for (r = 0; r < fk.nrows; r = end) {
		for (end = r + 1; end < fk.nrows && tool_table_same(&fk, r, end, 0); end++)
			;
		if (r > 0)
			tbuf_putc(c->out, ',');
		tbuf_puts(c->out, "{\"name\":");
		tbuf_json_cstr(c->out, tool_cell(&fk, r, 0));
		tbuf_puts(c->out, ",\"columns\":");
		tool_table_put_list(c->out, &fk, r, end, 1);
		tbuf_puts(c->out, ",\"referenced_table\":");
		tbuf_json_cstr(c->out, tool_cell(&fk, r, 2));
		tbuf_puts(c->out, ",\"referenced_columns\":");
		tool_table_put_list(c->out, &fk, r, end, 3);
		tbuf_putc(c->out, '}');
	}
	tbuf_puts(c->out, "]}");
	rc = 0;
out:
	tool_table_free(&cols);
	tool_table_free(&ix);
	tool_table_free(&fk);
	return rc;
}

const struct tool_def tool_def_describe_table = {
	.name = "describe_customer_table",
	.title = "Describe a table",
	.description = "Describes one table or view of the customer's database: each column's"
	    " name, SQL type, nullability, key, default, extra and comment, the primary key,"
	    " the indexes and the foreign keys.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,"
	    "\"required\":[\"table_name\"],\"properties\":{" TABLE_ARG "}}",
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"table\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"},"
	    TOOL_SCHEMA_COLUMNS ","
	    TOOL_SCHEMA_KEYS "},"
	    "\"required\":[\"table\",\"type\",\"columns\",\"primary_key\",\"indexes\",\"foreign_keys\"]}",
	.run = run_describe_table,
};

/* ---- get_customer_table_sample ---- */

static int
run_table_sample(struct tool_call *c)
{
	struct tool_param p[3];
	struct tool_table pk = { 0 };
	char name[256], type[16];
	struct tbuf sql, prefix;
	long long limit = tool_arg_int(c, "limit", 10);
	size_t r, len;
	char *s;
	int rc;

	if (tool_db_table_check(c->db, "table_name", tool_arg_str(c, "table_name"), name,
	    sizeof(name), type, sizeof(type), c->err) != 0)
		return -1;
	if (limit > c->tenant->limits.max_rows)
		limit = c->tenant->limits.max_rows;
	p[0] = str_param(tool_db_name(c->db));
	p[1] = str_param(name);
	/* Rows in primary-key order, so a sample is the same every time. */
	if (tool_db_table(c->db, "SELECT COLUMN_NAME FROM information_schema.STATISTICS"
	    " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'"
	    " ORDER BY SEQ_IN_INDEX", p, 2, 64, &pk, c->err) != 0)
		return -1;
	tbuf_init(&sql, 0);
	tbuf_puts(&sql, "SELECT * FROM ");
	tool_quote_ident(&sql, name);
	for (r = 0; r < pk.nrows; r++) {
		tbuf_puts(&sql, r == 0 ? " ORDER BY " : ", ");
		tool_quote_ident(&sql, tool_cell(&pk, r, 0));
	}
	tbuf_puts(&sql, " LIMIT ?");
	tool_table_free(&pk);
	/* One row more than sent: truncated says whether more rows exist. */
	p[0] = (struct tool_param){ .type = TOOL_P_INT, .i = limit + 1 };
	tbuf_init(&prefix, 0);
	tbuf_puts(&prefix, "\"table\":");
	tbuf_json_cstr(&prefix, name);
	tbuf_putc(&prefix, ',');
	s = tbuf_take(&prefix, &len);
	rc = tool_rows_result(c, s, sql.data, p, 1, (long)limit, -1);
	free(s);
	tbuf_free(&sql);
	return rc;
}

const struct tool_def tool_def_table_sample = {
	.name = "get_customer_table_sample",
	.title = "Sample rows of a table",
	.description = "Returns the first rows (in primary-key order) of one table or view of the"
	    " customer's database, with every value exact: big integers and DECIMAL as strings,"
	    " binary data as base64. Use it to see what the data looks like before querying.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,"
	    "\"required\":[\"table_name\"],\"properties\":{" TABLE_ARG ","
	    "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"default\":10,"
	    "\"description\":\"How many rows, 1 to 100 (default 10).\"}}}",
	.output_schema = tool_rows_output_schema,
	.run = run_table_sample,
};

/* ---- count_customer_table_rows ---- */

static int
run_count_rows(struct tool_call *c)
{
	struct tool_table tab;
	char name[256], type[16];
	struct tbuf sql;
	int rc;

	if (tool_db_table_check(c->db, "table_name", tool_arg_str(c, "table_name"), name,
	    sizeof(name), type, sizeof(type), c->err) != 0)
		return -1;
	tbuf_init(&sql, 0);
	tbuf_puts(&sql, "SELECT COUNT(*) FROM ");
	tool_quote_ident(&sql, name);
	rc = tool_db_table(c->db, sql.data, NULL, 0, 1, &tab, c->err);
	tbuf_free(&sql);
	if (rc != 0)
		return -1;
	tbuf_puts(c->out, "{\"table\":");
	tbuf_json_cstr(c->out, name);
	tbuf_puts(c->out, ",\"count\":");
	tval_int_text(c->out, tab.nrows == 1 ? tool_cell(&tab, 0, 0) : NULL);
	tbuf_putc(c->out, '}');
	tool_table_free(&tab);
	return 0;
}

const struct tool_def tool_def_count_rows = {
	.name = "count_customer_table_rows",
	.title = "Count the rows of a table",
	.description = "Counts the rows of one table or view of the customer's database exactly"
	    " (SELECT COUNT(*)). On very large tables this can take a while; list_customer_tables"
	    " has fast estimates.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,"
	    "\"required\":[\"table_name\"],\"properties\":{" TABLE_ARG "}}",
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"table\":{\"type\":\"string\"},\"count\":{\"type\":[\"integer\",\"string\"]}},"
	    "\"required\":[\"table\",\"count\"]}",
	.run = run_count_rows,
};

/* ---- get_database_overview ---- */

static int
run_database_overview(struct tool_call *c)
{
	return put_tables(c, true);
}

const struct tool_def tool_def_database_overview = {
	.name = "get_database_overview",
	.title = "Database overview",
	.description = "A short overview of the customer's database: its name, how many tables"
	    " and views it has, and for each its estimated row count and number of columns.",
	.input_schema = NO_ARGS,
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"database\":{\"type\":\"string\"},\"table_count\":{\"type\":\"integer\"},"
	    "\"tables\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	    "\"name\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"},"
	    "\"rows_estimate\":{\"type\":[\"integer\",\"string\"]},"
	    "\"column_count\":{\"type\":\"integer\"}},\"required\":[\"name\",\"type\",\"column_count\"]}}},"
	    "\"required\":[\"database\",\"table_count\",\"tables\"]}",
	.run = run_database_overview,
};
