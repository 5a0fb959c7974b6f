/*
 * Unit tests for mcp/: the JSON-RPC envelope (mcp_parse, mcp_raw_member),
 * version negotiation, and the session loop mcp_serve() driven in-process
 * with transcripts in memory (fmemopen / open_memstream).
 *
 * Tables of cases with stable ids (R.., M.., N.., S..) that are never
 * renumbered; new cases take new ids.  The parse tests point cJSON's
 * allocator at cmocka's test_malloc/test_free, so a tree that mcp_parse()
 * or mcp_msg_free() leaks fails the test.  The serve tests use a tenant
 * whose database is 127.0.0.1 port 1 (nothing listens): no database is
 * needed, and a tool call that reaches the database is "unavailable:".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mysql.h>

#include "mcp.h"
#include "tenant.h"
#include "tool.h"

/* ------------------------------------------------ cJSON under cmocka's allocator */

static void *
leak_malloc(size_t n)
{
	return test_malloc(n);
}

static void
leak_free(void *p)
{
	test_free(p);
}

static int
setup_leak_hooks(void **state)
{
	cJSON_Hooks hooks = { .malloc_fn = leak_malloc, .free_fn = leak_free };

	(void)state;
	cJSON_InitHooks(&hooks);
	return 0;
}

static int
teardown_leak_hooks(void **state)
{
	(void)state;
	cJSON_InitHooks(NULL);
	return 0;
}

/* ------------------------------------------------------------- mcp_parse */

#define NO_ID NULL
#define REQ MCP_K_REQUEST
#define NOTE MCP_K_NOTIFICATION
#define RESP MCP_K_RESPONSE
#define ERR MCP_K_ERROR
#define SILENT MCP_K_SILENT

struct rcase {
	const char *id;		/* stable */
	const char *line;
	enum mcp_kind kind;
	int code;		/* for ERR */
	const char *raw_id;	/* the id text exactly as kept; NO_ID: none */
	const char *method;	/* for REQ and NOTE */
};

