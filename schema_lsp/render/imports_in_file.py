"""How a model file already imports things: the name it uses for an object
(``sa.String`` after ``import sqlalchemy as sa``), renaming generated code to that
spelling, and where a new import line goes. Shared by the quick fixes (``model_edit``)
and the insertion of generated entity classes."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from .source import Import


def local_name(bindings: Mapping[str, str], item: Import) -> str | None:
    """How a file names an import's object, or None if it does not import it.
    ``bindings`` are the file's module-level names as the parser read them
    (``ParsedFile.imports``: local name -> the dotted name it stands for)."""
    wanted = f"{item.module}.{item.name}" if item.name else item.module
    for local, dotted in bindings.items():
        if dotted == wanted:
            return local
    if item.name is None:
        return None
    for local, dotted in bindings.items():
        if dotted == item.module:
            return f"{local}.{item.name}"  # ``sa.String`` after ``import sqlalchemy as sa``
    if not item.module.startswith("sqlalchemy"):
        return None
    for local, dotted in bindings.items():
        # ``from sqlmodel import String`` is SQLAlchemy's String too.
        module, _, name = dotted.rpartition(".")
        top = module.partition(".")[0]
        if name == item.name and top in ("sqlalchemy", "sqlmodel") and _same_object(module, item):
            return local
    for local, dotted in bindings.items():
        if dotted == "sqlalchemy" and _same_object("sqlalchemy", item):
            return f"{local}.{item.name}"  # ``sa.String`` reaches ``sqlalchemy.types``'
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
