/*
 * Protocol tests of the real saia-mcp binary over pipes (CONTRACT sections
 * 2, 6 and 8), with no database: the tenants' database is 127.0.0.1 port 1,
 * where nothing listens, so every tool call that gets as far as the
 * database is an "unavailable:" tool error.
 *
 * Tables of cases carry stable ids (P01, N01, ...) that are never
 * renumbered; new cases take new ids.  Ids are compared on the raw response
 * text, since a parsed number cannot show 18446744073709551616 exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness.h"

#define DB_BLOCK \
	"    database:\n" \
	"      host: 127.0.0.1\n" \
	"      port: 1\n" \
	"      name: saia_demo\n" \
	"      user: saia_ro\n" \
	"      password: not-a-real-password\n" \
	"      ssl_mode: disabled\n" \
	"      connect_timeout_s: 2\n"

static const char profile_text[] =
	"# protocol tests: nothing listens on port 1\n"
	"tenants:\n"
	"  acme:\n"
	DB_BLOCK
	"    enabled_tools: [test_customer_database_connection, list_customer_tables,"
	" describe_customer_table, get_customer_table_sample, count_customer_table_rows,"
	" get_database_overview]\n"
	"  limited:\n"
	DB_BLOCK
	"    enabled_tools: [list_customer_tables, count_customer_table_rows]\n";

/* Line 4, column 5 holds the unknown key. */
static const char bad_profile_text[] =
	"tenants:\n"
	"  acme:\n"
	"    enabled_tools: [list_customer_tables]\n"
	"    databse:\n"
	"      host: 127.0.0.1\n";

static const char *const all_tools[] = {
	"test_customer_database_connection", "list_customer_tables", "describe_customer_table",
	"get_customer_table_sample", "count_customer_table_rows", "get_database_overview", NULL,
};
static const char *const limited_tools[] = {
	"list_customer_tables", "count_customer_table_rows", NULL,
};

static char *profile, *bad_profile;

static int
group_setup(void **state)
{
	(void)state;
	profile = h_temp_file(profile_text);
	bad_profile = h_temp_file(bad_profile_text);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	unlink(profile);
	unlink(bad_profile);
	free(profile);
	free(bad_profile);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	return 0;
}

/* The server for tenant (acme when NULL), with SAIA_MCP_* cleared. */
static struct h_proc *
start(const char *tenant)
{
	const char *args[] = { "--config", profile, "--tenant", tenant ? tenant : "acme", NULL };
	const char *env[] = { "SAIA_MCP_CONFIG", "SAIA_MCP_TENANT", NULL };

	return h_spawn(args, env);
}

/* ---------------------------------------------------------- answer checks */

/* Is the raw line's top-level "id" exactly raw_id (NULL: no id at all)? */
static void
assert_raw_id(const char *line, const char *raw_id)
{
	cJSON *j = cJSON_Parse(line);
	char want[256];

	assert_non_null(j);
	if (raw_id == NULL) {
		if (cJSON_GetObjectItemCaseSensitive(j, "id") != NULL)
			fail_msg("expected no id in %s", line);
	} else {
		const char *p = line;
		size_t n;
		bool found = false;

		/* "id":<raw> directly in the top-level object, followed by , or } */
		assert_non_null(cJSON_GetObjectItemCaseSensitive(j, "id"));
		n = (size_t)snprintf(want, sizeof(want), "\"id\":%s", raw_id);
		while ((p = strstr(p, want)) != NULL) {
			if ((p[-1] == '{' || p[-1] == ',') && (p[n] == ',' || p[n] == '}'))
				found = true;
			p += n;
		}
		if (!found)
			fail_msg("expected id %s byte-exact in %s", raw_id, line);
	}
	cJSON_Delete(j);
}

/* Check an error answer: code, no result, a non-empty message. */
static void
assert_error(const cJSON *r, const char *line, int code)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");

	if (!cJSON_IsNumber(c) || c->valueint != code)
		fail_msg("expected error %d, got %s", code, line);
	assert_true(cJSON_IsString(m) && m->valuestring[0] != '\0');
	assert_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(r, "jsonrpc")->valuestring, "2.0");
}

static const char *
error_message(const cJSON *r)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "error"),
	    "message")->valuestring;
}

/* ------------------------------------------------ one request, one answer */

struct pcase {
	const char *id;		/* stable */
	bool init;		/* initialize first */
	const char *line;
	int code;		/* expected error code; 0: a result */
	const char *raw_id;	/* the id exactly as it must come back; NULL: none */
};

