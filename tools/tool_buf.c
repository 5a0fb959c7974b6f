/*
 * tbuf: the capped output buffer that row results are written into.
 *
 * It grows by doubling, but never past its limit (plus the NUL), so the
 * memory a result takes is bounded by the limit, not by the result.  A
 * write either goes in whole or not at all: one that would take len + esc
 * past the limit is dropped and sets `full`, and every later write is
 * dropped too until the caller rolls back to a mark or resets.  The caller
 * therefore checks tbuf_full() once per row, not once per write.
 *
 * `esc` counts the '"' and '\\' bytes in the data: that is exactly what a
 * JSON-string copy of the text costs on top of len, because the text never
 * holds raw control characters (tbuf_json_str escapes them).  The limit
 * covers both, so a result and its text copy fit in one response line.
 *
 * It does not know JSON beyond string escaping; tval writes values.
 * Out of memory is fatal: "saia-mcp: out of memory" on stderr, exit 70.
 */
#include "tool_buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
tbuf_oom(void)
{
	static const char msg[] = "saia-mcp: out of memory\n";

	fwrite(msg, 1, sizeof(msg) - 1, stderr);
	exit(70);
}

void
tbuf_init(struct tbuf *b, size_t limit)
{
	b->data = NULL;
	b->len = b->cap = b->esc = 0;
	b->limit = limit;
	b->full = false;
}

/* Frees the data; b stays usable (empty, same limit). */
void
tbuf_free(struct tbuf *b)
{
	free(b->data);
	tbuf_init(b, b->limit);
}