static const struct rcase rcases[] = {
	/* well-formed */
	{ "R01", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", REQ, 0, "1", "ping" },
	{ "R02", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", NOTE, 0, NO_ID,
	    "notifications/initialized" },
	{ "R03", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", RESP, 0, "1", NULL },
	{ "R04", "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"error\":{\"code\":-1,\"message\":\"x\"}}", RESP, 0,
	    "\"q\"", NULL },
	/* not JSON, not an object */
	{ "R05", "{\"jsonrpc\":\"2.0\",\"id\":1,", ERR, -32700, NO_ID, NULL },
	{ "R06", "", ERR, -32700, NO_ID, NULL },
	{ "R07", "[]", ERR, -32600, NO_ID, NULL },
	{ "R08", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", ERR, -32600, NO_ID, NULL },
	{ "R09", "42", ERR, -32600, NO_ID, NULL },
	{ "R10", "\"ping\"", ERR, -32600, NO_ID, NULL },
	{ "R11", "null", ERR, -32600, NO_ID, NULL },
	{ "R12", "true", ERR, -32600, NO_ID, NULL },
	/* jsonrpc member */
	{ "R13", "{\"id\":1,\"method\":\"ping\"}", ERR, -32600, "1", NULL },
	{ "R14", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", ERR, -32600, "1", NULL },
	{ "R15", "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}", ERR, -32600, "1", NULL },
	/* ids that cannot be echoed: -32600 without id */
	{ "R16", "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", ERR, -32600, NO_ID, NULL },
	{ "R17", "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", ERR, -32600, NO_ID, NULL },
	{ "R18", "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", ERR, -32600, NO_ID, NULL },
	{ "R19", "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", ERR, -32600, NO_ID, NULL },
	{ "R20", "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}", ERR, -32600, NO_ID, NULL },
	/* ids that come back exactly */
	{ "R21", "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ping\"}", REQ, 0, "0", "ping" },
	{ "R22", "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"ping\"}", REQ, 0, "\"x\"", "ping" },
	{ "R23", "{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"method\":\"ping\"}", REQ, 0,
	    "12345678901234567890", "ping" },
	{ "R24", "{\"jsonrpc\":\"2.0\",\"id\":-1,\"method\":\"ping\"}", REQ, 0, "-1", "ping" },
	{ "R25", "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\\\\c\\u00e9\",\"method\":\"ping\"}", REQ, 0,
	    "\"a\\\"b\\\\c\\u00e9\"", "ping" },
	{ "R26", "{\"jsonrpc\":\"2.0\",\"id\":-99999999999999999999999,\"method\":\"ping\"}", REQ, 0,
	    "-99999999999999999999999", "ping" },
	{ "R27", "{\"jsonrpc\":\"2.0\",\"id\" :  7 ,\"method\":\"ping\"}", REQ, 0, "7", "ping" },
	{ "R28", "{\"jsonrpc\":\"2.0\",\"id\":\"\",\"method\":\"ping\"}", REQ, 0, "\"\"", "ping" },
	/* method and params */
	{ "R29", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":1}", ERR, -32600, "2", NULL },
	{ "R30", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":[1]}", ERR, -32602,
	    "2", NULL },
	{ "R31", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":\"x\"}", ERR, -32602,
	    "2", NULL },
	{ "R32", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}", REQ, 0, "2",
	    "tools/list" },
	{ "R33", "{\"jsonrpc\":\"2.0\",\"id\":3}", ERR, -32600, "3", NULL },
	{ "R34", "{\"jsonrpc\":\"2.0\"}", ERR, -32600, NO_ID, NULL },
	{ "R35", "{}", ERR, -32600, NO_ID, NULL },
	/* key order and escaped keys */
	{ "R36", "{\"method\":\"ping\",\"id\":3,\"jsonrpc\":\"2.0\"}", REQ, 0, "3", "ping" },
	{ "R37", "{\"jsonrpc\":\"2.0\",\"\\u0069d\":5,\"method\":\"ping\"}", REQ, 0, "5", "ping" },
	{ "R38", "{\"jsonrpc\":\"2.0\",\"i\\u0064\":\"e\",\"method\":\"ping\"}", REQ, 0, "\"e\"", "ping" },
	/* an "id" inside params is not the message's id */
	{ "R39", "{\"jsonrpc\":\"2.0\",\"method\":\"x/y\",\"params\":{\"id\":9}}", NOTE, 0, NO_ID, "x/y" },
	{ "R40", "{\"jsonrpc\":\"2.0\",\"params\":{\"id\":9},\"id\":4,\"method\":\"ping\"}", REQ, 0, "4",
	    "ping" },
	{ "R41", "{\"jsonrpc\":\"2.0\",\"params\":{\"x\":\"\\\"id\\\":8\"},\"id\":\"s\",\"method\":\"ping\"}",
	    REQ, 0, "\"s\"", "ping" },
	/* malformed notifications are dropped silently */
	{ "R42", "{\"jsonrpc\":\"2.0\",\"method\":5}", SILENT, 0, NO_ID, NULL },
	{ "R43", "{\"jsonrpc\":\"1.0\",\"method\":\"notifications/initialized\"}", SILENT, 0, NO_ID, NULL },
	{ "R44", "{\"method\":\"notifications/initialized\"}", SILENT, 0, NO_ID, NULL },
	/* whitespace around the message is fine */
	{ "R45", "  {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\t", REQ, 0, "1", "ping" },
	/* two messages on one line, or trailing garbage, is not valid JSON (CONTRACT 6: -32700) */
	{ "R46", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}{\"jsonrpc\":\"2.0\",\"id\":2,"
	    "\"method\":\"ping\"}", ERR, -32700, NO_ID, NULL },
	{ "R47", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} x", ERR, -32700, NO_ID, NULL },
	/* third adversarial pass: text cJSON took that JSON does not allow */
	{ "R48", "{\"jsonrpc\":\"2.0\",\"id\":\"\xff\",\"method\":\"ping\"}", ERR, -32700, NO_ID, NULL },
	{ "R49", "{\"jsonrpc\":\"2.0\",\"id\":\"\xc0\xaf\",\"method\":\"ping\"}", ERR, -32700, NO_ID,
	    NULL },	/* overlong "/" */
	{ "R50", "{\"jsonrpc\":\"2.0\",\"id\":\"\xed\xa0\x80\",\"method\":\"ping\"}", ERR, -32700,
	    NO_ID, NULL },	/* an encoded surrogate */
	{ "R51", "{\"jsonrpc\":\"2.0\",\"id\":\"a\x01\",\"method\":\"ping\"}", ERR, -32700, NO_ID,
	    NULL },	/* a raw control character in a string */
	{ "R52", "{\"jsonrpc\":\"2.0\",\"id\":\"caf\xc3\xa9 \xf0\x9f\x9a\x9a\",\"method\":\"ping\"}",
	    REQ, 0, "\"caf\xc3\xa9 \xf0\x9f\x9a\x9a\"", "ping" },	/* real UTF-8 is fine */
	/* a duplicate key: which one was meant cannot be told ("id\u0000" is "id" to cJSON) */
	{ "R53", "{\"jsonrpc\":\"2.0\",\"id\\u0000\":\"s\",\"id\":{\"x\":1},\"method\":\"ping\"}",
	    ERR, -32600, NO_ID, NULL },
	{ "R54", "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}", ERR, -32600, NO_ID,
	    NULL },
	{ "R55", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a\","
	    "\"name\":\"b\"}}", ERR, -32602, "1", NULL },
	{ "R56", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"_meta\":"
	    "{\"progressToken\":1,\"progressToken\\u0000\":{}}}}", ERR, -32602, "1", NULL },
	/* a lone surrogate escape is valid JSON: the request is read, and its id kept */
	{ "R57", "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"x\","
	    "\"arguments\":{\"q\":\"\\ud800\"}}}", REQ, 0, "7", "tools/call" },
};

/* The escapes cJSON cannot keep are flagged; a raw NUL is a parse error. */
static void
test_bad_strings(void **state)
{
	static const struct {
		const char *line;
		enum tool_arg_bad bad;
	} c[] = {
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", TOOL_ARG_OK },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"a\":\"x\\u0000y\"}}",
		    TOOL_ARG_NUL },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"a\":\"\\ud800\"}}",
		    TOOL_ARG_SURROGATE },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"a\":\"\\udc00x\"}}",
		    TOOL_ARG_SURROGATE },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"a\":\"\\ud83d\\ude9a\"}}",
		    TOOL_ARG_OK },	/* a pair: 🚚 */
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"a\":\"\\\\ud800\"}}",
		    TOOL_ARG_OK },	/* an escaped backslash, then text */
	};
	static const char raw_nul[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":"
	    "{\"a\":\"x\0y\"}}";
	struct mcp_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		mcp_parse(c[i].line, strlen(c[i].line), &m);
		if (m.kind != MCP_K_REQUEST || m.bad_string != c[i].bad)
			fail_msg("case %zu: kind %d bad_string %d, expected request, %d", i, m.kind,
			    m.bad_string, c[i].bad);
		if (c[i].bad == TOOL_ARG_SURROGATE) {
			const cJSON *a = cJSON_GetObjectItem(m.params, "a");
			assert_non_null(strstr(a->valuestring, "\xef\xbf\xbd"));	/* U+FFFD */
		}
		mcp_msg_free(&m);
	}
	mcp_parse(raw_nul, sizeof(raw_nul) - 1, &m);
	assert_int_equal(m.kind, MCP_K_ERROR);
	assert_int_equal(m.code, -32700);
	assert_non_null(strstr(m.message, "0x00"));
	mcp_msg_free(&m);
}

