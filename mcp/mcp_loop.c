/*
 * The session loop.  The calling thread reads lines and answers everything
 * that is quick (initialize, ping, tools/list, errors, notifications) at
 * once; tools/call requests go, in order, to one worker thread that owns
 * the database session.  So ping is answered while a query runs, and
 * notifications/cancelled can stop the running statement and suppress its
 * response: a third thread, the killer, issues KILL QUERY on a side
 * connection (tools_cancel()), so that a database that does not answer
 * never stalls the reader.  A fourth, the ticker, sends heartbeats.
 *
 * End of input: running work gets MCP_EOF_GRACE_MS, is then cancelled,
 * and the process exits 0 at most MCP_EOF_GRACE_MS later even when the
 * database does not answer (then without joining the blocked threads).
 *
 * Ownership: the reader owns each parsed message until it returns; a
 * queued job owns its copies of the id, name, arguments and progress
 * token and is freed by whichever thread takes it off the queue.  Output
 * lines are written whole under out_lock and flushed at once.
 *
 * Protocol errors (JSON-RPC error objects) are built only here, in
 * send_error(); tool errors come from tools/ as text.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mcp.h"
#include "saia_config.h"
#include "tool.h"
#include "tool_buf.h"
#include "xalloc.h"

struct job {
	struct job *next;
	struct server *srv;
	char *id;		/* raw JSON text */
	char *key;		/* for matching notifications/cancelled */
	char *name;
	cJSON *args;		/* NULL when not given */
	char *progress;		/* raw JSON text of the progress token, or NULL */
	/* Under q_lock: what the last progress notification said, and when. */
	double last_progress;	/* the value sent: rows + beats / 1000 */
	double rows;		/* rows the tool reported so far */
	unsigned beats;		/* heartbeats sent while no rows came */
	long long started_ms, last_sent_ms;
	size_t line_bytes;	/* the request line and its parsed arguments, for the queue cap */
	struct tool_ctx ctx;
};

struct server {
	struct tools *tools;
	FILE *in, *out;
	pthread_mutex_t out_lock;	/* one whole line at a time */
	pthread_mutex_t q_lock;		/* head, tail, running, eof, cancelled flags */
	/*
	 * One condition per waiter, so that a call wakes only the worker: a
	 * shared one woke the ticker and the killer on every call, and the
	 * context switches were most of the CPU a small call cost.
	 */
	pthread_cond_t work_cond;	/* worker: a job arrived, or end of input */
	pthread_cond_t idle_cond;	/* drain/settle: the worker or the killer went idle */
	pthread_cond_t tick_cond;	/* ticker: stop */
	pthread_cond_t kill_cond;	/* killer: a kill to do, or stop */
	struct job *head, *tail, *running;
	bool eof;
	bool stop_ticker;		/* under q_lock: the heartbeat thread ends */
	/* Under q_lock: the killer thread's work. */
	bool kill_pending, kill_busy, stop_killer;
	unsigned long kill_token;	/* tools_cancel_token() of the cancel */
	bool worker_done;
	size_t queued, queued_bytes;	/* jobs waiting (not running), and their lines */
	volatile bool gone;		/* stdout is closed */
	bool initialized;
	bool structured;		/* 2025-06-18+: structuredContent, outputSchema, title */
	bool annotations;	/* 2025-03-26+: tool annotations */
};

/* ---- output ---- */

#define OUT_LIT(srv, lit) out_write((srv), (lit), sizeof(lit) - 1)

static void
out_write(struct server *srv, const char *s, size_t n)
{
	if (srv->gone)
		return;
	if (fwrite(s, 1, n, srv->out) != n)
		srv->gone = true;
}

static void
out_end(struct server *srv)
{
	OUT_LIT(srv, "\n");
	if (!srv->gone && fflush(srv->out) != 0)
		srv->gone = true;
}

static void
send_line(struct server *srv, const char *s, size_t n)
{
	pthread_mutex_lock(&srv->out_lock);
	out_write(srv, s, n);
	out_end(srv);
	pthread_mutex_unlock(&srv->out_lock);
}

