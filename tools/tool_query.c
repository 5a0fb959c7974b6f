/*
 * Statements written by people, not by us: execute_safe_query (the
 * original service's method, only listed when a tenant enables it) and the
 * tenant's own `queries:` from the profile, each turned into a tool with a
 * typed inputSchema.  The guard checks every statement before it runs
 * (tool_db.c); the tenant queries were checked once more at load time.
 * Values are always bound to `?`, never pasted into SQL.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tenant.h"
#include "tool_int.h"
#include "tool_rows.h"
#include "xalloc.h"

#define MAX_PARAMS 100

/* ---- dates ---- */

static bool
digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int
num(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool
tool_valid_date(const char *s, bool datetime)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, max;

	if (strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return false;
	y = num(s, 4);
	m = num(s + 5, 2);
	d = num(s + 8, 2);
	if (y < 1 || m < 1 || m > 12)
		return false;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	if (d < 1 || d > max)
		return false;
	s += 10;
	if (*s == '\0')
		return true;
	if (!datetime || (*s != ' ' && *s != 'T'))
		return false;
	s++;
	if (!digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) || num(s, 2) > 23 || num(s + 3, 2) > 59)
		return false;
	s += 5;
	if (*s == '\0')
		return true;
	if (*s != ':' || !digits(s + 1, 2) || num(s + 1, 2) > 59)
		return false;
	s += 3;
	if (*s == '\0')
		return true;
	if (*s != '.')
		return false;
	s++;
	max = 0;
	while (isdigit((unsigned char)*s) && max < 6)
		s++, max++;
	return max > 0 && *s == '\0';
}

/* ---- binding JSON values ---- */

/* A JSON scalar as a bound parameter; strings stay borrowed from v. */
static int
bind_json(const cJSON *v, struct tool_param *p, const char *what, struct tool_err *err)
{
	memset(p, 0, sizeof(*p));
	if (cJSON_IsNull(v) || v == NULL) {
		p->type = TOOL_P_NULL;
	} else if (cJSON_IsBool(v)) {
		p->type = TOOL_P_INT;
		p->i = cJSON_IsTrue(v);
	} else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		/* Past 2^53 the JSON number was already rounded when it was read. */
		if (d == floor(d) && fabs(d) >= 9007199254740992.0 && fabs(d) < 1e300) {
			tool_err_set(err, TOOL_E_INVALID, "%s is an integer beyond 2^53, which"
			    " JSON numbers cannot carry exactly; pass it as a string", what);
			return -1;
		}
		if (d == (double)(long long)d && d > -9007199254740992.0 && d < 9007199254740992.0) {
			p->type = TOOL_P_INT;
			p->i = (long long)d;
		} else {
			p->type = TOOL_P_DOUBLE;
			p->d = d;
		}
	} else if (cJSON_IsString(v)) {
		p->type = TOOL_P_STRING;
		p->s = v->valuestring;
		p->len = strlen(v->valuestring);
	} else {
		tool_err_set(err, TOOL_E_INVALID, "%s must be a string, number, boolean or null", what);
		return -1;
	}
	return 0;
}

/* ---- execute_safe_query ---- */

static int
run_safe_query(struct tool_call *c)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(c->args, "params"), *v;
	const char *sql = tool_arg_str(c, "sql");
	struct tool_param p[MAX_PARAMS];
	struct tool_caps caps;
	struct tool_rows_info info;
	long limit = (long)tool_arg_int(c, "limit", 100);
	size_t n = 0;
	char what[32];

	if (limit > c->tenant->limits.max_rows)
		limit = c->tenant->limits.max_rows;
	cJSON_ArrayForEach(v, params) {
		snprintf(what, sizeof(what), "params[%zu]", n);
		if (bind_json(v, &p[n], what, c->err) != 0)
			return -1;
		n++;
	}
	/* The guard's verdict and the count of '?' against n: tool_db_rows (db_exec). */
	caps.max_rows = limit;
	caps.line_budget = c->line_budget;
	caps.unbounded = true;
	caps.foreign_sql = true;
	tbuf_putc(c->out, '{');
	if (tool_db_rows(c->db, sql, p, n, &caps, c->ctx, c->out, &info,
	    c->err) != 0)
		return -1;
	tbuf_printf(c->out, ",\"row_count\":%ld,\"truncated\":%s", info.rows,
	    info.truncated ? "true" : "false");
	if (info.truncated)
		tbuf_printf(c->out, ",\"hint\":\"more rows exist; add LIMIT %ld OFFSET %ld (or a"
		    " narrower WHERE) to read on\"", limit, info.rows);
	tbuf_putc(c->out, '}');
	c->truncated = info.truncated;
	return 0;
}

