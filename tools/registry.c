/*
 * The tool registry: the only list of tools, in tools/list order; which of
 * them the tenant enabled; every tool's schemas parsed once; arguments
 * checked against the inputSchema before a tool sees them; and one call
 * run against the tenant's database session.
 *
 * It does not speak JSON-RPC (mcp/ does) and does not talk to MySQL
 * itself (tool_db.c does).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tenant.h"
#include "tool_int.h"
#include "tool_value.h"
#include "xalloc.h"

/* Every tool of the original setup guide, in tools/list order.  A def whose run is NULL is not built yet. */
static const struct {
	const char *name;
	const struct tool_def *def;
} catalog[] = {
	{ "test_customer_database_connection", &tool_def_test_connection },
	{ "list_customer_tables", &tool_def_list_tables },
	{ "describe_customer_table", &tool_def_describe_table },
	{ "get_customer_table_sample", &tool_def_table_sample },
	{ "count_customer_table_rows", &tool_def_count_rows },
	{ "get_database_overview", &tool_def_database_overview },
	{ "get_comprehensive_database_overview", &tool_def_comprehensive_overview },
	{ "search_customer_data", &tool_def_search },
	{ "get_all_invoices", &tool_def_all_invoices },
	{ "get_invoice_count", &tool_def_invoice_count },
	{ "get_invoice_by_number", &tool_def_invoice_by_number },
	{ "get_latest_invoice", &tool_def_latest_invoice },
	{ "get_contacts", &tool_def_contacts },
	{ "execute_safe_query", &tool_def_safe_query },
};
#define N_CATALOG (sizeof(catalog) / sizeof(catalog[0]))

struct entry {
	const struct tool_def *def;
	cJSON *input;		/* parsed inputSchema, owned */
};

struct tools {
	const struct tenant *t;
	struct tool_db *db;
	struct entry *tools;
	const char **names;
	size_t n;
	struct tool_def *queries;	/* the tenant's own queries, owned */
	size_t n_queries;
	char *lists[4];		/* rendered tools arrays by shape, owned */
};

bool
tools_known(const char *name)
{
	size_t i;

	for (i = 0; i < N_CATALOG; i++)
		if (strcmp(catalog[i].name, name) == 0)
			return true;
	return false;
}

static cJSON *
parse_schema(const char *tool, const char *text)
{
	cJSON *j = cJSON_Parse(text);

	if (j == NULL || !cJSON_IsObject(j)) {
		fprintf(stderr, "saia-mcp: bug: tool %s has a malformed schema\n", tool);
		abort();
	}
	return j;
}

struct tools *
tools_new(const struct tenant *t, char *why, size_t why_size)
{
	struct tools *reg = xcalloc(1, sizeof(*reg));
	size_t i;

	(void)why;
	(void)why_size;
	reg->t = t;
	reg->db = tool_db_new(t);
	reg->queries = tool_query_defs(t, &reg->n_queries);
	reg->tools = xcalloc(N_CATALOG + reg->n_queries, sizeof(*reg->tools));
	reg->names = xcalloc(N_CATALOG + reg->n_queries + 1, sizeof(*reg->names));
	for (i = 0; i < N_CATALOG; i++) {
		const struct tool_def *d = catalog[i].def;

		if (!tenant_has_tool(t, catalog[i].name))
			continue;
		if (d->run == NULL) {
			fprintf(stderr, "saia-mcp: tool %s is enabled but not available in"
			    " this version; it is not advertised\n", catalog[i].name);
			continue;
		}
		/* A malformed outputSchema is a bug too: check it here, once. */
		cJSON_Delete(parse_schema(d->name, d->output_schema));
		reg->tools[reg->n].def = d;
		reg->tools[reg->n].input = parse_schema(d->name, d->input_schema);
		reg->names[reg->n] = d->name;
		reg->n++;
	}
	/* The tenant's own queries come last, in profile order, always enabled. */
	for (i = 0; i < reg->n_queries; i++) {
		const struct tool_def *d = &reg->queries[i];

		reg->tools[reg->n].def = d;
		reg->tools[reg->n].input = parse_schema(d->name, d->input_schema);
		reg->names[reg->n] = d->name;
		reg->n++;
	}
	return reg;
}

