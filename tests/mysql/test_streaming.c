/*
 * Long and large calls against the real MariaDB (CONTRACT sections 5, 8
 * and 9, issue 5): a result far over the caps is cut at a whole row, by
 * rows or by bytes, and the session goes on; 200,000 rows stream through
 * in bounded memory; ping is answered while a statement runs;
 * notifications/cancelled and end of input stop the statement on the
 * database (checked from a root connection in information_schema
 * PROCESSLIST) and the cancelled call gets no response; the statement time
 * limit comes back as "timeout:"; progress notifications increase and
 * echo the token.
 *
 * Needs SAIA_TEST_CONFIG (scripts/db.sh config) and SAIA_DB_SOCKET
 * (scripts/db.sh env).  Without them the tests skip; in CI (CI set) they
 * fail.  To the tenants of that file the tests add `stream_big`, the same
 * account with max_rows 1000000, max_bytes 4 MiB and a 60 s time limit.
 *
 * Other tests use the same account at the same time, so every statement
 * here carries a marker column alias (stream_sNN) and the processlist is
 * searched for the marker, never for the account alone.  Bounds on time
 * are generous on purpose: these are not timing tests.
 *
 * Cases carry stable ids (S01, ...) that are never renumbered.
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

#include <mysql.h>

#include "harness.h"
#include "mcp.h"

#define MAX_LINE (10u << 20)		/* what real clients accept */
#define HWM_BOUND_KB (64L * 1024)	/* peak RSS bound for one server */

/* 180^3 = 5,832,000 rows: the LIMIT decides. */
#define BIG_ROWS(m) "SELECT a.id AS " m ", b.id, c.id FROM invoice_items a, invoice_items b," \
	" invoice_items c LIMIT 200000"
/* 233,280,000 combinations to count: about 12 s on the test database. */
#define SLOW_COUNT(m) "SELECT COUNT(*) AS " m " FROM invoice_items a, invoice_items b," \
	" invoice_items c, contacts d"
/* Rows that trickle: one combination in 300 passes, about 40,000 rows a second. */
/* Rows that come slowly: about 65 a second. */
#define TRICKLE_SLOW(m) "SELECT a.id AS " m ", b.id, c.id, d.id FROM invoice_items a," \
	" invoice_items b, invoice_items c, contacts d" \
	" WHERE (a.id + b.id * 3 + c.id * 7 + d.id * 11) % 300000 = 0"
#define TRICKLE(m, n) "SELECT a.id AS " m ", b.id, c.id, d.id FROM invoice_items a," \
	" invoice_items b, invoice_items c, contacts d" \
	" WHERE (a.id + b.id * 3 + c.id * 7 + d.id * 11) % 300 = 0 LIMIT " #n

static bool ready;		/* config and admin connection found */
static char why_not[256];
static char *cfg_path;		/* SAIA_TEST_CONFIG plus stream_big; unlink and free */
static MYSQL *admin;		/* root over the socket, for the processlist */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t n = 0, cap = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap * 2 + 4096;
			s = realloc(s, cap);
			assert_non_null(s);
		}
		r = fread(s + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	s[n] = '\0';
	return s;
}

/* The port of tenant `full` in the test config, or 0. */
static int
full_port(const char *cfg)
{
	const char *p = strstr(cfg, "\n  full:");

	if (p == NULL || (p = strstr(p, "port:")) == NULL)
		return 0;
	return atoi(p + 5);
}

