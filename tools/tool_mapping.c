/*
 * The schema mapping of the business tools: which table holds the
 * tenant's invoices, invoice lines and contacts, and which columns hold the
 * number, date, total, status, customer, name, email, phone and company.
 *
 * A name the profile gives (`schema:`, struct tenant_schema) is checked
 * against information_schema at first use; a wrong one is a tool error
 * naming the key to fix.  A name it does not give is looked up by common
 * table and column names, in a fixed order of preference, and for the
 * invoice lines' link to the invoice by the foreign key first.  Nothing is
 * guessed silently: what was found, and from where, is printed by --check
 * (tool_map_print).  Each part (invoices, items, contacts) is worked out
 * once per session (per struct tool_db) on first use and then kept; a
 * failure is not kept, so the next call looks again.
 *
 * It does not build the business tools' statements (tool_invoices.c and
 * tool_contacts.c do) and reads the catalog only through tool_db_table,
 * so every statement passes the guard.  The cache is owned here and lives
 * as long as the process.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tenant.h"
#include "tool_int.h"
#include "tool_mapping.h"
#include "xalloc.h"

#define MAX_CATALOG 10000	/* tables or columns read at most */

/* ---- common names, most specific first ---- */

static const char *const invoice_tables[] = {
	"invoices", "invoice", "rechnungen", "rechnung", "bills", "bill", "factures",
	"facturas", "fatture", NULL
};
static const char *const item_tables[] = {
	"invoice_items", "invoice_item", "invoice_lines", "invoice_line", "invoice_line_items",
	"invoice_positions", "line_items", "rechnungspositionen", "bill_items", "bill_lines",
	NULL
};
static const char *const contact_tables[] = {
	"contacts", "contact", "kontakte", "kontakt", "people", "persons",
	"customers", "customer", "clients", "kunden", NULL	/* the fallback */
};
static const char *const number_cols[] = {
	"invoice_number", "number", "invoice_no", "invoice_nr", "nr", "no", "rechnungsnummer", NULL
};
static const char *const date_cols[] = {
	"invoice_date", "date", "issued_at", "issue_date", "issued_on", "created_at", NULL
};
static const char *const total_cols[] = {
	"total_amount", "total", "amount", "gross_total", "grand_total", "betrag", NULL
};
static const char *const status_cols[] = { "status", "state", NULL };
static const char *const customer_cols[] = {
	"customer_id", "customer", "client_id", "client", NULL
};
static const char *const item_invoice_cols[] = {
	"invoice_id", "invoice", "invoices_id", "rechnung_id", "rechnung", "bill_id", NULL
};
static const char *const name_cols[] = {
	"name", "full_name", "contact_name", "display_name", "customer_name", NULL
};
static const char *const email_cols[] = { "email", "e_mail", "email_address", "mail", NULL };
static const char *const phone_cols[] = {
	"phone", "phone_number", "telephone", "tel", "mobile", NULL
};
static const char *const company_cols[] = {
	"company", "company_name", "organization", "organisation", "firm", NULL
};

/* ---- the cache ---- */

struct map_cache {
	struct tool_db *db;		/* borrowed: the session this mapping belongs to */
	bool have_inv, have_items, have_contacts;
	struct tool_map_invoices inv;
	struct tool_map_items items;
	struct tool_map_contacts contacts;
	struct map_cache *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct map_cache *caches;	/* owned; lives as long as the process */

/* The cache of db, made empty on first sight.  Call with cache_lock held. */
static struct map_cache *
cache_of(struct tool_db *db)
{
	struct map_cache *c;

	for (c = caches; c != NULL; c = c->next)
		if (c->db == db)
			return c;
	c = xcalloc(1, sizeof(*c));
	c->db = db;
	c->next = caches;
	caches = c;
	return c;
}

/* ---- small helpers ---- */

static struct tool_param
str_param(const char *s)
{
	struct tool_param p = { .type = TOOL_P_STRING, .s = s, .len = strlen(s) };
	return p;
}

static void
free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; list != NULL && i < n; i++)
		free(list[i]);
	free(list);
}

