#!/usr/bin/env bash
# Runs the same produce/consume workloads against a real `gregor serve` and
# against librdkafka's in-memory mock broker, one after the other, and prints
# throughput, broker CPU-seconds per GB and broker memory side by side.
# See bench/README.md for what each figure means.
#
# The script starts both brokers itself and stops only those, by process id.
# Every client run is bounded by --step-timeout; a broker that does not start
# or stop in time is killed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=bench/scripts/proc.sh
. "$HERE/scripts/proc.sh"
# shellcheck source=bench/scripts/rdkperf.sh
. "$HERE/scripts/rdkperf.sh"
# shellcheck source=bench/scripts/brokers.sh
. "$HERE/scripts/brokers.sh"

usage() {
    cat <<'EOF'
usage: bench/compare.sh [options]

Runs, against gregor and then the mock broker (1 broker, 1 partition):
  produce-1k-acks-all   1 KiB records, acks=all
  produce-1k-acks-1     1 KiB records, acks=1
  consume-1k            the acks=1 records back from the beginning
  consume-1k-again      the same once more
  produce-100-acks-1    100-byte records, acks=1
  produce-100-acks-all  100-byte records, acks=all
  consume-100           the 100-byte acks=1 records back from the beginning
  consume-100-again     the same once more

options:
  --records-1k N        records per 1 KiB step (default 3000000)
  --records-100 N       records per 100-byte step (default 15000000)
  --steps a,b,...       run only these steps (names above; a consume step
                        reads what its produce step wrote)
  --only gregor|mock    measure one broker only
  --step-timeout S      hard limit per client run in seconds (default 180)
  --gregor-override K=V extra `gregor serve --override` (repeatable)
  --perf DIR            record `perf record -g` of gregor for each step into
                        DIR/<step>.perf.data (adds overhead; for profiling)
  --json                print the results as JSON on stdout (progress goes
                        to stderr)
  --keep                keep the work directory (data, logs)
  -h, --help            this text

Exit status: 0 when every measurement ran (whatever the figures), 1 when a
broker failed to start or died, or a client timed out or saw errors, 2 on a
usage or set-up error.

environment:
  RDKAFKA_PERFORMANCE   librdkafka's examples/rdkafka_performance (required)
  MOCK_BROKER           standalone mock broker printing BOOTSTRAP=host:port
                        (required unless --only gregor)
  MOCK_RETAIN_BYTES     set when MOCK_BROKER is bench/scripts/mock_retain:
                        per-partition retention of the consumed topics
  GREGOR_BIN            gregor executable (default build/release/src/app/gregor;
                        if absent, the gregor side is skipped)
  BENCH_DIR             parent of the work directory (default /var/tmp); must
                        be a real disk, not tmpfs
  PERF_RECORD_OPTS      options for --perf (default "-F 499 -g"; frame
                        pointers are usually missing in an optimised build,
                        "-F 199 --call-graph dwarf,16384" gives full stacks)
EOF
}

RECORDS_1K=3000000
RECORDS_100=15000000
STEPS_WANTED=all
ONLY=both
STEP_TIMEOUT=180
PERF_DIR=
JSON=0
KEEP=0
GREGOR_OVERRIDES=()

die() {
    echo "compare.sh: $*" >&2
    exit 2
}
say() { echo "$*" >&2; }

while [ $# -gt 0 ]; do
    case "$1" in
    --records-1k) RECORDS_1K=${2:?}; shift 2 ;;
    --records-100) RECORDS_100=${2:?}; shift 2 ;;
    --steps) STEPS_WANTED=${2:?}; shift 2 ;;
    --only) ONLY=${2:?}; shift 2 ;;
    --step-timeout) STEP_TIMEOUT=${2:?}; shift 2 ;;
    --gregor-override) GREGOR_OVERRIDES+=("${2:?}"); shift 2 ;;
    --perf) PERF_DIR=${2:?}; shift 2 ;;
    --json) JSON=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
    esac
done

