/*
 * The invoice tools (CONTRACT section 4): get_all_invoices,
 * get_invoice_count, get_invoice_by_number and get_latest_invoice.  They
 * find the tenant's invoices through the schema mapping (tool_mapping.c),
 * quote every identifier with tool_quote_ident, bind every value, and
 * answer with the invoice table's own columns, values encoded exactly as
 * CONTRACT section 5 says (the row encoder of tool_db.c does that; this
 * file only reshapes its rows into objects where a tool answers with one
 * invoice).
 *
 * Order is always the invoice date, newest first, then the table's key,
 * highest first, so paging and "latest" are the same every time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tenant.h"
#include "tool_int.h"
#include "tool_mapping.h"
#include "tool_rows.h"

#define MAX_FILTER_PARAMS 6	/* status, date_from, date_to, customer; LIMIT, OFFSET */

/* ---- shared input schema pieces ---- */

#define FILTER_PROPS \
    "\"status\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64," \
    "\"description\":\"Only invoices with exactly this status, e.g. paid, sent, overdue," \
    " draft, cancelled (the values the tenant's data uses).\"}," \
    "\"date_from\":{\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"," \
    "\"description\":\"Only invoices dated on or after this day, YYYY-MM-DD.\"}," \
    "\"date_to\":{\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"," \
    "\"description\":\"Only invoices dated on or before this day (inclusive), YYYY-MM-DD.\"}," \
    "\"customer\":{\"type\":[\"integer\",\"string\"]," \
    "\"description\":\"Only invoices of this customer: the customer's key as stored on the" \
    " invoice (usually the customer id).\"}"

/* ---- filters ---- */

/* Is s (the inclusive end day, already valid) the last day a DATE can hold? */
static bool
last_day(const char *s)
{
	return strcmp(s, "9999-12-31") == 0;
}

/* The day after the valid date s ("YYYY-MM-DD"), into out (11 bytes). */
static void
next_day(const char *s, char *out, size_t size)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8), max = mdays[m - 1];

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	if (++d > max) {
		d = 1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	snprintf(out, size, "%04d-%02d-%02d", y, m, d);
}

