/*
 * guard.c: the statement guard (CONTRACT 7.1).
 *
 * Every statement saia-mcp sends to a database passes guard_check() first.
 * The guard is a lexer of MySQL's lexical rules and a deny-by-default
 * verdict on the token stream: exactly one SELECT, SHOW, DESCRIBE or
 * EXPLAIN, with no executable comments, no INTO, no locking reads, no
 * assignments, no function that is not a known read-only built-in, no other
 * database, and nothing whose meaning would change under ANSI_QUOTES,
 * NO_BACKSLASH_ESCAPES or PIPES_AS_CONCAT.
 *
 * It does not parse SQL.  It knows just enough structure (parentheses,
 * FROM lists, CTE heads, the SHOW and EXPLAIN forms) to tell a database
 * qualifier from a table qualifier and a function call from a keyword, and
 * it refuses whatever it is unsure of: the server is the parser, the guard
 * only makes sure that whatever the server parses cannot write, lock, stall
 * or look outside the tenant's database.  The read-only session and the
 * SELECT-only account are the other two layers; each must hold alone.
 *
 * Pure: no allocation, no I/O, no globals but the const tables below.
 */
#include <stdio.h>
#include <string.h>

#include "guard.h"

/* Deepest parenthesis nesting the verdict follows; deeper is refused. */
#define GUARD_MAX_DEPTH 128

/*
 * Byte classes.  One 256-entry table maps each byte to the class that
 * decides how a token starting with it is read (SQLite tokenize.c style):
 *
 *	CC_SPACE	MySQL blanks: space \t \n \v \f \r
 *	CC_ALPHA	starts a word: letters, _, $ and every byte >= 0x80
 *			(the input is valid UTF-8 by then; MySQL takes any
 *			non-ASCII character as an identifier character)
 *	CC_XB		x X b B n N: a word, or X'hex', B'bits', N'national'
 *	CC_DIGIT	a number, or a word that starts with digits (1abc)
 *	CC_QUOTE	'string'	CC_DQUOTE  "string"  CC_BACKTICK `ident`
 *	CC_HASH		# comment	CC_MINUS   - -- -> ->>
 *	CC_SLASH	/ or a comment	CC_DOT	   . or .5
 *	CC_AT		@var @@sysvar	CC_QMARK   ? placeholder
 *	CC_COLON	:= (a lone : is illegal)
 *	CC_LT CC_GT CC_EQ CC_BANG CC_PIPE CC_AMP  comparison and logic
 *	CC_OP		single-byte operators + * % ^ ~
 *	CC_LP CC_RP CC_COMMA CC_SEMI
 *	CC_ILLEGAL	NUL, controls, DEL, \ { } [ ]
 */
enum {
	CC_ILLEGAL = 0, CC_SPACE, CC_ALPHA, CC_XB, CC_DIGIT, CC_QUOTE,
	CC_DQUOTE, CC_BACKTICK, CC_HASH, CC_MINUS, CC_SLASH, CC_DOT, CC_AT,
	CC_QMARK, CC_COLON, CC_LT, CC_GT, CC_EQ, CC_BANG, CC_PIPE, CC_AMP,
	CC_OP, CC_LP, CC_RP, CC_COMMA, CC_SEMI
};

#define A_ CC_ALPHA
static const unsigned char char_class[256] = {
/*        x0         x1         x2         x3         x4         x5         x6         x7 */
/*        x8         x9         xa         xb         xc         xd         xe         xf */
/* 0x */ CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,
	 CC_ILLEGAL,CC_SPACE,  CC_SPACE,  CC_SPACE,  CC_SPACE,  CC_SPACE,  CC_ILLEGAL,CC_ILLEGAL,
/* 1x */ CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,
	 CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,
/* 2x */ CC_SPACE,  CC_BANG,   CC_DQUOTE, CC_HASH,   A_,        CC_OP,     CC_AMP,    CC_QUOTE,
	 CC_LP,     CC_RP,     CC_OP,     CC_OP,     CC_COMMA,  CC_MINUS,  CC_DOT,    CC_SLASH,
/* 3x */ CC_DIGIT,  CC_DIGIT,  CC_DIGIT,  CC_DIGIT,  CC_DIGIT,  CC_DIGIT,  CC_DIGIT,  CC_DIGIT,
	 CC_DIGIT,  CC_DIGIT,  CC_COLON,  CC_SEMI,   CC_LT,     CC_EQ,     CC_GT,     CC_QMARK,
/* 4x */ CC_AT,     A_,        CC_XB,     A_,        A_,        A_,        A_,        A_,
	 A_,        A_,        A_,        A_,        A_,        A_,        CC_XB,     A_,
/* 5x */ A_,        A_,        A_,        A_,        A_,        A_,        A_,        A_,
	 CC_XB,     A_,        A_,        CC_ILLEGAL,CC_ILLEGAL,CC_ILLEGAL,CC_OP,     A_,
/* 6x */ CC_BACKTICK,A_,       CC_XB,     A_,        A_,        A_,        A_,        A_,
	 A_,        A_,        A_,        A_,        A_,        A_,        CC_XB,     A_,
/* 7x */ A_,        A_,        A_,        A_,        A_,        A_,        A_,        A_,
	 CC_XB,     A_,        A_,        CC_ILLEGAL,CC_PIPE,   CC_ILLEGAL,CC_OP,     CC_ILLEGAL,
/* 8x */ A_,A_,A_,A_,A_,A_,A_,A_, A_,A_,A_,A_,A_,A_,A_,A_,
/* 9x */ A_,A_,A_,A_,A_,A_,A_,A_, A_,A_,A_,A_,A_,A_,A_,A_,
/* ax */ A_,A_,A_,A_,A_,A_,A_,A_, A_,A_,A_,A_,A_,A_,A_,A_,
/* bx */ A_,A_,A_,A_,A_,A_,A_,A_, A_,A_,A_,A_,A_,A_,A_,A_,
/* cx */ A_,A_,A_,A_,A_,A_,A_,A_, A_,A_,A_,A_,A_,A_,A_,A_,
/* dx */ A_,A_,A_,A_,A_,A_,A_,A_, A_,A_,A_,A_,A_,A_,A_,A_,
/* ex */ A_,A_,A_,A_,A_,A_,A_,A_, A_,A_,A_,A_,A_,A_,A_,A_,
/* fx */ A_,A_,A_,A_,A_,A_,A_,A_, A_,A_,A_,A_,A_,A_,A_,A_,
};
#undef A_

