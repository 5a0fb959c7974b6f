/*
 * The business tools (get_all_invoices, get_invoice_count,
 * get_invoice_by_number, get_latest_invoice, get_contacts) and their schema
 * mapping, on the real binary against the real MariaDB of scripts/db.sh:
 *
 *   tenant full      saia_demo, no schema: (every name detected)
 *   tenant mapped    saia_mapped, the same rows under German names, all of
 *                    them given in schema: -- every answer must equal full's
 *   mapped_partial   saia_mapped without an invoices mapping (its date column
 *                    cannot be found) and contacts in a latin1 table
 *   mapped_wrong     saia_demo with a schema: naming a column it lacks
 *
 * Expected values come from tests/data/README.md and sample_company.sql.
 * Needs SAIA_TEST_CONFIG (scripts/db.sh config FILE); without it the tests
 * skip, except in CI (CI set), where that is a failure.  Case ids (B01,
 * H01, ...) are stable and never renumbered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *config;
static char *env_demo, *env_mapped, *env_rw;

/* ---- helpers ---- */

static void
need_config(void)
{
	if (config == NULL)
		skip();
}

static struct h_proc *
session(const char *tenant)
{
	const char *args[] = { "--config", config, "--tenant", tenant, NULL };
	const char *env[] = { env_demo, env_mapped, NULL };
	struct h_proc *h = h_spawn(args, env);

	h_initialize(h, NULL);
	return h;
}

static long next_id = 1;

/* A successful call's structuredContent (the result is kept in *res; cJSON_Delete it). */
static const cJSON *
ok_call(struct h_proc *h, const char *tool, const char *args, cJSON **res)
{
	const cJSON *sc;

	*res = h_call(h, next_id++, tool, args);
	if (*res == NULL)
		fail_msg("%s %s: JSON-RPC error %s", tool, args ? args : "", h->last);
	if (h_is_error(*res))
		fail_msg("%s %s: tool error %s", tool, args ? args : "", h_text(*res));
	sc = cJSON_GetObjectItemCaseSensitive(*res, "structuredContent");
	if (!cJSON_IsObject(sc))
		fail_msg("%s %s: no structuredContent: %s", tool, args ? args : "", h->last);
	return sc;
}

/* A tool error's text, which must start with prefix (the caller frees nothing). */
static void
err_call(struct h_proc *h, const char *tool, const char *args, const char *want)
{
	cJSON *res = h_call(h, next_id++, tool, args);

	if (res == NULL)
		fail_msg("%s %s: JSON-RPC error %s", tool, args, h->last);
	if (!h_is_error(res))
		fail_msg("%s %s: expected a tool error, got %s", tool, args, h->last);
	if (strcmp(h_text(res), want) != 0)
		fail_msg("%s %s:\n got  %s\n want %s", tool, args, h_text(res), want);
	cJSON_Delete(res);
}

/* Compact JSON of v (free()). */
static char *
json(const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);

	assert_non_null(s);
	return s;
}

static void
assert_json(const cJSON *v, const char *want)
{
	char *s = json(v);

	if (strcmp(s, want) != 0)
		fail_msg("\n got  %s\n want %s", s, want);
	free(s);
}

static const cJSON *
get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL)
		fail_msg("no key '%s' in %s", key, cJSON_PrintUnformatted(o));
	return v;
}

/* The first column of every row, "60,59,..." (free()). */
static char *
ids(const cJSON *sc)
{
	const cJSON *row;
	char *s = calloc(1, 8192);
	size_t n = 0;

	assert_non_null(s);
	cJSON_ArrayForEach(row, get(sc, "rows"))
		n += (size_t)snprintf(s + n, 8192 - n, "%s%.0f", n ? "," : "",
		    cJSON_GetArrayItem(row, 0)->valuedouble);
	return s;
}

/* A row result: its ids, row_count and next_offset (-1 when absent). */
static void
assert_rows(const cJSON *sc, const char *want_ids, int next_offset)
{
	const cJSON *no = cJSON_GetObjectItemCaseSensitive(sc, "next_offset");
	char *got = ids(sc);

	if (strcmp(got, want_ids) != 0)
		fail_msg("rows\n got  %s\n want %s", got, want_ids);
	free(got);
	assert_int_equal(get(sc, "row_count")->valueint, cJSON_GetArraySize(get(sc, "rows")));
	assert_true(cJSON_IsBool(get(sc, "truncated")));
	if (next_offset < 0) {
		assert_null(no);
		assert_true(cJSON_IsFalse(get(sc, "truncated")));
	} else {
		assert_non_null(no);
		assert_int_equal(no->valueint, next_offset);
	}
}

static void
assert_columns(const cJSON *sc, const char *want)
{
	const cJSON *c;
	char buf[1024] = "";
	size_t n = 0;

	cJSON_ArrayForEach(c, get(sc, "columns"))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s:%s", n ? "," : "",
		    get(c, "name")->valuestring, get(c, "type")->valuestring);
	if (strcmp(buf, want) != 0)
		fail_msg("columns\n got  %s\n want %s", buf, want);
}

#define INV_COLS "id:INT UNSIGNED,invoice_number:VARCHAR,customer_id:INT UNSIGNED," \
    "invoice_date:DATE,due_date:DATE,status:ENUM,total_amount:DECIMAL,currency:CHAR,notes:TEXT"
#define CONTACT_COLS "id:INT UNSIGNED,customer_id:INT UNSIGNED,name:VARCHAR,email:VARCHAR," \
    "phone:VARCHAR,company:VARCHAR,created_at:DATETIME"

