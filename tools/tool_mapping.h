/*
 * The schema mapping of the business tools (CONTRACT section 3, `schema:`):
 * where a tenant keeps its invoices, invoice lines and contacts.  What the
 * profile names is checked against the real tables; what it does not name
 * is looked up once by common table and column names (and foreign keys)
 * in information_schema, and kept for the session.  Inside tools/ only.
 */
#ifndef SAIA_TOOL_MAPPING_H
#define SAIA_TOOL_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tool_int.h"

#define TOOL_MAP_NAME 256	/* a MySQL identifier: 64 characters of up to 4 bytes */

enum tool_map_src {
	TOOL_MAP_MISSING = 0,	/* not given and not found */
	TOOL_MAP_PROFILE,	/* from the tenant's schema: */
	TOOL_MAP_DETECTED,	/* found by name or foreign key */
};

/* One mapped name: a table or a column, and where it came from. */
struct tool_map_key {
	enum tool_map_src src;
	char name[TOOL_MAP_NAME];	/* the exact name in the database; "" when missing */
	bool narrow;		/* a text column in a character set other than utf8mb4 */
};

/* A mapped table: its columns in table order, and the key that orders its rows. */
struct tool_map_table {
	struct tool_map_key table;
	char **columns;		/* owned by the mapping cache */
	char **charsets;	/* per column: its character set, "" when not text */
	size_t n_columns;
	char **key;		/* primary key columns (or a stand-in, see tool_mapping.c) */
	size_t n_key;
};

struct tool_map_invoices {
	struct tool_map_table t;
	struct tool_map_key number, date, total, status, customer;
};

struct tool_map_items {
	struct tool_map_table t;
	struct tool_map_key invoice;
	char ref[TOOL_MAP_NAME];	/* the invoices column that `invoice` holds */
};

struct tool_map_contacts {
	struct tool_map_table t;
	struct tool_map_key name, email, phone, company;
};

/*
 * The invoices, invoice items or contacts part of the tenant's mapping,
 * worked out at the first call and cached for the session (per tool_db).
 * Returns a borrowed pointer that stays valid while the process lives, or
 * NULL with err set: "invalid: schema.X.Y is 'a' but ...", "invalid: cannot
 * find the ... table; set schema.X.table ...", or a database error (not
 * cached: the next call tries again).
 */
const struct tool_map_invoices *tool_map_invoices(struct tool_db *db, struct tool_err *err);
const struct tool_map_items *tool_map_items(struct tool_db *db, struct tool_err *err);
const struct tool_map_contacts *tool_map_contacts(struct tool_db *db, struct tool_err *err);

/*
 * A key a tool needs: 0 when it is mapped; -1 with "invalid: cannot find
 * the <what> column in table '<table>'; set schema.<group>.<key> ..." when
 * it is missing.
 */
int tool_map_need(const struct tool_map_table *t, const struct tool_map_key *k,
    const char *group, const char *key, const char *what, struct tool_err *err);

/*
 * For --check: when the tenant enables a business tool, print the mapping
 * (each key, and whether it came from the profile or was detected) to f.
 * Returns 0, or -1 when an enabled business tool cannot work.
 */
int tool_map_print(struct tool_db *db, FILE *f);

#endif
