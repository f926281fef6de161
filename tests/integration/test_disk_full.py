"""A full disk under acks=all load: produce fails with KAFKA_STORAGE_ERROR, everything else keeps
working, and produce comes back by itself once space is freed — no restart, nothing acknowledged
lost.

The broker's log.dirs is on a small tmpfs mounted for the test (tests run as root; skipped with
the reason when mounting is not permitted) and always unmounted at the end. A filler file on the
same tmpfs leaves a few MiB free; producing then fills the disk. While it is full, fetches of
everything acknowledged return identical bytes, other topics and metadata are served, and the
broker stays up. Deleting the filler must let produce succeed again within RECOVERY_S (the
broker reopens stopped logs on its own, with backoff); after a restart every acknowledged record
is checked byte for byte.
"""

import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from confluent_kafka import KafkaError

import ck
from checked_records import Acked, LoadProducer, produce_checked, verify
from gregor_broker import GregorBroker
from util import unique_topic, wait_until

TMPFS_MB = 32
HEADROOM_MB = 3  # free space left next to the filler
SEGMENT_BYTES = 1 << 20
RECOVERY_S = 30  # bound for produce to work again after space is freed


@pytest.fixture
def small_disk():
    if os.environ.get("GREGOR_BOOTSTRAP"):
        pytest.skip("needs a broker started by the test (GREGOR_BOOTSTRAP is set)")
    mnt = Path(tempfile.mkdtemp(prefix="gregor-small-disk-"))
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MB}m", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        mnt.rmdir()
        pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        if subprocess.run(["umount", str(mnt)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
        mnt.rmdir()


@pytest.fixture
def small_disk_broker(request, small_disk, _tmp_root):
    """A broker whose only log dir is on the small tmpfs (its own log file is not)."""
    b = GregorBroker(Path(_tmp_root) / "b-disk-full", overrides={"log.dirs": str(small_disk / "data")},
                     name="b-disk-full")
    request.node._gregor_brokers = getattr(request.node, "_gregor_brokers", []) + [(b, b.log_size())]
    b.start()
    try:
        yield b, small_disk
    finally:
        if b.alive():
            code = b.stop()
            assert code == 0, f"broker exited with code {code} on SIGTERM\n{b.log_tail()}"
        else:
            b.kill()


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def fill(path, leave_bytes, name="filler"):
    """A filler file taking all free space but `leave_bytes`."""
    filler = path / name
    size = free_bytes(path) - leave_bytes
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        # Preallocation grows with each segment, so a full disk may already have
        # less than `leave_bytes` free: then there is nothing to add.
        if size > 0:
            os.posix_fallocate(fd, 0, size)
    finally:
        os.close(fd)
    return filler


def test_full_disk_fails_produce_with_storage_error_and_recovers_without_restart(small_disk_broker):
    b, disk = small_disk_broker
    full, other = unique_topic("df-full"), unique_topic("df-other")
    seg = {"segment.bytes": str(SEGMENT_BYTES)}
    assert ck.create_topic(b.bootstrap, full, partitions=2, config=seg) is None
    assert ck.create_topic(b.bootstrap, other, partitions=1, config=seg) is None
    acked_full, acked_other = Acked(), Acked()
    assert produce_checked(b.bootstrap, other, [0], acked_other, "other", 300) == 0
    log_mark = b.log_size()

    filler = fill(disk, HEADROOM_MB << 20)
    load = LoadProducer(b.bootstrap, full, 2, acked_full, "load",
                        {"retries": 0, "message.timeout.ms": 30000}, max_queued=500)
    load.start()
    try:
        wait_until(lambda: acked_full.error_count() >= 50, 90, what="produce failing on the full disk")
    finally:
        load.stop()
    print(f"\n[disk full] {acked_full.count()} records acknowledged, failed deliveries by error code "
          f"{acked_full.errors}, {free_bytes(disk)} bytes free")
    assert set(acked_full.errors) == {KafkaError.KAFKA_STORAGE_ERROR}, (
        f"produce on a full disk must fail with KAFKA_STORAGE_ERROR (56) only: {acked_full.errors}")
    assert acked_full.count() > 0
    pid = b.proc.pid
    assert "no space left on device" in b.log_tail(since=log_mark, max_lines=100000)
    # The broker notices the stopped logs within its check interval and plans their reopening.
    wait_until(lambda: "log stopped by a storage failure" in b.log_tail(since=log_mark, max_lines=100000),
               10, what="the broker to notice the stopped logs")

    # Still full: reads and metadata are served, identical to what was acknowledged.
    assert ck.topic_partitions(b.bootstrap, full) == 2
    assert ck.topic_partitions(b.bootstrap, other) == 1
    before = verify(b.bootstrap, full, 2, acked_full)
    verify(b.bootstrap, other, 1, acked_other)
    # A partition with preallocated room left takes appends even now.
    assert produce_checked(b.bootstrap, other, [0], acked_other, "other-while-full", 50) == 0
    verify(b.bootstrap, other, 1, acked_other)
    assert b.alive()

    # Not even room for a new segment now: produce to the full topic fails however often the
    # broker reopens its logs.
    topped_up = fill(disk, 64 << 10, name="filler-2")
    assert produce_checked(b.bootstrap, full, [0, 1], Acked(), "still-full", 50, timeout_s=5) > 0, (
        "produce succeeded although the disk is full")
    time.sleep(3)  # a few reopen attempts on the full disk
    assert produce_checked(b.bootstrap, full, [0, 1], Acked(), "still-full-2", 50, timeout_s=5) > 0
    assert b.alive()

    # Space is freed: produce works again within RECOVERY_S, without a restart.
    filler.unlink()
    topped_up.unlink()
    freed_at = time.monotonic()
    attempts = []

    def produce_works():
        attempts.append(1)
        return produce_checked(b.bootstrap, full, [0, 1], acked_full, f"after-{len(attempts)}", 10,
                               timeout_s=5) == 0

    wait_until(produce_works, RECOVERY_S, interval_s=0.5, what="produce to work again after freeing space")
    recovered_s = time.monotonic() - freed_at
    assert b.alive() and b.proc.pid == pid, "the broker restarted"
    log_text = b.log_tail(since=log_mark, max_lines=100000)
    assert "log is back after a storage failure" in log_text
    reopens = log_text.count("log is back after a storage failure")
    failed_reopens = log_text.count("reopening after a storage failure failed")
    assert produce_checked(b.bootstrap, full, [0, 1], acked_full, "after-final", 200) == 0
    assert produce_checked(b.bootstrap, other, [0], acked_other, "other-after", 50) == 0

    # After a restart, every acknowledged record byte for byte.
    assert b.restart(clean=True) == 0
    after = verify(b.bootstrap, full, 2, acked_full)
    verify(b.bootstrap, other, 1, acked_other)
    print(f"[disk full] produce worked again {recovered_s:.1f}s after freeing space "
          f"({len(attempts)} attempts; {reopens} reopens, {failed_reopens} failed reopens in all); {before['checked']} records acknowledged before, "
          f"{after['checked']} in all, {after['read']} read back after restart, {after['duplicates']} duplicates")