/* All 40 contacts, ordered by name (utf8mb4_unicode_ci) and then id. */
#define ALL_CONTACTS "1,21,2,22,23,4,24,5,25,6,26,7,27,8,28,9,29,10,30,11,31,12,32,13,33,14," \
    "34,15,35,16,36,17,18,38,3,19,39,20,40,37"

/* ---- fixture ---- */

static char *
env_line(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	size_t n = strlen(name) + strlen(v ? v : dflt) + 2;
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, "%s=%s", name, v ? v : dflt);
	return s;
}

static int
group_setup(void **state)
{
	(void)state;
	config = getenv("SAIA_TEST_CONFIG");
	if (config != NULL && *config == '\0')
		config = NULL;
	if (config == NULL && getenv("CI") != NULL) {
		fprintf(stderr, "SAIA_TEST_CONFIG is not set; in CI that is a failure"
		    " (bash scripts/db.sh config FILE)\n");
		return -1;
	}
	if (config == NULL)
		fprintf(stderr, "SAIA_TEST_CONFIG is not set: skipping the business tool tests\n");
	env_demo = env_line("SAIA_DEMO_PASSWORD", "demo-ro-pw");
	env_mapped = env_line("SAIA_MAPPED_PASSWORD", "mapped-ro-pw");
	env_rw = env_line("SAIA_RW_PASSWORD", "demo-rw-pw");
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	free(env_demo);
	free(env_rw);
	free(env_mapped);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	h_cleanup_all();
	return 0;
}

/* ---- B: the sample company, every name detected ---- */

/* B01 get_all_invoices: newest first, every column, exact values, paging. */
static void
b01_all_invoices(void **state)
{
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;

	(void)state;
	need_config();
	h = session("full");
	sc = ok_call(h, "get_all_invoices", NULL, &r);
	assert_columns(sc, INV_COLS);
	assert_int_equal(get(sc, "row_count")->valueint, 50);
	assert_int_equal(get(sc, "next_offset")->valueint, 50);
	assert_true(cJSON_IsTrue(get(sc, "truncated")));
	assert_json(cJSON_GetArrayItem(get(sc, "rows"), 0),
	    "[60,\"INV-2026-0020\",14,\"2026-06-27\",\"2026-07-27\",\"draft\",\"834.43\",\"EUR\",null]");
	/* id 56's note is the empty string, id 48's has non-ASCII text. */
	assert_json(cJSON_GetArrayItem(get(sc, "rows"), 4),
	    "[56,\"INV-2026-0016\",11,\"2026-05-21\",\"2026-06-20\",\"sent\",\"256.94\",\"SEK\",\"\"]");
	assert_json(cJSON_GetArrayItem(get(sc, "rows"), 12),
	    "[48,\"INV-2026-0008\",5,\"2026-03-09\",\"2026-04-08\",\"paid\",\"567.55\",\"DKK\","
	    "\"Zahlung per Überweisung; Skonto 2 % bis 10 Tage.\"]");
	cJSON_Delete(r);

	sc = ok_call(h, "get_all_invoices", "{\"offset\":50}", &r);
	assert_rows(sc, "10,9,8,7,6,5,4,3,2,1", -1);
	assert_json(cJSON_GetArrayItem(get(sc, "rows"), 9),
	    "[1,\"INV-2025-0001\",1,\"2025-01-03\",\"2025-02-02\",\"paid\",\"459.28\",\"EUR\",null]");
	cJSON_Delete(r);

	sc = ok_call(h, "get_all_invoices", "{\"limit\":3,\"offset\":47}", &r);
	assert_rows(sc, "13,12,11", 50);
	assert_json(cJSON_GetArrayItem(get(sc, "rows"), 1),
	    "[12,\"INV-2025-0012\",3,\"2025-04-14\",\"2025-05-14\",\"paid\",\"415.19\",\"EUR\","
	    "\"Thanks for the quick delivery! 🚚🎉\"]");
	cJSON_Delete(r);

	/* Exactly the last page: no next_offset. */
	sc = ok_call(h, "get_all_invoices", "{\"limit\":10,\"offset\":50}", &r);
	assert_rows(sc, "10,9,8,7,6,5,4,3,2,1", -1);
	cJSON_Delete(r);
	sc = ok_call(h, "get_all_invoices", "{\"offset\":60}", &r);
	assert_rows(sc, "", -1);
	cJSON_Delete(r);
	sc = ok_call(h, "get_all_invoices", "{\"offset\":9007199254740991}", &r);
	assert_rows(sc, "", -1);
	cJSON_Delete(r);
	/* null means "not given". */
	sc = ok_call(h, "get_all_invoices", "{\"limit\":null,\"status\":null}", &r);
	assert_int_equal(get(sc, "row_count")->valueint, 50);
	cJSON_Delete(r);
	h_free(h);
}

