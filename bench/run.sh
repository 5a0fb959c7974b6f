#!/usr/bin/env bash
# bench/run.sh: saia-mcp against the `mariadb` command-line client on the same
# work, in one run (issue 5; CONTRACT section 9).  Not a test and not in CI.
#
#   bash bench/run.sh                    100,000 invoices (300,000 items)
#   bash bench/run.sh --invoices 20000   a smaller company
#   bash bench/run.sh --regen            generate the data again
#   options passed on to the driver: --spawns N (50), --calls N (1000), --big-runs N (5)
#
# What it does: starts the test MariaDB of scripts/db.sh if it is not running
# (127.0.0.1:23316; never `load`, which would recreate the test databases);
# creates the database saia_bench with N invoices and 3 items each, generated
# in SQL with a recursive CTE (skipped when saia_bench already holds N), and
# the account saia_bench_ro with SELECT on it only; builds saia-mcp as a release
# build in build-bench/ and bench/bench_client.c with gcc; writes the profile
# build-bench/bench-tenants.yaml (tenant bench: default caps; bench_big:
# max_rows 1000000, max_bytes 67108864, 600 s); and runs bench_client, which
# prints each figure, the mariadb figure, the ratio and the target.
#
# Environment: SAIA_DB_DIR / SAIA_DB_PORT as for scripts/db.sh;
# SAIA_BENCH_PASSWORD, saia_bench_ro's password (default bench-ro-pw).
set -euo pipefail

SAIA_LOG_NAME="bench"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ROOT="$(saia_repo_root)"
cd "$ROOT"

INVOICES=100000
REGEN=0
DRIVER_ARGS=()
while (($# > 0)); do
	case "$1" in
	--invoices)
		[[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] && (($2 >= 1 && $2 <= 10000000)) ||
			saia_die "--invoices takes a number from 1 to 10000000"
		INVOICES="$2"
		shift 2
		;;
	--regen)
		REGEN=1
		shift
		;;
	--spawns | --calls | --big-runs)
		[[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || saia_die "$1 takes a number"
		DRIVER_ARGS+=("$1" "$2")
		shift 2
		;;
	-h | --help)
		sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) saia_die "unknown option '$1' (see --help)" ;;
	esac
done

saia_need meson ninja gcc mariadb
BENCH_PW="${SAIA_BENCH_PASSWORD:-bench-ro-pw}"
OUT="$ROOT/build-bench"

bash scripts/db.sh start
eval "$(bash scripts/db.sh env)"
sql() { bash scripts/db.sh sql "$@"; }

# ---- the sample company ----
have="$(sql -N -B -e "SELECT COUNT(*) FROM saia_bench.invoices" 2>/dev/null || echo 0)"
if ((REGEN == 1)) || [[ "$have" != "$INVOICES" ]]; then
	saia_log "generating saia_bench: $INVOICES invoices, $((INVOICES * 3)) items"
	start_s=$SECONDS
	# The numbers 1..N: MariaDB's Sequence engine when it is there (instant),
	# else a recursive CTE (some 20 s for 100,000).
	if [[ "$(sql -N -B -e "SELECT COUNT(*) FROM information_schema.ENGINES
			WHERE ENGINE = 'SEQUENCE' AND SUPPORT IN ('YES', 'DEFAULT')")" == 1 ]]; then
		SEQ="(SELECT seq AS n FROM seq_1_to_$INVOICES) s"
	else
		SEQ="(WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r
			WHERE n < $INVOICES) SELECT n FROM r) s"
	fi
	sql >/dev/null <<SQL	# (errors still reach stderr; ANALYZE's table does not)
