/*
 * tenants: the launch-profile loader (CONTRACT section 3).
 *
 * Reads the tenants YAML file with libyaml's event API into a small tree of
 * nodes that keep their start marks, merges `defaults` under each tenant,
 * and checks every tenant strictly: an unknown key, a wrong type, a value out
 * of range, a duplicate key or tenant, an unknown tool or a refused custom
 * query is an error naming file:line:column (1-based) of the value as it was
 * written, in `defaults` or in the tenant.  It builds a struct tenant for the
 * tenant asked for and resolves that tenant's password (password_env,
 * password_file) only.
 *
 * It does not connect to anything, does not know the tool registry or the SQL
 * guard (it asks through struct tenant_hooks), and never puts a password into
 * a message.  Anchors, aliases and tags are refused, so the tree is a tree and
 * a hostile file cannot blow up in memory.
 *
 * Memory: every node of the tree lives in one arena list owned by the loader
 * and freed (scalars wiped first) before tenant_load returns.  Out of memory
 * aborts with a message (xmalloc family below).
 */
#include "tenant.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yaml.h>

#define MAX_FILE_SIZE	(16u * 1024 * 1024)	/* a profile file larger than this is refused */
#define MAX_SECRET_SIZE	(64u * 1024)		/* password_file */
#define MAX_DEPTH	64			/* nesting of YAML collections */
#define MAX_SQL_SIZE	(64u * 1024)

/* ---------------------------------------------------------------- memory */

static void
oom(void)
{
	fputs("saia-mcp: out of memory\n", stderr);
	abort();
}

static void *
xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		oom();
	return p;
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		oom();
	return p;
}

static void *
xreallocarray(void *old, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		oom();
	p = realloc(old, n * size == 0 ? 1 : n * size);
	if (p == NULL)
		oom();
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* ------------------------------------------------------------------ tree */

enum node_kind {
	NODE_SCALAR,
	NODE_MAP,
	NODE_SEQ,
};

struct pair {
	struct node *key;	/* always a scalar (checked) */
	struct node *value;
};

/*
 * One YAML node with its start mark.  All nodes sit on the loader's arena
 * list (next_alloc) and are freed together; a merged mapping (see merge())
 * owns its pairs array but borrows the nodes the pairs point to.
 */
struct node {
	enum node_kind kind;
	unsigned line, col;	/* 1-based */
	bool plain;		/* a scalar written without quotes or block style */
	char *text;		/* scalar text, NUL-terminated, never contains NUL */
	size_t len;
	struct pair *pairs;	/* NODE_MAP */
	struct node **items;	/* NODE_SEQ */
	size_t n;		/* pairs or items */
	struct node *next_alloc;
};

/* What the loader carries around; err gets the first error only. */
struct ld {
	const char *file;		/* for messages */
	const char *base_dir;		/* relative paths start here; NULL: the cwd */
	const char *text;		/* the file's text, for reader-error offsets */
	size_t text_len;
	const struct tenant_hooks *hooks;
	struct tenant_err *err;
	struct node *arena;
	int depth;
};

/* Where the secrets of one tenant were written; resolved for the selected one. */
struct secrets {
	const struct node *password_env;
	const struct node *password_file;
	const struct node *ssl_ca;
};

static struct node *
node_new(struct ld *ld, enum node_kind kind, const yaml_mark_t *mark)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->line = mark != NULL ? (unsigned)mark->line + 1 : 1;
	n->col = mark != NULL ? (unsigned)mark->column + 1 : 1;
	n->next_alloc = ld->arena;
	ld->arena = n;
	return n;
}

static void
arena_free(struct ld *ld)
{
	struct node *n, *next;

	for (n = ld->arena; n != NULL; n = next) {
		next = n->next_alloc;
		if (n->text != NULL) {
			explicit_bzero(n->text, n->len);	/* passwords live in scalars */
			free(n->text);
		}
		free(n->pairs);
		free(n->items);
		free(n);
	}
	ld->arena = NULL;
}