/* B02 get_all_invoices filters, alone and together; dates inclusive at both ends. */
static void
b02_filters(void **state)
{
	static const struct { const char *args, *ids; int next; } cases[] = {
		{ "{\"status\":\"draft\"}", "60,59", -1 },
		{ "{\"status\":\"cancelled\"}", "41,15", -1 },
		{ "{\"status\":\"overdue\"}", "52,51,50,32,23,14,5", -1 },
		{ "{\"status\":\"no such status\"}", "", -1 },
		{ "{\"customer\":14}", "60,35,10", -1 },
		{ "{\"customer\":\"14\"}", "60,35,10", -1 },
		{ "{\"customer\":999}", "", -1 },
		{ "{\"date_from\":\"2026-01-01\",\"date_to\":\"2026-03-31\"}",
		  "50,49,48,47,46,45,44,43,42,41", -1 },
		{ "{\"date_from\":\"2026-06-27\"}", "60", -1 },
		{ "{\"date_from\":\"2026-06-28\"}", "", -1 },
		{ "{\"date_to\":\"2025-01-03\"}", "1", -1 },
		{ "{\"date_to\":\"2025-01-02\"}", "", -1 },
		{ "{\"date_from\":\"2025-01-03\",\"date_to\":\"2025-01-03\"}", "1", -1 },
		{ "{\"date_to\":\"9999-12-31\",\"limit\":2}", "60,59", 2 },
		{ "{\"date_from\":\"2026-01-01\",\"status\":\"paid\"}", "49,48,47,46,45,44,43,42", -1 },
		{ "{\"date_from\":\"2026-01-01\",\"status\":\"paid\",\"limit\":3,\"offset\":3}",
		  "46,45,44", 6 },
		{ "{\"status\":\"paid\",\"customer\":14,\"date_from\":\"2025-01-01\","
		  "\"date_to\":\"2025-12-31\"}", "35,10", -1 },
		{ "{\"date_from\":\"2026-03-31\",\"date_to\":\"2026-01-01\"}", "", -1 },
		/* 2024 was a leap year: a real date, and no invoice is that old. */
		{ "{\"date_to\":\"2024-02-29\"}", "", -1 },
	};
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;
	size_t i;

	(void)state;
	need_config();
	h = session("full");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc = ok_call(h, "get_all_invoices", cases[i].args, &r);
		assert_rows(sc, cases[i].ids, cases[i].next);
		cJSON_Delete(r);
	}
	h_free(h);
}

/* B03 get_invoice_count: exact counts, filters echoed as given. */
static void
b03_count(void **state)
{
	static const struct { const char *args, *want; } cases[] = {
		{ NULL, "{\"count\":60,\"filters\":{}}" },
		{ "{\"status\":\"paid\"}", "{\"count\":43,\"filters\":{\"status\":\"paid\"}}" },
		{ "{\"status\":\"overdue\"}", "{\"count\":7,\"filters\":{\"status\":\"overdue\"}}" },
		{ "{\"status\":\"sent\"}", "{\"count\":6,\"filters\":{\"status\":\"sent\"}}" },
		{ "{\"status\":\"draft\"}", "{\"count\":2,\"filters\":{\"status\":\"draft\"}}" },
		{ "{\"status\":\"cancelled\"}", "{\"count\":2,\"filters\":{\"status\":\"cancelled\"}}" },
		{ "{\"date_from\":\"2025-01-01\",\"date_to\":\"2025-12-31\"}",
		  "{\"count\":40,\"filters\":{\"date_from\":\"2025-01-01\",\"date_to\":\"2025-12-31\"}}" },
		{ "{\"customer\":14}", "{\"count\":3,\"filters\":{\"customer\":14}}" },
		{ "{\"customer\":\"14\",\"status\":\"paid\"}",
		  "{\"count\":2,\"filters\":{\"status\":\"paid\",\"customer\":\"14\"}}" },
		{ "{\"date_to\":\"9999-12-31\"}", "{\"count\":60,\"filters\":{\"date_to\":\"9999-12-31\"}}" },
		{ "{\"status\":null}", "{\"count\":60,\"filters\":{}}" },
	};
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;
	size_t i;

	(void)state;
	need_config();
	h = session("full");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc = ok_call(h, "get_invoice_count", cases[i].args, &r);
		assert_json(sc, cases[i].want);
		cJSON_Delete(r);
	}
	h_free(h);
}

