# shellcheck shell=bash
# Starting and stopping the measured brokers for bench/compare.sh (sourced).
#
# One broker runs at a time. broker_start sets BROKER_NAME, BROKER_PID (the
# broker process itself, a direct child of the script) and BOOTSTRAP;
# broker_stop signals only that process id and sets BROKER_EXIT.
# Uses WORK, GREGOR_BIN, GREGOR_OVERRIDES, MOCK_BROKER, MOCK_RETAIN_BYTES,
# TOPICS and MOCK_READ_TOPICS from the caller.

# shellcheck disable=SC2034 # BROKER_EXIT is read by the caller
BROKER_NAME=
BROKER_PID=
BOOTSTRAP=
BROKER_EXIT=
START_TIMEOUT_S=${START_TIMEOUT_S:-30}
STOP_TIMEOUT_S=${STOP_TIMEOUT_S:-60}

broker_start() {
    BROKER_NAME=$1
    BROKER_EXIT=
    case "$1" in
    gregor) gregor_start ;;
    mock) mock_start ;;
    esac
}

# gregor_start -> `gregor serve` on a free loopback port with a fresh data
# directory; retries with another port if the first one was taken meanwhile.
gregor_start() {
    local attempt port
    rm -rf "$WORK/gregor-data"
    mkdir -p "$WORK/gregor-data"
    for attempt in 1 2 3; do
        port=$(free_port) || { echo "no free port found" >&2; return 1; }
        local args=(serve
            --override "listeners=PLAINTEXT://127.0.0.1:$port"
            --override "log.dirs=$WORK/gregor-data"
            --override num.partitions=1
            --override auto.create.topics.enable=true)
        local kv
        for kv in "${GREGOR_OVERRIDES[@]+"${GREGOR_OVERRIDES[@]}"}"; do
            args+=(--override "$kv")
        done
        echo "== start $attempt: $GREGOR_BIN ${args[*]}" >>"$WORK/gregor.log"
        "$GREGOR_BIN" "${args[@]}" </dev/null >>"$WORK/gregor.log" 2>&1 &
        BROKER_PID=$!
        BOOTSTRAP=127.0.0.1:$port
        for _ in $(seq 1 $((START_TIMEOUT_S * 10))); do
            if ! alive "$BROKER_PID"; then
                wait "$BROKER_PID" 2>/dev/null || true
                BROKER_PID=
                break
            fi
            port_open 127.0.0.1 "$port" && return 0
            sleep 0.1
        done
        if [ -n "$BROKER_PID" ]; then
            echo "gregor did not listen on $BOOTSTRAP within ${START_TIMEOUT_S}s" >&2
            broker_stop
            return 1
        fi
    done
    echo "gregor exited during start-up three times; see $WORK/gregor.log:" >&2
    tail -n 20 "$WORK/gregor.log" >&2
    return 1
}

# mock_start -> the mock cluster with every benchmark topic pre-created with
# one partition. With MOCK_RETAIN_BYTES (bench/scripts/mock_retain), the
# MOCK_READ_TOPICS keep that many bytes per partition instead of 5 MB.
mock_start() {
    local args=(-b 1 -p 1) t
    for t in $TOPICS; do
        args+=(-t "$t")
    done
    for t in $MOCK_READ_TOPICS; do
        args+=(-T "$t")
    done
    [ -n "${MOCK_RETAIN_BYTES:-}" ] && args+=(-R "$MOCK_RETAIN_BYTES")
    "$MOCK_BROKER" "${args[@]}" </dev/null >"$WORK/mock.log" 2>&1 &
    BROKER_PID=$!
    for _ in $(seq 1 $((START_TIMEOUT_S * 10))); do
        BOOTSTRAP=$(sed -n 's/^BOOTSTRAP=//p' "$WORK/mock.log" | head -n 1)
        [ -n "$BOOTSTRAP" ] && return 0
        alive "$BROKER_PID" || break
        sleep 0.1
    done
    echo "mock broker did not print BOOTSTRAP=; see $WORK/mock.log:" >&2
    tail -n 20 "$WORK/mock.log" >&2
    broker_stop
    return 1
}

# broker_stop -> SIGTERM, wait up to STOP_TIMEOUT_S, then SIGKILL. Sets
# BROKER_EXIT to the exit status ("killed" if it had to be killed).
broker_stop() {
    [ -n "$BROKER_PID" ] || return 0
    kill -TERM "$BROKER_PID" 2>/dev/null || true
    for _ in $(seq 1 $((STOP_TIMEOUT_S * 10))); do
        alive "$BROKER_PID" || break
        sleep 0.1
    done
    if alive "$BROKER_PID"; then
        echo "$BROKER_NAME did not exit within ${STOP_TIMEOUT_S}s of SIGTERM; killing it" >&2
        kill -KILL "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
        BROKER_EXIT=killed
    else
        BROKER_EXIT=0
        wait "$BROKER_PID" 2>/dev/null || BROKER_EXIT=$?
    fi
    BROKER_PID=
}
