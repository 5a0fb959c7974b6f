/*
 * tests/harness: spawn the real saia-mcp over pipes and talk to it line by
 * line, with a deadline on every wait (see harness.h).  stdin and stdout
 * are non-blocking on our side; while we write, we keep reading the
 * child's stdout, so a large request and a large answer cannot deadlock.
 * It does not judge answers: the tests do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

extern char **environ;

static struct h_proc *live;	/* every process not yet h_free()d */
static bool atexit_done;

long long
h_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
h_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fprintf(stderr, "harness: out of memory\n");
		abort();
	}
	return q;
}

static char *
h_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(h_xrealloc(NULL, n), s, n);
}

/* Kill and reap the child now (used before failing a test). */
static void
kill_child(struct h_proc *h)
{
	int st;

	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		if (waitpid(h->pid, &st, 0) == h->pid)
			h->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		h->pid = 0;
	}
}

static void
kill_all_at_exit(void)
{
	struct h_proc *h;

	for (h = live; h != NULL; h = h->next)
		kill_child(h);
}

const char *
h_bin(void)
{
	const char *b = getenv("SAIA_MCP_BIN");

	if (b == NULL || *b == '\0')
		fail_msg("SAIA_MCP_BIN is not set (meson test sets it)");
	return b;
}

/* The environment with the changes of env applied; NULL-terminated, malloc'd. */
static char **
build_env(const char *const *env)
{
	size_t n = 0, m = 0, i, j;
	char **out;

	while (environ[n] != NULL)
		n++;
	while (env != NULL && env[m] != NULL)
		m++;
	out = h_xrealloc(NULL, (n + m + 1) * sizeof(*out));
	for (i = 0, j = 0; i < n; i++) {
		size_t k;
		bool drop = false;

		for (k = 0; k < m; k++) {
			const char *eq = strchr(env[k], '=');
			size_t kl = eq != NULL ? (size_t)(eq - env[k]) : strlen(env[k]);

			if (strncmp(environ[i], env[k], kl) == 0 && environ[i][kl] == '=')
				drop = true;
		}
		if (!drop)
			out[j++] = environ[i];
	}
	for (i = 0; i < m; i++)
		if (strchr(env[i], '=') != NULL)
			out[j++] = (char *)env[i];
	out[j] = NULL;
	return out;
}

struct h_proc *
h_spawn(const char *const *args, const char *const *env)
{
	const char *bin = h_bin();
	struct h_proc *h;
	int in[2], out[2], errfd, na = 0;
	char **argv, **envp;
	pid_t pid;

	if (!atexit_done) {
		atexit(kill_all_at_exit);
		signal(SIGPIPE, SIG_IGN);
		atexit_done = true;
	}
	while (args != NULL && args[na] != NULL)
		na++;
	argv = h_xrealloc(NULL, ((size_t)na + 2) * sizeof(*argv));
	argv[0] = (char *)bin;
	for (int i = 0; i < na; i++)
		argv[i + 1] = (char *)args[i];
	argv[na + 1] = NULL;
	envp = build_env(env);

	h = h_xrealloc(NULL, sizeof(*h));
	memset(h, 0, sizeof(*h));
	snprintf(h->err_path, sizeof(h->err_path), "/tmp/saia-h-err-XXXXXX");
	if ((errfd = mkstemp(h->err_path)) < 0)
		fail_msg("mkstemp: %s", strerror(errno));
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
		fail_msg("pipe2: %s", strerror(errno));
	if ((pid = fork()) < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(errfd, 2) < 0)
			_exit(126);
		execve(bin, argv, envp);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(errfd);
	free(argv);
	free(envp);
	h->pid = pid;
	h->in_fd = in[1];
	h->out_fd = out[0];
	h->status = -1;
	fcntl(h->in_fd, F_SETFL, fcntl(h->in_fd, F_GETFL) | O_NONBLOCK);
	fcntl(h->out_fd, F_SETFL, fcntl(h->out_fd, F_GETFL) | O_NONBLOCK);
	h->next = live;
	live = h;
	return h;
}

/* Read what stdout has now into h->buf.  Returns bytes read, 0 at EOF (fd closed), -1 none yet. */
static ssize_t
pump(struct h_proc *h)
{
	ssize_t r;

	if (h->out_fd < 0)
		return 0;
	if (h->cap - h->len < 65536) {
		h->cap = h->cap * 2 + 65536;
		h->buf = h_xrealloc(h->buf, h->cap);
	}
	r = read(h->out_fd, h->buf + h->len, h->cap - h->len);
	if (r > 0) {
		h->len += (size_t)r;
		return r;
	}
	if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
		close(h->out_fd);
		h->out_fd = -1;
		return 0;
	}
	return -1;
}

