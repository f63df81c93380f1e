"""Checks of generated Python: run it as a module, and hold it to ruff's rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

#: The tools of the interpreter running the tests (the project's venv).
VENV_BIN = Path(sys.executable).parent


def load_module(source: str, name: str = "generated_models") -> ModuleType:
    """Run generated code as a module (test code executing our own output)."""
    module = ModuleType(name)
    # dont_inherit: the test file's `from __future__ import annotations` must not leak in.
    exec(compile(source, f"<{name}>", "exec", dont_inherit=True), module.__dict__)
    return module


def assert_ruff_formatted(path: Path) -> None:
    """``ruff format`` changes nothing at ruff's default line length or a longer one, and
    ``ruff check`` finds no unsorted import, unused import or undefined name."""
    ruff = str(VENV_BIN / "ruff")
    for line_length in ("88", "100", "120"):
        formatted = subprocess.run(
            [ruff, "format", "--isolated", "--line-length", line_length, "--diff", str(path)],
            capture_output=True,
            text=True,
        )
        assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    linted = subprocess.run(
        # E501 aside: a long SQL default or comment is one string that cannot be split.
        [ruff, "check", "--isolated", "--select", "I,F,E,W", "--ignore", "E501", str(path)],
        capture_output=True,
        text=True,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def assert_ruff_clean(path: Path) -> None:
    """``ruff check`` and ``ruff format --check`` with the project's own settings."""
    ruff = str(VENV_BIN / "ruff")
    config = str(Path(__file__).parents[2] / "pyproject.toml")
    for command in (["check"], ["format", "--check"]):
        run = subprocess.run(
            [ruff, *command, "--config", config, str(path)], capture_output=True, text=True
        )
        assert run.returncode == 0, run.stdout + run.stderr
