/*
 * tval: MySQL values as exact JSON text (CONTRACT section 5).
 *
 * Each encoder takes a value as the client library hands it over (binary
 * protocol: integers, float, double, MYSQL_TIME; DECIMAL and strings as
 * bytes) and appends its JSON text to a tbuf: integers as numbers only
 * while a double holds them exactly, floats in their shortest round-trip
 * form, DECIMAL and temporal values as the server's own strings, text as
 * UTF-8 strings and anything else as {"base64":"..."}.  It also names and
 * classifies result columns from their metadata.
 *
 * It never talks to a server, never allocates except through the tbuf,
 * and never decides about caps: a write that does not fit just sets the
 * tbuf's sticky full flag.  All parameters are borrowed.
 */
#include "tool_value.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MYSQL_TYPE_JSON is an enum member, not a macro, and older headers lack it. */
#define TVAL_TYPE_JSON 245

/* ---- integers ---- */

/* Digits of v into the end of buf[0..32); returns where they start. */
static char *
tval_utoa(char *end, unsigned long long v)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return p;
}

/* |v| with its sign, as a JSON number or a quoted string past 2^53-1. */
static void
tval_put_mag(struct tbuf *b, bool neg, unsigned long long mag)
{
	char buf[32];
	char *end = buf + sizeof(buf), *p;
	bool quote = mag > (unsigned long long)TVAL_MAX_SAFE_INT;

	if (quote)
		*--end = '"';
	p = tval_utoa(end, mag);
	if (neg)
		*--p = '-';
	if (quote)
		*--p = '"';
	tbuf_put(b, p, (size_t)(buf + sizeof(buf) - p));
}

void
tval_int(struct tbuf *b, long long v, bool is_unsigned)
{
	if (is_unsigned || v >= 0)
		tval_put_mag(b, false, (unsigned long long)v);
	else	/* 0 - (unsigned)v is |v| even for LLONG_MIN */
		tval_put_mag(b, true, 0ULL - (unsigned long long)v);
}

/* ---- FLOAT and DOUBLE ---- */

/* v rounded to p significant digits, split into digits and exponent. */
struct tval_dec {
	char d[24];	/* significant digits, trailing zeros dropped, >= 1 */
	int k;		/* how many */
	int e;		/* decimal exponent: value = d[0].d[1..k) * 10^e */
	bool neg;
};

/*
 * Read a %.Ne result ("-1.2500e+20") into dec.  Anything that is not a
 * digit before the 'e' is the sign or the locale's decimal point, so the
 * locale (LC_NUMERIC) does not matter here.
 */
static void
tval_dec_parse(const char *s, struct tval_dec *dec)
{
	dec->neg = *s == '-';
	dec->k = 0;
	for (; *s != '\0' && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && dec->k < (int)sizeof(dec->d))
			dec->d[dec->k++] = *s;
	dec->e = *s == 'e' ? atoi(s + 1) : 0;
	while (dec->k > 1 && dec->d[dec->k - 1] == '0')
		dec->k--;
}

/*
 * Lay out dec as %.MAXPg would (MAXP 17 for DOUBLE, 9 for FLOAT): plain
 * when -4 <= e < MAXP, else d.ddde+XX with at least two exponent digits.
 * Both are valid JSON numbers, and the text is never longer than %.MAXPg.
 */
static void
tval_dec_put(struct tbuf *b, const struct tval_dec *dec, int maxp)
{
	char s[64];
	size_t n = 0;
	int i;

	if (dec->neg)
		s[n++] = '-';
	if (dec->e >= -4 && dec->e < maxp) {
		if (dec->e < 0) {
			s[n++] = '0';
			s[n++] = '.';
			for (i = -1; i > dec->e; i--)
				s[n++] = '0';
			memcpy(s + n, dec->d, (size_t)dec->k);
			n += (size_t)dec->k;
		} else {
			for (i = 0; i <= dec->e; i++)
				s[n++] = i < dec->k ? dec->d[i] : '0';
			if (dec->k > dec->e + 1) {
				s[n++] = '.';
				memcpy(s + n, dec->d + dec->e + 1, (size_t)(dec->k - dec->e - 1));
				n += (size_t)(dec->k - dec->e - 1);
			}
		}
	} else {
		int e = dec->e < 0 ? -dec->e : dec->e;

		s[n++] = dec->d[0];
		if (dec->k > 1) {
			s[n++] = '.';
			memcpy(s + n, dec->d + 1, (size_t)(dec->k - 1));
			n += (size_t)(dec->k - 1);
		}
		s[n++] = 'e';
		s[n++] = dec->e < 0 ? '-' : '+';
		if (e >= 100)
			s[n++] = (char)('0' + e / 100);
		s[n++] = (char)('0' + e / 10 % 10);
		s[n++] = (char)('0' + e % 10);
	}
	tbuf_put(b, s, n);
}