void
h_send_raw(struct h_proc *h, const void *data, size_t n)
{
	const char *p = data;
	long long deadline = h_now_ms() + 60000;	/* 20 MB lines take a moment */

	if (h->in_fd < 0)
		fail_msg("h_send after stdin was closed");
	while (n > 0) {
		struct pollfd pf[2] = {
			{ .fd = h->in_fd, .events = POLLOUT },
			{ .fd = h->out_fd, .events = POLLIN },
		};
		long long left = deadline - h_now_ms();
		ssize_t w;

		if (left <= 0) {
			kill_child(h);
			fail_msg("timeout writing %zu bytes to the server's stdin", n);
		}
		if (poll(pf, h->out_fd >= 0 ? 2 : 1, (int)left) < 0 && errno != EINTR)
			fail_msg("poll: %s", strerror(errno));
		if (h->out_fd >= 0 && (pf[1].revents & (POLLIN | POLLHUP)))
			pump(h);
		if (pf[0].revents & (POLLERR | POLLHUP)) {
			kill_child(h);
			fail_msg("the server closed its stdin (exited?) with %zu bytes unsent", n);
		}
		if (pf[0].revents & POLLOUT) {
			w = write(h->in_fd, p, n > 65536 ? 65536 : n);
			if (w > 0) {
				p += w;
				n -= (size_t)w;
			} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
				kill_child(h);
				fail_msg("write to the server's stdin: %s", strerror(errno));
			}
		}
	}
}

void
h_send(struct h_proc *h, const char *s)
{
	h_send_raw(h, s, strlen(s));
	h_send_raw(h, "\n", 1);
}

/* Take one complete line off h->buf, or NULL. */
static char *
take_line(struct h_proc *h, bool partial_ok)
{
	char *nl = h->len > 0 ? memchr(h->buf, '\n', h->len) : NULL;
	size_t n;
	char *line;

	if (nl == NULL && !(partial_ok && h->len > 0))
		return NULL;
	n = nl != NULL ? (size_t)(nl - h->buf) : h->len;
	line = h_xrealloc(NULL, n + 1);
	memcpy(line, h->buf, n);
	line[n] = '\0';
	if (nl != NULL)
		n++;
	memmove(h->buf, h->buf + n, h->len - n);
	h->len -= n;
	return line;
}

/* Wait until a full line is buffered or EOF; false on timeout. */
static bool
wait_line(struct h_proc *h, int timeout_ms)
{
	long long deadline = h_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pf = { .fd = h->out_fd, .events = POLLIN };
		long long left;

		if (h->len > 0 && memchr(h->buf, '\n', h->len) != NULL)
			return true;
		if (h->out_fd < 0)
			return true;
		if ((left = deadline - h_now_ms()) <= 0)
			return false;
		if (poll(&pf, 1, (int)left) > 0)
			pump(h);
	}
}

char *
h_read_line(struct h_proc *h, int timeout_ms)
{
	if (!wait_line(h, timeout_ms)) {
		kill_child(h);
		fail_msg("no line from the server within %d ms", timeout_ms);
	}
	return take_line(h, true);
}

bool
h_line_within(struct h_proc *h, int ms)
{
	wait_line(h, ms);
	return h->len > 0 && memchr(h->buf, '\n', h->len) != NULL;
}

cJSON *
h_recv(struct h_proc *h)
{
	char *line = h_read_line(h, H_TIMEOUT_MS);
	cJSON *j;

	free(h->last);
	h->last = line;
	if (line == NULL) {
		char *err = h_stderr(h);
		long long deadline = h_now_ms() + 2000;
		int st;

		/* Say how it ended: a crash reads differently from an exit. */
		while (h->pid > 0 && h_now_ms() < deadline) {
			if (waitpid(h->pid, &st, WNOHANG) == h->pid) {
				h->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				h->pid = 0;
				break;
			}
			usleep(10000);
		}
		kill_child(h);
		fail_msg("the server closed stdout instead of answering (exit status %d%s); "
		    "stderr: %.2000s", h->status, h->status > 128 ? ", killed by a signal" : "", err);
	}
	if ((j = cJSON_Parse(line)) == NULL)
		fail_msg("the server wrote a line that is not JSON: %.300s", line);
	return j;
}

cJSON *
h_request(struct h_proc *h, const char *line)
{
	h_send(h, line);
	return h_recv(h);
}

void
h_initialize(struct h_proc *h, const char *version)
{
	char line[512];
	cJSON *r;

	snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"%s\",\"capabilities\":{},"
	    "\"clientInfo\":{\"name\":\"harness\",\"version\":\"1\"}}}",
	    version != NULL ? version : "2025-11-25");
	r = h_request(h, line);
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r, "result")))
		fail_msg("initialize failed: %.500s", h->last);
	cJSON_Delete(r);
	h_send(h, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
}