const struct tool_def tool_def_safe_query = {
	.name = "execute_safe_query",
	.title = "Run a read-only SQL query",
	.description = "Runs one read-only SQL statement (SELECT, SHOW, DESCRIBE or EXPLAIN) on"
	    " the customer's database and returns its rows with exact values. Use ? placeholders"
	    " and pass values in params; use single quotes for string literals. Refused: more"
	    " than one statement, writes, INTO OUTFILE, locking reads, SLEEP and other"
	    " functions that are not read-only, other databases. Results are capped"
	    " (truncated: true says more rows exist); add LIMIT to page.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,"
	    "\"required\":[\"sql\"],\"properties\":{"
	    "\"sql\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":65536,"
	    "\"description\":\"One SELECT, SHOW, DESCRIBE or EXPLAIN statement.\"},"
	    "\"params\":{\"type\":\"array\",\"maxItems\":100,\"description\":"
	    "\"Values for the ? placeholders, in order (strings, numbers, booleans or null).\"},"
	    "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000000,\"default\":100,"
	    "\"description\":\"Most rows to return (also capped by the tenant's max_rows).\"}}}",
	.output_schema = tool_rows_output_schema,
	.run = run_safe_query,
};

/* ---- tenant queries ---- */

static const char *const ptype_json[] = {
	[TENANT_P_STRING] = "string", [TENANT_P_INTEGER] = "integer",
	[TENANT_P_NUMBER] = "number", [TENANT_P_BOOLEAN] = "boolean",
	[TENANT_P_DATE] = "string", [TENANT_P_DATETIME] = "string",
};

/* A YAML scalar's text as a JSON value of the parameter's type. */
static void
put_typed(struct tbuf *b, enum tenant_ptype type, const char *text)
{
	if (type == TENANT_P_INTEGER || type == TENANT_P_NUMBER)
		tbuf_puts(b, text);	/* checked as a number by the loader */
	else if (type == TENANT_P_BOOLEAN)
		tbuf_puts(b, (strcmp(text, "true") == 0 || strcmp(text, "yes") == 0) ? "true" : "false");
	else
		tbuf_json_cstr(b, text);
}