void
tools_free(struct tools *reg)
{
	size_t i;

	if (reg == NULL)
		return;
	for (i = 0; i < reg->n; i++)
		cJSON_Delete(reg->tools[i].input);
	free(reg->tools);
	free(reg->names);
	tool_query_defs_free(reg->queries, reg->n_queries);
	for (i = 0; i < 4; i++)
		free(reg->lists[i]);
	tool_db_free(reg->db);
	free(reg);
}

const char *const *
tools_names(const struct tools *reg, size_t *n)
{
	*n = reg->n;
	return reg->names;
}

static char *
render_list(const struct tools *reg, bool structured, bool annotations)
{
	struct tbuf b;
	size_t i, len;

	tbuf_init(&b, 0);
	tbuf_putc(&b, '[');
	for (i = 0; i < reg->n; i++) {
		const struct tool_def *d = reg->tools[i].def;

		if (i > 0)
			tbuf_putc(&b, ',');
		tbuf_puts(&b, "{\"name\":");
		tbuf_json_cstr(&b, d->name);
		if (structured) {
			tbuf_puts(&b, ",\"title\":");
			tbuf_json_cstr(&b, d->title);
		}
		tbuf_puts(&b, ",\"description\":");
		tbuf_json_cstr(&b, d->description);
		tbuf_puts(&b, ",\"inputSchema\":");
		tbuf_puts(&b, d->input_schema);
		if (structured) {
			tbuf_puts(&b, ",\"outputSchema\":");
			tbuf_puts(&b, d->output_schema);
		}
		if (annotations) {
			tbuf_puts(&b, ",\"annotations\":{\"title\":");
			tbuf_json_cstr(&b, d->title);
			tbuf_puts(&b, ",\"readOnlyHint\":true,\"destructiveHint\":false,"
			    "\"idempotentHint\":true,\"openWorldHint\":false}");
		}
		tbuf_putc(&b, '}');
	}
	tbuf_putc(&b, ']');
	return tbuf_take(&b, &len);
}

const char *
tools_list_json(struct tools *reg, bool structured, bool annotations)
{
	char **slot = &reg->lists[(structured ? 2 : 0) + (annotations ? 1 : 0)];

	if (*slot == NULL)
		*slot = render_list(reg, structured, annotations);
	return *slot;
}

/* ---- argument checking against the inputSchema subset we use ---- */

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static const char *
type_words(const char *type)
{
	if (strcmp(type, "integer") == 0)
		return "an integer";
	if (strcmp(type, "number") == 0)
		return "a number";
	if (strcmp(type, "string") == 0)
		return "a string";
	if (strcmp(type, "boolean") == 0)
		return "true or false";
	if (strcmp(type, "array") == 0)
		return "a list";
	return type;
}

