/*
 * Unit tests for tbuf (the capped output buffer) and tval (exact value
 * encoding, CONTRACT section 5).  Tables of input and expected JSON text
 * with stable ids (V001...) that are never renumbered; a new case takes
 * the next free id.  Property tests with a fixed seed check that floats
 * read back bit for bit and that escaped strings decode to their input.
 * No server is needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool_value.h"

/* ---- helpers ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static size_t
count_esc(const char *s, size_t n)
{
	size_t e = 0;

	for (size_t i = 0; i < n; i++)
		e += s[i] == '"' || s[i] == '\\';
	return e;
}

/* b holds exactly exp[0..explen), and its esc and NUL are right. */
static void
expect_buf(const char *id, const struct tbuf *b, const char *exp, size_t explen)
{
	if (b->len != explen || (explen > 0 && memcmp(b->data, exp, explen) != 0))
		fail_msg("%s: got [%.*s] want [%.*s]", id, (int)b->len,
		    b->data ? b->data : "", (int)explen, exp);
	if (b->esc != count_esc(b->data ? b->data : "", b->len))
		fail_msg("%s: esc %zu, data has %zu", id, b->esc,
		    count_esc(b->data, b->len));
	if (b->data != NULL && b->data[b->len] != '\0')
		fail_msg("%s: not NUL-terminated", id);
	if (b->full)
		fail_msg("%s: full set", id);
}

#define EXPECT(id, b, exp) expect_buf((id), (b), (exp), strlen(exp))

/* ---- V001..: integers ---- */

static const struct {
	const char *id;
	long long v;
	bool uns;
	const char *exp;
} int_cases[] = {
	{ "V001", 0, false, "0" },
	{ "V002", 1, false, "1" },
	{ "V003", -1, false, "-1" },
	{ "V004", 9007199254740991LL, false, "9007199254740991" },
	{ "V005", -9007199254740991LL, false, "-9007199254740991" },
	{ "V006", 9007199254740992LL, false, "\"9007199254740992\"" },
	{ "V007", 9007199254740993LL, false, "\"9007199254740993\"" },
	{ "V008", -9007199254740992LL, false, "\"-9007199254740992\"" },
	{ "V009", LLONG_MAX, false, "\"9223372036854775807\"" },
	{ "V010", LLONG_MIN, false, "\"-9223372036854775808\"" },
	{ "V011", -1, true, "\"18446744073709551615\"" },
	{ "V012", 9007199254740991LL, true, "9007199254740991" },
	{ "V013", LLONG_MIN, true, "\"9223372036854775808\"" },
	{ "V014", 255, true, "255" },
	{ "V015", -128, false, "-128" },
	{ "V016", 4294967295LL, true, "4294967295" },
	{ "V017", -9007199254740993LL, false, "\"-9007199254740993\"" },
};

static void
test_int(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		struct tbuf b;

		tbuf_init(&b, 0);
		tval_int(&b, int_cases[i].v, int_cases[i].uns);
		EXPECT(int_cases[i].id, &b, int_cases[i].exp);
		tbuf_free(&b);
	}
}

/* ---- V030..: FLOAT ---- */

static const struct {
	const char *id;
	float v;
	const char *exp;
} float_cases[] = {
	{ "V030", 397.9f, "397.9" },
	{ "V031", 0.1f, "0.1" },
	{ "V032", 1e20f, "1e+20" },
	{ "V033", 0.0f, "0" },
	{ "V034", -0.0f, "-0" },
	{ "V035", INFINITY, "\"inf\"" },
	{ "V036", -INFINITY, "\"-inf\"" },
	{ "V037", NAN, "\"nan\"" },
	{ "V038", FLT_MAX, "3.4028235e+38" },
	{ "V039", FLT_MIN, "1.1754944e-38" },
	{ "V040", 1.40129846e-45f, "1e-45" },	/* smallest subnormal */
	{ "V041", 16777216.0f, "16777216" },
	{ "V042", 1.5f, "1.5" },
	{ "V043", 123456.0f, "123456" },
	{ "V044", 1234567.0f, "1234567" },
	{ "V045", -397.9f, "-397.9" },
	{ "V046", 3.14159265f, "3.1415927" },
	{ "V047", 100.0f, "100" },	/* not %.1g's "1e+02" */
	{ "V048", 150000.0f, "150000" },
	{ "V049", 1e-5f, "1e-05" },
	{ "V050", 0.0001f, "0.0001" },
	{ "V051", 1e8f, "100000000" },
	{ "V052", 1e9f, "1e+09" },
	{ "V053", 16777217.0f, "16777216" },	/* not representable: rounds */
	{ "V054", 0.3f, "0.3" },
};

static void
test_float(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(float_cases) / sizeof(float_cases[0]); i++) {
		struct tbuf b;

		tbuf_init(&b, 0);
		tval_float(&b, float_cases[i].v);
		EXPECT(float_cases[i].id, &b, float_cases[i].exp);
		tbuf_free(&b);
	}
}

/* ---- V060..: DOUBLE ---- */

static const struct {
	const char *id;
	double v;
	const char *exp;
} double_cases[] = {
	{ "V060", 0.1, "0.1" },
	{ "V061", 1 / 3.0, "0.3333333333333333" },
	{ "V062", 1e300, "1e+300" },
	{ "V063", 5e-324, "5e-324" },
	{ "V064", DBL_MAX, "1.7976931348623157e+308" },
	{ "V065", DBL_MIN, "2.2250738585072014e-308" },
	{ "V066", 0.0, "0" },
	{ "V067", -0.0, "-0" },
	{ "V068", 0.1 + 0.2, "0.30000000000000004" },
	{ "V069", 397.9, "397.9" },
	{ "V070", INFINITY, "\"inf\"" },
	{ "V071", -INFINITY, "\"-inf\"" },
	{ "V072", NAN, "\"nan\"" },
	{ "V073", 1e16, "10000000000000000" },
	{ "V074", 1e17, "1e+17" },
	{ "V075", 1e-5, "1e-05" },
	{ "V076", 123456789.125, "123456789.125" },
	{ "V077", -2.5e-7, "-2.5e-07" },
	{ "V078", 9007199254740993.0, "9007199254740992" },
	{ "V079", 1e21, "1e+21" },
	{ "V080", 100.0, "100" },
	{ "V081", 1e-100, "1e-100" },
	{ "V082", 12345.678, "12345.678" },
};

