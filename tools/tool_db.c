/*
 * The tenant's database session: one lazily opened libmysqlclient
 * connection, set up read-only (CONTRACT 7.2), and the statements that run
 * on it.  Every statement passes the guard, is prepared with bound
 * parameters, and its rows are fetched one at a time (no client-side
 * buffering) and encoded straight into a capped tbuf.
 *
 * Threads: everything here runs on the one worker thread except
 * tool_db_cancel_token() and tool_db_cancel(), which other threads (the
 * reader, the killer) may call at any time; `running`, `seq` and the
 * thread id are shared under `lock`.
 *
 * Statements that do not pass the guard, all fixed text: the session setup
 * (SET ...), the SET STATEMENT ... FOR prefix put before every statement on
 * MariaDB after the guard judged the statement itself, and KILL QUERY on a
 * side connection.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>
#include <errmsg.h>

#include "guard.h"
#include "tenant.h"
#include "tool_int.h"
#include "tool_value.h"
#include "xalloc.h"

#define SQL_MODE "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION"
#define FIRST_BUF 4096		/* first buffer for a string column */
#define PROGRESS_ROWS 1000	/* progress at most every this many rows ... */
#define PROGRESS_NS 200000000L	/* ... and 200 ms */

struct tool_db {
	const struct tenant *t;
	MYSQL *conn;		/* NULL until connected */
	bool mariadb;
	char prefix[256];	/* MariaDB: SET STATEMENT ... FOR, put before every statement */
	char version[128];
	char tls[96];
	pthread_mutex_t lock;	/* guards running, seq, thread_id */
	bool running;
	unsigned long seq;	/* statements started: names the one running */
	unsigned long thread_id;
	/*
	 * The other databases this account can see, read at each connect: the
	 * guard refuses a qualifier naming one anywhere (guard_opts.databases).
	 * Worker thread only; kept across reconnects, replaced by each.
	 */
	char **dbs;
	size_t n_dbs;
	unsigned dbs_gen;	/* bumped when dbs is replaced */
	bool foreign_sql;	/* the statement now run is not ours: use dbs */
};

#define MAX_DBS 100000		/* more than this: the rest is left to the FROM-list reading */
#define CANCEL_TRIES 20		/* KILL QUERY connects tried for one cancel */

static void
dbs_free(struct tool_db *db)
{
	size_t i;

	for (i = 0; i < db->n_dbs; i++)
		free(db->dbs[i]);
	free(db->dbs);
	db->dbs = NULL;
	db->n_dbs = 0;
}

/*
 * Read the names of the databases the account can see, other than the
 * tenant's own and information_schema.  A failure leaves the old list: it
 * is a second line of defence, the guard's FROM-list reading is the first.
 */
static void
dbs_load(struct tool_db *db, MYSQL *m)
{
	static const char q[] = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA";
	MYSQL_RES *res;
	MYSQL_ROW row;
	char **v;
	size_t n = 0, cap = 16;

	if (mysql_real_query(m, q, sizeof(q) - 1) != 0 || (res = mysql_store_result(m)) == NULL)
		return;
	v = xcalloc(cap, sizeof(*v));
	while ((row = mysql_fetch_row(res)) != NULL && n < MAX_DBS) {
		if (row[0] == NULL || strcmp(row[0], db->t->db.name) == 0 ||
		    strcasecmp(row[0], "information_schema") == 0)
			continue;
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = xstrdup(row[0]);
	}
	mysql_free_result(res);
	dbs_free(db);
	db->dbs = v;
	db->n_dbs = n;
	db->dbs_gen++;
}

struct tool_db *
tool_db_new(const struct tenant *t)
{
	struct tool_db *db = xcalloc(1, sizeof(*db));

	db->t = t;
	pthread_mutex_init(&db->lock, NULL);
	return db;
}

static void
db_close(struct tool_db *db)
{
	pthread_mutex_lock(&db->lock);
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->thread_id = 0;
	pthread_mutex_unlock(&db->lock);
}

void
tool_db_free(struct tool_db *db)
{
	if (db == NULL)
		return;
	db_close(db);
	dbs_free(db);
	pthread_mutex_destroy(&db->lock);
	free(db);
}

const char *tool_db_name(const struct tool_db *db) { return db->t->db.name; }
const struct tenant *tool_db_tenant(const struct tool_db *db) { return db->t; }
const char *tool_db_server_version(struct tool_db *db) { return db->version; }
bool tool_db_is_mariadb(struct tool_db *db) { return db->mariadb; }
const char *tool_db_tls(struct tool_db *db) { return db->tls; }

const char *const *
tool_db_other_databases(const struct tool_db *db, size_t *n)
{
	*n = db->n_dbs;
	return (const char *const *)db->dbs;
}

/*
 * Open a connection with the tenant's settings.  read_timeout_s 0 means
 * none.  Returns the handle, or NULL with an "unavailable:" error (the
 * message never holds the password: libmysqlclient does not put it there).
 */
