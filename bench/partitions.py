#!/usr/bin/python3
"""Many partitions on one broker: start-up time, memory and open descriptors.

Drives a real `gregor serve` (GREGOR_BIN) with confluent-kafka, for each
partition count asked (--partitions 1000,10000; split into --topics topics):

  fresh      start on an empty data dir
  create     CreateTopics of every topic
  produce    --records records to every partition (acks=all)
  read       one consumer reads every partition from the beginning
  restart    SIGTERM, then start again on the same data (clean shutdown)
  produce-2  another produce pass after the restart
  kill9      SIGKILL, then start again (every active segment is recovered)

and prints, after each step: the step's duration, the broker's VmRSS and
VmHWM (/proc/<pid>/status) and its open descriptors (/proc/<pid>/fd). A
start-up's duration runs from the process start until the port accepts
connections and Metadata lists every partition. Nothing here asserts a
figure; a failed step (a record not acknowledged, a partition missing or read
back wrong) stops the run with exit status 1.

  GREGOR_BIN=build/release/src/app/gregor bench/partitions.py \\
      [--partitions 1000,10000] [--topics 10] [--records 3] [--shards 2] \\
      [--dir /var/tmp] [--override key=value ...] [--keep]
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_figures(pid):
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            status[key] = value.strip()
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    mib = lambda key: int(status[key].split()[0]) / 1024  # noqa: E731 (kB -> MiB)
    return mib("VmRSS"), mib("VmHWM"), fds


class Broker:
    def __init__(self, binary, workdir, shards, overrides):
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.overrides = {
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "log.dirs": os.path.join(workdir, "data"),
            "gregor.shards": str(shards),
            "auto.create.topics.enable": "false",
        }
        self.overrides.update(overrides)
        self.proc = None

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def start(self, expect_partitions, timeout_s):
        """Starts the broker; returns seconds until Metadata lists every partition."""
        cmd = [self.binary, "serve"]
        for k, v in self.overrides.items():
            cmd += ["--override", f"{k}={v}"]
        log = open(os.path.join(self.workdir, "broker.log"), "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        deadline = t0 + timeout_s
        while not self._accepts():
            self._check_alive(deadline)
            time.sleep(0.01)
        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        while True:
            self._check_alive(deadline)
            try:
                md = admin.list_topics(timeout=5)
                if sum(len(t.partitions) for t in md.topics.values()) >= expect_partitions:
                    return time.monotonic() - t0
            except Exception:  # noqa: BLE001 (not answering yet)
                pass
            time.sleep(0.02)

    def _accepts(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def _check_alive(self, deadline):
        if self.proc.poll() is not None:
            raise RuntimeError(f"broker exited with {self.proc.returncode}; see {self.workdir}/broker.log")
        if time.monotonic() > deadline:
            raise RuntimeError("broker start-up timed out")

    def stop(self, kill=False):
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        code = self.proc.wait(timeout=600)
        if not kill and code != 0:
            raise RuntimeError(f"clean stop exited with {code}")
        return time.monotonic() - t0


def create_topics(bootstrap, topics, per_topic):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics(
        [NewTopic(t, per_topic, 1) for t in topics], operation_timeout=600, request_timeout=600
    )
    for f in futures.values():
        f.result()


def produce(bootstrap, topics, per_topic, records, tag):
    # A first write to thousands of partitions takes the broker minutes (see
    # bench/README.md): the request must not time out and be retried meanwhile.
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 20,
                  "queue.buffering.max.messages": 1000000, "message.timeout.ms": 900000,
                  "request.timeout.ms": 900000})
    errors = []

    def report(err, _msg):
        if err is not None:
            errors.append(err)

    for t in topics:
        for part in range(per_topic):
            for i in range(records):
                p.produce(t, value=f"{tag}-{t}-{part}-{i}".encode(), partition=part, on_delivery=report)
            p.poll(0)
    if p.flush(600) != 0 or errors:
        raise RuntimeError(f"produce failed: {len(errors)} errors, e.g. {errors[:1]}")


def read_all(bootstrap, topics, per_topic, expected_per_partition):
    """Reads every partition from the beginning; checks the record count."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "partitions-bench",
                  "enable.auto.commit": False, "fetch.wait.max.ms": 50})
    c.assign([TopicPartition(t, p, 0) for t in topics for p in range(per_topic)])
    want = len(topics) * per_topic * expected_per_partition
    got = 0
    deadline = time.monotonic() + 600
    while got < want and time.monotonic() < deadline:
        for m in c.consume(10000, timeout=1.0):
            if m.error() is None:
                got += 1
            elif m.error().code() != KafkaError._PARTITION_EOF:
                raise RuntimeError(f"consume error: {m.error()}")
    c.close()
    if got != want:
        raise RuntimeError(f"read {got} records, expected {want}")


def run(args, total):
    per_topic = total // args.topics
    topics = [f"many-{total}-{i}" for i in range(args.topics)]
    workdir = tempfile.mkdtemp(prefix=f"gregor-partitions-{total}-", dir=args.dir)
    overrides = dict(o.split("=", 1) for o in args.override)
    broker = Broker(args.bin, workdir, args.shards, overrides)
    rows = []

    def row(step, seconds):
        rss, hwm, fds = proc_figures(broker.proc.pid)
        rows.append((total, step, seconds, rss, hwm, fds))
        print(f"{total:>7} {step:<10} {seconds:>9.2f} s {rss:>9.1f} {hwm:>9.1f} {fds:>7}", flush=True)

    def timed(fn):
        t0 = time.monotonic()
        fn()
        return time.monotonic() - t0

    try:
        row("fresh", broker.start(0, args.timeout))
        row("create", timed(lambda: create_topics(broker.bootstrap, topics, per_topic)))
        row("produce", timed(lambda: produce(broker.bootstrap, topics, per_topic, args.records, "a")))
        row("read", timed(lambda: read_all(broker.bootstrap, topics, per_topic, args.records)))
        stop_s = broker.stop()
        print(f"{total:>7} {'(stop)':<10} {stop_s:>9.2f} s", flush=True)
        row("restart", broker.start(total, args.timeout))
        row("produce-2", timed(lambda: produce(broker.bootstrap, topics, per_topic, args.records, "b")))
        broker.stop(kill=True)
        row("kill9", broker.start(total, args.timeout))
        row("read-2", timed(lambda: read_all(broker.bootstrap, topics, per_topic, 2 * args.records)))
        broker.stop()
    finally:
        if broker.proc is not None and broker.proc.poll() is None:
            broker.proc.kill()
            broker.proc.wait()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("GREGOR_BIN", "build/release/src/app/gregor"))
    ap.add_argument("--partitions", default="1000,10000")
    ap.add_argument("--topics", type=int, default=10)
    ap.add_argument("--records", type=int, default=3)
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--dir", default="/var/tmp")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--override", action="append", default=[])
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"no broker binary at {args.bin} (set GREGOR_BIN)")
    print(f"{'parts':>7} {'step':<10} {'time':>11} {'RSS MiB':>9} {'HWM MiB':>9} {'fds':>7}")
    try:
        for total in [int(x) for x in args.partitions.split(",")]:
            run(args, total)
    except RuntimeError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