static const char *
kind_name(enum mcp_kind k)
{
	switch (k) {
	case MCP_K_REQUEST: return "request";
	case MCP_K_NOTIFICATION: return "notification";
	case MCP_K_RESPONSE: return "response";
	case MCP_K_ERROR: return "error";
	case MCP_K_SILENT: return "silent";
	}
	return "?";
}

/* Check one case; returns a complaint (static) or NULL. */
static const char *
parse_case(const struct rcase *c, const struct mcp_msg *m, char *why, size_t size)
{
	if (m->kind != c->kind)
		snprintf(why, size, "kind %s, expected %s", kind_name(m->kind), kind_name(c->kind));
	else if (c->kind == ERR && m->code != c->code)
		snprintf(why, size, "code %d, expected %d", m->code, c->code);
	else if (c->kind == ERR && (m->message == NULL || m->message[0] == '\0'))
		snprintf(why, size, "an error without a message");
	else if ((c->kind == REQ || c->kind == ERR) && c->raw_id == NO_ID && m->id != NULL)
		snprintf(why, size, "id '%s', expected none", m->id);
	else if ((c->kind == REQ || c->kind == ERR) && c->raw_id != NO_ID &&
	    (m->id == NULL || strcmp(m->id, c->raw_id) != 0))
		snprintf(why, size, "id '%s', expected '%s'", m->id ? m->id : "(none)", c->raw_id);
	else if (c->kind == NOTE && m->id != NULL)
		snprintf(why, size, "a notification with an id");
	else if (c->method != NULL && (m->method == NULL || strcmp(m->method, c->method) != 0))
		snprintf(why, size, "method '%s', expected '%s'", m->method ? m->method : "(none)",
		    c->method);
	else if (c->kind != REQ && c->kind != NOTE && m->method != NULL)
		snprintf(why, size, "a method on a %s", kind_name(m->kind));
	else
		return NULL;
	return why;
}