static MYSQL *
db_open(const struct tenant *t, unsigned read_timeout_s, struct tool_err *err)
{
	const struct tenant_db *d = &t->db;
	MYSQL *m = NULL;
	unsigned timeout = d->connect_timeout_s, zero = 0;
	my_bool yes = 1, no = 0;

	if ((m = mysql_init(NULL)) == NULL) {
		tool_err_set(err, TOOL_E_UNAVAILABLE, "out of memory for a connection");
		return NULL;
	}
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	if (read_timeout_s > 0) {
		mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout_s);
		mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &read_timeout_s);
	}
	mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &zero);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, d->charset != NULL ? d->charset : "utf8mb4");
	mysql_options(m, MYSQL_REPORT_DATA_TRUNCATION, &yes);
	switch (d->ssl_mode) {
	case TENANT_SSL_DISABLED:
		break;
	case TENANT_SSL_PREFERRED:
		/* TLS when the server offers it; a CA, when given, is used. */
		if (d->ssl_ca != NULL)
			mysql_options(m, MYSQL_OPT_SSL_CA, d->ssl_ca);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	case TENANT_SSL_REQUIRED:
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	case TENANT_SSL_VERIFY_CA:
	case TENANT_SSL_VERIFY_IDENTITY:
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &yes);
		if (d->ssl_ca != NULL)
			mysql_options(m, MYSQL_OPT_SSL_CA, d->ssl_ca);
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
		break;
	}
	/* No CLIENT_MULTI_STATEMENTS, no CLIENT_LOCAL_FILES. */
	if (mysql_real_connect(m, d->host, d->user, d->password, d->name, d->port,
	    d->socket, 0) == NULL) {
		unsigned no_ = mysql_errno(m);
		if (no_ == 1045 || no_ == 1044 || no_ == 1049 || no_ == 1698)
			tool_err_set(err, TOOL_E_UNAVAILABLE,
			    "cannot log in to the database (%u %s); check the tenant's database settings",
			    no_, mysql_error(m));
		else
			tool_err_set(err, TOOL_E_UNAVAILABLE,
			    "the database cannot be reached (%u %s); the next call tries again",
			    no_, mysql_error(m));
		err->mysql_errno = no_;
		mysql_close(m);
		return NULL;
	}
	return m;
}

/*
 * The read-only session (CONTRACT 7.2): READ ONLY transactions, autocommit,
 * +00:00, the pinned sql_mode and the statement time limit.  Fixed text of
 * ours, not passed through the guard.  0, or -1 (mysql_errno(m) says why).
 */
static int
session_setup(struct tool_db *db, MYSQL *m)
{
	const struct tenant *t = db->t;
	char sql[256];

	if (mysql_query(m, "SET SESSION TRANSACTION READ ONLY") != 0)
		return -1;
	if (db->mariadb)
		snprintf(sql, sizeof(sql), "SET SESSION autocommit = 1, time_zone = '+00:00',"
		    " sql_mode = '" SQL_MODE "', max_statement_time = %.3f",
		    (double)t->limits.query_timeout_ms / 1000.0);
	else
		snprintf(sql, sizeof(sql), "SET SESSION autocommit = 1, time_zone = '+00:00',"
		    " sql_mode = '" SQL_MODE "', max_execution_time = %ld",
		    t->limits.query_timeout_ms);
	return mysql_query(m, sql) != 0 ? -1 : 0;
}

int
tool_db_connect(struct tool_db *db, struct tool_err *err)
{
	const struct tenant *t = db->t;
	MYSQL *m;
	const char *cipher;
	unsigned rt;

	if (db->conn != NULL)
		return 0;
	/* The client-side read timeout is a backstop behind the server's limit. */
	rt = (unsigned)((t->limits.query_timeout_ms + 999) / 1000) + 10;
	if ((m = db_open(t, rt, err)) == NULL)
		return -1;
	db->mariadb = strstr(mysql_get_server_info(m), "MariaDB") != NULL;
	snprintf(db->version, sizeof(db->version), "%s", mysql_get_server_info(m));
	if (mysql_set_character_set(m, "utf8mb4") != 0 || session_setup(db, m) != 0)
		goto fail;
	dbs_load(db, m);
	/* Every statement carries the settings too (see stmt_prefix()). */
	snprintf(db->prefix, sizeof(db->prefix), "SET STATEMENT tx_read_only = 1,"
	    " max_statement_time = %.3f, time_zone = '+00:00', sql_mode = '" SQL_MODE "' FOR ",
	    (double)t->limits.query_timeout_ms / 1000.0);
	cipher = mysql_get_ssl_cipher(m);
	if (cipher != NULL) {
		const char *ver = NULL;
		if (mariadb_get_infov(m, MARIADB_CONNECTION_TLS_VERSION, &ver) != 0 || ver == NULL)
			ver = "TLS";
		snprintf(db->tls, sizeof(db->tls), "%s %s", ver, cipher);
	} else {
		snprintf(db->tls, sizeof(db->tls), "none");
	}
	pthread_mutex_lock(&db->lock);
	db->conn = m;
	db->thread_id = mysql_thread_id(m);
	pthread_mutex_unlock(&db->lock);
	return 0;
fail:
	tool_err_mysql(err, mysql_errno(m), mysql_sqlstate(m), mysql_error(m),
	    t->limits.query_timeout_ms);
	if (err->kind == TOOL_E_MYSQL)	/* setting up the session must work */
		err->kind = TOOL_E_UNAVAILABLE;
	mysql_close(m);
	return -1;
}