case "$ONLY" in both | gregor | mock) ;; *) die "--only takes gregor or mock" ;; esac
for n in "$RECORDS_1K" "$RECORDS_100" "$STEP_TIMEOUT"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "counts and timeouts must be positive integers"
done

# step name | topic | mode | record bytes | acks
# Mode P produces, C consumes from the beginning, R consumes the same records
# once more: gregor writes with O_DIRECT, so its first read of data that has
# left the tail cache comes from the disk and the second from the page cache.
STEP_TABLE="produce-1k-acks-all bench-1k-all P 1024 -1
produce-1k-acks-1 bench-1k-one P 1024 1
consume-1k bench-1k-one C 1024 -
consume-1k-again bench-1k-one R 1024 -
produce-100-acks-1 bench-100-one P 100 1
produce-100-acks-all bench-100-all P 100 -1
consume-100 bench-100-one C 100 -
consume-100-again bench-100-one R 100 -"
TOPICS="bench-1k-all bench-1k-one bench-100-one bench-100-all"
# With MOCK_RETAIN_BYTES the mock reads back from these instead: keeping the
# produced records costs the mock fresh memory on every append (about 2.5x
# its CPU per GB), so its produce figures come from stock topics and its
# consume steps from a copy written, untimed, just before them.
MOCK_READ_TOPICS=
[ -n "${MOCK_RETAIN_BYTES:-}" ] && MOCK_READ_TOPICS="bench-1k-read bench-100-read"

step_wanted() {
    [ "$STEPS_WANTED" = all ] || [[ ",$STEPS_WANTED," == *",$1,"* ]]
}
if [ "$STEPS_WANTED" != all ]; then
    for s in ${STEPS_WANTED//,/ }; do
        grep -q "^$s " <<<"$STEP_TABLE" || die "unknown step: $s"
    done
fi

# --- tools -------------------------------------------------------------------
[ -n "${RDKAFKA_PERFORMANCE:-}" ] ||
    die "set RDKAFKA_PERFORMANCE to librdkafka's examples/rdkafka_performance"
[ -x "$RDKAFKA_PERFORMANCE" ] || die "RDKAFKA_PERFORMANCE=$RDKAFKA_PERFORMANCE is not an executable"
RUN_GREGOR=0
RUN_MOCK=0
GREGOR_BIN=${GREGOR_BIN:-$REPO/build/release/src/app/gregor}
if [ "$ONLY" != mock ]; then
    if [ -x "$GREGOR_BIN" ]; then
        RUN_GREGOR=1
    elif [ "$ONLY" = gregor ]; then
        die "GREGOR_BIN=$GREGOR_BIN is not an executable (build the release preset)"
    else
        say "note: $GREGOR_BIN not found; measuring the mock broker only"
    fi
fi
if [ "$ONLY" != gregor ]; then
    [ -n "${MOCK_BROKER:-}" ] || die "set MOCK_BROKER to a standalone librdkafka mock broker (or use --only gregor)"
    [ -x "$MOCK_BROKER" ] || die "MOCK_BROKER=$MOCK_BROKER is not an executable"
    RUN_MOCK=1
fi
if [ -n "$PERF_DIR" ]; then
    command -v perf >/dev/null || die "--perf needs linux-perf (perf)"
    mkdir -p "$PERF_DIR"
    PERF_DIR=$(cd "$PERF_DIR" && pwd)
fi

# --- work directory ----------------------------------------------------------
BENCH_DIR=${BENCH_DIR:-/var/tmp}
[ -d "$BENCH_DIR" ] || die "BENCH_DIR=$BENCH_DIR does not exist"
case "$(fs_type "$BENCH_DIR")" in
tmpfs | ramfs) die "BENCH_DIR=$BENCH_DIR is $(fs_type "$BENCH_DIR"); the broker must write to a real disk" ;;
esac
WORK=$(mktemp -d "$BENCH_DIR/gregor-bench.XXXXXX")
RESULTS=$WORK/results.tsv
: >"$RESULTS"

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    rss_sampler_stop "$WORK/rss" 2>/dev/null || true
    perf_stop
    broker_stop
    if [ "$KEEP" = 1 ] || [ "$rc" -ne 0 ]; then
        say "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- one step ----------------------------------------------------------------