static const struct pcase pcases[] = {
	{ "P01", true, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", -32700, NULL },
	{ "P02", true, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", -32600, NULL },
	{ "P03", true, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"no/such/method\"}", -32601, "7" },
	{ "P04", false, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}", -32600, "4" },
	{ "P05", false, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}", 0, "5" },
	{ "P06", false, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/list\"}", -32601, "6" },
	{ "P07", false, "{\"jsonrpc\":\"2.0\",\"id\":\"p1\",\"method\":\"server/discover\","
	    "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
	    "\"io.modelcontextprotocol/clientCapabilities\":{}}}}", -32601, "\"p1\"" },
	{ "P08", true, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"ping\"}", 0, "0" },
	{ "P09", true, "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"ping\"}", 0, "\"abc\"" },
	{ "P10", true, "{\"jsonrpc\":\"2.0\",\"id\":18446744073709551616,\"method\":\"ping\"}", 0,
	    "18446744073709551616" },
	{ "P11", true, "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"no_such_tool\",\"arguments\":{}}}", -32602, "11" },
	{ "P12", true, "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"list_customer_tables\",\"arguments\":[1]}}", -32602, "12" },
	{ "P13", true, "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}}", -32600, "13" },
	{ "P14", false, "{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"initialize\","
	    "\"params\":{\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}",
	    -32602, "14" },
	{ "P15", true, "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", -32600, NULL },
	{ "P16", true, "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\\u00e9\\\\\",\"method\":\"ping\"}", 0,
	    "\"a\\\"b\\u00e9\\\\\"" },
	{ "P17", true, "{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"tools/call\","
	    "\"params\":{\"arguments\":{}}}", -32602, "17" },
	{ "P18", true, "{\"jsonrpc\":\"2.0\",\"id\":18,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"list_customer_tables\",\"arguments\":\"{}\"}}", -32602, "18" },
	{ "P19", true, "{\"jsonrpc\":\"1.0\",\"id\":19,\"method\":\"ping\"}", -32600, "19" },
	{ "P20", true, "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"ping\",\"params\":[1]}", -32602, "20" },
	{ "P21", true, "null", -32600, NULL },
	{ "P22", true, "{\"jsonrpc\":\"2.0\",\"id\":-5,\"method\":\"ping\"}", 0, "-5" },
	{ "P23", true, "{\"jsonrpc\":\"2.0\",\"id\":23,\"method\":42}", -32600, "23" },
	{ "P24", true, "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", -32600, NULL },
	{ "P25", true, "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", -32600, NULL },
	{ "P26", true, "{\"jsonrpc\":\"2.0\",\"id\":26,\"method\":\"tools/list\","
	    "\"params\":{\"cursor\":\"next\"}}", -32602, "26" },
	{ "P27", true, "{\"method\":\"ping\",\"id\":\"rev\",\"jsonrpc\":\"2.0\"}", 0, "\"rev\"" },
	{ "P28", true, "\"just a string\"", -32600, NULL },
	{ "P29", true, "{\"jsonrpc\":\"2.0\",\"id\":29}", -32600, "29" },
	{ "P30", true, "{\"jsonrpc\":\"2.0\",\"id\":30,\"method\":\"logging/setLevel\","
	    "\"params\":{\"level\":\"debug\"}}", -32601, "30" },
	{ "P31", false, "{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"list_customer_tables\"}}", -32600, "31" },
};

static void
test_requests(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const struct pcase *c = &pcases[i];
		struct h_proc *h = start(NULL);
		cJSON *r;

		print_message("case %s\n", c->id);
		if (c->init)
			h_initialize(h, NULL);
		r = h_request(h, c->line);
		if (c->code == 0) {
			if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r, "result")))
				fail_msg("%s: expected a result, got %s", c->id, h->last);
		} else {
			assert_error(r, h->last, c->code);
		}
		assert_raw_id(h->last, c->raw_id);
		cJSON_Delete(r);
		/* The session goes on after every one of them. */
		r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"method\":\"ping\"}");
		if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r, "result")))
			fail_msg("%s: ping after the case failed: %s", c->id, h->last);
		assert_raw_id(h->last, "\"after\"");
		cJSON_Delete(r);
		assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
		h_free(h);
	}
}

/* ------------------------------------------------------------ initialize */

struct vcase {
	const char *id;
	const char *requested;	/* JSON text of protocolVersion */
	const char *answered;
};

static const struct vcase vcases[] = {
	{ "V01", "\"2025-11-25\"", "2025-11-25" },
	{ "V02", "\"2025-06-18\"", "2025-06-18" },
	{ "V03", "\"2025-03-26\"", "2025-03-26" },
	{ "V04", "\"2024-11-05\"", "2024-11-05" },
	{ "V05", "\"2026-07-28\"", "2025-11-25" },
	{ "V06", "\"1.0\"", "2025-11-25" },
	{ "V07", "\"\"", "2025-11-25" },
	{ "V08", "\"2025-11-26\"", "2025-11-25" },
	{ "V09", "\"2024-11-05 \"", "2025-11-25" },
	{ "V10", "\"9999-99-99\"", "2025-11-25" },
};

static void
test_initialize_versions(void **state)
{
	char line[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		struct h_proc *h = start(NULL);
		cJSON *r, *res, *caps;

		print_message("case %s\n", vcases[i].id);
		snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
		    "\"params\":{\"protocolVersion\":%s,\"capabilities\":{},"
		    "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", vcases[i].requested);
		r = h_request(h, line);
		res = cJSON_GetObjectItemCaseSensitive(r, "result");
		assert_non_null(res);
		assert_string_equal(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(res, "protocolVersion")), vcases[i].answered);
		caps = cJSON_GetObjectItemCaseSensitive(res, "capabilities");
		assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(caps, "tools")));
		assert_null(cJSON_GetObjectItemCaseSensitive(caps, "logging"));
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(res, "serverInfo"), "name")), "saia-mcp");
		cJSON_Delete(r);
		assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
		h_free(h);
	}
}

/* protocolVersion that is not a string is bad params, like a missing one. */
static void
test_initialize_version_not_string(void **state)
{
	struct h_proc *h = start(NULL);
	cJSON *r;

	(void)state;
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":20251125,\"capabilities\":{}}}");
	assert_error(r, h->last, -32602);
	cJSON_Delete(r);
	/* A failed initialize leaves the session uninitialized: tools/list still refused. */
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
	assert_error(r, h->last, -32600);
	cJSON_Delete(r);
	/* ... and a good initialize then works. */
	h_initialize(h, NULL);
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* ---------------------------------------------------------- notifications */

static void
test_notifications_unanswered(void **state)
{
	static const char *const notes[] = {
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/no-such-thing\",\"params\":{}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":99}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":7}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
		"\"params\":{\"progressToken\":1,\"progress\":1}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\"}",
		/* a response from the client: not answered either */
		"{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":{}}",
		NULL,
	};
	struct h_proc *h = start(NULL);
	size_t i;
	cJSON *r;

	(void)state;
	h_initialize(h, NULL);
	for (i = 0; notes[i] != NULL; i++)
		h_send(h, notes[i]);
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":\"after-notes\",\"method\":\"ping\"}");
	assert_raw_id(h->last, "\"after-notes\"");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
	cJSON_Delete(r);
	/* Nothing else came, and nothing more comes. */
	assert_false(h_line_within(h, 300));
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	{
		size_t n;
		char **rest = h_rest_lines(h, &n);
		assert_int_equal(n, 0);
		h_free_lines(rest, n);
	}
}

/* ------------------------------------------------- line endings and sizes */

