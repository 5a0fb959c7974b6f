/*
 * tests/harness: drive the real saia-mcp binary over pipes.
 *
 * h_spawn() starts $SAIA_MCP_BIN with the given arguments and environment
 * changes; the child's stdin and stdout are pipes, its stderr goes to a
 * temporary file.  Every wait has a deadline: a read, a write or an exit
 * that does not happen in time fails the running cmocka test (fail_msg),
 * after the child has been killed.  Children still alive when a test ends
 * are killed by h_cleanup_all() (call it from a teardown) and at exit.
 *
 * Ownership: a struct h_proc is owned by the caller and freed with
 * h_free() (or h_cleanup_all()).  Every char * and cJSON * returned is new;
 * its free is named at the function.
 */
#ifndef SAIA_TEST_HARNESS_H
#define SAIA_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <cjson/cJSON.h>

/* Default deadline for one response line or one exit, generous on purpose. */
#define H_TIMEOUT_MS 15000

struct h_proc {
	pid_t pid;		/* 0 once reaped */
	int in_fd;		/* our end of the child's stdin; -1 once closed */
	int out_fd;		/* our end of the child's stdout; -1 at EOF */
	char err_path[64];	/* the child's stderr */
	char *buf;		/* stdout bytes read but not yet returned */
	size_t len, cap;
	int status;		/* exit status once reaped: code, or 128 + signal */
	char *last;		/* raw text of the last line h_recv()/h_call() read, or NULL */
	struct h_proc *next;	/* the harness's list of live processes */
};

/* A monotonic clock in milliseconds, for deadlines. */
long long h_now_ms(void);

/* The binary under test ($SAIA_MCP_BIN); fails the test when unset. */
const char *h_bin(void);

/*
 * Start the binary with argv[1..] = args (NULL-terminated; may be NULL).
 * env (NULL-terminated; may be NULL) changes the inherited environment:
 * "K=V" sets K, a bare "K" removes it.  Fails the test when it cannot start.
 */
struct h_proc *h_spawn(const char *const *args, const char *const *env);

/* Send s plus "\n" (h_send) or exactly n bytes (h_send_raw).  Fails on timeout. */
void h_send(struct h_proc *h, const char *s);
void h_send_raw(struct h_proc *h, const void *data, size_t n);

/*
 * One line of stdout without its "\n" (malloc'd, free()), or NULL at end of
 * output.  Fails the test when no line comes within timeout_ms.
 */
char *h_read_line(struct h_proc *h, int timeout_ms);

/* Does another complete line arrive within ms?  (For "no answer" checks.) */
bool h_line_within(struct h_proc *h, int ms);

/*
 * Read one line and parse it (cJSON_Delete()).  The raw text stays in
 * h->last.  Fails the test at end of output, on timeout, or when the line
 * is not JSON.
 */
cJSON *h_recv(struct h_proc *h);

/* Send one line and h_recv() the answer. */
cJSON *h_request(struct h_proc *h, const char *line);

/*
 * initialize with protocol version (NULL: 2025-11-25) and id 0, check that
 * it answered with a result, then send notifications/initialized.
 */
void h_initialize(struct h_proc *h, const char *version);

/*
 * tools/call of tool with args_json (the JSON text of the arguments object,
 * or NULL for none) under id.  Returns the "result" object (cJSON_Delete()),
 * or NULL when the answer was a JSON-RPC error (then h->last has the line).
 * Fails the test when the answer's id is not id.
 */
cJSON *h_call(struct h_proc *h, long id, const char *tool, const char *args_json);

/* The first text block of a tool result (borrowed from result), or fails. */
const char *h_text(const cJSON *result);
/* Is result an isError result? */
bool h_is_error(const cJSON *result);

/* Close the child's stdin (idempotent). */
void h_close_stdin(struct h_proc *h);

/*
 * Close stdin, wait for the exit (reading and keeping any output meanwhile).
 * Returns the exit status (code, or 128 + signal).  Fails the test and
 * kills the child when it has not exited within timeout_ms.
 */
int h_wait(struct h_proc *h, int timeout_ms);

/* All stdout lines not read yet (after h_wait: everything left); *n lines. */
char **h_rest_lines(struct h_proc *h, size_t *n);
void h_free_lines(char **lines, size_t n);

/* The child's stderr so far (malloc'd, free()). */
char *h_stderr(struct h_proc *h);

/* Kill (if alive), reap, remove the stderr file, free.  NULL is fine. */
void h_free(struct h_proc *h);
/* h_free() every process still alive (for teardowns). */
void h_cleanup_all(void);

/*
 * Run a whole transcript: start the binary with args/env, send every line
 * of lines[0..n) (each gets "\n"), close stdin, wait for the exit, and
 * return every stdout line (*n_out; h_free_lines()).  *status gets the exit
 * status.  stderr text goes to *err when err is not NULL (free()).
 */
char **h_transcript(const char *const *args, const char *const *env,
    const char *const *lines, size_t n, size_t *n_out, int *status, char **err);

/* Write text to a new temporary file; returns its path (free(); unlink it). */
char *h_temp_file(const char *text);

#endif