/* Write s for an error message: at most 40 bytes, cut on a character boundary. */
static void
quote_arg(const char *s, char *out, size_t size)
{
	size_t n = strlen(s), cut = n;

	if (cut > 40) {
		cut = 40;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	snprintf(out, size, "%.*s%s", (int)cut, s, cut < n ? "..." : "");
}

struct filters {
	struct tool_param p[MAX_FILTER_PARAMS];
	size_t n;
	char day_after[40];	/* date_to + 1 day, bound as p[] */
};

static int
check_date(const struct tool_call *c, const char *arg, const char **out)
{
	const char *s = tool_arg_str(c, arg);
	char shown[64];

	*out = s;
	if (s == NULL || tool_valid_date(s, false))
		return 0;
	quote_arg(s, shown, sizeof(shown));
	tool_err_set(c->err, TOOL_E_INVALID, "%s must be a real calendar date YYYY-MM-DD, got"
	    " \"%s\"", arg, shown);
	return -1;
}

/*
 * Append " WHERE ..." for the status, date_from, date_to and customer
 * arguments to sql, and their values to f.  Every argument is checked
 * first, so a bad one is reported before the mapping is asked for.
 */
static int
add_filters(struct tool_call *c, const struct tool_map_invoices *m, struct tbuf *sql,
    struct filters *f)
{
	const cJSON *cust = cJSON_GetObjectItemCaseSensitive(c->args, "customer");
	const char *status = tool_arg_str(c, "status"), *from, *to;
	const char *word = " WHERE ";

	memset(f, 0, sizeof(*f));
	if (check_date(c, "date_from", &from) != 0 || check_date(c, "date_to", &to) != 0)
		return -1;
	if (cust != NULL) {
		if (cJSON_IsNumber(cust)) {
			double d = cust->valuedouble;
			if (d != (double)(long long)d || d < -9007199254740991.0 ||
			    d > 9007199254740991.0) {
				tool_err_set(c->err, TOOL_E_INVALID, "customer must be the customer's"
				    " key: an integer or a string, got %g", d);
				return -1;
			}
		} else if (!cJSON_IsString(cust) || cust->valuestring[0] == '\0' ||
		    strlen(cust->valuestring) > 200) {
			tool_err_set(c->err, TOOL_E_INVALID, "customer must be the customer's key:"
			    " an integer or a string of 1 to 200 bytes");
			return -1;
		}
	}
	if (status != NULL) {
		if (tool_map_need(&m->t, &m->status, "invoices", "status", "invoice status", c->err))
			return -1;
		tbuf_puts(sql, word);
		tool_quote_ident(sql, m->status.name);
		tbuf_puts(sql, " = ?");
		f->p[f->n++] = (struct tool_param){ .type = TOOL_P_STRING, .s = status,
		    .len = strlen(status) };
		word = " AND ";
	}
	if (from != NULL || (to != NULL && !last_day(to))) {
		if (tool_map_need(&m->t, &m->date, "invoices", "date", "invoice date", c->err))
			return -1;
	}
	if (from != NULL) {
		tbuf_puts(sql, word);
		tool_quote_ident(sql, m->date.name);
		tbuf_puts(sql, " >= ?");
		f->p[f->n++] = (struct tool_param){ .type = TOOL_P_STRING, .s = from,
		    .len = strlen(from) };
		word = " AND ";
	}
	if (to != NULL && !last_day(to)) {
		/* Inclusive also for a DATETIME column: before the next day starts. */
		next_day(to, f->day_after, sizeof(f->day_after));
		tbuf_puts(sql, word);
		tool_quote_ident(sql, m->date.name);
		tbuf_puts(sql, " < ?");
		f->p[f->n++] = (struct tool_param){ .type = TOOL_P_STRING, .s = f->day_after,
		    .len = strlen(f->day_after) };
		word = " AND ";
	}
	if (cust != NULL) {
		if (tool_map_need(&m->t, &m->customer, "invoices", "customer", "invoice's customer",
		    c->err))
			return -1;
		tbuf_puts(sql, word);
		tool_quote_ident(sql, m->customer.name);
		tbuf_puts(sql, " = ?");
		if (cJSON_IsNumber(cust))
			f->p[f->n++] = (struct tool_param){ .type = TOOL_P_INT,
			    .i = (long long)cust->valuedouble };
		else
			f->p[f->n++] = (struct tool_param){ .type = TOOL_P_STRING,
			    .s = cust->valuestring, .len = strlen(cust->valuestring) };
	}
	return 0;
}

/* ---- statement pieces ---- */

/* "SELECT `a`, `b` FROM `t`" for the table's own columns. */
static void
put_select(struct tbuf *sql, const struct tool_map_table *t)
{
	size_t i;

	tbuf_puts(sql, "SELECT ");
	for (i = 0; i < t->n_columns; i++) {
		if (i > 0)
			tbuf_puts(sql, ", ");
		tool_quote_ident(sql, t->columns[i]);
	}
	tbuf_puts(sql, " FROM ");
	tool_quote_ident(sql, t->table.name);
}

/* " ORDER BY `date` DESC, `key` DESC": newest first. */
static void
put_newest_first(struct tbuf *sql, const struct tool_map_invoices *m)
{
	const char *sep = " ORDER BY ";
	size_t i;

	if (m->date.src != TOOL_MAP_MISSING) {
		tbuf_puts(sql, sep);
		tool_quote_ident(sql, m->date.name);
		tbuf_puts(sql, " DESC");
		sep = ", ";
	}
	for (i = 0; i < m->t.n_key; i++) {
		tbuf_puts(sql, sep);
		tool_quote_ident(sql, m->t.key[i]);
		tbuf_puts(sql, " DESC");
		sep = ", ";
	}
}

/* ---- rows as objects ---- */

/* The end of the one JSON value at p (our own encoder's valid output). */
static const char *
json_skip(const char *p)
{
	int depth = 0;

	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++)
			if (*p == '\\' && p[1] != '\0')
				p++;
		return *p == '"' ? p + 1 : p;
	}
	if (*p == '{' || *p == '[') {
		do {
			if (*p == '"') {
				p = json_skip(p);
				continue;
			}
			if (*p == '{' || *p == '[')
				depth++;
			else if (*p == '}' || *p == ']')
				depth--;
			p++;
		} while (depth > 0 && *p != '\0');
		return p;
	}
	while (*p != '\0' && *p != ',' && *p != ']' && *p != '}')
		p++;
	return p;
}

/*
 * Run sql (which selects exactly t's columns) and write its rows into
 * c->out as objects {column: value}, at most max_rows of them: as a JSON
 * array, or (array false) the first row's object alone and nothing when
 * there is no row.  The values are the row encoder's own text, unchanged.
 * *rows gets the number of rows written, *more whether rows were left out.
 * 0, or -1 with c->err.
 */
