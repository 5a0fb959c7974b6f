/*
 * get_comprehensive_database_overview: every table and view of the
 * tenant's database with its columns, primary key, indexes and foreign
 * keys, in one answer (CONTRACT section 4).
 *
 * A fixed number of statements, whatever the size of the schema: one each
 * on information_schema TABLES, COLUMNS, STATISTICS, KEY_COLUMN_USAGE and
 * VIEWS, joined here in C by exact table name (information_schema compares
 * names case-insensitively, so the rows are re-sorted by bytes first).
 *
 * The answer never passes the byte cap (c->out->limit).  When the whole
 * schema does not fit, detail is left out in this order, each step taken
 * only when the previous one was not enough:
 *
 *   1. column comments, column defaults and view definitions
 *   2. indexes (the primary key stays)
 *   3. the column lists of the largest tables, largest first (the table
 *      keeps column_count and gets "columns_omitted": true)
 *   4. foreign keys and table comments
 *   5. whole tables, from the end of the (name-ordered) list
 *
 * Every table is measured at each step in a scratch buffer, so the choice
 * is made once and the answer written once; it then says
 * "truncated": true and "omitted": {"what": [...], "tables": N}.
 * It does not read data, only the catalog.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tenant.h"
#include "tool_int.h"
#include "tool_value.h"
#include "xalloc.h"

#define OV_MAX_TABLES 10000		/* tables read at most */
#define OV_MAX_ROWS 200000		/* rows of each other catalog statement */
#define OV_VIEW_DEF_CHARS 2000		/* a view definition is cut after this */
#define OV_RESERVE 1024			/* room for everything but the tables */

/* A catalog result and its rows sorted by exact table name (column 0). */
struct cat_ref {
	const char *table;
	size_t row;
};

struct cat {
	struct tool_table tab;
	struct cat_ref *refs;	/* owned; sorted by (table bytes, row) */
	size_t nrefs;
	bool over;		/* the statement had more rows than were read */
};

/* The steps of the design comment: what is left in at each. */
struct ov_opts {
	bool details;		/* column comments, defaults, view definitions */
	bool indexes;
	bool fks;		/* foreign keys and table comments */
};

