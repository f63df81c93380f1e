"""Which files declare models: the files and folders a user names, or the configured globs.

A folder is searched for ``.py`` files that import SQLAlchemy or SQLModel, skipping
virtualenvs, caches, hidden folders and what the project's ``.gitignore`` files (and
``.git/info/exclude``) leave out, so ``schema-lsp check src`` does the right thing.
Ignore rules follow git: a ``.gitignore`` applies to its folder and below, deeper files and
later lines win, and nothing inside an ignored folder is looked at (matching by pathspec).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

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


def imports_orm(text: str | bytes) -> bool:
    """Whether source text imports SQLAlchemy, SQLModel or Flask-SQLAlchemy (its first
    256 KiB are enough: imports come first)."""
    head = text[: 256 * 1024]
    data = head.encode("utf-8", "replace") if isinstance(head, str) else head
    return _IMPORTS_ORM.search(data) is not None


def is_skipped_folder(directory: Path) -> bool:
    """Hidden folders, caches, build output and virtualenvs (a ``pyvenv.cfg`` inside)."""
    name = directory.name
    return name.startswith(".") or name in _SKIPPED or (directory / "pyvenv.cfg").exists()


class IgnoreRules:
    """The ``.gitignore`` rules of one tree, for single paths (a file watcher's events).

    Each folder's ``.gitignore`` is read once and read again when it changes, so an edited
    ``.gitignore`` takes effect without a restart."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._specs: dict[Path, tuple[int, GitIgnoreSpec | None]] = {}

    def ignored(self, path: Path, *, is_dir: bool = False) -> bool:
        """Whether git would ignore ``path`` (a file or folder below the root)."""
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            return False
        directory = self.root
        chain = [(directory, self._spec(directory, exclude=True))]
        for part in parts[:-1]:
            directory = directory / part
            if _decide(chain, directory, is_dir=True):
                return True  # nothing inside an ignored folder comes back
            chain.append((directory, self._spec(directory)))
        return _decide(chain, path, is_dir=is_dir)

    def _spec(self, directory: Path, *, exclude: bool = False) -> GitIgnoreSpec | None:
        target = directory / ".gitignore"
        try:
            stamp = target.stat().st_mtime_ns
        except OSError:
            stamp = -1
        cached = self._specs.get(directory)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        spec = _read_rules(directory, exclude=exclude)
        self._specs[directory] = (stamp, spec)
        return spec


def _orm_files(named: Path) -> Iterator[Path]:
    """Model files below ``named``, spelled from it (rules are matched on real paths)."""
    folder = named.resolve()
    chains: dict[str, list[tuple[Path, GitIgnoreSpec | None]]] = {str(folder): _outer_rules(folder)}
    for directory, subdirectories, files in os.walk(folder):
        chain = chains.pop(directory)
        here = Path(directory)
        kept = []
        for name in sorted(subdirectories):
            child = here / name
            if is_skipped_folder(child) or _decide(chain, child, is_dir=True):
                continue
            kept.append(name)
            chains[str(child)] = [*chain, (child, _read_rules(child))]
        subdirectories[:] = kept
        for name in sorted(files):
            if name.endswith(".py"):
                path = here / name
                if not _decide(chain, path, is_dir=False) and _imports_orm(path):
                    yield named / path.relative_to(folder)


def _outer_rules(folder: Path) -> list[tuple[Path, GitIgnoreSpec | None]]:
    """The rules that apply inside ``folder`` (a resolved path): its own and, when it is
    inside a git work tree, those of the folders between it and the work tree's root."""
    above = [folder, *folder.parents]
    top = next((d for d in above if (d / ".git").exists()), folder)
    between = above[: above.index(top) + 1]
    return [(d, _read_rules(d, exclude=d == top)) for d in reversed(between)]


def _read_rules(directory: Path, *, exclude: bool = False) -> GitIgnoreSpec | None:
    """The patterns of ``directory/.gitignore`` (and, for a tree's root, of
    ``.git/info/exclude``), or None when there are none."""
    lines: list[str] = []
    sources = [directory / ".git" / "info" / "exclude"] if exclude else []
    for source in [*sources, directory / ".gitignore"]:
        try:
            lines += source.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
    if not any(line.strip() and not line.startswith("#") for line in lines):
        return None
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)


def _decide(chain: list[tuple[Path, GitIgnoreSpec | None]], path: Path, *, is_dir: bool) -> bool:
    """Whether the rules of ``path``'s folders ignore it: the deepest rule that matches
    decides (a ``!pattern`` re-includes)."""
    ignored = False
    for directory, spec in chain:
        if spec is None:
            continue
        relative = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
        decision = spec.check_file(relative).include
        if decision is not None:
            ignored = decision
    return ignored


def _imports_orm(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return imports_orm(handle.read(256 * 1024))
    except OSError:
        return False


def _skipped(path: Path, base: Path) -> bool:
    parts = path.relative_to(base).parts[:-1]
    return any(part.startswith(".") or part in _SKIPPED for part in parts)