void
tbuf_reset(struct tbuf *b)
{
	b->len = b->esc = 0;
	b->full = false;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
tbuf_rollback(struct tbuf *b, struct tbuf_mark m)
{
	if (m.len <= b->len) {
		b->len = m.len;
		b->esc = m.esc;
	}
	b->full = false;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

char *
tbuf_take(struct tbuf *b, size_t *len)
{
	char *p = b->data;

	if (len != NULL)
		*len = b->len;
	if (p == NULL) {
		if ((p = malloc(1)) == NULL)
			tbuf_oom();
		p[0] = '\0';
	}
	tbuf_init(b, b->limit);
	return p;
}

/*
 * Make room for n more bytes whose escape cost is e, or fail: returns
 * false and sets full when b is already full or the bytes would pass the
 * limit.  On success cap >= len + n + 1.  Growth doubles but stops at
 * limit + 1, so a capped buffer never holds much more than its limit.
 */
static bool
tbuf_room(struct tbuf *b, size_t n, size_t e)
{
	size_t need, ncap;
	char *p;

	if (b->full)
		return false;
	if (n > SIZE_MAX / 4 - b->len || e > SIZE_MAX / 4 - b->esc)
		goto full;
	if (b->limit != 0 && b->len + n + b->esc + e > b->limit)
		goto full;
	need = b->len + n + 1;
	if (need <= b->cap)
		return true;
	ncap = b->cap < 64 ? 64 : b->cap;
	while (ncap < need)
		ncap *= 2;
	if (b->limit != 0 && ncap > b->limit + 1)
		ncap = need > b->limit + 1 ? need : b->limit + 1;
	if ((p = realloc(b->data, ncap)) == NULL)
		tbuf_oom();
	b->data = p;
	b->cap = ncap;
	return true;
full:
	b->full = true;
	return false;
}

/* '"' and '\\' in s[0..n); memchr skips the (usual) long runs without any. */
static size_t
tbuf_count_esc(const char *s, size_t n)
{
	static const char special[2] = { '"', '\\' };
	size_t e = 0;

	if (n < 16) {
		for (size_t i = 0; i < n; i++)
			e += (s[i] == '"') | (s[i] == '\\');
		return e;
	}
	for (int k = 0; k < 2; k++) {
		const char *p = s, *end = s + n;

		while (p < end && (p = memchr(p, special[k], (size_t)(end - p))) != NULL) {
			e++;
			p++;
		}
	}
	return e;
}

void
tbuf_put(struct tbuf *b, const char *s, size_t n)
{
	size_t e = tbuf_count_esc(s, n);

	if (!tbuf_room(b, n, e))
		return;
	if (n != 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->esc += e;
	b->data[b->len] = '\0';
}

void
tbuf_puts(struct tbuf *b, const char *s)
{
	tbuf_put(b, s, strlen(s));
}

void
tbuf_putc(struct tbuf *b, char c)
{
	size_t e = (c == '"') | (c == '\\');

	if (!tbuf_room(b, 1, e))
		return;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
	b->esc += e;
}

void
tbuf_printf(struct tbuf *b, const char *fmt, ...)
{
	char small[256];
	char *big = NULL;
	va_list ap;
	int n;

	if (b->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		tbuf_put(b, small, (size_t)n);
		return;
	}
	if ((big = malloc((size_t)n + 1)) == NULL)
		tbuf_oom();
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	tbuf_put(b, big, (size_t)n);
	free(big);
}

/*
 * Escape table: 0 for a byte copied as is, else the letter after the
 * backslash ('u' for \u00XX).  Bytes >= 0x80 pass (UTF-8 is kept raw).
 */
static const char tbuf_esc_tab[256] = {
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	['"'] = '"', ['\\'] = '\\',
};

/*
 * The body of a JSON string: runs of plain bytes go in with one memcpy,
 * each byte that needs escaping as its 2- or 6-byte sequence.  On a limit
 * the caller rolls back; returns false then.
 */
static bool
tbuf_escape_body(struct tbuf *b, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run;
	char *d, c;

	while (i < n) {
		run = i;
		while (run < n && tbuf_esc_tab[s[run]] == 0)
			run++;
		run -= i;
		if (run != 0) {
			/* esc for the plain run is 0: '"' and '\\' are never plain */
			if (!tbuf_room(b, run, 0))
				return false;
			memcpy(b->data + b->len, s + i, run);
			b->len += run;
			i += run;
			if (i == n)
				break;
		}
		c = tbuf_esc_tab[s[i]];
		if (c == 'u') {
			if (!tbuf_room(b, 6, 1))
				return false;
			d = b->data + b->len;
			d[0] = '\\'; d[1] = 'u'; d[2] = '0'; d[3] = '0';
			d[4] = hex[s[i] >> 4];
			d[5] = hex[s[i] & 15];
			b->len += 6;
			b->esc += 1;
		} else {
			/* \" and \\ cost 2 in a copy; \n and the like 1 */
			size_t e = (c == '"' || c == '\\') ? 2 : 1;

			if (!tbuf_room(b, 2, e))
				return false;
			b->data[b->len] = '\\';
			b->data[b->len + 1] = c;
			b->len += 2;
			b->esc += e;
		}
		i++;
	}
	return true;
}

void
tbuf_json_escape(struct tbuf *b, const char *s, size_t n)
{
	struct tbuf_mark m = tbuf_mark(b);

	if (b->full)
		return;
	if (!tbuf_escape_body(b, (const unsigned char *)s, n)) {
		tbuf_rollback(b, m);
		b->full = true;
		return;
	}
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

void
tbuf_json_str(struct tbuf *b, const char *s, size_t n)
{
	struct tbuf_mark m = tbuf_mark(b);

	if (!tbuf_room(b, 1, 1))
		return;
	b->data[b->len++] = '"';
	b->esc++;
	if (!tbuf_escape_body(b, (const unsigned char *)s, n) || !tbuf_room(b, 1, 1)) {
		tbuf_rollback(b, m);
		b->full = true;
		return;
	}
	b->data[b->len++] = '"';
	b->esc++;
	b->data[b->len] = '\0';
}

void
tbuf_json_cstr(struct tbuf *b, const char *s)
{
	if (s == NULL)
		tbuf_put(b, "null", 4);
	else
		tbuf_json_str(b, s, strlen(s));
}

/*
 * The length of the UTF-8 sequence at s[0..n) if it is valid (1..4),
 * else 0.  Same rules as tval_utf8_valid: no overlongs, no surrogates,
 * nothing past U+10FFFF.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned lo = 0x80, hi = 0xBF;
	size_t k, j;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		k = 1;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		k = 2, lo = s[0] == 0xE0 ? 0xA0 : 0x80, hi = s[0] == 0xED ? 0x9F : 0xBF;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		k = 3, lo = s[0] == 0xF0 ? 0x90 : 0x80, hi = s[0] == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	if (n <= k || s[1] < lo || s[1] > hi)
		return 0;
	for (j = 2; j <= k; j++)
		if (s[j] < 0x80 || s[j] > 0xBF)
			return 0;
	return k + 1;
}

void
tbuf_utf8_scrub(char *str)
{
	unsigned char *s = (unsigned char *)str;
	size_t n = strlen(str), i = 0, k;

	while (i < n) {
		if ((k = utf8_seq(s + i, n - i)) == 0) {
			s[i++] = '?';
			continue;
		}
		i += k;
	}
}