static void
test_parse_table(void **state)
{
	size_t i;
	int failures = 0;

	(void)state;
	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		const struct rcase *c = &rcases[i];
		struct mcp_msg m;
		char why[256];

		mcp_parse(c->line, strlen(c->line), &m);
		if (parse_case(c, &m, why, sizeof(why)) != NULL) {
			print_error("%s: %s   (line: %s)\n", c->id, why, c->line);
			failures++;
		}
		mcp_msg_free(&m);
		assert_null(m.json);
		assert_null(m.id);
	}
	if (failures > 0)
		fail_msg("%d of %zu parse cases failed", failures, sizeof(rcases) / sizeof(rcases[0]));
}

/* params is borrowed from json and is the params object. */
static void
test_parse_params(void **state)
{
	static const char line[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"t\",\"arguments\":{\"a\":1}}}";
	struct mcp_msg m;

	(void)state;
	mcp_parse(line, sizeof(line) - 1, &m);
	assert_int_equal(m.kind, MCP_K_REQUEST);
	assert_true(cJSON_IsObject(m.params));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(m.params, "name")->valuestring, "t");
	mcp_msg_free(&m);

	/* no params: NULL */
	mcp_parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 40, &m);
	assert_int_equal(m.kind, MCP_K_REQUEST);
	assert_null(m.params);
	mcp_msg_free(&m);
}

/* The length is honoured: what follows it is not part of the line. */
static void
test_parse_length(void **state)
{
	static const char buf[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}GARBAGE";
	struct mcp_msg m;

	(void)state;
	mcp_parse(buf, sizeof(buf) - 1 - 7, &m);
	assert_int_equal(m.kind, MCP_K_REQUEST);
	assert_string_equal(m.id, "1");
	mcp_msg_free(&m);
	/* cut in the middle: not JSON */
	mcp_parse(buf, 20, &m);
	assert_int_equal(m.kind, MCP_K_ERROR);
	assert_int_equal(m.code, -32700);
	assert_null(m.id);
	mcp_msg_free(&m);
}

/* -------------------------------------------------------- mcp_raw_member */

struct mcase {
	const char *id;
	const char *json;
	const char *key;
	const char *want;	/* raw text; NULL: not found */
};

static const struct mcase mcases[] = {
	{ "M01", "{\"params\":{\"id\":5},\"id\":7}", "id", "7" },
	{ "M02", "{\"params\":{\"id\":5}}", "id", NULL },
	{ "M03", "{\"a\":[{\"id\":1}],\"b\":\"{\\\"id\\\":2}\",\"id\":\"z\"}", "id", "\"z\"" },
	{ "M04", "{\"a\":\"x\\\"id\\\":3\"}", "id", NULL },
	{ "M05", "{ \"id\" : [1, {\"id\":2}] }", "id", "[1, {\"id\":2}]" },
	{ "M06", "{\"\\u0069d\":9}", "id", "9" },
	{ "M07", "{\"i\\u0064\":9}", "id", "9" },
	{ "M08", "{\"idx\":1,\"id\":2}", "id", "2" },
	{ "M09", "{\"ID\":1}", "id", NULL },
	{ "M10", "[{\"id\":1}]", "id", NULL },
	{ "M11", "{\"method\":\"x\",\"id\":-0.5e3}", "id", "-0.5e3" },
	{ "M12", "{\"a\":{\"b\":{\"c\":{\"id\":1}}},\"id\":true}", "id", "true" },
	{ "M13", "{}", "id", NULL },
	{ "M14", "{\"id\":null}", "id", "null" },
	{ "M15", "{\"a\":\"}{\",\"id\":4}", "id", "4" },
	{ "M16", "{\"\\\"id\":1,\"id\":2}", "id", "2" },
	{ "M17", "{\"a\":{\"id\":1,\"x\":[\"]\"]},\"id\":{\"k\":\"v\"}}", "id", "{\"k\":\"v\"}" },
	{ "M18", "\n\t{\"id\"\n:\n\"n\"\n}", "id", "\"n\"" },
	{ "M19", "{\"params\":{\"name\":\"t\",\"id\":3},\"method\":\"m\"}", "method", "\"m\"" },
	{ "M20", "{\"params\":{\"method\":\"inner\"},\"method\":\"outer\"}", "method", "\"outer\"" },
	{ "M21", "{\"id\":12345678901234567890123}", "id", "12345678901234567890123" },
	{ "M22", "{\"a\":\"\\\\\",\"id\":6}", "id", "6" },
	{ "M23", "\"id\"", "id", NULL },
	{ "M24", "{\"a\":[[[[{\"id\":0}]]]],\"b\":{}}", "id", NULL },
};