static void
describe_value(const cJSON *v, char *buf, size_t size)
{
	char *s = cJSON_PrintUnformatted(v);

	if (s == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	if (strlen(s) > 40)
		snprintf(buf, size, "%.37s...", s);
	else
		snprintf(buf, size, "%s", s);
	free(s);
}

static int
check_value(const char *name, const cJSON *ps, const cJSON *v, struct tool_err *err)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(ps, "type");
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(ps, "minimum");
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(ps, "maximum");
	const cJSON *minl = cJSON_GetObjectItemCaseSensitive(ps, "minLength");
	const cJSON *maxl = cJSON_GetObjectItemCaseSensitive(ps, "maxLength");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(ps, "enum");
	const char *ty = cJSON_IsString(type) ? type->valuestring : "";
	char got[64], range[96] = "";
	bool ok;

	if (cJSON_IsNumber(min) && cJSON_IsNumber(max))
		snprintf(range, sizeof(range), " from %.0f to %.0f", min->valuedouble, max->valuedouble);
	else if (cJSON_IsNumber(min))
		snprintf(range, sizeof(range), " of at least %.0f", min->valuedouble);
	describe_value(v, got, sizeof(got));

	if (strcmp(ty, "integer") == 0) {
		ok = cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
		    floor(v->valuedouble) == v->valuedouble &&
		    fabs(v->valuedouble) <= 9007199254740991.0;
		if (ok && cJSON_IsNumber(min) && v->valuedouble < min->valuedouble)
			ok = false;
		if (ok && cJSON_IsNumber(max) && v->valuedouble > max->valuedouble)
			ok = false;
		if (!ok) {
			tool_err_set(err, TOOL_E_INVALID, "argument '%s' must be an integer%s, got %s",
			    name, range, got);
			return -1;
		}
	} else if (strcmp(ty, "number") == 0) {
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
		    (cJSON_IsNumber(min) && v->valuedouble < min->valuedouble) ||
		    (cJSON_IsNumber(max) && v->valuedouble > max->valuedouble)) {
			tool_err_set(err, TOOL_E_INVALID, "argument '%s' must be a number%s, got %s",
			    name, range, got);
			return -1;
		}
	} else if (strcmp(ty, "boolean") == 0) {
		if (!cJSON_IsBool(v)) {
			tool_err_set(err, TOOL_E_INVALID, "argument '%s' must be true or false, got %s",
			    name, got);
			return -1;
		}
	} else if (strcmp(ty, "string") == 0) {
		size_t n;

		if (!cJSON_IsString(v)) {
			tool_err_set(err, TOOL_E_INVALID, "argument '%s' must be a string, got %s",
			    name, got);
			return -1;
		}
		n = utf8_chars(v->valuestring);
		if ((cJSON_IsNumber(minl) && n < (size_t)minl->valuedouble) ||
		    (cJSON_IsNumber(maxl) && n > (size_t)maxl->valuedouble)) {
			if (n == 0)
				tool_err_set(err, TOOL_E_INVALID,
				    "argument '%s' must not be empty", name);
			else
				tool_err_set(err, TOOL_E_INVALID, "argument '%s' must be %.0f to %.0f"
				    " characters long, got %zu characters", name,
				    cJSON_IsNumber(minl) ? minl->valuedouble : 0.0,
				    cJSON_IsNumber(maxl) ? maxl->valuedouble : 1e9, n);
			return -1;
		}
		if (!tval_utf8_valid(v->valuestring, strlen(v->valuestring))) {
			tool_err_set(err, TOOL_E_INVALID, "argument '%s' is not valid UTF-8", name);
			return -1;
		}
	} else if (strcmp(ty, "array") == 0) {
		const cJSON *items = cJSON_GetObjectItemCaseSensitive(ps, "items");
		const cJSON *maxi = cJSON_GetObjectItemCaseSensitive(ps, "maxItems");
		const cJSON *it;
		char sub[160];

		if (!cJSON_IsArray(v)) {
			tool_err_set(err, TOOL_E_INVALID, "argument '%s' must be a list, got %s",
			    name, got);
			return -1;
		}
		if (cJSON_IsNumber(maxi) && cJSON_GetArraySize(v) > (int)maxi->valuedouble) {
			tool_err_set(err, TOOL_E_INVALID, "argument '%s' may hold at most %.0f items",
			    name, maxi->valuedouble);
			return -1;
		}
		cJSON_ArrayForEach(it, v) {
			snprintf(sub, sizeof(sub), "%s[]", name);
			if (items != NULL && check_value(sub, items, it, err) != 0)
				return -1;
		}
	}
	if (cJSON_IsArray(en)) {
		const cJSON *e;
		cJSON_ArrayForEach(e, en)
			if (cJSON_Compare(e, v, true))
				return 0;
		tool_err_set(err, TOOL_E_INVALID, "argument '%s' must be one of the values in the"
		    " tool's inputSchema enum, got %s", name, got);
		return -1;
	}
	(void)type_words;
	return 0;
}

static int
check_args(const cJSON *schema, const cJSON *args, struct tool_err *err)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required");
	const cJSON *a, *r;

	cJSON_ArrayForEach(a, args) {
		const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props, a->string);
		const cJSON *b;

		/* cJSON keeps both copies of a repeated key and reads the first; a
		 * client showing the last would show a person another statement. */
		for (b = a->next; b != NULL; b = b->next)
			if (strcmp(a->string, b->string) == 0) {
				tool_err_set(err, TOOL_E_INVALID, "argument '%.64s' is given twice",
				    a->string);
				return -1;
			}

		if (ps == NULL) {
			char known[256] = "";
			const cJSON *p;
			size_t n = 0;

			cJSON_ArrayForEach(p, props)
				n += (size_t)snprintf(known + n, n < sizeof(known) ? sizeof(known) - n : 0,
				    "%s%s", n ? ", " : "", p->string);
			tool_err_set(err, TOOL_E_INVALID, "unknown argument '%.64s'; this tool takes %s",
			    a->string, props != NULL && props->child != NULL ? known : "no arguments");
			return -1;
		}
		if (cJSON_IsNull(a)) {
			/* null for an optional argument means "not given". */
			continue;
		}
		if (check_value(a->string, ps, a, err) != 0)
			return -1;
	}
	cJSON_ArrayForEach(r, req) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, r->valuestring);
		if (v == NULL || cJSON_IsNull(v)) {
			tool_err_set(err, TOOL_E_INVALID, "argument '%s' is required", r->valuestring);
			return -1;
		}
	}
	return 0;
}