/* B04 get_invoice_by_number: the invoice and its items as objects; unknown is found: false. */
static void
b04_by_number(void **state)
{
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;

	(void)state;
	need_config();
	h = session("full");
	sc = ok_call(h, "get_invoice_by_number", "{\"invoice_number\":\"INV-2025-0001\"}", &r);
	assert_json(sc, "{\"found\":true,\"invoice\":{\"id\":1,\"invoice_number\":\"INV-2025-0001\","
	    "\"customer_id\":1,\"invoice_date\":\"2025-01-03\",\"due_date\":\"2025-02-02\","
	    "\"status\":\"paid\",\"total_amount\":\"459.28\",\"currency\":\"EUR\",\"notes\":null},"
	    "\"items\":[{\"id\":1,\"invoice_id\":1,\"product_id\":13,\"quantity\":23,"
	    "\"unit_price\":\"8.06\",\"line_total\":\"185.38\"},{\"id\":2,\"invoice_id\":1,"
	    "\"product_id\":1,\"quantity\":11,\"unit_price\":\"24.90\",\"line_total\":\"273.90\"}],"
	    "\"items_truncated\":false}");
	cJSON_Delete(r);
	sc = ok_call(h, "get_invoice_by_number", "{\"invoice_number\":\"INV-2026-0020\"}", &r);
	assert_json(get(sc, "invoice"), "{\"id\":60,\"invoice_number\":\"INV-2026-0020\","
	    "\"customer_id\":14,\"invoice_date\":\"2026-06-27\",\"due_date\":\"2026-07-27\","
	    "\"status\":\"draft\",\"total_amount\":\"834.43\",\"currency\":\"EUR\",\"notes\":null}");
	assert_json(get(sc, "items"), "[{\"id\":176,\"invoice_id\":60,\"product_id\":2,"
	    "\"quantity\":17,\"unit_price\":\"9.80\",\"line_total\":\"166.60\"},{\"id\":177,"
	    "\"invoice_id\":60,\"product_id\":9,\"quantity\":13,\"unit_price\":\"6.99\","
	    "\"line_total\":\"90.87\"},{\"id\":178,\"invoice_id\":60,\"product_id\":12,"
	    "\"quantity\":18,\"unit_price\":\"15.90\",\"line_total\":\"286.20\"},{\"id\":179,"
	    "\"invoice_id\":60,\"product_id\":4,\"quantity\":24,\"unit_price\":\"11.20\","
	    "\"line_total\":\"268.80\"},{\"id\":180,\"invoice_id\":60,\"product_id\":14,"
	    "\"quantity\":4,\"unit_price\":\"5.49\",\"line_total\":\"21.96\"}]");
	cJSON_Delete(r);
	/* The emoji note survives inside an object too. */
	sc = ok_call(h, "get_invoice_by_number", "{\"invoice_number\":\"INV-2025-0012\"}", &r);
	assert_string_equal(get(get(sc, "invoice"), "notes")->valuestring,
	    "Thanks for the quick delivery! 🚚🎉");
	assert_int_equal(cJSON_GetArraySize(get(sc, "items")), 5);
	cJSON_Delete(r);
	sc = ok_call(h, "get_invoice_by_number", "{\"invoice_number\":\"INV-2027-0001\"}", &r);
	assert_json(sc, "{\"found\":false,\"invoice_number\":\"INV-2027-0001\"}");
	cJSON_Delete(r);
	/* Not a pattern: a wildcard finds nothing. */
	sc = ok_call(h, "get_invoice_by_number", "{\"invoice_number\":\"INV-2025-000%\"}", &r);
	assert_json(sc, "{\"found\":false,\"invoice_number\":\"INV-2025-000%\"}");
	cJSON_Delete(r);
	h_free(h);
}

/* B05 get_latest_invoice: the newest by date, then key. */
static void
b05_latest(void **state)
{
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;

	(void)state;
	need_config();
	h = session("full");
	sc = ok_call(h, "get_latest_invoice", NULL, &r);
	assert_json(sc, "{\"found\":true,\"invoice\":{\"id\":60,\"invoice_number\":\"INV-2026-0020\","
	    "\"customer_id\":14,\"invoice_date\":\"2026-06-27\",\"due_date\":\"2026-07-27\","
	    "\"status\":\"draft\",\"total_amount\":\"834.43\",\"currency\":\"EUR\",\"notes\":null}}");
	cJSON_Delete(r);
	h_free(h);
}

/* B06 get_contacts: ordered by name then id, paged, NULLs and the empty string kept. */
static void
b06_contacts(void **state)
{
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;

	(void)state;
	need_config();
	h = session("full");
	sc = ok_call(h, "get_contacts", NULL, &r);
	assert_columns(sc, CONTACT_COLS);
	assert_rows(sc, ALL_CONTACTS, -1);
	assert_json(cJSON_GetArrayItem(get(sc, "rows"), 0), "[1,1,\"Anna Berg\","
	    "\"anna.berg@nordwind-feinkost.de\",\"+40 678 4117436\",\"Nordwind Feinkost GmbH\","
	    "\"2024-02-01 08:00:00\"]");
	/* id 24: email NULL; id 18: email ''; id 35: no customer, no company. */
	assert_json(cJSON_GetArrayItem(get(sc, "rows"), 6), "[24,24,\"Dariusz Nowak\",null,"
	    "\"+63 992 2658347\",\"Seaside Bistro LLC\",\"2024-08-26 13:00:00\"]");
	assert_json(cJSON_GetArrayItem(get(sc, "rows"), 32), "[18,18,\"Renée Kowalski\",\"\","
	    "\"+57 782 3192481\",\"Fjällstugan AB\",\"2024-07-03 16:00:00\"]");
	assert_json(cJSON_GetArrayItem(get(sc, "rows"), 28), "[35,null,\"Oskar Jensen\","
	    "\"oskar.jensen@example.org\",\"+74 105 2348309\",null,\"2024-12-03 15:00:00\"]");
	cJSON_Delete(r);

	sc = ok_call(h, "get_contacts", "{\"limit\":15}", &r);
	assert_rows(sc, "1,21,2,22,23,4,24,5,25,6,26,7,27,8,28", 15);
	cJSON_Delete(r);
	sc = ok_call(h, "get_contacts", "{\"limit\":15,\"offset\":15}", &r);
	assert_rows(sc, "9,29,10,30,11,31,12,32,13,33,14,34,15,35,16", 30);
	cJSON_Delete(r);
	sc = ok_call(h, "get_contacts", "{\"limit\":15,\"offset\":30}", &r);
	assert_rows(sc, "36,17,18,38,3,19,39,20,40,37", -1);
	cJSON_Delete(r);
	sc = ok_call(h, "get_contacts", "{\"offset\":40}", &r);
	assert_rows(sc, "", -1);
	cJSON_Delete(r);
	h_free(h);
}

