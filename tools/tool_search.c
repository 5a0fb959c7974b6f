/*
 * search_customer_data: find a term, literally and case-insensitively, in
 * the text columns of the tenant's tables, and say where it is: table,
 * column, primary key and the exact value (CONTRACT sections 4 and 5).
 *
 * The term is never SQL and never a pattern: '!', '%' and '_' are escaped
 * with '!' (LIKE ... ESCAPE '!'; the guard refuses backslashes in string
 * literals) and the pattern is a bound parameter, so '\' is a plain
 * character too.  Each column is compared as CONVERT(col USING utf8mb4)
 * COLLATE utf8mb4_unicode_ci, whatever its own character set and collation
 * (latin1, utf8mb4_bin, ...): one collation for every column means no
 * "Illegal mix of collations", and unicode_ci (unlike general_ci) tells
 * emoji apart.  Binary columns are not searched.
 *
 * One statement per table; the derived table computes, per column, the
 * value when it matched and NULL when not, so one scan finds every match
 * of a row and only matched values travel:
 *
 *   SELECT * FROM (SELECT `id` AS k0,
 *       CASE WHEN CONVERT(`name` USING utf8mb4) COLLATE utf8mb4_unicode_ci
 *            LIKE ? ESCAPE '!' THEN `name` END AS m0, ...
 *     FROM `customers`) AS s
 *   WHERE m0 IS NOT NULL OR ... ORDER BY k0 LIMIT ?
 *
 * It does not search views unless they are named in `tables` (a view only
 * repeats its tables' data and may be costly to evaluate), nor more than
 * SEARCH_MAX_COLUMNS columns per call.  The caps: `limit` matches (at most
 * the tenant's max_rows), the byte cap, and the session's statement time
 * limit; a table that times out ends the search with what was found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "tenant.h"
#include "tool_int.h"
#include "tool_value.h"
#include "xalloc.h"

#define SEARCH_MAX_COLUMNS 200		/* text columns searched per call */
#define SEARCH_MAX_TABLES 50		/* names in the tables argument */
#define SEARCH_SQL_MAX (GUARD_MAX_SQL - 2048)	/* one table's statement */
#define SEARCH_CATALOG_ROWS 100000	/* catalog rows read at most */
#define SEARCH_TAIL 768			/* room kept for the members after "matches" */
#define SEARCH_COLLATE "utf8mb4_unicode_ci"

/* A catalog row (table, column) and its place, for a stable sort by exact name. */
struct cat_ref {
	const char *table;
	const char *column;
	size_t row;
};

/* One table to search.  Strings are borrowed from the catalog results. */
struct search_table {
	const char *name;
	const char **pk;	/* owned array */
	size_t npk;
	const char **cols;	/* owned array */
	size_t ncols;
};

/* The state of one call, shared with the row callback. */
struct search {
	struct tool_call *c;
	const struct search_table *t;	/* the table being read */
	long limit;			/* matches to send at most */
	long matches;			/* matches written */
	bool truncated;			/* a cap left matches out (or more may exist) */
	bool full;			/* the byte cap was reached: stop everything */
};

static int
ref_cmp(const void *a, const void *b)
{
	const struct cat_ref *x = a, *y = b;
	int d = strcmp(x->table, y->table);

	if (d != 0)
		return d;
	return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * The (table, column) rows of tab sorted by exact table name, keeping the
 * statement's order within a table (information_schema compares names
 * case-insensitively, so `Foo` and `foo` may interleave).  Returns a new
 * array of tab->nrows entries (free()); rows with a NULL name are dropped
 * and *n says how many are left.
 */