DROP DATABASE IF EXISTS saia_bench;
CREATE DATABASE saia_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE saia_bench;
CREATE TABLE invoices (
  id INT UNSIGNED NOT NULL PRIMARY KEY,
  invoice_number VARCHAR(32) NOT NULL UNIQUE,
  customer_id INT UNSIGNED NOT NULL,
  invoice_date DATE NOT NULL,
  due_date DATE NOT NULL,
  status ENUM('draft','sent','paid','overdue','cancelled') NOT NULL DEFAULT 'draft',
  total_amount DECIMAL(12,2) NOT NULL DEFAULT 0.00,
  currency CHAR(3) NOT NULL DEFAULT 'EUR',
  notes TEXT NULL,
  KEY (customer_id), KEY (invoice_date), KEY (status)
) ENGINE=InnoDB;
CREATE TABLE invoice_items (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  invoice_id INT UNSIGNED NOT NULL,
  product_id INT UNSIGNED NOT NULL,
  quantity INT UNSIGNED NOT NULL,
  unit_price DECIMAL(10,2) NOT NULL,
  line_total DECIMAL(12,2) NOT NULL,
  KEY (invoice_id)
) ENGINE=InnoDB;
SET SESSION max_recursive_iterations = 100000000;
INSERT INTO invoices
SELECT n, CONCAT('INV-', LPAD(n, 7, '0')), 1 + n % 5000,
       '2020-01-01' + INTERVAL (n % 2190) DAY, '2020-01-31' + INTERVAL (n % 2190) DAY,
       ELT(1 + n % 5, 'draft', 'sent', 'paid', 'overdue', 'cancelled'),
       ROUND(10 + (n * 7919 % 500000) / 100, 2), 'EUR',
       IF(n % 10 = 0, CONCAT('Delivery note ', n, ': deliver to the back door'), NULL)
FROM $SEQ;
INSERT INTO invoice_items (invoice_id, product_id, quantity, unit_price, line_total)
SELECT i.id, 1 + (i.id * k.k) % 200, k.k, ROUND(1 + (i.id * k.k * 31 % 10000) / 100, 2),
       k.k * ROUND(1 + (i.id * k.k * 31 % 10000) / 100, 2)
FROM invoices i JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k
ORDER BY i.id, k.k;
ANALYZE TABLE invoices, invoice_items;
SQL
	saia_log "generated in $((SECONDS - start_s)) s"
fi
pw="$(printf '%s' "$BENCH_PW" | sed "s/'/''/g")"
for h in '%' 'localhost' '127.0.0.1'; do
	printf "CREATE USER IF NOT EXISTS 'saia_bench_ro'@'%s' IDENTIFIED BY '%s';\n" "$h" "$pw"
	printf "ALTER USER 'saia_bench_ro'@'%s' IDENTIFIED BY '%s';\n" "$h" "$pw"
	printf "GRANT SELECT ON saia_bench.* TO 'saia_bench_ro'@'%s';\n" "$h"
done | sql

# ---- builds ----
if [[ ! -f "$OUT/build.ninja" ]]; then
	meson setup "$OUT" "$ROOT" --buildtype=release >/dev/null
fi
ninja -C "$OUT" saia-mcp >/dev/null
gcc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 \
	-o "$OUT/bench_client" bench/bench_client.c

# ---- the profile ----
db="{host: 127.0.0.1, port: $SAIA_DB_PORT, name: saia_bench, user: saia_bench_ro,
               password_env: SAIA_BENCH_PASSWORD, ssl_mode: disabled}"
cat >"$OUT/bench-tenants.yaml" <<EOF
# Written by bench/run.sh.
tenants:
  bench:        # default caps (max_rows 500, max_bytes 1 MiB)
    database: $db
    enabled_tools: [execute_safe_query]
  bench_big:    # caps as high as the profile allows; one line stays under 10 MiB
    database: $db
    enabled_tools: [execute_safe_query]
    limits: {max_rows: 1000000, max_bytes: 67108864, query_timeout_ms: 600000}
EOF

printf 'saia-mcp %s (release build), %s, %s invoices, %s, %s CPUs\n' \
	"$("$OUT/saia-mcp" --version 2>&1 | head -n1)" \
	"$(sql -N -B -e 'SELECT CONCAT("MariaDB ", VERSION())')" "$INVOICES" \
	"$(uname -sr)" "$(nproc)"
SAIA_BENCH_PASSWORD="$BENCH_PW" "$OUT/bench_client" \
	--bin "$OUT/saia-mcp" --config "$OUT/bench-tenants.yaml" \
	--tenant bench --tenant-big bench_big \
	--host 127.0.0.1 --port "$SAIA_DB_PORT" --user saia_bench_ro --password "$BENCH_PW" \
	--db saia_bench --invoices "$INVOICES" ${DRIVER_ARGS[@]+"${DRIVER_ARGS[@]}"}
