"""A real-world package's own virtual environment, created once and reused.

The venv lives under ``~/.cache/schema-lsp/realworld/<name>-<version>/`` (``$XDG_CACHE_HOME``
is honoured; ``$SCHEMA_LSP_REALWORLD_CACHE`` overrides), outside the work tree so that CI's
fresh clones reuse it, keyed by the pinned version, so a new pin gets a new environment and
a cached one costs nothing. An environment counts as ready only once its
install finished (a ``ready`` file written last, naming what was installed), so an
interrupted install, or one with other requirements, is redone.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path

_USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
CACHE = Path(
    os.environ.get("SCHEMA_LSP_REALWORLD_CACHE") or _USER_CACHE / "schema-lsp" / "realworld"
)
#: What the refresh script needs besides the package: drivers (SQLite is built in) and
#: Alembic, whose ``compare_metadata`` it times.
DRIVERS = ("psycopg[binary]", "pymysql", "alembic")
INSTALL_TIMEOUT = 900.0


class InstallFailed(Exception):
    """pip could not install the package (most often: no network)."""


@dataclass(frozen=True)
class PackageEnvironment:
    """An installed environment: its interpreter and how long the install took (0 if cached)."""

    root: Path
    python: Path
    install_seconds: float
    cached: bool


def ensure_environment(
    name: str, version: str, extras: str = "", requirements: tuple[str, ...] = ()
) -> PackageEnvironment:
    """The environment of ``name[extras]==version`` (plus ``requirements``, e.g. SQLAlchemy
    for a package that makes it optional), installing it if it is not ready yet."""
    root = CACHE / f"{name}-{version}"
    python = root / "bin" / "python"
    ready = root / "ready"
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / f"{name}-{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two pytest processes never install into one venv
        wanted = [f"{name}{extras}=={version}", *requirements, *DRIVERS]
        if ready.exists() and json.loads(ready.read_text()).get("requirements") == wanted:
            return PackageEnvironment(root, python, 0.0, cached=True)
        started = time.perf_counter()
        venv.EnvBuilder(clear=True, with_pip=True).create(root)
        command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        command += wanted
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired as error:
            raise InstallFailed(f"pip install {name}=={version} timed out") from error
        if result.returncode != 0:
            errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
            detail = " ".join(errors[-3:]) or result.stderr[-300:]
            raise InstallFailed(f"pip install {name}=={version} failed: {detail}")
        seconds = time.perf_counter() - started
        done = {"install_seconds": round(seconds, 1), "python": sys.version}
        ready.write_text(json.dumps({**done, "requirements": wanted}))
        return PackageEnvironment(root, python, seconds, cached=False)