PERF_PID=
perf_start() {
    [ -n "$PERF_DIR" ] && [ "$BROKER_NAME" = gregor ] || return 0
    # shellcheck disable=SC2086 # PERF_RECORD_OPTS is a list of options
    perf record ${PERF_RECORD_OPTS:--F 499 -g} -p "$BROKER_PID" -o "$PERF_DIR/$1.perf.data" \
        >"$WORK/perf-$1.log" 2>&1 &
    PERF_PID=$!
    sleep 0.5
}
perf_stop() {
    [ -n "$PERF_PID" ] || return 0
    kill -INT "$PERF_PID" 2>/dev/null || true
    wait "$PERF_PID" 2>/dev/null || true
    PERF_PID=
}

# fill_read_topic TOPIC SIZE COUNT -> writes the copy a retaining mock
# consumes from (see MOCK_READ_TOPICS); not measured.
fill_read_topic() {
    local topic=$1 size=$2 count=$3 log="$WORK/$BROKER_NAME-fill-$1.log"
    say "[$BROKER_NAME] filling $topic with $count records (not measured) ..."
    rdk_produce "$BOOTSTRAP" "$topic" "$size" "$count" 1 "$log" || true
    if [ "$(rdk_parse_produce "$log" "$size" | cut -d' ' -f1)" != "$count" ]; then
        say "[$BROKER_NAME] could not fill $topic; see $log"
        return 1
    fi
}