static void
test_crlf_and_blank_lines(void **state)
{
	static const char input[] =
		"\r\n"
		"   \r\n"
		"\t\n"
		"\n"
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
		"{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{}}}\r\n"
		"\r\n"
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\r\n"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\r\n"
		"\n\n"
		"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}\n"
		"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}";	/* no final newline */
	struct h_proc *h = start(NULL);
	char **lines;
	size_t n, i;

	(void)state;
	h_send_raw(h, input, sizeof(input) - 1);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	lines = h_rest_lines(h, &n);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++) {
		char want[32];
		cJSON *r = cJSON_Parse(lines[i]);

		assert_non_null(r);
		assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
		snprintf(want, sizeof(want), "%zu", i + 1);
		assert_raw_id(lines[i], want);
		/* no stray CR anywhere in the output */
		assert_null(strchr(lines[i], '\r'));
		cJSON_Delete(r);
	}
	h_free_lines(lines, n);
}

/* An empty very first line (a client that starts with "\n"): skipped like any blank line. */
static void
test_blank_first_line(void **state)
{
	struct h_proc *h = start(NULL);
	cJSON *r;

	(void)state;
	h_send_raw(h, "\n", 1);
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_huge_line(void **state)
{
	const size_t size = 20u << 20;
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"";
	static const char tail[] = "\"}}\n";
	struct h_proc *h = start(NULL);
	char *big = malloc(size);
	cJSON *r;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', size);
	memcpy(big, head, sizeof(head) - 1);
	memcpy(big + size - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	h_initialize(h, NULL);
	h_send_raw(h, big, size);
	free(big);
	r = h_recv(h);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "error"));
	assert_raw_id(h->last, NULL);
	cJSON_Delete(r);
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
	assert_raw_id(h->last, "2");
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/*
 * The line limit is exact (fourth adversarial pass: a line of exactly
 * 4 MiB was refused): 4 MiB of text is read, with LF or CRLF; one byte
 * more is -32600.  A byte order mark before a message is skipped.
 */
static void
test_line_limit_edges(void **state)
{
	const size_t limit = 4u << 20;
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":{\"x\":\"";
	static const char tail[] = "\"}}";
	static const struct {
		size_t text;	/* bytes before the end of line */
		const char *eol;
		bool ok;
	} c[] = {
		{ 4u << 20, "\n", true },
		{ 4u << 20, "\r\n", true },
		{ (4u << 20) + 1, "\n", false },
		{ (4u << 20) - 1, "\r\n", true },
	};
	struct h_proc *h = start(NULL);
	char *big = malloc(limit + 8);
	size_t i, n;
	cJSON *r;

	(void)state;
	assert_non_null(big);
	h_initialize(h, NULL);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		n = c[i].text;
		memset(big, 'c', n);
		memcpy(big, head, sizeof(head) - 1);
		memcpy(big + n - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
		memcpy(big + n, c[i].eol, strlen(c[i].eol));
		h_send_raw(h, big, n + strlen(c[i].eol));
		r = h_recv(h);
		if ((cJSON_GetObjectItemCaseSensitive(r, "result") != NULL) != c[i].ok)
			fail_msg("case %zu (%zu bytes): %.200s", i, n, h->last);
		cJSON_Delete(r);
	}
	free(big);
	r = h_request(h, "\xef\xbb\xbf{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
	assert_raw_id(h->last, "8");
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* A long line that is still under the limit is read whole. */
static void
test_long_line_under_limit(void **state)
{
	const size_t size = 1u << 20;
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":\"long\",\"method\":\"ping\",\"params\":{\"x\":\"";
	static const char tail[] = "\"}}\n";
	struct h_proc *h = start(NULL);
	char *big = malloc(size);
	cJSON *r;

	(void)state;
	assert_non_null(big);
	memset(big, 'b', size);
	memcpy(big, head, sizeof(head) - 1);
	memcpy(big + size - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	h_initialize(h, NULL);
	h_send_raw(h, big, size);
	free(big);
	r = h_recv(h);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
	assert_raw_id(h->last, "\"long\"");
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* -------------------------------------------------------------- shutdown */

static void
test_eof_exits_zero(void **state)
{
	struct h_proc *h = start(NULL);
	cJSON *r;

	(void)state;
	h_initialize(h, NULL);
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
	cJSON_Delete(r);
	/* CONTRACT 8: exits 0 promptly at end of input. */
	assert_int_equal(h_wait(h, 2000), 0);
}

static void
test_eof_before_anything(void **state)
{
	struct h_proc *h = start(NULL);
	size_t n;
	char **rest;

	(void)state;
	assert_int_equal(h_wait(h, 2000), 0);
	rest = h_rest_lines(h, &n);
	assert_int_equal(n, 0);
	h_free_lines(rest, n);
}

/* A tool call still queued or running when input ends: exit 0 soon all the same. */
static void
test_eof_with_call_pending(void **state)
{
	struct h_proc *h = start(NULL);
	size_t n, i;
	char **rest;

	(void)state;
	h_initialize(h, NULL);
	for (i = 0; i < 3; i++)
		h_send(h, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\","
		    "\"params\":{\"name\":\"list_customer_tables\"}}");
	assert_int_equal(h_wait(h, 2000 + 2000 /* grace + connect timeout */), 0);
	rest = h_rest_lines(h, &n);
	for (i = 0; i < n; i++)
		assert_non_null(strstr(rest[i], "unavailable:"));
	h_free_lines(rest, n);
}

/* ------------------------------------------------------------ tools/list */

static cJSON *
tools_list(struct h_proc *h, long id, char **raw_result)
{
	char line[128];
	cJSON *r, *tools;
	const char *p;

	snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/list\"}", id);
	r = h_request(h, line);
	p = strstr(h->last, "\"result\":");
	assert_non_null(p);
	if (raw_result != NULL)
		*raw_result = strdup(p);
	tools = cJSON_DetachItemFromObjectCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(r, "result"), "tools");
	assert_true(cJSON_IsArray(tools));
	assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "result"),
	    "nextCursor"));
	cJSON_Delete(r);
	return tools;
}

static void
assert_names(const cJSON *tools, const char *const *want)
{
	size_t n = 0, i;
	const cJSON *t;

	while (want[n] != NULL)
		n++;
	assert_int_equal(cJSON_GetArraySize(tools), (int)n);
	cJSON_ArrayForEach(t, tools) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "name"));
		bool found = false;

		assert_non_null(name);
		for (i = 0; i < n; i++)
			if (strcmp(want[i], name) == 0)
				found = true;
		if (!found)
			fail_msg("tools/list has a tool not enabled: %s", name);
	}
}

