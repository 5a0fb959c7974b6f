#ifndef SAIA_TOOL_ROWS_H
#define SAIA_TOOL_ROWS_H

#include "tool_int.h"

/*
 * Run sql and write the whole structuredContent of a row result into
 * c->out: {prefix "columns":..., "rows":..., "row_count":N, "truncated":b,
 * "next_offset":N}.  prefix (may be NULL) is raw JSON members ending in
 * ','.  next_offset is written when more rows exist and offset >= 0.
 * 0, or -1 with c->err set.
 */
int tool_rows_result(struct tool_call *c, const char *prefix, const char *sql,
    const struct tool_param *params, size_t n, long max_rows, long offset);

#endif
