"""The bash completion script completes commands, subcommands, options and option values."""

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "contrib" / "completion" / "gregor.bash"
ZSH_SCRIPT = SCRIPT.parent / "_gregor"


def complete(line):
    words = line.split(" ")
    program = f"""
source {SCRIPT}
COMP_WORDS=({" ".join(repr(w) for w in words)})
COMP_CWORD={len(words) - 1}
_gregor
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30, check=True)
    return out.stdout.split()


def test_bash_commands_and_options():
    assert complete("gregor to") == ["topic"]
    assert complete("gregor topic ") == [
        "create",
        "list",
        "describe",
        "delete",
        "add-partitions",
        "alter-config",
        "trim-prefix",
    ]
    assert "--partitions" in complete("gregor topic trim-prefix demo --p")
    assert complete("gregor bench e") == ["e2e"]
    assert "--acks" in complete("gregor produce demo --a")
    assert complete("gregor consume demo -o ") == ["start", "end"]
    assert complete("gregor produce demo -z z") == ["zstd"]
    assert "--execute" in complete("gregor group reset-offsets g --e")
    assert "--brokers" in complete("gregor cluster info --")


def test_zsh_script_parses():
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed")
    subprocess.run(["zsh", "-n", str(ZSH_SCRIPT)], check=True, timeout=30)