static void
send_result(struct server *srv, const char *id, const char *result)
{
	struct tbuf b;

	tbuf_init(&b, 0);
	tbuf_puts(&b, "{\"jsonrpc\":\"2.0\",\"id\":");
	tbuf_puts(&b, id);
	tbuf_puts(&b, ",\"result\":");
	tbuf_puts(&b, result);
	tbuf_putc(&b, '}');
	send_line(srv, b.data, b.len);
	tbuf_free(&b);
}

/* A JSON-RPC error; id NULL when it could not be read (then no "id" key). */
static void
send_error(struct server *srv, const char *id, int code, const char *message)
{
	struct tbuf b;
	char msg[256];

	/* Messages may quote client input cut short; keep them valid UTF-8. */
	snprintf(msg, sizeof(msg), "%s", message);
	tbuf_utf8_scrub(msg);
	message = msg;
	tbuf_init(&b, 0);
	tbuf_puts(&b, "{\"jsonrpc\":\"2.0\",");
	if (id != NULL) {
		tbuf_puts(&b, "\"id\":");
		tbuf_puts(&b, id);
		tbuf_putc(&b, ',');
	}
	tbuf_printf(&b, "\"error\":{\"code\":%d,\"message\":", code);
	tbuf_json_cstr(&b, message);
	tbuf_puts(&b, "}}");
	send_line(srv, b.data, b.len);
	tbuf_free(&b);
}

/* Write s[0..n) escaped for a JSON string, in slices, under out_lock. */
static void
out_escaped(struct server *srv, const char *s, size_t n)
{
	struct tbuf b;
	size_t off, step;

	tbuf_init(&b, 0);
	for (off = 0; off < n && !srv->gone; off += step) {
		step = n - off < 65536 ? n - off : 65536;
		tbuf_reset(&b);
		tbuf_json_escape(&b, s + off, step);
		out_write(srv, b.data, b.len);
	}
	tbuf_free(&b);
}

