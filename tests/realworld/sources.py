"""The source files of a distribution, as ``pip download --no-deps`` fetches them: nothing is
installed and nothing is imported.

Cached under ``~/.cache/schema-lsp/realworld-sources/<name>-<version>/`` (``$XDG_CACHE_HOME``
honoured, ``$SCHEMA_LSP_REALWORLD_SOURCES`` overrides): the wheel is unpacked (or an sdist's
tree, whose source root is found from the model files), once; a ``ready`` file is written
last, and a lock file keeps parallel runs from unpacking into one folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

_USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
SOURCES = Path(
    os.environ.get("SCHEMA_LSP_REALWORLD_SOURCES")
    or _USER_CACHE / "schema-lsp" / "realworld-sources"
)
DOWNLOAD_TIMEOUT = 300.0


class DownloadFailed(Exception):
    """pip could not download the distribution (most often: no network)."""


def _download(name: str, version: str, into: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
    command += ["--disable-pip-version-check", "-d", str(into), f"{name}=={version}"]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise DownloadFailed(f"pip download {name}=={version} timed out") from error
    if result.returncode != 0:
        errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
        detail = " ".join(errors[-2:]) or result.stderr[-300:]
        raise DownloadFailed(f"pip download {name}=={version} failed: {detail}")
    files = sorted(into.iterdir())
    if not files:
        raise DownloadFailed(f"pip download {name}=={version} fetched nothing")
    return files[0]


def _unpack(archive: Path, target: Path) -> None:
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(target)
    else:
        with tarfile.open(archive) as tarred:
            tarred.extractall(target, filter="data")


def distribution_root(name: str, version: str) -> Path:
    """The unpacked distribution (download it first if needed)."""
    root = SOURCES / f"{name.lower()}-{version}"
    SOURCES.mkdir(parents=True, exist_ok=True)
    with open(SOURCES / f"{name.lower()}-{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (root / "ready").exists():
            return root
        shutil.rmtree(root, ignore_errors=True)
        with tempfile.TemporaryDirectory(dir=SOURCES) as folder:
            archive = _download(name, version, Path(folder))
            unpacked = Path(folder) / "unpacked"
            _unpack(archive, unpacked)
            unpacked.rename(root)
        (root / "ready").write_text(f"{name}=={version}\n")
        return root


def source_roots(distributions: dict[str, str], model_files: tuple[str, ...]) -> list[Path]:
    """The folders the model files' paths are relative to: a wheel's root, or the folder of
    an sdist's tree that holds one of the model files (``src/`` layouts)."""
    roots: list[Path] = []
    for name, version in sorted(distributions.items()):
        root = distribution_root(name, version)
        if any((root / f).is_file() for f in model_files) or _is_wheel(root):
            roots.append(root)
            continue
        for candidate in sorted(p for p in root.rglob("*") if p.is_dir()):
            if any((candidate / f).is_file() for f in model_files):
                roots.append(candidate)
                break
        else:
            roots.append(root)
    return roots


def _is_wheel(root: Path) -> bool:
    return any(p.suffix == ".dist-info" for p in root.iterdir())


def locate(relative: str, roots: list[Path]) -> Path | None:
    for root in roots:
        if (root / relative).is_file():
            return root / relative
    return None