static void
test_raw_member(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		const struct mcase *c = &mcases[i];
		size_t n = 12345;
		const char *p = mcp_raw_member(c->json, strlen(c->json), c->key, &n);

		if (c->want == NULL) {
			if (p != NULL)
				fail_msg("%s: found '%.*s', expected nothing", c->id, (int)n, p);
			continue;
		}
		if (p == NULL)
			fail_msg("%s: not found, expected '%s'", c->id, c->want);
		if (n != strlen(c->want) || memcmp(p, c->want, n) != 0)
			fail_msg("%s: found '%.*s', expected '%s'", c->id, (int)n, p, c->want);
		/* a pointer into the input */
		assert_true(p >= c->json && p + n <= c->json + strlen(c->json));
	}
}

/* ---------------------------------------------------------- negotiation */

struct ncase {
	const char *id;
	const char *requested;
	const char *answered;
	bool structured;	/* of the answered version */
};

static const struct ncase ncases[] = {
	{ "N01", "2025-11-25", "2025-11-25", true },
	{ "N02", "2025-06-18", "2025-06-18", true },
	{ "N03", "2025-03-26", "2025-03-26", false },
	{ "N04", "2024-11-05", "2024-11-05", false },
	{ "N05", "2026-07-28", "2025-11-25", true },
	{ "N06", "garbage", "2025-11-25", true },
	{ "N07", "", "2025-11-25", true },
	{ "N08", NULL, "2025-11-25", true },
	{ "N09", "2024-10-07", "2025-11-25", true },
	{ "N10", "2025-11-25 ", "2025-11-25", true },
	{ "N11", "2025-06-18x", "2025-11-25", true },
	{ "N12", "2024-11-0", "2025-11-25", true },
};

static void
test_negotiate(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ncases) / sizeof(ncases[0]); i++) {
		const struct ncase *c = &ncases[i];
		const char *v = mcp_negotiate(c->requested);

		if (v == NULL || strcmp(v, c->answered) != 0)
			fail_msg("%s: negotiated '%s', expected '%s'", c->id, v ? v : "(null)", c->answered);
		if (mcp_version_structured(v) != c->structured)
			fail_msg("%s: structured %d for %s", c->id, !c->structured, v);
	}
	assert_string_equal(mcp_negotiate("whatever"), MCP_LATEST_VERSION);
}

/* -------------------------------------------------------- mcp_serve in memory */

static const char tenant_yaml[] =
	"tenants:\n"
	"  acme:\n"
	"    database:\n"
	"      host: 127.0.0.1\n"
	"      port: 1\n"
	"      name: saia_demo\n"
	"      user: saia_ro\n"
	"      password: secret-pw-123\n"
	"      ssl_mode: disabled\n"
	"      connect_timeout_s: 1\n"
	"    enabled_tools: [list_customer_tables, count_customer_table_rows]\n";

struct serve_state {
	struct tenant *t;
	struct tools *reg;
};

static int
serve_setup(void **state)
{
	static const struct tenant_hooks hooks = { .tool_known = tools_known };
	struct serve_state *s = calloc(1, sizeof(*s));
	struct tenant_err err;
	char why[256];

	if (s == NULL || mysql_library_init(0, NULL, NULL) != 0)
		return -1;
	if (tenant_load_mem(tenant_yaml, sizeof(tenant_yaml) - 1, "test.yaml", "acme", &hooks,
	    &s->t, &err) != 0) {
		fprintf(stderr, "tenant_load_mem: %s\n", err.msg);
		return -1;
	}
	if ((s->reg = tools_new(s->t, why, sizeof(why))) == NULL) {
		fprintf(stderr, "tools_new: %s\n", why);
		return -1;
	}
	*state = s;
	return 0;
}