static int
group_setup(void **state)
{
	const char *src = getenv("SAIA_TEST_CONFIG");
	const char *sock = getenv("SAIA_DB_SOCKET");
	char *cfg, *text;
	size_t n;
	int port;

	(void)state;
	if (src == NULL || *src == '\0' || (cfg = slurp(src)) == NULL) {
		snprintf(why_not, sizeof(why_not), "SAIA_TEST_CONFIG is not set or not readable"
		    " (bash scripts/db.sh config FILE)");
		return 0;
	}
	if ((port = full_port(cfg)) == 0) {
		snprintf(why_not, sizeof(why_not), "no tenant `full` with a port in %s", src);
		free(cfg);
		return 0;
	}
	n = strlen(cfg) + 1024;
	text = malloc(n);
	assert_non_null(text);
	snprintf(text, n, "%s\n"
	    "  stream_big:   # added by test_streaming: high caps\n"
	    "    database: {host: 127.0.0.1, port: %d, name: saia_demo, user: saia_ro,\n"
	    "               password_env: SAIA_DEMO_PASSWORD, ssl_mode: disabled, connect_timeout_s: 2}\n"
	    "    enabled_tools: [execute_safe_query]\n"
	    "    limits: {max_rows: 1000000, max_bytes: 4194304, query_timeout_ms: 60000}\n",
	    cfg, port);
	cfg_path = h_temp_file(text);
	free(text);
	free(cfg);

	if (sock == NULL || *sock == '\0') {
		snprintf(why_not, sizeof(why_not), "SAIA_DB_SOCKET is not set"
		    " (eval \"$(bash scripts/db.sh env)\")");
		return 0;
	}
	admin = mysql_init(NULL);
	if (mysql_real_connect(admin, NULL, "root", NULL, NULL, 0, sock, 0) == NULL) {
		snprintf(why_not, sizeof(why_not), "cannot connect as root over %s: %s", sock,
		    mysql_error(admin));
		mysql_close(admin);
		admin = NULL;
		return 0;
	}
	ready = true;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	if (cfg_path != NULL) {
		unlink(cfg_path);
		free(cfg_path);
	}
	if (admin != NULL)
		mysql_close(admin);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	return 0;
}

static void
need_db(void)
{
	if (ready)
		return;
	if (getenv("CI") != NULL)
		fail_msg("CI: the database tests cannot run: %s", why_not);
	fprintf(stderr, "skipping: %s\n", why_not);
	skip();
}

/* ---- helpers ---- */

/* Statements of the tenant account whose text holds marker, running now. */
static long
running(const char *marker)
{
	char sql[512];
	MYSQL_RES *res;
	MYSQL_ROW row;
	long n = -1;

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
	    " WHERE USER = 'saia_ro' AND COMMAND <> 'Sleep' AND INFO LIKE '%%%s%%'", marker);
	if (mysql_query(admin, sql) != 0)
		fail_msg("processlist: %s", mysql_error(admin));
	res = mysql_store_result(admin);
	if (res != NULL && (row = mysql_fetch_row(res)) != NULL && row[0] != NULL)
		n = atol(row[0]);
	mysql_free_result(res);
	return n;
}

/* Poll until running(marker) == want or ms pass; returns the last count. */
static long
wait_running(const char *marker, long want, int ms)
{
	long long deadline = h_now_ms() + ms;
	long n;

	while ((n = running(marker)) != want && h_now_ms() < deadline)
		usleep(50 * 1000);
	return n;
}

static struct h_proc *
start(const char *tenant)
{
	const char *args[] = { "--config", cfg_path, "--tenant", tenant, NULL };
	struct h_proc *h = h_spawn(args, NULL);

	h_initialize(h, NULL);
	return h;
}

/* Send a tools/call of execute_safe_query; token: raw JSON of a progressToken or NULL. */
static void
send_query(struct h_proc *h, long id, const char *sql, long limit, const char *token)
{
	cJSON *args = cJSON_CreateObject();
	char *a, line[4096];

	cJSON_AddStringToObject(args, "sql", sql);
	if (limit > 0)
		cJSON_AddNumberToObject(args, "limit", (double)limit);
	a = cJSON_PrintUnformatted(args);
	if (token != NULL)
		snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\","
		    "\"params\":{\"name\":\"execute_safe_query\",\"arguments\":%s,"
		    "\"_meta\":{\"progressToken\":%s}}}", id, a, token);
	else
		snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\","
		    "\"params\":{\"name\":\"execute_safe_query\",\"arguments\":%s}}", id, a);
	h_send(h, line);
	free(a);
	cJSON_Delete(args);
}

