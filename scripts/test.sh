#!/usr/bin/env bash
# scripts/test.sh [--asan] [--quick]
#
# Installs dependencies, builds (release preset, or asan with --asan), then runs:
#   unit tests (ctest -L unit), the Python client suites (confluent-kafka,
#   kafka-python, raw-socket bad input), the kafkajs suite, the librdkafka C++
#   program, the kcat suite — each against real `gregor serve` processes that the
#   suites start themselves — and a 20 s libFuzzer smoke run per fuzz target.
# --quick skips the fuzz smoke run and the kill -9-under-load test.
#
# Every suite runs even if an earlier one failed. The run ends with a summary per
# suite and the line "N passed, N failed"; the exit code is non-zero if anything
# failed. Logs: build/test-logs/<suite>.log
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PRESET=release
QUICK=0
for arg in "$@"; do
  case "$arg" in
    --asan) PRESET=asan ;;
    --quick) QUICK=1 ;;
    -h | --help)
      sed -n '2,14p' "$0"
      exit 0
      ;;
    *)
      echo "unknown option: $arg (use --asan, --quick)" >&2
      exit 2
      ;;
  esac
done

JOBS=${GREGOR_JOBS:-2}
PY=/usr/bin/python3
BUILD="$ROOT/build/$PRESET"
LOGS="$ROOT/build/test-logs"
mkdir -p "$LOGS"

# Integration suites start their own brokers from this build; an external broker
# from the caller's environment would make the run depend on it.
unset GREGOR_BOOTSTRAP
export GREGOR_BIN="$BUILD/src/app/gregor"
export RDKAFKA_CLIENT_TEST="$BUILD/tests/integration/cpp/rdkafka_client_test"
export PYTHONDONTWRITEBYTECODE=1
# Let ccache reuse objects across clones and build directories (CI builds in a
# fresh clone): paths under the checkout are hashed relative to it.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
if [ "$PRESET" = asan ]; then
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  export GREGOR_START_TIMEOUT=${GREGOR_START_TIMEOUT:-60}
fi

SUMMARY=()
TOTAL_PASSED=0
TOTAL_FAILED=0
ANY_FAILURE=0
START=$(date +%s)

note() { printf '\n==== %s ====\n' "$*"; }

# record NAME PASSED FAILED RC [EXTRA]: adds a suite's result to the summary. A
# non-zero exit with no failure counted (a crash, a timeout, a build error)
# counts as one failure, so it can never pass silently.
record() {
  local name=$1 passed=$2 failed=$3 rc=$4 extra=${5:-}
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
    extra="${extra:+$extra, }exit code $rc"
  fi
  [ "$failed" -eq 0 ] || ANY_FAILURE=1
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  SUMMARY+=("$(printf '%-28s %5d passed, %3d failed%s' "$name" "$passed" "$failed" "${extra:+  ($extra)}")")
}

# record_step NAME RC: a step that is not a test suite (install, build): shown as
# ok/FAILED; a failure counts as one failed test.
record_step() {
  if [ "$2" -eq 0 ]; then
    SUMMARY+=("$(printf '%-28s ok' "$1")")
  else
    ANY_FAILURE=1
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    SUMMARY+=("$(printf '%-28s FAILED (exit code %d)' "$1" "$2")")
  fi
}

# run_logged NAME TIMEOUT_S CMD...: runs CMD (output to the console and to
# build/test-logs/NAME.log) under a time limit; sets RC.
run_logged() {
  local name=$1 limit=$2
  shift 2
  local log="$LOGS/$name.log"
  note "$name: $*"
  timeout --kill-after=30 "$limit" "$@" </dev/null 2>&1 | tee "$log"
  RC=${PIPESTATUS[0]}
  [ "$RC" -ne 124 ] || echo "$name: TIMED OUT after ${limit}s" | tee -a "$log"
  LOG="$log"
}