static int
serve_teardown(void **state)
{
	struct serve_state *s = *state;

	if (s != NULL) {
		tools_free(s->reg);
		tenant_free(s->t);
		free(s);
	}
	mysql_library_end();
	return 0;
}

/* Run input through mcp_serve(); returns what it wrote (free()). */
static char *
serve(struct serve_state *s, const char *input, int *rc)
{
	/* fmemopen of 0 bytes is refused by some libcs: empty input is /dev/null. */
	char *inbuf = strdup(input), *outbuf = NULL;
	size_t outlen = 0;
	FILE *in = input[0] != '\0' ? fmemopen(inbuf, strlen(inbuf), "r") : fopen("/dev/null", "r");
	FILE *out = open_memstream(&outbuf, &outlen);

	assert_non_null(in);
	assert_non_null(out);
	*rc = mcp_serve(s->reg, in, out);
	fclose(in);
	fclose(out);
	free(inbuf);
	return outbuf;
}

#define INIT(v) "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":" \
	"{\"protocolVersion\":\"" v "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
#define INITD INIT("2025-11-25") "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
#define PING(id) "{\"jsonrpc\":\"2.0\",\"id\":" id ",\"method\":\"ping\"}\n"
#define PONG(id) "{\"jsonrpc\":\"2.0\",\"id\":" id ",\"result\":{}}"

/* An expected output line: the exact text, or a code plus raw id. */
struct want {
	const char *exact;	/* when not NULL, the line must equal it */
	int code;		/* otherwise: 0 for a result, or the error code */
	const char *raw_id;	/* "id":<raw_id> must be in the line; NULL: no "id" key */
};

struct scase {
	const char *id;
	const char *input;
	size_t n;		/* lines expected */
	struct want w[6];
};

static const struct scase scases[] = {
	{ "S01", PING("1"), 1, { { PONG("1"), 0, NULL } } },
	{ "S02", PING("0") PING("\"zero\"") PING("18446744073709551616"), 3,
	    { { PONG("0"), 0, NULL }, { PONG("\"zero\""), 0, NULL },
	      { PONG("18446744073709551616"), 0, NULL } } },
	{ "S03", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n", 1,
	    { { NULL, -32600, "1" } } },
	{ "S04", "{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":\"server/discover\"}\n" PING("2"), 2,
	    { { NULL, -32601, "\"d\"" }, { PONG("2"), 0, NULL } } },
	{ "S05", INITD "{bad\n" PING("3"), 3,
	    { { NULL, 0, "0" }, { NULL, -32700, NULL }, { PONG("3"), 0, NULL } } },
	{ "S06", INITD "[1,2]\n", 2, { { NULL, 0, "0" }, { NULL, -32600, NULL } } },
	{ "S07", INITD INIT("2025-11-25"), 2, { { NULL, 0, "0" }, { NULL, -32600, "0" } } },
	{ "S08", "\r\n\n   \n" PING("4") "\r\n" "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}\r\n", 2,
	    { { PONG("4"), 0, NULL }, { PONG("5"), 0, NULL } } },
	{ "S09", INITD "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}\n"
	    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}\n"
	    PING("6"), 2, { { NULL, 0, "0" }, { PONG("6"), 0, NULL } } },
	{ "S10", INITD "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
	    "{\"name\":\"get_database_overview\"}}\n", 2,
	    { { NULL, 0, "0" }, { NULL, -32602, "7" } } },
	{ "S11", INITD "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":"
	    "{\"name\":\"list_customer_tables\",\"arguments\":5}}\n", 2,
	    { { NULL, 0, "0" }, { NULL, -32602, "8" } } },
	{ "S12", INITD "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"nope\"}\n", 2,
	    { { NULL, 0, "0" }, { NULL, -32601, "9" } } },
	{ "S13", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}\n", 1,
	    { { NULL, -32602, "1" } } },
	{ "S14", "", 0, { { NULL, 0, NULL } } },
	{ "S15", PING("1") "\n\n  \n\t\n", 1, { { PONG("1"), 0, NULL } } },
	{ "S16", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n" PING("2"), 1, { { PONG("2"), 0, NULL } } },
};

