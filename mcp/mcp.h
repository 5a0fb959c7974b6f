/*
 * mcp: the Model Context Protocol over stdio.  The line reader, the
 * JSON-RPC envelope, version negotiation and dispatch (CONTRACT sections
 * 6 and 8).  It knows tools only through tools/tool.h.
 */
#ifndef SAIA_MCP_H
#define SAIA_MCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "tool.h"	/* enum tool_arg_bad */

struct tools;

#define MCP_LATEST_VERSION "2025-11-25"
#define MCP_MAX_INPUT_LINE (4u << 20)	/* longest request line read */
#define MCP_MAX_OUTPUT_LINE (10u << 20)	/* longest line real clients accept */
#define MCP_EOF_GRACE_MS 1000		/* work still running at end of input gets this long */
#define MCP_MAX_QUEUED 256		/* tools/call requests waiting behind the running one ... */
#define MCP_MAX_QUEUED_BYTES (64u << 20)	/* ... and their request lines, in all */
#define MCP_HEARTBEAT_MS 2000		/* progress at least this often while a call runs */

/* JSON-RPC error codes (MCP-NOTES section 3). */
enum {
	MCP_PARSE_ERROR = -32700,
	MCP_INVALID_REQUEST = -32600,
	MCP_METHOD_NOT_FOUND = -32601,
	MCP_INVALID_PARAMS = -32602,
	MCP_INTERNAL_ERROR = -32603,
	MCP_SERVER_BUSY = -32000,	/* implementation-defined server error: the queue is full */
};

/*
 * Serve one session: read requests from in, write responses to out, until
 * end of input (or until out is closed).  tools is borrowed.  Returns the
 * process exit status (0).
 */
int mcp_serve(struct tools *tools, FILE *in, FILE *out);

/* ---- the envelope (mcp_rpc.c), pure and unit-tested ---- */

enum mcp_kind {
	MCP_K_REQUEST,		/* has method and a valid id */
	MCP_K_NOTIFICATION,	/* has method, no id */
	MCP_K_RESPONSE,		/* result or error, no method: ignored */
	MCP_K_ERROR,		/* answer with error code (and id when has_id) */
	MCP_K_SILENT,		/* a malformed notification: say nothing */
};

/* One parsed line.  json is owned (mcp_msg_free); id and method point into line or json. */
struct mcp_msg {
	enum mcp_kind kind;
	cJSON *json;
	const char *method;	/* NULL unless request or notification */
	cJSON *params;		/* borrowed from json; NULL when absent */
	char *id;		/* raw JSON text of the id, owned; NULL when none */
	/* A string that cannot be passed on as it was sent (see enum tool_arg_bad). */
	enum tool_arg_bad bad_string;
	int code;		/* for MCP_K_ERROR */
	const char *message;	/* for MCP_K_ERROR: static, or msgbuf */
	char msgbuf[160];
};

/* Is s[0..n) the JSON text of an integer (digits, a leading '-')? */
bool mcp_integer_text(const char *s, size_t n);

/* Classify one line (without its newline).  Always fills m. */
void mcp_parse(const char *line, size_t len, struct mcp_msg *m);
void mcp_msg_free(struct mcp_msg *m);

/*
 * Find the raw text of the top-level member key of the JSON object in
 * s[0..len) (which must be valid JSON).  Returns a pointer into s and its
 * length in *n, or NULL.
 */
const char *mcp_raw_member(const char *s, size_t len, const char *key, size_t *n);

/* The protocol version to answer for a requested one (never NULL). */
const char *mcp_negotiate(const char *requested);
/* Does this version carry structuredContent, outputSchema and title? */
bool mcp_version_structured(const char *version);

#endif