static void
table_free(struct tool_map_table *t)
{
	free_list(t->columns, t->n_columns);
	free_list(t->charsets, t->n_columns);
	free_list(t->key, t->n_key);
	t->columns = t->charsets = t->key = NULL;
	t->n_columns = t->n_key = 0;
}

static void
key_set(struct tool_map_key *k, enum tool_map_src src, const char *name)
{
	k->src = src;
	snprintf(k->name, sizeof(k->name), "%s", name);
}

/* Column col of every row of tab as a new list (free_list); NULL cells become "". */
static char **
cells_take(const struct tool_table *tab, size_t col, size_t *n)
{
	char **list = xcalloc(tab->nrows + 1, sizeof(char *));
	size_t r;

	for (r = 0; r < tab->nrows; r++)
		list[r] = xstrdup(tool_cell(tab, r, col) != NULL ? tool_cell(tab, r, col) : "");
	*n = tab->nrows;
	return list;
}

/* The first of names found in list (exact case first, then any case), or NULL. */
static const char *
pick(char *const *list, size_t n, const char *const *names)
{
	size_t i, k;

	for (k = 0; names[k] != NULL; k++) {
		for (i = 0; i < n; i++)
			if (strcmp(list[i], names[k]) == 0)
				return list[i];
		for (i = 0; i < n; i++)
			if (strcasecmp(list[i], names[k]) == 0)
				return list[i];
	}
	return NULL;
}

/* ---- catalog reads ---- */

static int
read_tables(struct tool_db *db, char ***list, size_t *n, struct tool_err *err)
{
	struct tool_param p = str_param(tool_db_name(db));
	struct tool_table tab;

	if (tool_db_table(db, "SELECT TABLE_NAME FROM information_schema.TABLES"
	    " WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", &p, 1, MAX_CATALOG, &tab, err) != 0)
		return -1;
	*list = cells_take(&tab, 0, n);
	tool_table_free(&tab);
	return 0;
}

/* The columns (in table order) and primary key of table t->table.name. */
static int
read_columns(struct tool_db *db, struct tool_map_table *t, struct tool_err *err)
{
	struct tool_param p[2] = { str_param(tool_db_name(db)), str_param(t->table.name) };
	struct tool_table tab = { 0 };
	int rc = -1;

	if (tool_db_table(db, "SELECT COLUMN_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS"
	    " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
	    p, 2, MAX_CATALOG, &tab, err) != 0)
		goto out;
	t->columns = cells_take(&tab, 0, &t->n_columns);
	t->charsets = cells_take(&tab, 1, &t->n_columns);
	tool_table_free(&tab);
	if (t->n_columns == 0) {
		tool_err_set(err, TOOL_E_NOTFOUND, "table '%s' has no columns this account can read",
		    t->table.name);
		goto out;
	}
	if (tool_db_table(db, "SELECT COLUMN_NAME FROM information_schema.STATISTICS"
	    " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'"
	    " ORDER BY SEQ_IN_INDEX", p, 2, 64, &tab, err) != 0)
		goto out;
	t->key = cells_take(&tab, 0, &t->n_key);
	rc = 0;
out:
	tool_table_free(&tab);
	return rc != 0 ? -1 : 0;
}

/*
 * Map the table of group: the profile's name (checked, exact case, as
 * MySQL on Linux compares table names) or the first common name found.
 * Missing is an error here: no business tool works without its table.
 */