static bool
tval_nonfinite(struct tbuf *b, double v)
{
	if (isnan(v)) {
		tbuf_put(b, "\"nan\"", 5);
		return true;
	}
	if (isinf(v)) {
		if (v < 0)
			tbuf_put(b, "\"-inf\"", 6);
		else
			tbuf_put(b, "\"inf\"", 5);
		return true;
	}
	return false;
}

/* Does v rounded to p digits read back as v?  Fills dec either way. */
static bool
tval_try_float(float v, int p, struct tval_dec *dec)
{
	char s[64];
	float r;

	snprintf(s, sizeof(s), "%.*e", p - 1, (double)v);
	r = strtof(s, NULL);
	tval_dec_parse(s, dec);
	return memcmp(&r, &v, sizeof(v)) == 0;
}

static bool
tval_try_double(double v, int p, struct tval_dec *dec)
{
	char s[64];
	double r;

	snprintf(s, sizeof(s), "%.*e", p - 1, v);
	r = strtod(s, NULL);
	tval_dec_parse(s, dec);
	return memcmp(&r, &v, sizeof(v)) == 0;
}

/*
 * The shortest digits that read back to v (strtof / strtod, compared bit
 * for bit, so -0 stays -0), as a JSON number; the same digits that trying
 * %.1g, %.2g, ... in turn would find, laid out as %.9g / %.17g would.
 *
 * A decimal of at most DIG (FLT_DIG, DBL_DIG) significant digits survives
 * decimal -> binary -> DIG-digit decimal unchanged.  So if some p <= DIG
 * reads back, rounding to DIG digits gives that same decimal with zeros
 * after it, and stripping the zeros finds it in one try; if DIG digits do
 * not read back, neither does anything shorter.  Subnormals, where the
 * guarantee fails, try every precision.
 */
void
tval_float(struct tbuf *b, float v)
{
	struct tval_dec dec;
	int p = FLT_DIG;

	if (tval_nonfinite(b, v))
		return;
	if (v != 0 && fabsf(v) < FLT_MIN)
		p = 1;
	while (p < 9 && !tval_try_float(v, p, &dec))
		p++;
	if (p == 9)
		tval_try_float(v, 9, &dec);
	tval_dec_put(b, &dec, 9);
}

void
tval_double(struct tbuf *b, double v)
{
	struct tval_dec dec;
	int p = DBL_DIG;

	if (tval_nonfinite(b, v))
		return;
	if (v != 0 && fabs(v) < DBL_MIN)
		p = 1;
	while (p < 17 && !tval_try_double(v, p, &dec))
		p++;
	if (p == 17)
		tval_try_double(v, 17, &dec);
	tval_dec_put(b, &dec, 17);
}

/* ---- DECIMAL, YEAR, BIT ---- */

void
tval_decimal(struct tbuf *b, const char *s, size_t n)
{
	tbuf_json_str(b, s, n);
}

void
tval_year(struct tbuf *b, long long v)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "\"%04lld\"", v);

	tbuf_put(b, s, (size_t)n);
}

/*
 * BIT(M) arrives as ceil(M/8) big-endian bytes, at most 8.  More than 8
 * significant bytes cannot come from a server; they are still printed
 * exactly, by long division, rather than cut.
 */
