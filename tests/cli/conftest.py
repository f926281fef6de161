"""Fixtures for the `gregor` CLI tests: the integration suite's real `gregor serve`
brokers (tests/integration/conftest.py), and helpers that run the CLI against them.

Environment: GREGOR_BIN (the gregor binary: the CLI and the broker), GREGOR_BOOTSTRAP
(use an already running broker), as in tests/integration.
"""

import importlib.util
import sys
from pathlib import Path

_INTEGRATION = Path(__file__).resolve().parents[1] / "integration"
sys.path.insert(0, str(_INTEGRATION))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Loaded under its own name: both files are called conftest.py.
_spec = importlib.util.spec_from_file_location("gregor_integration_conftest", _INTEGRATION / "conftest.py")
_integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_integration)

_tmp_root = _integration._tmp_root
_session_broker = _integration._session_broker
broker = _integration.broker
fresh_broker = _integration.fresh_broker
_session_txn_broker = _integration._session_txn_broker
txn_broker = _integration.txn_broker
pytest_runtest_makereport = _integration.pytest_runtest_makereport