static void
send_tool_reply(struct server *srv, const char *id, enum tool_status st,
    const struct tool_reply *r)
{
	pthread_mutex_lock(&srv->out_lock);
	OUT_LIT(srv, "{\"jsonrpc\":\"2.0\",\"id\":");
	out_write(srv, id, strlen(id));
	OUT_LIT(srv, ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"");
	out_escaped(srv, r->out.data != NULL ? r->out.data : "", r->out.len);
	if (st == TOOL_OK && srv->structured) {
		OUT_LIT(srv, "\"}],\"structuredContent\":");
		out_write(srv, r->out.data, r->out.len);
		OUT_LIT(srv, "}}");
	} else if (st == TOOL_OK) {
		OUT_LIT(srv, "\"}]}}");
	} else {
		OUT_LIT(srv, "\"}],\"isError\":true}}");
	}
	out_end(srv);
	pthread_mutex_unlock(&srv->out_lock);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Write a progress notification for j.  Called with q_lock held, so that
 * the worker's row reports and the heartbeat thread never cross, and no
 * notification can follow the response (the worker takes q_lock to end
 * the call before it answers).  The value is rows + beats / 1000: rows as
 * the tool counts them, and a little more for each heartbeat, so that it
 * increases every time as the protocol requires.
 */
static void
send_progress(struct job *j, const char *message)
{
	double value = j->rows + j->beats / 1000.0;
	struct tbuf b;

	if (j->progress == NULL || value <= j->last_progress || j->ctx.cancelled)
		return;
	j->last_progress = value;
	j->last_sent_ms = now_ms();
	tbuf_init(&b, 0);
	tbuf_puts(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
	    "\"params\":{\"progressToken\":");
	tbuf_puts(&b, j->progress);
	tbuf_printf(&b, ",\"progress\":%.17g", value);
	if (message != NULL) {
		tbuf_puts(&b, ",\"message\":");
		tbuf_json_cstr(&b, message);
	}
	tbuf_puts(&b, "}}");
	send_line(j->srv, b.data, b.len);
	tbuf_free(&b);
}

/* The worker's row reports (struct tool_ctx.progress). */
static void
progress_cb(struct tool_ctx *ctx, double progress, const char *message)
{
	struct job *j = ctx->opaque;

	pthread_mutex_lock(&j->srv->q_lock);
	if (progress > j->rows)
		j->rows = progress;
	send_progress(j, message);
	pthread_mutex_unlock(&j->srv->q_lock);
}

/* d = now + ms, for pthread_cond_timedwait() (CLOCK_REALTIME). */
static void
deadline_in(struct timespec *d, long ms)
{
	clock_gettime(CLOCK_REALTIME, d);
	d->tv_sec += ms / 1000;
	d->tv_nsec += (ms % 1000) * 1000000L;
	if (d->tv_nsec >= 1000000000L) {
		d->tv_sec++;
		d->tv_nsec -= 1000000000L;
	}
}

/*
 * The heartbeat thread: a statement that computes for a long time before
 * its first row (a big COUNT, a sort) sends no row reports, and clients
 * time a request out after 60 s unless progress comes.  Every
 * MCP_HEARTBEAT_MS without a report, a call that asked for progress gets
 * one saying it is still running.
 */
static void *
ticker_main(void *arg)
{
	struct server *srv = arg;
	struct timespec until;

	pthread_mutex_lock(&srv->q_lock);
	while (!srv->stop_ticker) {
		struct job *j = srv->running;

		if (j != NULL && j->progress != NULL &&
		    now_ms() - j->last_sent_ms >= MCP_HEARTBEAT_MS) {
			char msg[96];

			j->beats++;
			snprintf(msg, sizeof(msg), "still running after %lld s, %.0f rows so far",
			    (now_ms() - j->started_ms) / 1000, j->rows);
			send_progress(j, msg);
		}
		deadline_in(&until, 250);
		pthread_cond_timedwait(&srv->tick_cond, &srv->q_lock, &until);
	}
	pthread_mutex_unlock(&srv->q_lock);
	return NULL;
}

/*
 * The killer: runs KILL QUERY for a cancel, off the reader thread (it may
 * take connect_timeout_s when the database does not answer).
 */
static void *
killer_main(void *arg)
{
	struct server *srv = arg;

	pthread_mutex_lock(&srv->q_lock);
	for (;;) {
		unsigned long token;

		while (!srv->kill_pending && !srv->stop_killer)
			pthread_cond_wait(&srv->kill_cond, &srv->q_lock);
		if (!srv->kill_pending)
			break;
		srv->kill_pending = false;
		srv->kill_busy = true;
		token = srv->kill_token;
		pthread_mutex_unlock(&srv->q_lock);
		tools_cancel(srv->tools, token);
		pthread_mutex_lock(&srv->q_lock);
		srv->kill_busy = false;
		pthread_cond_broadcast(&srv->idle_cond);
	}
	pthread_mutex_unlock(&srv->q_lock);
	return NULL;
}

/* Under q_lock: have the killer stop the statement running now. */
static void
request_kill(struct server *srv)
{
	srv->kill_token = tools_cancel_token(srv->tools);
	srv->kill_pending = true;
	pthread_cond_signal(&srv->kill_cond);
}

/* ---- jobs ---- */

/*
 * A key under which a request id can be found again: "s:" and the decoded
 * string, or "n:" and the integer's own digits (raw, n bytes: the number
 * as sent, since a double cannot tell 12345678901234567890 from ...891);
 * a number that is not written as an integer (1.0) falls back to %.17g.
 */
static char *
id_key(const cJSON *v, const char *raw, size_t n)
{
	char buf[64];
	char *k;

	if (cJSON_IsString(v)) {
		k = xmalloc(strlen(v->valuestring) + 3);
		k[0] = 's';
		k[1] = ':';
		strcpy(k + 2, v->valuestring);
		return k;
	}
	if (!cJSON_IsNumber(v))
		return NULL;
	if (raw != NULL && mcp_integer_text(raw, n)) {
		k = xmalloc(n + 3);
		memcpy(k, "n:", 2);
		memcpy(k + 2, raw, n);
		k[n + 2] = '\0';
		return k;
	}
	snprintf(buf, sizeof(buf), "n:%.17g", v->valuedouble);
	return xstrdup(buf);
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->id);
	free(j->key);
	free(j->name);
	free(j->progress);
	cJSON_Delete(j->args);
	free(j);
}

