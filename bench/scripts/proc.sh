# shellcheck shell=bash
# Process measurement functions for bench/compare.sh (sourced, not run).
#
# Everything here reads /proc of one process id that the caller started; none
# of it signals anything but the sampler subshell it creates itself. The
# sampler avoids forking per sample (no awk/sleep in its loop), so that it
# costs the measured machine almost nothing.

# shellcheck disable=SC2034 # used by the caller
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

# cpu_ticks PID -> utime+stime of the whole process (all threads), in clock
# ticks. Fields 14 and 15 of /proc/PID/stat; the command name (field 2) may
# contain spaces, so the fields are counted after its closing parenthesis.
cpu_ticks() {
    local stat rest
    { read -r stat </proc/"$1"/stat; } 2>/dev/null || return 1
    rest=${stat##*) }
    # rest starts at field 3 (state): utime is the 12th word, stime the 13th.
    # shellcheck disable=SC2086 # split into fields on purpose
    set -- $rest
    echo $(( ${12} + ${13} ))
}

# rss_kb PID -> current resident set size (VmRSS) in KiB.
rss_kb() {
    local key value
    while read -r key value _; do
        if [ "$key" = "VmRSS:" ]; then
            echo "$value"
            return 0
        fi
    done </proc/"$1"/status
    return 1
}

# rss_sampler_start PID OUTFILE -> starts a background subshell that samples
# VmRSS every 100 ms and keeps the maximum; sets RSS_SAMPLER_PID.
# rss_sampler_stop OUTFILE -> stops it, waits for it and sets RSS_PEAK_KB.
# Both must run in the script's own shell (not in $(...)), since only the
# shell that started the sampler can wait for it.
rss_sampler_start() {
    local pid=$1 out=$2
    : >"$out.running"
    (
        peak=0
        exec {tick}<> <(:)
        while [ -e "$out.running" ] && [ -e /proc/"$pid" ]; do
            v=0
            while read -r key value _; do
                if [ "$key" = "VmRSS:" ]; then v=$value; break; fi
            done </proc/"$pid"/status 2>/dev/null
            if [ "${v:-0}" -gt "$peak" ]; then peak=$v; fi
            echo "$peak" >"$out"
            read -r -t 0.1 -u "$tick" _ || true
        done
    ) &
    RSS_SAMPLER_PID=$!
}

rss_sampler_stop() {
    local out=$1
    rm -f "$out.running"
    if [ -n "${RSS_SAMPLER_PID:-}" ]; then
        wait "$RSS_SAMPLER_PID" 2>/dev/null || true
        RSS_SAMPLER_PID=
    fi
    RSS_PEAK_KB=$(cat "$out" 2>/dev/null)
    RSS_PEAK_KB=${RSS_PEAK_KB:-0}
}

# free_port -> a loopback TCP port nothing listens on right now. The broker
# binds it next; a lost race shows up as a start failure and is retried by
# the caller.
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        if ! (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# port_open HOST PORT -> success if something accepts connections there.
port_open() {
    (exec 3<>/dev/tcp/"$1"/"$2") 2>/dev/null
}

# fs_type DIR -> file system type name (ext2/ext3, xfs, tmpfs, ...).
fs_type() {
    stat -f -c %T "$1" 2>/dev/null
}

# alive PID -> success if the process exists and has not exited. A child
# that exited stays a zombie until waited for, and `kill -0` still succeeds
# on a zombie, so the state letter is checked instead.
alive() {
    local stat
    { read -r stat </proc/"$1"/stat; } 2>/dev/null || return 1
    stat=${stat##*) }
    [ "${stat:0:1}" != Z ] && [ "${stat:0:1}" != X ]
}