count() { # count REGEX FILE: the number captured by the last match, or 0
  local n
  n=$(grep -oE "$1" "$2" 2>/dev/null | tail -1 | grep -oE '[0-9]+' | head -1)
  echo "${n:-0}"
}

pytest_suite() { # pytest_suite NAME TIMEOUT_S ARGS...
  local name=$1 limit=$2
  shift 2
  run_logged "$name" "$limit" "$PY" -m pytest -p no:cacheprovider -q -rfEs --color=no "$@"
  local last passed failed errors
  # The closing line, with or without the ==== banner: "3 passed, 1 skipped in 2.50s".
  last=$(grep -E '[0-9]+ (passed|failed|errors?|skipped|deselected).* in [0-9.]+s' "$LOG" | tail -1)
  passed=$(echo "$last" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
  failed=$(echo "$last" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || true)
  errors=$(echo "$last" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+' || true)
  local skipped
  skipped=$(echo "$last" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || true)
  [ "$RC" -ne 5 ] || echo "$name: pytest collected no tests" | tee -a "$LOG"
  record "$name" "${passed:-0}" $((${failed:-0} + ${errors:-0})) "$RC" "${skipped:+$skipped skipped}"
}

# 1. Dependencies and build -------------------------------------------------
run_logged install-deps 1200 bash scripts/install-deps.sh
record_step install-deps "$RC"

run_logged configure 600 cmake --preset "$PRESET"
CONF_RC=$RC
if [ "$CONF_RC" -eq 0 ]; then
  # -k 0: a target that fails to compile does not stop the others, so the suites
  # still run against everything that did build (the failure is still counted).
  run_logged build 2400 cmake --build --preset "$PRESET" -j "$JOBS" -- -k 0
  BUILD_RC=$RC
else
  BUILD_RC=$CONF_RC
fi
record_step "build ($PRESET)" "$BUILD_RC"

# 2. Unit tests ---------------------------------------------------------------
run_logged unit 900 ctest --preset "$PRESET" -L unit --output-on-failure --no-tests=error --timeout 300 -j "$JOBS"
UNIT_TOTAL=$(count 'tests failed out of [0-9]+' "$LOG")
UNIT_FAILED=$(count '[0-9]+ tests failed out of' "$LOG")
record "unit (ctest)" $((UNIT_TOTAL - UNIT_FAILED)) "$UNIT_FAILED" "$RC"

# 3. Integration suites against real brokers ----------------------------------
PY_EXCLUDE=(--ignore=tests/integration/kcat_test.py --ignore=tests/integration/test_rdkafka_cpp.py)
if [ "$QUICK" -eq 1 ]; then
  PY_EXCLUDE+=(-k "not kill9_under_load")
fi
pytest_suite "python clients (pytest)" 1500 tests/integration "${PY_EXCLUDE[@]}"

note "kafkajs: npm ci"
KJS="$ROOT/tests/integration/kafkajs"
NODE_FLAGS=()
for flag in --test-reporter=tap --test-concurrency=1; do
  if node "$flag" --version >/dev/null 2>&1; then NODE_FLAGS+=("$flag"); fi
done
(cd "$KJS" && timeout 300 npm ci --no-audit --no-fund </dev/null) >"$LOGS/kafkajs-npm.log" 2>&1
NPM_RC=$?
cat "$LOGS/kafkajs-npm.log"
if [ "$NPM_RC" -eq 0 ]; then
  run_logged kafkajs 900 bash -c 'cd "$0" && exec node --test "$@"' "$KJS" "${NODE_FLAGS[@]}"
  KJS_FAIL=$(($(count '^# fail [0-9]+' "$LOG") + $(count '^# cancelled [0-9]+' "$LOG")))
  KJS_SKIP=$(count '^# skipped [0-9]+' "$LOG")
  record "kafkajs (node --test)" "$(count '^# pass [0-9]+' "$LOG")" "$KJS_FAIL" "$RC" \
    "$([ "$KJS_SKIP" -gt 0 ] && echo "$KJS_SKIP skipped")"
else
  record "kafkajs (node --test)" 0 1 "$NPM_RC" "npm ci failed, see build/test-logs/kafkajs-npm.log"
fi

pytest_suite "librdkafka C++ program" 900 tests/integration/test_rdkafka_cpp.py
pytest_suite "kcat" 600 tests/integration/kcat_test.py
pytest_suite "gregor CLI" 900 tests/cli

# gregor bench smoke run: proves the benchmark runs end to end against a real
# broker; its figures are printed, never asserted.
bench_smoke() {
  local dir port pid rc=0
  dir=$(mktemp -d)
  port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$GREGOR_BIN" serve --override "listeners=PLAINTEXT://127.0.0.1:$port" --override "log.dirs=$dir/data" \
    >"$LOGS/bench-broker.log" 2>&1 &
  pid=$!
  local b=(--brokers "127.0.0.1:$port" --timeout 30)
  timeout 120 "$GREGOR_BIN" bench produce "${b[@]}" -d 3s -s 100 || rc=$?
  [ "$rc" -ne 0 ] || timeout 120 "$GREGOR_BIN" bench consume "${b[@]}" -d 30s || rc=$?
  [ "$rc" -ne 0 ] || timeout 120 "$GREGOR_BIN" bench e2e "${b[@]}" -d 3s --rate 1000 || rc=$?
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -rf "$dir"
  return "$rc"
}
note "gregor bench smoke run (figures are not checked)"
bench_smoke </dev/null 2>&1 | tee "$LOGS/bench-smoke.log"
record_step "gregor bench smoke (3 s)" "${PIPESTATUS[0]}"

# 4. Fuzz smoke run -------------------------------------------------------------
fuzz_smoke() {
  local targets=()
  for src in fuzz/*_fuzz.cc; do
    [ -e "$src" ] && targets+=("$(basename "$src" .cc)")
  done
  if [ ${#targets[@]} -eq 0 ]; then
    note "fuzz: no fuzz/*_fuzz.cc targets, skipped"
    return
  fi
  local probe
  probe=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe/p.cc"
  if ! clang++ -fsanitize=fuzzer,address "$probe/p.cc" -o "$probe/p" >/dev/null 2>&1; then
    rm -rf "$probe"
    note "fuzz: clang++ with -fsanitize=fuzzer is unusable here, fuzz smoke run skipped"
    SUMMARY+=("$(printf '%-28s skipped (clang/libFuzzer unusable)' 'fuzz smoke')")
    return
  fi
  rm -rf "$probe"
  run_logged fuzz-build 1800 bash -c 'cmake --preset fuzz && cmake --build --preset fuzz -j "$0" --target "$@"' \
    "$JOBS" "${targets[@]}"
  record_step "fuzz build" "$RC"
  [ "$RC" -eq 0 ] || return
  local passed=0 failed=0 t
  for t in "${targets[@]}"; do
    local bin="$ROOT/build/fuzz/fuzz/$t" corpus
    corpus=$(mktemp -d)
    [ -d "fuzz/corpus/$t" ] && cp -r "fuzz/corpus/$t/." "$corpus/"
    run_logged "fuzz-$t" 120 "$bin" -max_total_time=20 -rss_limit_mb=2048 -artifact_prefix="$LOGS/$t-" "$corpus"
    if [ "$RC" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    rm -rf "$corpus"
  done
  record "fuzz smoke (20 s/target)" "$passed" "$failed" 0
}
if [ "$QUICK" -eq 1 ]; then
  SUMMARY+=("$(printf '%-28s skipped (--quick)' 'fuzz smoke')")
else
  fuzz_smoke
fi

# 5. Summary ---------------------------------------------------------------------
note "summary ($PRESET preset, $(($(date +%s) - START)) s, logs in build/test-logs/)"
for line in "${SUMMARY[@]}"; do echo "$line"; done
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$ANY_FAILURE" -eq 0 ]
