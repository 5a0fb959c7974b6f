/*
 * bench_client: times saia-mcp and the `mariadb` command-line client on the
 * same work, in one run, and prints each figure, the ratio and the target
 * of issue 5.  bench/run.sh builds it, creates the saia_bench database and
 * the profile, and calls it; it is not a test and not part of CI.
 *
 * Phases: (a) spawn to initialize response, against `mariadb -e 'SELECT 1'`
 * connect and query; (b) sequential point lookups of an invoice by number
 * (execute_safe_query with a ? parameter) with the server's CPU time per
 * call, against the same statements fed to one `mariadb` session; (c) one
 * call asking for every invoice, and every invoice read in pages, against
 * `mariadb --batch`; (d) the server's idle and peak resident memory.
 *
 * The server's CPU time is the sum over its threads of
 * /proc/PID/task/TID/schedstat (nanoseconds on CPU).  Latency is wall time
 * from the write of a request to the read of its whole response line.
 * Nothing here is robust against a server that misbehaves: a bad answer
 * ends the run with a message.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *bin, *config;
	const char *tenant, *tenant_big;	/* default caps; raised caps */
	const char *host, *port, *user, *password, *db;
	const char *mariadb;
	int spawns, calls, big_runs;
	long invoices;
};

struct proc {
	pid_t pid;
	int in_fd, out_fd;
	char *buf;
	size_t len, cap, line_len;	/* line_len: the last line returned (buf[0..line_len)) */
	bool have_line;			/* that line is still at the front of buf */
};

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench_client: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the server process ---- */

static void
spawn_server(const struct opts *o, const char *tenant, struct proc *p)
{
	int in[2], out[2], devnull;

	memset(p, 0, sizeof(*p));
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	if ((p->pid = fork()) < 0)
		die("fork: %s", strerror(errno));
	if (p->pid == 0) {
		devnull = open("/dev/null", O_WRONLY);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(devnull, 2) < 0)
			_exit(126);
		execl(o->bin, o->bin, "--config", o->config, "--tenant", tenant, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->in_fd = in[1];
	p->out_fd = out[0];
}

static void
send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write: %s", strerror(errno));
		s += w;
		n -= (size_t)w;
	}
}

static void
send_line(struct proc *p, const char *s)
{
	size_t n = strlen(s);
	char *l = malloc(n + 1);

	memcpy(l, s, n);
	l[n] = '\n';
	send_all(p->in_fd, l, n + 1);
	free(l);
}