static void *
worker_main(void *arg)
{
	struct server *srv = arg;
	struct tool_reply reply;

	tools_reply_init(&reply);
	for (;;) {
		struct job *j;
		enum tool_status st;
		bool cancelled;

		pthread_mutex_lock(&srv->q_lock);
		while (srv->head == NULL && !srv->eof)
			pthread_cond_wait(&srv->work_cond, &srv->q_lock);
		if (srv->head == NULL) {
			pthread_mutex_unlock(&srv->q_lock);
			break;
		}
		j = srv->head;
		srv->head = j->next;
		if (srv->head == NULL)
			srv->tail = NULL;
		srv->queued--;
		srv->queued_bytes -= j->line_bytes;
		srv->running = j;
		j->started_ms = j->last_sent_ms = now_ms();
		pthread_mutex_unlock(&srv->q_lock);

		st = tools_call(srv->tools, j->name, j->args, &j->ctx,
		    MCP_MAX_OUTPUT_LINE - 8192 - strlen(j->id), &reply);

		pthread_mutex_lock(&srv->q_lock);
		cancelled = j->ctx.cancelled;
		srv->running = NULL;
		pthread_cond_broadcast(&srv->idle_cond);
		pthread_mutex_unlock(&srv->q_lock);

		if (st == TOOL_UNKNOWN)	/* checked before queueing; kept for safety */
			send_error(srv, j->id, MCP_INVALID_PARAMS, "Unknown tool");
		else if (!cancelled)
			send_tool_reply(srv, j->id, st, &reply);
		/*
		 * A kill for this call may still be on its way (found by the
		 * fifth adversarial pass: it killed the next call's statement
		 * about once in 700 tries); the next call gets a new connection.
		 * A kill is asked for only while the job is srv->running (under
		 * q_lock), so after running = NULL above none can name it.
		 */
		if (cancelled)
			tools_drop_session(srv->tools);
		job_free(j);
		tbuf_reset(&reply.out);
	}
	tools_reply_free(&reply);
	pthread_mutex_lock(&srv->q_lock);
	srv->worker_done = true;
	pthread_cond_broadcast(&srv->idle_cond);
	pthread_mutex_unlock(&srv->q_lock);
	return NULL;
}

