"""Drives tests/integration/cpp/rdkafka_client_test (librdkafka's C++ client).

RDKAFKA_CLIENT_TEST names the program; by default it is looked up next to the
broker binary's build tree (build/release/tests/integration/cpp/).
"""

import os
import subprocess
from pathlib import Path

import pytest

from gregor_broker import REPO_ROOT, broker_binary
from util import now_ms, unique_topic


def program():
    explicit = os.environ.get("RDKAFKA_CLIENT_TEST")
    if explicit:
        return Path(explicit)
    # <build>/src/app/gregor -> <build>/tests/integration/cpp/rdkafka_client_test
    beside_broker = broker_binary().parents[2] / "tests" / "integration" / "cpp" / "rdkafka_client_test"
    if beside_broker.exists():
        return beside_broker
    return REPO_ROOT / "build" / "release" / "tests" / "integration" / "cpp" / "rdkafka_client_test"


def run(*args, timeout_s=600):
    prog = program()
    if not prog.exists():
        pytest.fail(f"{prog} not built (ninja rdkafka_client_test, or set RDKAFKA_CLIENT_TEST)")
    p = subprocess.run([str(prog), *args], capture_output=True, text=True, timeout=timeout_s)
    print(p.stdout)
    print(p.stderr)
    assert p.returncode == 0, f"rdkafka_client_test {' '.join(args[1:])} failed:\n{p.stdout}\n{p.stderr}"


@pytest.mark.parametrize("group", ["admin", "roundtrip", "positions"])
def test_cpp_client(broker, group):
    run(broker.bootstrap, group)


def test_cpp_client_groups(group_broker):
    """Consumer groups: cooperative-sticky, static membership, group admin (a broker that
    does not delay a new group's first rebalance)."""
    run(group_broker.bootstrap, "groups", timeout_s=300)


def test_cpp_client_txn(txn_broker):
    """Idempotent and transactional producers, read_committed and read_uncommitted consumers."""
    run(txn_broker.bootstrap, "txn", timeout_s=300)


@pytest.mark.parametrize("clean", [True, False], ids=["sigterm", "kill9"])
def test_cpp_client_across_restart(fresh_broker, clean):
    prefix = unique_topic("cpp-restart")
    base = str(now_ms() - 30_000)
    run(fresh_broker.bootstrap, "restart-produce", prefix, base)
    code = fresh_broker.restart(clean=clean)
    if clean:
        assert code == 0, f"broker exit code {code} after SIGTERM"
    run(fresh_broker.bootstrap, "restart-verify", prefix, base)
