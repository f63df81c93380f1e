"""Which files declare models: the files and folders a user names, or the configured globs.

A folder is searched for ``.py`` files that import SQLAlchemy or SQLModel, skipping
virtualenvs, caches and hidden folders, so ``schema-lsp check src`` does the right thing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

#: Folders never searched: environments, caches, build output, version control.
_SKIPPED = frozenset(
    {"node_modules", "site-packages", "__pycache__", "build", "dist", "venv", "env"}
)
_IMPORTS_ORM = re.compile(
    rb"^\s*(?:from|import)\s+(?:sqlalchemy|sqlmodel|flask_sqlalchemy)\b", re.M
)


def find_entity_files(
    paths: Iterable[str | Path] = (), *, globs: Iterable[str] = (), root: Path | None = None
) -> list[Path]:
    """Named files as they are; named folders searched; with no paths, the ``globs``
    under ``root``. Sorted and without duplicates."""
    found: dict[Path, None] = {}
    named = [Path(p) for p in paths]
    if named:
        for path in named:
            if path.is_dir():
                found.update(dict.fromkeys(_orm_files(path)))
            else:
                found[path] = None
    else:
        base = root or Path.cwd()
        for pattern in globs:
            found.update(
                dict.fromkeys(
                    p for p in base.glob(pattern) if p.is_file() and not _skipped(p, base)
                )
            )
    return sorted(found)


def _orm_files(folder: Path) -> Iterator[Path]:
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if not d.startswith(".")
            and d not in _SKIPPED
            and not (Path(directory) / d / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(directory) / name
                if _imports_orm(path):
                    yield path


def _imports_orm(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return _IMPORTS_ORM.search(handle.read(256 * 1024)) is not None
    except OSError:
        return False


def _skipped(path: Path, base: Path) -> bool:
    parts = path.relative_to(base).parts[:-1]
    return any(part.startswith(".") or part in _SKIPPED for part in parts)