static bool
tool_enabled(struct server *srv, const char *name)
{
	const char *const *names;
	size_t n, i;

	names = tools_names(srv->tools, &n);
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/*
 * The progress token's JSON text exactly as the client sent it in line
 * (params._meta.progressToken), so that a number keeps every digit; new
 * (free()), or NULL.
 */
static char *
raw_token(const char *line, size_t len)
{
	const char *p, *meta, *tok;
	size_t np, nm, nt;
	char *s;

	if ((p = mcp_raw_member(line, len, "params", &np)) == NULL ||
	    (meta = mcp_raw_member(p, np, "_meta", &nm)) == NULL ||
	    (tok = mcp_raw_member(meta, nm, "progressToken", &nt)) == NULL)
		return NULL;
	s = xmalloc(nt + 1);
	memcpy(s, tok, nt);
	s[nt] = '\0';
	return s;
}

/* About the bytes a parsed JSON value holds (nodes and their strings). */
static size_t
json_cost(const cJSON *v)
{
	const cJSON *c;
	size_t n = 0;

	if (v == NULL)
		return 0;
	n += sizeof(cJSON) + 16;
	if (v->string != NULL)
		n += strlen(v->string) + 1;
	if (v->valuestring != NULL)
		n += strlen(v->valuestring) + 1;
	for (c = v->child; c != NULL; c = c->next)
		n += json_cost(c);
	return n;
}

static void
queue_call(struct server *srv, struct mcp_msg *m, const char *line, size_t len)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(m->params, "name");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(m->params, "arguments");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(m->params, "_meta");
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(meta, "progressToken");
	struct job *j;
	size_t cost;

	if (m->params == NULL || !cJSON_IsString(name)) {
		send_error(srv, m->id, MCP_INVALID_PARAMS, "Invalid params: name must be a string");
		return;
	}
	if (args != NULL && !cJSON_IsObject(args) && !cJSON_IsNull(args)) {
		send_error(srv, m->id, MCP_INVALID_PARAMS,
		    "Invalid params: arguments must be an object");
		return;
	}
	if (!tool_enabled(srv, name->valuestring)) {
		char msg[160];
		snprintf(msg, sizeof(msg), "Unknown tool: %.100s", name->valuestring);
		send_error(srv, m->id, MCP_INVALID_PARAMS, msg);
		return;
	}
	/*
	 * What the waiting job will hold: its line, and its parsed arguments,
	 * which can be forty times the line (a 4 MiB array of small numbers).
	 * A job is always taken when nothing waits: the line limit bounds it.
	 */
	cost = len + json_cost(args);
	pthread_mutex_lock(&srv->q_lock);
	if (srv->queued >= MCP_MAX_QUEUED ||
	    (srv->queued > 0 && srv->queued_bytes + cost > MCP_MAX_QUEUED_BYTES)) {
		pthread_mutex_unlock(&srv->q_lock);
		send_error(srv, m->id, MCP_SERVER_BUSY, "Server busy: too many tools/call"
		    " requests are waiting (one runs at a time); wait for answers before"
		    " sending more");
		return;
	}
	pthread_mutex_unlock(&srv->q_lock);
	j = xcalloc(1, sizeof(*j));
	j->srv = srv;
	j->line_bytes = cost;
	j->id = xstrdup(m->id);
	j->key = id_key(cJSON_GetObjectItemCaseSensitive(m->json, "id"), m->id, strlen(m->id));
	j->name = xstrdup(name->valuestring);
	if (cJSON_IsObject(args))	/* taken out of the message, not copied */
		j->args = cJSON_DetachItemViaPointer(m->params, (cJSON *)args);
	if (cJSON_IsString(tok) || cJSON_IsNumber(tok))
		j->progress = raw_token(line, len);
	j->last_progress = 0;
	j->started_ms = j->last_sent_ms = now_ms();
	j->ctx.progress = progress_cb;
	j->ctx.arg_bad = m->bad_string;
	j->ctx.opaque = j;

	pthread_mutex_lock(&srv->q_lock);
	if (srv->tail != NULL)
		srv->tail->next = j;
	else
		srv->head = j;
	srv->tail = j;
	srv->queued++;
	srv->queued_bytes += j->line_bytes;
	pthread_mutex_unlock(&srv->q_lock);
	/* after the unlock: the worker wakes to a free lock, not into a wait for it */
	pthread_cond_signal(&srv->work_cond);
}