static void
test_tools_list(void **state)
{
	struct h_proc *h = start(NULL);
	cJSON *tools, *again, *t;
	char *raw1, *raw2;

	(void)state;
	h_initialize(h, "2025-11-25");
	tools = tools_list(h, 1, &raw1);
	again = tools_list(h, 1, &raw2);
	assert_string_equal(raw1, raw2);	/* deterministic, byte for byte */
	assert_names(tools, all_tools);
	cJSON_ArrayForEach(t, tools) {
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(t, "inputSchema");
		const cJSON *out = cJSON_GetObjectItemCaseSensitive(t, "outputSchema");
		const cJSON *ann = cJSON_GetObjectItemCaseSensitive(t, "annotations");

		assert_string_equal(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(in, "type")), "object");
		assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(in, "additionalProperties")));
		assert_string_equal(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(out, "type")), "object");
		assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(t, "title")));
		assert_true(strlen(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(t, "description"))) > 20);
		assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ann, "readOnlyHint")));
		assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ann, "destructiveHint")));
		assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ann, "openWorldHint")));
	}
	cJSON_Delete(tools);
	cJSON_Delete(again);
	free(raw1);
	free(raw2);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* Same order in two processes, and the same order as --list-tools. */
static void
test_tools_list_order_stable(void **state)
{
	const char *args[] = { "--config", profile, "--tenant", "acme", "--list-tools", NULL };
	struct h_proc *h1 = start(NULL), *h2 = start(NULL), *l = h_spawn(args, NULL);
	cJSON *a, *b;
	char *ra, *rb, **names;
	size_t n, i;

	(void)state;
	h_initialize(h1, NULL);
	h_initialize(h2, NULL);
	a = tools_list(h1, 5, &ra);
	b = tools_list(h2, 5, &rb);
	assert_string_equal(ra, rb);
	assert_int_equal(h_wait(l, H_TIMEOUT_MS), 0);
	names = h_rest_lines(l, &n);
	assert_int_equal(n, (size_t)cJSON_GetArraySize(a));
	for (i = 0; i < n; i++)
		assert_string_equal(names[i], cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetArrayItem(a, (int)i), "name")));
	h_free_lines(names, n);
	cJSON_Delete(a);
	cJSON_Delete(b);
	free(ra);
	free(rb);
}

static void
test_tools_list_2024(void **state)
{
	struct h_proc *h = start(NULL);
	cJSON *tools, *t, *r;

	(void)state;
	h_initialize(h, "2024-11-05");
	tools = tools_list(h, 1, NULL);
	assert_names(tools, all_tools);
	cJSON_ArrayForEach(t, tools) {
		assert_null(cJSON_GetObjectItemCaseSensitive(t, "outputSchema"));
		assert_null(cJSON_GetObjectItemCaseSensitive(t, "title"));
		assert_non_null(cJSON_GetObjectItemCaseSensitive(t, "inputSchema"));
	}
	cJSON_Delete(tools);
	/* a tool error for an old client: text only, no structuredContent */
	r = h_call(h, 2, "count_customer_table_rows", "{\"table_name\":\"invoices\"}");
	assert_non_null(r);
	assert_true(h_is_error(r));
	assert_null(cJSON_GetObjectItemCaseSensitive(r, "structuredContent"));
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/*
 * initialize's instructions name only tools the tenant advertises: every
 * word of the form xxx_yyy in them is one of the tenant's tools.
 */
static void
assert_instructions_name(const char *tenant, const char *const *tools, const char *must)
{
	struct h_proc *h = start(tenant);
	cJSON *r, *ins;
	const char *p, *q;
	char word[64];
	size_t i, n;
	bool found;

	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
	    "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":"
	    "{\"name\":\"t\",\"version\":\"1\"}}}");
	ins = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "result"), "instructions");
	assert_true(cJSON_IsString(ins));
	assert_non_null(strstr(ins->valuestring, "Nothing can be written"));
	if (must != NULL && strstr(ins->valuestring, must) == NULL)
		fail_msg("%s: instructions '%s' lack '%s'", tenant, ins->valuestring, must);
	for (p = ins->valuestring; *p != '\0'; p = q) {
		for (q = p; *q == '_' || (*q >= 'a' && *q <= 'z'); q++)
			;
		n = (size_t)(q - p);
		if (n == 0) {
			q++;
			continue;
		}
		if (memchr(p, '_', n) == NULL || n >= sizeof(word))
			continue;
		memcpy(word, p, n);
		word[n] = '\0';
		for (i = 0, found = false; tools[i] != NULL; i++)
			found = found || strcmp(tools[i], word) == 0;
		if (!found)
			fail_msg("%s: instructions name '%s', not advertised", tenant, word);
	}
	cJSON_Delete(r);
	h_close_stdin(h);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_instructions_tenant_tools(void **state)
{
	(void)state;
	assert_instructions_name("acme", all_tools,
	    "Start with get_database_overview, then describe_customer_table");
	assert_instructions_name("limited", limited_tools, "Start with list_customer_tables.");
}

