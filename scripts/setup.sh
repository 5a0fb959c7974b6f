#!/usr/bin/env bash
# scripts/setup.sh: install what building, testing and the demo need, on
# Debian 12 as root.  Idempotent and quick when everything is there: apt is
# only asked when a package is missing.  Also installs the pinned MCP SDK
# client (tests/client, from its lock file).
#
#   bash scripts/setup.sh            everything
#   SAIA_SETUP_NO_NPM=1 ...          skip the npm part
set -euo pipefail
SAIA_LOG_NAME="setup.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$(saia_repo_root)"

PACKAGES=(
	build-essential pkg-config meson ninja-build
	libcjson-dev libyaml-dev libcmocka-dev default-libmysqlclient-dev
	mariadb-server mariadb-client
	clang libclang-rt-14-dev     # the libFuzzer target and sanitizer runs
	ca-certificates
)
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
	[[ $(id -u) -eq 0 ]] || saia_die "missing packages (${missing[*]}): run as root"
	saia_log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Wait for another apt (a second setup, unattended-upgrades) instead of failing.
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	# The package's own service start is refused in containers; we never use it.
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's mariadb-server may start its own server on install; ours are private.
node_major="$(node -e 'console.log(process.versions.node.split(".")[0])')"
((node_major >= 18)) || saia_die "Node.js >= 18 is needed for the MCP SDK client (found $(node --version))"

if [[ -z "${SAIA_SETUP_NO_NPM:-}" ]]; then
	if [[ ! -d "$ROOT/tests/client/node_modules/@modelcontextprotocol/sdk" ]] ||
		! cmp -s "$ROOT/tests/client/package-lock.json" "$ROOT/tests/client/node_modules/.package-lock.json" 2>/dev/null; then
		saia_log "installing the MCP SDK client (npm ci, pinned by tests/client/package-lock.json)"
		(cd "$ROOT/tests/client" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	fi
fi
saia_log "ready"