static void
cancel_request(struct server *srv, const cJSON *params, const char *line, size_t len)
{
	const char *p, *raw = NULL;
	size_t np, nraw = 0;
	struct job **pp, *dropped = NULL;
	char *key;

	if ((p = mcp_raw_member(line, len, "params", &np)) != NULL)
		raw = mcp_raw_member(p, np, "requestId", &nraw);
	key = id_key(cJSON_GetObjectItemCaseSensitive(params, "requestId"), raw, nraw);
	if (key == NULL)
		return;
	pthread_mutex_lock(&srv->q_lock);
	if (srv->running != NULL && srv->running->key != NULL &&
	    strcmp(srv->running->key, key) == 0) {
		srv->running->ctx.cancelled = 1;
		request_kill(srv);
	} else {
		for (pp = &srv->head; *pp != NULL; pp = &(*pp)->next) {
			if ((*pp)->key != NULL && strcmp((*pp)->key, key) == 0) {
				dropped = *pp;
				*pp = dropped->next;
				srv->queued--;
				srv->queued_bytes -= dropped->line_bytes;
				if (srv->tail == dropped) {
					struct job *t = srv->head;
					while (t != NULL && t->next != NULL)
						t = t->next;
					srv->tail = t;
				}
				break;
			}
		}
	}
	pthread_mutex_unlock(&srv->q_lock);
	job_free(dropped);
	free(key);
}

/* ---- requests ---- */

/*
 * initialize's instructions, as a JSON string: they name only tools this
 * tenant advertises, so a model is never sent to a tool it cannot call.
 */
static void
instructions(struct server *srv, struct tbuf *b)
{
	static const char *const start[] = { "get_database_overview",
	    "list_customer_tables", "get_comprehensive_database_overview" };
	struct tbuf t;
	const char *first = NULL;
	size_t i;

	for (i = 0; i < sizeof(start) / sizeof(start[0]) && first == NULL; i++)
		if (tool_enabled(srv, start[i]))
			first = start[i];
	tbuf_init(&t, 0);
	tbuf_puts(&t, "Read-only access to one customer's MySQL/MariaDB database. "
	    "Nothing can be written.");
	if (first != NULL) {
		tbuf_printf(&t, " Start with %s", first);
		if (tool_enabled(srv, "describe_customer_table"))
			tbuf_puts(&t, tool_enabled(srv, "get_customer_table_sample") ?
			    ", then describe_customer_table before get_customer_table_sample" :
			    ", then describe_customer_table");
		tbuf_putc(&t, '.');
	}
	if (tool_enabled(srv, "execute_safe_query"))
		tbuf_puts(&t, " execute_safe_query takes one SELECT, SHOW, DESCRIBE or EXPLAIN"
		    " with ? placeholders for values.");
	tbuf_puts(&t, " Results are capped; truncated:true means more rows exist.");
	tbuf_json_cstr(b, t.data);
	tbuf_free(&t);
}

static void
do_initialize(struct server *srv, struct mcp_msg *m)
{
	const cJSON *pv = cJSON_GetObjectItemCaseSensitive(m->params, "protocolVersion");
	const char *version;
	struct tbuf b;

	if (srv->initialized) {
		send_error(srv, m->id, MCP_INVALID_REQUEST, "Invalid Request: already initialized");
		return;
	}
	if (!cJSON_IsString(pv)) {
		send_error(srv, m->id, MCP_INVALID_PARAMS,
		    "Invalid params: protocolVersion must be a string");
		return;
	}
	version = mcp_negotiate(pv->valuestring);
	srv->structured = mcp_version_structured(version);
	srv->annotations = strcmp(version, "2025-03-26") >= 0;
	tbuf_init(&b, 0);
	tbuf_printf(&b, "{\"protocolVersion\":\"%s\",\"capabilities\":{\"tools\":"
	    "{\"listChanged\":false}},\"serverInfo\":{\"name\":\"saia-mcp\","
	    "\"title\":\"saia-mcp: read-only access to a business database\","
	    "\"version\":\"%s\"},\"instructions\":", version, SAIA_VERSION);
	instructions(srv, &b);
	tbuf_putc(&b, '}');
	send_result(srv, m->id, b.data);
	tbuf_free(&b);
	srv->initialized = true;
}

