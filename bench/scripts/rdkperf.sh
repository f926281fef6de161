# shellcheck shell=bash
# Running librdkafka's rdkafka_performance for bench/compare.sh (sourced).
#
# rdkafka_performance prints a summary line every second and a final one at
# exit; the last one is the figure for the whole run. Its MB/s is payload
# bytes per microsecond (10^6 bytes per second), measured from the first
# produce call (producer) or the first message received (consumer) to the end.

# rdk_produce BOOTSTRAP TOPIC SIZE COUNT ACKS LOG -> runs a producer of COUNT
# records of SIZE bytes to partition 0, bounded by STEP_TIMEOUT seconds
# (SIGINT first, so that it still prints its summary, then SIGKILL).
rdk_produce() {
    local bs=$1 topic=$2 size=$3 count=$4 acks=$5 log=$6
    timeout -k 10 --signal=INT "$STEP_TIMEOUT" "$RDKAFKA_PERFORMANCE" -P \
        -t "$topic" -p 0 -b "$bs" -s "$size" -c "$count" -a "$acks" \
        -X linger.ms=5 >"$log" 2>&1
}

# rdk_consume BOOTSTRAP TOPIC COUNT LOG -> consumes up to COUNT records of
# partition 0 from the beginning; stops early at the end of the partition
# (-e), so that a broker that has fewer records ends the step instead of
# hanging until the timeout.
rdk_consume() {
    local bs=$1 topic=$2 count=$3 log=$4
    timeout -k 10 --signal=INT "$STEP_TIMEOUT" "$RDKAFKA_PERFORMANCE" -C \
        -t "$topic" -p 0 -b "$bs" -o beginning -c "$count" -e >"$log" 2>&1
}

# rdk_parse_produce LOG -> "records bytes ms records_per_s mb_per_s failed"
# from the last producer summary line, e.g.
#   % 500000 messages produced (512000000 bytes), 500000 delivered (offset
#   499999, 0 failed) in 4272ms: 117033 msgs/s and 119.84 MB/s, ...
# records is the number delivered, bytes = delivered * record size. Prints
# nothing if there is no summary line.
rdk_parse_produce() {
    local log=$1 size=$2 line
    line=$(grep '^% [0-9]* messages produced' "$log" | tail -n 1) || true
    [ -n "$line" ] || return 0
    echo "$line" | sed -E -n \
        's/^% [0-9]+ messages produced \([0-9]+ bytes\), ([0-9]+) delivered \(offset -?[0-9]+, ([0-9]+) failed\) in ([0-9]+)ms: ([0-9]+) msgs\/s and ([0-9.]+) MB\/s.*/\1 \3 \4 \5 \2/p' |
        while read -r delivered ms rps mbps failed; do
            echo "$delivered $((delivered * size)) $ms $rps $mbps $failed"
        done
}

# rdk_parse_consume LOG -> "records bytes ms records_per_s mb_per_s 0" from
# the last consumer summary line, e.g.
#   % 500000 messages (512000000 bytes) consumed in 1282ms: 389880 msgs/s
#   (399.24 MB/s)
rdk_parse_consume() {
    local log=$1 line
    line=$(grep '^% [0-9]* messages ([0-9]* bytes) consumed in' "$log" | tail -n 1) || true
    [ -n "$line" ] || return 0
    echo "$line" | sed -E -n \
        's/^% ([0-9]+) messages \(([0-9]+) bytes\) consumed in ([0-9]+)ms: ([0-9]+) msgs\/s \(([0-9.]+) MB\/s\).*/\1 \2 \3 \4 \5 0/p'
}

# rdk_errors LOG -> count of consume/delivery errors and librdkafka log lines
# of level error or worse ("%3|..."), for the step's status.
rdk_errors() {
    grep -c -E '^% (Consume error|Message delivery failed)|^%[0-3][|]' "$1" || true
}