/* KILL QUERY id on a short-lived side connection; -1 when it could not connect. */
static int
kill_query(const struct tenant *t, unsigned long id)
{
	struct tool_err err;
	MYSQL *side;
	char sql[64];

	if ((side = db_open(t, 5, &err)) == NULL) {
		fprintf(stderr, "saia-mcp: cannot cancel yet: %s\n", err.msg);
		return -1;
	}
	snprintf(sql, sizeof(sql), "KILL QUERY %lu", id);
	if (mysql_query(side, sql) != 0 && mysql_errno(side) != 1094 /* unknown thread */)
		fprintf(stderr, "saia-mcp: KILL QUERY failed: %u %s\n", mysql_errno(side),
		    mysql_error(side));
	mysql_close(side);
	return 0;
}

/*
 * After a call that was cancelled: drop the connection.  A KILL QUERY for
 * it may still be on its way (the killer checks, then connects, then
 * kills); on a new connection, with a new thread id, it cannot reach the
 * next call's statement.  Worker thread.
 */
void
tool_db_drop(struct tool_db *db)
{
	db_close(db);
}

unsigned long
tool_db_cancel_token(struct tool_db *db)
{
	unsigned long seq;

	pthread_mutex_lock(&db->lock);
	seq = db->seq;
	pthread_mutex_unlock(&db->lock);
	return seq;
}

/*
 * KILL QUERY the statement named by token (tool_db_cancel_token() when the
 * cancel came), if it still runs.  Between the check and the KILL the
 * statement may end; the worker then drops the connection of a cancelled
 * call (tool_db_drop()), so the KILL cannot land on the next call.
 */
void
tool_db_cancel(struct tool_db *db, unsigned long token)
{
	unsigned long id;
	int tries;

	/*
	 * A database that does not take connections for a moment (paused,
	 * overloaded) must not lose the cancel: try again while the statement
	 * still runs, up to CANCEL_TRIES times.
	 */
	for (tries = 0; tries < CANCEL_TRIES; tries++) {
		pthread_mutex_lock(&db->lock);
		id = db->running && db->seq == token && db->conn != NULL ? db->thread_id : 0;
		pthread_mutex_unlock(&db->lock);
		if (id == 0 || kill_query(db->t, id) == 0)
			return;
		usleep(250000);
	}
}

static void
set_running(struct tool_db *db, bool on)
{
	pthread_mutex_lock(&db->lock);
	db->running = on;
	if (on)
		db->seq++;
	pthread_mutex_unlock(&db->lock);
}

/* Is this error one after which the connection is gone? */
static bool
conn_gone(unsigned no)
{
	return no == CR_SERVER_GONE_ERROR || no == CR_SERVER_LOST ||
	    no == CR_CONNECTION_ERROR || no == 1927 /* connection killed */ ||
	    no == 1053 /* server shutdown */ || no == 4031 /* MySQL: idle disconnect */ ||
	    no == CR_SSL_CONNECTION_ERROR /* a TLS link that broke mid-statement */;
}

static void
err_from_stmt(struct tool_db *db, MYSQL_STMT *st, struct tool_err *err)
{
	/*
	 * libmariadb leaves an error met while reading a row (the time limit,
	 * KILL QUERY, a lost connection) on the connection, not the statement.
	 */
	if (mysql_stmt_errno(st) == 0 && db->conn != NULL && mysql_errno(db->conn) != 0) {
		tool_err_mysql(err, mysql_errno(db->conn), mysql_sqlstate(db->conn),
		    mysql_error(db->conn), db->t->limits.query_timeout_ms);
		return;
	}
	tool_err_mysql(err, mysql_stmt_errno(st), mysql_stmt_sqlstate(st), mysql_stmt_error(st),
	    db->t->limits.query_timeout_ms);
}

/*
 * Has the server closed this idle connection (or sent something unasked,
 * such as the error packet of KILL CONNECTION)?  Nothing may be waiting to
 * be read between statements; one poll, no round trip.
 */
static bool
peer_closed(MYSQL *m)
{
	struct pollfd p = { .fd = (int)mysql_get_socket(m), .events = POLLIN };

	return p.fd >= 0 && poll(&p, 1, 0) > 0;
}

/*
 * The guard's verdict on sql.  *user_functions gets the number of calls let
 * through only because the tenant lists them (allowed_functions).
 */
static int
guard_pass(struct tool_db *db, const char *sql, unsigned *user_functions, unsigned *params,
    struct tool_err *err)
{
	struct guard_opts go = {
		.schema = db->t->db.name,
		.functions = (const char *const *)db->t->allowed_functions,
		.n_functions = db->t->n_allowed_functions,
		.databases = db->foreign_sql ? (const char *const *)db->dbs : NULL,
		.n_databases = db->foreign_sql ? db->n_dbs : 0,
	};
	struct guard_result gr;
	char why[512];

	if (guard_check(sql, strlen(sql), &go, &gr) == 0) {
		*user_functions = gr.user_functions;
		*params = gr.params;
		return 0;
	}
	guard_explain(&gr, why, sizeof(why));
	tool_err_set(err, TOOL_E_REFUSED, "%s", why);
	return -1;
}

/*
 * Prepare and execute sql with params on a live connection, reconnecting
 * once when the connection turns out to be gone.  ctx (may be NULL): a
 * call cancelled before its statement starts does not start it.  Returns
 * the executed statement (caller closes), or NULL with err set.
 */
