/*
 * tools: the registry interface that mcp/ sees.  A tool is a table entry
 * (struct tool_def) plus a run function; the registry knows which tools the
 * tenant enabled, renders tools/list once, checks arguments against each
 * tool's inputSchema, and runs a call against the tenant's database session.
 *
 * mcp/ knows nothing of MySQL: it hands a tool name and an arguments object
 * to tools_call() and gets back either structuredContent JSON text or a
 * tool error text.
 */
#ifndef SAIA_TOOL_H
#define SAIA_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "tool_buf.h"

struct tenant;
struct tools;

/* What a running call may ask of the protocol layer.  Owned by mcp/. */
/* Why a string the client sent could not be kept as sent (mcp_parse() finds it). */
enum tool_arg_bad {
	TOOL_ARG_OK,
	TOOL_ARG_NUL,		/* it held \u0000: cJSON cuts the string there */
	TOOL_ARG_SURROGATE,	/* a lone UTF-16 surrogate escape, read as U+FFFD */
};

struct tool_ctx {
	/* Report progress (rows so far, increasing); may be NULL. */
	void (*progress)(struct tool_ctx *ctx, double progress, const char *message);
	/* Set (from another thread) when the client cancelled the call. */
	_Atomic int cancelled;
	/* A string in the request that the parsed arguments have lost or changed. */
	enum tool_arg_bad arg_bad;
	void *opaque;
};

enum tool_status {
	TOOL_OK = 0,		/* reply->out holds structuredContent JSON */
	TOOL_ERROR,		/* reply->out holds the tool error text (isError: true) */
	TOOL_UNKNOWN,		/* no such tool for this tenant: a -32602 for the caller */
};

/* The answer to one call.  Owned by the caller; tools_reply_free() frees it. */
struct tool_reply {
	struct tbuf out;
	bool truncated;		/* rows were left out by a cap */
};

/*
 * Build the registry for tenant t (borrowed; must outlive the registry).
 * Parses every schema string once; a malformed one is a bug and aborts.
 * Returns NULL and writes a message into why when a tenant query cannot be
 * turned into a tool.
 */
struct tools *tools_new(const struct tenant *t, char *why, size_t why_size);
void tools_free(struct tools *reg);

/* Is name a built-in tool (for profile checking)? */
bool tools_known(const char *name);

/* Names of the enabled tools, in tools/list order; count in *n. Borrowed. */
const char *const *tools_names(const struct tools *reg, size_t *n);

/*
 * The "tools" array of tools/list as compact JSON text, rendered once.
 * structured selects the 2025-06-18+ fields (title, outputSchema),
 * annotations the 2025-03-26+ ones.  Borrowed.
 */
const char *tools_list_json(struct tools *reg, bool structured, bool annotations);

/*
 * Run tool name with args (an object, or NULL for none; borrowed) for the
 * tenant.  Blocking: the caller runs it on a worker thread.  Fills reply.
 * The caps of the tenant apply; line_budget is the most bytes the
 * structuredContent and its text copy may take together.
 */
enum tool_status tools_call(struct tools *reg, const char *name, const cJSON *args,
    struct tool_ctx *ctx, size_t line_budget, struct tool_reply *reply);

/*
 * From any thread.  tools_cancel_token(): names the statement running now
 * (or the next one); tools_cancel(): KILL QUERY that statement if it still
 * runs (it blocks while connecting: call it off the reader thread).
 */
unsigned long tools_cancel_token(struct tools *reg);
void tools_cancel(struct tools *reg, unsigned long token);
/* Worker thread, after a cancelled call: drop the connection (see tool_db_drop()). */
void tools_drop_session(struct tools *reg);

void tools_reply_init(struct tool_reply *r);
void tools_reply_free(struct tool_reply *r);

/* The tenant's database session, for --check. Prints a report to f; 0 ok, -1 not. */
int tools_check(struct tools *reg, void *f);

#endif