/* ---- calls ---- */

void
tools_reply_init(struct tool_reply *r)
{
	memset(r, 0, sizeof(*r));
	tbuf_init(&r->out, 0);
}

void
tools_reply_free(struct tool_reply *r)
{
	tbuf_free(&r->out);
}

enum tool_status
tools_call(struct tools *reg, const char *name, const cJSON *args,
    struct tool_ctx *ctx, size_t line_budget, struct tool_reply *reply)
{
	const struct entry *e = NULL;
	struct tool_err err;
	struct tool_call call;
	cJSON *empty = NULL, *clean = NULL;
	size_t i, limit;
	int rc;

	for (i = 0; i < reg->n; i++)
		if (strcmp(reg->tools[i].def->name, name) == 0)
			e = &reg->tools[i];
	if (e == NULL)
		return TOOL_UNKNOWN;
	if (args == NULL)
		args = empty = cJSON_CreateObject();

	/* The text copy doubles the size; max_bytes caps structuredContent. */
	limit = line_budget / 2;
	if ((size_t)reg->t->limits.max_bytes < limit)
		limit = (size_t)reg->t->limits.max_bytes;
	tbuf_reset(&reply->out);
	reply->out.limit = limit;
	reply->truncated = false;

	memset(&err, 0, sizeof(err));
	if (ctx != NULL && ctx->arg_bad == TOOL_ARG_NUL) {
		tool_err_set(&err, TOOL_E_INVALID, "the request holds a NUL character (\\u0000)"
		    " in a string; no table name, search term or value here can contain one");
		rc = -1;
	} else if (ctx != NULL && ctx->arg_bad == TOOL_ARG_SURROGATE) {
		tool_err_set(&err, TOOL_E_INVALID, "the request holds a lone UTF-16 surrogate"
		    " escape (\\ud800-\\udfff without its pair) in a string, which is not a"
		    " character; send the whole character or leave it out");
		rc = -1;
	} else if (check_args(e->input, args, &err) != 0) {
		rc = -1;
	} else {
		const cJSON *a;

		/* Tools see only the arguments that carry a value. */
		clean = cJSON_CreateObject();
		cJSON_ArrayForEach(a, args)
			if (!cJSON_IsNull(a))
				cJSON_AddItemReferenceToObject(clean, a->string, (cJSON *)a);
		memset(&call, 0, sizeof(call));
		call.reg = reg;
		call.db = reg->db;
		call.tenant = reg->t;
		call.args = clean;
		call.ctx = ctx;
		call.out = &reply->out;
		call.line_budget = line_budget;
		call.err = &err;
		call.data = e->def->data;
		rc = e->def->run(&call);
		if (rc == 0 && tbuf_full(&reply->out)) {
			tool_err_set(&err, TOOL_E_INVALID, "the answer is larger than the byte cap"
			    " (max_bytes %ld); ask for fewer rows", reg->t->limits.max_bytes);
			rc = -1;
		}
		reply->truncated = call.truncated;
	}
	cJSON_Delete(clean);
	cJSON_Delete(empty);
	if (rc != 0) {
		tbuf_reset(&reply->out);
		reply->out.limit = 0;
		tbuf_puts(&reply->out, err.msg);
		return TOOL_ERROR;
	}
	return TOOL_OK;
}

unsigned long
tools_cancel_token(struct tools *reg)
{
	return tool_db_cancel_token(reg->db);
}

void
tools_cancel(struct tools *reg, unsigned long token)
{
	tool_db_cancel(reg->db, token);
}

void
tools_drop_session(struct tools *reg)
{
	tool_db_drop(reg->db);
}

/* For tools_check() in tool_schema.c: the registry's session. */
struct tool_db *
tools_db_for_check(struct tools *reg)
{
	return reg->db;
}
