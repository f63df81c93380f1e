"""How a model file already imports things: the name it uses for an object
(``sa.String`` after ``import sqlalchemy as sa``), renaming generated code to that
spelling, and where a new import line goes. Shared by the quick fixes (``model_edit``)
and the insertion of generated entity classes."""

from __future__ import annotations

import ast
import re

from .source import Import


def local_name(tree: ast.Module, item: Import) -> str | None:
    """How the file names an import's object, or None if it does not import it."""
    import importlib

    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == item.module and item.name:
            for alias in node.names:
                if alias.name == item.name:
                    return alias.asname or alias.name
        if (
            isinstance(node, ast.ImportFrom)
            and not node.level
            and (node.module or "").partition(".")[0] in ("sqlalchemy", "sqlmodel")
            and item.module.startswith("sqlalchemy")
            and item.name
        ):
            # ``from sqlmodel import String`` is SQLAlchemy's String too.
            for alias in node.names:
                if alias.name == item.name and _same_object(node.module or "", item):
                    return alias.asname or alias.name
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name
                if alias.name == item.module:
                    return f"{bound}.{item.name}" if item.name else bound
                if (
                    alias.name == "sqlalchemy"
                    and item.module.startswith("sqlalchemy")
                    and item.name
                ):
                    # ``sa.String`` reaches what ``sqlalchemy.types`` and friends export.
                    try:
                        top = importlib.import_module("sqlalchemy")
                        module = importlib.import_module(item.module)
                    except ImportError:
                        continue
                    if getattr(top, item.name, None) is getattr(module, item.name, object()):
                        return f"{bound}.{item.name}"
    return None


_STRING_LITERAL = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")


def rename_in_code(text: str, name: str, local: str) -> str:
    """``name`` written as ``local`` in code, never inside a string literal (a comment
    or a check's SQL may well say "text")."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    parts = _STRING_LITERAL.split(text)
    return "".join(
        part if position % 2 else pattern.sub(local, part) for position, part in enumerate(parts)
    )


def _same_object(module_name: str, item: Import) -> bool:
    """``module_name`` (SQLAlchemy's or SQLModel's, never the user's) exports the object
    ``item`` names."""
    import importlib

    try:
        module = importlib.import_module(module_name)
        origin = importlib.import_module(item.module)
    except ImportError:
        return False
    found = getattr(module, item.name or "", None)
    return found is not None and found is getattr(origin, item.name or "", object())


def after_imports(tree: ast.Module) -> int:
    """The 0-based line after the file's last top-level import (after a docstring or at
    the top when there is none)."""
    last = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            last = node.end_lineno or node.lineno
    return last
