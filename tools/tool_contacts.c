/*
 * get_contacts (CONTRACT section 4): the tenant's contacts, a page at a
 * time, ordered by name and then the table's key, optionally only those
 * whose name, email or company contains a search term.  The table and its
 * columns come from the schema mapping (tool_mapping.c); every identifier
 * is quoted, every value bound.
 *
 * The search term matches literally: it is bound as a LIKE pattern in
 * which '%', '_' and the escape character are escaped.  The escape
 * character is '!', not '\': the guard refuses backslashes inside string
 * literals, and with ESCAPE '!' a backslash in the term is an ordinary
 * character.  Case and accents follow the columns' collation; a column in
 * another character set than utf8mb4 (latin1) is converted to utf8mb4
 * first, so that any term compares instead of raising "illegal mix of
 * collations".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tenant.h"
#include "tool_int.h"
#include "tool_mapping.h"
#include "tool_rows.h"
#include "xalloc.h"

#define MAX_SEARCH_COLS 3

/* "%term%" with '!', '%' and '_' escaped by '!'.  New string; free(). */
static char *
like_pattern(const char *term, size_t *len)
{
	size_t n = strlen(term), i, k = 0;
	char *pat = xmalloc(2 * n + 3);

	pat[k++] = '%';
	for (i = 0; i < n; i++) {
		if (term[i] == '!' || term[i] == '%' || term[i] == '_')
			pat[k++] = '!';
		pat[k++] = term[i];
	}
	pat[k++] = '%';
	pat[k] = '\0';
	*len = k;
	return pat;
}

static int
run_contacts(struct tool_call *c)
{
	const struct tool_map_contacts *m = NULL;
	const char *term = tool_arg_str(c, "search_term");
	long long limit = tool_arg_int(c, "limit", 50), offset = tool_arg_int(c, "offset", 0);
	const struct tool_map_key *search[MAX_SEARCH_COLS];
	struct tool_param p[MAX_SEARCH_COLS + 2];
	char *pat = NULL;
	struct tbuf sql;
	size_t i, n = 0, ns = 0, plen = 0;
	int rc = -1;

	tbuf_init(&sql, 0);
	if (limit > c->tenant->limits.max_rows)
		limit = c->tenant->limits.max_rows;
	if ((m = tool_map_contacts(c->db, c->err)) == NULL ||
	    tool_map_need(&m->t, &m->name, "contacts", "name", "contact name", c->err) != 0)
		goto out;

	tbuf_puts(&sql, "SELECT ");
	for (i = 0; i < m->t.n_columns; i++) {
		if (i > 0)
			tbuf_puts(&sql, ", ");
		tool_quote_ident(&sql, m->t.columns[i]);
	}
	tbuf_puts(&sql, " FROM ");
	tool_quote_ident(&sql, m->t.table.name);

	if (term != NULL) {
		search[ns++] = &m->name;
		if (m->email.src != TOOL_MAP_MISSING)
			search[ns++] = &m->email;
		if (m->company.src != TOOL_MAP_MISSING)
			search[ns++] = &m->company;
		pat = like_pattern(term, &plen);
		for (i = 0; i < ns; i++) {
			tbuf_puts(&sql, i == 0 ? " WHERE " : " OR ");
			/* A latin1 column cannot compare with an emoji: widen it first. */
			if (search[i]->narrow)
				tbuf_puts(&sql, "CONVERT(");
			tool_quote_ident(&sql, search[i]->name);
			if (search[i]->narrow)
				tbuf_puts(&sql, " USING utf8mb4)");
			tbuf_puts(&sql, " LIKE ? ESCAPE '!'");
			p[n++] = (struct tool_param){ .type = TOOL_P_STRING, .s = pat, .len = plen };
		}
	}
	tbuf_puts(&sql, " ORDER BY ");
	tool_quote_ident(&sql, m->name.name);
	for (i = 0; i < m->t.n_key; i++) {
		tbuf_puts(&sql, ", ");
		tool_quote_ident(&sql, m->t.key[i]);
	}
	/* One row more than we send: it tells whether there is a next page. */
	tbuf_puts(&sql, " LIMIT ? OFFSET ?");
	p[n++] = (struct tool_param){ .type = TOOL_P_INT, .i = limit + 1 };
	p[n++] = (struct tool_param){ .type = TOOL_P_INT, .i = offset };
	rc = tool_rows_result(c, NULL, sql.data, p, n, (long)limit, (long)offset);
out:
	free(pat);
	tbuf_free(&sql);
	return rc;
}

const struct tool_def tool_def_contacts = {
	.name = "get_contacts",
	.title = "List contacts",
	.description = "Lists the customer's contacts (people: name, email, phone, company and"
	    " the table's other columns) ordered by name, a page at a time; when more exist"
	    " the answer has next_offset: pass it as offset to read on. With search_term, only"
	    " contacts whose name, email or company contains the term; it matches literally"
	    " (% and _ are ordinary characters), ignoring case as the database compares text.",
	.input_schema = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	    "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000000,\"default\":50,"
	    "\"description\":\"Most contacts to return, 1 to the tenant's max_rows (default 50).\"},"
	    "\"offset\":{\"type\":\"integer\",\"minimum\":0,\"default\":0,"
	    "\"description\":\"Contacts to skip (the next_offset of the previous page).\"},"
	    "\"search_term\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,"
	    "\"description\":\"Text to look for in the name, email and company, literally.\"}}}",
	.output_schema = tool_rows_output_schema,
	.run = run_contacts,
};
