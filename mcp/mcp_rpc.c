/*
 * The JSON-RPC 2.0 envelope for MCP: classify a line as request,
 * notification, response or error, keeping the id's raw text so that it
 * comes back exactly as sent (0, strings, integers past 2^53), and
 * negotiate the protocol version.  Pure: no I/O, no threads.
 */
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

/*
 * Does a string in the (valid) JSON text hold the escape \u0000?  cJSON
 * keeps strings NUL-terminated, so such a string would be silently cut.
 */
static bool
has_nul_escape(const char *s, size_t len)
{
	bool in_string = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!in_string) {
			in_string = s[i] == '"';
		} else if (s[i] == '"') {
			in_string = false;
		} else if (s[i] == '\\' && i + 1 < len) {
			if (s[i + 1] == 'u' && i + 5 < len && s[i + 2] == '0' && s[i + 3] == '0' &&
			    s[i + 4] == '0' && s[i + 5] == '0')
				return true;
			i++;
		}
	}
	return false;
}

/* ---- classification ---- */

static void
set_error(struct mcp_msg *m, int code, const char *message)
{
	m->kind = MCP_K_ERROR;
	m->code = code;
	m->message = message;
}

static bool
integer_text(const char *s, size_t n)
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

	memset(m, 0, sizeof(*m));
	m->json = cJSON_ParseWithLengthOpts(line, len, &end, 0);
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
	method = cJSON_GetObjectItemCaseSensitive(m->json, "method");
	id = cJSON_GetObjectItemCaseSensitive(m->json, "id");
	jv = cJSON_GetObjectItemCaseSensitive(m->json, "jsonrpc");

	/* The id, kept as raw text when it is a string or an integer. */
	if (id != NULL && (cJSON_IsString(id) || cJSON_IsNumber(id))) {
		raw = mcp_raw_member(line, len, "id", &rawlen);
		if (raw != NULL && (cJSON_IsString(id) || integer_text(raw, rawlen))) {
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
	m->kind = MCP_K_REQUEST;
	m->method = method->valuestring;
	m->nul = has_nul_escape(line, len);
}

void
mcp_msg_free(struct mcp_msg *m)
{
	cJSON_Delete(m->json);
	free(m->id);
	memset(m, 0, sizeof(*m));
}