static void
send_cancel(struct h_proc *h, long id)
{
	char line[256];

	snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":%ld,\"reason\":\"test\"}}", id);
	h_send(h, line);
}

/* The raw text of params.progressToken in line (numbers keep every digit); free(). */
static char *
raw_token(const char *line)
{
	const char *p, *t;
	size_t np, nt;
	char *s;

	p = mcp_raw_member(line, strlen(line), "params", &np);
	assert_non_null(p);
	t = mcp_raw_member(p, np, "progressToken", &nt);
	assert_non_null(t);
	s = malloc(nt + 1);
	assert_non_null(s);
	memcpy(s, t, nt);
	s[nt] = '\0';
	return s;
}

struct progress {
	size_t n;		/* notifications seen */
	double last;		/* their last progress value */
	bool increasing;
	char *token;		/* raw JSON of the first one's token (free()) */
};

/*
 * Read lines until the response with id; progress notifications on the
 * way are checked and counted into pr (may be NULL: then none may come).
 * Returns the parsed response (cJSON_Delete()); the raw line is h->last.
 */
static cJSON *
read_response(struct h_proc *h, long id, int timeout_ms, struct progress *pr)
{
	long long deadline = h_now_ms() + timeout_ms;

	for (;;) {
		long long left = deadline - h_now_ms();
		const cJSON *rid, *meth;
		char *line;
		cJSON *j;

		if (left <= 0)
			fail_msg("no response to id %ld within %d ms", id, timeout_ms);
		line = h_read_line(h, (int)left);
		if (line == NULL) {
			char *err = h_stderr(h);
			fail_msg("the server closed stdout before answering id %ld; stderr: %.2000s", id, err);
		}
		free(h->last);
		h->last = line;
		if ((j = cJSON_Parse(line)) == NULL)
			fail_msg("a line that is not JSON: %.300s", line);
		rid = cJSON_GetObjectItemCaseSensitive(j, "id");
		meth = cJSON_GetObjectItemCaseSensitive(j, "method");
		if (cJSON_IsString(meth) && strcmp(meth->valuestring, "notifications/progress") == 0) {
			const cJSON *params = cJSON_GetObjectItemCaseSensitive(j, "params");
			const cJSON *p = cJSON_GetObjectItemCaseSensitive(params, "progress");

			if (pr == NULL)
				fail_msg("progress without a progressToken: %.300s", line);
			assert_true(cJSON_IsNumber(p));
			if (pr->n > 0 && p->valuedouble <= pr->last)
				pr->increasing = false;
			pr->last = p->valuedouble;
			if (pr->n++ == 0)
				pr->token = raw_token(line);
			cJSON_Delete(j);
			continue;
		}
		if (!cJSON_IsNumber(rid) || rid->valuedouble != (double)id)
			fail_msg("waiting for id %ld, got: %.300s", id, line);
		return j;
	}
}

/* The result object of a response (borrowed), failing on a JSON-RPC error. */
static const cJSON *
result_of(const cJSON *resp, const char *raw)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(resp, "result");

	if (!cJSON_IsObject(r))
		fail_msg("not a result: %.500s", raw);
	return r;
}

/*
 * A successful row result: checks the shape (every row an array of ncols
 * values, row_count the number of rows, the text copy the same JSON) and
 * returns structuredContent (borrowed).
 */
