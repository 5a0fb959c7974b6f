#!/usr/bin/env bash
# scripts/db.sh: a private MariaDB for the demo and the tests (never the
# system one).  Everything lives under $SAIA_DB_DIR; the server listens on
# 127.0.0.1:$SAIA_DB_PORT and on a private unix socket.
#
#   bash scripts/db.sh start     create the datadir if new, start mariadbd, wait until it answers
#   bash scripts/db.sh load      (re)create saia_demo + saia_other + saia_mapped from tests/data and the accounts
#   bash scripts/db.sh load mapped   (re)create only saia_mapped and its account (needs saia_demo)
#   bash scripts/db.sh up        start + load
#   bash scripts/db.sh stop      clean shutdown; no-op when not running
#   bash scripts/db.sh status    exit 0 when running, 1 when not
#   bash scripts/db.sh sql ARGS  the mariadb client as root over the socket (args and/or stdin)
#   bash scripts/db.sh env       export lines for the tests (eval "$(bash scripts/db.sh env)")
#   bash scripts/db.sh config F  write a tenants YAML for the tests to F
#   bash scripts/db.sh destroy   stop and delete $SAIA_DB_DIR
#
# Environment:
#   SAIA_DB_DIR         default <repo>/.testdb   (the demo uses <repo>/.demo)
#   SAIA_DB_PORT        default 23316            (the demo uses 23306); keep it below
#                       32768: ports in Linux's ephemeral range (32768-60999) can be
#                       held by any client socket in TIME_WAIT, and the server's bind fails
#   SAIA_DEMO_PASSWORD  saia_ro's password,       default demo-ro-pw
#   SAIA_RW_PASSWORD    saia_rw's password,       default demo-rw-pw
#   SAIA_OTHER_PASSWORD saia_other_ro's password, default other-ro-pw
#   SAIA_MAPPED_PASSWORD saia_mapped_ro's password, default mapped-ro-pw
#   SAIA_DB_TIME_ZONE   the server's global time_zone, default +01:00 (on purpose not
#                       UTC: a client that forgets time_zone='+00:00' sees shifted TIMESTAMPs)
#
# Accounts: root@localhost authenticates by unix_socket (we run as root), so
# there is no root password.  The anonymous accounts that mariadb-install-db
# may create are dropped: ''@'localhost' would shadow 'saia_ro'@'%' for local
# logins.  The server runs with --skip-name-resolve, so a TCP login from
# 127.0.0.1 matches 'user'@'127.0.0.1' or 'user'@'%', never 'user'@'localhost';
# the accounts exist for '%', 'localhost' and '127.0.0.1' with the same grants.
set -euo pipefail

SAIA_LOG_NAME="db.sh"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(saia_repo_root)"
DIR="${SAIA_DB_DIR:-$ROOT/.testdb}"
PORT="${SAIA_DB_PORT:-23316}"
RO_PW="${SAIA_DEMO_PASSWORD:-demo-ro-pw}"
RW_PW="${SAIA_RW_PASSWORD:-demo-rw-pw}"
OTHER_PW="${SAIA_OTHER_PASSWORD:-other-ro-pw}"
MAPPED_PW="${SAIA_MAPPED_PASSWORD:-mapped-ro-pw}"
TZ_SERVER="${SAIA_DB_TIME_ZONE:-+01:00}"
SAMPLE_SQL="$ROOT/tests/data/sample_company.sql"
MAPPED_SQL="$ROOT/tests/data/mapped_schema.sql"
START_TIMEOUT_S=30
STOP_TIMEOUT_S=30