cJSON *
h_call(struct h_proc *h, long id, const char *tool, const char *args_json)
{
	cJSON *name = cJSON_CreateString(tool), *resp, *result, *rid;
	char *qname = cJSON_PrintUnformatted(name);
	size_t n = strlen(qname) + (args_json != NULL ? strlen(args_json) : 0) + 160;
	char *line = h_xrealloc(NULL, n);

	if (args_json != NULL)
		snprintf(line, n, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\","
		    "\"params\":{\"name\":%s,\"arguments\":%s}}", id, qname, args_json);
	else
		snprintf(line, n, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\","
		    "\"params\":{\"name\":%s}}", id, qname);
	cJSON_Delete(name);
	free(qname);
	resp = h_request(h, line);
	free(line);
	rid = cJSON_GetObjectItemCaseSensitive(resp, "id");
	if (!cJSON_IsNumber(rid) || rid->valuedouble != (double)id)
		fail_msg("answer to tools/call id %ld has another id: %.500s", id, h->last);
	result = cJSON_DetachItemFromObjectCaseSensitive(resp, "result");
	cJSON_Delete(resp);
	return result;
}

const char *
h_text(const cJSON *result)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(result, "content");
	const cJSON *first = cJSON_GetArrayItem(content, 0);
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(first, "text");

	if (!cJSON_IsString(text))
		fail_msg("the result has no text block");
	return text->valuestring;
}

bool
h_is_error(const cJSON *result)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "isError"));
}

void
h_close_stdin(struct h_proc *h)
{
	if (h->in_fd >= 0) {
		close(h->in_fd);
		h->in_fd = -1;
	}
}

int
h_wait(struct h_proc *h, int timeout_ms)
{
	long long deadline = h_now_ms() + timeout_ms;
	int st;

	h_close_stdin(h);
	while (h->pid > 0) {
		pid_t r = waitpid(h->pid, &st, WNOHANG);
		struct pollfd pf = { .fd = h->out_fd, .events = POLLIN };

		if (r == h->pid) {
			h->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			h->pid = 0;
			break;
		}
		if (h_now_ms() >= deadline) {
			kill_child(h);
			fail_msg("the server did not exit within %d ms", timeout_ms);
		}
		if (h->out_fd >= 0) {
			if (poll(&pf, 1, 10) > 0)
				pump(h);
		} else {
			usleep(10000);
		}
	}
	/* The child is gone: read what is left of its output. */
	while (h->out_fd >= 0) {
		struct pollfd pf = { .fd = h->out_fd, .events = POLLIN };

		if (h_now_ms() >= deadline + 5000)
			fail_msg("stdout stayed open after the server exited");
		if (poll(&pf, 1, 100) > 0)
			pump(h);
	}
	return h->status;
}

char **
h_rest_lines(struct h_proc *h, size_t *n)
{
	char **lines = NULL, *l;

	*n = 0;
	while ((l = take_line(h, h->out_fd < 0)) != NULL) {
		lines = h_xrealloc(lines, (*n + 1) * sizeof(*lines));
		lines[(*n)++] = l;
	}
	return lines;
}

void
h_free_lines(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

char *
h_stderr(struct h_proc *h)
{
	FILE *f = fopen(h->err_path, "r");
	char *s = NULL;
	size_t n = 0, cap = 0, r;

	if (f == NULL)
		return h_xstrdup("");
	do {
		if (cap - n < 4096) {
			cap = cap * 2 + 4096;
			s = h_xrealloc(s, cap);
		}
		r = fread(s + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	s[n] = '\0';
	return s;
}

void
h_free(struct h_proc *h)
{
	struct h_proc **pp;

	if (h == NULL)
		return;
	for (pp = &live; *pp != NULL; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	kill_child(h);
	h_close_stdin(h);
	if (h->out_fd >= 0)
		close(h->out_fd);
	unlink(h->err_path);
	free(h->buf);
	free(h->last);
	free(h);
}

void
h_cleanup_all(void)
{
	while (live != NULL)
		h_free(live);
}

char **
h_transcript(const char *const *args, const char *const *env,
    const char *const *lines, size_t n, size_t *n_out, int *status, char **err)
{
	struct h_proc *h = h_spawn(args, env);
	char **out;
	size_t i;

	for (i = 0; i < n; i++)
		h_send(h, lines[i]);
	*status = h_wait(h, H_TIMEOUT_MS);
	out = h_rest_lines(h, n_out);
	if (err != NULL)
		*err = h_stderr(h);
	h_free(h);
	return out;
}

char *
h_temp_file(const char *text)
{
	char path[] = "/tmp/saia-h-XXXXXX";
	size_t n = strlen(text);
	int fd = mkstemp(path);

	if (fd < 0)
		fail_msg("mkstemp: %s", strerror(errno));
	if (write(fd, text, n) != (ssize_t)n)
		fail_msg("write %s: %s", path, strerror(errno));
	close(fd);
	return h_xstrdup(path);
}
