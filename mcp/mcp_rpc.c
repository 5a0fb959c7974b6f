/*
 * The JSON-RPC 2.0 envelope for MCP: classify a line as request,
 * notification, response or error, keeping the id's raw text so that it
 * comes back exactly as sent (0, strings, integers past 2^53), and
 * negotiate the protocol version.  Pure: no I/O, no threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp.h"
#include "xalloc.h"

static const char *const versions[] = {
	"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL
};

const char *
mcp_negotiate(const char *requested)
{
	size_t i;

	for (i = 0; requested != NULL && versions[i] != NULL; i++)
		if (strcmp(versions[i], requested) == 0)
			return versions[i];
	return MCP_LATEST_VERSION;
}

bool
mcp_version_structured(const char *version)
{
	return strcmp(version, "2025-06-18") >= 0;
}

/* ---- a small scanner over valid JSON text ---- */

static size_t
skip_ws(const char *s, size_t i, size_t len)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* s[i] is '"': return the index just past the closing quote. */
static size_t
skip_string(const char *s, size_t i, size_t len)
{
	for (i++; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return len;
}

/* Skip one value starting at s[i]; return the index just past it. */
static size_t
skip_value(const char *s, size_t i, size_t len)
{
	int depth = 0;

	if (i >= len)
		return len;
	if (s[i] == '"')
		return skip_string(s, i, len);
	if (s[i] != '{' && s[i] != '[') {
		while (i < len && s[i] != ',' && s[i] != '}' && s[i] != ']' &&
		    s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			i++;
		return i;
	}
	for (; i < len; i++) {
		if (s[i] == '"') {
			i = skip_string(s, i, len) - 1;
		} else if (s[i] == '{' || s[i] == '[') {
			depth++;
		} else if (s[i] == '}' || s[i] == ']') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return len;
}

/* Does the JSON string s[i..end) (with quotes) decode to key?  Handles \uXXXX of ASCII. */
static bool
key_equals(const char *s, size_t i, size_t end, const char *key)
{
	size_t k = 0;

	for (i++; i + 1 < end; i++) {
		char c = s[i];

		if (c == '\\') {
			char e = s[++i];
			if (e == 'u' && i + 4 < end) {
				char hex[5] = { s[i + 1], s[i + 2], s[i + 3], s[i + 4], 0 };
				long v = strtol(hex, NULL, 16);
				if (v <= 0 || v > 0x7f)
					return false;
				c = (char)v;
				i += 4;
			} else {
				c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' :
				    e == 'b' ? '\b' : e == 'f' ? '\f' : e;
			}
		}
		if (key[k] == '\0' || key[k] != c)
			return false;
		k++;
	}
	return key[k] == '\0';
}

const char *
mcp_raw_member(const char *s, size_t len, const char *key, size_t *n)
{
	size_t i = skip_ws(s, 0, len);

	if (i >= len || s[i] != '{')
		return NULL;
	i = skip_ws(s, i + 1, len);
	while (i < len && s[i] == '"') {
		size_t kend = skip_string(s, i, len), vstart, vend;
		bool match = key_equals(s, i, kend, key);

		i = skip_ws(s, kend, len);
		if (i >= len || s[i] != ':')
			return NULL;
		vstart = skip_ws(s, i + 1, len);
		vend = skip_value(s, vstart, len);
		if (match) {
			*n = vend - vstart;
			return s + vstart;
		}
		i = skip_ws(s, vend, len);
		if (i < len && s[i] == ',')
			i = skip_ws(s, i + 1, len);
		else
			break;
	}
	return NULL;
}

static void
set_error(struct mcp_msg *m, int code, const char *message)
{
	m->kind = MCP_K_ERROR;
	m->code = code;
	m->message = message;
}

static void
set_error_buf(struct mcp_msg *m, int code)
{
	set_error(m, code, m->msgbuf);
}

/* The length of the UTF-8 sequence at s[i] (1..4), or 0 when it is not valid UTF-8. */
static size_t
utf8_seq(const unsigned char *s, size_t i, size_t len)
{
	unsigned c = s[i];
	size_t n, k;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (i + n > len)
		return 0;
	for (k = 1; k < n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i + k] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;	/* overlong, past U+10FFFF, or an encoded surrogate */
	return n;
}

static long
hex4(const char *s)
{
	long v = 0;
	int k;

	for (k = 0; k < 4; k++) {
		char c = s[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

enum { U_CHAR, U_NUL, U_LONE };

/*
 * The escape at s[i] ('\\'): *n gets its length (2, 6 for \uXXXX, 12 for a
 * surrogate pair); returns U_NUL for \u0000, U_LONE for a surrogate without
 * its pair, else U_CHAR.
 */
static int
u_escape(const char *s, size_t i, size_t len, size_t *n)
{
	long v, w;

	*n = 2;
	if (s[i + 1] != 'u' || i + 6 > len || (v = hex4(s + i + 2)) < 0)
		return U_CHAR;
	*n = 6;
	if (v == 0)
		return U_NUL;
	if (v >= 0xd800 && v <= 0xdbff && i + 12 <= len && s[i + 6] == '\\' &&
	    s[i + 7] == 'u' && (w = hex4(s + i + 8)) >= 0xdc00 && w <= 0xdfff) {
		*n = 12;
		return U_CHAR;
	}
	return v >= 0xd800 && v <= 0xdfff ? U_LONE : U_CHAR;
}

/*
 * What cJSON lets through and the JSON text rules (RFC 8259) do not: bytes
 * that are not UTF-8 (they would be echoed raw in an id or a progress
 * token), raw control characters in strings (a raw NUL cuts a string
 * silently).  Returns 0, or -1 with m set to a parse error.  Also finds
 * the escapes cJSON cannot keep: \u0000 (m->bad_string = TOOL_ARG_NUL) and
 * lone surrogates (TOOL_ARG_SURROGATE; *lone gets how many there are, and
 * the caller parses a copy with each one replaced by \ufffd).
 */
static int
text_check(const char *line, size_t len, struct mcp_msg *m, size_t *lone)
{
	const unsigned char *s = (const unsigned char *)line;
	bool in_string = false;
	size_t i, n;

	*lone = 0;
	for (i = 0; i < len; i += n) {
		n = 1;
		if (s[i] >= 0x80) {
			if ((n = utf8_seq(s, i, len)) == 0) {
				snprintf(m->msgbuf, sizeof(m->msgbuf), "Parse error: the line is not"
				    " valid UTF-8 (byte 0x%02x at offset %zu)", s[i], i);
				goto bad;
			}
			continue;
		}
		if (s[i] < 0x20 && (in_string || (s[i] != ' ' && s[i] != '\t' &&
		    s[i] != '\n' && s[i] != '\r'))) {
			snprintf(m->msgbuf, sizeof(m->msgbuf), "Parse error: a raw control"
			    " character (0x%02x) at offset %zu; inside a string write it as"
			    " \\u%04x", s[i], i, s[i]);
			goto bad;
		}
		if (!in_string) {
			in_string = s[i] == '"';
			continue;
		}
		if (s[i] == '"') {
			in_string = false;
		} else if (s[i] == '\\' && i + 1 < len) {
			switch (u_escape(line, i, len, &n)) {
			case U_NUL: m->bad_string = TOOL_ARG_NUL; break;
			case U_LONE: (*lone)++; break;
			default: break;
			}
		}
	}
	return 0;
bad:
	set_error_buf(m, MCP_PARSE_ERROR);
	return -1;
}

/* A copy of line with every lone surrogate escape replaced by \ufffd (same length). */
static char *
replace_lone(const char *line, size_t len)
{
	char *c = xmalloc(len + 1);
	size_t i, n;

	memcpy(c, line, len);
	c[len] = '\0';
	for (i = 0; i < len; i += n) {
		n = 1;
		if (c[i] == '\\' && i + 1 < len && u_escape(c, i, len, &n) == U_LONE)
			memcpy(c + i + 2, "fffd", 4);
	}
	return c;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The first key that o (an object) holds twice, or NULL.  cJSON would take
 * the first and the raw scanner another ("id\u0000" reads as "id" too).
 */
static const char *
dup_key(const cJSON *o)
{
	const cJSON *c;
	const char **k;
	const char *dup = NULL;
	size_t n = 0, i;

	for (c = o != NULL ? o->child : NULL; c != NULL; c = c->next)
		n++;
	if (n < 2)
		return NULL;
	k = xmalloc(n * sizeof(*k));
	for (i = 0, c = o->child; c != NULL; c = c->next)
		k[i++] = c->string != NULL ? c->string : "";
	qsort(k, n, sizeof(*k), key_cmp);
	for (i = 1; i < n && dup == NULL; i++)
		if (strcmp(k[i - 1], k[i]) == 0)
			dup = k[i];
	free(k);
	return dup;
}

/* ---- classification ---- */

bool
mcp_integer_text(const char *s, size_t n)
{
	size_t i = 0;

	if (n > 0 && s[0] == '-')
		i++;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

void
mcp_parse(const char *line, size_t len, struct mcp_msg *m)
{
	const cJSON *jv, *method, *id;
	const char *raw, *end = NULL;
	size_t rawlen;

	size_t lone;
	const char *dup;

	memset(m, 0, sizeof(*m));
	if (text_check(line, len, m, &lone) != 0)
		return;
	if (lone > 0) {
		char *copy = replace_lone(line, len);

		m->json = cJSON_ParseWithLengthOpts(copy, len, &end, 0);
		end = m->json != NULL ? line + (end - copy) : NULL;
		free(copy);
		m->bad_string = TOOL_ARG_SURROGATE;
	} else {
		m->json = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	}
	if (m->json != NULL && skip_ws(line, (size_t)(end - line), len) != len) {
		/* One message per line: anything after the value is an error. */
		cJSON_Delete(m->json);
		m->json = NULL;
	}
	if (m->json == NULL) {
		set_error(m, MCP_PARSE_ERROR, "Parse error: the line is not valid JSON");
		return;
	}
	if (cJSON_IsArray(m->json)) {
		set_error(m, MCP_INVALID_REQUEST,
		    "Invalid Request: JSON-RPC batches are not supported; send one message per line");
		return;
	}
	if (!cJSON_IsObject(m->json)) {
		set_error(m, MCP_INVALID_REQUEST, "Invalid Request: a message must be a JSON object");
		return;
	}
	if ((dup = dup_key(m->json)) != NULL) {
		/* Which id or method was meant cannot be told: no id in the answer. */
		snprintf(m->msgbuf, sizeof(m->msgbuf), "Invalid Request: the key \"%.40s\""
		    " appears twice in the message", dup);
		set_error_buf(m, MCP_INVALID_REQUEST);
		return;
	}
	method = cJSON_GetObjectItemCaseSensitive(m->json, "method");
	id = cJSON_GetObjectItemCaseSensitive(m->json, "id");
	jv = cJSON_GetObjectItemCaseSensitive(m->json, "jsonrpc");

	/* The id, kept as raw text when it is a string or an integer. */
	if (id != NULL && (cJSON_IsString(id) || cJSON_IsNumber(id))) {
		raw = mcp_raw_member(line, len, "id", &rawlen);
		if (raw != NULL && (cJSON_IsString(id) || mcp_integer_text(raw, rawlen))) {
			m->id = xmalloc(rawlen + 1);
			memcpy(m->id, raw, rawlen);
			m->id[rawlen] = '\0';
		}
	}
	if (method == NULL) {
		if (id != NULL && (cJSON_GetObjectItemCaseSensitive(m->json, "result") != NULL ||
		    cJSON_GetObjectItemCaseSensitive(m->json, "error") != NULL)) {
			m->kind = MCP_K_RESPONSE;
			return;
		}
		if (id == NULL) {
			/* No id and no method: nothing we can answer to. */
			set_error(m, MCP_INVALID_REQUEST, "Invalid Request: no method");
			return;
		}
		set_error(m, MCP_INVALID_REQUEST, "Invalid Request: no method");
		return;
	}
	if (id == NULL) {
		/* A notification: never answered, even when malformed. */
		if (!cJSON_IsString(method) || !cJSON_IsString(jv) ||
		    strcmp(jv->valuestring, "2.0") != 0) {
			m->kind = MCP_K_SILENT;
			return;
		}
		m->kind = MCP_K_NOTIFICATION;
		m->method = method->valuestring;
		m->params = cJSON_GetObjectItemCaseSensitive(m->json, "params");
		return;
	}
	if (m->id == NULL) {
		set_error(m, MCP_INVALID_REQUEST,
		    "Invalid Request: id must be a string or an integer");
		return;
	}
	if (!cJSON_IsString(jv) || strcmp(jv->valuestring, "2.0") != 0) {
		set_error(m, MCP_INVALID_REQUEST, "Invalid Request: jsonrpc must be \"2.0\"");
		return;
	}
	if (!cJSON_IsString(method)) {
		set_error(m, MCP_INVALID_REQUEST, "Invalid Request: method must be a string");
		return;
	}
	m->params = cJSON_GetObjectItemCaseSensitive(m->json, "params");
	if (m->params != NULL && !cJSON_IsObject(m->params)) {
		set_error(m, MCP_INVALID_PARAMS, "Invalid params: params must be an object");
		return;
	}
	if ((dup = dup_key(m->params)) != NULL ||
	    (dup = dup_key(cJSON_GetObjectItemCaseSensitive(m->params, "_meta"))) != NULL) {
		snprintf(m->msgbuf, sizeof(m->msgbuf), "Invalid params: the key \"%.40s\""
		    " appears twice", dup);
		set_error_buf(m, MCP_INVALID_PARAMS);
		return;
	}
	m->kind = MCP_K_REQUEST;
	m->method = method->valuestring;
}

void
mcp_msg_free(struct mcp_msg *m)
{
	cJSON_Delete(m->json);
	free(m->id);
	memset(m, 0, sizeof(*m));
}