static struct cat_ref *
sorted_refs(const struct tool_table *tab, size_t *n)
{
	struct cat_ref *r = xcalloc(tab->nrows ? tab->nrows : 1, sizeof(*r));
	size_t i;

	*n = 0;
	for (i = 0; i < tab->nrows; i++) {
		if (tool_cell(tab, i, 0) == NULL || tool_cell(tab, i, 1) == NULL)
			continue;
		r[*n].table = tool_cell(tab, i, 0);
		r[*n].column = tool_cell(tab, i, 1);
		r[*n].row = i;
		(*n)++;
	}
	qsort(r, *n, sizeof(*r), ref_cmp);
	return r;
}

/* The first ref of table name in the sorted refs, or n. */
static size_t
refs_find(const struct cat_ref *r, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(r[mid].table, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(r[lo].table, name) == 0 ? lo : n;
}

/* '%' + term with '!', '%' and '_' escaped by '!' + '%'.  New string (free()). */
static char *
like_pattern(const char *term, size_t *len)
{
	struct tbuf b;
	const char *p;

	tbuf_init(&b, 0);
	tbuf_putc(&b, '%');
	for (p = term; *p != '\0'; p++) {
		if (*p == '!' || *p == '%' || *p == '_')
			tbuf_putc(&b, '!');
		tbuf_putc(&b, *p);
	}
	tbuf_putc(&b, '%');
	return tbuf_take(&b, len);
}

/* The row callback: one match per non-NULL m column. */
static int
search_row(void *arg, struct tool_row *row)
{
	struct search *s = arg;
	const struct search_table *t = s->t;
	struct tbuf *out = s->c->out;
	size_t i, k;

	for (i = 0; i < t->ncols; i++) {
		unsigned cell = (unsigned)(t->npk + i);
		struct tbuf_mark mark;

		if (tool_row_null(row, cell))
			continue;
		if (s->matches >= s->limit) {
			s->truncated = true;
			return 1;
		}
		mark = tbuf_mark(out);
		if (s->matches > 0)
			tbuf_putc(out, ',');
		tbuf_puts(out, "{\"table\":");
		tbuf_json_cstr(out, t->name);
		tbuf_puts(out, ",\"column\":");
		tbuf_json_cstr(out, t->cols[i]);
		tbuf_puts(out, ",\"key\":{");
		for (k = 0; k < t->npk; k++) {
			if (k > 0)
				tbuf_putc(out, ',');
			tbuf_json_cstr(out, t->pk[k]);
			tbuf_putc(out, ':');
			tool_row_put(row, (unsigned)k, out);
		}
		tbuf_puts(out, "},\"value\":");
		tool_row_put(row, cell, out);
		tbuf_putc(out, '}');
		if (tbuf_full(out)) {
			tbuf_rollback(out, mark);
			s->truncated = s->full = true;
			return 1;
		}
		s->matches++;
	}
	return 0;
}

/*
 * Build the statement for t into sql: at most max_cols of its columns,
 * and no more than fit SEARCH_SQL_MAX.  Returns how many columns it holds.
 */
static size_t
table_sql(struct tbuf *sql, const struct search_table *t, size_t max_cols)
{
	size_t i, n = 0;
	struct tbuf_mark mark;

	tbuf_reset(sql);
	tbuf_puts(sql, "SELECT * FROM (SELECT ");
	for (i = 0; i < t->npk; i++) {
		tool_quote_ident(sql, t->pk[i]);
		tbuf_printf(sql, " AS k%zu, ", i);
	}
	for (i = 0; i < t->ncols && i < max_cols; i++) {
		mark = tbuf_mark(sql);
		if (i > 0)
			tbuf_puts(sql, ", ");
		tbuf_puts(sql, "CASE WHEN CONVERT(");
		tool_quote_ident(sql, t->cols[i]);
		tbuf_puts(sql, " USING utf8mb4) COLLATE " SEARCH_COLLATE " LIKE ? ESCAPE '!' THEN ");
		tool_quote_ident(sql, t->cols[i]);
		tbuf_printf(sql, " END AS m%zu", i);
		/* Room for this column's WHERE term and the ORDER BY. */
		if (sql->len + (i + 1) * 24 + t->npk * 8 + 256 > SEARCH_SQL_MAX) {
			tbuf_rollback(sql, mark);
			break;
		}
		n++;
	}
	tbuf_puts(sql, " FROM ");
	tool_quote_ident(sql, t->name);
	tbuf_puts(sql, ") AS s WHERE ");
	for (i = 0; i < n; i++)
		tbuf_printf(sql, "%sm%zu IS NOT NULL", i > 0 ? " OR " : "", i);
	for (i = 0; i < t->npk; i++)
		tbuf_printf(sql, "%sk%zu", i == 0 ? " ORDER BY " : ", ", i);
	tbuf_puts(sql, " LIMIT ?");
	return n;
}

/*
 * The tables argument: each name checked against the tenant's tables and
 * views (tool_db_table_check), duplicates dropped.  Fills names (exact
 * names, owned strings) and *n.  0, or -1 with an "invalid:" error.
 */
static int
named_tables(struct tool_call *c, const cJSON *arr, char **names, size_t *n)
{
	const cJSON *it;
	char exact[256], type[16];
	size_t i;

	*n = 0;
	if (cJSON_GetArraySize(arr) == 0) {
		tool_err_set(c->err, TOOL_E_INVALID, "tables: give at least one table name, or leave"
		    " the argument out to search every table");
		return -1;
	}
	cJSON_ArrayForEach(it, arr) {
		bool dup = false;

		if (tool_db_table_check(c->db, "tables", it->valuestring, exact, sizeof(exact),
		    type, sizeof(type), c->err) != 0)
			return -1;
		for (i = 0; i < *n; i++)
			if (strcmp(names[i], exact) == 0)
				dup = true;
		if (!dup)
			names[(*n)++] = xstrdup(exact);
	}
	return 0;
}

static bool
name_in(char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static int
run_search(struct tool_call *c)
{
	const char *term = tool_arg_str(c, "search_term");
	const cJSON *tables_arg = cJSON_GetObjectItemCaseSensitive(c->args, "tables");
	long long limit = tool_arg_int(c, "limit", 50);
	char *names[SEARCH_MAX_TABLES];
	size_t n_names = 0;
	struct tool_table cols = { 0 }, pks = { 0 };
	struct cat_ref *crefs = NULL, *prefs = NULL;
	size_t n_crefs = 0, n_prefs = 0;
	struct search_table *tabs = NULL;
	size_t n_tabs = 0;
	struct tool_param *params = NULL;
	struct tool_param catp[1 + SEARCH_MAX_TABLES];
	struct tbuf sql, q;
	struct search s;
	char *pattern = NULL, timed_out[256] = "";
	size_t pattern_len = 0, i, j, total_cols = 0, searched_cols = 0, searched_tabs = 0;
	size_t saved_limit = c->out->limit, tail;
	int rc = -1;

	tbuf_init(&sql, 0);
	tbuf_init(&q, 0);
	memset(&s, 0, sizeof(s));
	if (term == NULL || *term == '\0') {
		tool_err_set(c->err, TOOL_E_INVALID, "search_term must be 1 to 200 characters");
		goto out;
	}
	if (limit > c->tenant->limits.max_rows)
		limit = c->tenant->limits.max_rows;
	if (tables_arg != NULL && named_tables(c, tables_arg, names, &n_names) != 0)
		goto out;

	/* The text columns and the primary keys, from the catalog. */
	catp[0] = (struct tool_param){ .type = TOOL_P_STRING, .s = tool_db_name(c->db),
	    .len = strlen(tool_db_name(c->db)) };
	tbuf_puts(&q, "SELECT c.TABLE_NAME, c.COLUMN_NAME FROM information_schema.COLUMNS AS c"
	    " JOIN information_schema.TABLES AS t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA"
	    " AND t.TABLE_NAME = c.TABLE_NAME WHERE c.TABLE_SCHEMA = ?"
	    " AND c.DATA_TYPE IN ('char', 'varchar', 'tinytext', 'text', 'mediumtext',"
	    " 'longtext', 'enum', 'set') AND c.CHARACTER_SET_NAME <> 'binary'");
	if (n_names == 0)
		tbuf_puts(&q, " AND t.TABLE_TYPE = 'BASE TABLE'");
	/* Named tables: matched case-insensitively here, exactly below. */
	for (i = 0; i < n_names; i++) {
		tbuf_puts(&q, i == 0 ? " AND c.TABLE_NAME IN (?" : ", ?");
		catp[1 + i] = (struct tool_param){ .type = TOOL_P_STRING, .s = names[i],
		    .len = strlen(names[i]) };
	}
	tbuf_puts(&q, n_names > 0 ? ") ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION" :
	    " ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION");
	if (tool_db_table(c->db, q.data, catp, 1 + n_names, SEARCH_CATALOG_ROWS, &cols,
	    c->err) != 0)
		goto out;
	if (tool_db_table(c->db, "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
	    " WHERE TABLE_SCHEMA = ? AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX",
	    catp, 1, SEARCH_CATALOG_ROWS, &pks, c->err) != 0)
		goto out;
	crefs = sorted_refs(&cols, &n_crefs);
	prefs = sorted_refs(&pks, &n_prefs);

	/* Group the columns by table (in byte order of the name). */
	tabs = xcalloc(n_crefs ? n_crefs : 1, sizeof(*tabs));
	for (i = 0; i < n_crefs; i = j) {
		struct search_table *t;
		size_t p;

		for (j = i + 1; j < n_crefs && strcmp(crefs[j].table, crefs[i].table) == 0; j++)
			;
		if (n_names > 0 && !name_in(names, n_names, crefs[i].table))
			continue;
		t = &tabs[n_tabs++];
		t->name = crefs[i].table;
		t->ncols = j - i;
		t->cols = xcalloc(t->ncols, sizeof(*t->cols));
		for (p = 0; p < t->ncols; p++)
			t->cols[p] = crefs[i + p].column;
		total_cols += t->ncols;
		p = refs_find(prefs, n_prefs, t->name);
		for (; p < n_prefs && strcmp(prefs[p].table, t->name) == 0; p++) {
			t->pk = xrealloc(t->pk, (t->npk + 1) * sizeof(*t->pk));
			t->pk[t->npk++] = prefs[p].column;
		}
	}

	pattern = like_pattern(term, &pattern_len);
	params = xcalloc(SEARCH_MAX_COLUMNS + 1, sizeof(*params));
	for (i = 0; i < SEARCH_MAX_COLUMNS; i++)
		params[i] = (struct tool_param){ .type = TOOL_P_STRING, .s = pattern,
		    .len = pattern_len };

	tbuf_puts(c->out, "{\"search_term\":");
	tbuf_json_cstr(c->out, term);
	tbuf_puts(c->out, ",\"matches\":[");
	tail = c->out->limit > 4 * SEARCH_TAIL ? SEARCH_TAIL : c->out->limit / 4;
	if (c->out->limit > 0)
		c->out->limit -= tail;

	s.c = c;
	s.limit = (long)limit;
	for (i = 0; i < n_tabs; i++) {
		size_t n;

		if (s.matches >= s.limit || searched_cols >= SEARCH_MAX_COLUMNS) {
			/* Tables left unsearched may hold more matches. */
			if (s.matches >= s.limit)
				s.truncated = true;
			break;
		}
		s.t = &tabs[i];
		n = table_sql(&sql, s.t, SEARCH_MAX_COLUMNS - searched_cols);
		if (n == 0)
			continue;
		tabs[i].ncols = n;	/* only these are read back */
		params[n] = (struct tool_param){ .type = TOOL_P_INT, .i = s.limit - s.matches + 1 };
		searched_tabs++;
		searched_cols += n;
		rc = tool_db_each(c->db, sql.data, params, n + 1, c->ctx, search_row, &s, c->err);
		params[n] = params[0];	/* a pattern again, for the next table */
		if (rc != 0) {
			if (c->err->kind != TOOL_E_TIMEOUT)
				goto out;
			/* Keep what was found; the other tables may be as slow. */
			snprintf(timed_out, sizeof(timed_out), "%s", s.t->name);
			s.truncated = true;
			break;
		}
		if (s.full)
			break;
	}
	c->out->limit = saved_limit;
	tbuf_printf(c->out, "],\"match_count\":%ld,\"truncated\":%s,\"tables_searched\":%zu,"
	    "\"columns_searched\":%zu", s.matches, s.truncated ? "true" : "false",
	    searched_tabs, searched_cols);
	if (total_cols > searched_cols)
		tbuf_printf(c->out, ",\"columns_skipped\":%zu", total_cols - searched_cols);
	if (*timed_out != '\0') {
		tbuf_puts(c->out, ",\"timed_out\":");
		tbuf_json_cstr(c->out, timed_out);
	}
	tbuf_putc(c->out, '}');
	c->truncated = s.truncated;
	rc = 0;
out:
	c->out->limit = saved_limit;
	for (i = 0; i < n_tabs; i++) {
		free(tabs[i].pk);
		free(tabs[i].cols);
	}
	free(tabs);
	free(params);
	free(pattern);
	free(crefs);
	free(prefs);
	tool_table_free(&cols);
	tool_table_free(&pks);
	for (i = 0; i < n_names; i++)
		free(names[i]);
	tbuf_free(&sql);
	tbuf_free(&q);
	return rc;
}

const struct tool_def tool_def_search = {
	.name = "search_customer_data",
	.title = "Search the data for a text",
	.description = "Finds a text in the customer's data: every text column (CHAR, VARCHAR,"
	    " TEXT, ENUM, SET) of every table, or of the tables you name, is searched for"
	    " values that contain search_term. The match is literal (%, _ and \\ are plain"
	    " characters, not wildcards) and ignores case and accents (é finds e). Each match"
	    " gives the table, the column, the row's primary key ({} for a table without one)"
	    " and the whole value. Views are searched only when named in tables. At most 200"
	    " columns are searched per call; name tables to reach others.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,"
	    "\"required\":[\"search_term\"],\"properties\":{"
	    "\"search_term\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,"
	    "\"description\":\"The text to find, 1 to 200 characters, matched literally.\"},"
	    "\"tables\":{\"type\":\"array\",\"maxItems\":50,\"items\":{\"type\":\"string\","
	    "\"minLength\":1,\"maxLength\":64},\"description\":\"Only these tables or views"
	    " (names as list_customer_tables shows them); default: every table.\"},"
	    "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000000,\"default\":50,"
	    "\"description\":\"Matches to return at most (default 50; capped at the tenant's"
	    " max_rows).\"}}}",
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"search_term\":{\"type\":\"string\"},"
	    "\"matches\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	    "\"table\":{\"type\":\"string\"},\"column\":{\"type\":\"string\"},"
	    "\"key\":{\"type\":\"object\"},\"value\":{\"type\":[\"string\",\"object\"]}},"
	    "\"required\":[\"table\",\"column\",\"key\",\"value\"]}},"
	    "\"match_count\":{\"type\":\"integer\",\"minimum\":0},"
	    "\"truncated\":{\"type\":\"boolean\"},"
	    "\"tables_searched\":{\"type\":\"integer\",\"minimum\":0},"
	    "\"columns_searched\":{\"type\":\"integer\",\"minimum\":0},"
	    "\"columns_skipped\":{\"type\":\"integer\",\"minimum\":1},"
	    "\"timed_out\":{\"type\":\"string\"}},"
	    "\"required\":[\"search_term\",\"matches\",\"match_count\",\"truncated\","
	    "\"tables_searched\",\"columns_searched\"]}",
	.run = run_search,
};