static int
put_objects(struct tool_call *c, const struct tool_map_table *t, const char *sql,
    const struct tool_param *p, size_t n, long max_rows, bool array, long *rows, bool *more)
{
	struct tool_caps caps = { .max_rows = max_rows, .line_budget = c->line_budget };
	struct tool_rows_info info;
	struct tbuf text;
	const char *s;
	size_t i;
	long r;
	int rc = -1;

	tbuf_init(&text, c->out->limit);
	if (tool_db_rows(c->db, sql, p, n, &caps, c->ctx, &text, &info, c->err) != 0)
		goto out;
	*more = info.truncated;
	*rows = info.rows;
	/* text.data: "columns":[...],"rows":[[v,...],...] */
	s = json_skip(text.data + strlen("\"columns\":"));
	if (strncmp(s, ",\"rows\":[", 9) != 0)
		goto bad;
	s += 9;
	if (array)
		tbuf_putc(c->out, '[');
	for (r = 0; *s == '[' || *s == ','; r++) {
		if (*s == ',')
			s++;
		if (*s++ != '[')
			goto bad;
		tbuf_puts(c->out, r > 0 ? ",{" : "{");
		for (i = 0; i < t->n_columns; i++) {
			const char *v;

			if (i > 0 && *s++ != ',')
				goto bad;
			v = s;
			s = json_skip(s);
			if (i > 0)
				tbuf_putc(c->out, ',');
			tbuf_json_cstr(c->out, t->columns[i]);
			tbuf_putc(c->out, ':');
			tbuf_put(c->out, v, (size_t)(s - v));
		}
		if (*s++ != ']')
			goto bad;
		tbuf_putc(c->out, '}');
	}
	if (*s != ']' || r != info.rows || (!array && r > 1))
		goto bad;
	if (array)
		tbuf_putc(c->out, ']');
	rc = 0;
	goto out;
bad:
	tool_err_set(c->err, TOOL_E_MYSQL, "the result has other columns than table '%s' had"
	    " when this session started; start a new session", t->table.name);
out:
	tbuf_free(&text);
	return rc;
}

/* ---- get_all_invoices ---- */

static int
run_all_invoices(struct tool_call *c)
{
	const struct tool_map_invoices *m = NULL;
	long long limit = tool_arg_int(c, "limit", 50), offset = tool_arg_int(c, "offset", 0);
	struct filters f;
	struct tbuf sql;
	int rc = -1;

	tbuf_init(&sql, 0);
	if (limit > c->tenant->limits.max_rows)
		limit = c->tenant->limits.max_rows;
	if ((m = tool_map_invoices(c->db, c->err)) == NULL)
		goto out;
	if (tool_map_need(&m->t, &m->date, "invoices", "date", "invoice date", c->err) != 0)
		goto out;
	put_select(&sql, &m->t);
	if (add_filters(c, m, &sql, &f) != 0)
		goto out;
	put_newest_first(&sql, m);
	/* One row more than we send: it tells whether there is a next page. */
	tbuf_puts(&sql, " LIMIT ? OFFSET ?");
	f.p[f.n++] = (struct tool_param){ .type = TOOL_P_INT, .i = limit + 1 };
	f.p[f.n++] = (struct tool_param){ .type = TOOL_P_INT, .i = offset };
	rc = tool_rows_result(c, NULL, sql.data, f.p, f.n, (long)limit, (long)offset);
out:
	tbuf_free(&sql);
	return rc;
}

const struct tool_def tool_def_all_invoices = {
	.name = "get_all_invoices",
	.title = "List invoices",
	.description = "Lists the customer's invoices, newest first (by invoice date, then by"
	    " the table's key), with every column of the invoice table and exact values"
	    " (amounts as exact decimal strings). Filter by status, by a date range (date_from"
	    " and date_to, YYYY-MM-DD, both inclusive) and by customer. Pages of `limit` rows;"
	    " when more exist the answer has next_offset: pass it as offset to read on.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	    "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000000,\"default\":50,"
	    "\"description\":\"Most invoices to return, 1 to the tenant's max_rows (default 50).\"},"
	    "\"offset\":{\"type\":\"integer\",\"minimum\":0,\"default\":0,"
	    "\"description\":\"Invoices to skip (the next_offset of the previous page).\"},"
	    FILTER_PROPS "}}",
	.output_schema = tool_rows_output_schema,
	.run = run_all_invoices,
};

/* ---- get_invoice_count ---- */