void
tval_bit(struct tbuf *b, const unsigned char *s, size_t n)
{
	unsigned long long v = 0;
	unsigned char tmp[64];
	char digits[160];
	size_t i, nd = 0, w;

	while (n > 0 && s[0] == 0) {
		s++;
		n--;
	}
	if (n <= 8) {
		for (i = 0; i < n; i++)
			v = v << 8 | s[i];
		tval_int(b, (long long)v, true);
		return;
	}
	if (n > sizeof(tmp)) {	/* ~154 digits: far beyond any BIT */
		tval_binary(b, s, n);
		return;
	}
	memcpy(tmp, s, n);
	w = 0;	/* leading zero bytes of tmp */
	while (w < n) {
		unsigned rem = 0;

		for (i = w; i < n; i++) {
			unsigned cur = rem << 8 | tmp[i];

			tmp[i] = (unsigned char)(cur / 10);
			rem = cur % 10;
		}
		digits[nd++] = (char)('0' + rem);
		while (w < n && tmp[w] == 0)
			w++;
	}
	{
		char out[164];
		size_t o = 0;

		out[o++] = '"';
		while (nd > 0)
			out[o++] = digits[--nd];
		out[o++] = '"';
		tbuf_put(b, out, o);
	}
}

/* ---- temporal ---- */

