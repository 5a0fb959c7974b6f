/*
 * tbuf: a growable output buffer with a hard size cap and a sticky error,
 * in the manner of curl's dynbuf and SQLite's StrAccum.  Row results are
 * written into it as JSON text; the caller checks tbuf_full() once per row
 * and rolls back to a mark to cut at a whole row.
 *
 * Besides its length it keeps `esc`: how many extra bytes the same text
 * needs when it is itself put inside a JSON string (one per '"' and '\\'),
 * so a result and its text copy can be capped together.
 *
 * Out of memory is fatal (xmalloc policy, see README).
 */
#ifndef SAIA_TOOL_BUF_H
#define SAIA_TOOL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct tbuf {
	char *data;	/* owned; NUL-terminated when not NULL */
	size_t len;	/* bytes written */
	size_t cap;	/* bytes allocated */
	size_t limit;	/* len + esc may not exceed this; 0: no limit */
	size_t esc;	/* extra bytes a JSON-string copy of data would need */
	bool full;	/* sticky: a write did not fit (it was dropped whole) */
};

struct tbuf_mark {
	size_t len, esc;
};

void tbuf_init(struct tbuf *b, size_t limit);
void tbuf_free(struct tbuf *b);
void tbuf_reset(struct tbuf *b);	/* len = esc = 0, full = false; keeps memory */

/* Append; a write that would pass the limit sets full and writes nothing. */
void tbuf_put(struct tbuf *b, const char *s, size_t n);
void tbuf_puts(struct tbuf *b, const char *s);
void tbuf_putc(struct tbuf *b, char c);
void tbuf_printf(struct tbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline bool tbuf_full(const struct tbuf *b) { return b->full; }
static inline struct tbuf_mark tbuf_mark(const struct tbuf *b)
{ struct tbuf_mark m = { b->len, b->esc }; return m; }
/* Undo everything written since m, and clear full. */
void tbuf_rollback(struct tbuf *b, struct tbuf_mark m);

/* Take the data (caller frees with free()); b is left empty.  Never NULL. */
char *tbuf_take(struct tbuf *b, size_t *len);

/*
 * JSON helpers.  tbuf_json_str writes a quoted JSON string of s[0..n):
 * '"', '\\' and U+0000..U+001F escaped (\n \r \t \b \f, else \u00XX), DEL
 * and everything else kept as is.  s must be valid UTF-8 (see tval_utf8_valid).
 */
void tbuf_json_str(struct tbuf *b, const char *s, size_t n);
void tbuf_json_cstr(struct tbuf *b, const char *s);	/* NULL writes null */
/* Escape s for use inside a JSON string without adding quotes (text copies). */
void tbuf_json_escape(struct tbuf *b, const char *s, size_t n);

/*
 * Make the NUL-terminated text s valid UTF-8 in place by turning every
 * byte that does not start a valid sequence into '?'.  For messages that
 * quote client input cut with "%.64s" (which can split a character).
 */
void tbuf_utf8_scrub(char *s);

#endif