/* The filters as given, echoed in the answer. */
static void
put_given_filters(struct tool_call *c)
{
	static const char *const names[] = { "status", "date_from", "date_to", "customer", NULL };
	const cJSON *v;
	size_t i, n = 0;

	tbuf_puts(c->out, "\"filters\":{");
	for (i = 0; names[i] != NULL; i++) {
		if ((v = cJSON_GetObjectItemCaseSensitive(c->args, names[i])) == NULL)
			continue;
		if (n++ > 0)
			tbuf_putc(c->out, ',');
		tbuf_json_cstr(c->out, names[i]);
		tbuf_putc(c->out, ':');
		if (cJSON_IsNumber(v))
			tbuf_printf(c->out, "%lld", (long long)v->valuedouble);
		else
			tbuf_json_cstr(c->out, v->valuestring);
	}
	tbuf_putc(c->out, '}');
}

static int
run_invoice_count(struct tool_call *c)
{
	const struct tool_map_invoices *m = NULL;
	struct tool_table tab = { 0 };
	struct filters f;
	struct tbuf sql;
	const char *count;
	int rc = -1;

	tbuf_init(&sql, 0);
	if ((m = tool_map_invoices(c->db, c->err)) == NULL)
		goto out;
	tbuf_puts(&sql, "SELECT COUNT(*) FROM ");
	tool_quote_ident(&sql, m->t.table.name);
	if (add_filters(c, m, &sql, &f) != 0)
		goto out;
	if (tool_db_table(c->db, sql.data, f.p, f.n, 1, &tab, c->err) != 0)
		goto out;
	count = tab.nrows == 1 && tool_cell(&tab, 0, 0) != NULL ? tool_cell(&tab, 0, 0) : "0";
	tbuf_printf(c->out, "{\"count\":%s,", count);
	put_given_filters(c);
	tbuf_putc(c->out, '}');
	rc = 0;
out:
	tool_table_free(&tab);
	tbuf_free(&sql);
	return rc;
}

const struct tool_def tool_def_invoice_count = {
	.name = "get_invoice_count",
	.title = "Count invoices",
	.description = "Counts the customer's invoices exactly, optionally only those with a"
	    " status, in a date range (date_from and date_to, YYYY-MM-DD, both inclusive) or of"
	    " one customer. The answer repeats the filters it applied.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	    FILTER_PROPS "}}",
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"count\":{\"type\":\"integer\",\"minimum\":0},"
	    "\"filters\":{\"type\":\"object\"}},"
	    "\"required\":[\"count\",\"filters\"]}",
	.run = run_invoice_count,
};

/* ---- get_invoice_by_number ---- */

/*
 * Write "invoice":{...} for the one row the statement sql (params p)
 * selects, and say whether there was one; nothing is written when not.
 */
static int
put_one_invoice(struct tool_call *c, const struct tool_map_invoices *m, const char *sql,
    const struct tool_param *p, size_t n, bool *found)
{
	struct tbuf_mark mark = tbuf_mark(c->out);
	bool more = false;
	long rows = 0;

	tbuf_puts(c->out, "\"invoice\":");
	if (put_objects(c, &m->t, sql, p, n, 1, false, &rows, &more) != 0)
		return -1;
	*found = rows == 1;
	if (!*found)
		tbuf_rollback(c->out, mark);
	return 0;
}