static void
test_double(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(double_cases) / sizeof(double_cases[0]); i++) {
		struct tbuf b;

		tbuf_init(&b, 0);
		tval_double(&b, double_cases[i].v);
		EXPECT(double_cases[i].id, &b, double_cases[i].exp);
		tbuf_free(&b);
	}
}

/* A JSON number per RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
json_number_ok(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static int
sig_digits(const char *s)
{
	int n = 0, lead = 1, trail = 0;

	for (; *s != '\0' && *s != 'e'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (lead && *s == '0')
			continue;
		lead = 0;
		n++;
		trail = *s == '0' ? trail + 1 : 0;
	}
	return n - trail;
}

/*
 * V090: 100000 random floats and doubles (bit patterns and short
 * decimals, fixed seed): the text is a JSON number, reads back bit for bit,
 * is no longer than %.9g / %.17g, and has as many significant digits as
 * the first of %.1g, %.2g, ... that reads back.
 */
static void
test_float_property(void **state)
{
	(void)state;
	rng_state = 0x2545F4914F6CDD1DULL;
	for (int i = 0; i < 100000; i++) {
		struct tbuf b;
		char ref[64];
		int p;
		uint64_t r = rng();
		float f;
		double d;

		if (i % 2 == 0) {
			uint32_t bits = (uint32_t)r;

			memcpy(&f, &bits, sizeof(f));
			memcpy(&d, &r, sizeof(d));
		} else {
			f = (float)((int64_t)(r % 20000001) - 10000000) / 1000.0f;
			d = (double)((int64_t)(r % 2000000001) - 1000000000) / 10000.0;
		}

		tbuf_init(&b, 0);
		if (isfinite(f)) {
			float back;

			tval_float(&b, f);
			if (!json_number_ok(b.data))
				fail_msg("V090 float %a: not JSON [%s]", (double)f, b.data);
			back = strtof(b.data, NULL);
			if (memcmp(&back, &f, sizeof(f)) != 0)
				fail_msg("V090 float %a: [%s] reads back as %a", (double)f,
				    b.data, (double)back);
			snprintf(ref, sizeof(ref), "%.9g", (double)f);
			if (b.len > strlen(ref))
				fail_msg("V090 float %a: [%s] longer than [%s]", (double)f,
				    b.data, ref);
			for (p = 1; p <= 9; p++) {
				snprintf(ref, sizeof(ref), "%.*g", p, (double)f);
				back = strtof(ref, NULL);
				if (memcmp(&back, &f, sizeof(f)) == 0)
					break;
			}
			if (sig_digits(b.data) != sig_digits(ref) && f != 0)
				fail_msg("V090 float %a: [%s] vs shortest [%s]", (double)f,
				    b.data, ref);
		}
		tbuf_reset(&b);
		if (isfinite(d)) {
			double back;

			tval_double(&b, d);
			if (!json_number_ok(b.data))
				fail_msg("V090 double %a: not JSON [%s]", d, b.data);
			back = strtod(b.data, NULL);
			if (memcmp(&back, &d, sizeof(d)) != 0)
				fail_msg("V090 double %a: [%s] reads back as %a", d, b.data,
				    back);
			snprintf(ref, sizeof(ref), "%.17g", d);
			if (b.len > strlen(ref))
				fail_msg("V090 double %a: [%s] longer than [%s]", d, b.data,
				    ref);
			for (p = 1; p <= 17; p++) {
				snprintf(ref, sizeof(ref), "%.*g", p, d);
				back = strtod(ref, NULL);
				if (memcmp(&back, &d, sizeof(d)) == 0)
					break;
			}
			if (sig_digits(b.data) != sig_digits(ref) && d != 0)
				fail_msg("V090 double %a: [%s] vs shortest [%s]", d, b.data,
				    ref);
		}
		tbuf_free(&b);
	}
}

/* ---- V100..: DECIMAL, YEAR ---- */

static void
test_decimal_year(void **state)
{
	static const struct {
		const char *id, *in, *exp;
	} dec[] = {
		{ "V100", "12345678901234567890.12", "\"12345678901234567890.12\"" },
		{ "V101", "-0.50", "\"-0.50\"" },
		{ "V102", "0", "\"0\"" },
		{ "V103", "", "\"\"" },
		{ "V104", "99999999999999999999999999999999999999999999999999999999999999999",
		    "\"99999999999999999999999999999999999999999999999999999999999999999\"" },
	};
	static const struct {
		const char *id;
		long long v;
		const char *exp;
	} year[] = {
		{ "V110", 2026, "\"2026\"" },
		{ "V111", 0, "\"0000\"" },
		{ "V112", 1901, "\"1901\"" },
		{ "V113", 2155, "\"2155\"" },
		{ "V114", 70, "\"0070\"" },
	};
	struct tbuf b;

	(void)state;
	tbuf_init(&b, 0);
	for (size_t i = 0; i < sizeof(dec) / sizeof(dec[0]); i++) {
		tbuf_reset(&b);
		tval_decimal(&b, dec[i].in, strlen(dec[i].in));
		EXPECT(dec[i].id, &b, dec[i].exp);
	}
	for (size_t i = 0; i < sizeof(year) / sizeof(year[0]); i++) {
		tbuf_reset(&b);
		tval_year(&b, year[i].v);
		EXPECT(year[i].id, &b, year[i].exp);
	}
	tbuf_free(&b);
}

