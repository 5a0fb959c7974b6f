#!/usr/bin/env bash
# scripts/test.sh: every test, from nothing.  Installs what is missing,
# builds, starts a private MariaDB (.testdb/, 127.0.0.1:23316) with the
# sample company, and runs:
#   1. meson test, all suites (unit, protocol, mysql) on the normal build;
#   2. the official MCP SDK client test (node --test);
#   3. the same meson suites again on an AddressSanitizer+UBSan build;
#   4. the guard's libFuzzer target for a bounded time (clang).
# Prints one closing line "N passed, N failed" (test cases: cmocka cases,
# node tests, the fuzz run; a failed or crashed program counts as one
# failure) and exits non-zero on any failure.  In CI (CI set) a skipped test counts as a failure.
#
#   bash scripts/test.sh                 everything
#   SAIA_FUZZ_SECONDS=10 bash ...        a shorter fuzz run (default 60)
#   SAIA_NO_ASAN=1 bash ...              skip the sanitizer pass (local use)
set -uo pipefail
SAIA_LOG_NAME="test.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$(saia_repo_root)"
cd "$ROOT"

bash scripts/setup.sh || exit 1

passed=0 failed=0 skipped=0
stage_fail() { saia_log "FAILED: $*"; failed=$((failed + 1)); }

export SAIA_DB_DIR="$ROOT/.testdb" SAIA_DB_PORT="${SAIA_DB_PORT:-23316}"
trap 'bash "$ROOT/scripts/db.sh" stop >/dev/null 2>&1 || true' EXIT
bash scripts/db.sh up || exit 1
eval "$(bash scripts/db.sh env)"
mkdir -p build
bash scripts/db.sh config "$ROOT/build/test-tenants.yaml" || exit 1
export SAIA_TEST_CONFIG="$ROOT/build/test-tenants.yaml"

# meson_suites DIR: run every suite in DIR and add up its counts.
meson_suites() {
	local dir="$1" log ok fail skip
	log="$(mktemp)"
	meson test -C "$dir" --print-errorlogs --num-processes 2 2>&1 | tee "$log"
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	local timeout_n
	timeout_n=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	rm -f "$log"
	if [[ -z "$ok" ]]; then
		stage_fail "meson test in $dir did not run"
		return
	fi
	# Count test cases, not executables: every cmocka program ends with
	# "[  PASSED  ] N test(s)." in meson's log.
	local cases
	cases=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$dir/meson-logs/testlog.txt" |
		awk '{s += $1} END {print s + 0}')
	saia_log "$dir: $ok test programs passed, $cases test cases in them"
	passed=$((passed + cases))
	failed=$((failed + ${fail:-0} + ${timeout_n:-0}))
	skipped=$((skipped + ${skip:-0}))
}

build_dir() {
	local dir="$1"
	shift
	if [[ ! -f "$dir/build.ninja" ]]; then
		meson setup "$dir" "$ROOT" "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

echo "== 1. build and meson test (unit, protocol, mysql)"
if build_dir build; then
	meson_suites build
else
	stage_fail "build"
fi

echo "== 2. the official MCP SDK client"
log="$(mktemp)"
SAIA_MCP_BIN="$ROOT/build/saia-mcp" node --test --test-reporter=tap tests/client/ 2>&1 | tee "$log"
ok=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$log" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$log" | tail -1)
sk=$(sed -n 's/^# skipped \([0-9]*\)/\1/p' "$log" | tail -1)
rm -f "$log"
if [[ -z "$ok" ]]; then stage_fail "the SDK client test did not run"; else
	passed=$((passed + ok)); failed=$((failed + ${fail:-0})); skipped=$((skipped + ${sk:-0}))
fi

if [[ -z "${SAIA_NO_ASAN:-}" ]]; then
	echo "== 3. AddressSanitizer + UndefinedBehaviorSanitizer build, all meson suites"
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
	if build_dir build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
		meson_suites build-asan
	else
		stage_fail "sanitizer build"
	fi
fi

if [[ -f fuzz/meson.build ]]; then
	secs="${SAIA_FUZZ_SECONDS:-60}"
	echo "== 4. libFuzzer on the guard for ${secs}s"
	if CC=clang build_dir build-fuzz -Dfuzz=true -Dbuildtype=debug; then
		corpus="$(mktemp -d)"
		cp fuzz/corpus/* "$corpus"/ 2>/dev/null || true
		if ./build-fuzz/fuzz/fuzz_guard -max_total_time="$secs" -max_len=4096 \
			-print_final_stats=1 "$corpus" >build-fuzz/fuzz.log 2>&1; then
			tail -n 12 build-fuzz/fuzz.log
			passed=$((passed + 1))
		else
			tail -n 40 build-fuzz/fuzz.log
			stage_fail "fuzz_guard found a crash (see build-fuzz/fuzz.log)"
		fi
		rm -rf "$corpus"
	else
		stage_fail "fuzz build"
	fi
fi

if [[ -n "${CI:-}" ]] && ((skipped > 0)); then
	saia_log "$skipped tests skipped: in CI a skipped test is a failure"
	failed=$((failed + skipped))
fi
echo
echo "$passed passed, $failed failed"
((failed == 0))
