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
# The SDK's dependencies want Node.js 20 (package-lock.json); Debian 12's own
# nodejs is 18, so it is not installed from apt: the machine brings Node 20.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
	saia_die "Node.js 20 or later with npm is needed for the MCP SDK client and was not found (Debian 12's nodejs is 18: install 20 from nodejs.org or NodeSource)"
node_major="$(node -e 'console.log(process.versions.node.split(".")[0])')"
((node_major >= 20)) || saia_die "Node.js 20 or later is needed for the MCP SDK client (found $(node --version))"

if [[ -z "${SAIA_SETUP_NO_NPM:-}" ]]; then
	# npm's own node_modules/.package-lock.json never equals the lock file
	# (it leaves out the root entry), so a copy of the lock file that was
	# installed is kept as the stamp: npm ci runs again only when it changed.
	client="$ROOT/tests/client"
	if [[ ! -d "$client/node_modules/@modelcontextprotocol/sdk" ]] ||
		! cmp -s "$client/package-lock.json" "$client/node_modules/.saia-installed-lock.json"; then
		saia_log "installing the MCP SDK client (npm ci, pinned by tests/client/package-lock.json)"
		(cd "$client" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
		cp "$client/package-lock.json" "$client/node_modules/.saia-installed-lock.json"
	fi
fi
saia_log "ready"
