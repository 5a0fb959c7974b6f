/*
 * Tool errors: the one place where the text of an isError result is built.
 * The first word says what kind of error it is (CONTRACT section 6), so a
 * model and a script can tell a bad argument from a lost database.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mysql.h>
#include <errmsg.h>

#include "tool_int.h"

static const char *const kind_prefix[] = {
	[TOOL_E_INVALID] = "invalid: ",
	[TOOL_E_REFUSED] = "refused: ",
	[TOOL_E_TIMEOUT] = "timeout: ",
	[TOOL_E_UNAVAILABLE] = "unavailable: ",
	[TOOL_E_MYSQL] = "mysql: ",
	[TOOL_E_CANCELLED] = "cancelled: ",
	[TOOL_E_NOTFOUND] = "invalid: ",
};

void
tool_err_set(struct tool_err *err, enum tool_ekind kind, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	err->kind = kind;
	err->mysql_errno = 0;
	n = (size_t)snprintf(err->msg, sizeof(err->msg), "%s", kind_prefix[kind]);
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
	tbuf_utf8_scrub(err->msg);	/* a cut "%.64s" may split a character */
}

/* Client-side codes that mean the server cannot be reached or went away. */
static int
is_unavailable(unsigned no)
{
	return no == CR_CONNECTION_ERROR || no == CR_CONN_HOST_ERROR ||
	    no == CR_SERVER_GONE_ERROR || no == CR_SERVER_LOST ||
	    no == CR_UNKNOWN_HOST || no == CR_IPSOCK_ERROR ||
	    no == CR_SOCKET_CREATE_ERROR || no == 2026 /* SSL connection error */ ||
	    no == 1040 /* too many connections */ || no == 1053 /* shutdown in progress */ ||
	    no == 1927 /* MariaDB: connection killed */;
}

void
tool_err_mysql(struct tool_err *err, unsigned no, const char *sqlstate,
    const char *msg, long timeout_ms)
{
	if (no == 1969 /* MariaDB ER_STATEMENT_TIMEOUT */ || no == 3024 /* MySQL ER_QUERY_TIMEOUT */) {
		tool_err_set(err, TOOL_E_TIMEOUT,
		    "the statement ran longer than the %ld ms limit (query_timeout_ms) and was stopped;"
		    " narrow it with WHERE or LIMIT", timeout_ms);
	} else if (is_unavailable(no)) {
		tool_err_set(err, TOOL_E_UNAVAILABLE,
		    "the database cannot be reached (%u %s); the next call tries again", no, msg);
	} else {
		tool_err_set(err, TOOL_E_MYSQL, "%u (%s) %s", no,
		    sqlstate != NULL && *sqlstate != '\0' ? sqlstate : "HY000", msg);
	}
	err->mysql_errno = no;
}
