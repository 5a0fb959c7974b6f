/*
 * Row results: the one shape every row-returning tool answers with
 * (CONTRACT section 5), its outputSchema, and the argument helpers the
 * tools share.
 */
#include <stdio.h>
#include <string.h>

#include "tenant.h"
#include "tool_int.h"
#include "tool_rows.h"

const char tool_rows_output_schema[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"columns\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"name\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"}},"
    "\"required\":[\"name\",\"type\"]}},"
    "\"rows\":{\"type\":\"array\",\"items\":{\"type\":\"array\"}},"
    "\"row_count\":{\"type\":\"integer\",\"minimum\":0},"
    "\"truncated\":{\"type\":\"boolean\"},"
    "\"next_offset\":{\"type\":\"integer\",\"minimum\":0},"
    "\"table\":{\"type\":\"string\"},"	/* get_customer_table_sample */
    "\"hint\":{\"type\":\"string\"}},"	/* execute_safe_query, when truncated */
    "\"required\":[\"columns\",\"rows\",\"row_count\",\"truncated\"]}";

int
tool_rows_result(struct tool_call *c, const char *prefix, const char *sql,
    const struct tool_param *params, size_t n, long max_rows, long offset)
{
	struct tool_caps caps = { .max_rows = max_rows, .line_budget = c->line_budget,
	    .unbounded = c->unbounded, .foreign_sql = c->foreign_sql };
	struct tool_rows_info info;

	tbuf_putc(c->out, '{');
	if (prefix != NULL)
		tbuf_puts(c->out, prefix);
	if (tool_db_rows(c->db, sql, params, n, &caps, c->ctx, c->out, &info, c->err) != 0)
		return -1;
	tbuf_printf(c->out, ",\"row_count\":%ld,\"truncated\":%s", info.rows,
	    info.truncated ? "true" : "false");
	if (info.more && offset >= 0)
		tbuf_printf(c->out, ",\"next_offset\":%ld", offset + info.rows);
	tbuf_putc(c->out, '}');
	c->truncated = info.truncated;
	return 0;
}

const char *
tool_arg_str(const struct tool_call *c, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->args, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

long long
tool_arg_int(const struct tool_call *c, const char *name, long long dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->args, name);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : dflt;
}