static void
test_tools_list_limited(void **state)
{
	struct h_proc *h = start("limited");
	cJSON *tools;

	(void)state;
	h_initialize(h, NULL);
	tools = tools_list(h, 1, NULL);
	assert_names(tools, limited_tools);
	cJSON_Delete(tools);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* ------------------------------------------------------------ tools/call */

/* A disabled tool is -32602, says nothing of other tools, and reads like a nonexistent one. */
static void
test_call_disabled_tool(void **state)
{
	struct h_proc *h = start("limited");
	char disabled_msg[512], unknown_msg[512], *p;
	cJSON *r;
	size_t i;

	(void)state;
	h_initialize(h, NULL);
	assert_null(h_call(h, 1, "get_database_overview", NULL));
	r = cJSON_Parse(h->last);
	assert_error(r, h->last, -32602);
	assert_raw_id(h->last, "1");
	snprintf(disabled_msg, sizeof(disabled_msg), "%s", error_message(r));
	cJSON_Delete(r);
	/* no other tool the tenant has not enabled is named */
	for (i = 0; all_tools[i] != NULL; i++) {
		bool enabled = strcmp(all_tools[i], limited_tools[0]) == 0 ||
		    strcmp(all_tools[i], limited_tools[1]) == 0;

		if (!enabled && strcmp(all_tools[i], "get_database_overview") != 0 &&
		    strstr(disabled_msg, all_tools[i]) != NULL)
			fail_msg("the error names the disabled tool %s: %s", all_tools[i], disabled_msg);
	}

	/* a name that exists nowhere, of the same length */
	assert_null(h_call(h, 2, "xxx_xxxxxxxx_xxxxxxxx", NULL));
	r = cJSON_Parse(h->last);
	assert_error(r, h->last, -32602);
	snprintf(unknown_msg, sizeof(unknown_msg), "%s", error_message(r));
	cJSON_Delete(r);
	/* No oracle: the two messages differ only where the client's own name is echoed. */
	if ((p = strstr(disabled_msg, "get_database_overview")) != NULL)
		memcpy(p, "xxx_xxxxxxxx_xxxxxxxx", strlen("xxx_xxxxxxxx_xxxxxxxx"));
	assert_string_equal(disabled_msg, unknown_msg);

	/* the enabled ones are still callable (a tool error: no database) */
	r = h_call(h, 3, "count_customer_table_rows", "{\"table_name\":\"invoices\"}");
	assert_non_null(r);
	assert_true(h_is_error(r));
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_call_db_down(void **state)
{
	struct h_proc *h = start(NULL);
	cJSON *r;
	size_t i;

	(void)state;
	h_initialize(h, NULL);
	for (i = 0; all_tools[i] != NULL; i++) {
		bool takes_table = strcmp(all_tools[i], "describe_customer_table") == 0 ||
		    strcmp(all_tools[i], "get_customer_table_sample") == 0 ||
		    strcmp(all_tools[i], "count_customer_table_rows") == 0;
		const char *args = takes_table ? "{\"table_name\":\"invoices\"}" : "{}";

		r = h_call(h, (long)i + 1, all_tools[i], args);
		if (r == NULL)
			fail_msg("%s: a protocol error instead of a tool error: %s", all_tools[i], h->last);
		assert_true(h_is_error(r));
		if (strncmp(h_text(r), "unavailable:", 12) != 0)
			fail_msg("%s: expected unavailable:, got %s", all_tools[i], h_text(r));
		assert_null(cJSON_GetObjectItemCaseSensitive(r, "structuredContent"));
		/* the password never shows */
		assert_null(strstr(h->last, "not-a-real-password"));
		cJSON_Delete(r);
	}
	/* and the session goes on */
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":100,\"method\":\"ping\"}");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(r, "result"));
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

struct acase {
	const char *id;
	const char *tool;
	const char *args;
	const char *names;	/* the argument the error must name */
};

static const struct acase acases[] = {
	{ "A01", "get_customer_table_sample", "{\"table_name\":\"invoices\",\"limit\":\"10\"}", "limit" },
	{ "A02", "get_customer_table_sample", "{\"table_name\":\"invoices\",\"limit\":0}", "limit" },
	{ "A03", "get_customer_table_sample", "{\"table_name\":\"invoices\",\"limit\":1e12}", "limit" },
	{ "A04", "get_customer_table_sample", "{\"table_name\":\"invoices\",\"bogus\":1}", "bogus" },
	{ "A05", "describe_customer_table", "{}", "table_name" },
	{ "A06", "get_customer_table_sample", "{\"limit\":5}", "table_name" },
	{ "A07", "count_customer_table_rows", "{\"table_name\":5}", "table_name" },
	{ "A08", "get_customer_table_sample", "{\"table_name\":\"invoices\",\"limit\":2.5}", "limit" },
	{ "A09", "get_customer_table_sample", "{\"table_name\":\"invoices\",\"limit\":101}", "limit" },
	{ "A10", "get_customer_table_sample", "{\"table_name\":\"invoices\",\"limit\":-1}", "limit" },
	{ "A11", "list_customer_tables", "{\"table_name\":\"invoices\"}", "table_name" },
	{ "A12", "describe_customer_table", "{\"table_name\":\"\"}",
	    "argument 'table_name' must not be empty" },
	{ "A13", "describe_customer_table",
	    "{\"table_name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
	    "'table_name' must be 1 to 64 characters long, got 65 characters" },
	{ "A14", "describe_customer_table", "{\"table_name\":[\"invoices\"]}", "table_name" },
	{ "A15", "get_customer_table_sample", "{\"table_name\":\"invoices\",\"limit\":true}", "limit" },
	{ "A16", "test_customer_database_connection", "{\"verbose\":true}", "verbose" },
	{ "A17", "describe_customer_table", "{\"table_name\":null}", "table_name" },
};

static void
test_invalid_arguments(void **state)
{
	struct h_proc *h = start(NULL);
	size_t i;

	(void)state;
	h_initialize(h, NULL);
	for (i = 0; i < sizeof(acases) / sizeof(acases[0]); i++) {
		const struct acase *c = &acases[i];
		cJSON *r = h_call(h, (long)i + 1, c->tool, c->args);

		if (r == NULL)
			fail_msg("%s: a protocol error instead of a tool error: %s", c->id, h->last);
		if (!h_is_error(r) || strncmp(h_text(r), "invalid:", 8) != 0 ||
		    strstr(h_text(r), c->names) == NULL)
			fail_msg("%s: expected invalid: naming %s, got %s", c->id, c->names, h->last);
		cJSON_Delete(r);
	}
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

/* ------------------------------------------------------------------- CLI */

static int
run_cli(const char *const *args, const char *const *env, char ***out, size_t *n, char **err)
{
	int status;

	*out = h_transcript(args, env, NULL, 0, n, &status, err);
	return status;
}

/* ------------------------------------------ a database that does not answer */

/*
 * A listening socket nobody accepts on: the kernel completes the TCP
 * handshake, and the client then waits for a server greeting that never
 * comes, as with a database host that hangs.  Returns the port; *fd is
 * closed by the caller.
 */
static int
blackhole(int *fd)
{
	struct sockaddr_in a;
	socklen_t n = sizeof(a);

	*fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(*fd, 64), 0);
	assert_int_equal(getsockname(*fd, (struct sockaddr *)&a, &n), 0);
	return ntohs(a.sin_port);
}

static struct h_proc *
start_hole(int port, int connect_timeout_s, char **path)
{
	char text[512];
	const char *args[] = { "--config", NULL, "--tenant", "hole", NULL };

	snprintf(text, sizeof(text), "tenants:\n  hole:\n    database: {host: 127.0.0.1,"
	    " port: %d, name: x, user: u, password: p, ssl_mode: disabled,"
	    " connect_timeout_s: %d}\n    enabled_tools: [list_customer_tables]\n",
	    port, connect_timeout_s);
	*path = h_temp_file(text);
	args[1] = *path;
	return h_spawn(args, NULL);
}

/*
 * Third adversarial pass: a cancel for a large id one past the running
 * call's did not leave it alone (ids were compared as doubles); ping is
 * answered while the call hangs in connect.
 */
static void
test_hole_cancel_other_id(void **state)
{
	int fd, port = blackhole(&fd);
	char *path;
	struct h_proc *h = start_hole(port, 2, &path);
	cJSON *r;

	(void)state;
	h_initialize(h, NULL);
	h_send(h, "{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"method\":\"tools/call\","
	    "\"params\":{\"name\":\"list_customer_tables\"}}");
	h_send(h, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
	    "{\"requestId\":12345678901234567891}}");
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
	assert_raw_id(h->last, "2");
	cJSON_Delete(r);
	/* the call was not cancelled: its answer comes, after the connect timeout */
	r = h_recv(h);
	assert_raw_id(h->last, "12345678901234567890");
	if (strstr(h->last, "unavailable:") == NULL)
		fail_msg("expected unavailable:, got %s", h->last);
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
	unlink(path);
	free(path);
	close(fd);
}

/*
 * Third adversarial pass: the queue of waiting calls had no cap (300
 * calls of 3 MB took 888 MB), and end of input waited out a hanging
 * database.  Calls past MCP_MAX_QUEUED (256) get -32000 at once; end of
 * input ends the process with 0 long before the 30 s connect timeout.
 */
static void
test_hole_queue_cap_and_eof(void **state)
{
	int fd, port = blackhole(&fd);
	char *path, line[256], *l;
	struct h_proc *h = start_hole(port, 30, &path);
	int i, busy = 0;
	long long t0;

	(void)state;
	h_initialize(h, NULL);
	for (i = 0; i < 300; i++) {
		snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":"
		    "\"tools/call\",\"params\":{\"name\":\"list_customer_tables\"}}", 100 + i);
		h_send(h, line);
		if (i == 0)
			usleep(300000);	/* the worker takes the first and hangs in connect */
	}
	/* 1 runs, 256 wait, 43 are refused at once */
	while (busy < 43 && (l = h_read_line(h, 5000)) != NULL) {
		if (strstr(l, "\"code\":-32000") == NULL || strstr(l, "Server busy") == NULL)
			fail_msg("expected a busy error, got %s", l);
		busy++;
		free(l);
	}
	assert_int_equal(busy, 43);
	if (h_line_within(h, 300))
		fail_msg("a 44th answer: %s", h->buf);
	t0 = h_now_ms();
	h_close_stdin(h);
	assert_int_equal(h_wait(h, 10000), 0);
	if (h_now_ms() - t0 > 6000)
		fail_msg("end of input took %lld ms with a hanging database", h_now_ms() - t0);
	unlink(path);
	free(path);
	close(fd);
}