struct ov {
	struct cat t, cols, stats, fks, views;
	struct tool_db *db;	/* borrowed: for tool_db_column_default() */
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

/* Run sql (one parameter: the database) into cat, reading at most max rows. */
static int
cat_load(struct tool_call *c, const char *sql, size_t max, struct cat *cat)
{
	struct tool_param p = { .type = TOOL_P_STRING, .s = tool_db_name(c->db),
	    .len = strlen(tool_db_name(c->db)) };
	size_t i;

	if (tool_db_table(c->db, sql, &p, 1, max + 1, &cat->tab, c->err) != 0)
		return -1;
	cat->over = cat->tab.nrows > max;	/* the rows past max are not used */
	cat->refs = xcalloc(cat->tab.nrows ? cat->tab.nrows : 1, sizeof(*cat->refs));
	for (i = 0; i < cat->tab.nrows && i < max; i++) {
		if (tool_cell(&cat->tab, i, 0) == NULL)
			continue;
		cat->refs[cat->nrefs].table = tool_cell(&cat->tab, i, 0);
		cat->refs[cat->nrefs].row = i;
		cat->nrefs++;
	}
	qsort(cat->refs, cat->nrefs, sizeof(*cat->refs), ref_cmp);
	return 0;
}

static void
cat_free(struct cat *cat)
{
	tool_table_free(&cat->tab);
	free(cat->refs);
	memset(cat, 0, sizeof(*cat));
}

/* The rows of table name: refs [*from, return value). */
static size_t
cat_range(const struct cat *cat, const char *name, size_t *from)
{
	size_t lo = 0, hi = cat->nrefs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(cat->refs[mid].table, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*from = lo;
	while (hi < cat->nrefs && strcmp(cat->refs[hi].table, name) == 0)
		hi++;
	return hi;
}

static const char *
cell(const struct cat *cat, size_t ref, size_t col)
{
	return tool_cell(&cat->tab, cat->refs[ref].row, col);
}

static bool
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

/* A JSON list of column col of the refs [from, to). */
static void
put_list(struct tbuf *b, const struct cat *cat, size_t from, size_t to, size_t col)
{
	size_t r;

	tbuf_putc(b, '[');
	for (r = from; r < to; r++) {
		if (r > from)
			tbuf_putc(b, ',');
		tbuf_json_cstr(b, cell(cat, r, col) != NULL ? cell(cat, r, col) : "");
	}
	tbuf_putc(b, ']');
}

static bool
same(const struct cat *cat, size_t a, size_t b, size_t col)
{
	const char *x = cell(cat, a, col), *y = cell(cat, b, col);

	return x != NULL && y != NULL && strcmp(x, y) == 0;
}

/*
 * Write table ti (row of ov->t.tab) as one JSON object with the detail
 * that opts and with_columns leave in.
 */
static void
put_table(struct tbuf *b, const struct ov *ov, size_t ti, const struct ov_opts *o,
    bool with_columns)
{
	const struct tool_table *t = &ov->t.tab;
	const char *name = tool_cell(t, ti, 0), *type = tool_cell(t, ti, 1);
	bool view = type != NULL && strstr(type, "VIEW") != NULL;
	size_t from, to, r, end, n;

	tbuf_puts(b, "{\"name\":");
	tbuf_json_cstr(b, name);
	tbuf_puts(b, view ? ",\"type\":\"view\"" : ",\"type\":\"table\"");
	if (!view && tool_cell(t, ti, 2) != NULL) {
		tbuf_puts(b, ",\"engine\":");
		tbuf_json_cstr(b, tool_cell(t, ti, 2));
	}
	if (!view) {
		tbuf_puts(b, ",\"rows_estimate\":");
		tval_int_text(b, tool_cell(t, ti, 3));
	}
	if (!view && o->fks && nonempty(tool_cell(t, ti, 4))) {
		tbuf_puts(b, ",\"comment\":");
		tbuf_json_cstr(b, tool_cell(t, ti, 4));
	}

	/* COLUMNS: TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY,
	 * COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT */
	to = cat_range(&ov->cols, name, &from);
	tbuf_printf(b, ",\"column_count\":%zu", to - from);
	if (with_columns) {
		tbuf_puts(b, ",\"columns\":[");
		for (r = from; r < to; r++) {
			const struct cat *cc = &ov->cols;

			if (r > from)
				tbuf_putc(b, ',');
			tbuf_puts(b, "{\"name\":");
			tbuf_json_cstr(b, cell(cc, r, 1) != NULL ? cell(cc, r, 1) : "");
			tbuf_puts(b, ",\"type\":");
			tbuf_json_cstr(b, cell(cc, r, 2) != NULL ? cell(cc, r, 2) : "");
			tbuf_printf(b, ",\"nullable\":%s", cell(cc, r, 3) != NULL &&
			    strcmp(cell(cc, r, 3), "YES") == 0 ? "true" : "false");
			if (nonempty(cell(cc, r, 4))) {
				tbuf_puts(b, ",\"key\":");
				tbuf_json_cstr(b, cell(cc, r, 4));
			}
			if (o->details && tool_db_column_default(ov->db, cell(cc, r, 5)) != NULL) {
				tbuf_puts(b, ",\"default\":");
				tbuf_json_cstr(b, cell(cc, r, 5));
			}
			if (nonempty(cell(cc, r, 6))) {
				tbuf_puts(b, ",\"extra\":");
				tbuf_json_cstr(b, cell(cc, r, 6));
			}
			if (o->details && nonempty(cell(cc, r, 7))) {
				tbuf_puts(b, ",\"comment\":");
				tbuf_json_cstr(b, cell(cc, r, 7));
			}
			tbuf_putc(b, '}');
		}
		tbuf_putc(b, ']');
	} else {
		tbuf_puts(b, ",\"columns_omitted\":true");
	}

	/* STATISTICS: TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME; PRIMARY first. */
	to = cat_range(&ov->stats, name, &from);
	tbuf_puts(b, ",\"primary_key\":");
	for (end = from; end < to && cell(&ov->stats, end, 1) != NULL &&
	    strcmp(cell(&ov->stats, end, 1), "PRIMARY") == 0; end++)
		;
	put_list(b, &ov->stats, from, end, 3);
	if (o->indexes) {
		tbuf_puts(b, ",\"indexes\":[");
		for (r = from, n = 0; r < to; r = end, n++) {
			for (end = r + 1; end < to && same(&ov->stats, r, end, 1); end++)
				;
			if (n > 0)
				tbuf_putc(b, ',');
			tbuf_puts(b, "{\"name\":");
			tbuf_json_cstr(b, cell(&ov->stats, r, 1) != NULL ? cell(&ov->stats, r, 1) : "");
			tbuf_printf(b, ",\"unique\":%s,\"columns\":", cell(&ov->stats, r, 2) != NULL &&
			    strcmp(cell(&ov->stats, r, 2), "0") == 0 ? "true" : "false");
			put_list(b, &ov->stats, r, end, 3);
			tbuf_putc(b, '}');
		}
		tbuf_putc(b, ']');
	}

	/* KEY_COLUMN_USAGE: TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME,
	 * REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME */
	if (o->fks) {
		to = cat_range(&ov->fks, name, &from);
		tbuf_puts(b, ",\"foreign_keys\":[");
		for (r = from, n = 0; r < to; r = end, n++) {
			for (end = r + 1; end < to && same(&ov->fks, r, end, 1); end++)
				;
			if (n > 0)
				tbuf_putc(b, ',');
			tbuf_puts(b, "{\"name\":");
			tbuf_json_cstr(b, cell(&ov->fks, r, 1) != NULL ? cell(&ov->fks, r, 1) : "");
			tbuf_puts(b, ",\"columns\":");
			put_list(b, &ov->fks, r, end, 2);
			tbuf_puts(b, ",\"referenced_table\":");
			tbuf_json_cstr(b, cell(&ov->fks, r, 3) != NULL ? cell(&ov->fks, r, 3) : "");
			tbuf_puts(b, ",\"referenced_columns\":");
			put_list(b, &ov->fks, r, end, 4);
			tbuf_putc(b, '}');
		}
		tbuf_putc(b, ']');
	}

	/* VIEWS: TABLE_NAME, the definition's first characters, longer than that?
	 * Empty unless the account has SHOW VIEW. */
	if (view && o->details) {
		to = cat_range(&ov->views, name, &from);
		if (from < to && nonempty(cell(&ov->views, from, 1))) {
			tbuf_puts(b, ",\"definition\":");
			tbuf_json_cstr(b, cell(&ov->views, from, 1));
			if (cell(&ov->views, from, 2) != NULL && strcmp(cell(&ov->views, from, 2), "1") == 0)
				tbuf_puts(b, ",\"definition_truncated\":true");
		}
	}
	tbuf_putc(b, '}');
}

/* Bytes (with the JSON-string copy's escapes) of table ti at opts. */
static size_t
measure(struct tbuf *scratch, const struct ov *ov, size_t ti, const struct ov_opts *o,
    bool with_columns)
{
	size_t n;

	tbuf_reset(scratch);
	put_table(scratch, ov, ti, o, with_columns);
	n = scratch->len + scratch->esc + 1;	/* and its comma */
	return n;
}

/* For sorting tables by what dropping their columns saves, most first. */
struct gain {
	size_t table;
	size_t bytes;
};

static int
gain_cmp(const void *a, const void *b)
{
	const struct gain *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->table < y->table ? -1 : x->table > y->table;
}

/* One name in the "what" list of "omitted". */
static void
omit(struct tbuf *b, bool *first, const char *what)
{
	if (!*first)
		tbuf_putc(b, ',');
	tbuf_json_cstr(b, what);
	*first = false;
}

static int
run_overview(struct tool_call *c)
{
	struct ov_opts steps[] = {
		{ .details = true, .indexes = true, .fks = true },	/* everything */
		{ .details = false, .indexes = true, .fks = true },	/* 1 */
		{ .details = false, .indexes = false, .fks = true },	/* 2 (and 3) */
		{ .details = false, .indexes = false, .fks = false },	/* 4 (and 5) */
	};
	struct ov ov;
	struct tbuf scratch;
	struct tbuf_mark start;
	struct gain *gains = NULL;
	bool *no_cols = NULL;
	size_t *size = NULL;
	size_t nt, budget, total = 0, i, step = 0, keep, dropped_cols = 0;
	bool cols_ok, first;
	struct ov_opts o;
	int rc = -1;

	memset(&ov, 0, sizeof(ov));
	ov.db = c->db;
	tbuf_init(&scratch, 0);
	if (cat_load(c, "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, TABLE_COMMENT"
	    " FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME",
	    OV_MAX_TABLES, &ov.t) != 0 ||
	    cat_load(c, "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY,"
	    " COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS"
	    " WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION",
	    OV_MAX_ROWS, &ov.cols) != 0 ||
	    cat_load(c, "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME"
	    " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?"
	    " ORDER BY TABLE_NAME, INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX",
	    OV_MAX_ROWS, &ov.stats) != 0 ||
	    cat_load(c, "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME,"
	    " REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
	    " WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL"
	    " ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
	    OV_MAX_ROWS, &ov.fks) != 0 ||
	    cat_load(c, "SELECT TABLE_NAME, LEFT(VIEW_DEFINITION, 2000),"
	    " CHAR_LENGTH(VIEW_DEFINITION) > 2000 FROM information_schema.VIEWS"
	    " WHERE TABLE_SCHEMA = ?", OV_MAX_TABLES, &ov.views) != 0)
		goto out;
	nt = ov.t.tab.nrows > OV_MAX_TABLES ? OV_MAX_TABLES : ov.t.tab.nrows;
	/* A catalog with more rows than we read: that detail goes for every table. */
	cols_ok = !ov.cols.over;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		steps[i].indexes = steps[i].indexes && !ov.stats.over;
		steps[i].fks = steps[i].fks && !ov.fks.over;
	}
	keep = nt;
	size = xcalloc(nt ? nt : 1, sizeof(*size));
	no_cols = xcalloc(nt ? nt : 1, sizeof(*no_cols));
	budget = c->out->limit == 0 ? (size_t)-1 :
	    c->out->limit > OV_RESERVE ? c->out->limit - OV_RESERVE : 0;

	/* Steps 0..2: the same detail for every table. */
	for (step = 0; step < 3; step++) {
		total = 0;
		for (i = 0; i < nt; i++)
			total += size[i] = measure(&scratch, &ov, i, &steps[step], cols_ok);
		if (total <= budget)
			break;
	}
	if (step == 3) {
		/* Step 3: drop the column lists of the largest tables first. */
		step = 2;
		gains = xcalloc(nt ? nt : 1, sizeof(*gains));
		for (i = 0; i < nt; i++) {
			gains[i].table = i;
			gains[i].bytes = size[i] - measure(&scratch, &ov, i, &steps[2], false);
		}
		qsort(gains, nt, sizeof(*gains), gain_cmp);
		for (i = 0; i < nt && total > budget; i++) {
			no_cols[gains[i].table] = true;
			total -= gains[i].bytes;
			dropped_cols++;
		}
		if (total > budget) {
			/* Step 4, then 5: cut whole tables from the end. */
			step = 3;
			total = 0;
			for (i = 0; i < nt; i++)
				total += size[i] = measure(&scratch, &ov, i, &steps[3], false);
			for (keep = nt; keep > 0 && total > budget; keep--)
				total -= size[keep - 1];
		}
	}
	o = steps[step];

	for (;;) {
		size_t n_omit;

		start = tbuf_mark(c->out);
		tbuf_puts(c->out, "{\"database\":");
		tbuf_json_cstr(c->out, tool_db_name(c->db));
		tbuf_printf(c->out, ",\"table_count\":%zu,\"tables\":[", nt);
		for (i = 0; i < keep; i++) {
			if (i > 0)
				tbuf_putc(c->out, ',');
			put_table(c->out, &ov, i, &o, cols_ok && !no_cols[i] && step < 3);
		}
		tbuf_puts(c->out, "]");
		n_omit = dropped_cols + (nt - keep);
		if (step == 3)
			n_omit = nt;	/* every table lost its columns */
		else if (ov.cols.over)
			n_omit = nt;
		if (step > 0 || keep < nt || ov.t.over || ov.cols.over || ov.stats.over ||
		    ov.fks.over) {
			first = true;
			tbuf_puts(c->out, ",\"truncated\":true,\"omitted\":{\"what\":[");
			if (step >= 1) {
				omit(c->out, &first, "column_comments");
				omit(c->out, &first, "column_defaults");
				omit(c->out, &first, "view_definitions");
			}
			if (step >= 2 || ov.stats.over)
				omit(c->out, &first, "indexes");
			if (dropped_cols > 0 || step >= 3 || ov.cols.over)
				omit(c->out, &first, "columns");
			if (step >= 3 || ov.fks.over)
				omit(c->out, &first, "foreign_keys");
			if (step >= 3)
				omit(c->out, &first, "table_comments");
			if (keep < nt || ov.t.over)
				omit(c->out, &first, "tables");
			tbuf_printf(c->out, "],\"tables\":%zu}", n_omit);
		} else {
			tbuf_puts(c->out, ",\"truncated\":false");
		}
		tbuf_putc(c->out, '}');
		if (!tbuf_full(c->out) || keep == 0)
			break;
		/* The measures were exact, so this is a safety net only. */
		tbuf_rollback(c->out, start);
		keep--;
	}
	c->truncated = step > 0 || keep < nt || ov.t.over || ov.cols.over || ov.stats.over ||
	    ov.fks.over;
	rc = 0;
out:
	free(gains);
	free(no_cols);
	free(size);
	tbuf_free(&scratch);
	cat_free(&ov.t);
	cat_free(&ov.cols);
	cat_free(&ov.stats);
	cat_free(&ov.fks);
	cat_free(&ov.views);
	return rc;
}

const struct tool_def tool_def_comprehensive_overview = {
	.name = "get_comprehensive_database_overview",
	.title = "Full database structure",
	.description = "The whole structure of the customer's database in one answer: every table"
	    " and view with its engine, estimated row count, comment, columns (name, SQL type,"
	    " nullable, key, default, extra, comment), primary key, indexes and foreign keys."
	    " Use it to understand the schema before writing a query. On a large schema the"
	    " answer leaves out detail to stay under the size cap (column comments and"
	    " defaults first, then indexes, then the columns of the largest tables) and says"
	    " so in truncated and omitted; describe_customer_table gives one table in full.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{}}",
	.output_schema = "{\"type\":\"object\",\"properties\":{"
	    "\"database\":{\"type\":\"string\"},\"table_count\":{\"type\":\"integer\"},"
	    "\"tables\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	    "\"name\":{\"type\":\"string\"},\"type\":{\"type\":\"string\",\"enum\":[\"table\",\"view\"]},"
	    "\"engine\":{\"type\":\"string\"},\"rows_estimate\":{\"type\":[\"integer\",\"string\"]},"
	    "\"comment\":{\"type\":\"string\"},\"column_count\":{\"type\":\"integer\"},"
	    TOOL_SCHEMA_COLUMNS ","
	    "\"columns_omitted\":{\"type\":\"boolean\"},"
	    TOOL_SCHEMA_KEYS ","
	    "\"definition\":{\"type\":\"string\"},\"definition_truncated\":{\"type\":\"boolean\"}},"
	    "\"required\":[\"name\",\"type\",\"column_count\",\"primary_key\"]}},"
	    "\"truncated\":{\"type\":\"boolean\"},"
	    "\"omitted\":{\"type\":\"object\",\"properties\":{"
	    "\"what\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":["
	    "\"column_comments\",\"column_defaults\",\"view_definitions\",\"indexes\",\"columns\","
	    "\"foreign_keys\",\"table_comments\",\"tables\"]}},"
	    "\"tables\":{\"type\":\"integer\",\"minimum\":0}},\"required\":[\"what\",\"tables\"]}},"
	    "\"required\":[\"database\",\"table_count\",\"tables\",\"truncated\"]}",
	.run = run_overview,
};