static MYSQL_STMT *
db_exec(struct tool_db *db, const char *sql, const struct tool_param *params,
    size_t n, const struct tool_ctx *ctx, unsigned *user_functions, struct tool_err *err)
{
	MYSQL_BIND *pb = NULL;
	MYSQL_STMT *st = NULL;
	char *text = NULL;	/* what is sent: sql behind the settings prefix */
	my_bool null_flag = 1;
	bool executed = false;
	unsigned marks = 0;	/* the guard's count of '?' */
	int attempt;
	size_t i;

	if (guard_pass(db, sql, user_functions, &marks, err) != 0)
		return NULL;
	/* Before binding: the library reads one bind per '?'. */
	if (marks != n) {
		tool_err_set(err, TOOL_E_INVALID,
		    "the statement has %u '?' placeholders but %zu values were given", marks, n);
		return NULL;
	}
	if (n > 0) {
		pb = xcalloc(n, sizeof(*pb));
		for (i = 0; i < n; i++) {
			switch (params[i].type) {
			case TOOL_P_NULL:
				pb[i].buffer_type = MYSQL_TYPE_NULL;
				pb[i].is_null = &null_flag;
				break;
			case TOOL_P_INT:
				pb[i].buffer_type = MYSQL_TYPE_LONGLONG;
				pb[i].buffer = (void *)&params[i].i;
				break;
			case TOOL_P_DOUBLE:
				pb[i].buffer_type = MYSQL_TYPE_DOUBLE;
				pb[i].buffer = (void *)&params[i].d;
				break;
			case TOOL_P_STRING:
				pb[i].buffer_type = MYSQL_TYPE_STRING;
				pb[i].buffer = (void *)params[i].s;
				pb[i].buffer_length = (unsigned long)params[i].len;
				break;
			}
		}
	}
	for (attempt = 0; attempt < 2; attempt++) {
		unsigned gen = db->dbs_gen;

		if (attempt > 0 && ctx != NULL && ctx->cancelled) {
			/* cancelled, or end of input, while the first try failed */
			tool_err_set(err, TOOL_E_CANCELLED, "cancelled by the client");
			break;
		}
		/*
		 * A connection the server closed while idle (KILL CONNECTION, a
		 * restart, wait_timeout) is replaced before anything is sent, so
		 * that a lost connection later always means the statement may
		 * have run.
		 */
		if (db->conn != NULL && peer_closed(db->conn))
			db_close(db);
		if (tool_db_connect(db, err) != 0)
			break;
		/* Connecting read the account's databases: judge foreign SQL again with them. */
		if (db->foreign_sql && db->dbs_gen != gen &&
		    guard_pass(db, sql, user_functions, &marks, err) != 0)
			break;
		if ((st = mysql_stmt_init(db->conn)) == NULL) {
			tool_err_mysql(err, mysql_errno(db->conn), mysql_sqlstate(db->conn),
			    mysql_error(db->conn), db->t->limits.query_timeout_ms);
			break;
		}
		/*
		 * The session alone must hold (CONTRACT 7): a view or function in
		 * the tenant's own database could have changed it during an
		 * earlier statement.  MariaDB takes the settings with every
		 * statement (SET STATEMENT ... FOR); on MySQL they are set again.
		 */
		if (!db->mariadb && session_setup(db, db->conn) != 0) {
			tool_err_mysql(err, mysql_errno(db->conn), mysql_sqlstate(db->conn),
			    mysql_error(db->conn), db->t->limits.query_timeout_ms);
			mysql_stmt_close(st);
			st = NULL;
			if (!conn_gone(err->mysql_errno))
				break;
			db_close(db);
			continue;
		}
		if (text == NULL) {
			size_t pl = db->mariadb ? strlen(db->prefix) : 0, sl = strlen(sql);

			text = xmalloc(pl + sl + 1);
			memcpy(text, db->prefix, pl);
			memcpy(text + pl, sql, sl + 1);
		}
		if (db->mariadb) {
			/*
			 * MariaDB takes the prepare and the execute in one round
			 * trip (COM_STMT_PREPARE, then COM_STMT_EXECUTE of statement
			 * -1); the parameters are bound first, by the guard's count.
			 */
			unsigned int pc = (unsigned int)n;

			if (mysql_stmt_attr_set(st, STMT_ATTR_PREBIND_PARAMS, &pc) != 0 ||
			    (n > 0 && mysql_stmt_bind_param(st, pb) != 0)) {
				err_from_stmt(db, st, err);
				mysql_stmt_close(st);
				st = NULL;
				break;
			}
		} else if (mysql_stmt_prepare(st, text, strlen(text)) == 0 &&
		    mysql_stmt_param_count(st) != n) {
			tool_err_set(err, TOOL_E_INVALID,
			    "the statement has %lu '?' placeholders but %zu values were given",
			    mysql_stmt_param_count(st), n);
			mysql_stmt_close(st);
			st = NULL;
			break;
		}
		if (db->mariadb || (mysql_stmt_errno(st) == 0 &&
		    (n == 0 || mysql_stmt_bind_param(st, pb) == 0))) {
			set_running(db, true);
			/*
			 * A cancel that came before `running` was set had nothing
			 * to KILL; it is seen here instead (db->lock orders the two).
			 */
			if (ctx != NULL && ctx->cancelled) {
				set_running(db, false);
				tool_err_set(err, TOOL_E_CANCELLED, "cancelled by the client");
				mysql_stmt_close(st);
				st = NULL;
				break;
			}
			executed = true;
			if ((db->mariadb ? mariadb_stmt_execute_direct(st, text, strlen(text)) :
			    mysql_stmt_execute(st)) == 0)
				goto out;	/* running stays true while rows stream */
			set_running(db, false);
		}
		err_from_stmt(db, st, err);
		mysql_stmt_close(st);
		st = NULL;
		if (!conn_gone(err->mysql_errno))
			break;
		/*
		 * The connection is gone.  Try once more only when the statement
		 * never ran: a connection dropped while it ran (killed by an
		 * administrator, or a server that went away mid-query) must not
		 * run it a second time.
		 */
		if (executed && err->mysql_errno != CR_SERVER_GONE_ERROR) {
			pthread_mutex_lock(&db->lock);
			unsigned long id = db->thread_id;
			pthread_mutex_unlock(&db->lock);
			db_close(db);
			if (err->mysql_errno == CR_SERVER_LOST && id != 0)
				kill_query(db->t, id);	/* it may still run there */
			tool_err_set(err, TOOL_E_UNAVAILABLE, "the connection to the database was"
			    " lost while the statement ran (%u); it was not run again, and the"
			    " next call reconnects", err->mysql_errno);
			break;
		}
		db_close(db);		/* and try once more */
		if (attempt == 0)
			fprintf(stderr, "saia-mcp: connection lost (%s); reconnecting\n", err->msg);
	}
out:
	free(text);
	free(pb);
	return st;
}

