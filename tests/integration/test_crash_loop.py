"""kill -9 in a loop under acks=all load, with and without a damaged tail: nothing a producer
was told is stored may go missing or change, and offsets stay dense.

Two confluent-kafka producers (acks=all, no idempotence, retries on; one uncompressed, one
lz4) spread self-checking records (checked_records.py) over several partitions while the
broker is killed with SIGKILL at random moments and started again, at least KILLS times.
After some kills the tail of each partition's active segment is damaged before the restart,
as a power loss would leave it: cut short, or overwritten with garbage — only bytes after the
last acknowledged batch, which acks=all says are fdatasync'ed. The broker's recovery must
drop exactly the damaged part. At the end every partition is read back and checked record by
record against every successful delivery report.
"""

import os
import random
import struct
import time
from pathlib import Path

import ck
from checked_records import Acked, LoadProducer, verify
from util import unique_topic, wait_until

KILLS = int(os.environ.get("GREGOR_CRASH_KILLS", "20"))
PARTITIONS = 4
DEADLINE_S = 150  # the loop itself; typically ~60 s on a 2-core machine
BATCH_HEADER = struct.Struct(">qi")  # baseOffset, batchLength (bytes after this field)


def batches(path):
    """[(start, end, base_offset, last_offset)] of the well-formed v2 batch frames from the start."""
    data = Path(path).read_bytes()
    out, pos = [], 0
    while pos + 61 <= len(data):
        base, length = BATCH_HEADER.unpack_from(data, pos)
        if length < 49 or pos + 12 + length > len(data) or data[pos + 16] != 2:
            break
        last_delta = struct.unpack_from(">i", data, pos + 23)[0]
        out.append((pos, pos + 12 + length, base, base + last_delta))
        pos += 12 + length
    return out


def damage_tail(partition_dir, last_acked, rng):
    """Damages the active segment of a partition after its last acknowledged batch.

    Returns a description, e.g. "cut 1234 bytes" or "garbled 40 bytes at 8192"."""
    segments = sorted(Path(partition_dir).glob("*.log"))
    if not segments:
        return "no segment"
    active = segments[-1]
    base = int(active.name.split(".")[0])
    frames = batches(active)
    safe_end = 0
    if last_acked >= base:
        holding = [end for start, end, b, last in frames if b <= last_acked <= last]
        assert holding, f"{active}: the batch of acknowledged offset {last_acked} is not in the file"
        safe_end = holding[0]
    data_end = frames[-1][1] if frames else 0
    data_end = max(data_end, safe_end)
    if rng.random() < 0.5:
        cut = rng.randint(safe_end, data_end)
        os.truncate(active, cut)
        return f"{active.name}: cut at {cut} ({data_end - cut} written bytes lost)"
    at = rng.randint(safe_end, data_end)
    garbage = rng.randbytes(rng.randint(1, 256))
    with open(active, "r+b") as f:
        f.seek(at)
        f.write(garbage)
    return f"{active.name}: {len(garbage)} garbage bytes at {at} (data ends at {data_end})"


def test_kill9_under_load_crash_loop_loses_nothing_acknowledged(fresh_broker):
    b = fresh_broker
    rng = random.Random(int(os.environ.get("GREGOR_CRASH_SEED", str(int(time.time())))))
    topic = unique_topic("crash-loop")
    # Small segments: rolls (and seals interrupted by a kill) happen during the run.
    assert ck.create_topic(b.bootstrap, topic, partitions=PARTITIONS, config={"segment.bytes": "262144"}) is None
    acked = Acked()
    producers = [
        LoadProducer(b.bootstrap, topic, PARTITIONS, acked, "plain", {"message.timeout.ms": 90000}),
        LoadProducer(b.bootstrap, topic, PARTITIONS, acked, "lz4",
                     {"message.timeout.ms": 90000, "compression.type": "lz4", "linger.ms": 5}),
    ]
    for p in producers:
        p.start()
    started = time.monotonic()
    kills, damaged = 0, []
    try:
        while kills < KILLS:
            assert time.monotonic() - started < DEADLINE_S, f"only {kills} kills within {DEADLINE_S}s"
            before = acked.count()
            wait_until(lambda: acked.count() >= before + 200, 30, what="acknowledgements flowing again")
            time.sleep(rng.uniform(0.0, 0.8))
            b.kill()
            kills += 1
            if kills % 3 == 0:
                # Delivery reports that arrived before the kill are served within a few polls.
                time.sleep(0.5)
                last = acked.max_offsets()
                for p in range(PARTITIONS):
                    part_dir = b.data_dir / f"{topic}-{p}"
                    damaged.append(damage_tail(part_dir, last.get(p, -1), rng))
            b.start()
        loop_s = time.monotonic() - started
    finally:
        for p in producers:
            p.stop()
    assert all(p.unflushed == 0 for p in producers), "records left unsent after the final flush"
    figures = verify(b.bootstrap, topic, PARTITIONS, acked)
    produced = sum(p.produced for p in producers)
    print(f"\n[crash loop] {kills} kills in {loop_s:.1f}s, {produced} records produced, "
          f"{figures['checked']} acknowledged and checked, {figures['read']} read back, "
          f"{figures['duplicates']} duplicates from retries, {acked.error_count()} failed deliveries "
          f"{acked.errors or ''}, {len(damaged)} tails damaged")
    for d in damaged[:8]:
        print(f"  damaged {d}")
    assert kills >= KILLS
    assert figures["checked"] >= 200 * KILLS, "too few acknowledged records for the check to mean much"
