/*
 * guard: the statement guard.  A pure, allocation-free MySQL-aware lexer and
 * a deny-by-default verdict on its token stream (CONTRACT section 7.1).
 *
 * It depends on nothing: no libmysqlclient, no cJSON, no globals, no I/O.
 * Everything saia-mcp sends to a database passes guard_check() first.
 */
#ifndef SAIA_GUARD_H
#define SAIA_GUARD_H

#include <stddef.h>

/* Longest statement the guard reads; longer input is refused. */
#define GUARD_MAX_SQL 65536

enum guard_kind {
	GUARD_K_NONE = 0,
	GUARD_K_SELECT,		/* SELECT, WITH ... SELECT, (SELECT ...) */
	GUARD_K_SHOW,
	GUARD_K_DESCRIBE,	/* DESCRIBE / DESC table */
	GUARD_K_EXPLAIN,	/* EXPLAIN SELECT / EXPLAIN table */
};

enum guard_reason {
	GUARD_OK = 0,
	GUARD_E_EMPTY,		/* nothing but blanks and comments */
	GUARD_E_TOO_LONG,	/* over GUARD_MAX_SQL bytes */
	GUARD_E_NUL,		/* a NUL byte */
	GUARD_E_UTF8,		/* invalid UTF-8 */
	GUARD_E_UNTERMINATED,	/* string, identifier or comment not closed */
	GUARD_E_MULTI,		/* more than one statement */
	GUARD_E_EXEC_COMMENT,	/* executable comment, optimizer hint with SET_VAR */
	GUARD_E_STATEMENT,	/* not SELECT/SHOW/DESCRIBE/EXPLAIN */
	GUARD_E_INTO,		/* INTO OUTFILE / DUMPFILE / @var */
	GUARD_E_LOCKING,	/* FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE */
	GUARD_E_ASSIGN,		/* := or a user variable assignment */
	GUARD_E_FUNCTION,	/* a function that is not known to be read-only */
	GUARD_E_SCHEMA,		/* another database, mysql, sys, performance_schema */
	GUARD_E_SHOW,		/* a SHOW that reveals accounts, sessions, logs */
	GUARD_E_EXPLAIN,	/* EXPLAIN ANALYZE, ANALYZE, EXPLAIN of a non-SELECT */
	GUARD_E_MODE,		/* meaning depends on ANSI_QUOTES / NO_BACKSLASH_ESCAPES */
	GUARD_E_SYNTAX,		/* something the lexer or verdict does not understand */
	GUARD_E_SYSVAR,		/* a system variable that can reveal paths or internals */
	GUARD_REASON_COUNT
};

/* What the caller allows beyond the built-in rules.  Borrowed for the call. */
struct guard_opts {
	const char *schema;			/* the tenant's database; NULL: none may be named */
	const char *const *functions;		/* tenant's allowed_functions, may be NULL */
	size_t n_functions;
	/*
	 * The other databases the account can see, may be NULL.  A qualifier
	 * naming one is refused wherever it stands, even where the grammar
	 * walk took it for a table alias: a second line behind the FROM-list
	 * reading (an alias that is also a database name is refused too).
	 */
	const char *const *databases;
	size_t n_databases;
};

/* The verdict.  token holds (a prefix of) the deciding token's text, NUL-terminated. */
struct guard_result {
	enum guard_reason reason;
	enum guard_kind kind;
	size_t offset;		/* byte offset of the deciding token */
	unsigned params;	/* number of ? placeholders outside strings and comments */
	unsigned user_functions;	/* calls let through because opts->functions lists them */
	char token[48];
};

/*
 * Check one statement of len bytes (sql need not be NUL-terminated).
 * opts may be NULL (no schema may be named, no extra functions).
 * Fills *res and returns 0 when the statement is allowed, -1 when refused.
 */
int guard_check(const char *sql, size_t len, const struct guard_opts *opts,
    struct guard_result *res);

/* A stable lower_snake code for a reason, e.g. "exec_comment". */
const char *guard_reason_code(enum guard_reason reason);

/*
 * Write a message a model can act on into buf (always NUL-terminated), e.g.
 * "executable comment at offset 9".  No "refused:" prefix.
 * Returns the length the full message has (like snprintf).
 */
size_t guard_explain(const struct guard_result *res, char *buf, size_t size);

/*
 * The lexer, public so that tests and the fuzzer can check the verdict
 * against an independent scan.  guard_lex() reads one token of sql[off..len)
 * by MySQL's lexical rules, allocation-free and without reading past len;
 * at off >= len it returns GUARD_T_EOF.  It never fails: input it does not
 * understand comes back as GUARD_T_ILLEGAL or GUARD_T_UNTERMINATED.
 */
enum guard_tok {
	GUARD_T_EOF = 0,
	GUARD_T_SPACE,		/* blanks: space \t \n \v \f \r */
	GUARD_T_COMMENT,	/* # ..., -- ..., slash-star ... star-slash */
	GUARD_T_HINT,		/* optimizer hint, slash-star-plus */
	GUARD_T_EXEC_COMMENT,	/* slash-star-bang, slash-star-M-bang */
	GUARD_T_ID,		/* bare word: identifier or keyword */
	GUARD_T_QID,		/* `quoted identifier` */
	GUARD_T_STRING,		/* '...', N'...', X'..', B'..' */
	GUARD_T_DQSTRING,	/* "..." */
	GUARD_T_NUMBER,		/* 12, 1.5, .5, 1e5, 0x1F, 0b101 */
	GUARD_T_VAR,		/* @x, @'x', @`x` */
	GUARD_T_SYSVAR,		/* @@x (a following .x is a separate token) */
	GUARD_T_PARAM,		/* ? */
	GUARD_T_LP,
	GUARD_T_RP,
	GUARD_T_COMMA,
	GUARD_T_DOT,
	GUARD_T_SEMI,
	GUARD_T_ASSIGN,		/* := */
	GUARD_T_OP,		/* any other operator */
	GUARD_T_UNTERMINATED,	/* string, identifier or comment not closed */
	GUARD_T_ILLEGAL		/* a byte that starts no token */
};

#define GUARD_TF_BACKSLASH	0x01	/* a quoted token holds a backslash */
#define GUARD_TF_DQUOTE		0x02	/* a VAR written @"x" */

struct guard_token {
	enum guard_tok type;
	size_t off;		/* first byte */
	size_t len;		/* bytes; 0 only at EOF */
	unsigned flags;		/* GUARD_TF_* */
};

/* Read the token at sql[off..len) into *tok; returns tok->len. */
size_t guard_lex(const char *sql, size_t len, size_t off, struct guard_token *tok);

/*
 * The built-in allow-list of read-only functions, for documentation and
 * tests: the i-th name (upper case), or NULL past the end.
 */
const char *guard_builtin_function(size_t i);

#endif