/* ---- V120..: temporal ---- */

#define TM(y, mo, d, h, mi, s, sp, neg, tt) \
	{ (y), (mo), (d), (h), (mi), (s), (sp), (neg), MYSQL_TIMESTAMP_##tt }

static const struct {
	const char *id;
	MYSQL_TIME t;
	enum enum_field_types type;
	unsigned decimals;
	const char *exp;
} time_cases[] = {
	{ "V120", TM(2026, 3, 12, 0, 0, 0, 0, 0, DATE), MYSQL_TYPE_DATE, 0, "\"2026-03-12\"" },
	{ "V121", TM(2026, 3, 12, 11, 45, 0, 250000, 0, DATETIME), MYSQL_TYPE_DATETIME, 6,
	    "\"2026-03-12 11:45:00.250000\"" },
	{ "V122", TM(2026, 3, 12, 11, 45, 0, 250000, 0, DATETIME), MYSQL_TYPE_DATETIME, 3,
	    "\"2026-03-12 11:45:00.250\"" },
	{ "V123", TM(2026, 3, 12, 11, 45, 0, 0, 0, DATETIME), MYSQL_TYPE_DATETIME, 0,
	    "\"2026-03-12 11:45:00\"" },
	{ "V124", TM(2026, 3, 12, 11, 45, 0, 0, 0, DATETIME), MYSQL_TYPE_TIMESTAMP, 0,
	    "\"2026-03-12 11:45:00\"" },
	{ "V125", TM(0, 0, 0, 838, 59, 59, 0, 1, TIME), MYSQL_TYPE_TIME, 0, "\"-838:59:59\"" },
	{ "V126", TM(0, 0, 34, 22, 59, 59, 0, 0, TIME), MYSQL_TYPE_TIME, 0, "\"838:59:59\"" },
	{ "V127", TM(0, 0, 0, 100, 0, 0, 500000, 0, TIME), MYSQL_TYPE_TIME, 1, "\"100:00:00.5\"" },
	{ "V128", TM(0, 0, 0, 11, 45, 0, 0, 0, TIME), MYSQL_TYPE_TIME, 0, "\"11:45:00\"" },
	{ "V129", TM(0, 0, 0, 0, 0, 0, 0, 0, TIME), MYSQL_TYPE_TIME, 0, "\"00:00:00\"" },
	{ "V130", TM(0, 0, 0, 0, 0, 1, 0, 1, TIME), MYSQL_TYPE_TIME, 0, "\"-00:00:01\"" },
	{ "V131", TM(0, 0, 0, 0, 0, 0, 0, 0, DATE), MYSQL_TYPE_DATE, 0, "\"0000-00-00\"" },
	{ "V132", TM(0, 0, 0, 0, 0, 0, 0, 0, DATETIME), MYSQL_TYPE_DATETIME, 0,
	    "\"0000-00-00 00:00:00\"" },
	{ "V133", TM(1999, 12, 31, 0, 0, 0, 0, 0, DATE), MYSQL_TYPE_NEWDATE, 0, "\"1999-12-31\"" },
	{ "V134", TM(2026, 3, 12, 11, 45, 0, 0, 0, DATETIME), MYSQL_TYPE_DATETIME, 39,
	    "\"2026-03-12 11:45:00\"" },
	{ "V135", TM(2026, 3, 12, 11, 45, 0, 250000, 0, DATETIME), MYSQL_TYPE_DATETIME, 39,
	    "\"2026-03-12 11:45:00.250000\"" },
	{ "V136", TM(2026, 3, 12, 11, 45, 0, 7, 0, DATETIME), MYSQL_TYPE_DATETIME, 31,
	    "\"2026-03-12 11:45:00.000007\"" },
	{ "V137", TM(2026, 3, 12, 11, 45, 0, 1, 0, DATETIME), MYSQL_TYPE_DATETIME, 6,
	    "\"2026-03-12 11:45:00.000001\"" },
	{ "V138", TM(2026, 3, 12, 11, 45, 0, 999999, 0, DATETIME), MYSQL_TYPE_TIMESTAMP, 2,
	    "\"2026-03-12 11:45:00.99\"" },
	{ "V139", TM(2026, 3, 12, 11, 45, 0, 0, 0, DATETIME), MYSQL_TYPE_DATETIME, 6,
	    "\"2026-03-12 11:45:00.000000\"" },
	{ "V140", TM(0, 0, 0, 0, 0, 0, 0, 0, DATETIME), MYSQL_TYPE_TIMESTAMP, 0,
	    "\"0000-00-00 00:00:00\"" },
	{ "V141", TM(0, 0, 0, 12, 0, 0, 0, 0, TIME), MYSQL_TYPE_TIME, 39, "\"12:00:00\"" },
	/* libmariadb folds days into hour; a library that does not is handled too */
	{ "V142", TM(0, 0, 1, 2, 3, 4, 0, 1, TIME), MYSQL_TYPE_TIME, 0, "\"-26:03:04\"" },
	{ "V143", TM(2026, 1, 2, 0, 0, 0, 0, 0, DATE), MYSQL_TYPE_NULL, 0, "\"2026-01-02\"" },
	{ "V144", TM(0, 0, 0, 1, 2, 3, 0, 0, TIME), MYSQL_TYPE_NULL, 0, "\"01:02:03\"" },
	{ "V145", TM(9999, 12, 31, 23, 59, 59, 999999, 0, DATETIME), MYSQL_TYPE_DATETIME, 6,
	    "\"9999-12-31 23:59:59.999999\"" },
};

static void
test_time(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
		struct tbuf b;

		tbuf_init(&b, 0);
		tval_time(&b, &time_cases[i].t, time_cases[i].type, time_cases[i].decimals);
		EXPECT(time_cases[i].id, &b, time_cases[i].exp);
		tbuf_free(&b);
	}
}