static const cJSON *
rows_ok(const cJSON *result, int ncols)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(result, "structuredContent");
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(sc, "rows");
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(sc, "row_count");
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(sc, "columns");
	const cJSON *row;
	cJSON *copy;

	if (h_is_error(result))
		fail_msg("tool error: %.500s", h_text(result));
	assert_true(cJSON_IsObject(sc));
	assert_true(cJSON_IsArray(rows));
	assert_true(cJSON_IsNumber(rc));
	assert_int_equal(cJSON_GetArraySize(cols), ncols);
	assert_int_equal((long)rc->valuedouble, cJSON_GetArraySize(rows));
	cJSON_ArrayForEach(row, rows) {
		assert_true(cJSON_IsArray(row));
		assert_int_equal(cJSON_GetArraySize(row), ncols);
	}
	copy = cJSON_Parse(h_text(result));
	assert_non_null(copy);
	assert_true(cJSON_Compare(copy, sc, true));
	cJSON_Delete(copy);
	return sc;
}

static bool
truncated(const cJSON *sc)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sc, "truncated"));
}

static long
row_count(const cJSON *sc)
{
	return (long)cJSON_GetObjectItemCaseSensitive(sc, "row_count")->valuedouble;
}

/* Peak resident set of the server so far, kB (VmHWM). */
static long
vm_hwm_kb(const struct h_proc *h)
{
	char path[64], *s, *p;
	long kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)h->pid);
	if ((s = slurp(path)) == NULL)
		fail_msg("cannot read %s", path);
	if ((p = strstr(s, "VmHWM:")) != NULL)
		kb = atol(p + 6);
	free(s);
	assert_true(kb > 0);
	return kb;
}

/*
 * Is the server a sanitizer build (scripts/test.sh runs the suites on one)?
 * AddressSanitizer's shadow memory and quarantine make its RSS no measure
 * of ours, so the memory bound is checked on normal builds only.
 */
static bool
sanitized(const struct h_proc *h)
{
	char path[64], *s;
	bool yes;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)h->pid);
	if ((s = slurp(path)) == NULL)
		return false;
	yes = strstr(s, "libasan") != NULL || strstr(s, "clang_rt.asan") != NULL ||
	    strstr(s, "libtsan") != NULL;
	free(s);
	return yes;
}

/* Peak RSS under the bound (not checked on a sanitizer build). */
static void
memory_bounded(const struct h_proc *h, const char *what)
{
	long kb = vm_hwm_kb(h);

	print_message("%s: VmHWM %ld kB%s\n", what, kb,
	    sanitized(h) ? " (sanitizer build: bound not checked)" : "");
	if (!sanitized(h))
		assert_true(kb < HWM_BOUND_KB);
}

/* A ping answered within ms, with its own id. */
static void
ping_within(struct h_proc *h, long id, int ms)
{
	char line[128];
	long long t0 = h_now_ms();
	cJSON *r;

	snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"ping\"}", id);
	h_send(h, line);
	r = read_response(h, id, ms, NULL);
	assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r, "result")));
	cJSON_Delete(r);
	assert_true(h_now_ms() - t0 <= ms);
}

/* The session still works: a small call answers 180 at once. */
static void
next_call_works(struct h_proc *h, long id)
{
	cJSON *r;
	const cJSON *sc;

	send_query(h, id, "SELECT COUNT(*) FROM invoice_items", 0, NULL);
	r = read_response(h, id, 5000, NULL);
	sc = rows_ok(result_of(r, h->last), 1);
	assert_int_equal(cJSON_GetArrayItem(cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(sc, "rows"), 0), 0)->valuedouble, 180);
	cJSON_Delete(r);
}

/* ---- S01..S04: large results ---- */