/*
 * After a statement.  broken: the connection cannot be used again (lost,
 * cancelled mid-result, rows left unread, or a tenant function ran that
 * could have changed the session); close it first, so closing the
 * statement does not read the rest of the result off the wire.  kill: the
 * statement may still be running on the server: KILL QUERY it.
 */
static void
db_done(struct tool_db *db, MYSQL_STMT *st, bool broken, bool kill)
{
	unsigned long id = 0;

	if (broken && kill && st != NULL) {
		pthread_mutex_lock(&db->lock);
		id = db->conn != NULL ? db->thread_id : 0;
		pthread_mutex_unlock(&db->lock);
	}
	if (broken)
		db_close(db);
	/* A statement still running on the server is stopped there too. */
	if (id != 0)
		kill_query(db->t, id);
	if (st != NULL)
		mysql_stmt_close(st);
	set_running(db, false);
}

/* ---- streaming rows ---- */

struct col {
	enum tval_class cls;
	enum enum_field_types type;
	unsigned decimals;
	bool is_unsigned;
	long long i;
	float f;
	double d;
	MYSQL_TIME tm;
	char *buf;		/* strings: owned, grows */
	unsigned long cap;
	unsigned long len;
	my_bool is_null;
	my_bool error;
};

/*
 * Bind every column by how it is encoded (text false), or every column as
 * text the way the server prints it (text true: catalog reads).
 */
static void
cols_bind(MYSQL_FIELD *fields, unsigned ncols, struct col *cols, MYSQL_BIND *b, bool text)
{
	unsigned i;

	for (i = 0; i < ncols; i++) {
		struct col *c = &cols[i];
		MYSQL_FIELD *f = &fields[i];

		c->type = f->type;
		c->decimals = f->decimals;
		c->cls = text ? TVAL_C_TEXT : tval_classify(f->type, f->flags, f->charsetnr);
		c->is_unsigned = (f->flags & UNSIGNED_FLAG) != 0;
		b[i].is_null = &c->is_null;
		b[i].length = &c->len;
		b[i].error = &c->error;
		switch (c->cls) {
		case TVAL_C_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case TVAL_C_INT:
		case TVAL_C_YEAR:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = &c->i;
			b[i].is_unsigned = (f->flags & UNSIGNED_FLAG) != 0;
			break;
		case TVAL_C_FLOAT:
			b[i].buffer_type = MYSQL_TYPE_FLOAT;
			b[i].buffer = &c->f;
			break;
		case TVAL_C_DOUBLE:
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = &c->d;
			break;
		case TVAL_C_TIME:
			b[i].buffer_type = f->type == MYSQL_TYPE_NEWDATE ? MYSQL_TYPE_DATE : f->type;
			b[i].buffer = &c->tm;
			b[i].buffer_length = sizeof(c->tm);
			break;
		case TVAL_C_DECIMAL:
		case TVAL_C_BIT:
		case TVAL_C_TEXT:
		case TVAL_C_BINARY:
			c->cap = text ? 256 : FIRST_BUF;
			c->buf = xmalloc(c->cap);
			b[i].buffer_type = text ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
			b[i].buffer = c->buf;
			b[i].buffer_length = c->cap;
			break;
		}
	}
}

static void
cols_free(struct col *cols, unsigned ncols)
{
	unsigned i;

	for (i = 0; cols != NULL && i < ncols; i++)
		free(cols[i].buf);
	free(cols);
}

/*
 * A string column longer than its buffer: grow the buffer (up to limit
 * bytes) and fetch the rest.  The statement keeps its own copy of the
 * binds, so after a growth *rebind is set and the caller must call
 * mysql_stmt_bind_result() again before the next fetch (the old buffer is
 * gone).  Returns 0, or -1 when the value is longer than limit (the row
 * cannot fit any budget) or the fetch failed.
 */