/* ---- V150..: BIT ---- */

static const struct {
	const char *id;
	unsigned char s[10];
	size_t n;
	const char *exp;
} bit_cases[] = {
	{ "V150", { 0 }, 0, "0" },
	{ "V151", { 5 }, 1, "5" },
	{ "V152", { 1, 0 }, 2, "256" },
	{ "V153", { 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8, "9007199254740991" },
	{ "V154", { 0x00, 0x20, 0, 0, 0, 0, 0, 0 }, 8, "\"9007199254740992\"" },
	{ "V155", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8,
	    "\"18446744073709551615\"" },
	{ "V156", { 1, 0, 0, 0, 0, 0, 0, 0, 0 }, 9, "\"18446744073709551616\"" },
	{ "V157", { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 9,
	    "\"18446744073709551615\"" },
	{ "V158", { 0x80, 0, 0, 0, 0, 0, 0, 0 }, 8, "\"9223372036854775808\"" },
	{ "V159", { 0, 0 }, 2, "0" },
	{ "V160", { 0x01, 0x02, 0x03 }, 3, "66051" },
};

static void
test_bit(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bit_cases) / sizeof(bit_cases[0]); i++) {
		struct tbuf b;

		tbuf_init(&b, 0);
		tval_bit(&b, bit_cases[i].s, bit_cases[i].n);
		EXPECT(bit_cases[i].id, &b, bit_cases[i].exp);
		tbuf_free(&b);
	}
}

/* ---- V170..: text and JSON strings ---- */

#define S(lit) lit, sizeof(lit) - 1

static const struct {
	const char *id;
	const char *in;
	size_t n;
	const char *exp;
} text_cases[] = {
	{ "V170", S(""), "\"\"" },
	{ "V171", S("NULL"), "\"NULL\"" },
	{ "V172", S("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"" },	/* emoji kept raw */
	{ "V173", S("a\0b"), "\"a\\u0000b\"" },
	{ "V174", S("\xff"), "{\"base64\":\"/w==\"}" },
	{ "V175", S("\xc0\x80"), "{\"base64\":\"wIA=\"}" },		/* overlong NUL */
	{ "V176", S("{\"a\":[1,2]}"), "\"{\\\"a\\\":[1,2]}\"" },	/* JSON column */
	{ "V177", S("h\xc3\xa9llo"), "\"h\xc3\xa9llo\"" },
	{ "V178", S("tab\there\nnl\rcr\bbs\fff"),
	    "\"tab\\there\\nnl\\rcr\\bbs\\fff\"" },
	{ "V179", S("\x01\x1f\x7f"), "\"\\u0001\\u001f\x7f\"" },	/* DEL kept */
	{ "V180", S("back\\slash \"q\""), "\"back\\\\slash \\\"q\\\"\"" },
	{ "V181", S("a/b"), "\"a/b\"" },
	{ "V182", S("\xed\xa0\x80"), "{\"base64\":\"7aCA\"}" },	/* surrogate */
	{ "V183", S("ok\xe2\x82"), "{\"base64\":\"b2vigg==\"}" },	/* cut sequence */
	{ "V184", S("\x0b\x0e\x10"), "\"\\u000b\\u000e\\u0010\"" },
	{ "V185", S("\0"), "\"\\u0000\"" },
	{ "V186", S("\xe2\x82\xac 100"), "\"\xe2\x82\xac 100\"" },
};

static void
test_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		struct tbuf b;

		tbuf_init(&b, 0);
		tval_text(&b, text_cases[i].in, text_cases[i].n);
		EXPECT(text_cases[i].id, &b, text_cases[i].exp);
		tbuf_free(&b);
	}
}

static void
test_json_helpers(void **state)
{
	struct tbuf b;

	(void)state;
	tbuf_init(&b, 0);
	tbuf_json_cstr(&b, NULL);
	EXPECT("V190", &b, "null");
	tbuf_reset(&b);
	tbuf_json_cstr(&b, "x\"y");
	EXPECT("V191", &b, "\"x\\\"y\"");
	tbuf_reset(&b);
	tbuf_json_escape(&b, S("a\"b\\c\n"));
	EXPECT("V192", &b, "a\\\"b\\\\c\\n");
	tbuf_reset(&b);
	tbuf_json_escape(&b, S(""));
	EXPECT("V193", &b, "");
	tbuf_reset(&b);
	tbuf_json_str(&b, S("a\0b"));
	EXPECT("V194", &b, "\"a\\u0000b\"");
	/* esc of an escaped string: a copy of "\"" needs 4 more bytes */
	tbuf_reset(&b);
	tbuf_json_str(&b, S("\""));
	EXPECT("V195", &b, "\"\\\"\"");
	assert_int_equal(b.esc, 4);
	tbuf_free(&b);
}

/* ---- V200..: UTF-8 validation ---- */