static int
map_table(struct tool_db *db, struct tool_map_table *t, const char *given,
    const char *const *names, const char *group, const char *what, struct tool_err *err)
{
	char **list = NULL;
	const char *found;
	size_t n = 0, i;
	int rc = -1;

	if (read_tables(db, &list, &n, err) != 0)
		goto out;
	if (given != NULL) {
		for (i = 0; i < n; i++)
			if (strcmp(list[i], given) == 0)
				break;
		if (i == n) {
			const char *near = NULL;
			for (i = 0; i < n && near == NULL; i++)
				if (strcasecmp(list[i], given) == 0)
					near = list[i];
			tool_err_set(err, TOOL_E_NOTFOUND, "schema.%s.table is '%.64s' but the"
			    " database has no such table%s%s%s; set schema.%s.table in the tenant's"
			    " profile", group, given, near ? " (table names are case-sensitive;"
			    " there is '" : "", near ? near : "", near ? "')" : "", group);
			goto out;
		}
		key_set(&t->table, TOOL_MAP_PROFILE, given);
	} else if ((found = pick(list, n, names)) != NULL) {
		key_set(&t->table, TOOL_MAP_DETECTED, found);
	} else {
		tool_err_set(err, TOOL_E_NOTFOUND, "cannot find the %s table; set schema.%s.table"
		    " in the tenant's profile", what, group);
		goto out;
	}
	rc = read_columns(db, t, err);
out:
	free_list(list, n);
	return rc != 0 ? -1 : 0;
}

/*
 * Map one column of t: the profile's name (checked; column names compare
 * without case in MySQL, so the real spelling is kept) or the first common
 * name found, or missing (a tool that needs it says so: tool_map_need).
 */
static int
map_col(const struct tool_map_table *t, struct tool_map_key *k, const char *given,
    const char *const *names, const char *group, const char *key, struct tool_err *err)
{
	const char *one[2] = { given, NULL };
	const char *found;
	size_t i;

	if (given != NULL) {
		if ((found = pick(t->columns, t->n_columns, one)) == NULL) {
			tool_err_set(err, TOOL_E_NOTFOUND, "schema.%s.%s is '%.64s' but table '%s' has"
			    " no such column; set schema.%s.%s in the tenant's profile", group, key,
			    given, t->table.name, group, key);
			return -1;
		}
		key_set(k, TOOL_MAP_PROFILE, found);
	} else if ((found = pick(t->columns, t->n_columns, names)) != NULL) {
		key_set(k, TOOL_MAP_DETECTED, found);
	} else {
		key_set(k, TOOL_MAP_MISSING, "");
		return 0;
	}
	k->narrow = false;
	for (i = 0; i < t->n_columns; i++)
		if (t->columns[i] == found)
			k->narrow = t->charsets[i][0] != '\0' && strcmp(t->charsets[i], "utf8mb4") != 0;
	return 0;
}

/* No primary key: order by a stand-in column (owned copy), so paging stays stable. */
static void
key_standin(struct tool_map_table *t, const struct tool_map_key *k)
{
	if (t->n_key > 0 || k->src == TOOL_MAP_MISSING)
		return;
	free(t->key);
	t->key = xcalloc(2, sizeof(char *));
	t->key[0] = xstrdup(k->name);
	t->n_key = 1;
}

int
tool_map_need(const struct tool_map_table *t, const struct tool_map_key *k,
    const char *group, const char *key, const char *what, struct tool_err *err)
{
	if (k->src != TOOL_MAP_MISSING)
		return 0;
	tool_err_set(err, TOOL_E_NOTFOUND, "cannot find the %s column in table '%s'; set"
	    " schema.%s.%s in the tenant's profile", what, t->table.name, group, key);
	return -1;
}

/* ---- the three parts ---- */

