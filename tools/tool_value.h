/*
 * tval: exact encoding of MySQL values as JSON text (CONTRACT section 5),
 * written straight into a tbuf.  Pure: it knows MySQL's type codes and
 * MYSQL_TIME but never talks to a server.
 */
#ifndef SAIA_TOOL_VALUE_H
#define SAIA_TOOL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <mysql.h>

#include "tool_buf.h"

#define TVAL_MAX_SAFE_INT 9007199254740991LL	/* 2^53 - 1 */
#define TVAL_BINARY_CHARSET 63			/* MySQL's "binary" charset number */

/* Integers: a JSON number when |v| <= 2^53-1, else a string of its digits. */
void tval_int(struct tbuf *b, long long v, bool is_unsigned);
/* FLOAT / DOUBLE: shortest text that reads back to the same value; NaN/Inf as strings. */
void tval_float(struct tbuf *b, float v);
void tval_double(struct tbuf *b, double v);
/* DECIMAL: always a string of the digits as received. */
void tval_decimal(struct tbuf *b, const char *s, size_t n);
/*
 * DATE, DATETIME, TIMESTAMP, TIME as the server prints them, as a string.
 * type is MYSQL_TYPE_DATE/_DATETIME/_TIMESTAMP/_TIME/_NEWDATE; decimals is
 * the column's fractional digits (0..6; anything larger means 0, as for
 * expressions whose scale the server does not know: then print the
 * fraction only when it is not zero, with 6 digits).  TIME may be negative
 * and over 24 hours ("-838:59:59").  Zero dates print as zeros.
 */
void tval_time(struct tbuf *b, const MYSQL_TIME *t, enum enum_field_types type,
    unsigned decimals);
/*
 * An integer as the catalog prints it (text, e.g. TABLE_ROWS): a JSON number,
 * or a string of its digits past 2^53 or when it is not a plain unsigned
 * integer; NULL writes 0.
 */
void tval_int_text(struct tbuf *b, const char *s);
/* YEAR: a four-digit string ("2026", "0000"). */
void tval_year(struct tbuf *b, long long v);
/* BIT: the big-endian bytes as an unsigned number (string past 2^53-1). */
void tval_bit(struct tbuf *b, const unsigned char *s, size_t n);
/* Text: a JSON string when s is valid UTF-8, else {"base64":"..."}. */
void tval_text(struct tbuf *b, const char *s, size_t n);
/* Binary: {"base64":"..."}. */
void tval_binary(struct tbuf *b, const unsigned char *s, size_t n);

/* Streaming base64 for values fetched in pieces: begin, any number of chunks, end. */
struct tval_b64 {
	unsigned char carry[3];
	size_t ncarry;
};
void tval_b64_begin(struct tbuf *b, struct tval_b64 *st);	/* writes {"base64":" */
void tval_b64_chunk(struct tbuf *b, struct tval_b64 *st, const unsigned char *s, size_t n);
void tval_b64_end(struct tbuf *b, struct tval_b64 *st);		/* writes "} */

/* Is s[0..n) valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF)? NUL bytes are fine. */
bool tval_utf8_valid(const char *s, size_t n);

/*
 * The SQL type name of a result column for "columns":[{"type":...}], in
 * capitals: "BIGINT UNSIGNED", "DECIMAL", "VARCHAR", "VARBINARY", "TEXT",
 * "BLOB", "DATETIME", "JSON", "BIT", "ENUM", "SET", "GEOMETRY", ...
 * flags are MYSQL_FIELD flags (UNSIGNED_FLAG, ENUM_FLAG, SET_FLAG, BINARY_FLAG);
 * charsetnr 63 means binary.
 */
const char *tval_type_name(enum enum_field_types type, unsigned flags, unsigned charsetnr);

/* How a column is fetched and encoded; the row streamer binds by this. */
enum tval_class {
	TVAL_C_NULL,		/* MYSQL_TYPE_NULL */
	TVAL_C_INT,		/* TINY, SHORT, INT24, LONG, LONGLONG */
	TVAL_C_YEAR,
	TVAL_C_FLOAT,
	TVAL_C_DOUBLE,
	TVAL_C_DECIMAL,		/* DECIMAL, NEWDECIMAL */
	TVAL_C_TIME,		/* DATE, NEWDATE, DATETIME, TIMESTAMP, TIME */
	TVAL_C_BIT,
	TVAL_C_TEXT,		/* strings, text blobs, JSON, ENUM, SET with a text charset */
	TVAL_C_BINARY,		/* binary charset strings and blobs, GEOMETRY */
};
enum tval_class tval_classify(enum enum_field_types type, unsigned flags, unsigned charsetnr);

#endif
