"""Runs the `gregor` CLI as a subprocess, always under a time limit."""

import json
import os
import subprocess
import uuid

from gregor_broker import broker_binary

DEFAULT_TIMEOUT_S = 60


def run(broker, *args, input=None, timeout=DEFAULT_TIMEOUT_S, env=None, brokers=True):
    """Runs `gregor ARGS --brokers <broker>`; returns the CompletedProcess (text)."""
    cmd = [str(broker_binary()), *args]
    if brokers:
        cmd += ["--brokers", broker.bootstrap]
    full_env = dict(os.environ)
    full_env.pop("GREGOR_BROKERS", None)
    full_env.update(env or {})
    return subprocess.run(
        cmd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


def ok(broker, *args, **kwargs):
    """Runs the command, asserts exit code 0 and returns its stdout."""
    p = run(broker, *args, **kwargs)
    assert p.returncode == 0, f"gregor {' '.join(args)} exited {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}"
    return p.stdout


def ok_json(broker, *args, **kwargs):
    return json.loads(ok(broker, *args, "--format", "json", **kwargs))


def fails(broker, code, *args, **kwargs):
    """Runs the command, asserts exit code `code` and a one-line error; returns stderr."""
    p = run(broker, *args, **kwargs)
    assert p.returncode == code, f"expected exit {code}, got {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}"
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected a one-line error, got:\n{p.stderr}"
    assert lines[0].startswith("gregor: "), lines[0]
    return lines[0]


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