static int
detect_invoices(struct tool_db *db, struct tool_map_invoices *m, struct tool_err *err)
{
	const struct tenant_schema *s = &tool_db_tenant(db)->schema;

	memset(m, 0, sizeof(*m));
	if (map_table(db, &m->t, s->invoices.table, invoice_tables, "invoices", "invoices",
	    err) != 0 ||
	    map_col(&m->t, &m->number, s->invoices.number, number_cols, "invoices", "number", err) ||
	    map_col(&m->t, &m->date, s->invoices.date, date_cols, "invoices", "date", err) ||
	    map_col(&m->t, &m->total, s->invoices.total, total_cols, "invoices", "total", err) ||
	    map_col(&m->t, &m->status, s->invoices.status, status_cols, "invoices", "status", err) ||
	    map_col(&m->t, &m->customer, s->invoices.customer, customer_cols, "invoices",
	    "customer", err)) {
		table_free(&m->t);
		return -1;
	}
	key_standin(&m->t, &m->number);
	return 0;
}

/* Is row r of fk (CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_COLUMN_NAME) a one-column key? */
static bool
fk_single(const struct tool_table *fk, size_t r)
{
	const char *name = tool_cell(fk, r, 0);

	if (name == NULL || tool_cell(fk, r, 1) == NULL || tool_cell(fk, r, 2) == NULL)
		return false;
	if (r > 0 && tool_cell(fk, r - 1, 0) != NULL && strcmp(tool_cell(fk, r - 1, 0), name) == 0)
		return false;
	if (r + 1 < fk->nrows && tool_cell(fk, r + 1, 0) != NULL &&
	    strcmp(tool_cell(fk, r + 1, 0), name) == 0)
		return false;
	return true;
}

/*
 * The invoice lines: their table, the column that links a line to its
 * invoice, and which invoices column that link holds (ref).  A foreign key
 * from the lines to the invoices table decides both when there is one;
 * otherwise the link is found by name and holds the invoices' primary key.
 */
static int
detect_items(struct tool_db *db, const struct tool_map_invoices *inv,
    struct tool_map_items *m, struct tool_err *err)
{
	const struct tenant_schema *s = &tool_db_tenant(db)->schema;
	struct tool_param p[4];
	struct tool_table fk = { 0 };
	const char *given = s->invoice_items.invoice;
	size_t r;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (map_table(db, &m->t, s->invoice_items.table, item_tables, "invoice_items",
	    "invoice items", err) != 0)
		goto out;
	/* Foreign keys from the lines to the invoices table (one-column ones count). */
	p[0] = str_param(tool_db_name(db));
	p[1] = str_param(m->t.table.name);
	p[2] = str_param(tool_db_name(db));
	p[3] = str_param(inv->t.table.name);
	if (tool_db_table(db, "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_COLUMN_NAME"
	    " FROM information_schema.KEY_COLUMN_USAGE"
	    " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_SCHEMA = ?"
	    " AND REFERENCED_TABLE_NAME = ? ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION",
	    p, 4, 256, &fk, err) != 0)
		goto out;
	if (map_col(&m->t, &m->invoice, given, item_invoice_cols, "invoice_items", "invoice",
	    err) != 0)
		goto out;
	for (r = 0; r < fk.nrows; r++) {
		if (!fk_single(&fk, r))
			continue;
		if (given == NULL && m->invoice.src != TOOL_MAP_PROFILE && m->ref[0] == '\0') {
			/* The first foreign key beats a column name. */
			key_set(&m->invoice, TOOL_MAP_DETECTED, tool_cell(&fk, r, 1));
			snprintf(m->ref, sizeof(m->ref), "%s", tool_cell(&fk, r, 2));
		} else if (m->ref[0] == '\0' && m->invoice.src != TOOL_MAP_MISSING &&
		    strcasecmp(tool_cell(&fk, r, 1), m->invoice.name) == 0) {
			snprintf(m->ref, sizeof(m->ref), "%s", tool_cell(&fk, r, 2));
		}
	}
	if (m->invoice.src == TOOL_MAP_MISSING) {
		tool_map_need(&m->t, &m->invoice, "invoice_items", "invoice", "invoice link", err);
		goto out;
	}
	if (m->ref[0] == '\0' && inv->t.n_key == 1)
		snprintf(m->ref, sizeof(m->ref), "%s", inv->t.key[0]);
	if (m->ref[0] == '\0') {
		tool_err_set(err, TOOL_E_NOTFOUND, "cannot tell which column of table '%s' the"
		    " column '%s' of table '%s' refers to: there is no foreign key and no"
		    " one-column primary key; add a foreign key or set schema.invoice_items.invoice"
		    " to a column that holds the invoice's primary key", inv->t.table.name,
		    m->invoice.name, m->t.table.name);
		goto out;
	}
	rc = 0;
out:
	tool_table_free(&fk);
	if (rc != 0)
		table_free(&m->t);
	return rc != 0 ? -1 : 0;
}