static const struct {
	const char *id;
	const char *s;
	size_t n;
	bool ok;
} utf8_cases[] = {
	{ "V200", S(""), true },
	{ "V201", S("abc"), true },
	{ "V202", S("\0"), true },
	{ "V203", S("\xc2\x80"), true },
	{ "V204", S("\xc1\xbf"), false },
	{ "V205", S("\xc0\x80"), false },
	{ "V206", S("\xe0\x80\x80"), false },
	{ "V207", S("\xe0\x9f\xbf"), false },
	{ "V208", S("\xe0\xa0\x80"), true },
	{ "V209", S("\xed\x9f\xbf"), true },
	{ "V210", S("\xed\xa0\x80"), false },
	{ "V211", S("\xed\xbf\xbf"), false },
	{ "V212", S("\xee\x80\x80"), true },
	{ "V213", S("\xf0\x80\x80\x80"), false },
	{ "V214", S("\xf0\x8f\xbf\xbf"), false },
	{ "V215", S("\xf0\x90\x80\x80"), true },
	{ "V216", S("\xf4\x8f\xbf\xbf"), true },
	{ "V217", S("\xf4\x90\x80\x80"), false },
	{ "V218", S("\xf5\x80\x80\x80"), false },
	{ "V219", S("\xff"), false },
	{ "V220", S("\x80"), false },
	{ "V221", S("\xc2"), false },
	{ "V222", S("\xe2\x82"), false },
	{ "V223", S("\xf0\x9f\x98"), false },
	{ "V224", S("\xF0\x9F\x98\x80"), true },
	{ "V225", S("\xe2\x28\xa1"), false },
	{ "V226", S("aaaaaaaaaaaaaaaaa\xff"), false },
	{ "V227", S("aaaaaaaaaaaaaaaa\xc3\xa9"), true },
	{ "V228", S("\xc3\xa9" "aaaaaaaaaaaaaaaaaaaaaa"), true },
	{ "V229", S("\xc3\x28"), false },
	{ "V230", S("\xef\xbf\xbf"), true },
	{ "V231", S("\xf8\x88\x80\x80\x80"), false },
	{ "V232", S("aaaaaaa\xc3"), false },
};

static void
test_utf8(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++)
		if (tval_utf8_valid(utf8_cases[i].s, utf8_cases[i].n) != utf8_cases[i].ok)
			fail_msg("%s: expected %s", utf8_cases[i].id,
			    utf8_cases[i].ok ? "valid" : "invalid");
}

/* ---- V240..: binary and base64 ---- */

static const struct {
	const char *id;
	const char *in;
	size_t n;
	const char *exp;
} bin_cases[] = {
	{ "V240", S(""), "{\"base64\":\"\"}" },
	{ "V241", S("f"), "{\"base64\":\"Zg==\"}" },
	{ "V242", S("fo"), "{\"base64\":\"Zm8=\"}" },
	{ "V243", S("foo"), "{\"base64\":\"Zm9v\"}" },
	{ "V244", S("foob"), "{\"base64\":\"Zm9vYg==\"}" },
	{ "V245", S("fooba"), "{\"base64\":\"Zm9vYmE=\"}" },
	{ "V246", S("foobar"), "{\"base64\":\"Zm9vYmFy\"}" },
	{ "V247", S("\xfb\xff"), "{\"base64\":\"+/8=\"}" },
	{ "V248", S("\0\0\0"), "{\"base64\":\"AAAA\"}" },
	{ "V249", S("NULL"), "{\"base64\":\"TlVMTA==\"}" },
};

static void
test_binary(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bin_cases) / sizeof(bin_cases[0]); i++) {
		struct tbuf b;

		tbuf_init(&b, 0);
		tval_binary(&b, (const unsigned char *)bin_cases[i].in, bin_cases[i].n);
		EXPECT(bin_cases[i].id, &b, bin_cases[i].exp);
		tbuf_free(&b);
	}
}

/* V250: streaming in chunks of any size (0, 1, 2, odd, large) == one call. */
static void
test_b64_stream(void **state)
{
	static const size_t fixed[] = { 1, 2, 5, 7, 0, 3, 11, 4096, 13 };
	unsigned char *data = malloc(20000);

	(void)state;
	assert_non_null(data);
	rng_state = 42;
	for (int round = 0; round < 400; round++) {
		size_t n = round < 300 ? (size_t)(rng() % 300) : (size_t)(rng() % 20000);
		size_t off = 0, k = 0;
		struct tbuf one, many;
		struct tval_b64 st;

		for (size_t i = 0; i < n; i++)
			data[i] = (unsigned char)rng();
		tbuf_init(&one, 0);
		tbuf_init(&many, 0);
		tval_binary(&one, data, n);
		tval_b64_begin(&many, &st);
		while (off < n) {
			size_t c = round % 2 ? fixed[k++ % 9] : (size_t)(rng() % 9);

			if (c > n - off)
				c = n - off;
			tval_b64_chunk(&many, &st, data + off, c);
			off += c;
		}
		tval_b64_end(&many, &st);
		expect_buf("V250", &many, one.data, one.len);
		assert_int_equal(one.len, 13 + (n + 2) / 3 * 4);
		tbuf_free(&one);
		tbuf_free(&many);
	}
	free(data);
}

/* ---- V260..: tbuf ---- */