/* B07 get_contacts search_term: name, email or company; literal; collation decides case. */
static void
b07_contacts_search(void **state)
{
	static const struct { const char *args, *ids; int next; } cases[] = {
		{ "{\"search_term\":\"O'Brien\"}", "28,3", -1 },		/* company and name */
		{ "{\"search_term\":\"messe\"}", "36,38,39,37", -1 },	/* company, any case */
		{ "{\"search_term\":\"example.org\"}", "35,36,38,39,40,37", -1 },	/* email */
		{ "{\"search_term\":\"example.org\",\"limit\":2}", "35,36", 2 },
		{ "{\"search_term\":\"example.org\",\"limit\":2,\"offset\":4}", "40,37", -1 },
		{ "{\"search_term\":\"schafer\"}", "7,10,30,32,20,40", -1 },	/* accents ignored */
		{ "{\"search_term\":\"Zoë Ångström-Nuñez\"}", "37", -1 },
		{ "{\"search_term\":\"ß\"}", "25", -1 },
		/* Wildcards are literal: no contact has %, _, \ or ! in it. */
		{ "{\"search_term\":\"%\"}", "", -1 },
		{ "{\"search_term\":\"_\"}", "", -1 },
		{ "{\"search_term\":\"\\\\\"}", "", -1 },
		{ "{\"search_term\":\"!\"}", "", -1 },
		{ "{\"search_term\":\"!%\"}", "", -1 },
		{ "{\"search_term\":\"Anna%Berg\"}", "", -1 },
		{ "{\"search_term\":\"Anna_Berg\"}", "", -1 },
		{ "{\"search_term\":\"Anna Berg\"}", "1,21", -1 },
	};
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;
	size_t i;

	(void)state;
	need_config();
	h = session("full");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc = ok_call(h, "get_contacts", cases[i].args, &r);
		assert_rows(sc, cases[i].ids, cases[i].next);
		cJSON_Delete(r);
	}
	h_free(h);
}

/* ---- M: the same answers through schema: ---- */

/* The values of an object, in order, as a JSON array text (free()). */
static char *
values_of(const cJSON *o)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *v;
	char *s;

	cJSON_ArrayForEach(v, o)
		cJSON_AddItemToArray(arr, cJSON_Duplicate(v, true));
	s = json(arr);
	cJSON_Delete(arr);
	return s;
}

/*
 * sc with every object's keys dropped (objects become arrays of their
 * values) and the "columns" names dropped: what must be equal between
 * full and mapped, whose column names differ.  New text (free()).
 */
static char *
shape_free_of_names(const cJSON *sc)
{
	cJSON *copy = cJSON_Duplicate(sc, true), *c, *k;
	char *s;

	if ((c = cJSON_GetObjectItemCaseSensitive(copy, "columns")) != NULL)
		cJSON_ArrayForEach(k, c)
			cJSON_DeleteItemFromObjectCaseSensitive(k, "name");
	if ((c = cJSON_GetObjectItemCaseSensitive(copy, "invoice")) != NULL) {
		s = values_of(c);
		cJSON_ReplaceItemInObjectCaseSensitive(copy, "invoice", cJSON_CreateRaw(s));
		free(s);
	}
	if ((c = cJSON_GetObjectItemCaseSensitive(copy, "items")) != NULL) {
		cJSON *arr = cJSON_CreateArray();
		cJSON_ArrayForEach(k, c) {
			s = values_of(k);
			cJSON_AddItemToArray(arr, cJSON_CreateRaw(s));
			free(s);
		}
		cJSON_ReplaceItemInObjectCaseSensitive(copy, "items", arr);
	}
	s = json(copy);
	cJSON_Delete(copy);
	return s;
}

/* M01 every business tool call gives the same answer on full and mapped. */
static void
m01_same_answers(void **state)
{
	static const struct { const char *tool, *args; } calls[] = {
		{ "get_all_invoices", NULL },
		{ "get_all_invoices", "{\"offset\":50}" },
		{ "get_all_invoices", "{\"limit\":3,\"offset\":47}" },
		{ "get_all_invoices", "{\"status\":\"overdue\"}" },
		{ "get_all_invoices", "{\"customer\":14}" },
		{ "get_all_invoices", "{\"customer\":\"14\"}" },
		{ "get_all_invoices", "{\"date_from\":\"2026-01-01\",\"date_to\":\"2026-03-31\"}" },
		{ "get_all_invoices", "{\"date_from\":\"2026-01-01\",\"status\":\"paid\",\"limit\":3,"
		  "\"offset\":3}" },
		{ "get_invoice_count", NULL },
		{ "get_invoice_count", "{\"status\":\"paid\"}" },
		{ "get_invoice_count", "{\"date_from\":\"2025-01-01\",\"date_to\":\"2025-12-31\"}" },
		{ "get_invoice_count", "{\"customer\":14,\"status\":\"paid\"}" },
		{ "get_invoice_by_number", "{\"invoice_number\":\"INV-2025-0001\"}" },
		{ "get_invoice_by_number", "{\"invoice_number\":\"INV-2025-0012\"}" },
		{ "get_invoice_by_number", "{\"invoice_number\":\"INV-2026-0020\"}" },
		{ "get_invoice_by_number", "{\"invoice_number\":\"INV-2027-0001\"}" },
		{ "get_latest_invoice", NULL },
		{ "get_contacts", NULL },
		{ "get_contacts", "{\"limit\":15,\"offset\":15}" },
		{ "get_contacts", "{\"search_term\":\"O'Brien\"}" },
		{ "get_contacts", "{\"search_term\":\"example.org\",\"limit\":2}" },
		{ "get_contacts", "{\"search_term\":\"schafer\"}" },
		{ "get_contacts", "{\"search_term\":\"%\"}" },
	};
	struct h_proc *full, *mapped;
	const cJSON *a, *b;
	cJSON *ra, *rb;
	char *sa, *sb;
	size_t i;

	(void)state;
	need_config();
	full = session("full");
	mapped = session("mapped");
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		a = ok_call(full, calls[i].tool, calls[i].args, &ra);
		b = ok_call(mapped, calls[i].tool, calls[i].args, &rb);
		sa = shape_free_of_names(a);
		sb = shape_free_of_names(b);
		if (strcmp(sa, sb) != 0)
			fail_msg("%s %s differs:\n full   %s\n mapped %s", calls[i].tool,
			    calls[i].args ? calls[i].args : "", sa, sb);
		free(sa);
		free(sb);
		cJSON_Delete(ra);
		cJSON_Delete(rb);
	}
	/* And the names are the mapped table's own. */
	b = ok_call(mapped, "get_latest_invoice", NULL, &rb);
	assert_json(b, "{\"found\":true,\"invoice\":{\"id\":60,\"nr\":\"INV-2026-0020\",\"kunde\":14,"
	    "\"datum\":\"2026-06-27\",\"faellig_am\":\"2026-07-27\",\"zustand\":\"draft\","
	    "\"betrag\":\"834.43\",\"waehrung\":\"EUR\",\"notiz\":null}}");
	cJSON_Delete(rb);
	b = ok_call(mapped, "get_contacts", "{\"limit\":1}", &rb);
	assert_columns(b, "id:INT UNSIGNED,kunde:INT UNSIGNED,voller_name:VARCHAR,e_mail:VARCHAR,"
	    "telefon:VARCHAR,firma:VARCHAR,angelegt_am:DATETIME");
	cJSON_Delete(rb);
	h_free(full);
	h_free(mapped);
}