static int
detect_contacts(struct tool_db *db, struct tool_map_contacts *m, struct tool_err *err)
{
	const struct tenant_schema *s = &tool_db_tenant(db)->schema;

	memset(m, 0, sizeof(*m));
	if (map_table(db, &m->t, s->contacts.table, contact_tables, "contacts", "contacts",
	    err) != 0 ||
	    map_col(&m->t, &m->name, s->contacts.name, name_cols, "contacts", "name", err) ||
	    map_col(&m->t, &m->email, s->contacts.email, email_cols, "contacts", "email", err) ||
	    map_col(&m->t, &m->phone, s->contacts.phone, phone_cols, "contacts", "phone", err) ||
	    map_col(&m->t, &m->company, s->contacts.company, company_cols, "contacts",
	    "company", err)) {
		table_free(&m->t);
		return -1;
	}
	key_standin(&m->t, &m->email);
	return 0;
}

const struct tool_map_invoices *
tool_map_invoices(struct tool_db *db, struct tool_err *err)
{
	const struct tool_map_invoices *res = NULL;
	struct map_cache *c;

	pthread_mutex_lock(&cache_lock);
	c = cache_of(db);
	if (c->have_inv || detect_invoices(db, &c->inv, err) == 0) {
		c->have_inv = true;
		res = &c->inv;
	}
	pthread_mutex_unlock(&cache_lock);
	return res;
}

const struct tool_map_items *
tool_map_items(struct tool_db *db, struct tool_err *err)
{
	const struct tool_map_items *res = NULL;
	const struct tool_map_invoices *inv;
	struct map_cache *c;

	if ((inv = tool_map_invoices(db, err)) == NULL)
		return NULL;
	pthread_mutex_lock(&cache_lock);
	c = cache_of(db);
	if (c->have_items || detect_items(db, inv, &c->items, err) == 0) {
		c->have_items = true;
		res = &c->items;
	}
	pthread_mutex_unlock(&cache_lock);
	return res;
}

const struct tool_map_contacts *
tool_map_contacts(struct tool_db *db, struct tool_err *err)
{
	const struct tool_map_contacts *res = NULL;
	struct map_cache *c;

	pthread_mutex_lock(&cache_lock);
	c = cache_of(db);
	if (c->have_contacts || detect_contacts(db, &c->contacts, err) == 0) {
		c->have_contacts = true;
		res = &c->contacts;
	}
	pthread_mutex_unlock(&cache_lock);
	return res;
}

/* ---- --check ---- */

/*
 * One line of the --check report.  needed_by names an enabled tool that
 * cannot work without the key (NULL: none); then a missing key is an error.
 */
static int
print_key(FILE *f, const char *group, const char *key, const struct tool_map_key *k,
    const char *note, const char *needed_by)
{
	char label[48];

	snprintf(label, sizeof(label), "%s.%s", group, key);
	if (k->src != TOOL_MAP_MISSING) {
		fprintf(f, "    %-22s %-20s [%s]%s\n", label, k->name,
		    k->src == TOOL_MAP_PROFILE ? "profile" : "detected", note != NULL ? note : "");
		return 0;
	}
	if (needed_by != NULL) {
		fprintf(f, "    %-22s NOT FOUND: %s cannot work; set schema.%s in the tenant's"
		    " profile\n", label, needed_by, label);
		return -1;
	}
	fprintf(f, "    %-22s (not found; set schema.%s for the tools to use it)\n", label, label);
	return 0;
}

