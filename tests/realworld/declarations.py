"""Where a package's source declares a table, column, index or foreign key: the 1-based line
the difference must point at, found with ``ast`` independently of our parser.

Declarative classes (``__tablename__ = "t"``; columns are class attributes) and imperative
tables (``Table("t", metadata, Column("c", ...), ...)``, ``Index("name", ...)`` anywhere)
are what the packages here write.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _calls(node: ast.AST, name: str) -> Iterator[ast.Call]:
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and _name(child.func) == name:
            yield child


@dataclass(frozen=True)
class Declaration:
    """A table's declaring node in one file: a class or a ``Table(...)`` call."""

    path: Path
    node: ast.ClassDef | ast.Call

    @property
    def line(self) -> int:
        """The class line, or the line of a ``Table(...)``'s name (where it is named)."""
        if isinstance(self.node, ast.Call):
            return self.node.args[0].lineno
        return self.node.lineno

    def column(self, column: str) -> ast.Call | ast.stmt:
        if isinstance(self.node, ast.Call):
            for call in _calls(self.node, "Column"):
                if _first_string(call) == column:
                    return call
        else:
            for statement in self.node.body:
                targets = (
                    statement.targets
                    if isinstance(statement, ast.Assign)
                    else [statement.target]
                    if isinstance(statement, ast.AnnAssign)
                    else []
                )
                if any(isinstance(t, ast.Name) and t.id == column for t in targets):
                    return statement
        raise LookupError(f"{column} is not declared in {self.path}:{self.line}")

    def column_line(self, column: str) -> int:
        return self.column(column).lineno

    def foreign_key(self, column: str) -> tuple[int, str | None]:
        """The line of the ``ForeignKey(...)`` inside the column's declaration, and its
        ``name=`` if it has one."""
        for call in _calls(self.column(column), "ForeignKey"):
            names = [k.value for k in call.keywords if k.arg == "name"]
            name = names[0].value if names and isinstance(names[0], ast.Constant) else None
            return call.lineno, str(name) if name is not None else None
        raise LookupError(f"{column} declares no ForeignKey in {self.path}")


def find_table(paths: list[Path], table: str) -> Declaration:
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(_name(t) == "__tablename__" for t in statement.targets)
                        and isinstance(statement.value, ast.Constant)
                        and statement.value.value == table
                    ):
                        return Declaration(path, node)
            elif (
                isinstance(node, ast.Call)
                and _name(node.func) == "Table"
                and _first_string(node) == table
            ):
                return Declaration(path, node)
    raise LookupError(f"no declaration of table {table}")


def index_line(paths: list[Path], table: str, index: str) -> tuple[Path, int]:
    """An ``Index("name", ...)`` call, or for ``ix_<table>_<column>`` the column with
    ``index=True`` (SQLAlchemy's default name)."""
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, "Index"):
            if _first_string(call) == index:
                return path, call.lineno
    prefix = f"ix_{table}_"
    if index.startswith(prefix):
        declaration = find_table(paths, table)
        return declaration.path, declaration.column_line(index.removeprefix(prefix))
    raise LookupError(f"no declaration of index {index}")