static void
do_request(struct server *srv, struct mcp_msg *m, const char *line, size_t len)
{
	const char *meth = m->method;

	if (strcmp(meth, "ping") == 0) {
		send_result(srv, m->id, "{}");
		return;
	}
	if (strcmp(meth, "initialize") == 0) {
		do_initialize(srv, m);
		return;
	}
	if (strcmp(meth, "tools/list") == 0 || strcmp(meth, "tools/call") == 0) {
		if (!srv->initialized) {
			send_error(srv, m->id, MCP_INVALID_REQUEST,
			    "Invalid Request: server not initialized; send initialize first");
			return;
		}
		if (meth[6] == 'c') {
			queue_call(srv, m, line, len);
		} else if (cJSON_GetObjectItemCaseSensitive(m->params, "cursor") != NULL) {
			send_error(srv, m->id, MCP_INVALID_PARAMS,
			    "Invalid params: unknown cursor (the tool list has one page)");
		} else {
			struct tbuf b;

			tbuf_init(&b, 0);
			tbuf_puts(&b, "{\"tools\":");
			tbuf_puts(&b, tools_list_json(srv->tools, srv->structured, srv->annotations));
			tbuf_putc(&b, '}');
			send_result(srv, m->id, b.data);
			tbuf_free(&b);
		}
		return;
	}
	{
		char msg[160];
		snprintf(msg, sizeof(msg), "Method not found: %.100s", meth);
		send_error(srv, m->id, MCP_METHOD_NOT_FOUND, msg);
	}
}

static void
handle_line(struct server *srv, const char *line, size_t len)
{
	struct mcp_msg m;

	/* A byte order mark some writers put first (RFC 8259 lets a parser skip it). */
	if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	mcp_parse(line, len, &m);
	switch (m.kind) {
	case MCP_K_ERROR:
		send_error(srv, m.id, m.code, m.message);
		break;
	case MCP_K_REQUEST:
		do_request(srv, &m, line, len);
		break;
	case MCP_K_NOTIFICATION:
		if (strcmp(m.method, "notifications/cancelled") == 0 && cJSON_IsObject(m.params))
			cancel_request(srv, m.params, line, len);
		break;
	case MCP_K_RESPONSE:
	case MCP_K_SILENT:
		break;
	}
	mcp_msg_free(&m);
}

/* ---- input ---- */

/*
 * Read one line into *buf (grown as needed, up to MCP_MAX_INPUT_LINE).
 * Returns 1 with the line (no newline, no trailing CR), 2 for a line that
 * was too long (read and thrown away), 0 at end of input.
 */
static int
read_line(FILE *in, char **buf, size_t *cap, size_t *len)
{
	size_t n = 0;
	bool over = false;
	int c;

	if (*buf == NULL) {
		*cap = 4096;
		*buf = xmalloc(*cap);
	}
	flockfile(in);
	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (over)
			continue;
		if (n + 1 >= *cap) {
			/* room for MCP_MAX_INPUT_LINE bytes, a CR and the NUL */
			if (*cap >= MCP_MAX_INPUT_LINE + 2) {
				over = true;
				continue;
			}
			*cap = *cap ? *cap * 2 : 4096;
			if (*cap > MCP_MAX_INPUT_LINE + 2)
				*cap = MCP_MAX_INPUT_LINE + 2;
			*buf = xrealloc(*buf, *cap);
		}
		(*buf)[n++] = (char)c;
	}
	funlockfile(in);
	if (c == EOF && n == 0 && !over)
		return 0;
	if (n > 0 && (*buf)[n - 1] == '\r')
		n--;
	if (over || n > MCP_MAX_INPUT_LINE)
		return 2;
	(*buf)[n] = '\0';
	*len = n;
	return 1;
}

