#!/usr/bin/env bash
# scripts/demo.sh: the main job, from nothing.  Installs what is missing,
# builds saia-mcp, starts a private MariaDB (.demo/, 127.0.0.1:23306) with
# the sample company loaded and a read-only account created as the setup
# guide says, then runs a real MCP session against the server for the
# `demo` tenant of tenants.example.yaml, through the official MCP SDK client.
#
#   bash scripts/demo.sh          run the session, then stop the database
#   bash scripts/demo.sh --keep   leave the database running afterwards (to
#                                 point Claude Desktop or the Inspector at it)
set -euo pipefail
SAIA_LOG_NAME="demo.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$(saia_repo_root)"
keep=0
[[ "${1:-}" == "--keep" ]] && keep=1

bash "$ROOT/scripts/setup.sh"
if [[ ! -f "$ROOT/build/build.ninja" ]]; then
	meson setup "$ROOT/build" "$ROOT" >/dev/null
fi
ninja -C "$ROOT/build" saia-mcp >/dev/null

export SAIA_DB_DIR="$ROOT/.demo" SAIA_DB_PORT=23306
export SAIA_DEMO_PASSWORD="${SAIA_DEMO_PASSWORD:-demo-ro-pw}"
if ((keep == 0)); then
	trap 'bash "$ROOT/scripts/db.sh" stop >/dev/null 2>&1 || true' EXIT
fi
bash "$ROOT/scripts/db.sh" up

echo
echo "== saia-mcp --check (the tenant's connection, as an administrator would run it)"
"$ROOT/build/saia-mcp" --config "$ROOT/tenants.example.yaml" --tenant demo --check
echo
SAIA_MCP_BIN="$ROOT/build/saia-mcp" node "$ROOT/tests/client/demo.mjs"
if ((keep == 1)); then
	echo
	echo "The demo database is still running on 127.0.0.1:23306 (stop it with:"
	echo "  SAIA_DB_DIR=$ROOT/.demo SAIA_DB_PORT=23306 bash scripts/db.sh stop)"
fi
