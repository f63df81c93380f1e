"""How a model file already imports things: the name it uses for an object
(``sa.String`` after ``import sqlalchemy as sa``), renaming generated code to that
spelling, and where a new import line goes. Shared by the quick fixes (``model_edit``)
and the insertion of generated entity classes."""

from __future__ import annotations

import ast
import io
import tokenize
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
            return f"{local}.{item.name}"  # ``sa.String`` reaches ``sqlalchemy.types`` too
    return None


def rename_in_code(text: str, name: str, local: str) -> str:
    """``name`` written as ``local`` wherever Python's tokenizer reads it as that name:
    never inside a string literal or a comment (a check's SQL or a note may well say
    "text"), never an attribute (``x.text``) or a keyword (``text=``). ``text`` is
    generated code, a whole statement or a piece of one, read inside parentheses so its
    indentation and line breaks mean nothing to the tokenizer."""
    tokens: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(f"({text}\n)").readline):
            if token.type not in (tokenize.NL, tokenize.COMMENT):
                tokens.append(token)
    except (tokenize.TokenError, SyntaxError):
        pass  # the names before the piece stops being Python are found
    starts: list[tuple[int, int]] = []
    for index, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string != name:
            continue
        before = tokens[index - 1].string if index else ""
        after = tokens[index + 1].string if index + 1 < len(tokens) else ""
        if before == "." or after == "=":
            continue  # an attribute, or a keyword argument's name
        row, column = token.start
        starts.append((row - 1, column - 1 if row == 1 else column))
    lines = text.split("\n")
    for row, column in reversed(starts):
        line = lines[row]
        lines[row] = line[:column] + local + line[column + len(name) :]
    return "\n".join(lines)


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