if ! [[ "$PORT" =~ ^[0-9]{1,5}$ ]] || ((10#$PORT < 1 || 10#$PORT > 65535)); then
	saia_die "SAIA_DB_PORT must be a port number (1..65535), got '$PORT'"
fi
PORT=$((10#$PORT))
[[ -n "$DIR" ]] || saia_die "SAIA_DB_DIR is empty"
case "$DIR" in
/*) ;;
*) DIR="$PWD/$DIR" ;;
esac
DIR="${DIR%/}"

DATA="$DIR/data"
PIDFILE="$DIR/mysqld.pid"
ERRLOG="$DIR/mysqld.err"
# unix socket paths are limited to 107 bytes; fall back to /tmp when $DIR is long.
if ((${#DIR} + 12 <= 100)); then
	SOCKDIR="$DIR"
else
	SOCKDIR="/tmp/saia-mcp-$PORT"
fi
SOCK="$SOCKDIR/mysqld.sock"

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

# SQL string literal for a value (quotes and backslashes doubled/escaped).
sql_str() {
	local s="$1"
	s="${s//\\/\\\\}"
	s="${s//\'/\'\'}"
	printf "'%s'" "$s"
}

client() { # the mariadb client as root over our socket
	mariadb --no-defaults --socket="$SOCK" --user=root "$@"
}

pid_of_server() { # prints the pid when our mariadbd is alive
	local pid=""
	[[ -f "$PIDFILE" ]] && pid="$(tr -dc '0-9' <"$PIDFILE" 2>/dev/null || true)"
	if ! saia_is_alive "$pid"; then
		# The pid file can be gone while the server still runs (a start that
		# raced another one removes it): find ours by its data directory.
		pid="$(pgrep -o -f -- "--datadir=$DATA " 2>/dev/null || true)"
		saia_is_alive "$pid" || return 1
	fi
	# make sure the pid was not reused by something else
	[[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == mariadbd || "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == mysqld ]] || return 1
	printf '%s\n' "$pid"
}

answers() {
	mariadb-admin --no-defaults --socket="$SOCK" --user=root --connect-timeout=2 ping >/dev/null 2>&1
}

is_running() { pid_of_server >/dev/null && answers; }

need_running() {
	is_running || saia_die "the database in $DIR is not running (port $PORT); run: bash scripts/db.sh start"
}

show_log_tail() {
	if [[ -f "$ERRLOG" ]]; then
		printf -- '--- last lines of %s ---\n' "$ERRLOG" >&2
		tail -n 25 "$ERRLOG" >&2 || true
		printf -- '---\n' >&2
	fi
}

install_datadir() {
	saia_log "creating a new datadir in $DATA"
	mkdir -p "$DATA"
	if ! mariadb-install-db --no-defaults --datadir="$DATA" --user=root \
		--auth-root-authentication-method=socket --skip-test-db \
		--skip-name-resolve >"$DIR/install.log" 2>&1; then
		tail -n 30 "$DIR/install.log" >&2 || true
		rm -rf "$DATA"
		saia_die "mariadb-install-db failed (full log: $DIR/install.log)"
	fi
}

cmd_start() {
	saia_need mariadbd mariadb-install-db mariadb mariadb-admin
	local pid
	if pid="$(pid_of_server)"; then
		if answers; then
			saia_log "already running (pid $pid, port $PORT, socket $SOCK)"
			return 0
		fi
		saia_log "mariadbd (pid $pid) is starting; waiting for it"
	else
		mkdir -p "$DIR" "$SOCKDIR"
		rm -f "$PIDFILE"
		[[ -d "$DATA/mysql" ]] || install_datadir
		# a stale socket from a crash would make mariadbd refuse to start
		if [[ -S "$SOCK" ]]; then rm -f "$SOCK"; fi
		: >>"$ERRLOG"
		setsid nohup mariadbd --no-defaults \
			--datadir="$DATA" --socket="$SOCK" --port="$PORT" \
			--bind-address=127.0.0.1 --pid-file="$PIDFILE" \
			--log-error="$ERRLOG" --user=root --skip-name-resolve \
			--innodb-buffer-pool-size=64M --skip-log-bin \
			--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
			--default-time-zone="$TZ_SERVER" \
			</dev/null >>"$ERRLOG" 2>&1 &
		pid=$!
		disown "$pid" 2>/dev/null || true
	fi
	local waited=0
	while ! answers; do
		if ! saia_is_alive "$pid"; then
			show_log_tail
			saia_die "mariadbd exited during startup (port $PORT in use? see $ERRLOG)"
		fi
		if ((waited >= START_TIMEOUT_S * 5)); then
			show_log_tail
			saia_die "mariadbd (pid $pid) did not answer within ${START_TIMEOUT_S}s (see $ERRLOG)"
		fi
		sleep 0.2
		waited=$((waited + 1))
	done
	# anonymous accounts shadow 'user'@'%' for local logins: drop every one.
	drop_anonymous
	saia_log "running (pid $(pid_of_server || echo "$pid"), 127.0.0.1:$PORT, socket $SOCK, datadir $DATA)"
}

drop_anonymous() {
	local hosts h sql=""
	hosts="$(client -N -B -e "SELECT Host FROM mysql.user WHERE User = ''")"
	while IFS= read -r h; do
		[[ -n "$h" ]] || continue
		sql+="DROP USER IF EXISTS ''@$(sql_str "$h");"
	done <<<"$hosts"
	if [[ -n "$sql" ]]; then
		client -e "$sql FLUSH PRIVILEGES;"
		saia_log "dropped anonymous accounts"
	fi
}

cmd_stop() {
	local pid
	if ! pid="$(pid_of_server)"; then
		rm -f "$PIDFILE"
		saia_log "not running ($DIR)"
		return 0
	fi
	if ! mariadb-admin --no-defaults --socket="$SOCK" --user=root shutdown >/dev/null 2>&1; then
		saia_log "mariadb-admin shutdown failed; sending SIGTERM to pid $pid"
		kill -TERM "$pid" 2>/dev/null || true
	fi
	local waited=0
	while saia_is_alive "$pid"; do
		if ((waited >= STOP_TIMEOUT_S * 5)); then
			saia_log "pid $pid still alive after ${STOP_TIMEOUT_S}s; sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			sleep 0.5
			break
		fi
		sleep 0.2
		waited=$((waited + 1))
	done
	rm -f "$PIDFILE"
	if [[ "$SOCKDIR" == /tmp/saia-mcp-* ]]; then
		rm -f "$SOCK" "$SOCK.lock"
		rmdir "$SOCKDIR" 2>/dev/null || true
	fi
	saia_log "stopped (pid $pid)"
}

cmd_status() {
	local pid
	if pid="$(pid_of_server)" && answers; then
		printf 'running: pid %s, 127.0.0.1:%s, socket %s, datadir %s\n' "$pid" "$PORT" "$SOCK" "$DATA"
		client -N -B -e "SELECT CONCAT('version: ', VERSION())"
		return 0
	fi
	printf 'not running (datadir %s, port %s)\n' "$DATA" "$PORT"
	return 1
}

# saia_mapped: the sample company under German names (copied from saia_demo) and its
# read-only account.  Idempotent; saia_demo must be loaded.
load_mapped() {
	[[ -r "$MAPPED_SQL" ]] || saia_die "cannot read $MAPPED_SQL"
	saia_log "loading saia_mapped from ${MAPPED_SQL#"$ROOT"/}"
	client -e "DROP DATABASE IF EXISTS saia_mapped;
		CREATE DATABASE saia_mapped CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
	if ! client --default-character-set=utf8mb4 saia_mapped <"$MAPPED_SQL"; then
		saia_die "loading $MAPPED_SQL failed (is saia_demo loaded?)"
	fi
	local mapped h
	mapped="$(sql_str "$MAPPED_PW")"
	{
		for h in '%' 'localhost' '127.0.0.1'; do
			printf "DROP USER IF EXISTS 'saia_mapped_ro'@'%s';\n" "$h"
			printf "CREATE USER 'saia_mapped_ro'@'%s' IDENTIFIED BY %s;\n" "$h" "$mapped"
			printf "GRANT SELECT ON saia_mapped.* TO 'saia_mapped_ro'@'%s';\n" "$h"
		done
		echo "FLUSH PRIVILEGES;"
	} | client
}

cmd_load() {
	need_running
	if [[ "${1:-}" == mapped ]]; then
		load_mapped
		return
	fi
	[[ -z "${1:-}" ]] || saia_die "usage: db.sh load [mapped]"
	[[ -r "$SAMPLE_SQL" ]] || saia_die "cannot read $SAMPLE_SQL"
	saia_log "loading saia_demo from ${SAMPLE_SQL#"$ROOT"/}"
	client -e "DROP DATABASE IF EXISTS saia_demo;
		CREATE DATABASE saia_demo CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
	if ! client --default-character-set=utf8mb4 saia_demo <"$SAMPLE_SQL"; then
		saia_die "loading $SAMPLE_SQL failed"
	fi

	saia_log "creating saia_other and the accounts"
	local ro rw other h
	ro="$(sql_str "$RO_PW")"
	rw="$(sql_str "$RW_PW")"
	other="$(sql_str "$OTHER_PW")"
	{
		cat <<'SQL'
DROP DATABASE IF EXISTS saia_other;
CREATE DATABASE saia_other CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE saia_other.secrets (id INT PRIMARY KEY, secret VARCHAR(64) NOT NULL)
  COMMENT 'another tenant''s data: no saia_demo account may ever see it';
INSERT INTO saia_other.secrets VALUES (1, 'top-secret-other-tenant');
SQL
		for h in '%' 'localhost' '127.0.0.1'; do
			# the read-only account exactly as the original setup guide has it
			printf "DROP USER IF EXISTS 'saia_ro'@'%s';\n" "$h"
			printf "CREATE USER 'saia_ro'@'%s' IDENTIFIED BY %s;\n" "$h" "$ro"
			printf "GRANT SELECT ON saia_demo.* TO 'saia_ro'@'%s';\n" "$h"
			# a write-capable account, for the defense-in-depth tests
			printf "DROP USER IF EXISTS 'saia_rw'@'%s';\n" "$h"
			printf "CREATE USER 'saia_rw'@'%s' IDENTIFIED BY %s;\n" "$h" "$rw"
			printf "GRANT ALL PRIVILEGES ON saia_demo.* TO 'saia_rw'@'%s';\n" "$h"
			# ... that can also read the other tenant: the guard alone must keep it out
			printf "GRANT SELECT ON saia_other.* TO 'saia_rw'@'%s';\n" "$h"
			# the other tenant's read-only account
			printf "DROP USER IF EXISTS 'saia_other_ro'@'%s';\n" "$h"
			printf "CREATE USER 'saia_other_ro'@'%s' IDENTIFIED BY %s;\n" "$h" "$other"
			printf "GRANT SELECT ON saia_other.* TO 'saia_other_ro'@'%s';\n" "$h"
		done
		echo "FLUSH PRIVILEGES;"
	} | client
	load_mapped
	drop_anonymous
	local n
	n="$(client -N -B -e "SELECT COUNT(*) FROM saia_demo.invoices")"
	saia_log "loaded: saia_demo ($n invoices), saia_other, saia_mapped; accounts saia_ro, saia_rw, saia_other_ro, saia_mapped_ro"
}

cmd_sql() {
	need_running
	exec mariadb --no-defaults --socket="$SOCK" --user=root --default-character-set=utf8mb4 "$@"
}

cmd_env() {
	local v
	for v in "SAIA_DB_DIR=$DIR" "SAIA_DB_SOCKET=$SOCK" "SAIA_DB_PORT=$PORT" \
		"SAIA_DB_HOST=127.0.0.1" "SAIA_DB_NAME=saia_demo" \
		"SAIA_DEMO_PASSWORD=$RO_PW" "SAIA_RW_PASSWORD=$RW_PW" \
		"SAIA_OTHER_PASSWORD=$OTHER_PW" "SAIA_MAPPED_PASSWORD=$MAPPED_PW"; do
		printf 'export %s=%s\n' "${v%%=*}" "$(saia_shell_quote "${v#*=}")"
	done
}

cmd_config() {
	local out="${1:-}"
	[[ -n "$out" ]] || saia_die "usage: db.sh config FILE"
	local all="[test_customer_database_connection, list_customer_tables, describe_customer_table, get_customer_table_sample, count_customer_table_rows, get_database_overview]"
	local every="[test_customer_database_connection, list_customer_tables, describe_customer_table, get_customer_table_sample, count_customer_table_rows, get_database_overview, get_comprehensive_database_overview, search_customer_data, get_all_invoices, get_invoice_count, get_invoice_by_number, get_latest_invoice, get_contacts, execute_safe_query]"
	local tmp="$out.tmp.$$"
	db() { # name port db user password_env
		cat <<EOF
    database:
      host: 127.0.0.1
      port: $2
      name: $3
      user: $4
      password_env: $5
      ssl_mode: disabled
      connect_timeout_s: 2
EOF
	}
	{
		echo "# Tenants for the tests, written by scripts/db.sh config (port $PORT)."
		echo "# Passwords come from the environment: eval \"\$(bash scripts/db.sh env)\"."
		echo "tenants:"
		echo "  test:"
		db test "$PORT" saia_demo saia_ro SAIA_DEMO_PASSWORD
		echo "    enabled_tools: $all"
		echo "  limited:"
		db limited "$PORT" saia_demo saia_ro SAIA_DEMO_PASSWORD
		echo "    enabled_tools: [list_customer_tables, count_customer_table_rows]"
		echo "  down:       # nothing listens on port 1"
		db down 1 saia_demo saia_ro SAIA_DEMO_PASSWORD
		echo "    enabled_tools: $all"
		echo "  other:"
		db other "$PORT" saia_other saia_other_ro SAIA_OTHER_PASSWORD
		echo "    enabled_tools: $all"
		echo "  rw:         # a write-capable account that can also read saia_other: the server must still never write nor read saia_other"
		db rw "$PORT" saia_demo saia_rw SAIA_RW_PASSWORD
		echo "    enabled_tools: $all"
		echo "  full:       # every tool, execute_safe_query included"
		db full "$PORT" saia_demo saia_ro SAIA_DEMO_PASSWORD
		echo "    enabled_tools: $every"
		echo "  rw_full:    # every tool on the write-capable account (defense in depth)"
		db rw_full "$PORT" saia_demo saia_rw SAIA_RW_PASSWORD
		echo "    enabled_tools: $every"
		echo "    limits: {query_timeout_ms: 2000}"
		echo "  slow:       # a short statement time limit"
		db slow "$PORT" saia_demo saia_ro SAIA_DEMO_PASSWORD
		echo "    enabled_tools: $every"
		echo "    limits: {query_timeout_ms: 1000}"
		# (issue 3) the sample company under German names, found through schema:
		local biz="[get_all_invoices, get_invoice_count, get_invoice_by_number, get_latest_invoice, get_contacts]"
		local schema_tools="test_customer_database_connection, list_customer_tables, describe_customer_table, get_customer_table_sample, count_customer_table_rows, get_database_overview"
		echo "  mapped:     # saia_mapped: every business key given in schema:"
		db mapped "$PORT" saia_mapped saia_mapped_ro SAIA_MAPPED_PASSWORD
		echo "    enabled_tools: [${biz:1:${#biz}-2}, $schema_tools, search_customer_data, get_comprehensive_database_overview]"
		echo "    schema:"
		echo "      invoices: {table: rechnungen, number: nr, date: datum, total: betrag, status: zustand, customer: kunde}"
		echo "      invoice_items: {table: rechnungspositionen, invoice: rechnung}"
		echo "      contacts: {table: kontakte, name: voller_name, email: e_mail, phone: telefon, company: firma}"
		echo "  mapped_partial:  # saia_mapped, invoices not mapped (no date column found); contacts in a latin1 table"
		db mapped_partial "$PORT" saia_mapped saia_mapped_ro SAIA_MAPPED_PASSWORD
		echo "    enabled_tools: $biz"
		echo "    schema:"
		echo "      contacts: {table: notizen_latin1, name: text}"
		echo "  mapped_wrong:  # saia_demo with a schema: that names a column it does not have"
		db mapped_wrong "$PORT" saia_demo saia_ro SAIA_DEMO_PASSWORD
		echo "    enabled_tools: $biz"
		echo "    schema:"
		echo "      invoices: {date: datum}"
		echo "      contacts: {table: kontakte}"
	} >"$tmp"
	mv -f "$tmp" "$out"
	saia_log "wrote $out"
}

cmd_destroy() {
	cmd_stop
	[[ -d "$DIR" ]] || return 0
	[[ -d "$DATA" || -f "$ERRLOG" ]] || saia_die "$DIR does not look like a db.sh directory; not deleting it"
	rm -rf "$DIR"
	saia_log "deleted $DIR"
}

main() {
	local cmd="${1:-}"
	[[ $# -gt 0 ]] && shift
	case "$cmd" in
	start) cmd_start ;;
	load) cmd_load "$@" ;;
	up) cmd_start && cmd_load ;;
	stop) cmd_stop ;;
	status) cmd_status ;;
	sql) cmd_sql "$@" ;;
	env) cmd_env ;;
	config) cmd_config "$@" ;;
	destroy) cmd_destroy ;;
	-h | --help | help) usage ;;
	"") usage >&2; exit 2 ;;
	*) saia_log "unknown command '$cmd'"; usage >&2; exit 2 ;;
	esac
}

main "$@"