static int
col_fetch_rest(MYSQL_STMT *st, MYSQL_BIND *b, unsigned i, struct col *c, size_t limit,
    bool *rebind)
{
	unsigned long have = c->cap;
	MYSQL_BIND part;

	if (c->len <= c->cap)
		return 0;
	if (c->len > limit)
		return -1;
	c->cap = c->len;
	c->buf = xrealloc(c->buf, c->cap);
	b[i].buffer = c->buf;
	b[i].buffer_length = c->cap;
	*rebind = true;
	part = b[i];
	part.buffer = c->buf + have;
	part.buffer_length = c->len - have;
	if (mysql_stmt_fetch_column(st, &part, i, have) != 0)
		return -1;
	return 0;
}

static void
col_encode(struct tbuf *out, const struct col *c)
{
	if (c->is_null) {
		tbuf_put(out, "null", 4);
		return;
	}
	switch (c->cls) {
	case TVAL_C_NULL:
		tbuf_put(out, "null", 4);
		break;
	case TVAL_C_INT:
		tval_int(out, c->i, c->is_unsigned);
		break;
	case TVAL_C_YEAR:
		tval_year(out, c->i);
		break;
	case TVAL_C_FLOAT:
		tval_float(out, c->f);
		break;
	case TVAL_C_DOUBLE:
		tval_double(out, c->d);
		break;
	case TVAL_C_TIME:
		tval_time(out, &c->tm, c->type, c->decimals);
		break;
	case TVAL_C_DECIMAL:
		tval_decimal(out, c->buf, c->len);
		break;
	case TVAL_C_BIT:
		tval_bit(out, (const unsigned char *)c->buf, c->len);
		break;
	case TVAL_C_TEXT:
		tval_text(out, c->buf, c->len);
		break;
	case TVAL_C_BINARY:
		tval_binary(out, (const unsigned char *)c->buf, c->len);
		break;
	}
}

static long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/*
 * The cursor: one executed statement read a row at a time, shared by the
 * three readers below (row results, rows handed to a callback, small
 * catalog tables).  It is struct tool_row, which callbacks see as opaque.
 */
struct tool_row {
	struct tool_db *db;
	struct tool_ctx *ctx;	/* may be NULL */
	MYSQL_STMT *st;
	MYSQL_RES *meta;
	MYSQL_FIELD *fields;
	MYSQL_BIND *b;
	struct col *cols;
	unsigned ncols;
	bool rebind;		/* a buffer grew: bind again before the next fetch */
	bool broken;		/* the connection cannot be used again */
	bool kill;		/* ... and the statement may still run on the server */
};

/* Run sql and bind its columns.  0, or -1 with err set (then cur_close). */
static int
cur_open(struct tool_row *r, struct tool_db *db, const char *sql,
    const struct tool_param *params, size_t n, struct tool_ctx *ctx, bool text,
    struct tool_err *err)
{
	unsigned user_functions = 0;

	memset(r, 0, sizeof(*r));
	r->db = db;
	r->ctx = ctx;
	r->st = db_exec(db, sql, params, n, ctx, &user_functions, err);
	/*
	 * A tenant's own function may have changed session settings (read
	 * only, time limit, ...) or taken a lock, even when the statement then
	 * failed: the next statement starts on a fresh connection, whose
	 * session is set up again (CONTRACT 7.2).
	 */
	if (user_functions > 0)
		r->broken = true;
	if (r->st == NULL)
		return -1;
	if ((r->meta = mysql_stmt_result_metadata(r->st)) == NULL) {
		tool_err_set(err, TOOL_E_INVALID, "the statement returns no rows");
		return -1;
	}
	r->ncols = mysql_num_fields(r->meta);
	r->fields = mysql_fetch_fields(r->meta);
	r->cols = xcalloc(r->ncols, sizeof(*r->cols));
	r->b = xcalloc(r->ncols, sizeof(*r->b));
	cols_bind(r->fields, r->ncols, r->cols, r->b, text);
	if (mysql_stmt_bind_result(r->st, r->b) != 0) {
		err_from_stmt(db, r->st, err);
		return -1;
	}
	return 0;
}

/* The next row: 1, 0 at the end, -1 with err set (cancelled, lost, ...). */
static int
cur_next(struct tool_row *r, struct tool_err *err)
{
	int fr;

	if (r->ctx != NULL && r->ctx->cancelled) {
		tool_err_set(err, TOOL_E_CANCELLED, "cancelled by the client");
		r->broken = true;	/* rows may still be in flight */
		return -1;
	}
	if (r->rebind && mysql_stmt_bind_result(r->st, r->b) != 0) {
		err_from_stmt(r->db, r->st, err);
		r->broken = true;
		return -1;
	}
	r->rebind = false;
	fr = mysql_stmt_fetch(r->st);
	if (fr == MYSQL_NO_DATA)
		return 0;
	if (fr == 1) {
		err_from_stmt(r->db, r->st, err);
		/* keep broken when it is already set (a tenant function ran) */
		r->broken = r->broken || conn_gone(err->mysql_errno);
		/* our read timeout (the backstop) ends here while the server goes on */
		r->kill = err->mysql_errno == CR_SERVER_LOST;
		return -1;
	}
	return 1;	/* MYSQL_DATA_TRUNCATED too: long values are fetched on demand */
}

/* Fetch the rest of a long cell i, up to limit bytes; -1 when it is longer. */
static int
cur_cell(struct tool_row *r, unsigned i, size_t limit)
{
	struct col *c = &r->cols[i];

	if (c->is_null || c->buf == NULL)
		return 0;
	return col_fetch_rest(r->st, r->b, i, c, limit, &r->rebind);
}

