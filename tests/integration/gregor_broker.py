"""Starts and stops a real `gregor serve` process for integration tests.

A GregorBroker owns one data directory and one loopback port for its whole life, so
a restart (clean or kill -9) brings the same broker back at the same address with
the same data. It is used from one thread (the test's); it is not thread-safe.

With GREGOR_BOOTSTRAP set, ExternalBroker stands in: tests talk to that address and
anything that needs to restart the broker is skipped.
"""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import kafka_wire

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "build" / "release" / "src" / "app" / "gregor"
START_TIMEOUT_S = float(os.environ.get("GREGOR_START_TIMEOUT", "30"))
STOP_TIMEOUT_S = float(os.environ.get("GREGOR_STOP_TIMEOUT", "30"))


class BrokerError(Exception):
    pass


def broker_binary():
    return Path(os.environ.get("GREGOR_BIN", str(DEFAULT_BIN)))


def free_port():
    """A loopback port nothing listens on right now (the broker binds it next)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GregorBroker:
    can_restart = True

    def __init__(self, workdir, overrides=None, name="broker"):
        self.workdir = Path(workdir)
        self.data_dir = self.workdir / "data"
        self.log_path = self.workdir / f"{name}.log"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.overrides = {
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "log.dirs": str(self.data_dir),
            "num.partitions": "1",
            "auto.create.topics.enable": "true",
        }
        self.overrides.update(overrides or {})
        self.proc = None
        self.starts = 0

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def command(self):
        cmd = [str(broker_binary()), "serve"]
        for k, v in self.overrides.items():
            cmd += ["--override", f"{k}={v}"]
        return cmd

    def start(self):
        binary = broker_binary()
        if not binary.exists():
            raise BrokerError(f"broker binary {binary} not found (build it, or set GREGOR_BIN / GREGOR_BOOTSTRAP)")
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== start #{self.starts}: {' '.join(self.command())}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=self.workdir
            )
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        last_err = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BrokerError(
                    f"broker exited with code {self.proc.returncode} during start-up\n{self.log_tail()}"
                )
            try:
                kafka_wire.api_versions(self.bootstrap, timeout_s=2.0)
                return
            except (OSError, AssertionError, ConnectionError) as e:
                last_err = e
                time.sleep(0.1)
        self.kill()
        raise BrokerError(
            f"broker did not answer ApiVersions on {self.bootstrap} within {START_TIMEOUT_S}s "
            f"(last error: {last_err})\n{self.log_tail()}"
        )

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM and wait; returns the exit code. Falls back to SIGKILL (and raises) on a hang."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.kill()
                raise BrokerError(f"broker did not exit within {STOP_TIMEOUT_S}s of SIGTERM\n{self.log_tail()}")
        code = self.proc.returncode
        self.proc = None
        return code

    def kill(self):
        """SIGKILL and reap: the crash case (nothing flushed by the broker itself)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        code = self.proc.returncode
        self.proc = None
        return code

    def restart(self, clean=True):
        """Stops (SIGTERM if clean, else SIGKILL) and starts again on the same port and data.

        Returns the exit code of the stopped process; a clean stop must report 0.
        """
        code = self.stop() if clean else self.kill()
        self.start()
        return code

    def log_size(self):
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def log_tail(self, since=0, max_lines=200):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(since)
                text = f.read().decode(errors="replace")
        except FileNotFoundError:
            return f"(no broker log at {self.log_path}: removed at session end; GREGOR_KEEP_DATA=1 keeps it)"
        lines = text.splitlines()
        if len(lines) > max_lines:
            lines = [f"... ({len(lines) - max_lines} earlier lines in {self.log_path})"] + lines[-max_lines:]
        return f"--- broker log {self.log_path} ---\n" + "\n".join(lines)


class ExternalBroker:
    """A broker someone else runs (GREGOR_BOOTSTRAP): no process, no restart."""

    can_restart = False

    def __init__(self, bootstrap):
        self.bootstrap = bootstrap
        self.log_path = None

    def start(self):
        kafka_wire.api_versions(self.bootstrap, timeout_s=10.0)

    def alive(self):
        return True

    def stop(self):
        return None

    def kill(self):
        return None

    def restart(self, clean=True):
        raise BrokerError("cannot restart an external broker (GREGOR_BOOTSTRAP is set)")

    def log_size(self):
        return 0

    def log_tail(self, since=0, max_lines=200):
        return "(external broker: no log captured)"