static void
test_tbuf_limit(void **state)
{
	struct tbuf b;
	struct tbuf_mark m;

	(void)state;
	tbuf_init(&b, 10);
	tbuf_put(&b, "12345", 5);
	EXPECT("V260", &b, "12345");
	m = tbuf_mark(&b);
	tbuf_put(&b, "123456", 6);		/* 11 > 10: dropped whole */
	assert_true(tbuf_full(&b));
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	tbuf_putc(&b, 'x');			/* full is sticky */
	tbuf_puts(&b, "y");
	tval_int(&b, 1, false);
	assert_int_equal(b.len, 5);
	tbuf_rollback(&b, m);			/* V261: rollback clears full */
	EXPECT("V261", &b, "12345");
	tbuf_put(&b, "67890", 5);		/* exactly the limit fits */
	EXPECT("V262", &b, "1234567890");
	tbuf_putc(&b, 'x');
	assert_true(tbuf_full(&b));
	tbuf_reset(&b);
	EXPECT("V263", &b, "");

	/* V264: esc counts toward the limit */
	tbuf_put(&b, "a\"b\\c", 5);
	assert_int_equal(b.len, 5);
	assert_int_equal(b.esc, 2);
	tbuf_put(&b, "\"\"\"", 3);		/* 8 + 5 esc = 13 > 10 */
	assert_true(tbuf_full(&b));
	assert_int_equal(b.len, 5);
	assert_int_equal(b.esc, 2);
	tbuf_reset(&b);
	tbuf_json_str(&b, "ab", 2);		/* "ab": 4 + 2 = 6 */
	EXPECT("V265", &b, "\"ab\"");
	tbuf_putc(&b, '"');			/* 5 + 3 = 8 */
	assert_false(tbuf_full(&b));
	tbuf_putc(&b, '\\');			/* 6 + 4 = 10 */
	assert_false(tbuf_full(&b));
	tbuf_putc(&b, 'z');			/* 11 */
	assert_true(tbuf_full(&b));
	assert_int_equal(b.len, 6);

	/* V266: a string that does not fit writes nothing, mid-escape too */
	tbuf_reset(&b);
	tbuf_put(&b, "[", 1);
	tbuf_json_str(&b, "abc\ndef", 7);	/* 1 + 11 + 4 = 16 */
	assert_true(tbuf_full(&b));
	assert_int_equal(b.len, 1);
	assert_int_equal(b.esc, 0);
	assert_string_equal(b.data, "[");
	tbuf_reset(&b);
	tbuf_json_escape(&b, "\x01\x02", 2);	/* 12 + 2 */
	assert_true(tbuf_full(&b));
	assert_int_equal(b.len, 0);
	tbuf_reset(&b);
	tval_binary(&b, (const unsigned char *)"foobar", 6);	/* 21 */
	assert_true(tbuf_full(&b));
	assert_int_equal(b.len, 0);
	tbuf_reset(&b);
	tval_int(&b, LLONG_MIN, false);		/* 22 */
	assert_true(tbuf_full(&b));
	assert_int_equal(b.len, 0);
	tbuf_reset(&b);
	tbuf_printf(&b, "%d-%s", 12, "abcdefghij");
	assert_true(tbuf_full(&b));
	assert_int_equal(b.len, 0);
	tbuf_free(&b);
}

/* V267: memory stays near the limit however the writes come. */
static void
test_tbuf_memory(void **state)
{
	struct tbuf b;
	char chunk[700];

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	tbuf_init(&b, 1000);
	while (!tbuf_full(&b))
		tbuf_put(&b, "x", 1);
	assert_int_equal(b.len, 1000);
	assert_true(b.cap <= 1001);
	tbuf_free(&b);

	tbuf_init(&b, 1000);
	for (int i = 0; i < 5; i++) {
		struct tbuf_mark m = tbuf_mark(&b);

		tbuf_json_str(&b, chunk, sizeof(chunk));
		if (tbuf_full(&b))
			tbuf_rollback(&b, m);
	}
	assert_int_equal(b.len, 702);
	assert_true(b.cap <= 1001);
	tbuf_free(&b);

	/* no limit: doubling to a megabyte, content intact */
	tbuf_init(&b, 0);
	for (int i = 0; i < 1500; i++)
		tbuf_put(&b, chunk, sizeof(chunk));
	assert_int_equal(b.len, 1500 * sizeof(chunk));
	assert_true(b.cap >= b.len + 1 && b.cap <= 2 * (b.len + 1));
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] != 'a')
			fail_msg("V267: byte %zu", i);
	tbuf_free(&b);
}

static void
test_tbuf_misc(void **state)
{
	struct tbuf b;
	char big[600];
	char *p;
	size_t n = 99;

	(void)state;
	tbuf_init(&b, 0);
	p = tbuf_take(&b, &n);			/* V270: never NULL */
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(n, 0);
	free(p);

	tbuf_printf(&b, "%s=%d", "k", 42);	/* V271 */
	EXPECT("V271", &b, "k=42");
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tbuf_printf(&b, "[%s]", big);		/* V272: past the stack buffer */
	assert_int_equal(b.len, 4 + 2 + 599);
	assert_int_equal(b.data[b.len - 1], ']');

	p = tbuf_take(&b, &n);			/* V273: take resets b */
	assert_int_equal(n, 605);
	assert_int_equal(strlen(p), 605);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.esc, 0);
	free(p);

	tbuf_put(&b, "abc", 3);			/* V274: rollback to a middle mark */
	{
		struct tbuf_mark m = tbuf_mark(&b);

		tbuf_json_str(&b, "\"x\"", 3);
		tbuf_rollback(&b, m);
	}
	EXPECT("V274", &b, "abc");
	tbuf_put(&b, "", 0);
	tbuf_put(&b, NULL, 0);
	EXPECT("V275", &b, "abc");
	tbuf_free(&b);
	tbuf_free(&b);				/* V276: freeing twice is harmless */
}

/* ---- V280: escaped strings decode to their input ---- */

/* Decode the JSON string at s[0..n); returns the byte length or -1. */
static long
json_str_decode(const char *s, size_t n, char *out)
{
	size_t i = 0, o = 0;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return -1;
	for (i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"')
			return -1;
		if (c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		if (++i >= n - 1)
			return -1;
		switch (s[i]) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			unsigned v = 0;

			if (i + 4 >= n - 1)
				return -1;
			for (int k = 1; k <= 4; k++) {
				char h = s[i + k];

				v <<= 4;
				if (h >= '0' && h <= '9')
					v |= (unsigned)(h - '0');
				else if (h >= 'a' && h <= 'f')
					v |= (unsigned)(h - 'a' + 10);
				else if (h >= 'A' && h <= 'F')
					v |= (unsigned)(h - 'A' + 10);
				else
					return -1;
			}
			i += 4;
			if (v >= 0x80)		/* the encoder never needs more */
				return -1;
			out[o++] = (char)v;
			break;
		}
		default:
			return -1;
		}
	}
	return (long)o;
}

static size_t
put_utf8(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xC0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 63));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xE0 | cp >> 12);
		p[1] = (char)(0x80 | (cp >> 6 & 63));
		p[2] = (char)(0x80 | (cp & 63));
		return 3;
	}
	p[0] = (char)(0xF0 | cp >> 18);
	p[1] = (char)(0x80 | (cp >> 12 & 63));
	p[2] = (char)(0x80 | (cp >> 6 & 63));
	p[3] = (char)(0x80 | (cp & 63));
	return 4;
}

