"""Where a new Alembic revision goes and which revision it follows, read statically.

The revision files are the user's code: they are parsed (``ast``), never imported, which
is why Alembic's ``ScriptDirectory`` (it runs them) is not used here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..folder import Folder


def versions_folder(folder: Folder) -> Path | None:
    """The configured migrations folder's ``versions/`` when it exists inside the
    workspace folder (``migrations = "alembic/versions"`` names it directly)."""
    if folder.folder_settings is None:
        return None
    base = folder.project_root / folder.folder_settings.settings.migrations
    for candidate in (base / "versions", base):
        if candidate.name == "versions" and candidate.is_dir() and folder.contains(str(candidate)):
            return candidate
    return None


def head_revisions(versions: Path) -> tuple[str, ...]:
    """The heads of the revisions in ``versions``, sorted: what a new revision follows
    (none yet: it is the first; several: it merges them, as ``alembic merge`` would, so
    ``alembic upgrade head`` works again afterwards)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for file in versions.glob("*.py"):
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for node in tree.body:
            target = value = None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign):
                target, value = node.target, node.value
            if not isinstance(target, ast.Name) or value is None:
                continue
            try:
                literal = ast.literal_eval(value)
            except ValueError:
                continue
            names = literal if isinstance(literal, (tuple, list)) else (literal,)
            strings = {name for name in names if isinstance(name, str)}
            if target.id == "revision":
                revisions |= strings
            elif target.id == "down_revision":
                parents |= strings
    return tuple(sorted(revisions - parents))
