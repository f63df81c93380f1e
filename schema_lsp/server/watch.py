"""Files changed on disk behind the editor (git checkout, code generation, another editor):
watchfiles in one daemon thread, debounced, Python files and pyproject.toml only, never
inside virtualenvs, version control or caches."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from .folder import SKIPPED_DIRS

_log = logging.getLogger(__name__)

#: Milliseconds watchfiles gathers changes before yielding them as one batch.
DEBOUNCE_MS = 150
_SKIPPED = SKIPPED_DIRS


def _relative_parts(path: str, roots: Sequence[Path]) -> tuple[str, ...]:
    """The path's parts below the root holding it (what lies above a root never counts:
    a project may well live in ``~/build/``)."""
    for root in roots:
        try:
            return Path(path).relative_to(root).parts
        except ValueError:
            continue
    return ()


def watch_folders(
    roots: Sequence[Path], deliver: Callable[[list[tuple[str, bool]]], None]
) -> Callable[[], None]:
    """Watch ``roots`` and call ``deliver([(path, deleted), ...])`` from the watcher thread
    for each batch; returns a function that stops watching."""
    import watchfiles

    stop = threading.Event()

    def wanted(change: watchfiles.Change, path: str) -> bool:
        parts = _relative_parts(path, roots)
        if not parts or any(part in _SKIPPED or part.startswith(".") for part in parts[:-1]):
            return False
        if change == watchfiles.Change.added and os.path.isdir(path):
            # files written right after mkdir may have no event of their own
            return parts[-1] not in _SKIPPED and not parts[-1].startswith(".")
        return path.endswith(".py") or parts[-1] == "pyproject.toml"

    def run() -> None:
        try:
            for batch in watchfiles.watch(
                *roots,
                watch_filter=wanted,
                debounce=DEBOUNCE_MS,
                step=50,
                stop_event=stop,
                raise_interrupt=False,
                ignore_permission_denied=True,
            ):
                # What is on disk now decides: modified-then-deleted is deleted.
                changes = {(path, not os.path.exists(path)) for _change, path in batch}
                for path, _deleted in list(changes):
                    if os.path.isdir(path):
                        changes.discard((path, False))
                        changes.update((found, False) for found in _python_files(path))
                deliver(sorted(changes))
        except Exception:
            _log.exception("watching %s stopped", ", ".join(map(str, roots)))

    thread = threading.Thread(target=run, name="schema-lsp-watch", daemon=True)
    thread.start()
    return stop.set


def _python_files(folder: str) -> list[str]:
    found: list[str] = []
    for directory, subdirectories, files in os.walk(folder):
        subdirectories[:] = [
            d for d in subdirectories if d not in _SKIPPED and not d.startswith(".")
        ]
        found.extend(os.path.join(directory, name) for name in files if name.endswith(".py"))
    return found