static void
test_json_str_property(void **state)
{
	char in[2048], dec[2048];

	(void)state;
	rng_state = 7;
	for (int round = 0; round < 20000; round++) {
		size_t n = 0, want = (size_t)(rng() % 120);
		struct tbuf b;
		long got;

		while (n < want) {
			uint64_t r = rng();
			uint32_t cp;

			switch (r % 6) {
			case 0: cp = (uint32_t)(r >> 8) % 0x20; break;	/* controls */
			case 1: cp = "\"\\/ az\x7f"[(r >> 8) % 7]; break;
			case 2: cp = 0x20 + (uint32_t)(r >> 8) % 0x60; break;
			case 3: cp = 0x80 + (uint32_t)(r >> 8) % 0x780; break;
			case 4:
				cp = 0x800 + (uint32_t)(r >> 8) % 0xF800;
				if (cp >= 0xD800 && cp <= 0xDFFF)
					cp = 0xFFFD;
				break;
			default: cp = 0x10000 + (uint32_t)(r >> 8) % 0x100000; break;
			}
			n += put_utf8(in + n, cp);
		}
		assert_true(tval_utf8_valid(in, n));
		tbuf_init(&b, 0);
		tbuf_json_str(&b, in, n);
		got = json_str_decode(b.data, b.len, dec);
		if (got != (long)n || memcmp(dec, in, n) != 0)
			fail_msg("V280 round %d: [%s] does not decode to its input", round,
			    b.data);
		if (b.esc != count_esc(b.data, b.len))
			fail_msg("V280 round %d: esc", round);
		if (!tval_utf8_valid(b.data, b.len))
			fail_msg("V280 round %d: output not UTF-8", round);
		tbuf_free(&b);
	}
}

/* ---- V300..: type names and classes ---- */

#define BIN 63
#define UTF 45	/* utf8mb4_general_ci */

static const struct {
	const char *id;
	int type;
	unsigned flags, charsetnr;
	const char *name;
	enum tval_class cls;
} col_cases[] = {
	{ "V300", MYSQL_TYPE_TINY, 0, BIN, "TINYINT", TVAL_C_INT },
	{ "V301", MYSQL_TYPE_TINY, UNSIGNED_FLAG, BIN, "TINYINT UNSIGNED", TVAL_C_INT },
	{ "V302", MYSQL_TYPE_SHORT, 0, BIN, "SMALLINT", TVAL_C_INT },
	{ "V303", MYSQL_TYPE_SHORT, UNSIGNED_FLAG, BIN, "SMALLINT UNSIGNED", TVAL_C_INT },
	{ "V304", MYSQL_TYPE_INT24, 0, BIN, "MEDIUMINT", TVAL_C_INT },
	{ "V305", MYSQL_TYPE_INT24, UNSIGNED_FLAG, BIN, "MEDIUMINT UNSIGNED", TVAL_C_INT },
	{ "V306", MYSQL_TYPE_LONG, 0, BIN, "INT", TVAL_C_INT },
	{ "V307", MYSQL_TYPE_LONG, UNSIGNED_FLAG, BIN, "INT UNSIGNED", TVAL_C_INT },
	{ "V308", MYSQL_TYPE_LONGLONG, 0, BIN, "BIGINT", TVAL_C_INT },
	{ "V309", MYSQL_TYPE_LONGLONG, UNSIGNED_FLAG | NUM_FLAG, BIN, "BIGINT UNSIGNED",
	    TVAL_C_INT },
	{ "V310", MYSQL_TYPE_FLOAT, 0, BIN, "FLOAT", TVAL_C_FLOAT },
	{ "V311", MYSQL_TYPE_DOUBLE, 0, BIN, "DOUBLE", TVAL_C_DOUBLE },
	{ "V312", MYSQL_TYPE_DECIMAL, 0, BIN, "DECIMAL", TVAL_C_DECIMAL },
	{ "V313", MYSQL_TYPE_NEWDECIMAL, 0, BIN, "DECIMAL", TVAL_C_DECIMAL },
	{ "V314", MYSQL_TYPE_DATE, 0, BIN, "DATE", TVAL_C_TIME },
	{ "V315", MYSQL_TYPE_NEWDATE, 0, BIN, "DATE", TVAL_C_TIME },
	{ "V316", MYSQL_TYPE_DATETIME, 0, BIN, "DATETIME", TVAL_C_TIME },
	{ "V317", MYSQL_TYPE_TIMESTAMP, 0, BIN, "TIMESTAMP", TVAL_C_TIME },
	{ "V318", MYSQL_TYPE_TIME, 0, BIN, "TIME", TVAL_C_TIME },
	{ "V319", MYSQL_TYPE_YEAR, UNSIGNED_FLAG, BIN, "YEAR", TVAL_C_YEAR },
	{ "V320", MYSQL_TYPE_BIT, UNSIGNED_FLAG, BIN, "BIT", TVAL_C_BIT },
	{ "V321", 245, BINARY_FLAG, BIN, "JSON", TVAL_C_TEXT },	/* MySQL: JSON says binary */
	{ "V322", MYSQL_TYPE_GEOMETRY, BINARY_FLAG, BIN, "GEOMETRY", TVAL_C_BINARY },
	{ "V323", MYSQL_TYPE_NULL, 0, BIN, "NULL", TVAL_C_NULL },
	{ "V324", MYSQL_TYPE_VAR_STRING, 0, UTF, "VARCHAR", TVAL_C_TEXT },
	{ "V325", MYSQL_TYPE_VAR_STRING, BINARY_FLAG, BIN, "VARBINARY", TVAL_C_BINARY },
	{ "V326", MYSQL_TYPE_VARCHAR, 0, UTF, "VARCHAR", TVAL_C_TEXT },
	{ "V327", MYSQL_TYPE_STRING, 0, UTF, "CHAR", TVAL_C_TEXT },
	{ "V328", MYSQL_TYPE_STRING, BINARY_FLAG, BIN, "BINARY", TVAL_C_BINARY },
	{ "V329", MYSQL_TYPE_STRING, ENUM_FLAG, UTF, "ENUM", TVAL_C_TEXT },
	{ "V330", MYSQL_TYPE_STRING, SET_FLAG, UTF, "SET", TVAL_C_TEXT },
	{ "V331", MYSQL_TYPE_BLOB, 0, UTF, "TEXT", TVAL_C_TEXT },
	{ "V332", MYSQL_TYPE_BLOB, BINARY_FLAG, BIN, "BLOB", TVAL_C_BINARY },
	{ "V333", MYSQL_TYPE_TINY_BLOB, 0, UTF, "TINYTEXT", TVAL_C_TEXT },
	{ "V334", MYSQL_TYPE_TINY_BLOB, 0, BIN, "TINYBLOB", TVAL_C_BINARY },
	{ "V335", MYSQL_TYPE_MEDIUM_BLOB, 0, UTF, "MEDIUMTEXT", TVAL_C_TEXT },
	{ "V336", MYSQL_TYPE_MEDIUM_BLOB, 0, BIN, "MEDIUMBLOB", TVAL_C_BINARY },
	{ "V337", MYSQL_TYPE_LONG_BLOB, 0, UTF, "LONGTEXT", TVAL_C_TEXT },
	{ "V338", MYSQL_TYPE_LONG_BLOB, 0, BIN, "LONGBLOB", TVAL_C_BINARY },
	{ "V339", MYSQL_TYPE_ENUM, 0, UTF, "ENUM", TVAL_C_TEXT },
	{ "V340", MYSQL_TYPE_SET, 0, UTF, "SET", TVAL_C_TEXT },
	{ "V341", 200, 0, UTF, "UNKNOWN", TVAL_C_TEXT },
	{ "V342", 200, 0, BIN, "UNKNOWN", TVAL_C_BINARY },
	{ "V343", MYSQL_TYPE_VAR_STRING, ENUM_FLAG, UTF, "ENUM", TVAL_C_TEXT },
	{ "V344", MYSQL_TYPE_STRING, ENUM_FLAG, BIN, "ENUM", TVAL_C_TEXT },
	{ "V345", MYSQL_TYPE_DOUBLE, UNSIGNED_FLAG, BIN, "DOUBLE", TVAL_C_DOUBLE },
	{ "V346", MYSQL_TYPE_BLOB, BINARY_FLAG, UTF, "TEXT", TVAL_C_TEXT },	/* utf8mb4_bin */
};

