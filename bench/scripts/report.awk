# Turns bench/compare.sh's results.tsv into the final table (format=table)
# or JSON (format=json). POSIX awk (mawk is enough).
#
# Input lines, tab-separated:
#   step  BROKER WORKLOAD STATUS REQUESTED RECORD_BYTES ACKS RECORDS BYTES MS
#         RECORDS_PER_S MB_PER_S FAILED CPU_S WALL_S PEAK_RSS_KB LOAD1
#   broker BROKER STATE IDLE_RSS_KB EXIT DATA_BYTES
# MB are 10^6 bytes (as rdkafka_performance prints them), GB 10^9 bytes.
# Targets come from the project's issue and are reported, never asserted.

function target(w) {
    if (w ~ /^produce-.*-acks-all$/) return 0.80
    if (w ~ /^produce-.*-acks-1$/) return 0.95
    if (w ~ /^consume-/) return 1.00
    return 0
}
function per_gb(b, w) {
    if (!((b SUBSEP w SUBSEP "bytes") in v) || v[b, w, "bytes"] + 0 == 0) return ""
    return sprintf("%.2f", v[b, w, "cpu_s"] / (v[b, w, "bytes"] / 1e9))
}
function mb(kb) { return sprintf("%.1f", kb * 1024 / 1e6) }
function have(b, w) { return (b SUBSEP w SUBSEP "status") in v }
function ok(b, w) { return have(b, w) && v[b, w, "status"] == "ok" }
function ratio(w) {
    if (!ok("gregor", w) || !ok("mock", w) || v["mock", w, "mbps"] + 0 == 0) return ""
    return sprintf("%.2f", v["gregor", w, "mbps"] / v["mock", w, "mbps"])
}
function verdict(w, r) {
    if (r == "") return "n/a"
    return (r + 0 >= target(w)) ? "met" : "MISSED"
}
function cell(b, w, key) {
    if (!have(b, w)) return "-"
    s = v[b, w, key]
    if (key == "mbps" && v[b, w, "status"] != "ok") s = s " (" v[b, w, "status"] ")"
    return s
}
function rss_cell(b, w) { return have(b, w) ? mb(v[b, w, "peak_kb"]) : "-" }
function js(s) {
    gsub(/\\/, "\\\\", s)
    gsub(/"/, "\\\"", s)
    return "\"" s "\""
}
function num(s) { return (s == "" || s == "-") ? "null" : s + 0 }

$1 == "step" {
    b = $2; w = $3
    if (!((w) in seen)) { seen[w] = 1; order[++nw] = w }
    v[b, w, "status"] = $4; v[b, w, "requested"] = $5; v[b, w, "size"] = $6
    v[b, w, "acks"] = $7; v[b, w, "records"] = $8; v[b, w, "bytes"] = $9
    v[b, w, "ms"] = $10; v[b, w, "rps"] = $11; v[b, w, "mbps"] = $12
    v[b, w, "failed"] = $13; v[b, w, "cpu_s"] = $14; v[b, w, "wall_s"] = $15
    v[b, w, "peak_kb"] = $16; v[b, w, "load1"] = $17
    if ($17 + 0 > maxload) maxload = $17 + 0
    steps[++ns] = b SUBSEP w
}
$1 == "broker" {
    brokers[++nb] = $2
    bstate[$2] = $3; bidle[$2] = $4; bexit[$2] = $5; bdata[$2] = $6
}

END {
    if (format == "json") print_json(); else print_table()
}