/* Peak resident memory of a live process, in KiB (VmHWM), or -1. */
static long
peak_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

/*
 * Fourth adversarial pass: the queue cap counted request lines, but a
 * waiting job keeps its parsed arguments, about 40 times a line of small
 * numbers (15 such 4 MiB lines took 2.6 GB).  Now the parsed size counts:
 * with one call hanging and one waiting, 1 MiB lines of 500,000 numbers
 * (some 40 MB parsed each) are turned away, and memory stays bounded.
 */
static void
test_hole_queue_memory(void **state)
{
	int fd, port = blackhole(&fd);
	char *path, *line, *l;
	struct h_proc *h = start_hole(port, 30, &path);
	size_t i, n = 1u << 20, k;
	int busy = 0;
	long kib;

	(void)state;
	h_initialize(h, NULL);
	h_send(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
	    "{\"name\":\"list_customer_tables\"}}");
	usleep(300000);
	line = malloc(n + 256);
	assert_non_null(line);
	for (i = 0; i < 14; i++) {
		k = (size_t)snprintf(line, 256, "{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":"
		    "\"tools/call\",\"params\":{\"name\":\"list_customer_tables\",\"arguments\":"
		    "{\"x\":[0", i + 10);
		while (k + 2 < n) {
			line[k++] = ',';
			line[k++] = '0';
		}
		memcpy(line + k, "]}}}", 5);
		h_send(h, line);
	}
	free(line);
	/* the first waits behind the hanging call; the other 13 are turned away */
	while (busy < 13 && (l = h_read_line(h, 10000)) != NULL) {
		if (strstr(l, "\"code\":-32000") == NULL)
			fail_msg("expected a busy error, got %.200s", l);
		busy++;
		free(l);
	}
	assert_int_equal(busy, 13);
	kib = peak_kib(h->pid);
#if defined(__SANITIZE_ADDRESS__)
	(void)kib;	/* ASan keeps freed memory in quarantine: RSS says nothing here */
#else
	if (kib < 0 || kib > 250 * 1024)
		fail_msg("peak RSS %ld KiB with 14 big calls sent", kib);
#endif
	h_close_stdin(h);
	assert_int_equal(h_wait(h, 10000), 0);
	unlink(path);
	free(path);
	close(fd);
}