static void
check_line(const char *cid, size_t k, const char *line, const struct want *w)
{
	cJSON *j = cJSON_Parse(line);
	const cJSON *e;
	char key[128];

	if (j == NULL)
		fail_msg("%s line %zu: not JSON: %s", cid, k, line);
	if (w->exact != NULL) {
		if (strcmp(line, w->exact) != 0)
			fail_msg("%s line %zu: got %s, expected %s", cid, k, line, w->exact);
		cJSON_Delete(j);
		return;
	}
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (w->code == 0 && !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "result")))
		fail_msg("%s line %zu: expected a result, got %s", cid, k, line);
	if (w->code != 0 && (!cJSON_IsObject(e) ||
	    cJSON_GetObjectItemCaseSensitive(e, "code")->valueint != w->code))
		fail_msg("%s line %zu: expected error %d, got %s", cid, k, w->code, line);
	if (w->raw_id == NULL) {
		if (cJSON_GetObjectItemCaseSensitive(j, "id") != NULL)
			fail_msg("%s line %zu: expected no id: %s", cid, k, line);
	} else {
		snprintf(key, sizeof(key), "\"id\":%s,", w->raw_id);
		if (strstr(line, key) == NULL)
			fail_msg("%s line %zu: expected id %s: %s", cid, k, w->raw_id, line);
	}
	cJSON_Delete(j);
}

static void
test_serve_table(void **state)
{
	struct serve_state *s = *state;
	size_t i;

	for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
		const struct scase *c = &scases[i];
		int rc = -1;
		char *out = serve(s, c->input, &rc), *p, *nl;
		size_t k = 0;

		assert_int_equal(rc, 0);
		for (p = out; *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				fail_msg("%s: output does not end with a newline: %s", c->id, p);
			*nl = '\0';
			if (k >= c->n)
				fail_msg("%s: unexpected extra line %s", c->id, p);
			check_line(c->id, k, p, &c->w[k]);
			k++;
		}
		if (k != c->n)
			fail_msg("%s: %zu lines, expected %zu", c->id, k, c->n);
		free(out);
	}
}

/* The last line need not end with a newline. */
static void
test_serve_no_final_newline(void **state)
{
	struct serve_state *s = *state;
	int rc;
	char *out = serve(s, "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"ping\"}", &rc);

	assert_int_equal(rc, 0);
	assert_string_equal(out, PONG("42") "\n");
	free(out);
}

/*
 * Input whose very first line is empty.  Run in a child process: this once
 * crashed mcp_serve (read_line wrote to its line buffer before allocating
 * it), and a crash in-process would take the other tests with it.
 */
static void
test_serve_blank_first_line(void **state)
{
	static const char *const inputs[] = {
		"\n" PING("1"),
		"\n",
		"\n\n\n" PING("1"),
	};
	struct serve_state *s = *state;
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		pid_t pid;
		int st;

		fflush(NULL);
		if ((pid = fork()) == 0) {
			int rc;
			char *out;
			bool want_pong;

			/* cmocka's handlers would catch the crash and go on testing in the child */
			signal(SIGSEGV, SIG_DFL);
			signal(SIGBUS, SIG_DFL);
			signal(SIGABRT, SIG_DFL);
			signal(SIGILL, SIG_DFL);
			signal(SIGFPE, SIG_DFL);
			out = serve(s, inputs[i], &rc);
			want_pong = strstr(inputs[i], "ping") != NULL;

			_exit(rc == 0 && strcmp(out, want_pong ? PONG("1") "\n" : "") == 0 ? 0 : 1);
		}
		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFSIGNALED(st))
			fail_msg("input %zu (first line empty): mcp_serve died of signal %d",
			    i, WTERMSIG(st));
		if (WEXITSTATUS(st) != 0)
			fail_msg("input %zu (first line empty): wrong output", i);
	}
}