/* ---- E: mapping errors ---- */

/* E01 a schema: name that is not there, and a key that cannot be found, name the key to set. */
static void
e01_mapping_errors(void **state)
{
	struct h_proc *h;
	const cJSON *sc;
	cJSON *r;

	(void)state;
	need_config();
	h = session("mapped_wrong");
	err_call(h, "get_all_invoices", "{}", "invalid: schema.invoices.date is 'datum' but table"
	    " 'invoices' has no such column; set schema.invoices.date in the tenant's profile");
	err_call(h, "get_invoice_count", "{}", "invalid: schema.invoices.date is 'datum' but table"
	    " 'invoices' has no such column; set schema.invoices.date in the tenant's profile");
	err_call(h, "get_latest_invoice", "{}", "invalid: schema.invoices.date is 'datum' but table"
	    " 'invoices' has no such column; set schema.invoices.date in the tenant's profile");
	err_call(h, "get_contacts", "{}", "invalid: schema.contacts.table is 'kontakte' but the"
	    " database has no such table; set schema.contacts.table in the tenant's profile");
	/* Still wrong on the next call (a failure is not cached as a success). */
	err_call(h, "get_invoice_by_number", "{\"invoice_number\":\"INV-2025-0001\"}",
	    "invalid: schema.invoices.date is 'datum' but table 'invoices' has no such column;"
	    " set schema.invoices.date in the tenant's profile");
	h_free(h);

	h = session("mapped_partial");
	err_call(h, "get_all_invoices", "{}", "invalid: cannot find the invoice date column in"
	    " table 'rechnungen'; set schema.invoices.date in the tenant's profile");
	err_call(h, "get_latest_invoice", "{}", "invalid: cannot find the invoice date column in"
	    " table 'rechnungen'; set schema.invoices.date in the tenant's profile");
	err_call(h, "get_invoice_count", "{\"status\":\"paid\"}", "invalid: cannot find the invoice"
	    " status column in table 'rechnungen'; set schema.invoices.status in the tenant's profile");
	err_call(h, "get_invoice_count", "{\"customer\":1}", "invalid: cannot find the invoice's"
	    " customer column in table 'rechnungen'; set schema.invoices.customer in the tenant's"
	    " profile");
	/* What was found works: the count needs no date, the number and the lines were found. */
	sc = ok_call(h, "get_invoice_count", NULL, &r);
	assert_json(sc, "{\"count\":60,\"filters\":{}}");
	cJSON_Delete(r);
	sc = ok_call(h, "get_invoice_by_number", "{\"invoice_number\":\"INV-2025-0001\"}", &r);
	assert_int_equal(cJSON_GetArraySize(get(sc, "items")), 2);
	cJSON_Delete(r);
	/* Contacts in a latin1 table: an emoji compares (no "illegal mix of collations"). */
	sc = ok_call(h, "get_contacts", "{\"search_term\":\"😀\"}", &r);
	assert_rows(sc, "", -1);
	cJSON_Delete(r);
	sc = ok_call(h, "get_contacts", "{\"search_term\":\"KÖLN\"}", &r);
	assert_json(get(sc, "rows"), "[[1,\"Grüße aus Köln\"]]");
	cJSON_Delete(r);
	h_free(h);
}

