/*
 * fuzz_guard: libFuzzer target for the statement guard.
 *
 * Runs guard_check() on the input with and without a tenant schema and
 * aborts when a property breaks: the offset stays within the input, the
 * token is terminated, guard_explain() copes, and whatever the guard
 * allows has no executable comment and no second statement, checked by
 * an independent scan over the public lexer (guard_lex), which must itself
 * make progress and stay within the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

/* 1 when sql has no executable comment and nothing after a ";". */
static int
single_statement(const char *sql, size_t len)
{
	struct guard_token t;
	size_t off = 0;
	int after_semi = 0;

	while (off < len) {
		guard_lex(sql, len, off, &t);
		check(t.off == off && t.len > 0 && t.len <= len - off);
		if (t.type == GUARD_T_EXEC_COMMENT)
			return 0;
		if (after_semi && t.type != GUARD_T_SPACE &&
		    t.type != GUARD_T_COMMENT && t.type != GUARD_T_HINT)
			return 0;
		if (t.type == GUARD_T_SEMI)
			after_semi = 1;
		off += t.len;
	}
	guard_lex(sql, len, len, &t);
	check(t.type == GUARD_T_EOF && t.len == 0);
	return 1;
}

static void
run(const char *sql, size_t len, const struct guard_opts *opts)
{
	struct guard_result res;
	char msg[256];
	int rc;

	rc = guard_check(sql, len, opts, &res);
	check(rc == 0 || rc == -1);
	check((rc == 0) == (res.reason == GUARD_OK));
	check(res.offset <= len);
	check(memchr(res.token, '\0', sizeof(res.token)) != NULL);
	check(guard_explain(&res, msg, sizeof(msg)) > 0);
	check(memchr(msg, '\0', sizeof(msg)) != NULL);
	if (rc == 0) {
		check(res.kind != GUARD_K_NONE);
		check(single_statement(sql, len));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fns[] = { "fn_customer_balance" };
	static const struct guard_opts opts = { "saia_demo", fns, 1 };
	const char *sql = (const char *)data;

	run(sql, size, NULL);
	run(sql, size, &opts);
	/* the lexer alone, on input the guard would stop at early */
	(void)single_statement(sql, size);
	return 0;
}