/* Bytes that are not UTF-8 never come back raw; a lone surrogate keeps its id. */
static void
test_bad_text(void **state)
{
	struct h_proc *h = start(NULL);
	cJSON *r;
	size_t i;

	(void)state;
	h_initialize(h, NULL);
	h_send(h, "{\"jsonrpc\":\"2.0\",\"id\":\"\xff\",\"method\":\"ping\"}");
	r = h_recv(h);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "error"), "code")->valueint,
	    -32700);
	assert_null(cJSON_GetObjectItem(r, "id"));
	for (i = 0; h->last[i] != '\0'; i++)
		assert_true((unsigned char)h->last[i] < 0x80);
	cJSON_Delete(r);
	/* a raw NUL in a string: not JSON, not cut silently */
	h_send_raw(h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
	    "{\"name\":\"count_customer_table_rows\",\"arguments\":{\"table_name\":\"invoices\0x\"}}}\n",
	    133);
	r = h_recv(h);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "error"), "code")->valueint,
	    -32700);
	cJSON_Delete(r);
	/* a lone surrogate: the request is answered, with its id, as an invalid argument */
	r = h_call(h, 7, "count_customer_table_rows", "{\"table_name\":\"\\ud800\"}");
	assert_non_null(r);
	assert_true(h_is_error(r));
	if (strncmp(h_text(r), "invalid:", 8) != 0 || strstr(h_text(r), "surrogate") == NULL)
		fail_msg("got %s", h->last);
	cJSON_Delete(r);
	/* a key twice ("id\u0000" is "id" to cJSON): no id can be trusted */
	r = h_request(h, "{\"jsonrpc\":\"2.0\",\"id\\u0000\":\"s\",\"id\":{\"x\":[1]},"
	    "\"method\":\"ping\"}");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "error"), "code")->valueint,
	    -32600);
	assert_null(cJSON_GetObjectItem(r, "id"));
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, H_TIMEOUT_MS), 0);
}

static void
test_cli_version_help(void **state)
{
	const char *v[] = { "--version", NULL }, *hl[] = { "--help", NULL };
	char **out, *err;
	size_t n;

	(void)state;
	assert_int_equal(run_cli(v, NULL, &out, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "saia-mcp 0.1.0");
	h_free_lines(out, n);
	free(err);
	assert_int_equal(run_cli(hl, NULL, &out, &n, &err), 0);
	assert_true(n > 3);
	assert_non_null(strstr(out[0], "usage: saia-mcp"));
	h_free_lines(out, n);
	free(err);
}

static void
test_cli_usage_errors(void **state)
{
	const char *no_config[] = { "--tenant", "acme", NULL };
	const char *no_tenant[] = { "--config", profile, NULL };
	const char *stray[] = { "--config", profile, "--tenant", "acme", "extra", NULL };
	const char *bad_opt[] = { "--config", profile, "--tenant", "acme", "--frobnicate", NULL };
	const char *missing_file[] = { "--config", "/nonexistent/saia.yaml", "--tenant", "acme", NULL };
	const char *no_value[] = { "--tenant", "acme", "--config", NULL };
	const char *bad_short[] = { "-x", "--config", profile, "--tenant", "acme", NULL };
	const char *both[] = { "--config", profile, "--tenant", "acme", "--check", "--list-tools",
	    NULL };
	const char *clear[] = { "SAIA_MCP_CONFIG", "SAIA_MCP_TENANT", NULL };
	const struct {
		const char **argv;
		const char *says;
	} one_line[] = {
		{ no_config, "--config FILE is required (or set SAIA_MCP_CONFIG)" },
		{ no_tenant, "--tenant NAME is required (or set SAIA_MCP_TENANT)" },
		{ stray, "unexpected argument 'extra'" },
		{ bad_opt, "unknown option '--frobnicate'" },
		{ no_value, "option '--config' needs a value" },
		{ bad_short, "unknown option '-x'" },
		{ both, "--check and --list-tools go alone" },
	};
	char **out, *err;
	size_t i, n;

	(void)state;
	/* CONTRACT 2: a usage error is one line on stderr, exit status 2. */
	for (i = 0; i < sizeof(one_line) / sizeof(one_line[0]); i++) {
		assert_int_equal(run_cli(one_line[i].argv, clear, &out, &n, &err), 2);
		assert_int_equal(n, 0);
		if (strstr(err, one_line[i].says) == NULL)
			fail_msg("case %zu: stderr '%s' lacks '%s'", i, err, one_line[i].says);
		assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
		h_free_lines(out, n);
		free(err);
	}
	assert_int_equal(run_cli(no_config, clear, &out, &n, &err), 2);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, "--config"));
	h_free_lines(out, n);
	free(err);
	assert_int_equal(run_cli(no_tenant, clear, &out, &n, &err), 2);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, "--tenant"));
	h_free_lines(out, n);
	free(err);
	assert_int_equal(run_cli(stray, clear, &out, &n, &err), 2);
	assert_int_equal(n, 0);
	h_free_lines(out, n);
	free(err);
	assert_int_equal(run_cli(bad_opt, clear, &out, &n, &err), 2);
	assert_int_equal(n, 0);
	h_free_lines(out, n);
	free(err);
	assert_int_equal(run_cli(missing_file, clear, &out, &n, &err), 2);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, "/nonexistent/saia.yaml"));
	h_free_lines(out, n);
	free(err);
}

static void
test_cli_unknown_tenant(void **state)
{
	const char *args[] = { "--config", profile, "--tenant", "globex", NULL };
	char **out, *err;
	size_t n;

	(void)state;
	assert_int_equal(run_cli(args, NULL, &out, &n, &err), 2);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, "globex"));
	assert_non_null(strstr(err, "acme"));
	assert_non_null(strstr(err, "limited"));
	h_free_lines(out, n);
	free(err);
}

static void
test_cli_bad_profile(void **state)
{
	const char *args[] = { "--config", bad_profile, "--tenant", "acme", NULL };
	char **out, *err, want[256];
	size_t n;

	(void)state;
	assert_int_equal(run_cli(args, NULL, &out, &n, &err), 2);
	assert_int_equal(n, 0);
	snprintf(want, sizeof(want), "%s:4:5:", bad_profile);
	if (strstr(err, want) == NULL)
		fail_msg("expected %s on stderr, got: %s", want, err);
	assert_non_null(strstr(err, "databse"));
	/* one line */
	assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
	h_free_lines(out, n);
	free(err);
}