/* E02 --check prints the mapping: where each key came from; exit 1 when a tool cannot work. */
static void
e02_check(void **state)
{
	static const struct { const char *tenant; int status; const char *want[4]; } cases[] = {
		{ "full", 0, { "invoices.date          invoice_date         [detected]",
		  "invoice_items.invoice  invoice_id           [detected] (holds invoices.id)",
		  "contacts.name          name                 [detected]", NULL } },
		{ "mapped", 0, { "invoices.date          datum                [profile]",
		  "invoice_items.invoice  rechnung             [profile] (holds rechnungen.id)",
		  "contacts.email         e_mail               [profile]", NULL } },
		{ "mapped_partial", 1, { "invoices.table         rechnungen           [detected]",
		  "invoices.date          NOT FOUND: get_all_invoices cannot work; set"
		  " schema.invoices.date in the tenant's profile", NULL } },
		{ "mapped_wrong", 1, { "invoices: invalid: schema.invoices.date is 'datum' but table"
		  " 'invoices' has no such column", NULL } },
		/* an account that can write fails the check (layer 3 of CONTRACT 7) */
		{ "rw", 1, { "can write: YES: ALTER, ", "on saia_demo.* (grant SELECT only)", NULL } },
		{ "test", 0, { "can write: no", NULL } },
	};
	size_t i, k, n, l;
	int status;

	(void)state;
	need_config();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[] = { "--config", config, "--tenant", cases[i].tenant, "--check", NULL };
		const char *env[] = { env_demo, env_mapped, env_rw, NULL };
		char **out = h_transcript(args, env, NULL, 0, &n, &status, NULL);

		assert_int_equal(status, cases[i].status);
		for (k = 0; cases[i].want[k] != NULL; k++) {
			for (l = 0; l < n; l++)
				if (strstr(out[l], cases[i].want[k]) != NULL)
					break;
			if (l == n)
				fail_msg("--check of %s lacks \"%s\"", cases[i].tenant, cases[i].want[k]);
		}
		h_free_lines(out, n);
	}
}

/* ---- H: hostile arguments ---- */

enum want { OK, INVALID };

static const struct hostile {
	const char *id, *tool, *args;
	enum want want;
	const char *names;	/* INVALID: the argument the message must name */
} hostile[] = {
	{ "H01", "get_contacts", "{\"search_term\":\"%\"}", OK, NULL },
	{ "H02", "get_contacts", "{\"search_term\":\"_\"}", OK, NULL },
	{ "H03", "get_contacts", "{\"search_term\":\"\\\\\"}", OK, NULL },
	{ "H04", "get_contacts", "{\"search_term\":\"'\"}", OK, NULL },
	{ "H05", "get_contacts", "{\"search_term\":\"\\\"\"}", OK, NULL },
	{ "H06", "get_contacts", "{\"search_term\":\"'; DROP TABLE invoices; --\"}", OK, NULL },
	{ "H07", "get_contacts", "{\"search_term\":\"😀🚚\"}", OK, NULL },
	{ "H08", "get_contacts", NULL /* 10,000 characters, built below */, INVALID, "search_term" },
	{ "H09", "get_contacts", "{\"search_term\":\"\"}", INVALID, "search_term" },
	{ "H10", "get_contacts", "{\"limit\":0}", INVALID, "limit" },
	{ "H11", "get_contacts", "{\"limit\":-1}", INVALID, "limit" },
	{ "H12", "get_contacts", "{\"limit\":1000000000000}", INVALID, "limit" },
	{ "H13", "get_contacts", "{\"limit\":\"10\"}", INVALID, "limit" },
	{ "H14", "get_contacts", "{\"offset\":-1}", INVALID, "offset" },
	{ "H15", "get_all_invoices", "{\"limit\":0}", INVALID, "limit" },
	{ "H16", "get_all_invoices", "{\"limit\":-1}", INVALID, "limit" },
	{ "H17", "get_all_invoices", "{\"limit\":1000000000000}", INVALID, "limit" },
	{ "H18", "get_all_invoices", "{\"limit\":\"10\"}", INVALID, "limit" },
	{ "H19", "get_all_invoices", "{\"limit\":2.5}", INVALID, "limit" },
	{ "H20", "get_all_invoices", "{\"date_from\":\"2026-02-30\"}", INVALID, "date_from" },
	{ "H21", "get_all_invoices", "{\"date_to\":\"yesterday\"}", INVALID, "date_to" },
	{ "H22", "get_all_invoices", "{\"date_from\":\"2025-02-29\"}", INVALID, "date_from" },
	{ "H23", "get_all_invoices", "{\"date_from\":\"2026-1-5\"}", INVALID, "date_from" },
	{ "H24", "get_all_invoices", "{\"date_to\":\"2026-01-01 00:00:00\"}", INVALID, "date_to" },
	{ "H25", "get_all_invoices", "{\"date_from\":\"0000-00-00\"}", INVALID, "date_from" },
	{ "H26", "get_all_invoices", "{\"date_from\":\"2024-02-29\"}", OK, NULL },
	{ "H27", "get_all_invoices", "{\"status\":\"'; DROP TABLE invoices; --\"}", OK, NULL },
	{ "H28", "get_all_invoices", "{\"customer\":\"1 OR 1=1\"}", OK, NULL },
	{ "H29", "get_all_invoices", "{\"customer\":1.5}", INVALID, "customer" },
	{ "H30", "get_all_invoices", "{\"customer\":true}", INVALID, "customer" },
	{ "H31", "get_all_invoices", "{\"customer\":{}}", INVALID, "customer" },
	{ "H32", "get_all_invoices", "{\"customer\":[1]}", INVALID, "customer" },
	{ "H33", "get_all_invoices", "{\"status\":\"\"}", INVALID, "status" },
	{ "H34", "get_all_invoices", "{\"sql\":\"DROP TABLE invoices\"}", INVALID, "sql" },
	{ "H35", "get_invoice_count", "{\"date_to\":\"2026-13-01\"}", INVALID, "date_to" },
	{ "H36", "get_invoice_count", "{\"limit\":5}", INVALID, "limit" },
	{ "H37", "get_invoice_count", "{\"status\":\"paid' OR '1'='1\"}", OK, NULL },
	{ "H38", "get_invoice_by_number", "{\"invoice_number\":\"' OR '1'='1\"}", OK, NULL },
	{ "H39", "get_invoice_by_number", "{\"invoice_number\":\"`; DROP TABLE invoices; --\"}",
	  OK, NULL },
	{ "H40", "get_invoice_by_number", "{}", INVALID, "invoice_number" },
	{ "H41", "get_invoice_by_number", "{\"invoice_number\":42}", INVALID, "invoice_number" },
	{ "H42", "get_latest_invoice", "{\"limit\":1}", INVALID, "limit" },
	{ "H43", "get_contacts", "{\"search_term\":\"tab\\there\\u0001\"}", OK, NULL },
	/* NUL cannot be in any value here: refused before the tool runs. */
	{ "H44", "get_all_invoices", "{\"date_from\":\"2026-01-01\\u0000x\"}", INVALID, "NUL" },
	{ "H45", "get_contacts", "{\"search_term\":\"a\\u0000b\"}", INVALID, "NUL" },
};