/* tools/list: deterministic, exactly the tenant's tools, shape by version. */
static void
test_serve_tools_list(void **state)
{
	struct serve_state *s = *state;
	const char *in_new = INITD "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n";
	const char *in_old = INIT("2024-11-05") "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n";
	char *a, *b, *l2, *l3;
	cJSON *j, *tools, *t;
	int rc;

	a = serve(s, in_new, &rc);
	assert_int_equal(rc, 0);
	l2 = strchr(a, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;
	assert_int_equal(l3 - l2, (long)strlen(l3));	/* the two answers are the same text */
	assert_memory_equal(l2, l3, strlen(l3));
	j = cJSON_Parse(l2);
	assert_non_null(j);
	tools = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "result"), "tools");
	assert_int_equal(cJSON_GetArraySize(tools), 2);
	cJSON_ArrayForEach(t, tools) {
		const char *name = cJSON_GetObjectItemCaseSensitive(t, "name")->valuestring;
		assert_true(strcmp(name, "list_customer_tables") == 0 ||
		    strcmp(name, "count_customer_table_rows") == 0);
		assert_non_null(cJSON_GetObjectItemCaseSensitive(t, "outputSchema"));
		assert_non_null(cJSON_GetObjectItemCaseSensitive(t, "title"));
	}
	cJSON_Delete(j);

	b = serve(s, in_old, &rc);
	l2 = strchr(b, '\n') + 1;
	j = cJSON_Parse(l2);
	assert_non_null(j);
	tools = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "result"), "tools");
	assert_int_equal(cJSON_GetArraySize(tools), 2);
	cJSON_ArrayForEach(t, tools) {
		assert_null(cJSON_GetObjectItemCaseSensitive(t, "outputSchema"));
		assert_null(cJSON_GetObjectItemCaseSensitive(t, "title"));
	}
	cJSON_Delete(j);
	free(a);
	free(b);
}

/* A call that reaches the (absent) database: a tool error, then the session goes on. */
static void
test_serve_tool_unavailable(void **state)
{
	struct serve_state *s = *state;
	const char *in = INITD
	    "{\"jsonrpc\":\"2.0\",\"id\":\"c1\",\"method\":\"tools/call\",\"params\":"
	    "{\"name\":\"count_customer_table_rows\",\"arguments\":{\"table_name\":\"invoices\"}}}\n"
	    "{\"jsonrpc\":\"2.0\",\"id\":\"c2\",\"method\":\"tools/call\",\"params\":"
	    "{\"name\":\"count_customer_table_rows\",\"arguments\":{\"table\":\"invoices\"}}}\n";
	char *out, *line, *save = NULL;
	int rc, k = 0;

	out = serve(s, in, &rc);
	assert_int_equal(rc, 0);
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save), k++) {
		cJSON *j = cJSON_Parse(line), *res, *text;

		assert_non_null(j);
		res = cJSON_GetObjectItemCaseSensitive(j, "result");
		if (k > 0) {
			assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError")));
			assert_null(cJSON_GetObjectItemCaseSensitive(res, "structuredContent"));
			text = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
			    cJSON_GetObjectItemCaseSensitive(res, "content"), 0), "text");
			assert_true(cJSON_IsString(text));
			if (k == 1 && strncmp(text->valuestring, "unavailable:", 12) != 0)
				fail_msg("expected unavailable:, got %s", text->valuestring);
			if (k == 2 && (strncmp(text->valuestring, "invalid:", 8) != 0 ||
			    strstr(text->valuestring, "table") == NULL))
				fail_msg("expected invalid: naming table, got %s", text->valuestring);
			assert_null(strstr(line, "secret-pw-123"));
		}
		cJSON_Delete(j);
	}
	assert_int_equal(k, 3);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest parse_tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_table, setup_leak_hooks, teardown_leak_hooks),
		cmocka_unit_test_setup_teardown(test_bad_strings, setup_leak_hooks, teardown_leak_hooks),
		cmocka_unit_test_setup_teardown(test_parse_params, setup_leak_hooks, teardown_leak_hooks),
		cmocka_unit_test_setup_teardown(test_parse_length, setup_leak_hooks, teardown_leak_hooks),
		cmocka_unit_test(test_raw_member),
		cmocka_unit_test(test_negotiate),
	};
	const struct CMUnitTest serve_tests[] = {
		cmocka_unit_test(test_serve_table),
		cmocka_unit_test(test_serve_no_final_newline),
		cmocka_unit_test(test_serve_tools_list),
		cmocka_unit_test(test_serve_tool_unavailable),
		cmocka_unit_test(test_serve_blank_first_line),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rpc", parse_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("serve", serve_tests, serve_setup, serve_teardown);
	return failed;
}