# run_step NAME TOPIC MODE SIZE ACKS -> appends one line to $RESULTS.
run_step() {
    local name=$1 topic=$2 mode=$3 size=$4 acks=$5
    local count=$RECORDS_1K log="$WORK/$BROKER_NAME-$name.log"
    [ "$size" = 100 ] && count=$RECORDS_100
    local t0 t1 w0 w1 peak rc=0 parsed status recs bytes ms rps mbps failed
    if [ "$mode" != P ] && [ "$BROKER_NAME" = mock ] && [ -n "$MOCK_READ_TOPICS" ]; then
        topic=${topic%-one}-read
        if [ "$mode" = C ]; then
            fill_read_topic "$topic" "$size" "$((count - 1))" || return 0
        fi
    fi
    say "[$BROKER_NAME] $name: $count records of $size bytes from $topic ..."
    perf_start "$name"
    t0=$(cpu_ticks "$BROKER_PID")
    w0=$(date +%s.%N)
    rss_sampler_start "$BROKER_PID" "$WORK/rss"
    if [ "$mode" = P ]; then
        rdk_produce "$BOOTSTRAP" "$topic" "$size" "$count" "$acks" "$log" || rc=$?
        parsed=$(rdk_parse_produce "$log" "$size")
    else
        rdk_consume "$BOOTSTRAP" "$topic" "$count" "$log" || rc=$?
        parsed=$(rdk_parse_consume "$log")
    fi
    rss_sampler_stop "$WORK/rss"
    peak=$RSS_PEAK_KB
    w1=$(date +%s.%N)
    t1=$(cpu_ticks "$BROKER_PID" || echo "$t0")
    perf_stop
    [ -n "$parsed" ] || parsed="0 0 0 0 0 0"
    read -r recs bytes ms rps mbps failed <<<"$parsed"
    status=ok
    if ! alive "$BROKER_PID"; then
        status=broker-died
    elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        status=timeout
    elif [ "$recs" -lt "$count" ]; then
        status=partial
    elif [ "$failed" != 0 ] || [ "$(rdk_errors "$log")" != 0 ] || [ "$rc" != 0 ]; then
        status=errors
    fi
    local cpu_s wall_s
    cpu_s=$(awk -v a="$t0" -v b="$t1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (b - a) / hz }')
    wall_s=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.2f", b - a }')
    # The 1-minute load average shows how much else ran on the machine.
    local load1
    load1=$(cut -d' ' -f1 /proc/loadavg)
    printf 'step\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$BROKER_NAME" "$name" "$status" "$count" "$size" "$acks" "$recs" "$bytes" \
        "$ms" "$rps" "$mbps" "$failed" "$cpu_s" "$wall_s" "$peak" "$load1" >>"$RESULTS"
    say "[$BROKER_NAME] $name: $status, $recs records in ${ms} ms: $rps records/s, $mbps MB/s;" \
        "broker CPU ${cpu_s}s, peak RSS $((peak / 1024)) MiB, load $load1"
    [ "$status" != broker-died ]
}

# warm_topics SIZE... -> produces one record to each topic so that it exists
# (gregor auto-creates it with num.partitions=1) and is known to work before
# anything is timed. The mock has them pre-created with 1 partition.
warm_topics() {
    local t size topics=$TOPICS
    [ "$BROKER_NAME" = mock ] && topics="$TOPICS $MOCK_READ_TOPICS"
    for t in $topics; do
        size=1024
        [[ "$t" == bench-100-* ]] && size=100
        if ! rdk_produce "$BOOTSTRAP" "$t" "$size" 1 -1 "$WORK/$BROKER_NAME-warm-$t.log" ||
            [ "$(rdk_parse_produce "$WORK/$BROKER_NAME-warm-$t.log" "$size" | cut -d' ' -f1)" != 1 ]; then
            say "[$BROKER_NAME] could not produce to $t; see $WORK/$BROKER_NAME-warm-$t.log"
            return 1
        fi
    done
}

# measure_broker NAME -> starts the broker, runs the wanted steps, stops it.
measure_broker() {
    local name=$1 idle
    if ! broker_start "$name"; then
        printf 'broker\t%s\tfailed-to-start\t0\t-\t0\n' "$name" >>"$RESULTS"
        return 0
    fi
    if ! warm_topics; then
        printf 'broker\t%s\tbroken\t0\t-\t0\n' "$name" >>"$RESULTS"
        broker_stop
        return 0
    fi
    sleep 1
    idle=$(rss_kb "$BROKER_PID")
    say "[$name] idle RSS $((idle / 1024)) MiB"
    local sname topic mode size acks
    while read -r sname topic mode size acks; do
        step_wanted "$sname" || continue
        run_step "$sname" "$topic" "$mode" "$size" "$acks" || break
    done <<<"$STEP_TABLE"
    local data_bytes=0
    [ "$name" = gregor ] && data_bytes=$(du -sb "$WORK/gregor-data" | cut -f1)
    broker_stop
    printf 'broker\t%s\t%s\t%s\t%s\t%s\n' "$name" "ok" "$idle" "${BROKER_EXIT:--}" \
        "$data_bytes" >>"$RESULTS"
}

# --- run ---------------------------------------------------------------------
say "work directory: $WORK ($(fs_type "$WORK")), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$RUN_GREGOR" = 1 ] && measure_broker gregor
[ "$RUN_MOCK" = 1 ] && measure_broker mock

FORMAT=table
[ "$JSON" = 1 ] && FORMAT=json
awk -F'\t' -v format="$FORMAT" -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -v cores="$(nproc)" -v kernel="$(uname -r)" -v gregor_bin="$GREGOR_BIN" \
    -v mock_bin="${MOCK_BROKER:-}" -v mock_retain="${MOCK_RETAIN_BYTES:-}" \
    -f "$HERE/scripts/report.awk" "$RESULTS"

# Exit status 1 (and the work directory kept for its logs) when a measurement
# did not happen as asked: a broker that failed or died, a client that timed
# out or saw errors, gregor serving fewer records than asked. Missed targets
# and the stock mock's short retention (mock `partial`) do not count.
if awk -F'\t' '($1 == "broker" && $3 != "ok") ||
               ($1 == "step" && $4 != "ok" && !($2 == "mock" && $4 == "partial")) { bad = 1 }
               END { exit bad ? 0 : 1 }' "$RESULTS"; then
    say "some measurements failed; see the status column and $WORK"
    exit 1
fi