/* Exact row counts of the given tables, as "name=N,..." (free()). */
static char *
row_counts(struct h_proc *h, const char *const *tables)
{
	char *s = calloc(1, 1024), args[128];
	const cJSON *sc;
	cJSON *r;
	size_t i, n = 0;

	assert_non_null(s);
	for (i = 0; tables[i] != NULL; i++) {
		snprintf(args, sizeof(args), "{\"table_name\":\"%s\"}", tables[i]);
		sc = ok_call(h, "count_customer_table_rows", args, &r);
		n += (size_t)snprintf(s + n, 1024 - n, "%s%s=%.0f", n ? "," : "", tables[i],
		    get(sc, "count")->valuedouble);
		cJSON_Delete(r);
	}
	return s;
}

static void
run_hostile(const char *tenant, const char *const *tables, const char *want_counts)
{
	struct h_proc *h;
	char *before, *after, *big;
	size_t i;

	h = session(tenant);
	before = row_counts(h, tables);
	assert_string_equal(before, want_counts);
	big = malloc(10000 + 64);
	assert_non_null(big);
	strcpy(big, "{\"search_term\":\"");
	memset(big + strlen(big), 'x', 10000);
	strcpy(big + 16 + 10000, "\"}");
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct hostile *c = &hostile[i];
		const char *args = c->args != NULL ? c->args : big;
		cJSON *res = h_call(h, next_id++, c->tool, args);

		if (res == NULL)
			fail_msg("%s %s: a JSON-RPC error: %s", tenant, c->id, h->last);
		if (c->want == OK && h_is_error(res))
			fail_msg("%s %s: expected an answer, got %s", tenant, c->id, h_text(res));
		if (c->want == INVALID) {
			const char *t;

			if (!h_is_error(res))
				fail_msg("%s %s: expected invalid:, got %s", tenant, c->id, h->last);
			t = h_text(res);
			if (strncmp(t, "invalid: ", 9) != 0 || strstr(t, c->names) == NULL)
				fail_msg("%s %s: want invalid: naming '%s', got %s", tenant, c->id,
				    c->names, t);
		}
		cJSON_Delete(res);
	}
	/* The session goes on, and nothing was written. */
	after = row_counts(h, tables);
	assert_string_equal(after, before);
	free(big);
	free(before);
	free(after);
	h_free(h);
}

/* H: every hostile argument is answered or refused as invalid: naming it; nothing changes. */
static void
h_hostile_full(void **state)
{
	static const char *const tables[] = { "contacts", "customers", "invoice_items", "invoices",
		"odd name", "odd_values", "order", "products", NULL };

	(void)state;
	need_config();
	run_hostile("full", tables, "contacts=40,customers=25,invoice_items=180,invoices=60,"
	    "odd name=3,odd_values=3,order=2,products=15");
}

static void
h_hostile_mapped(void **state)
{
	static const char *const tables[] = { "kontakte", "rechnungen", "rechnungspositionen",
		"select", "notizen_latin1", NULL };

	(void)state;
	need_config();
	run_hostile("mapped", tables, "kontakte=40,rechnungen=60,rechnungspositionen=180,"
	    "select=2,notizen_latin1=2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(b01_all_invoices, teardown),
		cmocka_unit_test_teardown(b02_filters, teardown),
		cmocka_unit_test_teardown(b03_count, teardown),
		cmocka_unit_test_teardown(b04_by_number, teardown),
		cmocka_unit_test_teardown(b05_latest, teardown),
		cmocka_unit_test_teardown(b06_contacts, teardown),
		cmocka_unit_test_teardown(b07_contacts_search, teardown),
		cmocka_unit_test_teardown(m01_same_answers, teardown),
		cmocka_unit_test_teardown(e01_mapping_errors, teardown),
		cmocka_unit_test_teardown(e02_check, teardown),
		cmocka_unit_test_teardown(h_hostile_full, teardown),
		cmocka_unit_test_teardown(h_hostile_mapped, teardown),
	};

	return cmocka_run_group_tests_name("business_tools", tests, group_setup, group_teardown);
}