/* S01: 200,000 rows under the default caps: cut at max_rows (500), whole rows. */
static void
s01_row_cap(void **state)
{
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;

	(void)state;
	need_db();
	h = start("full");
	send_query(h, 1, BIG_ROWS("stream_s01"), 1000000, NULL);
	r = read_response(h, 1, 30000, NULL);
	assert_true(strlen(h->last) < MAX_LINE);
	sc = rows_ok(result_of(r, h->last), 3);
	assert_true(truncated(sc));
	assert_int_equal(row_count(sc), 500);
	cJSON_Delete(r);
	/* The rows not read are not left running on the server. */
	assert_int_equal(wait_running("stream_s01", 0, 3000), 0);
	next_call_works(h, 2);
	memory_bounded(h, "S01");
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/* S02: wide rows: the byte cap (max_bytes 1 MiB) cuts, never inside a value. */
static void
s02_byte_cap(void **state)
{
	struct h_proc *h;
	const cJSON *sc, *row;
	cJSON *r;
	char *want;

	(void)state;
	need_db();
	h = start("full");
	send_query(h, 1, "SELECT a.id AS stream_s02, REPEAT('x', 5000) AS w FROM invoice_items a,"
	    " invoice_items b LIMIT 200000", 1000000, NULL);
	r = read_response(h, 1, 30000, NULL);
	assert_true(strlen(h->last) < MAX_LINE);
	sc = rows_ok(result_of(r, h->last), 2);
	assert_true(truncated(sc));
	assert_true(row_count(sc) > 100);
	assert_true(row_count(sc) < 500);
	/* The text copy is exactly the structuredContent text: within max_bytes. */
	assert_true(strlen(h_text(result_of(r, h->last))) <= 1048576);
	want = malloc(5001);
	assert_non_null(want);
	memset(want, 'x', 5000);
	want[5000] = '\0';
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(sc, "rows")) {
		const cJSON *w = cJSON_GetArrayItem(row, 1);
		assert_true(cJSON_IsString(w));
		assert_string_equal(w->valuestring, want);
	}
	free(want);
	cJSON_Delete(r);
	assert_int_equal(wait_running("stream_s02", 0, 3000), 0);
	next_call_works(h, 2);
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/* S03: all 200,000 rows with high caps: complete, one line under 10 MiB, bounded memory. */
static void
s03_all_rows_bounded(void **state)
{
	struct h_proc *h;
	const cJSON *sc, *rows;
	cJSON *r;

	(void)state;
	need_db();
	h = start("stream_big");
	send_query(h, 1, BIG_ROWS("stream_s03"), 1000000, NULL);
	r = read_response(h, 1, 60000, NULL);
	assert_true(strlen(h->last) < MAX_LINE);
	sc = rows_ok(result_of(r, h->last), 3);
	assert_false(truncated(sc));
	assert_int_equal(row_count(sc), 200000);
	rows = cJSON_GetObjectItemCaseSensitive(sc, "rows");
	/* The last row of the nested loop is (a, b, c) with c varying fastest. */
	assert_true(cJSON_IsNumber(cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 199999), 2)));
	cJSON_Delete(r);
	memory_bounded(h, "S03, after 200,000 rows");
	next_call_works(h, 2);
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/* S04: a result over the 4 MiB cap of stream_big is cut by bytes, below the line limit. */
static void
s04_line_limit(void **state)
{
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;

	(void)state;
	need_db();
	h = start("stream_big");
	send_query(h, 1, "SELECT a.id AS stream_s04, REPEAT('\"', 2000) AS q FROM invoice_items a,"
	    " invoice_items b LIMIT 200000", 1000000, NULL);
	r = read_response(h, 1, 60000, NULL);
	/* Every '"' costs 2 bytes in structuredContent and 4 in the text copy. */
	assert_true(strlen(h->last) < MAX_LINE);
	sc = rows_ok(result_of(r, h->last), 2);
	assert_true(truncated(sc));
	assert_true(row_count(sc) > 100);
	cJSON_Delete(r);
	assert_int_equal(wait_running("stream_s04", 0, 3000), 0);
	next_call_works(h, 2);
	memory_bounded(h, "S04");
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/* ---- S05..S06: progress ---- */

/* S05: progress every so often, increasing, the string token echoed, all before the response. */
static void
s05_progress(void **state)
{
	struct progress pr = { .increasing = true };
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;

	(void)state;
	need_db();
	h = start("stream_big");
	send_query(h, 1, TRICKLE("stream_s05", 100000), 1000000, "\"tok-s05\"");
	r = read_response(h, 1, 60000, &pr);
	sc = rows_ok(result_of(r, h->last), 4);
	assert_int_equal(row_count(sc), 100000);
	print_message("S05: %zu progress notifications, last %.0f\n", pr.n, pr.last);
	assert_true(pr.n >= 2);
	assert_true(pr.increasing);
	assert_true(pr.last <= 100000);
	assert_string_equal(pr.token, "\"tok-s05\"");
	free(pr.token);
	cJSON_Delete(r);
	/* Nothing after the response. */
	assert_false(h_line_within(h, 300));
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/* S06: an integer token comes back as the same integer; no token, no progress. */
static void
s06_progress_token_types(void **state)
{
	struct progress pr = { .increasing = true };
	struct h_proc *h;
	cJSON *r;

	(void)state;
	need_db();
	h = start("stream_big");
	send_query(h, 1, TRICKLE("stream_s06", 40000), 1000000, "9007199254740991");
	r = read_response(h, 1, 60000, &pr);
	rows_ok(result_of(r, h->last), 4);
	cJSON_Delete(r);
	assert_true(pr.n >= 1);
	assert_true(pr.increasing);
	assert_string_equal(pr.token, "9007199254740991");
	free(pr.token);
	send_query(h, 2, TRICKLE("stream_s06", 40000), 1000000, NULL);
	r = read_response(h, 2, 60000, NULL);	/* fails on any progress */
	rows_ok(result_of(r, h->last), 4);
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/* ---- S07..S12: ping, cancellation, end of input, time limit ---- */

/* S07: ping during a slow statement; cancel stops it on the server; no response for it. */
static void
s07_ping_and_cancel(void **state)
{
	struct h_proc *h;

	(void)state;
	need_db();
	h = start("full");
	send_query(h, 10, SLOW_COUNT("stream_s07"), 0, NULL);
	assert_int_equal(wait_running("stream_s07", 1, 5000), 1);
	ping_within(h, 11, 2000);
	ping_within(h, 12, 2000);
	send_cancel(h, 10);
	assert_int_equal(wait_running("stream_s07", 0, 2000), 0);
	/* The next line answers the ping, not the cancelled call ... */
	ping_within(h, 13, 2000);
	/* ... and nothing else comes. */
	assert_false(h_line_within(h, 500));
	next_call_works(h, 14);
	assert_false(h_line_within(h, 300));
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/*
 * S08: a cancel right behind the call, while the worker is still connecting.
 * Regression: KILL QUERY was skipped because nothing ran yet, and the
 * statement then ran to the 10 s limit, holding up the next call.
 */
static void
s08_cancel_at_once(void **state)
{
	struct h_proc *h;
	long long t0;
	int i;

	(void)state;
	need_db();
	for (i = 0; i < 3; i++) {
		h = start("full");
		send_query(h, 10, SLOW_COUNT("stream_s08"), 0, NULL);
		send_cancel(h, 10);
		usleep(300 * 1000);
		assert_int_equal(wait_running("stream_s08", 0, 2000), 0);
		t0 = h_now_ms();
		ping_within(h, 11, 2000);
		next_call_works(h, 12);
		assert_true(h_now_ms() - t0 < 3000);
		assert_false(h_line_within(h, 300));
		assert_int_equal(h_wait(h, 5000), 0);
		h_free(h);
	}
}

/* S09: cancel while rows stream (after the first progress): stopped, no response. */
static void
s09_cancel_mid_stream(void **state)
{
	struct h_proc *h;
	char *line;
	cJSON *j;

	(void)state;
	need_db();
	h = start("stream_big");
	send_query(h, 10, TRICKLE("stream_s09", 1000000), 1000000, "1");
	line = h_read_line(h, 10000);
	assert_non_null(line);
	j = cJSON_Parse(line);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "method")->valuestring,
	    "notifications/progress");
	cJSON_Delete(j);
	free(line);
	send_cancel(h, 10);
	assert_int_equal(wait_running("stream_s09", 0, 2000), 0);
	/* At most progress already in flight, then the ping; never the response. */
	{
		struct progress pr = { .increasing = true };
		cJSON *r;

		h_send(h, "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"}");
		r = read_response(h, 11, 2000, &pr);
		cJSON_Delete(r);
	}
	assert_false(h_line_within(h, 500));
	next_call_works(h, 12);
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/* S10: end of input during a slow statement: exit 0 within 3 s, statement gone. */
static void
s10_eof_during_query(void **state)
{
	struct h_proc *h;
	long long t0;
	size_t n, i;
	char **rest;

	(void)state;
	need_db();
	h = start("full");
	send_query(h, 10, SLOW_COUNT("stream_s10"), 0, NULL);
	assert_int_equal(wait_running("stream_s10", 1, 5000), 1);
	t0 = h_now_ms();
	assert_int_equal(h_wait(h, 3000), 0);
	print_message("S10: exit %lld ms after end of input\n", h_now_ms() - t0);
	assert_int_equal(wait_running("stream_s10", 0, 2000), 0);
	rest = h_rest_lines(h, &n);
	for (i = 0; i < n; i++) {
		cJSON *j = cJSON_Parse(rest[i]);
		assert_non_null(j);
		cJSON_Delete(j);
	}
	h_free_lines(rest, n);
	h_free(h);
}

/* S11: end of input right behind the call (the worker still connecting). */
static void
s11_eof_at_once(void **state)
{
	struct h_proc *h;

	(void)state;
	need_db();
	h = start("full");
	send_query(h, 10, SLOW_COUNT("stream_s11"), 0, NULL);
	assert_int_equal(h_wait(h, 3000), 0);
	assert_int_equal(wait_running("stream_s11", 0, 2000), 0);
	h_free(h);
}

/* The tool error text of a response (borrowed from resp), failing unless isError. */
static const char *
tool_error(const cJSON *resp, const char *raw)
{
	const cJSON *result = result_of(resp, raw);

	if (!h_is_error(result))
		fail_msg("expected a tool error: %.300s", raw);
	return h_text(result);
}

/* S12: over the time limit (tenant slow, 1000 ms): "timeout:" naming the limit. */
static void
s12_timeout(void **state)
{
	struct h_proc *h;
	long long t0;
	const char *t;
	cJSON *r;

	(void)state;
	need_db();
	h = start("slow");
	t0 = h_now_ms();
	send_query(h, 1, SLOW_COUNT("stream_s12"), 0, NULL);
	r = read_response(h, 1, 15000, NULL);
	t = tool_error(r, h->last);
	print_message("S12: %lld ms: %s\n", h_now_ms() - t0, t);
	assert_true(strncmp(t, "timeout:", 8) == 0);
	assert_non_null(strstr(t, "1000 ms"));
	cJSON_Delete(r);
	assert_int_equal(wait_running("stream_s12", 0, 2000), 0);
	/* The same while rows are already streaming. */
	send_query(h, 2, TRICKLE_SLOW("stream_s12"), 500, NULL);
	r = read_response(h, 2, 15000, NULL);
	t = tool_error(r, h->last);
	assert_true(strncmp(t, "timeout:", 8) == 0);
	assert_non_null(strstr(t, "1000 ms"));
	cJSON_Delete(r);
	next_call_works(h, 3);
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/*
 * S13: an administrator KILLs the server's connection while a statement
 * runs.  Regression (found by an adversarial run): the server reconnected,
 * ran the killed statement again and reported the time limit.  Now: one
 * quick "unavailable:", the statement is not run a second time, and the
 * next call reconnects.
 */
static void
s13_connection_killed(void **state)
{
	struct h_proc *h;
	char sql[512];
	long long t0;
	const char *t;
	cJSON *r;

	(void)state;
	need_db();
	h = start("full");
	send_query(h, 1, SLOW_COUNT("stream_s13"), 0, NULL);
	assert_int_equal(wait_running("stream_s13", 1, 5000), 1);
	snprintf(sql, sizeof(sql), "SELECT ID FROM information_schema.PROCESSLIST"
	    " WHERE USER = 'saia_ro' AND INFO LIKE '%%stream_s13%%' AND INFO NOT LIKE '%%PROCESSLIST%%'");
	if (mysql_query(admin, sql) != 0)
		fail_msg("processlist: %s", mysql_error(admin));
	{
		MYSQL_RES *res = mysql_store_result(admin);
		MYSQL_ROW row = res != NULL ? mysql_fetch_row(res) : NULL;

		assert_non_null(row);
		snprintf(sql, sizeof(sql), "KILL %s", row[0]);
		mysql_free_result(res);
	}
	t0 = h_now_ms();
	if (mysql_query(admin, sql) != 0)
		fail_msg("%s: %s", sql, mysql_error(admin));
	r = read_response(h, 1, 8000, NULL);
	t = tool_error(r, h->last);
	print_message("S13: %lld ms: %s\n", h_now_ms() - t0, t);
	assert_true(strncmp(t, "unavailable:", 12) == 0);
	assert_true(h_now_ms() - t0 < 5000);	/* not a second run to the time limit */
	cJSON_Delete(r);
	assert_int_equal(wait_running("stream_s13", 0, 2000), 0);
	next_call_works(h, 2);
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

/*
 * S14: a statement that computes for seconds before its first row (a big
 * COUNT) still sends progress when the call asked for it: a heartbeat every
 * 2 s saying it is still running, increasing each time, so clients that
 * reset their timeout on progress keep waiting.  It ends at the 10 s limit.
 */
static void
s14_heartbeat(void **state)
{
	struct progress pr = { .increasing = true };
	struct h_proc *h;
	const char *t;
	cJSON *r;

	(void)state;
	need_db();
	h = start("full");
	send_query(h, 1, SLOW_COUNT("stream_s14"), 0, "\"hb\"");
	r = read_response(h, 1, 20000, &pr);
	t = tool_error(r, h->last);
	print_message("S14: %zu heartbeats, last %g, then: %s\n", pr.n, pr.last, t);
	assert_true(strncmp(t, "timeout:", 8) == 0);
	assert_true(pr.n >= 3);		/* about 4 in 10 s */
	assert_true(pr.increasing);
	assert_string_equal(pr.token, "\"hb\"");
	free(pr.token);
	cJSON_Delete(r);
	assert_int_equal(h_wait(h, 5000), 0);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(s01_row_cap, teardown),
		cmocka_unit_test_teardown(s02_byte_cap, teardown),
		cmocka_unit_test_teardown(s03_all_rows_bounded, teardown),
		cmocka_unit_test_teardown(s04_line_limit, teardown),
		cmocka_unit_test_teardown(s05_progress, teardown),
		cmocka_unit_test_teardown(s06_progress_token_types, teardown),
		cmocka_unit_test_teardown(s07_ping_and_cancel, teardown),
		cmocka_unit_test_teardown(s08_cancel_at_once, teardown),
		cmocka_unit_test_teardown(s09_cancel_mid_stream, teardown),
		cmocka_unit_test_teardown(s10_eof_during_query, teardown),
		cmocka_unit_test_teardown(s11_eof_at_once, teardown),
		cmocka_unit_test_teardown(s12_timeout, teardown),
		cmocka_unit_test_teardown(s13_connection_killed, teardown),
		cmocka_unit_test_teardown(s14_heartbeat, teardown),
	};

	return cmocka_run_group_tests_name("streaming", tests, group_setup, group_teardown);
}