static char *
query_schema(const struct tenant_query *q)
{
	struct tbuf b;
	size_t i, k, nreq = 0, len;

	tbuf_init(&b, 0);
	tbuf_puts(&b, "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{");
	for (i = 0; i < q->n_params; i++) {
		const struct tenant_param *p = &q->params[i];

		if (i > 0)
			tbuf_putc(&b, ',');
		tbuf_json_cstr(&b, p->name);
		tbuf_printf(&b, ":{\"type\":\"%s\"", ptype_json[p->type]);
		if (p->type == TENANT_P_DATE)
			tbuf_puts(&b, ",\"pattern\":\"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"");
		if (p->description != NULL) {
			tbuf_puts(&b, ",\"description\":");
			tbuf_json_cstr(&b, p->description);
		}
		if (p->type == TENANT_P_STRING) {
			if (p->has_min)
				tbuf_printf(&b, ",\"minLength\":%.0f", p->min);
			if (p->has_max)
				tbuf_printf(&b, ",\"maxLength\":%.0f", p->max);
		} else if (p->type == TENANT_P_INTEGER || p->type == TENANT_P_NUMBER) {
			if (p->has_min)
				tbuf_printf(&b, ",\"minimum\":%.17g", p->min);
			if (p->has_max)
				tbuf_printf(&b, ",\"maximum\":%.17g", p->max);
		}
		if (p->n_enum > 0) {
			tbuf_puts(&b, ",\"enum\":[");
			for (k = 0; k < p->n_enum; k++) {
				if (k > 0)
					tbuf_putc(&b, ',');
				put_typed(&b, p->type, p->enum_values[k]);
			}
			tbuf_putc(&b, ']');
		}
		if (p->default_value != NULL) {
			tbuf_puts(&b, ",\"default\":");
			put_typed(&b, p->type, p->default_value);
		}
		tbuf_putc(&b, '}');
	}
	tbuf_puts(&b, "}");
	for (i = 0; i < q->n_params; i++) {
		if (!q->params[i].required)
			continue;
		tbuf_puts(&b, nreq++ == 0 ? ",\"required\":[" : ",");
		tbuf_json_cstr(&b, q->params[i].name);
	}
	if (nreq > 0)
		tbuf_putc(&b, ']');
	tbuf_putc(&b, '}');
	return tbuf_take(&b, &len);
}

static int
run_tenant_query(struct tool_call *c)
{
	const struct tenant_query *q = c->data;
	struct tool_param p[MAX_PARAMS];
	cJSON *dflt[MAX_PARAMS] = { 0 };
	size_t i;
	int rc = -1;

	if (q->n_params > MAX_PARAMS) {
		tool_err_set(c->err, TOOL_E_INVALID, "too many parameters");
		return -1;
	}
	for (i = 0; i < q->n_params; i++) {
		const struct tenant_param *tp = &q->params[i];
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->args, tp->name);

		if (v == NULL && tp->default_value != NULL) {
			struct tbuf b;
			tbuf_init(&b, 0);
			put_typed(&b, tp->type, tp->default_value);
			v = dflt[i] = cJSON_Parse(b.data);
			tbuf_free(&b);
		}
		if ((tp->type == TENANT_P_DATE || tp->type == TENANT_P_DATETIME) &&
		    cJSON_IsString(v) && !tool_valid_date(v->valuestring, tp->type == TENANT_P_DATETIME)) {
			tool_err_set(c->err, TOOL_E_INVALID, "argument '%s' must be a real calendar %s"
			    " (%s), got \"%.40s\"", tp->name, tp->type == TENANT_P_DATE ? "date" : "date and time",
			    tp->type == TENANT_P_DATE ? "YYYY-MM-DD" : "YYYY-MM-DD HH:MM:SS",
			    v->valuestring);
			goto out;
		}
		if (bind_json(v, &p[i], tp->name, c->err) != 0)
			goto out;
	}
	/* The tenant's SQL may have no LIMIT: rows past max_rows are not read. */
	c->unbounded = true;
	c->foreign_sql = true;
	rc = tool_rows_result(c, NULL, q->sql, p, q->n_params, c->tenant->limits.max_rows, -1);
out:
	for (i = 0; i < q->n_params; i++)
		cJSON_Delete(dflt[i]);
	return rc;
}

struct tool_def *
tool_query_defs(const struct tenant *t, size_t *n)
{
	struct tool_def *defs = xcalloc(t->n_queries ? t->n_queries : 1, sizeof(*defs));
	size_t i;

	for (i = 0; i < t->n_queries; i++) {
		const struct tenant_query *q = &t->queries[i];

		defs[i].name = q->name;
		defs[i].title = q->name;
		defs[i].description = q->description;
		defs[i].input_schema = query_schema(q);
		defs[i].output_schema = tool_rows_output_schema;
		defs[i].run = run_tenant_query;
		defs[i].data = q;
	}
	*n = t->n_queries;
	return defs;
}

void
tool_query_defs_free(struct tool_def *defs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free((char *)defs[i].input_schema);
	free(defs);
}