function print_table(    i, w, r, b) {
    printf "\n| workload | gregor MB/s | mock MB/s | ratio | target | gregor rec/s | mock rec/s |"
    printf " gregor CPU-s/GB | mock CPU-s/GB | gregor peak RSS MB | mock peak RSS MB |\n"
    printf "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= nw; i++) {
        w = order[i]; r = ratio(w)
        printf "| %s | %s | %s | %s | >= %.2fx %s | %s | %s | %s | %s | %s | %s |\n", w,
            cell("gregor", w, "mbps"), cell("mock", w, "mbps"), (r == "" ? "-" : r),
            target(w), verdict(w, r), cell("gregor", w, "rps"), cell("mock", w, "rps"),
            (per_gb("gregor", w) == "" ? "-" : per_gb("gregor", w)),
            (per_gb("mock", w) == "" ? "-" : per_gb("mock", w)),
            rss_cell("gregor", w), rss_cell("mock", w)
    }
    printf "\n"
    for (i = 1; i <= nb; i++) {
        b = brokers[i]
        if (bstate[b] != "ok") { printf "%s: %s\n", b, bstate[b]; continue }
        printf "%s: idle RSS %s MB", b, mb(bidle[b])
        if (b == "gregor")
            printf " (target <= 30 MB: %s), %.2f GB on disk after the run",
                (bidle[b] * 1024 <= 30e6 ? "met" : "MISSED"), bdata[b] / 1e9
        printf ", exit status %s\n", bexit[b]
    }
    printf "%s cores, kernel %s, %s; highest 1-min load average at the end of a step: %.2f\n",
        cores, kernel, date, maxload
}

function print_json(    i, b, w, r, k, sep) {
    printf "{\n  \"date\": %s,\n  \"machine\": {\"cores\": %d, \"kernel\": %s},\n", js(date), cores, js(kernel)
    printf "  \"gregor_bin\": %s,\n  \"mock_bin\": %s,\n  \"mock_retain_bytes\": %s,\n",
        js(gregor_bin), js(mock_bin), num(mock_retain)
    printf "  \"brokers\": {"
    for (i = 1; i <= nb; i++) {
        b = brokers[i]
        printf "%s\n    %s: {\"state\": %s, \"idle_rss_bytes\": %s, \"exit\": %s, \"data_bytes\": %s}",
            (i > 1 ? "," : ""), js(b), js(bstate[b]), num(bidle[b] * 1024), js(bexit[b]), num(bdata[b])
    }
    printf "\n  },\n  \"steps\": ["
    for (i = 1; i <= ns; i++) {
        split(steps[i], k, SUBSEP); b = k[1]; w = k[2]
        printf "%s\n    {\"workload\": %s, \"broker\": %s, \"status\": %s, \"records_requested\": %s,",
            (i > 1 ? "," : ""), js(w), js(b), js(v[b, w, "status"]), num(v[b, w, "requested"])
        printf " \"record_bytes\": %s, \"acks\": %s, \"records\": %s, \"bytes\": %s, \"ms\": %s,",
            num(v[b, w, "size"]), js(v[b, w, "acks"]), num(v[b, w, "records"]), num(v[b, w, "bytes"]),
            num(v[b, w, "ms"])
        printf " \"records_per_s\": %s, \"mb_per_s\": %s, \"failed\": %s, \"broker_cpu_s\": %s,",
            num(v[b, w, "rps"]), num(v[b, w, "mbps"]), num(v[b, w, "failed"]), num(v[b, w, "cpu_s"])
        printf " \"wall_s\": %s, \"broker_cpu_s_per_gb\": %s, \"broker_peak_rss_bytes\": %s,",
            num(v[b, w, "wall_s"]), num(per_gb(b, w)), num(v[b, w, "peak_kb"] * 1024)
        printf " \"load1\": %s}", num(v[b, w, "load1"])
    }
    printf "\n  ],\n  \"comparison\": ["
    for (i = 1; i <= nw; i++) {
        w = order[i]; r = ratio(w)
        printf "%s\n    {\"workload\": %s, \"ratio\": %s, \"target_ratio\": %.2f, \"target_met\": %s}",
            (i > 1 ? "," : ""), js(w), num(r), target(w),
            (r == "" ? "null" : (r + 0 >= target(w) ? "true" : "false"))
    }
    sep = ("gregor" in bidle && bstate["gregor"] == "ok") ? (bidle["gregor"] * 1024 <= 30e6 ? "true" : "false") : "null"
    printf "\n  ],\n  \"idle_rss_target\": {\"limit_bytes\": 30000000, \"target_met\": %s}\n}\n", sep
}