static void
cur_close(struct tool_row *r)
{
	cols_free(r->cols, r->ncols);
	free(r->b);
	if (r->meta != NULL)
		mysql_free_result(r->meta);
	db_done(r->db, r->st, r->broken, r->kill);
	memset(r, 0, sizeof(*r));
}

/* ---- row results ---- */

/* Room kept free while rows stream, for the tail the caller writes. */
#define TAIL_ROOM 512

int
tool_db_rows(struct tool_db *db, const char *sql, const struct tool_param *params,
    size_t n_params, const struct tool_caps *caps, struct tool_ctx *ctx,
    struct tbuf *out, struct tool_rows_info *info, struct tool_err *err)
{
	struct tool_row r;
	size_t saved_limit = out->limit;
	long last_ns = now_ns();
	unsigned i;
	int rc = -1, got;

	memset(info, 0, sizeof(*info));
	db->foreign_sql = caps->foreign_sql;
	got = cur_open(&r, db, sql, params, n_params, ctx, false, err);
	db->foreign_sql = false;
	if (got != 0)
		goto out;
	if (out->limit > TAIL_ROOM)
		out->limit -= TAIL_ROOM;
	tbuf_puts(out, "\"columns\":[");
	for (i = 0; i < r.ncols; i++) {
		if (i > 0)
			tbuf_putc(out, ',');
		tbuf_puts(out, "{\"name\":");
		tbuf_json_str(out, r.fields[i].name, r.fields[i].name_length);
		tbuf_puts(out, ",\"type\":\"");
		tbuf_puts(out, tval_type_name(r.fields[i].type, r.fields[i].flags,
		    r.fields[i].charsetnr));
		tbuf_puts(out, "\"}");
	}
	tbuf_puts(out, "],\"rows\":[");
	if (tbuf_full(out)) {
		tool_err_set(err, TOOL_E_INVALID, "the result's column list alone is over the byte cap");
		goto out;
	}
	while ((got = cur_next(&r, err)) == 1) {
		struct tbuf_mark mark;

		if (info->rows >= caps->max_rows) {
			info->more = info->truncated = true;
			break;
		}
		mark = tbuf_mark(out);
		if (info->rows > 0)
			tbuf_putc(out, ',');
		tbuf_putc(out, '[');
		for (i = 0; i < r.ncols && !tbuf_full(out); i++) {
			if (i > 0)
				tbuf_putc(out, ',');
			if (cur_cell(&r, i, out->limit) != 0) {
				out->full = true;
				break;
			}
			col_encode(out, &r.cols[i]);
		}
		tbuf_putc(out, ']');
		if (tbuf_full(out)) {
			tbuf_rollback(out, mark);
			info->more = info->truncated = true;
			break;
		}
		info->rows++;
		if (ctx != NULL && ctx->progress != NULL && info->rows % PROGRESS_ROWS == 0) {
			long ns = now_ns();
			if (ns - last_ns >= PROGRESS_NS) {
				char msg[64];
				snprintf(msg, sizeof(msg), "%ld rows so far", info->rows);
				ctx->progress(ctx, (double)info->rows, msg);
				last_ns = ns;
			}
		}
	}
	if (got < 0)
		goto out;
	tbuf_putc(out, ']');
	rc = 0;
out:
	out->limit = saved_limit;
	if (info->more && caps->unbounded) {
		/*
		 * Rows we will not send are still coming.  Closing the statement
		 * would read them all off the wire; for a statement without our
		 * own LIMIT that can be millions, so drop the connection instead
		 * (the server stops at its next write) and reconnect on the next
		 * call, after a KILL QUERY so that a statement still computing
		 * stops too.  The built-in tools ask for one row more than they
		 * send and read on.
		 */
		r.broken = true;
		r.kill = true;
	}
	cur_close(&r);
	return rc;
}

/* ---- rows handed to a callback (tool_db_each) ---- */

bool
tool_row_null(const struct tool_row *row, unsigned i)
{
	return i >= row->ncols || row->cols[i].is_null;
}

int
tool_row_put(struct tool_row *row, unsigned i, struct tbuf *out)
{
	if (i >= row->ncols) {
		tbuf_put(out, "null", 4);
		return tbuf_full(out) ? -1 : 0;
	}
	if (cur_cell(row, i, out->limit > 0 ? out->limit : (size_t)-1) != 0) {
		out->full = true;
		return -1;
	}
	col_encode(out, &row->cols[i]);
	return tbuf_full(out) ? -1 : 0;
}

int
tool_db_each(struct tool_db *db, const char *sql, const struct tool_param *params,
    size_t n_params, struct tool_ctx *ctx, int (*fn)(void *arg, struct tool_row *row),
    void *arg, struct tool_err *err)
{
	struct tool_row r;
	int rc = -1, got;

	if (cur_open(&r, db, sql, params, n_params, ctx, false, err) == 0) {
		while ((got = cur_next(&r, err)) == 1)
			if (fn(arg, &r) != 0)
				break;
		if (got >= 0)
			rc = 0;
	}
	cur_close(&r);
	return rc;
}

/* ---- small results into memory ---- */