/* The next line (without "\n"), NUL-terminated in p->buf; its length is p->line_len. */
static char *
read_line(struct proc *p)
{
	char *nl;

	/* Drop the line returned last time. */
	if (p->have_line) {
		size_t drop = p->line_len + 1;
		memmove(p->buf, p->buf + drop, p->len - drop);
		p->len -= drop;
		p->line_len = 0;
		p->have_line = false;
	}
	while ((nl = p->len > 0 ? memchr(p->buf, '\n', p->len) : NULL) == NULL) {
		ssize_t r;

		if (p->cap - p->len < (1u << 20)) {
			p->cap = p->cap * 2 + (1u << 20);
			if ((p->buf = realloc(p->buf, p->cap)) == NULL)
				die("out of memory");
		}
		r = read(p->out_fd, p->buf + p->len, p->cap - p->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("the server closed its output");
		p->len += (size_t)r;
	}
	*nl = '\0';
	p->line_len = (size_t)(nl - p->buf);
	p->have_line = true;
	return p->buf;
}

static void
end_server(struct proc *p)
{
	int st;

	close(p->in_fd);
	close(p->out_fd);
	if (waitpid(p->pid, &st, 0) != p->pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fprintf(stderr, "bench_client: the server did not exit 0\n");
	free(p->buf);
}

static const char init_line[] =
	"{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
	"\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}";
static const char initialized_line[] =
	"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

static void
initialize(struct proc *p)
{
	send_line(p, init_line);
	if (strstr(read_line(p), "\"result\"") == NULL)
		die("initialize failed: %.300s", p->buf);
	send_line(p, initialized_line);
}

/* One execute_safe_query call; args_json is the arguments object.  Returns the response line. */
static char *
call(struct proc *p, long id, const char *args_json)
{
	char *line;
	size_t n = strlen(args_json) + 200;
	char *req = malloc(n);

	snprintf(req, n, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":"
	    "{\"name\":\"execute_safe_query\",\"arguments\":%s}}", id, args_json);
	send_line(p, req);
	free(req);
	line = read_line(p);
	if (strstr(line, "\"isError\":true") != NULL)
		die("tool error: %.500s", line);
	return line;
}

/* structuredContent's row_count and truncated from a response line. */
static long
row_count(const char *line, bool *truncated)
{
	const char *r = strstr(line, "\"row_count\":");

	if (r == NULL)
		die("no row_count in %.300s", line);
	if (truncated != NULL)
		*truncated = strstr(r, "\"truncated\":true") != NULL;
	return atol(r + 12);
}

/* ---- /proc ---- */

static long
status_kb(pid_t pid, const char *key)
{
	char path[64], buf[4096], *k;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		die("%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((k = strstr(buf, key)) == NULL)
		return -1;
	return atol(k + strlen(key));
}

/* Nanoseconds the process's threads have spent on a CPU. */
static long long
cpu_ns(pid_t pid)
{
	char path[96];
	struct dirent *e;
	long long total = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		die("%s: %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char p2[320];
		long long ns;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p2, sizeof(p2), "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
		if ((f = fopen(p2, "r")) == NULL)
			continue;
		if (fscanf(f, "%lld", &ns) == 1)
			total += ns;
		fclose(f);
	}
	closedir(d);
	return total;
}

/* ---- the mariadb client ---- */

/*
 * Run the mariadb client with extra arguments (NULL-terminated), feeding
 * in[0..n) on stdin (in may be NULL), stdout to /dev/null.  Returns wall ns.
 */
static long long
run_mariadb(const struct opts *o, const char *const *extra, const char *in, size_t n)
{
	const char *argv[32];
	char pw[256];
	int fd[2], st, i = 0, k;
	long long t0;
	pid_t pid;

	snprintf(pw, sizeof(pw), "--password=%s", o->password);
	argv[i++] = o->mariadb;
	argv[i++] = "--no-defaults";
	argv[i++] = "--protocol=TCP";
	argv[i++] = "-h";
	argv[i++] = o->host;
	argv[i++] = "-P";
	argv[i++] = o->port;
	argv[i++] = "-u";
	argv[i++] = o->user;
	argv[i++] = pw;
	argv[i++] = "--database";
	argv[i++] = o->db;
	for (k = 0; extra[k] != NULL && i < 30; k++)
		argv[i++] = extra[k];
	argv[i] = NULL;
	if (pipe2(fd, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	t0 = now_ns();
	if ((pid = fork()) < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (dup2(fd[0], 0) < 0 || dup2(devnull, 1) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd[0]);
	if (in != NULL)
		send_all(fd[1], in, n);
	close(fd[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("mariadb client failed (status %d)", st);
	return now_ns() - t0;
}

/* ---- statistics ---- */

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of v[0..n), sorted in place, in ms. */
static double
quantile_ms(long long *v, size_t n, double q)
{
	size_t i;

	qsort(v, n, sizeof(*v), cmp_ll);
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return (double)v[i] / 1e6;
}

/* ---- the report ---- */

struct row {
	char what[64], saia[32], maria[32], ratio[16], target[40], met[8];
};

static struct row table[32];
static size_t n_rows;

static void
add(const char *what, const char *saia, const char *maria, double ratio, const char *target,
    int met)
{
	struct row *r = &table[n_rows++];

	snprintf(r->what, sizeof(r->what), "%s", what);
	snprintf(r->saia, sizeof(r->saia), "%s", saia);
	snprintf(r->maria, sizeof(r->maria), "%s", maria);
	if (ratio > 0)
		snprintf(r->ratio, sizeof(r->ratio), "%.2fx", ratio);
	else
		snprintf(r->ratio, sizeof(r->ratio), "-");
	snprintf(r->target, sizeof(r->target), "%s", target);
	snprintf(r->met, sizeof(r->met), "%s", met < 0 ? "" : met ? "yes" : "NO");
}

/* v with `decimals` digits and a unit, into buf (32 bytes). */
static char *
fmt(char *buf, int decimals, double v, const char *unit)
{
	snprintf(buf, 32, "%.*f %s", decimals, v, unit);
	return buf;
}

/* ---- phases ---- */

static double spawn_maria_ms;	/* median mariadb connect + SELECT 1, for (b) */

static void
phase_spawn(const struct opts *o, long *idle_rss_kb, long *idle_hwm_kb)
{
	long long *sv = calloc((size_t)o->spawns, sizeof(long long));
	long long *fv = calloc((size_t)o->spawns, sizeof(long long));
	long long *mv = calloc((size_t)o->spawns, sizeof(long long));
	const char *const sel1[] = { "-N", "-e", "SELECT 1", NULL };
	char a[32], b[32];
	double s, f, m;
	int i;

	for (i = 0; i < o->spawns; i++) {
		struct proc p;
		long long t0 = now_ns();

		spawn_server(o, o->tenant, &p);
		send_line(&p, init_line);
		read_line(&p);
		sv[i] = now_ns() - t0;
		send_line(&p, initialized_line);
		if (i == 0) {
			usleep(100 * 1000);
			*idle_rss_kb = status_kb(p.pid, "VmRSS:");
			*idle_hwm_kb = status_kb(p.pid, "VmHWM:");
		}
		end_server(&p);
	}
	for (i = 0; i < o->spawns; i++) {
		struct proc p;
		long long t0 = now_ns();

		spawn_server(o, o->tenant, &p);
		initialize(&p);
		call(&p, 1, "{\"sql\":\"SELECT 1\"}");
		fv[i] = now_ns() - t0;
		end_server(&p);
	}
	for (i = 0; i < o->spawns; i++)
		mv[i] = run_mariadb(o, sel1, NULL, 0);
	s = quantile_ms(sv, (size_t)o->spawns, 0.5);
	f = quantile_ms(fv, (size_t)o->spawns, 0.5);
	m = quantile_ms(mv, (size_t)o->spawns, 0.5);
	spawn_maria_ms = m;
	printf("(a) spawn -> initialize response: median %.3f ms (p90 %.3f); spawn -> first"
	    " SELECT 1 answered (connects): median %.3f ms; mariadb -e 'SELECT 1': median %.3f ms"
	    " (%d runs each)\n", s, quantile_ms(sv, (size_t)o->spawns, 0.9), f, m, o->spawns);
	add("spawn -> initialize (median)", fmt(a, 2, s, "ms"), fmt(b, 2, m, "ms"), s / m,
	    "< 5 ms", s < 5.0);
	add("spawn -> first query answered (median)", fmt(a, 2, f, "ms"), fmt(b, 2, m, "ms"),
	    f / m, "(mariadb: connect+SELECT 1)", -1);
	free(sv);
	free(fv);
	free(mv);
}

static void
phase_calls(const struct opts *o, long *hwm_kb)
{
	long long *lv = calloc((size_t)o->calls, sizeof(long long));
	const char *const batch[] = { "-N", "--batch", NULL };
	char args[256], a[32], b[32];
	long long c0, c1, t0, tm = 0;
	double p50, p99, cpu, maria = 1e9, per;
	size_t n = 0, cap = 0;
	char *script = NULL;
	struct proc p;
	int i, k;

	srand(42);
	spawn_server(o, o->tenant, &p);
	initialize(&p);
	for (i = 0; i < 100; i++) {	/* warm up: connect, caches */
		snprintf(args, sizeof(args), "{\"sql\":\"SELECT * FROM invoices WHERE invoice_number"
		    " = ?\",\"params\":[\"INV-%07ld\"]}", 1 + rand() % o->invoices);
		call(&p, 1000 + i, args);
	}
	c0 = cpu_ns(p.pid);
	for (i = 0; i < o->calls; i++) {
		snprintf(args, sizeof(args), "{\"sql\":\"SELECT * FROM invoices WHERE invoice_number"
		    " = ?\",\"params\":[\"INV-%07ld\"]}", 1 + rand() % o->invoices);
		t0 = now_ns();
		if (row_count(call(&p, 10000 + i, args), NULL) != 1)
			die("a point lookup did not find its invoice");
		lv[i] = now_ns() - t0;
	}
	c1 = cpu_ns(p.pid);
	*hwm_kb = status_kb(p.pid, "VmHWM:");
	end_server(&p);
	p50 = quantile_ms(lv, (size_t)o->calls, 0.5);
	p99 = quantile_ms(lv, (size_t)o->calls, 0.99);
	cpu = (double)(c1 - c0) / 1e6 / o->calls;

	/* The same lookups through one mariadb session (3 runs, the best). */
	srand(42);
	for (i = 0; i < o->calls; i++) {
		char stmt[128];
		int len = snprintf(stmt, sizeof(stmt), "SELECT * FROM invoices WHERE invoice_number"
		    " = 'INV-%07ld';\n", 1 + rand() % o->invoices);
		if (n + (size_t)len + 1 > cap) {
			cap = cap * 2 + 65536;
			script = realloc(script, cap);
		}
		memcpy(script + n, stmt, (size_t)len);
		n += (size_t)len;
	}
	for (k = 0; k < 3; k++) {
		tm = run_mariadb(o, batch, script, n);
		per = ((double)tm / 1e6 - spawn_maria_ms) / o->calls;
		if (per < maria)
			maria = per;
	}
	free(script);
	printf("(b) %d point lookups: p50 %.3f ms, p99 %.3f ms, server CPU %.4f ms per call;"
	    " mariadb session: %.3f ms per query (total minus connect, best of 3)\n",
	    o->calls, p50, p99, cpu, maria);
	add("point lookup latency p50", fmt(a, 3, p50, "ms"), fmt(b, 3, maria, "ms"),
	    p50 / maria, "< 0.5 ms", p50 < 0.5);
	add("point lookup latency p99", fmt(a, 3, p99, "ms"), "", 0, "", -1);
	add("server CPU per call", fmt(a, 4, cpu, "ms"), "", 0, "< 0.1 ms", cpu < 0.1);
	free(lv);
}

static void
phase_big(const struct opts *o, long *hwm_default_kb, long *hwm_big_kb, size_t *resp_bytes)
{
	const char all_args[] = "{\"sql\":\"SELECT * FROM invoices\",\"limit\":1000000}";
	char args[256], sql[128], a[32], b[32], what[64];
	const char *batch[] = { "--batch", "-e", NULL, NULL };
	long long *sv = calloc((size_t)o->big_runs, sizeof(long long));
	long long *mv = calloc((size_t)o->big_runs, sizeof(long long));
	long long *lv = calloc((size_t)o->big_runs, sizeof(long long));
	long long *pv = calloc((size_t)o->big_runs, sizeof(long long));
	long rows = 0, page, got, total;
	double s, m, l, pg;
	bool trunc = false;
	struct proc p;
	int i;

	/* Default caps: the statement is cut at max_rows. */
	spawn_server(o, o->tenant, &p);
	initialize(&p);
	got = row_count(call(&p, 1, all_args), &trunc);
	*hwm_default_kb = status_kb(p.pid, "VmHWM:");
	end_server(&p);
	printf("(c) default caps: SELECT * FROM invoices -> %ld rows, truncated %s, peak RSS %ld kB\n",
	    got, trunc ? "true" : "false", *hwm_default_kb);

	/* Raised caps: one call, as much as one response line may carry. */
	spawn_server(o, o->tenant_big, &p);
	initialize(&p);
	for (i = 0; i < o->big_runs; i++) {
		long long t0 = now_ns();
		const char *line = call(&p, 10 + i, all_args);

		sv[i] = now_ns() - t0;
		rows = row_count(line, &trunc);
		*resp_bytes = p.line_len + 1;
	}
	/* Every invoice, in pages of what one call carries (keyset on id). */
	page = rows;
	for (i = 0; i < o->big_runs; i++) {
		long long t0 = now_ns();
		long last = 0;

		total = 0;
		do {
			snprintf(args, sizeof(args), "{\"sql\":\"SELECT * FROM invoices WHERE id > ?"
			    " ORDER BY id LIMIT ?\",\"params\":[%ld,%ld],\"limit\":1000000}", last, page);
			got = row_count(call(&p, 100 + i, args), NULL);
			total += got;
			last += got;	/* ids are 1..N without gaps in saia_bench */
		} while (got == page);
		pv[i] = now_ns() - t0;
		if (total != o->invoices)
			die("paging read %ld invoices, not %ld", total, o->invoices);
	}
	*hwm_big_kb = status_kb(p.pid, "VmHWM:");
	end_server(&p);

	batch[2] = "SELECT * FROM invoices";
	for (i = 0; i < o->big_runs; i++)
		mv[i] = run_mariadb(o, batch, NULL, 0);
	snprintf(sql, sizeof(sql), "SELECT * FROM invoices ORDER BY id LIMIT %ld", rows);
	batch[2] = sql;
	for (i = 0; i < o->big_runs; i++)
		lv[i] = run_mariadb(o, batch, NULL, 0);
	s = quantile_ms(sv, (size_t)o->big_runs, 0.5);
	pg = quantile_ms(pv, (size_t)o->big_runs, 0.5);
	m = quantile_ms(mv, (size_t)o->big_runs, 0.5);
	l = quantile_ms(lv, (size_t)o->big_runs, 0.5);
	printf("(c) raised caps: one call -> %ld of %ld rows (truncated %s), %zu bytes, median %.1f ms,"
	    " %.0f rows/s; mariadb --batch of those rows: %.1f ms\n", rows, o->invoices,
	    trunc ? "true" : "false", *resp_bytes, s, rows / (s / 1e3), l);
	printf("(c) all %ld invoices in pages of %ld (keyset): median %.1f ms, %.0f rows/s;"
	    " mariadb --batch -e 'SELECT * FROM invoices' > /dev/null: median %.1f ms, %.0f rows/s"
	    " (%d runs each)\n", o->invoices, page, pg, o->invoices / (pg / 1e3), m,
	    o->invoices / (m / 1e3), o->big_runs);
	snprintf(what, sizeof(what), "one call, %ld rows (%s)", rows, trunc ? "cut at 10 MiB" : "all");
	add(what, fmt(a, 1, s, "ms"), fmt(b, 1, l, "ms"), s / l, "<= 1.5x mariadb", s / l <= 1.5);
	snprintf(what, sizeof(what), "all %ld rows, %ld calls", o->invoices,
	    (o->invoices + page - 1) / page);
	add(what, fmt(a, 1, pg, "ms"), fmt(b, 1, m, "ms"), pg / m, "<= 1.5x mariadb", pg / m <= 1.5);
	free(sv);
	free(mv);
	free(lv);
	free(pv);
}

static void
usage(void)
{
	fputs("usage: bench_client --bin SAIA_MCP --config YAML --tenant T --tenant-big T\n"
	    "         --host H --port P --user U --password PW --db DB --invoices N\n"
	    "         [--mariadb PATH] [--spawns 50] [--calls 1000] [--big-runs 5]\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct opts o = { .mariadb = "mariadb", .spawns = 50, .calls = 1000, .big_runs = 5 };
	long idle_rss = 0, idle_hwm = 0, hwm_calls = 0, hwm_default = 0, hwm_big = 0;
	size_t resp = 0, i;
	char a[32];
	int k;

	for (k = 1; k + 1 < argc; k += 2) {
		const char *f = argv[k], *v = argv[k + 1];

		if (strcmp(f, "--bin") == 0) o.bin = v;
		else if (strcmp(f, "--config") == 0) o.config = v;
		else if (strcmp(f, "--tenant") == 0) o.tenant = v;
		else if (strcmp(f, "--tenant-big") == 0) o.tenant_big = v;
		else if (strcmp(f, "--host") == 0) o.host = v;
		else if (strcmp(f, "--port") == 0) o.port = v;
		else if (strcmp(f, "--user") == 0) o.user = v;
		else if (strcmp(f, "--password") == 0) o.password = v;
		else if (strcmp(f, "--db") == 0) o.db = v;
		else if (strcmp(f, "--mariadb") == 0) o.mariadb = v;
		else if (strcmp(f, "--invoices") == 0) o.invoices = atol(v);
		else if (strcmp(f, "--spawns") == 0) o.spawns = atoi(v);
		else if (strcmp(f, "--calls") == 0) o.calls = atoi(v);
		else if (strcmp(f, "--big-runs") == 0) o.big_runs = atoi(v);
		else usage();
	}
	if (k != argc || !o.bin || !o.config || !o.tenant || !o.tenant_big || !o.host || !o.port ||
	    !o.user || !o.password || !o.db || o.invoices < 1 || o.spawns < 1 || o.calls < 1 ||
	    o.big_runs < 1)
		usage();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	phase_spawn(&o, &idle_rss, &idle_hwm);
	phase_calls(&o, &hwm_calls);
	phase_big(&o, &hwm_default, &hwm_big, &resp);
	printf("(d) idle RSS %ld kB (peak %ld kB); peak RSS: point lookups %ld kB, default-caps"
	    " big statement %ld kB, raised caps %ld kB (largest response %zu bytes)\n",
	    idle_rss, idle_hwm, hwm_calls, hwm_default, hwm_big, resp);
	add("idle RSS", fmt(a, 1, idle_rss / 1024.0, "MiB"), "", 0, "< 10 MiB",
	    idle_rss < 10 * 1024);
	add("peak RSS, default caps", fmt(a, 1,
	    (hwm_calls > hwm_default ? hwm_calls : hwm_default) / 1024.0, "MiB"), "", 0, "< 32 MiB",
	    (hwm_calls > hwm_default ? hwm_calls : hwm_default) < 32 * 1024);
	{
		char t[40];
		snprintf(t, sizeof(t), "<= response + 16 = %.1f MiB", resp / 1048576.0 + 16);
		add("peak RSS, raised caps", fmt(a, 1, hwm_big / 1024.0, "MiB"), "", 0, t,
		    hwm_big * 1024.0 <= (double)resp + 16.0 * 1048576);
	}

	printf("\n| %-40s | %-12s | %-12s | %-7s | %-30s | %-4s |\n", "figure", "saia-mcp",
	    "mariadb", "ratio", "target", "met");
	printf("|%s|%s|%s|%s|%s|%s|\n", "------------------------------------------",
	    "--------------", "--------------", "---------", "--------------------------------",
	    "------");
	for (i = 0; i < n_rows; i++)
		printf("| %-40s | %-12s | %-12s | %-7s | %-30s | %-4s |\n", table[i].what,
		    table[i].saia, table[i].maria, table[i].ratio, table[i].target, table[i].met);
	return 0;
}