static bool
is_null(const struct node *n)
{
	return n->kind == NODE_SCALAR && n->plain &&
	    (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
	    strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

static const struct pair *
map_find(const struct node *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != NODE_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (strcmp(map->pairs[i].key->text, key) == 0)
			return &map->pairs[i];
	return NULL;
}

static const struct node *
map_get(const struct node *map, const char *key)
{
	const struct pair *p = map_find(map, key);

	return p != NULL ? p->value : NULL;
}

/* ---------------------------------------------------------------- errors */

static void fail(struct ld *ld, const struct node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record "file:line:column: message" unless an error is already there. */
static void
fail(struct ld *ld, const struct node *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ld->err->msg[0] != '\0')
		return;
	if (at != NULL)
		n = snprintf(ld->err->msg, sizeof(ld->err->msg), "%s:%u:%u: ", ld->file,
		    at->line, at->col);
	else
		n = snprintf(ld->err->msg, sizeof(ld->err->msg), "%s: ", ld->file);
	if (n < 0 || (size_t)n >= sizeof(ld->err->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err->msg + n, sizeof(ld->err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
}

/*
 * A short, printable rendering of a value for "got ..." in messages: scalars
 * in double quotes (cut at 40 bytes, control bytes escaped), else its kind.
 * Never used for a password.  Writes into buf and returns it.
 */
static const char *
repr(const struct node *n, char *buf, size_t size)
{
	size_t i, o = 0;

	if (n->kind == NODE_MAP)
		return "a mapping";
	if (n->kind == NODE_SEQ)
		return "a list";
	if (is_null(n))
		return "null";
	buf[o++] = '"';
	for (i = 0; i < n->len && o + 8 < size; i++) {
		unsigned char c = (unsigned char)n->text[i];

		if (i == 40) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* Optimal string alignment distance, for "did you mean"; capped inputs. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[66][66];

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* The closest of the NULL-terminated names within max edits, or NULL. */
static const char *
closest(const char *word, const char *const *names, size_t max)
{
	const char *best = NULL;
	size_t best_d = max + 1, i;

	for (i = 0; names[i] != NULL; i++) {
		size_t d = edit_distance(word, names[i]);

		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best;
}

/* ---------------------------------------------------------------- parsing */

static void
yaml_fail(struct ld *ld, const yaml_parser_t *p)
{
	struct node at = { .line = (unsigned)p->problem_mark.line + 1,
	    .col = (unsigned)p->problem_mark.column + 1 };
	const char *problem = p->problem != NULL ? p->problem : "YAML syntax error";

	if (p->error == YAML_READER_ERROR) {
		/* The reader gives a byte offset only: count lines ourselves. */
		size_t i, off = p->problem_offset;

		at.line = 1;
		at.col = 1;
		for (i = 0; i < off && i < ld->text_len; i++) {
			if (ld->text[i] == '\n') {
				at.line++;
				at.col = 1;
			} else if (((unsigned char)ld->text[i] & 0xc0) != 0x80) {
				at.col++;
			}
		}
		fail(ld, &at, "%s", problem);
	} else if (p->context != NULL) {
		fail(ld, &at, "%s (%s at line %lu, column %lu)", problem, p->context,
		    (unsigned long)p->context_mark.line + 1,
		    (unsigned long)p->context_mark.column + 1);
	} else {
		fail(ld, &at, "%s", problem);
	}
}

static int
next_event(struct ld *ld, yaml_parser_t *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(p, ev)) {
		yaml_fail(ld, p);
		return -1;
	}
	return 0;
}

static struct node *parse_node(struct ld *ld, yaml_parser_t *p, yaml_event_t *ev);

static int
refuse_extras(struct ld *ld, const yaml_event_t *ev, const yaml_char_t *anchor,
    const yaml_char_t *tag)
{
	struct node at = { .line = (unsigned)ev->start_mark.line + 1,
	    .col = (unsigned)ev->start_mark.column + 1 };

	if (anchor != NULL) {
		fail(ld, &at, "YAML anchors and aliases are not supported (use 'defaults' "
		    "for shared settings)");
		return -1;
	}
	if (tag != NULL) {
		fail(ld, &at, "YAML tags such as '%.40s' are not supported", (const char *)tag);
		return -1;
	}
	return 0;
}

/*
 * Build the node that starts with ev (consumed: deleted here) and the events
 * that belong to it.  Returns the node (arena-owned) or NULL with ld->err set.
 */
static struct node *
parse_node(struct ld *ld, yaml_parser_t *p, yaml_event_t *ev)
{
	struct node *n = NULL, *child = NULL, *key = NULL;
	yaml_event_t sub;
	size_t cap = 0;

	switch (ev->type) {
	case YAML_ALIAS_EVENT: {
		struct node at = { .line = (unsigned)ev->start_mark.line + 1,
		    .col = (unsigned)ev->start_mark.column + 1 };

		fail(ld, &at, "YAML anchors and aliases are not supported (use 'defaults' "
		    "for shared settings)");
		goto fail;
	}
	case YAML_SCALAR_EVENT:
		if (refuse_extras(ld, ev, ev->data.scalar.anchor,
		    ev->data.scalar.plain_implicit || ev->data.scalar.quoted_implicit ?
		    NULL : ev->data.scalar.tag) != 0)
			goto fail;
		n = node_new(ld, NODE_SCALAR, &ev->start_mark);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->len = ev->data.scalar.length;
		n->text = xstrndup((const char *)ev->data.scalar.value, n->len);
		if (strlen(n->text) != n->len) {
			fail(ld, n, "a NUL character is not allowed in a value");
			goto fail;
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool is_map = ev->type == YAML_MAPPING_START_EVENT;

		if (refuse_extras(ld, ev, is_map ? ev->data.mapping_start.anchor :
		    ev->data.sequence_start.anchor, is_map ?
		    (ev->data.mapping_start.implicit ? NULL : ev->data.mapping_start.tag) :
		    (ev->data.sequence_start.implicit ? NULL : ev->data.sequence_start.tag)) != 0)
			goto fail;
		n = node_new(ld, is_map ? NODE_MAP : NODE_SEQ, &ev->start_mark);
		if (++ld->depth > MAX_DEPTH) {
			fail(ld, n, "nested deeper than %d levels", MAX_DEPTH);
			goto fail;
		}
		for (;;) {
			if (next_event(ld, p, &sub) != 0)
				goto fail;
			if (sub.type == YAML_MAPPING_END_EVENT || sub.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&sub);
				break;
			}
			if ((child = parse_node(ld, p, &sub)) == NULL)
				goto fail;
			if (!is_map) {
				if (n->n == cap) {
					cap = cap == 0 ? 8 : cap * 2;
					n->items = xreallocarray(n->items, cap, sizeof(*n->items));
				}
				n->items[n->n++] = child;
				continue;
			}
			key = child;
			if (key->kind != NODE_SCALAR) {
				fail(ld, key, "a mapping key must be a plain string, not %s",
				    key->kind == NODE_MAP ? "a mapping" : "a list");
				goto fail;
			}
			if (next_event(ld, p, &sub) != 0)
				goto fail;
			if ((child = parse_node(ld, p, &sub)) == NULL)
				goto fail;
			if (n->n == cap) {
				cap = cap == 0 ? 8 : cap * 2;
				n->pairs = xreallocarray(n->pairs, cap, sizeof(*n->pairs));
			}
			n->pairs[n->n].key = key;
			n->pairs[n->n].value = child;
			n->n++;
		}
		ld->depth--;
		break;
	}
	default: {
		struct node at = { .line = (unsigned)ev->start_mark.line + 1,
		    .col = (unsigned)ev->start_mark.column + 1 };

		fail(ld, &at, "unexpected YAML event");
		goto fail;
	}
	}
	yaml_event_delete(ev);
	return n;
fail:
	yaml_event_delete(ev);
	return NULL;	/* n and children stay on the arena */
}

/*
 * Parse the whole text into *root (NULL for an empty stream).  Exactly one
 * document is allowed.  Returns 0 or -1 with ld->err set.
 */
static int
parse_text(struct ld *ld, struct node **root)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = -1;

	*root = NULL;
	if (!yaml_parser_initialize(&p))
		oom();
	yaml_parser_set_input_string(&p, (const unsigned char *)ld->text, ld->text_len);
	if (next_event(ld, &p, &ev) != 0)
		goto out;
	yaml_event_delete(&ev);			/* STREAM-START */
	if (next_event(ld, &p, &ev) != 0)
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		rc = 0;
		goto out;
	}
	yaml_event_delete(&ev);			/* DOCUMENT-START */
	if (next_event(ld, &p, &ev) != 0)
		goto out;
	if ((*root = parse_node(ld, &p, &ev)) == NULL)
		goto out;
	if (next_event(ld, &p, &ev) != 0)	/* DOCUMENT-END */
		goto out;
	yaml_event_delete(&ev);
	if (next_event(ld, &p, &ev) != 0)
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT) {
		struct node at = { .line = (unsigned)ev.start_mark.line + 1,
		    .col = (unsigned)ev.start_mark.column + 1 };

		yaml_event_delete(&ev);
		fail(ld, &at, "only one YAML document is allowed in a profile file");
		goto out;
	}
	yaml_event_delete(&ev);
	rc = 0;
out:
	yaml_parser_delete(&p);
	return rc;
}

/*
 * Every mapping: keys are unique, reported at the second one.  In the root
 * mapping (root), the value of `tenants` says "tenant" instead of "key".
 */
static int
check_duplicates(struct ld *ld, const struct node *n, bool root, bool tenants)
{
	size_t i, j;

	if (n->kind == NODE_SEQ) {
		for (i = 0; i < n->n; i++)
			if (check_duplicates(ld, n->items[i], false, false) != 0)
				return -1;
		return 0;
	}
	if (n->kind != NODE_MAP)
		return 0;
	for (i = 0; i < n->n; i++) {
		const struct node *k = n->pairs[i].key;

		for (j = 0; j < i; j++) {
			const struct node *first = n->pairs[j].key;

			if (strcmp(first->text, k->text) == 0) {
				fail(ld, k, "duplicate %s '%.64s' (first at line %u, column %u)",
				    tenants ? "tenant" : "key", k->text, first->line, first->col);
				return -1;
			}
		}
		if (check_duplicates(ld, n->pairs[i].value, false,
		    root && strcmp(k->text, "tenants") == 0) != 0)
			return -1;
	}
	return 0;
}

/*
 * defaults under a tenant: mappings merge key by key (recursively), anything
 * else from the tenant replaces the default.  The result borrows the nodes
 * of both; a merged mapping is a new arena node at the tenant's position.
 * In `database`, the three password sources count as one key: a tenant that
 * gives any of them drops all three from defaults.
 */
enum merge_level {
	MERGE_OTHER,
	MERGE_TENANT,
	MERGE_DATABASE,
};

static bool
is_password_key(const char *k)
{
	return strcmp(k, "password") == 0 || strcmp(k, "password_env") == 0 ||
	    strcmp(k, "password_file") == 0;
}

static const struct node *
merge(struct ld *ld, const struct node *def, const struct node *ten, enum merge_level level)
{
	struct node *m = NULL;
	bool ten_password = false;
	size_t i;

	if (def == NULL)
		return ten;
	if (ten == NULL)
		return def;
	if (def->kind != NODE_MAP || ten->kind != NODE_MAP)
		return ten;
	m = node_new(ld, NODE_MAP, NULL);
	m->line = ten->line;
	m->col = ten->col;
	m->pairs = xcalloc(ten->n + def->n, sizeof(*m->pairs));
	for (i = 0; i < ten->n; i++) {
		const struct pair *dp = map_find(def, ten->pairs[i].key->text);

		if (level == MERGE_DATABASE && is_password_key(ten->pairs[i].key->text))
			ten_password = true;
		m->pairs[m->n].key = ten->pairs[i].key;
		m->pairs[m->n].value = dp == NULL ? ten->pairs[i].value :
		    (struct node *)merge(ld, dp->value, ten->pairs[i].value,
		    level == MERGE_TENANT && strcmp(ten->pairs[i].key->text, "database") == 0 ?
		    MERGE_DATABASE : MERGE_OTHER);
		m->n++;
	}
	for (i = 0; i < def->n; i++) {
		const char *k = def->pairs[i].key->text;

		if (map_find(ten, k) != NULL || (ten_password && is_password_key(k)))
			continue;
		m->pairs[m->n++] = def->pairs[i];
	}
	return m;
}

/* ---------------------------------------------------------- value checks */

/* A name safe to put in a one-line message: control bytes become '?', cut at 64. */
static const char *
clean(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size && i < 64; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

/* Characters (UTF-8 code points) in s. */
static size_t
utf8_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Which keys a mapping may hold; the unknown one gets a suggestion. */
static int
check_keys(struct ld *ld, const struct node *map, const char *const *keys, const char *where)
{
	char kb[72];
	size_t i, j;

	for (i = 0; i < map->n; i++) {
		const struct node *k = map->pairs[i].key;
		const char *hint;

		for (j = 0; keys[j] != NULL; j++)
			if (strcmp(keys[j], k->text) == 0)
				break;
		if (keys[j] != NULL)
			continue;
		hint = closest(k->text, keys, 2);
		if (hint != NULL)
			fail(ld, k, "unknown key '%s' %s (did you mean '%s'?)",
			    clean(k->text, kb, sizeof(kb)), where, hint);
		else
			fail(ld, k, "unknown key '%s' %s", clean(k->text, kb, sizeof(kb)), where);
		return -1;
	}
	return 0;
}

/*
 * A string value of min..max characters.  *out (may be NULL) gets a copy the
 * caller frees.  The value itself never goes into a message.
 */
static int
want_string(struct ld *ld, const struct node *n, const char *what, size_t min, size_t max,
    char **out)
{
	char buf[64];
	size_t chars;

	if (n->kind != NODE_SCALAR || is_null(n)) {
		fail(ld, n, "%s must be a string, got %s", what, repr(n, buf, sizeof(buf)));
		return -1;
	}
	chars = utf8_chars(n->text, n->len);
	if (chars < min || chars > max) {
		if (min == 1 && chars == 0)
			fail(ld, n, "%s must not be empty", what);
		else
			fail(ld, n, "%s must be %zu to %zu characters long, got %zu", what, min, max,
			    chars);
		return -1;
	}
	if (out != NULL)
		*out = xstrndup(n->text, n->len);
	return 0;
}

/* Decimal integer text: -?(0|[1-9][0-9]*), fits a long long. */
static bool
parse_integer(const char *s, long long *v)
{
	const char *d = s[0] == '-' ? s + 1 : s;
	char *end = NULL;
	size_t i;

	if (d[0] == '\0' || (d[0] == '0' && d[1] != '\0'))
		return false;
	for (i = 0; d[i] != '\0'; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* Decimal number text: -?digits[.digits][e[+-]digits], finite. */
static bool
parse_number(const char *s, double *v)
{
	const char *p = s;
	char *end = NULL;

	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != '\0')
		return false;
	errno = 0;
	*v = strtod(s, &end);
	return errno == 0 && *end == '\0' && isfinite(*v);
}

/*
 * An integer from lo to hi.  Plain or quoted digits both count, because
 * pasted JSON often quotes numbers ("port": "3306").
 */
static int
want_int(struct ld *ld, const struct node *n, const char *what, long lo, long hi, long *out)
{
	char buf[64];
	long long v;

	if (n->kind != NODE_SCALAR || is_null(n) || !parse_integer(n->text, &v) || v < lo ||
	    v > hi) {
		fail(ld, n, "%s must be an integer from %ld to %ld, got %s", what, lo, hi,
		    repr(n, buf, sizeof(buf)));
		return -1;
	}
	*out = (long)v;
	return 0;
}

static bool
is_bool_text(const struct node *n, bool *v)
{
	if (n->kind != NODE_SCALAR || !n->plain)
		return false;
	if (strcasecmp(n->text, "true") == 0) {
		*v = true;
		return true;
	}
	if (strcasecmp(n->text, "false") == 0) {
		*v = false;
		return true;
	}
	return false;
}

static int
want_bool(struct ld *ld, const struct node *n, const char *what, bool *out)
{
	char buf[64];

	if (!is_bool_text(n, out)) {
		fail(ld, n, "%s must be true or false, got %s", what, repr(n, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

static int
want_number(struct ld *ld, const struct node *n, const char *what, double *out)
{
	char buf[64];

	if (n->kind != NODE_SCALAR || is_null(n) || !parse_number(n->text, out)) {
		fail(ld, n, "%s must be a number, got %s", what, repr(n, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

static bool
all_chars(const char *s, const char *extra)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return false;
	return true;
}

/* Tenant and query names: [A-Za-z0-9_.-]{1,64}. */
static bool
is_tool_name(const char *s)
{
	size_t len = strlen(s);

	return len >= 1 && len <= 64 && all_chars(s, "_.-");
}

/* Parameter names and environment variables: [A-Za-z_][A-Za-z0-9_]*. */
static bool
is_c_name(const char *s, size_t max)
{
	size_t len = strlen(s);

	return len >= 1 && len <= max && !isdigit((unsigned char)s[0]) && all_chars(s, "_");
}

static char *
path_join(const char *base_dir, const char *path)
{
	char *p = NULL;
	size_t lb, lp;

	if (base_dir == NULL || path[0] == '/')
		return xstrdup(path);
	lb = strlen(base_dir);
	lp = strlen(path);
	p = xmalloc(lb + 1 + lp + 1);
	memcpy(p, base_dir, lb);
	p[lb] = '/';
	memcpy(p + lb + 1, path, lp + 1);
	return p;
}

/* -------------------------------------------------------------- the tools */

static const char *const preset_general[] = {
	"get_all_invoices", "get_contacts", "get_database_overview", "search_customer_data",
	NULL,
};
static const char *const preset_ecommerce[] = {
	"get_all_invoices", "get_contacts", "search_customer_data", "count_customer_table_rows",
	NULL,
};
static const char *const preset_insurance[] = {
	"get_all_invoices", "get_contacts", "get_comprehensive_database_overview",
	"test_customer_database_connection", NULL,
};
static const char *const preset_manufacturing[] = {
	"get_database_overview", "list_customer_tables", "describe_customer_table",
	"get_customer_table_sample", NULL,
};

/* The business_type presets of the original setup guide (CONTRACT section 3). */
static const struct {
	const char *name;
	const char *const *tools;
} presets[] = {
	{ "general", preset_general },
	{ "ecommerce", preset_ecommerce },
	{ "insurance", preset_insurance },
	{ "manufacturing", preset_manufacturing },
};

/*
 * The built-in tool names of CONTRACT section 4.  The hook cannot list names,
 * so "did you mean" picks among these, and a tenant query may not take one
 * of them even when the registry does not (yet) know it.
 */
static const char *const builtin_tools[] = {
	"execute_safe_query", "get_invoice_count", "get_invoice_by_number",
	"get_latest_invoice", "list_customer_tables", "describe_customer_table",
	"get_customer_table_sample", "count_customer_table_rows",
	"test_customer_database_connection", "get_database_overview",
	"get_comprehensive_database_overview", "search_customer_data", "get_all_invoices",
	"get_contacts", NULL,
};

const char *const *
tenant_preset(const char *business_type)
{
	size_t i;

	if (business_type == NULL)
		return NULL;
	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcasecmp(presets[i].name, business_type) == 0)
			return presets[i].tools;
	return NULL;
}

static bool
tool_known(const struct ld *ld, const char *name)
{
	return ld->hooks == NULL || ld->hooks->tool_known == NULL || ld->hooks->tool_known(name);
}

static bool
is_builtin(const struct ld *ld, const char *name)
{
	size_t i;

	for (i = 0; builtin_tools[i] != NULL; i++)
		if (strcmp(builtin_tools[i], name) == 0)
			return true;
	return ld->hooks != NULL && ld->hooks->tool_known != NULL && ld->hooks->tool_known(name);
}

static char **
copy_list(const char *const *list, size_t *n)
{
	char **out = NULL;
	size_t i;

	for (*n = 0; list[*n] != NULL; (*n)++)
		;
	out = xcalloc(*n, sizeof(*out));
	for (i = 0; i < *n; i++)
		out[i] = xstrdup(list[i]);
	return out;
}

/* ---------------------------------------------------------- the sections */

static const char *const root_keys[] = { "defaults", "tenants", NULL };
static const char *const tenant_keys[] = {
	"business_type", "database", "enabled_tools", "limits", "schema",
	"allowed_functions", "queries", NULL,
};
static const char *const db_keys[] = {
	"host", "name", "user", "password", "password_env", "password_file", "port",
	"charset", "socket", "ssl_mode", "ssl_ca", "connect_timeout_s", NULL,
};
static const char *const limits_keys[] = {
	"max_rows", "max_bytes", "query_timeout_ms", NULL,
};
static const char *const query_keys[] = {
	"name", "description", "sql", "parameters", NULL,
};
static const char *const param_keys[] = {
	"name", "type", "required", "default", "description", "enum", "min", "max", NULL,
};
static const char *const ssl_modes[] = {
	"preferred", "disabled", "required", "verify_ca", "verify_identity", NULL,
};	/* in enum tenant_ssl order */
static const char *const ptypes[] = {
	"string", "integer", "number", "boolean", "date", "datetime", NULL,
};	/* in enum tenant_ptype order */

static const char *const schema_groups[] = { "invoices", "invoice_items", "contacts", NULL };
static const char *const schema_invoices[] = {
	"table", "number", "date", "total", "status", "customer", NULL,
};
static const char *const schema_items[] = { "table", "invoice", NULL };
static const char *const schema_contacts[] = {
	"table", "name", "email", "phone", "company", NULL,
};

/* Where each schema key lands in struct tenant_schema. */
static const struct {
	const char *group, *key;
	size_t off;
} schema_fields[] = {
	{ "invoices", "table", offsetof(struct tenant_schema, invoices.table) },
	{ "invoices", "number", offsetof(struct tenant_schema, invoices.number) },
	{ "invoices", "date", offsetof(struct tenant_schema, invoices.date) },
	{ "invoices", "total", offsetof(struct tenant_schema, invoices.total) },
	{ "invoices", "status", offsetof(struct tenant_schema, invoices.status) },
	{ "invoices", "customer", offsetof(struct tenant_schema, invoices.customer) },
	{ "invoice_items", "table", offsetof(struct tenant_schema, invoice_items.table) },
	{ "invoice_items", "invoice", offsetof(struct tenant_schema, invoice_items.invoice) },
	{ "contacts", "table", offsetof(struct tenant_schema, contacts.table) },
	{ "contacts", "name", offsetof(struct tenant_schema, contacts.name) },
	{ "contacts", "email", offsetof(struct tenant_schema, contacts.email) },
	{ "contacts", "phone", offsetof(struct tenant_schema, contacts.phone) },
	{ "contacts", "company", offsetof(struct tenant_schema, contacts.company) },
};

static int
build_db(struct ld *ld, const struct node *db, const char *tname, bool partial,
    struct tenant_db *out, struct secrets *sec)
{
	static const char *const pw_keys[] = { "password", "password_env", "password_file" };
	const struct pair *pw[3] = { NULL, NULL, NULL };
	const struct pair *first = NULL, *second = NULL;
	const struct node *n = NULL;
	char buf[128];
	long v;
	size_t i;

	if (db->kind != NODE_MAP) {
		fail(ld, db, "database must be a mapping, got %s", repr(db, buf, sizeof(buf)));
		return -1;
	}
	if (check_keys(ld, db, db_keys, "in database") != 0)
		return -1;
	if ((n = map_get(db, "host")) != NULL &&
	    want_string(ld, n, "database.host", 1, 255, &out->host) != 0)
		return -1;
	if ((n = map_get(db, "socket")) != NULL &&
	    want_string(ld, n, "database.socket", 1, 4096, &out->socket) != 0)
		return -1;
	if (!partial && out->host == NULL && out->socket == NULL) {
		fail(ld, db, "tenant '%s': database.host is required (or database.socket)", tname);
		return -1;
	}
	if ((n = map_get(db, "name")) != NULL) {
		if (want_string(ld, n, "database.name", 1, 64, &out->name) != 0)
			return -1;
	} else if (!partial) {
		fail(ld, db, "tenant '%s': database.name is required", tname);
		return -1;
	}
	if ((n = map_get(db, "user")) != NULL) {
		if (want_string(ld, n, "database.user", 1, 255, &out->user) != 0)
			return -1;
	} else if (!partial) {
		fail(ld, db, "tenant '%s': database.user is required", tname);
		return -1;
	}

	/* At most one password source; the later one (in the file) is the error. */
	for (i = 0; i < 3; i++) {
		pw[i] = map_find(db, pw_keys[i]);
		if (pw[i] == NULL)
			continue;
		if (first == NULL) {
			first = pw[i];
		} else {
			const struct node *a = first->key, *b = pw[i]->key;

			if (b->line < a->line || (b->line == a->line && b->col < a->col)) {
				second = first;
				first = pw[i];
			} else {
				second = pw[i];
			}
			break;
		}
	}
	if (second != NULL) {
		fail(ld, second->key, "database.%s: only one of password, password_env and "
		    "password_file may be given (%s is at line %u, column %u)",
		    second->key->text, first->key->text, first->key->line, first->key->col);
		return -1;
	}
	if (pw[0] != NULL) {
		if (pw[0]->value->kind != NODE_SCALAR || is_null(pw[0]->value)) {
			/* repr() of a non-string shows no text, so no secret leaks here */
			fail(ld, pw[0]->value, "database.password must be a string, got %s",
			    repr(pw[0]->value, buf, sizeof(buf)));
			return -1;
		}
		out->password = xstrndup(pw[0]->value->text, pw[0]->value->len);
	} else {
		out->password = xstrdup("");
	}
	if (pw[1] != NULL) {
		if (want_string(ld, pw[1]->value, "database.password_env", 1, 255, NULL) != 0)
			return -1;
		if (!is_c_name(pw[1]->value->text, 255)) {
			fail(ld, pw[1]->value, "database.password_env must be the name of an "
			    "environment variable ([A-Za-z_][A-Za-z0-9_]*), got %s",
			    repr(pw[1]->value, buf, sizeof(buf)));
			return -1;
		}
		sec->password_env = pw[1]->value;
	}
	if (pw[2] != NULL) {
		if (want_string(ld, pw[2]->value, "database.password_file", 1, 4096, NULL) != 0)
			return -1;
		sec->password_file = pw[2]->value;
	}

	out->port = 3306;
	if ((n = map_get(db, "port")) != NULL) {
		if (want_int(ld, n, "database.port", 1, 65535, &v) != 0)
			return -1;
		out->port = (unsigned)v;
	}
	if ((n = map_get(db, "charset")) != NULL) {
		if (want_string(ld, n, "database.charset", 1, 32, NULL) != 0)
			return -1;
		if (!all_chars(n->text, "_")) {
			fail(ld, n, "database.charset must be a MySQL character set name "
			    "(letters, digits, _), got %s", repr(n, buf, sizeof(buf)));
			return -1;
		}
		out->charset = xstrdup(n->text);
	} else {
		out->charset = xstrdup("utf8mb4");
	}
	out->ssl_mode = TENANT_SSL_PREFERRED;
	if ((n = map_get(db, "ssl_mode")) != NULL) {
		for (i = 0; ssl_modes[i] != NULL; i++)
			if (n->kind == NODE_SCALAR && strcasecmp(n->text, ssl_modes[i]) == 0)
				break;
		if (ssl_modes[i] == NULL || is_null(n)) {
			fail(ld, n, "database.ssl_mode must be one of disabled, preferred, required, "
			    "verify_ca, verify_identity, got %s", repr(n, buf, sizeof(buf)));
			return -1;
		}
		out->ssl_mode = (enum tenant_ssl)i;
	}
	if ((n = map_get(db, "ssl_ca")) != NULL) {
		if (want_string(ld, n, "database.ssl_ca", 1, 4096, NULL) != 0)
			return -1;
		out->ssl_ca = path_join(ld->base_dir, n->text);
		sec->ssl_ca = n;
	}
	out->connect_timeout_s = 5;
	if ((n = map_get(db, "connect_timeout_s")) != NULL) {
		if (want_int(ld, n, "database.connect_timeout_s", 1, 3600, &v) != 0)
			return -1;
		out->connect_timeout_s = (unsigned)v;
	}
	return 0;
}

static int
build_tools(struct ld *ld, const struct node *list, struct tenant *t)
{
	const char *cands[sizeof(builtin_tools) / sizeof(builtin_tools[0])];
	char buf[64], nb[72];
	size_t i, j, k;

	if (list->kind != NODE_SEQ) {
		fail(ld, list, "enabled_tools must be a list of tool names, got %s",
		    repr(list, buf, sizeof(buf)));
		return -1;
	}
	t->tools = xcalloc(list->n, sizeof(*t->tools));
	for (i = 0; i < list->n; i++) {
		const struct node *it = list->items[i];

		if (want_string(ld, it, "a tool name in enabled_tools", 1, 128, NULL) != 0)
			return -1;
		if (!tool_known(ld, it->text)) {
			const char *hint;

			for (j = 0, k = 0; builtin_tools[j] != NULL; j++)
				if (tool_known(ld, builtin_tools[j]))
					cands[k++] = builtin_tools[j];
			cands[k] = NULL;
			hint = closest(it->text, cands, 3);
			if (hint != NULL)
				fail(ld, it, "unknown tool '%s' (did you mean '%s'?)",
				    clean(it->text, nb, sizeof(nb)), hint);
			else
				fail(ld, it, "unknown tool '%s'", clean(it->text, nb, sizeof(nb)));
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(list->items[j]->text, it->text) == 0) {
				fail(ld, it, "duplicate tool '%s' in enabled_tools (first at line %u, "
				    "column %u)", clean(it->text, nb, sizeof(nb)),
				    list->items[j]->line, list->items[j]->col);
				return -1;
			}
		}
		t->tools[t->n_tools++] = xstrdup(it->text);
	}
	return 0;
}

static int
build_limits(struct ld *ld, const struct node *n, struct tenant_limits *l)
{
	const struct node *v = NULL;
	char buf[64];

	if (n->kind != NODE_MAP) {
		fail(ld, n, "limits must be a mapping, got %s", repr(n, buf, sizeof(buf)));
		return -1;
	}
	if (check_keys(ld, n, limits_keys, "in limits") != 0)
		return -1;
	if ((v = map_get(n, "max_rows")) != NULL &&
	    want_int(ld, v, "limits.max_rows", 1, 1000000, &l->max_rows) != 0)
		return -1;
	if ((v = map_get(n, "max_bytes")) != NULL &&
	    want_int(ld, v, "limits.max_bytes", 1024, 67108864, &l->max_bytes) != 0)
		return -1;
	if ((v = map_get(n, "query_timeout_ms")) != NULL &&
	    want_int(ld, v, "limits.query_timeout_ms", 1, 3600000, &l->query_timeout_ms) != 0)
		return -1;
	return 0;
}

static int
build_schema(struct ld *ld, const struct node *n, struct tenant_schema *s)
{
	static const char *const *const group_keys[] = {
		schema_invoices, schema_items, schema_contacts,
	};
	char buf[64], what[64];
	size_t g, i;

	if (n->kind != NODE_MAP) {
		fail(ld, n, "schema must be a mapping, got %s", repr(n, buf, sizeof(buf)));
		return -1;
	}
	if (check_keys(ld, n, schema_groups, "in schema") != 0)
		return -1;
	for (g = 0; schema_groups[g] != NULL; g++) {
		const struct node *grp = map_get(n, schema_groups[g]);

		if (grp == NULL)
			continue;
		snprintf(what, sizeof(what), "in schema.%s", schema_groups[g]);
		if (grp->kind != NODE_MAP) {
			fail(ld, grp, "schema.%s must be a mapping, got %s", schema_groups[g],
			    repr(grp, buf, sizeof(buf)));
			return -1;
		}
		if (check_keys(ld, grp, group_keys[g], what) != 0)
			return -1;
		for (i = 0; i < sizeof(schema_fields) / sizeof(schema_fields[0]); i++) {
			const struct node *v = NULL;

			if (strcmp(schema_fields[i].group, schema_groups[g]) != 0 ||
			    (v = map_get(grp, schema_fields[i].key)) == NULL)
				continue;
			snprintf(what, sizeof(what), "schema.%s.%s", schema_groups[g],
			    schema_fields[i].key);
			if (want_string(ld, v, what, 1, 64,
			    (char **)((char *)s + schema_fields[i].off)) != 0)
				return -1;
		}
	}
	return 0;
}

static int
build_functions(struct ld *ld, const struct node *list, struct tenant *t)
{
	char buf[64];
	size_t i, j;

	if (list->kind != NODE_SEQ) {
		fail(ld, list, "allowed_functions must be a list of function names, got %s",
		    repr(list, buf, sizeof(buf)));
		return -1;
	}
	t->allowed_functions = xcalloc(list->n, sizeof(*t->allowed_functions));
	for (i = 0; i < list->n; i++) {
		const struct node *it = list->items[i];

		if (want_string(ld, it, "a name in allowed_functions", 1, 64, NULL) != 0)
			return -1;
		if (!all_chars(it->text, "_$")) {
			fail(ld, it, "allowed_functions: %s is not a function name "
			    "(letters, digits, _ and $)", repr(it, buf, sizeof(buf)));
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (strcasecmp(list->items[j]->text, it->text) == 0) {
				fail(ld, it, "duplicate function '%s' in allowed_functions (first at "
				    "line %u, column %u)", it->text, list->items[j]->line,
				    list->items[j]->col);
				return -1;
			}
		}
		t->allowed_functions[t->n_allowed_functions++] = xstrdup(it->text);
	}
	return 0;
}

/* ------------------------------------------------------- custom queries */

static bool
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD, a real calendar day.  Returns the length used, 0 if none. */
static size_t
scan_date(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y, m, d;
	size_t i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return 0;
	y = strtol(s, NULL, 10);
	m = strtol(s + 5, NULL, 10);
	d = strtol(s + 8, NULL, 10);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && is_leap(y)))
		return 0;
	return 10;
}

static bool
is_date(const char *s)
{
	return scan_date(s) == 10 && s[10] == '\0';
}

/* YYYY-MM-DD HH:MM:SS[.f{1,6}], with ' ' or 'T' between. */
static bool
is_datetime(const char *s)
{
	size_t i;

	if (scan_date(s) != 10 || (s[10] != ' ' && s[10] != 'T'))
		return false;
	s += 11;
	for (i = 0; i < 8; i++)
		if (i == 2 || i == 5 ? s[i] != ':' : !isdigit((unsigned char)s[i]))
			return false;
	if (strtol(s, NULL, 10) > 23 || strtol(s + 3, NULL, 10) > 59 ||
	    strtol(s + 6, NULL, 10) > 59)
		return false;
	s += 8;
	if (*s == '\0')
		return true;
	if (*s++ != '.')
		return false;
	for (i = 0; isdigit((unsigned char)s[i]); i++)
		;
	return i >= 1 && i <= 6 && s[i] == '\0';
}

static const char *
type_phrase(enum tenant_ptype type)
{
	switch (type) {
	case TENANT_P_STRING:	return "a string";
	case TENANT_P_INTEGER:	return "an integer";
	case TENANT_P_NUMBER:	return "a number";
	case TENANT_P_BOOLEAN:	return "true or false";
	case TENANT_P_DATE:	return "a date (YYYY-MM-DD)";
	case TENANT_P_DATETIME:	return "a date and time (YYYY-MM-DD HH:MM:SS)";
	}
	return "a value";
}

/* Does scalar v fit type?  *measure gets the number (or string length). */
static bool
fits_type(const struct node *v, enum tenant_ptype type, double *measure)
{
	long long i;
	bool b;

	*measure = 0;
	if (v->kind != NODE_SCALAR || is_null(v))
		return false;
	switch (type) {
	case TENANT_P_STRING:
		*measure = (double)utf8_chars(v->text, v->len);
		return true;
	case TENANT_P_INTEGER:
		if (!parse_integer(v->text, &i))
			return false;
		*measure = (double)i;
		return true;
	case TENANT_P_NUMBER:
		return parse_number(v->text, measure);
	case TENANT_P_BOOLEAN:
		return is_bool_text(v, &b);
	case TENANT_P_DATE:
		return is_date(v->text);
	case TENANT_P_DATETIME:
		return is_datetime(v->text);
	}
	return false;
}

/* A number for a message: integral values without exponent. */
static const char *
fmt_num(double v, char *buf, size_t size)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%g", v);
	return buf;
}

/* A default or enum value: fits the type, lies within min..max. */
static int
check_value(struct ld *ld, const struct node *v, const struct tenant_param *p,
    const char *label, const char *what)
{
	char buf[64], a[32], b[32];
	double m;

	if (!fits_type(v, p->type, &m)) {
		fail(ld, v, "%s: parameter '%s': %s must be %s, got %s", label, p->name, what,
		    type_phrase(p->type), repr(v, buf, sizeof(buf)));
		return -1;
	}
	if ((p->has_min && m < p->min) || (p->has_max && m > p->max)) {
		const char *unit = p->type == TENANT_P_STRING ? " characters long" : "";

		if (p->has_min && p->has_max)
			fail(ld, v, "%s: parameter '%s': %s must be from %s to %s%s, got %s", label,
			    p->name, what, fmt_num(p->min, a, sizeof(a)),
			    fmt_num(p->max, b, sizeof(b)), unit, repr(v, buf, sizeof(buf)));
		else
			fail(ld, v, "%s: parameter '%s': %s must be at %s %s%s, got %s", label,
			    p->name, what, p->has_min ? "least" : "most",
			    fmt_num(p->has_min ? p->min : p->max, a, sizeof(a)), unit,
			    repr(v, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

static int
build_param(struct ld *ld, const struct node *pn, size_t idx, const char *label,
    const struct node *const *seen, struct tenant_param *p)
{
	const struct node *n = NULL, *def = NULL;
	char buf[64], what[256], plabel[256];
	size_t i;

	if (pn->kind != NODE_MAP) {
		fail(ld, pn, "%s: parameters[%zu] must be a mapping, got %s", label, idx,
		    repr(pn, buf, sizeof(buf)));
		return -1;
	}
	n = map_get(pn, "name");
	if (n != NULL && n->kind == NODE_SCALAR && is_c_name(n->text, 64))
		snprintf(plabel, sizeof(plabel), "in %s parameter '%s'", label, n->text);
	else
		snprintf(plabel, sizeof(plabel), "in %s parameters[%zu]", label, idx);
	if (check_keys(ld, pn, param_keys, plabel) != 0)
		return -1;
	if (n == NULL) {
		fail(ld, pn, "%s: parameters[%zu]: name is required", label, idx);
		return -1;
	}
	snprintf(what, sizeof(what), "%s: parameter name", label);
	if (want_string(ld, n, what, 1, 64, NULL) != 0)
		return -1;
	if (!is_c_name(n->text, 64)) {
		fail(ld, n, "%s: parameter name %s must match [A-Za-z_][A-Za-z0-9_]{0,63}", label,
		    repr(n, buf, sizeof(buf)));
		return -1;
	}
	for (i = 0; i < idx; i++) {
		if (strcmp(seen[i]->text, n->text) == 0) {
			fail(ld, n, "%s: duplicate parameter '%s' (first at line %u, column %u)",
			    label, n->text, seen[i]->line, seen[i]->col);
			return -1;
		}
	}
	p->name = xstrdup(n->text);
	snprintf(what, sizeof(what), "%s: parameter '%s': type", label, p->name);
	if ((n = map_get(pn, "type")) == NULL) {
		fail(ld, pn, "%s is required (string, integer, number, boolean, date or "
		    "datetime)", what);
		return -1;
	}
	for (i = 0; ptypes[i] != NULL; i++)
		if (n->kind == NODE_SCALAR && strcmp(n->text, ptypes[i]) == 0)
			break;
	if (ptypes[i] == NULL) {
		fail(ld, n, "%s must be one of string, integer, number, boolean, date, datetime, "
		    "got %s", what, repr(n, buf, sizeof(buf)));
		return -1;
	}
	p->type = (enum tenant_ptype)i;
	snprintf(what, sizeof(what), "%s: parameter '%s': required", label, p->name);
	if ((n = map_get(pn, "required")) != NULL && want_bool(ld, n, what, &p->required) != 0)
		return -1;
	snprintf(what, sizeof(what), "%s: parameter '%s': description", label, p->name);
	if ((n = map_get(pn, "description")) != NULL &&
	    want_string(ld, n, what, 0, 4096, &p->description) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		const char *bound = i == 0 ? "min" : "max";
		double *v = i == 0 ? &p->min : &p->max;
		long long dummy;

		if ((n = map_get(pn, bound)) == NULL)
			continue;
		snprintf(what, sizeof(what), "%s: parameter '%s': %s", label, p->name, bound);
		if (p->type == TENANT_P_BOOLEAN || p->type == TENANT_P_DATE ||
		    p->type == TENANT_P_DATETIME) {
			fail(ld, n, "%s does not apply to a %s parameter", what, ptypes[p->type]);
			return -1;
		}
		if (want_number(ld, n, what, v) != 0)
			return -1;
		if (p->type == TENANT_P_STRING && (!parse_integer(n->text, &dummy) || *v < 0)) {
			fail(ld, n, "%s of a string parameter is a length: a whole number from 0, "
			    "got %s", what, repr(n, buf, sizeof(buf)));
			return -1;
		}
		if (i == 0)
			p->has_min = true;
		else
			p->has_max = true;
	}
	if (p->has_min && p->has_max && p->min > p->max) {
		char a[32], b[32];

		fail(ld, map_get(pn, "max"), "%s: parameter '%s': max %s is less than min %s",
		    label, p->name, fmt_num(p->max, a, sizeof(a)), fmt_num(p->min, b, sizeof(b)));
		return -1;
	}
	if ((n = map_get(pn, "enum")) != NULL) {
		if (n->kind != NODE_SEQ || n->n == 0) {
			fail(ld, n, "%s: parameter '%s': enum must be a non-empty list of values, "
			    "got %s", label, p->name, repr(n, buf, sizeof(buf)));
			return -1;
		}
		p->enum_values = xcalloc(n->n, sizeof(*p->enum_values));
		for (i = 0; i < n->n; i++) {
			size_t j;

			if (check_value(ld, n->items[i], p, label, "an enum value") != 0)
				return -1;
			for (j = 0; j < i; j++) {
				if (strcmp(n->items[j]->text, n->items[i]->text) == 0) {
					fail(ld, n->items[i], "%s: parameter '%s': duplicate enum value %s",
					    label, p->name, repr(n->items[i], buf, sizeof(buf)));
					return -1;
				}
			}
			p->enum_values[p->n_enum++] = xstrdup(n->items[i]->text);
		}
	}
	if ((def = map_get(pn, "default")) != NULL) {
		if (p->required) {
			fail(ld, def, "%s: parameter '%s': a required parameter cannot have a "
			    "default", label, p->name);
			return -1;
		}
		if (check_value(ld, def, p, label, "default") != 0)
			return -1;
		if (p->n_enum > 0) {
			for (i = 0; i < p->n_enum; i++)
				if (strcmp(p->enum_values[i], def->text) == 0)
					break;
			if (i == p->n_enum) {
				fail(ld, def, "%s: parameter '%s': default %s is not one of its enum "
				    "values", label, p->name, repr(def, buf, sizeof(buf)));
				return -1;
			}
		}
		p->default_value = xstrdup(def->text);
	}
	return 0;
}

static int
build_query(struct ld *ld, const struct node *qn, size_t idx, bool partial,
    const struct node *const *seen, struct tenant *t, struct tenant_query *q)
{
	const struct node **pseen = NULL;
	const struct node *n = NULL, *sql = NULL, *params = NULL;
	char buf[64], label[96], where[128], what[128], why[512];
	unsigned count = 0;
	size_t i;
	int rc = -1;

	if (qn->kind != NODE_MAP) {
		fail(ld, qn, "queries[%zu] must be a mapping, got %s", idx,
		    repr(qn, buf, sizeof(buf)));
		goto out;
	}
	n = map_get(qn, "name");
	if (n != NULL && n->kind == NODE_SCALAR && is_tool_name(n->text))
		snprintf(label, sizeof(label), "query '%s'", n->text);
	else
		snprintf(label, sizeof(label), "queries[%zu]", idx);
	snprintf(where, sizeof(where), "in %s", label);
	if (check_keys(ld, qn, query_keys, where) != 0)
		goto out;
	if (n == NULL) {
		fail(ld, qn, "queries[%zu]: name is required", idx);
		goto out;
	}
	if (want_string(ld, n, "a query name", 1, 64, NULL) != 0)
		goto out;
	if (!is_tool_name(n->text)) {
		fail(ld, n, "query name %s must be 1 to 64 characters from A-Z a-z 0-9 _ . -",
		    repr(n, buf, sizeof(buf)));
		goto out;
	}
	if (is_builtin(ld, n->text)) {
		fail(ld, n, "query name '%s' is taken by a built-in tool", n->text);
		goto out;
	}
	for (i = 0; i < idx; i++) {
		if (strcmp(seen[i]->text, n->text) == 0) {
			fail(ld, n, "duplicate query name '%s' (first at line %u, column %u)",
			    n->text, seen[i]->line, seen[i]->col);
			goto out;
		}
	}
	q->name = xstrdup(n->text);
	if ((n = map_get(qn, "description")) == NULL) {
		fail(ld, qn, "%s: description is required", label);
		goto out;
	}
	snprintf(what, sizeof(what), "%s: description", label);
	if (want_string(ld, n, what, 1, 4096, &q->description) != 0)
		goto out;
	if ((sql = map_get(qn, "sql")) == NULL) {
		fail(ld, qn, "%s: sql is required", label);
		goto out;
	}
	snprintf(what, sizeof(what), "%s: sql", label);
	if (want_string(ld, sql, what, 1, MAX_SQL_SIZE, &q->sql) != 0)
		goto out;
	if ((params = map_get(qn, "parameters")) != NULL) {
		if (params->kind != NODE_SEQ) {
			fail(ld, params, "%s: parameters must be a list, got %s", label,
			    repr(params, buf, sizeof(buf)));
			goto out;
		}
		q->params = xcalloc(params->n, sizeof(*q->params));
		pseen = xcalloc(params->n, sizeof(*pseen));
		for (i = 0; i < params->n; i++) {
			q->n_params++;	/* so that tenant_free frees a half-built one */
			if (build_param(ld, params->items[i], i, label, pseen, &q->params[i]) != 0)
				goto out;
			pseen[i] = map_get(params->items[i], "name");
		}
	}
	if (!partial && ld->hooks != NULL && ld->hooks->sql_check != NULL) {
		why[0] = '\0';
		if (ld->hooks->sql_check(q->sql, t->db.name,
		    (const char *const *)t->allowed_functions, t->n_allowed_functions, &count,
		    why, sizeof(why)) != 0) {
			fail(ld, sql, "%s: refused: %s", label, why[0] != '\0' ? why : "(no reason given)");
			goto out;
		}
		if (count != q->n_params) {
			fail(ld, sql, "%s has %u '?' placeholder%s but %zu parameter%s", label, count,
			    count == 1 ? "" : "s", q->n_params, q->n_params == 1 ? "" : "s");
			goto out;
		}
	}
	rc = 0;
out:
	free(pseen);
	return rc;
}

static int
build_queries(struct ld *ld, const struct node *list, bool partial, struct tenant *t)
{
	const struct node **seen = NULL;
	char buf[64];
	size_t i;
	int rc = -1;

	if (list->kind != NODE_SEQ) {
		fail(ld, list, "queries must be a list of queries, got %s",
		    repr(list, buf, sizeof(buf)));
		goto out;
	}
	t->queries = xcalloc(list->n, sizeof(*t->queries));
	seen = xcalloc(list->n, sizeof(*seen));
	for (i = 0; i < list->n; i++) {
		t->n_queries++;	/* so that tenant_free frees a half-built one */
		if (build_query(ld, list->items[i], i, partial, seen, t, &t->queries[i]) != 0)
			goto out;
		seen[i] = map_get(list->items[i], "name");
	}
	rc = 0;
out:
	free(seen);
	return rc;
}

/*
 * One tenant (or, with partial, the defaults section alone: nothing is
 * required and no SQL is checked, since that needs the tenant's database).
 * Fills t, which the caller owns and frees also on error.
 */
static int
build_tenant(struct ld *ld, const char *tname, const struct node *name_key,
    const struct node *map, bool partial, struct tenant *t, struct secrets *sec)
{
	const struct node *n = NULL;
	char buf[64], where[96];
	size_t i;

	if (partial)
		snprintf(where, sizeof(where), "in defaults");
	else
		snprintf(where, sizeof(where), "in tenant '%s'", tname);
	if (map->kind != NODE_MAP) {
		if (partial)
			fail(ld, map, "defaults must be a mapping, got %s", repr(map, buf, sizeof(buf)));
		else
			fail(ld, map, "tenant '%s' must be a mapping, got %s", tname,
			    repr(map, buf, sizeof(buf)));
		return -1;
	}
	if (check_keys(ld, map, tenant_keys, where) != 0)
		return -1;
	t->limits.max_rows = 500;
	t->limits.max_bytes = 1048576;
	t->limits.query_timeout_ms = 10000;

	if ((n = map_get(map, "business_type")) != NULL) {
		if (n->kind == NODE_SCALAR && tenant_preset(n->text) != NULL) {
			t->business_type = xstrdup(n->text);
			for (i = 0; t->business_type[i] != '\0'; i++)
				t->business_type[i] = (char)tolower((unsigned char)t->business_type[i]);
		} else {
			fail(ld, n, "business_type must be one of general, ecommerce, insurance, "
			    "manufacturing, got %s", repr(n, buf, sizeof(buf)));
			return -1;
		}
	}
	if ((n = map_get(map, "database")) != NULL) {
		if (build_db(ld, n, tname, partial, &t->db, sec) != 0)
			return -1;
	} else if (!partial) {
		fail(ld, name_key, "tenant '%s': database is required", tname);
		return -1;
	}
	if ((n = map_get(map, "enabled_tools")) != NULL) {
		if (build_tools(ld, n, t) != 0)
			return -1;
	} else if (t->business_type != NULL) {
		t->tools = copy_list(tenant_preset(t->business_type), &t->n_tools);
		t->tools_from_preset = true;
	}
	if ((n = map_get(map, "limits")) != NULL && build_limits(ld, n, &t->limits) != 0)
		return -1;
	if ((n = map_get(map, "schema")) != NULL && build_schema(ld, n, &t->schema) != 0)
		return -1;
	if ((n = map_get(map, "allowed_functions")) != NULL && build_functions(ld, n, t) != 0)
		return -1;
	if ((n = map_get(map, "queries")) != NULL && build_queries(ld, n, partial, t) != 0)
		return -1;
	return 0;
}

/* Is s NAME_LIKE_THIS: upper-case letters, digits and _, not starting with a digit? */
static bool
env_name_like(const char *s)
{
	if (*s == '\0' || isdigit((unsigned char)*s))
		return false;
	for (; *s != '\0'; s++)
		if (!(isupper((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

/* Read a whole file (at most max bytes) into a new NUL-terminated buffer. */
static int
read_all(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap = 4096, n = 0, r;
	int rc = -1, saved = 0;

	*out = NULL;
	*len = 0;
	/*
	 * Only regular files: a FIFO or a device would block or never end.
	 * O_NONBLOCK keeps the open itself from waiting for a FIFO's writer.
	 */
	{
		struct stat sb;
		int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

		if (fd < 0) {
			saved = errno;
			goto out;
		}
		if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			saved = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
			close(fd);
			goto out;
		}
		if ((f = fdopen(fd, "rb")) == NULL) {
			saved = errno;
			close(fd);
			goto out;
		}
	}
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			char *bigger = NULL;

			if (cap > max + 1) {
				saved = EFBIG;
				goto out;
			}
			bigger = xmalloc(cap * 2);	/* not realloc: secrets must not linger */
			memcpy(bigger, buf, n);
			explicit_bzero(buf, cap);
			free(buf);
			buf = bigger;
			cap *= 2;
		}
		r = fread(buf + n, 1, cap - 1 - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f)) {
				saved = errno != 0 ? errno : EIO;
				goto out;
			}
			break;
		}
	}
	if (n > max) {
		saved = EFBIG;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	if (buf != NULL) {
		explicit_bzero(buf, cap);
		free(buf);
	}
	if (f != NULL)
		fclose(f);
	if (rc != 0)
		errno = saved;
	return rc;
}

/* password_env, password_file and ssl_ca of the selected tenant only. */
static int
resolve_secrets(struct ld *ld, struct tenant *t, const struct secrets *sec)
{
	char *path = NULL, *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (sec->password_env != NULL) {
		const char *v = getenv(sec->password_env->text);

		if (v == NULL) {
			/* Echo the name only when it looks like one: a password pasted
			 * into the wrong key must not land in a client's log. */
			if (env_name_like(sec->password_env->text))
				fail(ld, sec->password_env, "environment variable %s is not set "
				    "(database.password_env of tenant '%s')", sec->password_env->text,
				    t->name);
			else
				fail(ld, sec->password_env, "the environment variable named by "
				    "database.password_env of tenant '%s' is not set (its name, not "
				    "shown, is not NAME_LIKE_THIS: is a password pasted here?)", t->name);
			goto out;
		}
		explicit_bzero(t->db.password, strlen(t->db.password));
		free(t->db.password);
		t->db.password = xstrdup(v);
	}
	if (sec->password_file != NULL) {
		path = path_join(ld->base_dir, sec->password_file->text);
		if (read_all(path, MAX_SECRET_SIZE, &buf, &len) != 0) {
			if (strchr(sec->password_file->text, '/') != NULL ||
			    strchr(sec->password_file->text, '.') != NULL)
				fail(ld, sec->password_file, "cannot read database.password_file %s: %s",
				    path, strerror(errno));
			else	/* no / and no .: it may be a password pasted into the wrong key */
				fail(ld, sec->password_file, "cannot read database.password_file"
				    " (path not shown: it has no / or . and may be a password): %s",
				    strerror(errno));
			goto out;
		}
		if (strlen(buf) != len) {
			fail(ld, sec->password_file, "database.password_file %s contains a NUL byte",
			    path);
			goto out;
		}
		if (len > 0 && buf[len - 1] == '\n') {
			buf[--len] = '\0';
			if (len > 0 && buf[len - 1] == '\r')
				buf[--len] = '\0';
		}
		explicit_bzero(t->db.password, strlen(t->db.password));
		free(t->db.password);
		t->db.password = buf;
		buf = NULL;
	}
	if (sec->ssl_ca != NULL && access(t->db.ssl_ca, R_OK) != 0) {
		fail(ld, sec->ssl_ca, "cannot read database.ssl_ca %s: %s", t->db.ssl_ca,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (buf != NULL) {
		explicit_bzero(buf, len);
		free(buf);
	}
	free(path);
	return rc;
}

/* "unknown tenant 'x' (known: a, b)", the list cut to fit. */
static void
fail_unknown(struct ld *ld, const struct node *at, const struct node *tenants, const char *name)
{
	char list[768], nb[72];
	size_t i, o = 0;

	list[0] = '\0';
	for (i = 0; i < tenants->n; i++) {
		const char *k = tenants->pairs[i].key->text;

		if (o + strlen(k) + 8 >= sizeof(list)) {
			snprintf(list + o, sizeof(list) - o, ", ...");
			break;
		}
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i > 0 ? ", " : "", k);
	}
	fail(ld, at, "unknown tenant '%s' (known: %s)", clean(name, nb, sizeof(nb)), list);
}

static int
load(struct ld *ld, const char *name, struct tenant **out)
{
	struct node *root = NULL;
	const struct node *tenants = NULL, *defaults = NULL;
	const struct pair *tp = NULL;
	struct tenant *t = NULL, *sel = NULL;
	struct secrets sec, sel_sec;
	struct node start = { .line = 1, .col = 1 };
	char buf[64], nb[72];
	size_t i;
	int rc = -1;

	memset(&sel_sec, 0, sizeof(sel_sec));
	if (parse_text(ld, &root) != 0)
		goto out;
	if (root == NULL || is_null(root)) {
		fail(ld, root != NULL ? root : &start, "the file is empty: expected a "
		    "'tenants' mapping");
		goto out;
	}
	if (root->kind != NODE_MAP) {
		fail(ld, root, "the top level must be a mapping with 'tenants' (and optionally "
		    "'defaults'), got %s", repr(root, buf, sizeof(buf)));
		goto out;
	}
	if (check_duplicates(ld, root, true, false) != 0 ||
	    check_keys(ld, root, root_keys, "at the top level") != 0)
		goto out;
	if ((tp = map_find(root, "tenants")) == NULL) {
		fail(ld, root, "'tenants' is required: a mapping of tenant name to tenant");
		goto out;
	}
	tenants = tp->value;
	if (tenants->kind != NODE_MAP) {
		fail(ld, tenants, "tenants must be a mapping of tenant name to tenant, got %s",
		    repr(tenants, buf, sizeof(buf)));
		goto out;
	}
	if (tenants->n == 0) {
		fail(ld, tenants, "no tenants are defined");
		goto out;
	}
	if ((defaults = map_get(root, "defaults")) != NULL) {
		memset(&sec, 0, sizeof(sec));
		t = xcalloc(1, sizeof(*t));
		if (build_tenant(ld, "defaults", map_find(root, "defaults")->key, defaults, true,
		    t, &sec) != 0)
			goto out;
		tenant_free(t);
		t = NULL;
	}
	for (i = 0; i < tenants->n; i++) {
		const struct node *key = tenants->pairs[i].key;
		const struct node *merged = NULL;

		if (!is_tool_name(key->text)) {
			fail(ld, key, "tenant name '%s' must be 1 to 64 characters from A-Z a-z 0-9 "
			    "_ . -", clean(key->text, nb, sizeof(nb)));
			goto out;
		}
		merged = merge(ld, defaults, tenants->pairs[i].value, MERGE_TENANT);
		memset(&sec, 0, sizeof(sec));
		t = xcalloc(1, sizeof(*t));
		t->name = xstrdup(key->text);
		if (build_tenant(ld, key->text, key, merged, false, t, &sec) != 0)
			goto out;
		if (name != NULL && sel == NULL && strcmp(key->text, name) == 0) {
			sel = t;
			sel_sec = sec;
		} else {
			tenant_free(t);
		}
		t = NULL;
	}
	if (name != NULL && sel == NULL) {
		fail_unknown(ld, tp->key, tenants, name);
		goto out;
	}
	if (sel != NULL && !(ld->hooks != NULL && ld->hooks->no_secrets) &&
	    resolve_secrets(ld, sel, &sel_sec) != 0)
		goto out;
	*out = sel;
	sel = NULL;
	rc = 0;
out:
	tenant_free(t);
	tenant_free(sel);
	return rc;
}

static int
load_text(const char *text, size_t len, const char *filename, const char *base_dir,
    const char *name, const struct tenant_hooks *hooks, struct tenant **out,
    struct tenant_err *err)
{
	struct ld ld;
	int rc;

	memset(&ld, 0, sizeof(ld));
	ld.file = filename != NULL ? filename : "<memory>";
	ld.base_dir = base_dir;
	ld.text = text;
	ld.text_len = len;
	ld.hooks = hooks;
	ld.err = err;
	rc = load(&ld, name, out);
	arena_free(&ld);
	if (rc != 0 && err->msg[0] == '\0')
		snprintf(err->msg, sizeof(err->msg), "%s: cannot load the profile", ld.file);
	return rc;
}

int
tenant_load_mem(const char *text, size_t len, const char *filename, const char *name,
    const struct tenant_hooks *hooks, struct tenant **out, struct tenant_err *err)
{
	*out = NULL;
	err->msg[0] = '\0';
	return load_text(text, len, filename, NULL, name, hooks, out, err);
}

int
tenant_load(const char *path, const char *name, const struct tenant_hooks *hooks,
    struct tenant **out, struct tenant_err *err)
{
	char *text = NULL, *dir = NULL, *slash = NULL;
	size_t len = 0;
	int rc = -1;

	*out = NULL;
	err->msg[0] = '\0';
	if (read_all(path, MAX_FILE_SIZE, &text, &len) != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	/* Relative password_file and ssl_ca paths start at the profile's folder. */
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir ? 1 : 0] = '\0';
	} else {
		free(dir);
		dir = NULL;
	}
	rc = load_text(text, len, path, dir, name, hooks, out, err);
out:
	free(dir);
	if (text != NULL) {
		explicit_bzero(text, len);
		free(text);
	}
	return rc;
}

static void
free_strv(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
tenant_free(struct tenant *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	free(t->name);
	free(t->business_type);
	free(t->db.host);
	free(t->db.name);
	free(t->db.user);
	if (t->db.password != NULL) {
		explicit_bzero(t->db.password, strlen(t->db.password));
		free(t->db.password);
	}
	free(t->db.socket);
	free(t->db.charset);
	free(t->db.ssl_ca);
	free_strv(t->tools, t->n_tools);
	free(t->schema.invoices.table);
	free(t->schema.invoices.number);
	free(t->schema.invoices.date);
	free(t->schema.invoices.total);
	free(t->schema.invoices.status);
	free(t->schema.invoices.customer);
	free(t->schema.invoice_items.table);
	free(t->schema.invoice_items.invoice);
	free(t->schema.contacts.table);
	free(t->schema.contacts.name);
	free(t->schema.contacts.email);
	free(t->schema.contacts.phone);
	free(t->schema.contacts.company);
	free_strv(t->allowed_functions, t->n_allowed_functions);
	for (i = 0; t->queries != NULL && i < t->n_queries; i++) {
		struct tenant_query *q = &t->queries[i];

		free(q->name);
		free(q->description);
		free(q->sql);
		for (j = 0; q->params != NULL && j < q->n_params; j++) {
			free(q->params[j].name);
			free(q->params[j].description);
			free(q->params[j].default_value);
			free_strv(q->params[j].enum_values, q->params[j].n_enum);
		}
		free(q->params);
	}
	free(t->queries);
	free(t);
}

bool
tenant_has_tool(const struct tenant *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_tools; i++)
		if (strcmp(t->tools[i], name) == 0)
			return true;
	return false;
}