static void
test_columns(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(col_cases) / sizeof(col_cases[0]); i++) {
		enum enum_field_types t = (enum enum_field_types)col_cases[i].type;
		const char *name = tval_type_name(t, col_cases[i].flags, col_cases[i].charsetnr);
		enum tval_class c = tval_classify(t, col_cases[i].flags, col_cases[i].charsetnr);

		if (strcmp(name, col_cases[i].name) != 0)
			fail_msg("%s: name %s, want %s", col_cases[i].id, name, col_cases[i].name);
		if (c != col_cases[i].cls)
			fail_msg("%s: class %d, want %d", col_cases[i].id, (int)c,
			    (int)col_cases[i].cls);
	}
}

/* tval_int_text: catalog integers (TABLE_ROWS, COUNT(*)) as exact JSON. */
static void
test_int_text(void **state)
{
	static const struct { const char *id, *in, *out; } cases[] = {
		{ "I001", "60", "60" },
		{ "I002", "0", "0" },
		{ "I003", "9007199254740991", "9007199254740991" },
		{ "I004", "9007199254740992", "\"9007199254740992\"" },
		{ "I005", "18446744073709551615", "\"18446744073709551615\"" },
		{ "I006", "-1", "\"-1\"" },
		{ "I007", "", "\"\"" },
		{ "I008", "12abc", "\"12abc\"" },
		{ "I009", NULL, "0" },
	};
	struct tbuf b;
	size_t i;

	(void)state;
	tbuf_init(&b, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tbuf_reset(&b);
		tval_int_text(&b, cases[i].in);
		if (strcmp(b.data, cases[i].out) != 0)
			fail_msg("%s: got %s, want %s", cases[i].id, b.data, cases[i].out);
	}
	tbuf_free(&b);
}

/* tbuf_utf8_scrub: messages quoting client input stay valid UTF-8. */
static void
test_utf8_scrub(void **state)
{
	static const struct { const char *id, *in, *out; } cases[] = {
		{ "U001", "plain ascii", "plain ascii" },
		{ "U002", "caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80" },
		{ "U003", "cut \xf0\x9f\x98", "cut ???" },	/* "%.Ns" split an emoji */
		{ "U004", "cut \xc3' more", "cut ?' more" },
		{ "U005", "\xff\xfe", "??" },
		{ "U006", "\xc0\xaf overlong", "?? overlong" },
		{ "U007", "\xed\xa0\x80 surrogate", "??? surrogate" },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		tbuf_utf8_scrub(buf);
		if (strcmp(buf, cases[i].out) != 0)
			fail_msg("%s: got \"%s\"", cases[i].id, buf);
		assert_true(tval_utf8_valid(buf, strlen(buf)));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_float),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_float_property),
		cmocka_unit_test(test_decimal_year),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_bit),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json_helpers),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_b64_stream),
		cmocka_unit_test(test_tbuf_limit),
		cmocka_unit_test(test_tbuf_memory),
		cmocka_unit_test(test_tbuf_misc),
		cmocka_unit_test(test_json_str_property),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_utf8_scrub),
		cmocka_unit_test(test_int_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
