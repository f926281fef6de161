"""Shared pytest fixtures: a real `gregor serve` process per session, and a fresh one
for tests that restart or kill the broker.

Environment:
  GREGOR_BIN        broker binary (default build/release/src/app/gregor)
  GREGOR_BOOTSTRAP  use an already running broker instead (restart tests are skipped)
  GREGOR_KEEP_DATA  keep temp data directories after the run

Consumer-group tests use `group_broker` / `fresh_group_broker`: the same, started with
GROUP_OVERRIDES so that a group's first rebalance is not delayed and short session
timeouts are accepted (an external broker is used as it is). Idempotence and transaction
tests use `txn_broker` / `fresh_txn_broker`, started with TXN_OVERRIDES.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gregor_broker import ExternalBroker, GregorBroker  # noqa: E402


GROUP_OVERRIDES = {
    "group.initial.rebalance.delay.ms": "0",
    "group.min.session.timeout.ms": "1000",
    "offsets.topic.replication.factor": "1",
}

# GROUP_OVERRIDES, single-broker replication settings for __transaction_state, and a 500 ms
# scan for timed-out transactions so a coordinator abort happens within a second of the timeout.
TXN_OVERRIDES = {
    **GROUP_OVERRIDES,
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "transaction.abort.timed.out.transaction.cleanup.interval.ms": "500",
}


def _new_broker(tmp_root, name, overrides=None):
    ext = os.environ.get("GREGOR_BOOTSTRAP")
    if ext:
        b = ExternalBroker(ext)
    else:
        b = GregorBroker(Path(tmp_root) / name, overrides=overrides, name=name)
    b.start()
    return b


@pytest.fixture(scope="session")
def _tmp_root():
    root = tempfile.mkdtemp(prefix="gregor-it-")
    yield root
    if not os.environ.get("GREGOR_KEEP_DATA"):
        shutil.rmtree(root, ignore_errors=True)


def _session(tmp_root, name, overrides=None):
    """A broker for the whole session, stopped (SIGTERM) at its end."""
    b = _new_broker(tmp_root, name, overrides=overrides)
    yield b
    code = b.stop()
    if code not in (None, 0):
        print(f"{name} exited with code {code} on SIGTERM\n{b.log_tail()}", file=sys.stderr)


@pytest.fixture(scope="session")
def _session_broker(_tmp_root):
    yield from _session(_tmp_root, "session-broker")


@pytest.fixture
def broker(request, _session_broker):
    """The shared broker. If it dies during a test, that test errors and it is restarted."""
    yield from _shared_broker_fixture(request, _session_broker)


def _shared_broker_fixture(request, b):
    request.node._gregor_brokers = getattr(request.node, "_gregor_brokers", []) + [(b, b.log_size())]
    yield b
    if not b.alive():
        code = b.proc.returncode if getattr(b, "proc", None) else None
        tail = b.log_tail()
        b.proc = None
        b.start()
        pytest.fail(f"the broker process died during this test (exit code {code})\n{tail}")


@pytest.fixture(scope="session")
def _session_group_broker(_tmp_root):
    yield from _session(_tmp_root, "group-broker", GROUP_OVERRIDES)


@pytest.fixture
def group_broker(request, _session_group_broker):
    """A shared broker started with GROUP_OVERRIDES (restarted if a test kills it)."""
    yield from _shared_broker_fixture(request, _session_group_broker)


@pytest.fixture(scope="session")
def _session_txn_broker(_tmp_root):
    yield from _session(_tmp_root, "txn-broker", TXN_OVERRIDES)


@pytest.fixture
def txn_broker(request, _session_txn_broker):
    """A shared broker started with TXN_OVERRIDES (restarted if a test kills it)."""
    yield from _shared_broker_fixture(request, _session_txn_broker)


def _fresh(request, tmp_root, overrides=None):
    if os.environ.get("GREGOR_BOOTSTRAP"):
        pytest.skip("restart tests need a broker started by the test (GREGOR_BOOTSTRAP is set)")
    name = "b-" + request.node.name.replace("/", "_").replace("[", "-").replace("]", "")[:80]
    b = _new_broker(tmp_root, name, overrides=overrides)
    request.node._gregor_brokers = getattr(request.node, "_gregor_brokers", []) + [(b, 0)]
    yield b
    code = b.stop()
    if code not in (None, 0):
        pytest.fail(f"broker exited with code {code} on SIGTERM at the end of the test\n{b.log_tail()}")


@pytest.fixture
def fresh_broker(request, _tmp_root):
    """A broker of this test's own, with restart(clean=True|False). Skipped for external brokers."""
    yield from _fresh(request, _tmp_root)


@pytest.fixture
def fresh_group_broker(request, _tmp_root):
    """fresh_broker started with GROUP_OVERRIDES."""
    yield from _fresh(request, _tmp_root, GROUP_OVERRIDES)


@pytest.fixture
def fresh_txn_broker(request, _tmp_root):
    """fresh_broker started with TXN_OVERRIDES."""
    yield from _fresh(request, _tmp_root, TXN_OVERRIDES)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches the broker log written during a failed test to its report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for b, since in getattr(item, "_gregor_brokers", []):
            report.sections.append(("gregor broker log", b.log_tail(since=since)))
