/*
 * tenants: launch profiles.  Loads the tenants YAML file (CONTRACT section 3)
 * with strict checking: every error names file:line:column.  Depends only on
 * libyaml; what it cannot judge alone (is this a tool name? is this SQL
 * allowed?) it asks through struct tenant_hooks.
 */
#ifndef SAIA_TENANT_H
#define SAIA_TENANT_H

#include <stdbool.h>
#include <stddef.h>

enum tenant_ssl {
	TENANT_SSL_PREFERRED = 0,	/* the default */
	TENANT_SSL_DISABLED,
	TENANT_SSL_REQUIRED,
	TENANT_SSL_VERIFY_CA,
	TENANT_SSL_VERIFY_IDENTITY,
};

enum tenant_ptype {
	TENANT_P_STRING = 0,
	TENANT_P_INTEGER,
	TENANT_P_NUMBER,
	TENANT_P_BOOLEAN,
	TENANT_P_DATE,
	TENANT_P_DATETIME,
};

struct tenant_db {
	char *host;		/* NULL when only socket is given */
	char *name;
	char *user;
	char *password;		/* resolved from password, password_env or password_file; never NULL ("" default) */
	char *socket;		/* may be NULL */
	char *charset;		/* default "utf8mb4" */
	char *ssl_ca;		/* may be NULL */
	unsigned port;		/* default 3306 */
	enum tenant_ssl ssl_mode;
	unsigned connect_timeout_s;	/* default 5 */
};

struct tenant_limits {
	long max_rows;		/* default 500; 1 .. 1000000 */
	long max_bytes;		/* default 1048576; 1024 .. 67108864 */
	long query_timeout_ms;	/* default 10000; 1 .. 3600000 */
};

struct tenant_param {
	char *name;
	char *description;	/* may be NULL */
	enum tenant_ptype type;
	bool required;
	char *default_value;	/* scalar text as written in YAML, or NULL */
	char **enum_values;	/* may be NULL */
	size_t n_enum;
	bool has_min, has_max;
	double min, max;
};

struct tenant_query {
	char *name;
	char *description;
	char *sql;
	struct tenant_param *params;
	size_t n_params;
};

/* schema: mapping; every field NULL when not given in the profile. */
struct tenant_schema {
	struct { char *table, *number, *date, *total, *status, *customer; } invoices;
	struct { char *table, *invoice; } invoice_items;
	struct { char *table, *name, *email, *phone, *company; } contacts;
};

struct tenant {
	char *name;
	char *business_type;	/* NULL when not given */
	struct tenant_db db;
	char **tools;		/* enabled tool names, in the order given (or the preset's) */
	size_t n_tools;
	bool tools_from_preset;
	struct tenant_limits limits;
	struct tenant_schema schema;
	char **allowed_functions;
	size_t n_allowed_functions;
	struct tenant_query *queries;
	size_t n_queries;
};

/* Questions the loader asks the rest of the program.  Any hook may be NULL (then: yes). */
struct tenant_hooks {
	/* Is name a built-in tool saia-mcp knows? */
	bool (*tool_known)(const char *name);
	/*
	 * Is this query SQL allowed for a tenant whose database is schema and who
	 * allows these functions?  On yes set *params to the number of ? placeholders
	 * and return 0; on no write the reason into why and return -1.
	 */
	int (*sql_check)(const char *sql, const char *schema,
	    const char *const *functions, size_t n_functions,
	    unsigned *params, char *why, size_t why_size);
	/*
	 * Not a question: true when the caller will not connect (--list-tools),
	 * so password_env, password_file and ssl_ca are not read (password "").
	 */
	bool no_secrets;
};

/* "file:line:column: message", or a message without position when there is none. */
struct tenant_err {
	char msg[1024];
};

/*
 * Load the file at path, check all of it (every tenant), and return the
 * tenant called name in *out (caller frees with tenant_free).  Passwords are
 * resolved for that tenant only.  Returns 0, or -1 with err filled (an unknown
 * tenant lists the known ones).
 */
int tenant_load(const char *path, const char *name, const struct tenant_hooks *hooks,
    struct tenant **out, struct tenant_err *err);

/* The same from text in memory; filename is only used in messages. */
int tenant_load_mem(const char *text, size_t len, const char *filename, const char *name,
    const struct tenant_hooks *hooks, struct tenant **out, struct tenant_err *err);

/* Free a tenant from tenant_load; NULL is fine.  Wipes the password first. */
void tenant_free(struct tenant *t);

/* Does tenant t enable the built-in tool name? */
bool tenant_has_tool(const struct tenant *t, const char *name);

/* The preset tool list of a business type, NULL-terminated; NULL for an unknown type. */
const char *const *tenant_preset(const char *business_type);

#endif