void
tool_table_free(struct tool_table *tab)
{
	size_t i;

	if (tab->cells != NULL)
		for (i = 0; i < tab->nrows * tab->ncols; i++)
			free(tab->cells[i]);
	if (tab->names != NULL)
		for (i = 0; i < tab->ncols; i++)
			free(tab->names[i]);
	free(tab->cells);
	free(tab->names);
	memset(tab, 0, sizeof(*tab));
}

int
tool_db_table(struct tool_db *db, const char *sql, const struct tool_param *params,
    size_t n_params, size_t max_rows, struct tool_table *tab, struct tool_err *err)
{
	struct tool_row r;
	size_t cap_rows = 0;
	unsigned i;
	int rc = -1, got;

	memset(tab, 0, sizeof(*tab));
	if (cur_open(&r, db, sql, params, n_params, NULL, true, err) != 0)
		goto out;
	tab->ncols = r.ncols;
	tab->names = xcalloc(r.ncols ? r.ncols : 1, sizeof(char *));
	for (i = 0; i < r.ncols; i++)
		tab->names[i] = xstrdup(r.fields[i].name);
	while ((got = cur_next(&r, err)) == 1) {
		char **row;

		if (tab->nrows >= max_rows)
			continue;	/* read and drop: keeps the connection clean */
		if (tab->nrows == cap_rows) {
			cap_rows = cap_rows ? cap_rows * 2 : 16;
			tab->cells = xrealloc(tab->cells, cap_rows * r.ncols * sizeof(char *) + 1);
		}
		row = &tab->cells[tab->nrows * r.ncols];
		memset(row, 0, r.ncols * sizeof(char *));
		tab->nrows++;		/* from here on its cells are freed with the table */
		for (i = 0; i < r.ncols; i++) {
			struct col *c = &r.cols[i];

			if (c->is_null)
				continue;
			if (cur_cell(&r, i, 16u << 20) != 0) {
				tool_err_set(err, TOOL_E_MYSQL, "a catalog value is too long");
				r.broken = true;
				goto out;
			}
			row[i] = xmalloc(c->len + 1);
			memcpy(row[i], c->buf, c->len);
			row[i][c->len] = '\0';
		}
	}
	if (got == 0)
		rc = 0;
out:
	if (rc != 0)
		tool_table_free(tab);
	cur_close(&r);
	return rc;
}

void
tool_table_put_list(struct tbuf *b, const struct tool_table *t, size_t from, size_t to,
    size_t col)
{
	size_t r;

	tbuf_putc(b, '[');
	for (r = from; r < to; r++) {
		if (r > from)
			tbuf_putc(b, ',');
		tbuf_json_cstr(b, tool_cell(t, r, col) != NULL ? tool_cell(t, r, col) : "");
	}
	tbuf_putc(b, ']');
}

bool
tool_table_same(const struct tool_table *t, size_t a, size_t b, size_t col)
{
	const char *x = tool_cell(t, a, col), *y = tool_cell(t, b, col);

	return x != NULL && y != NULL && strcmp(x, y) == 0;
}

const char *
tool_db_column_default(struct tool_db *db, const char *raw)
{
	if (raw != NULL && db->mariadb && strcmp(raw, "NULL") == 0)
		return NULL;
	return raw;
}

/* ---- identifiers ---- */

void
tool_quote_ident(struct tbuf *b, const char *name)
{
	const char *p;

	tbuf_putc(b, '`');
	for (p = name; *p != '\0'; p++) {
		if (*p == '`')
			tbuf_putc(b, '`');
		tbuf_putc(b, *p);
	}
	tbuf_putc(b, '`');
}

int
tool_db_table_check(struct tool_db *db, const char *arg, const char *table_name,
    char *exact, size_t exact_size, char *type, size_t type_size, struct tool_err *err)
{
	struct tool_param p[2];
	struct tool_table tab;
	size_t n = strlen(table_name);
	const char *ty;

	/* MySQL identifiers are utf8mb3: a 4-byte character cannot be in one. */
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)table_name[k] >= 0xF0) {
			tool_err_set(err, TOOL_E_INVALID, "%s: there is no table or view named '%.64s'"
			    " in this database (table names cannot hold characters beyond U+FFFF);"
			    " list_customer_tables shows the names", arg, table_name);
			return -1;
		}
	if (n == 0 || n > 256 || !tval_utf8_valid(table_name, n)) {
		tool_err_set(err, TOOL_E_INVALID,
		    "%s must be a table name of 1 to 64 characters; list_customer_tables shows them", arg);
		return -1;
	}
	p[0] = (struct tool_param){ .type = TOOL_P_STRING, .s = db->t->db.name,
	    .len = strlen(db->t->db.name) };
	p[1] = (struct tool_param){ .type = TOOL_P_STRING, .s = table_name, .len = n };
	if (tool_db_table(db, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
	    " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", p, 2, 4, &tab, err) != 0)
		return -1;
	if (tab.nrows != 1) {
		tool_table_free(&tab);
		tool_err_set(err, TOOL_E_INVALID,
		    "%s: there is no table or view named '%.64s' in this database;"
		    " list_customer_tables shows the names", arg, table_name);
		return -1;
	}
	snprintf(exact, exact_size, "%s", tool_cell(&tab, 0, 0));
	ty = tool_cell(&tab, 0, 1);
	snprintf(type, type_size, "%s", ty != NULL && strstr(ty, "VIEW") != NULL ? "view" : "table");
	tool_table_free(&tab);
	return 0;
}
