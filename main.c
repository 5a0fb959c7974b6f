/*
 * saia-mcp: wires the modules together.  Parses the command line, loads the
 * tenant's launch profile, builds its tool registry, and serves MCP on
 * stdio.  stdout is kept for protocol messages only: fd 1 is duplicated to
 * a private descriptor for the protocol and then pointed at stderr, so that
 * nothing a library prints can corrupt the protocol stream.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

#include "guard.h"
#include "mcp.h"
#include "saia_config.h"
#include "tenant.h"
#include "tool.h"

static void
usage(FILE *f)
{
	fputs("usage: saia-mcp --config FILE --tenant NAME [--check | --list-tools]\n"
	    "       saia-mcp --version | --help\n"
	    "\n"
	    "Serves one tenant's read-only database tools over MCP on stdio.\n"
	    "  -c, --config FILE   launch profiles (default: $SAIA_MCP_CONFIG)\n"
	    "  -t, --tenant NAME   the tenant to serve (default: $SAIA_MCP_TENANT)\n"
	    "      --check         connect as the tenant, report server, TLS and write\n"
	    "                      access, and exit 0 (works) or 1 (does not)\n"
	    "      --list-tools    print the tools the tenant would advertise and exit\n"
	    "  -V, --version       print the version and exit\n"
	    "  -h, --help          print this help and exit\n"
	    "Exit status: 0 at end of input, 1 when --check fails, 2 for usage or\n"
	    "profile errors.\n", f);
}

/* A usage error: one line on stderr, exit status 2. */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("saia-mcp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (saia-mcp --help shows the options)\n", stderr);
	return 2;
}

static int
sql_check(const char *sql, const char *schema, const char *const *functions,
    size_t n_functions, unsigned *params, char *why, size_t why_size)
{
	struct guard_opts go = { .schema = schema, .functions = functions,
	    .n_functions = n_functions };
	struct guard_result gr;

	if (guard_check(sql, strlen(sql), &go, &gr) != 0) {
		guard_explain(&gr, why, why_size);
		return -1;
	}
	*params = gr.params;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "tenant", required_argument, NULL, 't' },
		{ "check", no_argument, NULL, 'C' },
		{ "list-tools", no_argument, NULL, 'L' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tenant_hooks hooks = { .tool_known = tools_known, .sql_check = sql_check };
	const char *config = getenv("SAIA_MCP_CONFIG"), *tenant_name = getenv("SAIA_MCP_TENANT");
	struct tenant *t = NULL;
	struct tools *reg = NULL;
	struct tenant_err terr;
	bool check = false, list = false;
	char why[512];
	FILE *proto = NULL;
	int ch, fd, rc = 2;

	opterr = 0;	/* usage errors are one line each (CONTRACT 2), ours */
	while ((ch = getopt_long(argc, argv, ":c:t:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': config = optarg; break;
		case 't': tenant_name = optarg; break;
		case 'C': check = true; break;
		case 'L': list = true; break;
		case 'V': printf("saia-mcp %s\n", SAIA_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		case ':':	/* the option was the last word */
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt != 0)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (config == NULL || *config == '\0')
		return usage_error("--config FILE is required (or set SAIA_MCP_CONFIG)");
	if (tenant_name == NULL || *tenant_name == '\0')
		return usage_error("--tenant NAME is required (or set SAIA_MCP_TENANT)");
	if (check && list)
		return usage_error("--check and --list-tools go alone");

	hooks.no_secrets = list;	/* --list-tools never connects */
	if (tenant_load(config, tenant_name, &hooks, &t, &terr) != 0) {
		fprintf(stderr, "saia-mcp: %s\n", terr.msg);
		return 2;
	}
	if (t->n_tools == 0)
		fprintf(stderr, "saia-mcp: tenant %s has no business_type and no enabled_tools:"
		    " it advertises no tools\n", t->name);
	if (mysql_library_init(0, NULL, NULL) != 0) {
		fprintf(stderr, "saia-mcp: cannot initialise the MySQL client library\n");
		goto out;
	}
	if ((reg = tools_new(t, why, sizeof(why))) == NULL) {
		fprintf(stderr, "saia-mcp: %s\n", why);
		goto out;
	}
	if (list) {
		size_t n, i;
		const char *const *names = tools_names(reg, &n);

		for (i = 0; i < n; i++)
			printf("%s\n", names[i]);
		rc = 0;
		goto out;
	}
	if (check) {
		rc = tools_check(reg, stdout) == 0 ? 0 : 1;
		goto out;
	}

	/* The protocol gets a private copy of stdout; fd 1 becomes stderr. */
	signal(SIGPIPE, SIG_IGN);
	fflush(stdout);
	if ((fd = dup(STDOUT_FILENO)) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0 ||
	    (proto = fdopen(fd, "w")) == NULL) {
		perror("saia-mcp: stdout");
		goto out;
	}
	setvbuf(proto, NULL, _IOFBF, 1 << 16);
	rc = mcp_serve(reg, stdin, proto);
	fclose(proto);
out:
	tools_free(reg);
	tenant_free(t);
	mysql_library_end();
	return rc;
}
