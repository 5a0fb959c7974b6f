/*
 * Inside tools/: the tool table entry, the error helper, the database
 * session and the row streamer.  Not for mcp/.
 */
#ifndef SAIA_TOOL_INT_H
#define SAIA_TOOL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>
#include <mysql.h>

#include "tool.h"
#include "tool_buf.h"

struct tenant;
struct tool_db;

/* ---- errors: every tool error text is built here (tool_err.c) ---- */

enum tool_ekind {
	TOOL_E_INVALID,		/* "invalid:"     an argument */
	TOOL_E_REFUSED,		/* "refused:"     the guard said no */
	TOOL_E_TIMEOUT,		/* "timeout:"     the statement time limit */
	TOOL_E_UNAVAILABLE,	/* "unavailable:" the database cannot be reached */
	TOOL_E_MYSQL,		/* "mysql:"       an error the database raised */
	TOOL_E_CANCELLED,	/* "cancelled:"   never sent: the call was cancelled */
	TOOL_E_NOTFOUND,	/* "invalid:"     a schema mapping or table that is not there */
};

struct tool_err {
	enum tool_ekind kind;
	unsigned mysql_errno;	/* 0 when not from the server */
	char msg[1024];		/* with its kind prefix: "invalid: ..." */
};

void tool_err_set(struct tool_err *err, enum tool_ekind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* From a connection or statement error (errno, SQLSTATE, message), mapped to a kind. */
void tool_err_mysql(struct tool_err *err, unsigned no, const char *sqlstate,
    const char *msg, long timeout_ms);

/* ---- the database session (tool_db.c) ---- */

enum tool_ptype { TOOL_P_NULL, TOOL_P_INT, TOOL_P_DOUBLE, TOOL_P_STRING };

/* One bound parameter; s is borrowed for the call. */
struct tool_param {
	enum tool_ptype type;
	long long i;
	double d;
	const char *s;
	size_t len;
};

/* Caps for one streamed result. */
struct tool_caps {
	long max_rows;		/* rows to send at most */
	size_t line_budget;	/* structuredContent + its text copy, bytes */
	bool unbounded;		/* the statement may have many more rows than we send */
	/*
	 * The SQL is not ours (execute_safe_query, tenant queries): the guard
	 * also refuses qualifiers naming the account's other databases.  Our
	 * own fixed statements use short aliases (t, c, ...) that a database
	 * may happen to be called.
	 */
	bool foreign_sql;
};

/* What tool_db_rows() learned. */
struct tool_rows_info {
	long rows;		/* rows written */
	bool truncated;		/* a cap cut the result (or more rows existed) */
	bool more;		/* at least one more row existed after the last sent */
};

struct tool_db *tool_db_new(const struct tenant *t);
void tool_db_free(struct tool_db *db);

/* Connect now if not connected.  0, or -1 with an "unavailable:" error. */
int tool_db_connect(struct tool_db *db, struct tool_err *err);

/*
 * Run one statement through the guard and a prepared statement with params,
 * and stream its result as `"columns":[...],"rows":[...]` into out, with the
 * caps; the caller writes the braces and the rest.  ctx (may be NULL) gets
 * progress and cancellation.  0, or -1 with err filled.
 */
int tool_db_rows(struct tool_db *db, const char *sql, const struct tool_param *params,
    size_t n_params, const struct tool_caps *caps, struct tool_ctx *ctx,
    struct tbuf *out, struct tool_rows_info *info, struct tool_err *err);

/*
 * Run one statement through the guard like tool_db_rows(), and hand each
 * row to fn(arg, row) instead of writing a row result: fn picks the cells
 * it wants and encodes them exactly (CONTRACT 5) with tool_row_put().  fn
 * returns 0 to go on or 1 to stop; on a stop the rest of the result is read
 * off the wire, so the statement must carry its own LIMIT.  ctx (may be
 * NULL) gives cancellation.  0, or -1 with err filled.  The row is
 * borrowed for the call of fn only.
 */
struct tool_row;
int tool_db_each(struct tool_db *db, const char *sql, const struct tool_param *params,
    size_t n_params, struct tool_ctx *ctx, int (*fn)(void *arg, struct tool_row *row),
    void *arg, struct tool_err *err);
/* Is cell i of the row SQL NULL (or past the last column)? */
bool tool_row_null(const struct tool_row *row, unsigned i);
/*
 * Encode cell i into out as tool_db_rows() would.  A value that cannot fit
 * out's limit sets out->full.  Returns 0, or -1 when out is full.
 */
int tool_row_put(struct tool_row *row, unsigned i, struct tbuf *out);

/*
 * A small result read into memory, for the schema tools: cells[r * ncols + c]
 * is a NUL-terminated string or NULL for SQL NULL.  At most max_rows rows.
 */
struct tool_table {
	size_t nrows, ncols;
	char **cells;
	char **names;
};
int tool_db_table(struct tool_db *db, const char *sql, const struct tool_param *params,
    size_t n_params, size_t max_rows, struct tool_table *tab, struct tool_err *err);
void tool_table_free(struct tool_table *tab);
static inline const char *tool_cell(const struct tool_table *t, size_t r, size_t c)
{ return t->cells[r * t->ncols + c]; }
/* Write the cells of column col for rows [from, to) as a JSON array of strings (NULL as ""). */
void tool_table_put_list(struct tbuf *b, const struct tool_table *t, size_t from, size_t to,
    size_t col);
/* Do rows a and b hold the same non-NULL text in column col (runs of one group)? */
bool tool_table_same(const struct tool_table *t, size_t a, size_t b, size_t col);

/* The tenant's database name, server version text, and whether it is MariaDB. */
const char *tool_db_name(const struct tool_db *db);
const char *tool_db_server_version(struct tool_db *db);
bool tool_db_is_mariadb(struct tool_db *db);
const char *tool_db_tls(struct tool_db *db);	/* "none" or the TLS version */
/* The other databases the account could see at the last connect (not its own). */
const char *const *tool_db_other_databases(const struct tool_db *db, size_t *n);
const struct tenant *tool_db_tenant(const struct tool_db *db);
/*
 * A column's default as information_schema.COLUMNS.COLUMN_DEFAULT has it,
 * or NULL when there is none or it is NULL: MariaDB reports a NULL default
 * as the bare word NULL (a string default comes quoted, 'NULL').
 */
const char *tool_db_column_default(struct tool_db *db, const char *raw);
/* From any thread: KILL QUERY the statement now running, if any. */
unsigned long tool_db_cancel_token(struct tool_db *db);
void tool_db_drop(struct tool_db *db);
void tool_db_cancel(struct tool_db *db, unsigned long token);

/*
 * Is table_name one of the tenant's own tables or views?  Writes its exact
 * name and type ("table"/"view") on yes; on no an "invalid:" error that
 * names the argument.
 */
int tool_db_table_check(struct tool_db *db, const char *arg, const char *table_name,
    char *exact, size_t exact_size, char *type, size_t type_size, struct tool_err *err);

/* Write `name` quoted as a MySQL identifier (backticks doubled) into b. */
void tool_quote_ident(struct tbuf *b, const char *name);

/* The registry's session (for --check). */
struct tool_db *tools_db_for_check(struct tools *reg);

/* ---- the tool table ---- */

struct tool_call {
	struct tools *reg;
	struct tool_db *db;
	const struct tenant *tenant;
	const cJSON *args;		/* the checked arguments object; never NULL */
	struct tool_ctx *ctx;		/* may be NULL */
	struct tbuf *out;		/* structuredContent JSON goes here */
	size_t line_budget;
	bool truncated;
	bool unbounded;			/* the statement is not ours: no LIMIT of ours bounds it */
	bool foreign_sql;		/* ... and the guard's second line applies (tool_caps) */
	struct tool_err *err;
	const void *data;		/* tool_def.data */
};

struct tool_def {
	const char *name;
	const char *title;
	const char *description;
	const char *input_schema;	/* JSON text */
	const char *output_schema;	/* JSON text */
	int (*run)(struct tool_call *call);	/* 0, or -1 with call->err set */
	const void *data;
};

/* outputSchema pieces shared by describe_customer_table and the full overview. */
#define TOOL_SCHEMA_STR_LIST "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"
#define TOOL_SCHEMA_COLUMNS \
	    "\"columns\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" \
	    "\"name\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"}," \
	    "\"nullable\":{\"type\":\"boolean\"},\"key\":{\"type\":\"string\"}," \
	    "\"default\":{\"type\":\"string\"},\"extra\":{\"type\":\"string\"}," \
	    "\"comment\":{\"type\":\"string\"}},\"required\":[\"name\",\"type\",\"nullable\"]}}"
