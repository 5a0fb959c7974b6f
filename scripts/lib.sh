# shellcheck shell=bash
# scripts/lib.sh: small helpers shared by the shell scripts in scripts/.
# Source it; it defines functions only and changes no shell options.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   SAIA_ROOT="$(saia_repo_root)"

# The repository root: the parent of the directory holding this file,
# whatever the caller's cwd is.
saia_repo_root() {
	local here
	here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
	(cd "$here/.." && pwd -P)
}

# Messages go to stderr so that stdout stays usable (e.g. `db.sh env`).
saia_log() {
	printf '%s: %s\n' "${SAIA_LOG_NAME:-${0##*/}}" "$*" >&2
}

saia_die() {
	printf '%s: error: %s\n' "${SAIA_LOG_NAME:-${0##*/}}" "$*" >&2
	exit 1
}

# saia_need CMD...: fail clearly when a program is missing.
saia_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			saia_die "'$c' not found in PATH (on Debian 12: apt-get install mariadb-server mariadb-client)"
	done
}

# saia_is_alive PID: is that process running (and not a zombie)?
saia_is_alive() {
	local pid="$1" state
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
	[[ "$state" != "Z" ]]
}

# saia_shell_quote STR: STR quoted for a POSIX shell (for `export` lines).
saia_shell_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