static void
test_cli_list_tools(void **state)
{
	const char *full[] = { "--config", profile, "--tenant", "acme", "--list-tools", NULL };
	const char *lim[] = { "--config", profile, "--tenant", "limited", "--list-tools", NULL };
	char **out, *err;
	size_t n, i, j;

	(void)state;
	assert_int_equal(run_cli(full, NULL, &out, &n, &err), 0);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		bool found = false;
		for (j = 0; all_tools[j] != NULL; j++)
			found |= strcmp(out[i], all_tools[j]) == 0;
		if (!found)
			fail_msg("--list-tools printed %s", out[i]);
		for (j = 0; j < i; j++)
			assert_string_not_equal(out[i], out[j]);
	}
	h_free_lines(out, n);
	free(err);
	assert_int_equal(run_cli(lim, NULL, &out, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_true((strcmp(out[0], limited_tools[0]) == 0 && strcmp(out[1], limited_tools[1]) == 0) ||
	    (strcmp(out[0], limited_tools[1]) == 0 && strcmp(out[1], limited_tools[0]) == 0));
	h_free_lines(out, n);
	free(err);
}

/*
 * --list-tools never connects, so it needs no password: a password_env that
 * is not set stops --check (exit 2) but not --list-tools.
 */
static void
test_cli_list_tools_no_secret(void **state)
{
	char *cfg = h_temp_file("tenants:\n  t:\n    database: {host: 127.0.0.1, port: 1, name: d,"
	    " user: u, password_env: SAIA_TEST_SURELY_UNSET}\n"
	    "    enabled_tools: [list_customer_tables]\n");
	const char *list[] = { "--config", cfg, "--tenant", "t", "--list-tools", NULL };
	const char *check[] = { "--config", cfg, "--tenant", "t", "--check", NULL };
	char **out, *err;
	size_t n;

	(void)state;
	assert_int_equal(run_cli(list, NULL, &out, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "list_customer_tables");
	h_free_lines(out, n);
	free(err);
	assert_int_equal(run_cli(check, NULL, &out, &n, &err), 2);
	assert_non_null(strstr(err, "SAIA_TEST_SURELY_UNSET is not set"));
	h_free_lines(out, n);
	free(err);
	unlink(cfg);
	free(cfg);
}

/* $SAIA_MCP_CONFIG and $SAIA_MCP_TENANT stand in for the options. */
static void
test_cli_env_fallback(void **state)
{
	char cfg[512];
	const char *env[] = { cfg, "SAIA_MCP_TENANT=limited", NULL };
	const char *args[] = { "--list-tools", NULL };
	char **out, *err;
	size_t n;

	(void)state;
	snprintf(cfg, sizeof(cfg), "SAIA_MCP_CONFIG=%s", profile);
	assert_int_equal(run_cli(args, env, &out, &n, &err), 0);
	assert_int_equal(n, 2);
	h_free_lines(out, n);
	free(err);
}

/* stdout carries JSON-RPC lines only, whatever comes in. */
static void
test_stdout_is_protocol_only(void **state)
{
	static const char *const lines[] = {
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
		"{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{}}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
		"garbage",
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
		"{\"name\":\"test_customer_database_connection\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":"
		"{\"name\":\"get_customer_table_sample\",\"arguments\":{\"table_name\":\"x\\u0000y\"}}}",
		"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":"
		"{\"name\":\"describe_customer_table\",\"arguments\":{\"table_name\":\"\\u00ff\\ud83d\\ude00\"}}}",
		"{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":"
		"{\"name\":\"describe_customer_table\",\"arguments\":{\"table_name\":\"\\udc00\"}}}",
		"\x01\x02\xff\xfe",
		"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}",
	};
	const char *args[] = { "--config", profile, "--tenant", "acme", NULL };
	char **out, *err;
	size_t n, i;
	int status;

	(void)state;
	out = h_transcript(args, NULL, lines, sizeof(lines) / sizeof(lines[0]), &n, &status, &err);
	assert_int_equal(status, 0);
	/* everything with an id, plus the garbage lines, was answered */
	assert_int_equal(n, 10);
	for (i = 0; i < n; i++) {
		cJSON *j = cJSON_Parse(out[i]);

		if (j == NULL)
			fail_msg("stdout line %zu is not JSON: %.300s", i, out[i]);
		assert_string_equal(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(j, "jsonrpc")), "2.0");
		cJSON_Delete(j);
	}
	h_free_lines(out, n);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_requests, teardown),
		cmocka_unit_test_teardown(test_initialize_versions, teardown),
		cmocka_unit_test_teardown(test_initialize_version_not_string, teardown),
		cmocka_unit_test_teardown(test_notifications_unanswered, teardown),
		cmocka_unit_test_teardown(test_crlf_and_blank_lines, teardown),
		cmocka_unit_test_teardown(test_blank_first_line, teardown),
		cmocka_unit_test_teardown(test_huge_line, teardown),
		cmocka_unit_test_teardown(test_line_limit_edges, teardown),
		cmocka_unit_test_teardown(test_long_line_under_limit, teardown),
		cmocka_unit_test_teardown(test_eof_exits_zero, teardown),
		cmocka_unit_test_teardown(test_eof_before_anything, teardown),
		cmocka_unit_test_teardown(test_eof_with_call_pending, teardown),
		cmocka_unit_test_teardown(test_tools_list, teardown),
		cmocka_unit_test_teardown(test_tools_list_order_stable, teardown),
		cmocka_unit_test_teardown(test_tools_list_2024, teardown),
		cmocka_unit_test_teardown(test_tools_list_limited, teardown),
		cmocka_unit_test_teardown(test_call_disabled_tool, teardown),
		cmocka_unit_test_teardown(test_call_db_down, teardown),
		cmocka_unit_test_teardown(test_invalid_arguments, teardown),
		cmocka_unit_test_teardown(test_cli_version_help, teardown),
		cmocka_unit_test_teardown(test_cli_usage_errors, teardown),
		cmocka_unit_test_teardown(test_hole_cancel_other_id, teardown),
		cmocka_unit_test_teardown(test_hole_queue_cap_and_eof, teardown),
		cmocka_unit_test_teardown(test_hole_queue_memory, teardown),
		cmocka_unit_test_teardown(test_bad_text, teardown),
		cmocka_unit_test_teardown(test_instructions_tenant_tools, teardown),
		cmocka_unit_test_teardown(test_cli_unknown_tenant, teardown),
		cmocka_unit_test_teardown(test_cli_bad_profile, teardown),
		cmocka_unit_test_teardown(test_cli_list_tools, teardown),
		cmocka_unit_test_teardown(test_cli_list_tools_no_secret, teardown),
		cmocka_unit_test_teardown(test_cli_env_fallback, teardown),
		cmocka_unit_test_teardown(test_stdout_is_protocol_only, teardown),
	};

	return cmocka_run_group_tests_name("protocol", tests, group_setup, group_teardown);
}