#define TOOL_SCHEMA_KEYS \
	    "\"primary_key\":" TOOL_SCHEMA_STR_LIST "," \
	    "\"indexes\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" \
	    "\"name\":{\"type\":\"string\"},\"unique\":{\"type\":\"boolean\"},\"columns\":" TOOL_SCHEMA_STR_LIST \
	    "},\"required\":[\"name\",\"unique\",\"columns\"]}}," \
	    "\"foreign_keys\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" \
	    "\"name\":{\"type\":\"string\"},\"columns\":" TOOL_SCHEMA_STR_LIST "," \
	    "\"referenced_table\":{\"type\":\"string\"},\"referenced_columns\":" TOOL_SCHEMA_STR_LIST \
	    "},\"required\":[\"name\",\"columns\",\"referenced_table\",\"referenced_columns\"]}}"

/* The shared outputSchema of every tool returning rows. */
extern const char tool_rows_output_schema[];

/* Argument helpers (arguments are already checked against inputSchema). */
const char *tool_arg_str(const struct tool_call *c, const char *name);
long long tool_arg_int(const struct tool_call *c, const char *name, long long dflt);

/* Built-in tools, one per file or a few per file. */
extern const struct tool_def tool_def_test_connection;
extern const struct tool_def tool_def_list_tables;
extern const struct tool_def tool_def_describe_table;
extern const struct tool_def tool_def_table_sample;
extern const struct tool_def tool_def_count_rows;
extern const struct tool_def tool_def_database_overview;
extern const struct tool_def tool_def_safe_query;
extern const struct tool_def tool_def_comprehensive_overview;	/* tool_overview.c */
extern const struct tool_def tool_def_search;			/* tool_search.c */
extern const struct tool_def tool_def_all_invoices;		/* tool_invoices.c */
extern const struct tool_def tool_def_invoice_count;
extern const struct tool_def tool_def_invoice_by_number;
extern const struct tool_def tool_def_latest_invoice;
extern const struct tool_def tool_def_contacts;			/* tool_contacts.c */

/*
 * The tenant's own queries (profile `queries:`) as tool definitions, built
 * once; the array and its strings are owned by the caller and freed with
 * tool_query_defs_free().
 */
struct tool_def *tool_query_defs(const struct tenant *t, size_t *n);
void tool_query_defs_free(struct tool_def *defs, size_t n);

/* Is s a real calendar date "YYYY-MM-DD" (datetime: optionally followed by
 * " HH:MM[:SS[.ffffff]]" or "T...")?  */
bool tool_valid_date(const char *s, bool datetime);

#endif