static bool
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* End of input: let running work finish for a moment, then stop it. */
static void
drain(struct server *srv)
{
	struct timespec deadline;
	struct job *j, *next;

	deadline_in(&deadline, MCP_EOF_GRACE_MS);
	pthread_mutex_lock(&srv->q_lock);
	srv->eof = true;
	pthread_cond_signal(&srv->work_cond);
	while ((srv->head != NULL || srv->running != NULL) && !srv->gone)
		if (pthread_cond_timedwait(&srv->idle_cond, &srv->q_lock, &deadline) == ETIMEDOUT)
			break;
	for (j = srv->head; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
	srv->head = srv->tail = NULL;
	srv->queued = srv->queued_bytes = 0;
	if (srv->running != NULL) {
		srv->running->ctx.cancelled = 1;
		request_kill(srv);
	}
	pthread_mutex_unlock(&srv->q_lock);
}

/*
 * After drain(): wait MCP_EOF_GRACE_MS more for the worker and the killer.
 * A database that does not answer keeps them blocked for up to the read
 * and connect timeouts; then the process ends here, exit status 0, with
 * stdout flushed, without joining them (end of input must end the process
 * promptly: CONTRACT 8).
 */
/* Under q_lock: the worker has ended and no kill is waiting or running. */
static bool
settled(const struct server *srv)
{
	return srv->worker_done && !srv->kill_busy && !srv->kill_pending;
}

static void
settle(struct server *srv)
{
	struct timespec deadline;
	bool done;

	deadline_in(&deadline, MCP_EOF_GRACE_MS);
	pthread_mutex_lock(&srv->q_lock);
	while (!settled(srv))
		if (pthread_cond_timedwait(&srv->idle_cond, &srv->q_lock, &deadline) == ETIMEDOUT)
			break;
	done = settled(srv);
	pthread_mutex_unlock(&srv->q_lock);
	if (done)
		return;
	fprintf(stderr, "saia-mcp: end of input; the database (or the client reading our"
	    " output) does not answer, exiting without waiting for it\n");
	/*
	 * Flush what is written, unless a writer holds the lock: then stdout
	 * is full and nobody reads it, and waiting would never end.
	 */
	deadline_in(&deadline, 200);
	if (pthread_mutex_timedlock(&srv->out_lock, &deadline) == 0)
		fflush(srv->out);
	_exit(0);
}

int
mcp_serve(struct tools *tools, FILE *in, FILE *out)
{
	struct server srv;
	pthread_t worker, ticker, killer;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	int r;

	memset(&srv, 0, sizeof(srv));
	srv.tools = tools;
	srv.in = in;
	srv.out = out;
	pthread_mutex_init(&srv.out_lock, NULL);
	pthread_mutex_init(&srv.q_lock, NULL);
	pthread_cond_init(&srv.work_cond, NULL);
	pthread_cond_init(&srv.idle_cond, NULL);
	pthread_cond_init(&srv.tick_cond, NULL);
	pthread_cond_init(&srv.kill_cond, NULL);
	if (pthread_create(&worker, NULL, worker_main, &srv) != 0 ||
	    pthread_create(&ticker, NULL, ticker_main, &srv) != 0 ||
	    pthread_create(&killer, NULL, killer_main, &srv) != 0) {
		fprintf(stderr, "saia-mcp: cannot start the worker threads\n");
		exit(1);
	}
	while (!srv.gone && (r = read_line(in, &buf, &cap, &len)) != 0) {
		if (r == 2) {
			send_error(&srv, NULL, MCP_INVALID_REQUEST,
			    "Invalid Request: the line is longer than 4 MiB");
			continue;
		}
		if (blank(buf, len))
			continue;
		handle_line(&srv, buf, len);
	}
	drain(&srv);
	settle(&srv);
	pthread_join(worker, NULL);
	pthread_mutex_lock(&srv.q_lock);
	srv.stop_ticker = true;
	srv.stop_killer = true;
	pthread_cond_signal(&srv.tick_cond);
	pthread_cond_signal(&srv.kill_cond);
	pthread_mutex_unlock(&srv.q_lock);
	pthread_join(ticker, NULL);
	pthread_join(killer, NULL);
	free(buf);
	pthread_cond_destroy(&srv.work_cond);
	pthread_cond_destroy(&srv.idle_cond);
	pthread_cond_destroy(&srv.tick_cond);
	pthread_cond_destroy(&srv.kill_cond);
	pthread_mutex_destroy(&srv.q_lock);
	pthread_mutex_destroy(&srv.out_lock);
	return 0;
}