static char *
tval_2d(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* v with at least w digits. */
static char *
tval_wd(char *p, unsigned long long v, int w)
{
	char tmp[32];
	char *e = tmp + sizeof(tmp), *q = tval_utoa(e, v);

	while (e - q < w)
		*--q = '0';
	memcpy(p, q, (size_t)(e - q));
	return p + (e - q);
}

static char *
tval_frac(char *p, unsigned long sp, unsigned decimals)
{
	char six[8];

	if (decimals == 0 || (decimals > 6 && sp == 0))
		return p;
	if (decimals > 6)
		decimals = 6;
	tval_wd(six, sp % 1000000, 6);
	*p++ = '.';
	memcpy(p, six, decimals);
	return p + decimals;
}

/*
 * libmariadb and libmysqlclient both fold TIME's days into hour and leave
 * day 0, but hours = day * 24 + hour is right either way.
 */
void
tval_time(struct tbuf *b, const MYSQL_TIME *t, enum enum_field_types type,
    unsigned decimals)
{
	char s[96];
	char *p = s;
	enum { K_DATE, K_DATETIME, K_TIME } kind;

	switch ((int)type) {
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_NEWDATE:
		kind = K_DATE;
		break;
	case MYSQL_TYPE_TIME:
	case MYSQL_TYPE_TIME2:
		kind = K_TIME;
		break;
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
	case MYSQL_TYPE_DATETIME2:
	case MYSQL_TYPE_TIMESTAMP2:
		kind = K_DATETIME;
		break;
	default:
		kind = t->time_type == MYSQL_TIMESTAMP_DATE ? K_DATE :
		    t->time_type == MYSQL_TIMESTAMP_TIME ? K_TIME : K_DATETIME;
		break;
	}
	*p++ = '"';
	if (kind == K_TIME) {
		if (t->neg)
			*p++ = '-';
		p = tval_wd(p, (unsigned long long)t->day * 24 + t->hour, 2);
	} else {
		p = tval_wd(p, t->year, 4);
		*p++ = '-';
		p = tval_2d(p, t->month);
		*p++ = '-';
		p = tval_2d(p, t->day);
		if (kind == K_DATE)
			goto close;
		*p++ = ' ';
		p = tval_2d(p, t->hour);
	}
	*p++ = ':';
	p = tval_2d(p, t->minute);
	*p++ = ':';
	p = tval_2d(p, t->second);
	p = tval_frac(p, t->second_part, decimals);
close:
	*p++ = '"';
	tbuf_put(b, s, (size_t)(p - s));
}

/* ---- text and binary ---- */

/*
 * Strict UTF-8 after Unicode table 3-7: the second byte's range depends
 * on the first (E0: A0..BF, ED: 80..9F, F0: 90..BF, F4: 80..8F), which
 * rules out overlongs, surrogates and code points past U+10FFFF.
 */
bool
tval_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		unsigned lo = 0x80, hi = 0xBF;
		size_t k;

		if (c < 0x80) {
			/* ASCII runs go eight bytes at a time */
			while (i + 8 <= n) {
				uint64_t w;

				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			if (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			k = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return false;
		}
		if (n - i - 1 < k)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t j = 2; j <= k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return false;
		i += k + 1;
	}
	return true;
}

void
tval_text(struct tbuf *b, const char *s, size_t n)
{
	if (tval_utf8_valid(s, n))
		tbuf_json_str(b, s, n);
	else
		tval_binary(b, (const unsigned char *)s, n);
}

static const char tval_b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
tval_b64_quad(char *d, const unsigned char *s)
{
	d[0] = tval_b64_alpha[s[0] >> 2];
	d[1] = tval_b64_alpha[(s[0] & 3) << 4 | s[1] >> 4];
	d[2] = tval_b64_alpha[(s[1] & 15) << 2 | s[2] >> 6];
	d[3] = tval_b64_alpha[s[2] & 63];
}

void
tval_b64_begin(struct tbuf *b, struct tval_b64 *st)
{
	st->ncarry = 0;
	tbuf_put(b, "{\"base64\":\"", 11);
}

/*
 * Encodes whole groups of three, keeping up to two bytes for the next
 * chunk.  Output goes in blocks through a stack buffer; if the tbuf fills
 * midway the whole chunk is rolled back (full stays set).
 */
void
tval_b64_chunk(struct tbuf *b, struct tval_b64 *st, const unsigned char *s, size_t n)
{
	char out[4096];
	size_t o = 0;
	struct tbuf_mark m = tbuf_mark(b);

	if (tbuf_full(b))
		return;
	while (st->ncarry > 0 && st->ncarry < 3 && n > 0) {
		st->carry[st->ncarry++] = *s++;
		n--;
	}
	if (st->ncarry == 3) {
		tval_b64_quad(out, st->carry);
		o = 4;
		st->ncarry = 0;
	}
	while (n >= 3) {
		if (o + 4 > sizeof(out)) {
			tbuf_put(b, out, o);
			if (tbuf_full(b))
				goto full;
			o = 0;
		}
		tval_b64_quad(out + o, s);
		o += 4;
		s += 3;
		n -= 3;
	}
	for (size_t i = 0; i < n; i++)
		st->carry[st->ncarry++] = s[i];
	if (o > 0)
		tbuf_put(b, out, o);
	if (!tbuf_full(b))
		return;
full:
	tbuf_rollback(b, m);
	b->full = true;
}

void
tval_b64_end(struct tbuf *b, struct tval_b64 *st)
{
	unsigned char last[3] = { 0, 0, 0 };
	char out[6];

	if (st->ncarry > 0) {
		memcpy(last, st->carry, st->ncarry);
		tval_b64_quad(out, last);
		if (st->ncarry == 1)
			out[2] = '=';
		out[3] = '=';
		out[4] = '"';
		out[5] = '}';
		tbuf_put(b, out, 6);
	} else {
		tbuf_put(b, "\"}", 2);
	}
	st->ncarry = 0;
}

void
tval_binary(struct tbuf *b, const unsigned char *s, size_t n)
{
	struct tbuf_mark m = tbuf_mark(b);
	struct tval_b64 st;

	if (tbuf_full(b))
		return;
	tval_b64_begin(b, &st);
	tval_b64_chunk(b, &st, s, n);
	tval_b64_end(b, &st);
	if (tbuf_full(b)) {
		tbuf_rollback(b, m);
		b->full = true;
	}
}

/* ---- column metadata ---- */

static bool
tval_is_binary(unsigned charsetnr)
{
	return charsetnr == TVAL_BINARY_CHARSET;
}

static const char *
tval_int_name(const char *s, const char *u, unsigned flags)
{
	return (flags & UNSIGNED_FLAG) ? u : s;
}

/*
 * Cases are on (int)type: MySQL and MariaDB headers differ in the members
 * past MYSQL_TYPE_BIT (TIME2..., JSON, BOOL, VECTOR), so the enum is not
 * a closed set here.
 */
const char *
tval_type_name(enum enum_field_types type, unsigned flags, unsigned charsetnr)
{
	bool bin = tval_is_binary(charsetnr);

	switch ((int)type) {
	case MYSQL_TYPE_TINY:
		return tval_int_name("TINYINT", "TINYINT UNSIGNED", flags);
	case MYSQL_TYPE_SHORT:
		return tval_int_name("SMALLINT", "SMALLINT UNSIGNED", flags);
	case MYSQL_TYPE_INT24:
		return tval_int_name("MEDIUMINT", "MEDIUMINT UNSIGNED", flags);
	case MYSQL_TYPE_LONG:
		return tval_int_name("INT", "INT UNSIGNED", flags);
	case MYSQL_TYPE_LONGLONG:
		return tval_int_name("BIGINT", "BIGINT UNSIGNED", flags);
	case MYSQL_TYPE_FLOAT:
		return "FLOAT";
	case MYSQL_TYPE_DOUBLE:
		return "DOUBLE";
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
		return "DECIMAL";
	case MYSQL_TYPE_NULL:
		return "NULL";
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_NEWDATE:
		return "DATE";
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_DATETIME2:
		return "DATETIME";
	case MYSQL_TYPE_TIMESTAMP:
	case MYSQL_TYPE_TIMESTAMP2:
		return "TIMESTAMP";
	case MYSQL_TYPE_TIME:
	case MYSQL_TYPE_TIME2:
		return "TIME";
	case MYSQL_TYPE_YEAR:
		return "YEAR";
	case MYSQL_TYPE_BIT:
		return "BIT";
	case TVAL_TYPE_JSON:
		return "JSON";
	case MYSQL_TYPE_GEOMETRY:
		return "GEOMETRY";
	case MYSQL_TYPE_ENUM:
		return "ENUM";
	case MYSQL_TYPE_SET:
		return "SET";
	case MYSQL_TYPE_VARCHAR:
	case MYSQL_TYPE_VAR_STRING:
	case MYSQL_TYPE_STRING:
		if (flags & ENUM_FLAG)
			return "ENUM";
		if (flags & SET_FLAG)
			return "SET";
		if ((int)type == MYSQL_TYPE_STRING)
			return bin ? "BINARY" : "CHAR";
		return bin ? "VARBINARY" : "VARCHAR";
	case MYSQL_TYPE_TINY_BLOB:
		return bin ? "TINYBLOB" : "TINYTEXT";
	case MYSQL_TYPE_BLOB:
		return bin ? "BLOB" : "TEXT";
	case MYSQL_TYPE_MEDIUM_BLOB:
		return bin ? "MEDIUMBLOB" : "MEDIUMTEXT";
	case MYSQL_TYPE_LONG_BLOB:
		return bin ? "LONGBLOB" : "LONGTEXT";
	default:
		return "UNKNOWN";
	}
}

enum tval_class
tval_classify(enum enum_field_types type, unsigned flags, unsigned charsetnr)
{
	switch ((int)type) {
	case MYSQL_TYPE_NULL:
		return TVAL_C_NULL;
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_LONGLONG:
		return TVAL_C_INT;
	case MYSQL_TYPE_YEAR:
		return TVAL_C_YEAR;
	case MYSQL_TYPE_FLOAT:
		return TVAL_C_FLOAT;
	case MYSQL_TYPE_DOUBLE:
		return TVAL_C_DOUBLE;
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
		return TVAL_C_DECIMAL;
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_NEWDATE:
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_DATETIME2:
	case MYSQL_TYPE_TIMESTAMP:
	case MYSQL_TYPE_TIMESTAMP2:
	case MYSQL_TYPE_TIME:
	case MYSQL_TYPE_TIME2:
		return TVAL_C_TIME;
	case MYSQL_TYPE_BIT:
		return TVAL_C_BIT;
	case TVAL_TYPE_JSON:	/* MySQL labels JSON with the binary charset */
	case MYSQL_TYPE_ENUM:
	case MYSQL_TYPE_SET:
		return TVAL_C_TEXT;
	case MYSQL_TYPE_GEOMETRY:
		return TVAL_C_BINARY;
	default:
		if (flags & (ENUM_FLAG | SET_FLAG))
			return TVAL_C_TEXT;
		return tval_is_binary(charsetnr) ? TVAL_C_BINARY : TVAL_C_TEXT;
	}
}

void
tval_int_text(struct tbuf *b, const char *s)
{
	char *end;
	unsigned long long u;

	if (s == NULL) {
		tbuf_puts(b, "0");
		return;
	}
	u = strtoull(s, &end, 10);
	if (*s == '-' || *end != '\0' || end == s)
		tbuf_json_cstr(b, s);
	else
		tval_int(b, (long long)u, true);
}