/* A byte that continues a word: letters, digits, _, $, non-ASCII. */
static int
is_word(unsigned char c)
{
	int cc = char_class[c];

	return cc == CC_ALPHA || cc == CC_XB || cc == CC_DIGIT;
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* What MySQL accepts after "--" to start a comment: blank or control. */
static int
is_dash_comment_end(unsigned char c)
{
	return c <= 0x20 || c == 0x7f;
}

/*
 * A quoted run starting at s[i] (the opening quote q).  Backslash escapes
 * the next byte (MySQL without NO_BACKSLASH_ESCAPES) unless no_escape, a
 * doubled quote stands for itself.  Returns the length including both
 * quotes, or 0 when the run is not closed.
 */
static size_t
quoted(const unsigned char *s, size_t len, size_t i, int no_escape,
    unsigned *flags)
{
	unsigned char q = s[i];
	size_t j = i + 1;

	while (j < len) {
		if (s[j] == '\\' && !no_escape) {
			*flags |= GUARD_TF_BACKSLASH;
			j += 2;
			continue;
		}
		if (s[j] == q) {
			if (j + 1 < len && s[j + 1] == q) {
				j += 2;
				continue;
			}
			return j + 1 - i;
		}
		j++;
	}
	return 0;
}

size_t
guard_lex(const char *sql, size_t len, size_t off, struct guard_token *tok)
{
	const unsigned char *s = (const unsigned char *)sql;
	size_t i = off, n;
	unsigned char c;

	tok->off = off;
	tok->flags = 0;
	tok->type = GUARD_T_EOF;
	tok->len = 0;
	if (off >= len)
		return 0;
	c = s[i];
	switch (char_class[c]) {
	case CC_SPACE:
		while (i < len && char_class[s[i]] == CC_SPACE)
			i++;
		tok->type = GUARD_T_SPACE;
		break;
	case CC_HASH:
	line_comment:
		while (i < len && s[i] != '\n')
			i++;
		tok->type = GUARD_T_COMMENT;
		break;
	case CC_MINUS:
		if (i + 1 < len && s[i + 1] == '-' &&
		    (i + 2 >= len || is_dash_comment_end(s[i + 2])))
			goto line_comment;
		tok->type = GUARD_T_OP;
		i++;
		if (i < len && s[i] == '>') {
			i++;
			if (i < len && s[i] == '>')
				i++;
		}
		break;
	case CC_SLASH:
		if (i + 1 >= len || s[i + 1] != '*') {
			tok->type = GUARD_T_OP;
			i++;
			break;
		}
		tok->type = GUARD_T_COMMENT;
		if (i + 2 < len && s[i + 2] == '!')
			tok->type = GUARD_T_EXEC_COMMENT;
		else if (i + 3 < len && (s[i + 2] == 'M' || s[i + 2] == 'm') &&
		    s[i + 3] == '!')
			tok->type = GUARD_T_EXEC_COMMENT;
		else if (i + 2 < len && s[i + 2] == '+')
			tok->type = GUARD_T_HINT;
		for (i += 2; i + 1 < len; i++)
			if (s[i] == '*' && s[i + 1] == '/')
				break;
		if (i + 1 >= len) {
			i = len;
			if (tok->type != GUARD_T_EXEC_COMMENT)
				tok->type = GUARD_T_UNTERMINATED;
		} else
			i += 2;
		break;
	case CC_QUOTE:
	case CC_DQUOTE:
		n = quoted(s, len, i, 0, &tok->flags);
		if (n == 0) {
			tok->type = GUARD_T_UNTERMINATED;
			i = len;
		} else {
			tok->type = c == '\'' ? GUARD_T_STRING : GUARD_T_DQSTRING;
			i += n;
		}
		break;
	case CC_BACKTICK:
		n = quoted(s, len, i, 1, &tok->flags);
		if (n == 0) {
			tok->type = GUARD_T_UNTERMINATED;
			i = len;
		} else {
			tok->type = GUARD_T_QID;
			i += n;
		}
		break;
	case CC_XB:
		if (i + 1 < len && s[i + 1] == '\'') {
			if (c == 'n' || c == 'N') {
				n = quoted(s, len, i + 1, 0, &tok->flags);
				if (n == 0) {
					tok->type = GUARD_T_UNTERMINATED;
					i = len;
				} else {
					tok->type = GUARD_T_STRING;
					i += 1 + n;
				}
				break;
			}
			/* X'hex' and B'bits': digits only, no escapes */
			for (i += 2; i < len && s[i] != '\''; i++)
				if (c == 'x' || c == 'X' ? !is_hex(s[i]) :
				    s[i] != '0' && s[i] != '1')
					break;
			if (i >= len) {
				tok->type = GUARD_T_UNTERMINATED;
			} else if (s[i] != '\'') {
				tok->type = GUARD_T_ILLEGAL;
				i++;
			} else {
				tok->type = GUARD_T_STRING;
				i++;
			}
			break;
		}
		/* FALLTHROUGH */
	case CC_ALPHA:
	word:
		while (i < len && is_word(s[i]))
			i++;
		tok->type = GUARD_T_ID;
		break;
	case CC_DIGIT:
		tok->type = GUARD_T_NUMBER;
		if (c == '0' && i + 2 < len && (s[i + 1] == 'x' || s[i + 1] == 'b') &&
		    (s[i + 1] == 'x' ? is_hex(s[i + 2]) :
		    (s[i + 2] == '0' || s[i + 2] == '1'))) {
			unsigned char k = s[i + 1];

			for (i += 2; i < len; i++)
				if (k == 'x' ? !is_hex(s[i]) :
				    s[i] != '0' && s[i] != '1')
					break;
			if (i < len && is_word(s[i]))
				goto word;	/* 0x1g is a name */
			break;
		}
		while (i < len && is_digit(s[i]))
			i++;
		if (i < len && is_word(s[i]) && !((s[i] == 'e' || s[i] == 'E') &&
		    ((i + 1 < len && is_digit(s[i + 1])) ||
		    (i + 2 < len && (s[i + 1] == '+' || s[i + 1] == '-') &&
		    is_digit(s[i + 2])))))
			goto word;	/* 1abc is a name */
		/* FALLTHROUGH */
	number:
		if (i < len && s[i] == '.') {
			i++;
			while (i < len && is_digit(s[i]))
				i++;
		}
		if (i < len && (s[i] == 'e' || s[i] == 'E')) {
			if (i + 1 < len && is_digit(s[i + 1]))
				i += 1;
			else if (i + 2 < len && (s[i + 1] == '+' ||
			    s[i + 1] == '-') && is_digit(s[i + 2]))
				i += 2;
			else
				break;
			while (i < len && is_digit(s[i]))
				i++;
		}
		break;
	case CC_DOT:
		/* .5 is a number, but t.5 names column 5 of t */
		if (i + 1 < len && is_digit(s[i + 1]) &&
		    !(i > 0 && (is_word(s[i - 1]) || s[i - 1] == '`'))) {
			tok->type = GUARD_T_NUMBER;
			goto number;
		}
		tok->type = GUARD_T_DOT;
		i++;
		break;
	case CC_AT:
		i++;
		if (i < len && s[i] == '@') {
			i++;
			tok->type = GUARD_T_SYSVAR;
			if (i < len && s[i] == '`') {
				n = quoted(s, len, i, 1, &tok->flags);
				if (n == 0) {
					tok->type = GUARD_T_UNTERMINATED;
					i = len;
				} else
					i += n;
			} else if (i < len && is_word(s[i])) {
				while (i < len && is_word(s[i]))
					i++;
			} else
				tok->type = GUARD_T_ILLEGAL;
			break;
		}
		tok->type = GUARD_T_VAR;
		if (i < len && (s[i] == '\'' || s[i] == '"' || s[i] == '`')) {
			if (s[i] == '"')
				tok->flags |= GUARD_TF_DQUOTE;
			n = quoted(s, len, i, s[i] == '`', &tok->flags);
			if (n == 0) {
				tok->type = GUARD_T_UNTERMINATED;
				i = len;
			} else
				i += n;
		} else if (i < len && (is_word(s[i]) || s[i] == '.')) {
			while (i < len && (is_word(s[i]) || s[i] == '.'))
				i++;
		} else
			tok->type = GUARD_T_ILLEGAL;
		break;
	case CC_QMARK:
		tok->type = GUARD_T_PARAM;
		i++;
		break;
	case CC_COLON:
		i++;
		if (i < len && s[i] == '=') {
			tok->type = GUARD_T_ASSIGN;
			i++;
		} else
			tok->type = GUARD_T_ILLEGAL;
		break;
	case CC_LT:
		tok->type = GUARD_T_OP;
		i++;
		if (i < len && s[i] == '=') {
			i++;
			if (i < len && s[i] == '>')
				i++;		/* <=> */
		} else if (i < len && (s[i] == '>' || s[i] == '<'))
			i++;
		break;
	case CC_GT:
		tok->type = GUARD_T_OP;
		i++;
		if (i < len && (s[i] == '=' || s[i] == '>'))
			i++;
		break;
	case CC_BANG:
		tok->type = GUARD_T_OP;
		i++;
		if (i < len && s[i] == '=')
			i++;
		break;
	case CC_PIPE:
	case CC_AMP:
		tok->type = GUARD_T_OP;
		i++;
		if (i < len && s[i] == c)
			i++;
		break;
	case CC_EQ:
	case CC_OP:
		tok->type = GUARD_T_OP;
		i++;
		break;
	case CC_LP:
		tok->type = GUARD_T_LP;
		i++;
		break;
	case CC_RP:
		tok->type = GUARD_T_RP;
		i++;
		break;
	case CC_COMMA:
		tok->type = GUARD_T_COMMA;
		i++;
		break;
	case CC_SEMI:
		tok->type = GUARD_T_SEMI;
		i++;
		break;
	default:
		tok->type = GUARD_T_ILLEGAL;
		i++;
		break;
	}
	if (i > len)		/* a backslash as the last byte */
		i = len;
	tok->len = i - off;
	return tok->len;
}

/*
 * Name tables, upper case and sorted by byte value (bsearch).  Each is
 * a list of bare words; a word matches case-insensitively.
 *
 * builtin_funcs: read-only built-ins that may be called, and CAST and
 * JSON_TABLE type names.  An unqualified name that is not a built-in on
 * the server resolves to a stored function, which can write; so the list
 * holds only names that are built-ins on both MySQL 8 and MariaDB 10.6+
 * (MySQL-only ones such as REGEXP_LIKE, ANY_VALUE, GROUPING, UUID_TO_BIN,
 * BIN_TO_UUID, IS_UUID and RANDOM_BYTES would reach a tenant's stored
 * function of that name on MariaDB).  Checked against MariaDB 10.11 by
 * calling each name with a stored function of that name in place: POINT
 * (a built-in only with exactly two arguments), ST_ISVALID and JSON_TABLE
 * (a table function, a built-in only as a table reference) reached the
 * stored function, so they are not here; JSON_TABLE is allowed where a
 * table reference stands (check_token).
 * denied_funcs: built-ins that stall, lock, read files or change state;
 * refused even when a tenant lists them.
 * noncall_words: reserved words that may be followed by "(" without being
 * a call (IN (...), OVER (...), AS (...), JOIN (...), ...).  Only words
 * that cannot name a function on MariaDB or MySQL: ARRAY, LATERAL, OF and
 * COLUMNS are ordinary names on MariaDB, so "OF(1)" calls a stored
 * function OF; LATERAL and COLUMNS are judged by what surrounds them.
 * sysvar_names: the system variables a statement may read with @@; the
 * rest can reveal paths (datadir, log_error, socket, plugin_dir, ...),
 * host names or other server internals.
 * ignore_space_funcs: names MySQL takes as a built-in only when "(" follows
 * without a blank (unless IGNORE_SPACE); "COUNT (x)" would call a stored
 * function named count, so with a blank they count as unknown names.
 * is_views: the information_schema catalogue views that may be read; the
 * rest (PROCESSLIST, *_STATUS, *_VARIABLES, INNODB_*, user and client
 * statistics, ...) describe sessions and server internals.
 * statement_words: words that start a statement, refused after EXPLAIN.
 */
static const char *const builtin_funcs[] = {
	"ABS", "ACOS", "ADDDATE", "ADDTIME", "AES_DECRYPT", "AES_ENCRYPT",
	"ASCII", "ASIN", "ATAN", "ATAN2", "AVG", "BIN", "BINARY",
	"BIT_AND", "BIT_LENGTH", "BIT_OR", "BIT_XOR", "CAST",
	"CEIL", "CEILING", "CHAR", "CHARACTER_LENGTH", "CHARSET",
	"CHAR_LENGTH", "COALESCE", "COERCIBILITY", "COLLATION", "COMPRESS",
	"CONCAT", "CONCAT_WS", "CONNECTION_ID", "CONV", "CONVERT",
	"CONVERT_TZ", "COS", "COT", "COUNT", "CRC32", "CUME_DIST", "CURDATE",
	"CURRENT_DATE", "CURRENT_ROLE", "CURRENT_TIME", "CURRENT_TIMESTAMP",
	"CURRENT_USER", "CURTIME", "DATABASE", "DATE", "DATEDIFF", "DATETIME",
	"DATE_ADD", "DATE_FORMAT", "DATE_SUB", "DAY", "DAYNAME", "DAYOFMONTH",
	"DAYOFWEEK", "DAYOFYEAR", "DECIMAL", "DEFAULT", "DEGREES",
	"DENSE_RANK", "DOUBLE", "ELT", "EXP", "EXPORT_SET", "EXTRACT", "FIELD",
	"FIND_IN_SET", "FIRST_VALUE", "FLOAT", "FLOOR", "FORMAT", "FOUND_ROWS",
	"FROM_BASE64", "FROM_DAYS", "FROM_UNIXTIME", "GET_FORMAT", "GREATEST",
	"GROUP_CONCAT", "HEX", "HOUR", "IF", "IFNULL",
	"INET6_ATON", "INET6_NTOA", "INET_ATON", "INET_NTOA", "INSERT",
	"INSTR", "INTEGER", "INTERVAL", "ISNULL", "IS_IPV4", "IS_IPV6",
	"JSON_ARRAY", "JSON_ARRAYAGG", "JSON_ARRAY_APPEND",
	"JSON_ARRAY_INSERT", "JSON_CONTAINS", "JSON_CONTAINS_PATH",
	"JSON_DEPTH", "JSON_EXTRACT", "JSON_INSERT", "JSON_KEYS",
	"JSON_LENGTH", "JSON_MERGE", "JSON_MERGE_PATCH", "JSON_MERGE_PRESERVE",
	"JSON_OBJECT", "JSON_OBJECTAGG", "JSON_OVERLAPS", "JSON_PRETTY",
	"JSON_QUOTE", "JSON_REMOVE", "JSON_REPLACE", "JSON_SEARCH", "JSON_SET",
	"JSON_TYPE", "JSON_UNQUOTE", "JSON_VALID", "JSON_VALUE",
	"LAG", "LAST_DAY", "LAST_INSERT_ID", "LAST_VALUE", "LCASE", "LEAD",
	"LEAST", "LEFT", "LENGTH", "LN", "LOCALTIME", "LOCALTIMESTAMP",
	"LOCATE", "LOG", "LOG10", "LOG2", "LOWER", "LPAD", "LTRIM", "MAKEDATE",
	"MAKETIME", "MAKE_SET", "MATCH", "MAX", "MD5", "MICROSECOND", "MID",
	"MIN", "MINUTE", "MOD", "MONTH", "MONTHNAME", "NCHAR", "NOW",
	"NTH_VALUE", "NTILE", "NULLIF", "OCT", "OCTET_LENGTH", "ORD",
	"PERCENT_RANK", "PERIOD_ADD", "PERIOD_DIFF", "PI", "POSITION",
	"POW", "POWER", "QUARTER", "QUOTE", "RADIANS", "RAND",
	"RANK", "REAL", "REGEXP_INSTR", "REGEXP_REPLACE",
	"REGEXP_SUBSTR", "REPEAT", "REPLACE", "REVERSE", "RIGHT", "ROUND",
	"ROW_COUNT", "ROW_NUMBER", "RPAD", "RTRIM", "SCHEMA", "SECOND",
	"SEC_TO_TIME", "SESSION_USER", "SHA", "SHA1", "SHA2", "SIGN", "SIGNED",
	"SIN", "SOUNDEX", "SPACE", "SQRT", "STD", "STDDEV", "STDDEV_POP",
	"STDDEV_SAMP", "STRCMP", "STR_TO_DATE", "ST_AREA", "ST_ASBINARY",
	"ST_ASGEOJSON", "ST_ASTEXT", "ST_ASWKT", "ST_CONTAINS", "ST_DISTANCE",
	"ST_DISTANCE_SPHERE", "ST_ENVELOPE", "ST_GEOMETRYTYPE",
	"ST_GEOMFROMGEOJSON", "ST_GEOMFROMTEXT", "ST_INTERSECTS",
	"ST_LENGTH", "ST_POINTFROMTEXT", "ST_SRID", "ST_WITHIN", "ST_X",
	"ST_Y", "SUBDATE", "SUBSTR", "SUBSTRING", "SUBSTRING_INDEX", "SUBTIME",
	"SUM", "SYSDATE", "SYSTEM_USER", "TAN", "TIME", "TIMEDIFF",
	"TIMESTAMP", "TIMESTAMPADD", "TIMESTAMPDIFF", "TIME_FORMAT",
	"TIME_TO_SEC", "TO_BASE64", "TO_DAYS", "TO_SECONDS", "TRIM",
	"TRUNCATE", "UCASE", "UNCOMPRESS", "UNCOMPRESSED_LENGTH", "UNHEX",
	"UNIX_TIMESTAMP", "UNSIGNED", "UPPER", "USER", "UTC_DATE", "UTC_TIME",
	"UTC_TIMESTAMP", "UUID", "UUID_SHORT", "VARCHAR",
	"VARIANCE", "VAR_POP", "VAR_SAMP", "VERSION", "WEEK", "WEEKDAY",
	"WEEKOFYEAR", "WEIGHT_STRING", "YEAR", "YEARWEEK",
};

static const char *const denied_funcs[] = {
	"BENCHMARK", "GET_LOCK", "IS_FREE_LOCK", "IS_USED_LOCK", "LASTVAL",
	"LOAD_FILE", "MASTER_GTID_WAIT", "MASTER_POS_WAIT", "NEXTVAL",
	"RELEASE_ALL_LOCKS", "RELEASE_LOCK", "SETVAL", "SLEEP",
	"SOURCE_POS_WAIT", "VALUES", "WAIT_FOR_EXECUTED_GTID_SET",
	"WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS",
};

static const char *const sysvar_names[] = {
	"AUTOCOMMIT", "AUTO_INCREMENT_INCREMENT", "AUTO_INCREMENT_OFFSET",
	"CHARACTER_SET_CLIENT", "CHARACTER_SET_CONNECTION",
	"CHARACTER_SET_DATABASE", "CHARACTER_SET_RESULTS",
	"CHARACTER_SET_SERVER", "COLLATION_CONNECTION", "COLLATION_DATABASE",
	"COLLATION_SERVER", "DEFAULT_STORAGE_ENGINE", "DEFAULT_WEEK_FORMAT",
	"DIV_PRECISION_INCREMENT", "GROUP_CONCAT_MAX_LEN", "LC_TIME_NAMES",
	"LOWER_CASE_TABLE_NAMES", "MAX_ALLOWED_PACKET", "MAX_EXECUTION_TIME",
	"MAX_STATEMENT_TIME", "SQL_MODE", "SQL_SELECT_LIMIT",
	"SYSTEM_TIME_ZONE", "TIME_ZONE", "TRANSACTION_ISOLATION",
	"TRANSACTION_READ_ONLY", "TX_ISOLATION", "TX_READ_ONLY", "VERSION",
	"VERSION_COMMENT", "VERSION_COMPILE_MACHINE", "VERSION_COMPILE_OS",
};

static const char *const noncall_words[] = {
	"ALL", "AND", "AS", "BETWEEN", "BY", "CASE", "COLLATE",
	"CROSS", "DISTINCT", "DISTINCTROW", "DIV", "DUAL", "ELSE", "EXCEPT",
	"EXISTS", "FOR", "FORCE", "FROM", "HAVING", "IGNORE", "IN", "INDEX",
	"INNER", "INTERSECT", "IS", "JOIN", "KEY", "LIKE",
	"NATURAL", "NOT", "ON", "OR", "OUTER", "OVER", "PARTITION",
	"RANGE", "RECURSIVE", "REGEXP", "RLIKE", "ROW", "ROWS", "SELECT",
	"STRAIGHT_JOIN", "THEN", "UNION", "USE", "USING", "WHEN", "WHERE",
	"WINDOW", "WITH", "XOR",
};

static const char *const ignore_space_funcs[] = {
	"ADDDATE", "BIT_AND", "BIT_OR", "BIT_XOR", "CAST", "COUNT",
	"CUME_DIST", "CURDATE", "CURTIME", "DATE_ADD", "DATE_SUB",
	"DENSE_RANK", "EXTRACT", "FIRST_VALUE", "GROUP_CONCAT",
	"JSON_ARRAYAGG", "JSON_OBJECTAGG", "LAG", "LAST_VALUE", "LEAD", "MAX",
	"MID", "MIN", "NOW", "NTH_VALUE", "NTILE", "PERCENT_RANK", "POSITION",
	"RANK", "ROW_NUMBER", "SESSION_USER", "STD", "STDDEV", "STDDEV_POP",
	"STDDEV_SAMP", "SUBDATE", "SUBSTR", "SUBSTRING", "SUM", "SYSDATE",
	"SYSTEM_USER", "TRIM", "VARIANCE", "VAR_POP", "VAR_SAMP",
};

static const char *const is_views[] = {
	"ADMINISTRABLE_ROLE_AUTHORIZATIONS", "ALL_PLUGINS", "APPLICABLE_ROLES",
	"CHARACTER_SETS", "CHECK_CONSTRAINTS", "COLLATIONS",
	"COLLATION_CHARACTER_SET_APPLICABILITY", "COLUMNS",
	"COLUMNS_EXTENSIONS", "COLUMN_PRIVILEGES", "COLUMN_STATISTICS",
	"ENABLED_ROLES", "ENGINES", "EVENTS", "GEOMETRY_COLUMNS", "KEYWORDS",
	"KEY_COLUMN_USAGE", "PARAMETERS", "PARTITIONS", "PERIODS", "PLUGINS",
	"REFERENTIAL_CONSTRAINTS", "ROLE_COLUMN_GRANTS", "ROLE_ROUTINE_GRANTS",
	"ROLE_TABLE_GRANTS", "ROUTINES", "SCHEMATA", "SCHEMATA_EXTENSIONS",
	"SCHEMA_PRIVILEGES", "SPATIAL_REF_SYS", "SQL_FUNCTIONS", "STATISTICS",
	"ST_GEOMETRY_COLUMNS", "ST_SPATIAL_REFERENCE_SYSTEMS",
	"ST_UNITS_OF_MEASURE", "TABLES", "TABLES_EXTENSIONS",
	"TABLE_CONSTRAINTS", "TABLE_CONSTRAINTS_EXTENSIONS",
	"TABLE_PRIVILEGES", "TRIGGERS", "USER_PRIVILEGES", "VIEWS",
	"VIEW_ROUTINE_USAGE", "VIEW_TABLE_USAGE",
};

static const char *const statement_words[] = {
	"ALTER", "ANALYZE", "BACKUP", "BEGIN", "BINLOG", "CACHE", "CALL",
	"CHANGE", "CHECK", "CHECKSUM", "CLONE", "COMMIT", "CREATE",
	"DEALLOCATE", "DELETE", "DO", "DROP", "EXECUTE", "FLUSH", "GET",
	"GRANT", "HANDLER", "HELP", "IMPORT", "INSERT", "INSTALL", "KILL",
	"LOAD", "LOCK", "OPTIMIZE", "PREPARE", "PURGE", "RELEASE", "RENAME",
	"REPAIR", "REPLACE", "RESET", "RESIGNAL", "RESTART", "REVOKE",
	"ROLLBACK", "SAVEPOINT", "SET", "SHOW", "SHUTDOWN", "SIGNAL", "START",
	"TABLE", "TRUNCATE", "UNINSTALL", "UNLOCK", "UPDATE", "USE", "VALUES",
	"XA",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static unsigned char
upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* Compare s[0..n) case-insensitively with the upper-case word w. */
static int
word_cmp(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n && w[i] != '\0'; i++) {
		unsigned char a = upper((unsigned char)s[i]);
		unsigned char b = (unsigned char)w[i];

		if (a != b)
			return a < b ? -1 : 1;
	}
	if (i < n)
		return 1;
	return w[i] == '\0' ? 0 : -1;
}

static int
in_table(const char *const *t, size_t nt, const char *s, size_t n)
{
	size_t lo = 0, hi = nt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = word_cmp(s, n, t[mid]);

		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

const char *
guard_builtin_function(size_t i)
{
	return i < NELEM(builtin_funcs) ? builtin_funcs[i] : NULL;
}

/*
 * The verdict's state.  The lexer is a pure function of the offset, so the
 * verdict keeps only the current token and the previous significant one,
 * and peeks ahead by lexing again.  Per parenthesis level it remembers:
 *
 *	call	the "(" opened a function call (FROM inside it is
 *		TRIM(... FROM x), not a table list)
 *	from	a FROM clause is open at this level: a "," starts another
 *		table reference
 *	cte	where a WITH list at this level is (CTE_*)
 *
 * expect_tab is set right after FROM, JOIN, a "," in a FROM list, or a "("
 * that follows one of those: the next name is a table reference, so a
 * two-part name there is database.table.
 */
enum {
	CTE_NONE = 0,
	CTE_NAME,	/* after WITH [RECURSIVE] or ",": a name */
	CTE_AFTER_NAME,	/* "(" column list or AS */
	CTE_COLS,	/* inside the column list */
	CTE_AS,		/* after the column list: AS */
	CTE_BODY_OPEN,	/* after AS: "(" */
	CTE_BODY,	/* inside the body */
	CTE_AFTER_BODY	/* "," or the statement the WITH belongs to */
};

struct level {
	unsigned char call;
	unsigned char from;
	unsigned char cte;
};

struct gstate {
	const char *sql;
	size_t len;
	const struct guard_opts *opts;
	struct guard_result *res;
	size_t pos;		/* where the next token starts */
	struct guard_token cur;
	struct guard_token prev;	/* previous significant token */
	struct guard_token prev2;	/* and the one before */
	unsigned depth;
	int expect_tab;
	int next_call;		/* the next "(" opens a function call */
	struct level lv[GUARD_MAX_DEPTH + 1];
};

static int
tok_is(const struct gstate *st, const struct guard_token *t, const char *w)
{
	return t->type == GUARD_T_ID &&
	    word_cmp(st->sql + t->off, t->len, w) == 0;
}

static int
is_name(const struct guard_token *t)
{
	return t->type == GUARD_T_ID || t->type == GUARD_T_QID;
}

/*
 * Compare a name token (bare or `quoted`, doubled backticks undone) with
 * s[0..n) case-insensitively.
 */
static int
name_eq(const struct gstate *st, const struct guard_token *t, const char *s,
    size_t n)
{
	const char *p = st->sql + t->off;
	size_t i, j, end;

	if (t->type == GUARD_T_ID) {
		if (t->len != n)
			return 0;
		for (i = 0; i < n; i++)
			if (upper((unsigned char)p[i]) != upper((unsigned char)s[i]))
				return 0;
		return 1;
	}
	if (t->type != GUARD_T_QID || t->len < 2)
		return 0;
	end = t->len - 1;
	for (i = 1, j = 0; i < end; i++, j++) {
		if (j >= n || upper((unsigned char)p[i]) != upper((unsigned char)s[j]))
			return 0;
		if (p[i] == '`')
			i++;
	}
	return j == n;
}

static int
name_is(const struct gstate *st, const struct guard_token *t, const char *w)
{
	return name_eq(st, t, w, strlen(w));
}

/* Is the name token (bare or quoted) one of the words of table t? */
static int
name_in(const struct gstate *st, const struct guard_token *t,
    const char *const *tab, size_t nt)
{
	char buf[80];
	const char *p = st->sql + t->off;
	size_t i, n = 0;

	if (t->type == GUARD_T_ID)
		return in_table(tab, nt, p, t->len);
	if (t->type != GUARD_T_QID || t->len < 2)
		return 0;
	for (i = 1; i + 1 < t->len; i++) {
		if (n == sizeof(buf))
			return 0;
		buf[n++] = p[i];
		if (p[i] == '`')
			i++;
	}
	return in_table(tab, nt, buf, n);
}

/* Record a refusal at token t; returns -1. */
static int
refuse_at(struct gstate *st, enum guard_reason reason, size_t off, size_t n)
{
	struct guard_result *res = st->res;

	if (n > sizeof(res->token) - 1)
		n = sizeof(res->token) - 1;
	if (off > st->len)
		off = st->len;
	if (n > st->len - off)
		n = st->len - off;
	/* never cut a UTF-8 character in half */
	if (off + n < st->len)
		while (n > 0 &&
		    ((unsigned char)st->sql[off + n] & 0xc0) == 0x80)
			n--;
	memcpy(res->token, st->sql + off, n);
	res->token[n] = '\0';
	res->reason = reason;
	res->offset = off;
	return -1;
}

static int
refuse(struct gstate *st, enum guard_reason reason, const struct guard_token *t)
{
	return refuse_at(st, reason, t->off, t->len);
}

/* Does the hint comment t name a hint that sets variables or limits? */
static int
check_hint(struct gstate *st, const struct guard_token *t)
{
	static const char *const bad[] = {
		"SET_VAR", "MAX_EXECUTION_TIME", "RESOURCE_GROUP"
	};
	const char *p = st->sql + t->off;
	size_t i, k, n;

	for (i = 3; i < t->len; i++) {
		if (i > 0 && is_word((unsigned char)p[i - 1]))
			continue;
		for (k = 0; k < NELEM(bad); k++) {
			n = strlen(bad[k]);
			if (i + n <= t->len && word_cmp(p + i, n, bad[k]) == 0 &&
			    (i + n == t->len || !is_word((unsigned char)p[i + n])))
				return refuse_at(st, GUARD_E_EXEC_COMMENT,
				    t->off + i, n);
		}
	}
	return 0;
}

/* The k-th significant token after the current one (k >= 1). */
static void
peek(const struct gstate *st, int k, struct guard_token *t)
{
	size_t p = st->pos;

	for (;;) {
		guard_lex(st->sql, st->len, p, t);
		if (t->type == GUARD_T_EOF)
			return;
		p += t->len;
		if (t->type == GUARD_T_SPACE || t->type == GUARD_T_COMMENT ||
		    t->type == GUARD_T_HINT)
			continue;
		if (--k == 0)
			return;
	}
}

/*
 * @@name, @@`name`, @@session.name, @@global.name, @@local.name: only the
 * names in sysvar_names.  The token is "@@name"; a scope's ".name" follows
 * as separate tokens.
 */
static int
check_sysvar(struct gstate *st, const struct guard_token *t)
{
	const char *p = st->sql + t->off + 2;
	size_t n = t->len - 2;
	struct guard_token dot, name, after;
	int ahead = 1;

	if (word_cmp(p, n, "SESSION") == 0 || word_cmp(p, n, "GLOBAL") == 0 ||
	    word_cmp(p, n, "LOCAL") == 0) {
		peek(st, 1, &dot);
		peek(st, 2, &name);
		if (dot.type != GUARD_T_DOT || dot.off != t->off + t->len)
			return refuse(st, GUARD_E_SYSVAR, t);
		if (name.type != GUARD_T_ID && name.type != GUARD_T_QID)
			return refuse(st, GUARD_E_SYNTAX, &name);
		p = st->sql + name.off;
		n = name.len;
		ahead = 3;
	}
	/*
	 * @@a.b is the variable b of the key cache named a (@@version.
	 * key_buffer_size reads key_buffer_size): never what the list allows.
	 */
	peek(st, ahead, &after);
	if (after.type == GUARD_T_DOT)
		return refuse(st, GUARD_E_SYSVAR, t);
	if (n >= 2 && p[0] == '`') {
		p++;
		n -= 2;
	}
	if (memchr(p, '`', n) != NULL || !in_table(sysvar_names, NELEM(sysvar_names), p, n))
		return refuse(st, GUARD_E_SYSVAR, t);
	return 0;
}

/*
 * Move to the next significant token and apply the checks that hold for
 * every token wherever it stands.  Returns 0, or -1 when refused.
 */
static int
advance(struct gstate *st)
{
	struct guard_token *t = &st->cur;
	const char *p;

	if (st->pos != 0) {
		st->prev2 = st->prev;
		st->prev = st->cur;
	}
	for (;;) {
		guard_lex(st->sql, st->len, st->pos, t);
		st->pos += t->len;
		if (t->type == GUARD_T_SPACE || t->type == GUARD_T_COMMENT)
			continue;
		if (t->type == GUARD_T_HINT) {
			if (check_hint(st, t) < 0)
				return -1;
			continue;
		}
		break;
	}
	p = st->sql + t->off;
	switch (t->type) {
	case GUARD_T_EXEC_COMMENT:
		return refuse(st, GUARD_E_EXEC_COMMENT, t);
	case GUARD_T_UNTERMINATED:
		return refuse(st, GUARD_E_UNTERMINATED, t);
	case GUARD_T_ILLEGAL:
		return refuse(st, GUARD_E_SYNTAX, t);
	case GUARD_T_DQSTRING:
		return refuse(st, GUARD_E_MODE, t);
	case GUARD_T_ASSIGN:
		return refuse(st, GUARD_E_ASSIGN, t);
	case GUARD_T_PARAM:
		st->res->params++;
		break;
	case GUARD_T_SYSVAR:
		if (check_sysvar(st, t) < 0)
			return -1;
		break;
	case GUARD_T_OP:
		if (t->len == 2 && p[0] == '|' && p[1] == '|')
			return refuse(st, GUARD_E_MODE, t);
		break;
	case GUARD_T_QID:
		if (t->len == 2)	/* `` */
			return refuse(st, GUARD_E_SYNTAX, t);
		break;
	default:
		break;
	}
	if (t->flags & GUARD_TF_DQUOTE)
		return refuse(st, GUARD_E_MODE, t);
	if (t->flags & GUARD_TF_BACKSLASH) {
		size_t i = 0;

		while (i < t->len && p[i] != '\\')
			i++;
		return refuse_at(st, GUARD_E_MODE, t->off + i, t->len - i);
	}
	return 0;
}

/*
 * A database qualifier q, followed by "." and the name t (t may be some
 * other token when the input is malformed): mysql, sys and
 * performance_schema never; information_schema only for its catalogue
 * views; otherwise only the tenant's own database.
 */
static int
check_db(struct gstate *st, const struct guard_token *q,
    const struct guard_token *t)
{
	const char *schema = st->opts != NULL ? st->opts->schema : NULL;

	if (name_is(st, q, "information_schema")) {
		if (is_name(t) && name_in(st, t, is_views, NELEM(is_views)))
			return 0;
		return refuse_at(st, GUARD_E_SCHEMA, q->off,
		    t->off + t->len - q->off);
	}
	if (schema != NULL && name_is(st, q, schema))
		return 0;
	return refuse(st, GUARD_E_SCHEMA, q);
}

/*
 * Qualifiers refused anywhere, whether they name a database or not: the
 * system databases, and every other database the caller says the account
 * can see (opts->databases), so that a table reference the walk misread
 * as alias.column still cannot reach another tenant.
 */
static int
check_qualifier(struct gstate *st, const struct guard_token *q,
    const struct guard_token *t)
{
	const char *schema = st->opts != NULL ? st->opts->schema : NULL;
	size_t i;

	if (name_is(st, q, "mysql") || name_is(st, q, "sys") ||
	    name_is(st, q, "performance_schema"))
		return refuse(st, GUARD_E_SCHEMA, q);
	if (name_is(st, q, "information_schema"))
		return check_db(st, q, t);
	if (st->opts == NULL || st->opts->databases == NULL ||
	    (schema != NULL && name_is(st, q, schema)))
		return 0;
	for (i = 0; i < st->opts->n_databases; i++)
		if (st->opts->databases[i] != NULL && name_is(st, q, st->opts->databases[i]))
			return refuse(st, GUARD_E_SCHEMA, q);
	return 0;
}

static int
tenant_function(const struct gstate *st, const struct guard_token *t)
{
	size_t i;

	if (st->opts == NULL || st->opts->functions == NULL)
		return 0;
	for (i = 0; i < st->opts->n_functions; i++) {
		const char *f = st->opts->functions[i];

		if (f != NULL && name_is(st, t, f))
			return 1;
	}
	return 0;
}

/*
 * A name followed by "(": a call, unless the words around say otherwise.
 * Decides whether st->cur, a name whose next token is nt = "(", may be
 * called; sets *is_call.  Returns 0 or -1.
 */
static int
check_call(struct gstate *st, const struct guard_token *nt, int *is_call)
{
	struct guard_token *t = &st->cur, *pv = &st->prev, a;
	const char *p = st->sql + t->off;
	const char *schema = st->opts != NULL ? st->opts->schema : NULL;
	struct level *l = &st->lv[st->depth];

	*is_call = 0;
	/* WITH cte (a, b) AS, ... AS alias (a, b), (subquery) alias (a, b) */
	if (l->cte == CTE_NAME || tok_is(st, pv, "AS") ||
	    (pv->type == GUARD_T_RP && l->from && t->type == GUARD_T_ID &&
	    !in_table(builtin_funcs, NELEM(builtin_funcs), p, t->len)))
		return 0;
	if (pv->type == GUARD_T_DOT) {
		/* schema.func(): only the tenant's own, listed function */
		struct guard_token q;

		q = st->prev2;
		*is_call = 1;
		if (schema != NULL && is_name(&q) && name_is(st, &q, schema) &&
		    tenant_function(st, t) && !in_table(denied_funcs,
		    NELEM(denied_funcs), p, t->len)) {
			st->res->user_functions++;
			return 0;
		}
		return refuse(st, GUARD_E_FUNCTION, t);
	}
	if (t->type == GUARD_T_QID) {
		/* `f`( skips the keyword functions and may reach a stored one */
		*is_call = 1;
		if (tenant_function(st, t)) {
			st->res->user_functions++;
			return 0;
		}
		return refuse(st, GUARD_E_FUNCTION, t);
	}
	if (in_table(noncall_words, NELEM(noncall_words), p, t->len))
		return 0;
	if (tok_is(st, t, "ANY") || tok_is(st, t, "SOME")) {
		/* = ANY (SELECT ...) */
		peek(st, 2, &a);
		if (tok_is(st, &a, "SELECT") || tok_is(st, &a, "WITH") ||
		    a.type == GUARD_T_LP)
			return 0;
	}
	if (tok_is(st, t, "AGAINST") && pv->type == GUARD_T_RP)
		return 0;	/* MATCH (a, b) AGAINST ('x') */
	/* JSON_TABLE(doc, '$[*]' COLUMNS (...)) and NESTED [PATH] '$.x' COLUMNS (...) */
	if (tok_is(st, t, "COLUMNS") && pv->type == GUARD_T_STRING &&
	    (l->call || tok_is(st, &st->prev2, "PATH") || tok_is(st, &st->prev2, "NESTED")))
		return 0;
	if (tok_is(st, t, "OF") && tok_is(st, pv, "MEMBER"))
		return 0;	/* MySQL: x MEMBER OF (json) */
	if (tok_is(st, t, "LATERAL")) {
		/* FROM t, LATERAL (SELECT ...) */
		peek(st, 2, &a);
		if (tok_is(st, &a, "SELECT") || tok_is(st, &a, "WITH"))
			return 0;
	}
	*is_call = 1;
	if (in_table(denied_funcs, NELEM(denied_funcs), p, t->len))
		return refuse(st, GUARD_E_FUNCTION, t);
	if (in_table(builtin_funcs, NELEM(builtin_funcs), p, t->len)) {
		if (nt->off != t->off + t->len && in_table(ignore_space_funcs,
		    NELEM(ignore_space_funcs), p, t->len))
			goto other;
		if (tok_is(st, t, "LAST_INSERT_ID")) {
			peek(st, 2, &a);
			if (a.type != GUARD_T_RP)
				return refuse(st, GUARD_E_FUNCTION, t);
		}
		return 0;
	}
other:
	if (tenant_function(st, t)) {
		st->res->user_functions++;
		return 0;
	}
	return refuse(st, GUARD_E_FUNCTION, t);
}

/*
 * Clause words that close a FROM list at the current level: reserved
 * words only (QUALIFY is none in MariaDB, so `FROM t qualify, db.t2` is an
 * alias and the list goes on), and not GROUP or ORDER of an index hint
 * (USE INDEX FOR ORDER BY (k), db.t2: still the FROM list).
 */
static int
ends_from(const struct gstate *st, const struct guard_token *t)
{
	static const char *const w[] = {
		"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW",
		"UNION", "EXCEPT", "INTERSECT", "SELECT"
	};
	size_t i;

	if (tok_is(st, &st->prev, "FOR") && st->prev.type == GUARD_T_ID)
		return 0;
	for (i = 0; i < NELEM(w); i++)
		if (tok_is(st, t, w[i]))
			return 1;
	return 0;
}

/* After "(" of a query: the first word that is not "(" must start a query. */
static int
check_query_start(struct gstate *st)
{
	struct guard_token a;
	size_t p = st->pos;

	if (st->cur.type != GUARD_T_LP)
		return 0;
	for (;;) {		/* one pass: "((((" must not cost n^2 */
		guard_lex(st->sql, st->len, p, &a);
		if (a.type != GUARD_T_SPACE && a.type != GUARD_T_COMMENT &&
		    a.type != GUARD_T_HINT && a.type != GUARD_T_LP)
			break;
		p += a.len;
	}
	if (tok_is(st, &a, "SELECT") || tok_is(st, &a, "WITH"))
		return 0;
	if (a.type == GUARD_T_ID)
		return refuse(st, GUARD_E_STATEMENT, &a);
	return refuse(st, a.type == GUARD_T_EOF ? GUARD_E_SYNTAX :
	    GUARD_E_STATEMENT, a.type == GUARD_T_EOF ? &st->cur : &a);
}

/*
 * The checks of a query body, for the current token.  This is the whole
 * verdict for SELECT and WITH, and the tail of EXPLAIN SELECT and SHOW ...
 * WHERE.  Returns 0 or -1.
 */
static int
check_token(struct gstate *st)
{
	struct guard_token *t = &st->cur, nt, a, b;
	struct level *l = &st->lv[st->depth];
	int expect_tab = st->expect_tab, is_call = 0;

	st->expect_tab = 0;
	peek(st, 1, &nt);

	/* the head of a WITH list: names, column lists, AS (body) */
	switch (l->cte) {
	case CTE_NAME:
		if (tok_is(st, t, "RECURSIVE") && tok_is(st, &st->prev, "WITH"))
			return 0;
		if (!is_name(t))
			return refuse(st, GUARD_E_SYNTAX, t);
		l->cte = CTE_AFTER_NAME;
		return 0;
	case CTE_AFTER_NAME:
	case CTE_AS:
		if (t->type == GUARD_T_LP && l->cte == CTE_AFTER_NAME) {
			l->cte = CTE_COLS;
			break;
		}
		if (!tok_is(st, t, "AS"))
			return refuse(st, GUARD_E_SYNTAX, t);
		l->cte = CTE_BODY_OPEN;
		return 0;
	case CTE_BODY_OPEN:
		if (t->type != GUARD_T_LP)
			return refuse(st, GUARD_E_SYNTAX, t);
		l->cte = CTE_BODY;
		if (check_query_start(st) < 0)
			return -1;
		break;
	case CTE_AFTER_BODY:
		if (t->type == GUARD_T_COMMA) {
			l->cte = CTE_NAME;
			return 0;
		}
		if (t->type == GUARD_T_LP && check_query_start(st) < 0)
			return -1;
		if (t->type != GUARD_T_LP && !tok_is(st, t, "SELECT"))
			return refuse(st, t->type == GUARD_T_ID ?
			    GUARD_E_STATEMENT : GUARD_E_SYNTAX, t);
		l->cte = CTE_NONE;
		break;
	default:
		break;
	}

	switch (t->type) {
	case GUARD_T_LP:
		if (st->depth >= GUARD_MAX_DEPTH)
			return refuse(st, GUARD_E_SYNTAX, t);
		st->depth++;
		memset(&st->lv[st->depth], 0, sizeof(st->lv[0]));
		st->lv[st->depth].call = (unsigned char)st->next_call;
		st->next_call = 0;
		if (expect_tab) {
			st->lv[st->depth].from = 1;
			st->expect_tab = 1;
		}
		return 0;
	case GUARD_T_RP:
		if (st->depth == 0)
			return refuse(st, GUARD_E_SYNTAX, t);
		st->depth--;
		l = &st->lv[st->depth];
		if (l->cte == CTE_COLS)
			l->cte = CTE_AS;
		else if (l->cte == CTE_BODY)
			l->cte = CTE_AFTER_BODY;
		return 0;
	case GUARD_T_COMMA:
		if (l->from)
			st->expect_tab = 1;
		return 0;
	case GUARD_T_NUMBER:
		if (nt.type == GUARD_T_LP)
			return refuse(st, GUARD_E_SYNTAX, t);
		return 0;
	case GUARD_T_ID:
	case GUARD_T_QID:
		break;
	default:
		return 0;
	}

	if (t->type == GUARD_T_ID && st->prev.type == GUARD_T_DOT &&
	    (tok_is(st, t, "NEXTVAL") || tok_is(st, t, "CURRVAL") || tok_is(st, t, "LASTVAL")))
		return refuse(st, GUARD_E_FUNCTION, t);
	/*
	 * A bare word: keywords first.  A word right after "." is a name, never
	 * a keyword: `db.SELECT(1)` calls a stored function called SELECT, and
	 * is judged below as a qualified call (a regression: the keyword
	 * branch once waved it through).
	 */
	if (t->type == GUARD_T_ID && st->prev.type != GUARD_T_DOT) {
		if (tok_is(st, t, "INTO"))
			return refuse(st, GUARD_E_INTO, t);
		if (tok_is(st, t, "LOCK") || tok_is(st, t, "NOWAIT"))
			return refuse(st, GUARD_E_LOCKING, t);
		if (tok_is(st, t, "FOR") && (tok_is(st, &nt, "UPDATE") ||
		    tok_is(st, &nt, "SHARE")))
			return refuse(st, GUARD_E_LOCKING, t);
		if (tok_is(st, t, "SKIP") && tok_is(st, &nt, "LOCKED"))
			return refuse(st, GUARD_E_LOCKING, t);
		if ((tok_is(st, t, "NEXT") || tok_is(st, t, "PREVIOUS")) &&
		    tok_is(st, &nt, "VALUE"))
			return refuse(st, GUARD_E_FUNCTION, t);
		if (tok_is(st, t, "TABLE") || tok_is(st, t, "VALUES") ||
		    tok_is(st, t, "PROCEDURE") || tok_is(st, t, "HANDLER"))
			return refuse(st, GUARD_E_STATEMENT, t);
		if (tok_is(st, t, "SELECT")) {
			l->call = 0;
			l->from = 0;
			return 0;
		}
		if (tok_is(st, t, "FROM")) {
			if (!l->call) {
				l->from = 1;
				st->expect_tab = 1;
			}
			return 0;
		}
		if (tok_is(st, t, "JOIN") || tok_is(st, t, "STRAIGHT_JOIN")) {
			l->from = 1;
			st->expect_tab = 1;
			return 0;
		}
		if (ends_from(st, t)) {
			l->from = 0;
			return 0;
		}
		if (tok_is(st, t, "WITH") && !tok_is(st, &nt, "ROLLUP")) {
			l->cte = CTE_NAME;
			return 0;
		}
	}

	/* a qualifier: db.t, db.t.c, t.c */
	if (nt.type == GUARD_T_DOT) {
		peek(st, 2, &a);
		if (check_qualifier(st, t, &a) < 0)
			return -1;
		peek(st, 3, &b);
		if (expect_tab || (st->prev.type != GUARD_T_DOT &&
		    is_name(&a) && b.type == GUARD_T_DOT))
			if (check_db(st, t, &a) < 0)
				return -1;
		return 0;
	}

	if (nt.type == GUARD_T_LP) {
		if (expect_tab && tok_is(st, t, "JSON_TABLE"))
			is_call = 1;	/* the table function */
		else if (check_call(st, &nt, &is_call) < 0)
			return -1;
		st->next_call = is_call;
	}
	return 0;
}

/*
 * The end of a statement: the current token is EOF or ";".  After ";"
 * only blanks and comments may follow.
 */
static int
finish(struct gstate *st)
{
	if (st->cur.type != GUARD_T_EOF && st->cur.type != GUARD_T_SEMI)
		return refuse(st, GUARD_E_SYNTAX, &st->cur);
	if (st->depth != 0 || st->lv[0].cte != CTE_NONE)
		return refuse(st, GUARD_E_SYNTAX, &st->cur);
	if (st->cur.type == GUARD_T_SEMI) {
		if (advance(st) < 0)
			return -1;
		if (st->cur.type != GUARD_T_EOF)
			return refuse(st, GUARD_E_MULTI, &st->cur);
	}
	return 0;
}

/* check_token() from the current token to the end of the statement. */
static int
run_body(struct gstate *st)
{
	for (;;) {
		if (st->cur.type == GUARD_T_EOF || st->cur.type == GUARD_T_SEMI)
			return finish(st);
		if (check_token(st) < 0 || advance(st) < 0)
			return -1;
	}
}

/* A table reference [db.]table at the current token; ends on the table. */
static int
table_ref(struct gstate *st)
{
	struct guard_token nt, a;

	if (!is_name(&st->cur))
		return refuse(st, GUARD_E_SYNTAX, &st->cur);
	peek(st, 1, &nt);
	if (nt.type != GUARD_T_DOT)
		return 0;
	peek(st, 2, &a);
	if (check_qualifier(st, &st->cur, &a) < 0 ||
	    check_db(st, &st->cur, &a) < 0)
		return -1;
	if (advance(st) < 0 || advance(st) < 0)
		return -1;
	if (!is_name(&st->cur))
		return refuse(st, GUARD_E_SYNTAX, &st->cur);
	return 0;
}

static int
is_from_in(const struct gstate *st)
{
	return tok_is(st, &st->cur, "FROM") || tok_is(st, &st->cur, "IN");
}

/*
 * The tail of SHOW TABLES / COLUMNS / INDEX / VARIABLES ...: [FROM|IN
 * table] [FROM|IN db] [LIKE 'pattern' | WHERE expr].  The current token
 * is the first after the head words.
 */
static int
show_tail(struct gstate *st, int need_table)
{
	const char *schema = st->opts != NULL ? st->opts->schema : NULL;
	struct guard_token nt;

	if (need_table) {
		if (!is_from_in(st))
			return refuse(st, GUARD_E_SYNTAX, &st->cur);
		if (advance(st) < 0 || table_ref(st) < 0 || advance(st) < 0)
			return -1;
	}
	if (is_from_in(st)) {
		if (advance(st) < 0)
			return -1;
		if (!is_name(&st->cur))
			return refuse(st, GUARD_E_SYNTAX, &st->cur);
		peek(st, 1, &nt);
		if (nt.type == GUARD_T_DOT)
			return refuse(st, GUARD_E_SYNTAX, &nt);
		if (schema == NULL || !name_is(st, &st->cur, schema))
			return refuse(st, GUARD_E_SCHEMA, &st->cur);
		if (advance(st) < 0)
			return -1;
	}
	if (tok_is(st, &st->cur, "LIKE")) {
		if (advance(st) < 0)
			return -1;
		if (st->cur.type != GUARD_T_STRING &&
		    st->cur.type != GUARD_T_PARAM)
			return refuse(st, GUARD_E_SYNTAX, &st->cur);
		if (advance(st) < 0)
			return -1;
	} else if (tok_is(st, &st->cur, "WHERE"))
		return run_body(st);
	return finish(st);
}

/*
 * SHOW: the forms that describe the tenant's own objects, its own grants,
 * and harmless server facts.  Everything else (DATABASES, PROCESSLIST,
 * STATUS, GRANTS FOR another account, ENGINE ... STATUS, BINLOG EVENTS,
 * replication, PROFILES, OPEN TABLES, CREATE USER/PROCEDURE, ...) is
 * refused as GUARD_E_SHOW.
 */
static int
show(struct gstate *st)
{
	struct guard_token *t = &st->cur;
	int full = 0;

	st->res->kind = GUARD_K_SHOW;
	if (advance(st) < 0)
		return -1;
	if (tok_is(st, t, "EXTENDED")) {
		full = 1;
		if (advance(st) < 0)
			return -1;
	}
	if (tok_is(st, t, "FULL")) {
		full = 1;
		if (advance(st) < 0)
			return -1;
	}
	if (tok_is(st, t, "TABLES")) {
		if (advance(st) < 0)
			return -1;
		return show_tail(st, 0);
	}
	if (tok_is(st, t, "COLUMNS") || tok_is(st, t, "FIELDS")) {
		if (advance(st) < 0)
			return -1;
		return show_tail(st, 1);
	}
	if (!full && (tok_is(st, t, "INDEX") || tok_is(st, t, "INDEXES") ||
	    tok_is(st, t, "KEYS"))) {
		if (advance(st) < 0)
			return -1;
		return show_tail(st, 1);
	}
	if (full)
		return refuse(st, GUARD_E_SHOW, t);
	if (tok_is(st, t, "TABLE")) {
		if (advance(st) < 0)
			return -1;
		if (!tok_is(st, t, "STATUS"))
			return refuse(st, GUARD_E_SHOW, t);
		if (advance(st) < 0)
			return -1;
		return show_tail(st, 0);
	}
	if (tok_is(st, t, "CREATE")) {
		if (advance(st) < 0)
			return -1;
		if (!tok_is(st, t, "TABLE") && !tok_is(st, t, "VIEW"))
			return refuse(st, GUARD_E_SHOW, t);
		if (advance(st) < 0 || table_ref(st) < 0 || advance(st) < 0)
			return -1;
		return finish(st);
	}
	/*
	 * GRANTS shows the account's password hash; VARIABLES shows paths and
	 * server internals (a few harmless ones can be read with @@name).
	 */
	if (tok_is(st, t, "GRANTS"))
		return refuse(st, GUARD_E_SHOW, t);
	if (tok_is(st, t, "COLLATION") ||
	    tok_is(st, t, "CHARSET")) {
		if (advance(st) < 0)
			return -1;
		return show_tail(st, 0);
	}
	if (tok_is(st, t, "CHARACTER")) {
		if (advance(st) < 0)
			return -1;
		if (!tok_is(st, t, "SET"))
			return refuse(st, GUARD_E_SYNTAX, t);
		if (advance(st) < 0)
			return -1;
		return show_tail(st, 0);
	}
	if (tok_is(st, t, "WARNINGS") || tok_is(st, t, "ERRORS")) {
		if (advance(st) < 0)
			return -1;
		if (tok_is(st, t, "LIMIT"))
			return run_body(st);
		return finish(st);
	}
	if (tok_is(st, t, "STORAGE")) {
		if (advance(st) < 0)
			return -1;
		if (!tok_is(st, t, "ENGINES"))
			return refuse(st, GUARD_E_SHOW, t);
	}
	if (tok_is(st, t, "ENGINES")) {
		if (advance(st) < 0)
			return -1;
		return finish(st);
	}
	if (t->type == GUARD_T_EOF || t->type == GUARD_T_SEMI)
		return refuse(st, GUARD_E_SYNTAX, t);
	return refuse(st, GUARD_E_SHOW, t);
}

/*
 * EXPLAIN [EXTENDED|PARTITIONS] [FORMAT = x] {SELECT ... | WITH ... |
 * (SELECT ...) | [db.]table [column]}, and DESCRIBE/DESC [db.]table
 * [column | 'pattern'].  DESCRIBE is a synonym of EXPLAIN on the server,
 * so ANALYZE and FOR CONNECTION are refused after either.
 */
static int
explain(struct gstate *st)
{
	struct guard_token *t = &st->cur;
	int desc = !tok_is(st, t, "EXPLAIN");

	st->res->kind = desc ? GUARD_K_DESCRIBE : GUARD_K_EXPLAIN;
	if (advance(st) < 0)
		return -1;
	if (tok_is(st, t, "ANALYZE"))
		return refuse(st, GUARD_E_EXPLAIN, t);
	if (!desc && (tok_is(st, t, "EXTENDED") || tok_is(st, t, "PARTITIONS")))
		if (advance(st) < 0)
			return -1;
	if (tok_is(st, t, "FORMAT")) {
		if (advance(st) < 0)
			return -1;
		if (t->type != GUARD_T_OP || t->len != 1 ||
		    st->sql[t->off] != '=')
			return refuse(st, GUARD_E_SYNTAX, t);
		if (advance(st) < 0)
			return -1;
		if (t->type != GUARD_T_ID)
			return refuse(st, GUARD_E_SYNTAX, t);
		if (advance(st) < 0)
			return -1;
		if (tok_is(st, t, "ANALYZE"))
			return refuse(st, GUARD_E_EXPLAIN, t);
	}
	if (tok_is(st, t, "FOR"))
		return refuse(st, GUARD_E_EXPLAIN, t);
	if (tok_is(st, t, "SELECT") || tok_is(st, t, "WITH") ||
	    t->type == GUARD_T_LP) {
		if (desc)
			return refuse(st, GUARD_E_EXPLAIN, t);
		if (check_query_start(st) < 0)
			return -1;
		return run_body(st);
	}
	if (t->type == GUARD_T_ID && in_table(statement_words,
	    NELEM(statement_words), st->sql + t->off, t->len))
		return refuse(st, GUARD_E_EXPLAIN, t);
	if (table_ref(st) < 0 || advance(st) < 0)
		return -1;
	if (is_name(t) || t->type == GUARD_T_STRING) {
		if (advance(st) < 0)
			return -1;
	}
	return finish(st);
}

/*
 * Every byte: no NUL, valid UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequence).  A refusal points at the
 * first byte of the bad sequence.
 */
static int
check_bytes(struct gstate *st)
{
	const unsigned char *s = (const unsigned char *)st->sql;
	size_t i = 0, n, k;
	unsigned char lo, hi;

	while (i < st->len) {
		unsigned char c = s[i];

		if (c == 0) {
			st->res->reason = GUARD_E_NUL;
			st->res->offset = i;
			return -1;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			goto bad;
		if (n > st->len - i - 1)
			goto bad;
		if (s[i + 1] < lo || s[i + 1] > hi)
			goto bad;
		for (k = 2; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
		i += n + 1;
	}
	return 0;
bad:
	st->res->reason = GUARD_E_UTF8;
	st->res->offset = i;
	snprintf(st->res->token, sizeof(st->res->token), "0x%02X",
	    (unsigned)s[i]);
	return -1;
}

int
guard_check(const char *sql, size_t len, const struct guard_opts *opts,
    struct guard_result *res)
{
	struct gstate st;
	struct guard_token *t = &st.cur, a;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&st, 0, sizeof(st));
	if (sql == NULL) {
		sql = "";
		len = 0;
	}
	st.sql = sql;
	st.len = len;
	st.opts = opts;
	st.res = res;
	if (len > GUARD_MAX_SQL) {
		res->reason = GUARD_E_TOO_LONG;
		res->offset = GUARD_MAX_SQL;
		return -1;
	}
	if (check_bytes(&st) < 0)
		return -1;
	if (advance(&st) < 0)
		goto out;
	if (t->type == GUARD_T_EOF) {
		rc = refuse(&st, GUARD_E_EMPTY, t);
		goto done;
	}
	if (t->type == GUARD_T_SEMI) {
		peek(&st, 1, &a);
		rc = refuse(&st, a.type == GUARD_T_EOF ? GUARD_E_EMPTY :
		    GUARD_E_MULTI, a.type == GUARD_T_EOF ? t : &a);
		goto done;
	}
	if (tok_is(&st, t, "SELECT") || tok_is(&st, t, "WITH") ||
	    t->type == GUARD_T_LP) {
		res->kind = GUARD_K_SELECT;
		rc = check_query_start(&st);
		if (rc == 0)
			rc = run_body(&st);
	} else if (tok_is(&st, t, "SHOW"))
		rc = show(&st);
	else if (tok_is(&st, t, "EXPLAIN") || tok_is(&st, t, "DESCRIBE") ||
	    tok_is(&st, t, "DESC"))
		rc = explain(&st);
	else if (tok_is(&st, t, "ANALYZE"))
		rc = refuse(&st, GUARD_E_EXPLAIN, t);
	else
		rc = refuse(&st, t->type == GUARD_T_ID ? GUARD_E_STATEMENT :
		    GUARD_E_SYNTAX, t);
done:
	if (rc == 0) {
		res->reason = GUARD_OK;
		return 0;
	}
out:
	res->kind = GUARD_K_NONE;
	return -1;
}

static const char *const reason_codes[GUARD_REASON_COUNT] = {
	[GUARD_OK] = "ok",
	[GUARD_E_EMPTY] = "empty",
	[GUARD_E_TOO_LONG] = "too_long",
	[GUARD_E_NUL] = "nul",
	[GUARD_E_UTF8] = "utf8",
	[GUARD_E_UNTERMINATED] = "unterminated",
	[GUARD_E_MULTI] = "multi",
	[GUARD_E_EXEC_COMMENT] = "exec_comment",
	[GUARD_E_STATEMENT] = "statement",
	[GUARD_E_INTO] = "into",
	[GUARD_E_LOCKING] = "locking",
	[GUARD_E_ASSIGN] = "assign",
	[GUARD_E_FUNCTION] = "function",
	[GUARD_E_SCHEMA] = "schema",
	[GUARD_E_SHOW] = "show",
	[GUARD_E_EXPLAIN] = "explain",
	[GUARD_E_MODE] = "mode",
	[GUARD_E_SYNTAX] = "syntax",
	[GUARD_E_SYSVAR] = "sysvar",
};

const char *
guard_reason_code(enum guard_reason reason)
{
	if ((unsigned)reason >= GUARD_REASON_COUNT)
		return "unknown";
	return reason_codes[reason];
}

/* Is the refused token the upper-case word w? */
static int
token_is(const struct guard_result *res, const char *w)
{
	return word_cmp(res->token, strlen(res->token), w) == 0;
}

size_t
guard_explain(const struct guard_result *res, char *buf, size_t size)
{
	const char *tk = res->token;
	size_t off = res->offset;
	char dummy[1];
	int n;

	if (buf == NULL || size == 0) {
		buf = dummy;
		size = sizeof(dummy);
	}
	switch (res->reason) {
	case GUARD_OK:
		n = snprintf(buf, size, "allowed");
		break;
	case GUARD_E_EMPTY:
		n = snprintf(buf, size, "empty statement: nothing but blanks "
		    "and comments");
		break;
	case GUARD_E_TOO_LONG:
		n = snprintf(buf, size, "statement longer than %d bytes",
		    GUARD_MAX_SQL);
		break;
	case GUARD_E_NUL:
		n = snprintf(buf, size, "NUL byte at offset %zu", off);
		break;
	case GUARD_E_UTF8:
		n = snprintf(buf, size, "invalid UTF-8 (byte %s) at offset %zu",
		    tk, off);
		break;
	case GUARD_E_UNTERMINATED:
		n = snprintf(buf, size, "unterminated %s at offset %zu",
		    tk[0] == '`' ? "quoted identifier" :
		    tk[0] == '/' ? "comment" : "string", off);
		break;
	case GUARD_E_MULTI:
		n = snprintf(buf, size, "more than one statement: %s at offset "
		    "%zu (send one statement; a trailing ; is fine)", tk, off);
		break;
	case GUARD_E_EXEC_COMMENT:
		if (tk[0] == '/')
			n = snprintf(buf, size, "executable comment %.*s at "
			    "offset %zu", tk[2] == '!' ? 3 : 4, tk, off);
		else
			n = snprintf(buf, size, "optimizer hint %s at offset "
			    "%zu (hints that set variables or limits are not "
			    "allowed)", tk, off);
		break;
	case GUARD_E_STATEMENT:
		n = snprintf(buf, size, "statement %s at offset %zu is not "
		    "allowed (only one SELECT, SHOW, DESCRIBE or EXPLAIN; "
		    "WITH only before a SELECT)", tk, off);
		break;
	case GUARD_E_INTO:
		n = snprintf(buf, size, "INTO at offset %zu is not allowed "
		    "(SELECT ... INTO writes files or variables)", off);
		break;
	case GUARD_E_LOCKING:
		n = snprintf(buf, size, "locking read %s at offset %zu is not "
		    "allowed (FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE)", tk,
		    off);
		break;
	case GUARD_E_ASSIGN:
		n = snprintf(buf, size, "assignment := at offset %zu is not "
		    "allowed", off);
		break;
	case GUARD_E_FUNCTION:
		if (token_is(res, "NEXT") || token_is(res, "PREVIOUS"))
			n = snprintf(buf, size, "sequence access %s VALUE FOR "
			    "at offset %zu is not allowed", tk, off);
		else if (in_table(denied_funcs, NELEM(denied_funcs), tk,
		    strlen(tk)))
			n = snprintf(buf, size, "function %s is not allowed "
			    "(it stalls, locks, reads files or changes state) "
			    "at offset %zu", tk, off);
		else if (in_table(builtin_funcs, NELEM(builtin_funcs), tk,
		    strlen(tk)))
			n = snprintf(buf, size, "function %s is not allowed "
			    "here (write it with no blank before \"(\", and "
			    "LAST_INSERT_ID() without an argument) at offset "
			    "%zu", tk, off);
		else
			n = snprintf(buf, size, "function %s is not allowed "
			    "(not a known read-only built-in; a tenant can "
			    "list its own read-only functions under "
			    "allowed_functions) at offset %zu", tk, off);
		break;
	case GUARD_E_SCHEMA:
		if (strlen(tk) > 19 && word_cmp(tk, 19,
		    "INFORMATION_SCHEMA.") == 0)
			n = snprintf(buf, size, "%s at offset %zu is not "
			    "allowed (information_schema: only catalogue views "
			    "such as TABLES, COLUMNS, STATISTICS, VIEWS)", tk,
			    off);
		else
			n = snprintf(buf, size, "database %s at offset %zu is "
			    "not allowed (only the tenant's own database and "
			    "information_schema)", tk, off);
		break;
	case GUARD_E_SHOW:
		n = snprintf(buf, size, "SHOW ... %s at offset %zu is not allowed "
		    "(allowed: SHOW [FULL] TABLES, TABLE STATUS, COLUMNS, "
		    "INDEX, CREATE TABLE/VIEW, WARNINGS, ERRORS, CHARACTER SET, "
		    "COLLATION, ENGINES; SHOW GRANTS and VARIABLES reveal password "
		    "hashes and server internals)", tk, off);
		break;
	case GUARD_E_SYSVAR:
		n = snprintf(buf, size, "system variable %s at offset %zu is not "
		    "allowed (it can reveal server paths or internals; readable: "
		    "@@version, @@version_comment, @@sql_mode, @@time_zone, "
		    "@@max_statement_time, @@tx_read_only, character set and "
		    "collation variables)", tk, off);
		break;
	case GUARD_E_EXPLAIN:
		n = snprintf(buf, size, "%s at offset %zu is not allowed "
		    "(EXPLAIN only of a SELECT or a table, DESCRIBE only of a "
		    "table; never ANALYZE, which runs the statement)", tk, off);
		break;
	case GUARD_E_MODE:
		if (tk[0] == '\\')
			n = snprintf(buf, size, "backslash in a string at "
			    "offset %zu (write a quote as '' and escape LIKE "
			    "wildcards with ESCAPE '!')", off);
		else if (tk[0] == '|')
			n = snprintf(buf, size, "|| at offset %zu (use OR, or "
			    "CONCAT() to join strings)", off);
		else
			n = snprintf(buf, size, "double-quoted string at "
			    "offset %zu (use single quotes for strings and "
			    "backticks for names)", off);
		break;
	default:
		n = snprintf(buf, size, "could not understand %s at offset %zu",
		    tk[0] != '\0' ? tk : "the end", off);
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}