static int
run_invoice_by_number(struct tool_call *c)
{
	const struct tool_map_invoices *m = NULL;
	const struct tool_map_items *it = NULL;
	const char *number = tool_arg_str(c, "invoice_number");
	struct tool_param p = { .type = TOOL_P_STRING, .s = number, .len = strlen(number) };
	struct tbuf sql, isql, where;
	struct tbuf_mark start;
	bool found = false, more = false;
	long rows = 0;
	size_t i;
	int rc = -1;

	tbuf_init(&sql, 0);
	tbuf_init(&isql, 0);
	tbuf_init(&where, 0);
	if ((m = tool_map_invoices(c->db, c->err)) == NULL ||
	    tool_map_need(&m->t, &m->number, "invoices", "number", "invoice number", c->err) != 0 ||
	    (it = tool_map_items(c->db, c->err)) == NULL)
		goto out;
	/* The invoice: the newest with that number (numbers are normally unique). */
	tbuf_puts(&where, " WHERE ");
	tool_quote_ident(&where, m->number.name);
	tbuf_puts(&where, " = ?");
	put_newest_first(&where, m);
	tbuf_puts(&where, " LIMIT 1");
	put_select(&sql, &m->t);
	tbuf_puts(&sql, where.data);
	/* Its lines, in their key's order. */
	put_select(&isql, &it->t);
	tbuf_puts(&isql, " WHERE ");
	tool_quote_ident(&isql, it->invoice.name);
	tbuf_puts(&isql, " = (SELECT ");
	tool_quote_ident(&isql, it->ref);
	tbuf_puts(&isql, " FROM ");
	tool_quote_ident(&isql, m->t.table.name);
	tbuf_puts(&isql, where.data);
	tbuf_putc(&isql, ')');
	for (i = 0; i < it->t.n_key; i++) {
		tbuf_puts(&isql, i == 0 ? " ORDER BY " : ", ");
		tool_quote_ident(&isql, it->t.key[i]);
	}

	start = tbuf_mark(c->out);
	tbuf_puts(c->out, "{\"found\":true,");
	if (put_one_invoice(c, m, sql.data, &p, 1, &found) != 0)
		goto out;
	if (!found) {
		tbuf_rollback(c->out, start);
		tbuf_puts(c->out, "{\"found\":false,\"invoice_number\":");
		tbuf_json_cstr(c->out, number);
		tbuf_putc(c->out, '}');
		rc = 0;
		goto out;
	}
	tbuf_puts(c->out, ",\"items\":");
	if (put_objects(c, &it->t, isql.data, &p, 1, c->tenant->limits.max_rows, true, &rows,
	    &more) != 0)
		goto out;
	tbuf_printf(c->out, ",\"items_truncated\":%s}", more ? "true" : "false");
	c->truncated = more;
	rc = 0;
out:
	tbuf_free(&where);
	tbuf_free(&isql);
	tbuf_free(&sql);
	return rc;
}

#define INVOICE_OBJECT \
    "{\"type\":\"object\",\"description\":\"The invoice row: every column of the invoice" \
    " table by name, values exact (DECIMAL as strings, dates as the server prints them).\"}"

const struct tool_def tool_def_invoice_by_number = {
	.name = "get_invoice_by_number",
	.title = "Find an invoice by its number",
	.description = "Finds one invoice by its invoice number (exact match, e.g."
	    " INV-2025-0001) and returns it with its line items, each as an object of the"
	    " table's columns with exact values. An unknown number is not an error: the answer"
	    " is found: false.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,"
	    "\"required\":[\"invoice_number\"],\"properties\":{"
	    "\"invoice_number\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":255,"
	    "\"description\":\"The invoice number exactly as printed on the invoice.\"}}}",
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"found\":{\"type\":\"boolean\"},"
	    "\"invoice_number\":{\"type\":\"string\"},"
	    "\"invoice\":" INVOICE_OBJECT ","
	    "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
	    "\"items_truncated\":{\"type\":\"boolean\"}},"
	    "\"required\":[\"found\"]}",
	.run = run_invoice_by_number,
};

/* ---- get_latest_invoice ---- */

static int
run_latest_invoice(struct tool_call *c)
{
	const struct tool_map_invoices *m = NULL;
	struct tbuf sql;
	struct tbuf_mark start;
	bool found = false;
	int rc = -1;

	tbuf_init(&sql, 0);
	if ((m = tool_map_invoices(c->db, c->err)) == NULL ||
	    tool_map_need(&m->t, &m->date, "invoices", "date", "invoice date", c->err) != 0)
		goto out;
	put_select(&sql, &m->t);
	put_newest_first(&sql, m);
	tbuf_puts(&sql, " LIMIT 1");
	start = tbuf_mark(c->out);
	tbuf_puts(c->out, "{\"found\":true,");
	if (put_one_invoice(c, m, sql.data, NULL, 0, &found) != 0)
		goto out;
	if (!found) {
		tbuf_rollback(c->out, start);
		tbuf_puts(c->out, "{\"found\":false");
	}
	tbuf_putc(c->out, '}');
	rc = 0;
out:
	tbuf_free(&sql);
	return rc;
}

const struct tool_def tool_def_latest_invoice = {
	.name = "get_latest_invoice",
	.title = "The newest invoice",
	.description = "Returns the customer's newest invoice (latest invoice date; among"
	    " invoices of the same day the one with the highest key) with every column and"
	    " exact values. With no invoices at all the answer is found: false.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}}",
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"found\":{\"type\":\"boolean\"},"
	    "\"invoice\":" INVOICE_OBJECT "},"
	    "\"required\":[\"found\"]}",
	.run = run_latest_invoice,
};