static void
print_order(FILE *f, const char *group, const struct tool_map_table *t)
{
	size_t i;

	fprintf(f, "    %-22s ", group);
	if (t->n_key == 0)
		fputs("(none: no primary key)", f);
	for (i = 0; i < t->n_key; i++)
		fprintf(f, "%s%s", i > 0 ? ", " : "", t->key[i]);
	fputs("  [rows ordered by]\n", f);
}

int
tool_map_print(struct tool_db *db, FILE *f)
{
	const struct tenant *t = tool_db_tenant(db);
	bool want_inv = tenant_has_tool(t, "get_all_invoices") || tenant_has_tool(t, "get_invoice_count") ||
	    tenant_has_tool(t, "get_latest_invoice") || tenant_has_tool(t, "get_invoice_by_number");
	bool want_items = tenant_has_tool(t, "get_invoice_by_number");
	bool want_contacts = tenant_has_tool(t, "get_contacts");
	const struct tool_map_invoices *inv = NULL;
	const struct tool_map_items *it;
	const struct tool_map_contacts *co;
	struct tool_err err;
	int rc = 0;

	if (!want_inv && !want_contacts)
		return 0;
	fputs("  schema:    where the business tools find their data"
	    " ([profile] = from schema:, [detected] = found in the database)\n", f);
	if (want_inv) {
		if ((inv = tool_map_invoices(db, &err)) == NULL) {
			fprintf(f, "    invoices: %s\n", err.msg);
			rc = -1;
		} else {
			const char *by_date = tenant_has_tool(t, "get_all_invoices") ? "get_all_invoices" :
			    tenant_has_tool(t, "get_latest_invoice") ? "get_latest_invoice" : NULL;

			rc |= print_key(f, "invoices", "table", &inv->t.table, NULL, NULL);
			rc |= print_key(f, "invoices", "number", &inv->number, NULL,
			    want_items ? "get_invoice_by_number" : NULL);
			rc |= print_key(f, "invoices", "date", &inv->date, NULL, by_date);
			rc |= print_key(f, "invoices", "total", &inv->total, NULL, NULL);
			rc |= print_key(f, "invoices", "status", &inv->status, NULL, NULL);
			rc |= print_key(f, "invoices", "customer", &inv->customer, NULL, NULL);
			print_order(f, "invoices", &inv->t);
		}
	}
	if (want_items && inv != NULL) {
		if ((it = tool_map_items(db, &err)) == NULL) {
			fprintf(f, "    invoice_items: %s\n", err.msg);
			rc = -1;
		} else {
			char note[2 * TOOL_MAP_NAME + 16];

			snprintf(note, sizeof(note), " (holds %s.%s)", inv->t.table.name, it->ref);
			rc |= print_key(f, "invoice_items", "table", &it->t.table, NULL, NULL);
			rc |= print_key(f, "invoice_items", "invoice", &it->invoice, note, NULL);
			print_order(f, "invoice_items", &it->t);
		}
	}
	if (want_contacts) {
		if ((co = tool_map_contacts(db, &err)) == NULL) {
			fprintf(f, "    contacts: %s\n", err.msg);
			rc = -1;
		} else {
			rc |= print_key(f, "contacts", "table", &co->t.table, NULL, NULL);
			rc |= print_key(f, "contacts", "name", &co->name, NULL, "get_contacts");
			rc |= print_key(f, "contacts", "email", &co->email, NULL, NULL);
			rc |= print_key(f, "contacts", "phone", &co->phone, NULL, NULL);
			rc |= print_key(f, "contacts", "company", &co->company, NULL, NULL);
			print_order(f, "contacts", &co->t);
		}
	}
	return rc != 0 ? -1 : 0;
}
