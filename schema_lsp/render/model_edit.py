"""The other direction: the edit to a model's source that makes the entity match the
database (the editor's quick fix "update the model to match the database").

Edits are small and local: the type argument, the ``nullable=`` keyword or the
``Optional``/``| None`` of the annotation, the ``server_default=`` keyword, the
``ondelete=``/``onupdate=`` of a ``ForeignKey``, one attribute statement added or removed.
Everything around them is left as the user wrote it. New names are written the way the file
already imports them (``sa.String`` after ``import sqlalchemy as sa``); a name the file
does not import yet gets an import line after the file's last top-level import.

Covered kinds: ``type`` (the annotation's Python type follows), ``nullable``,
``server_default``, ``column_missing`` (the attribute is removed, never from a mixin other
entities share), ``column_unmapped`` (an attribute is added after the class's last column,
as ``Mapped``/``mapped_column`` or as ``Column`` like its neighbours) and
``foreign_key_changed`` when only the referential actions differ. Anything else gives None:
indexes, constraints and tables are better fixed by the migration, imperative ``Table(...)``
and SQLModel fields are only partly covered, and an edit this module cannot place exactly
is never guessed.

``model_edit`` returns a ``ModelEdit`` (a title and the ``TextEdit`` values to apply together:
the change itself and, when needed, an import line) rather than a single ``TextEdit``, so a
type whose name the file does not import yet still gives code that runs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..diff import SchemaDifference
from ..entities.model import SourceRange
from ..schema import ColumnSchema, ForeignKeySchema, TableSchema
from .entity import EntityRenderer
from .names import attribute_name
from .python_types import python_type
from .source import Import, as_node, string

#: Calls that declare a column, by the name they are written with (last dotted part).
_COLUMN_CALLS = frozenset({"mapped_column", "Column", "Field"})
#: Positional arguments of a column call that are schema items, not its type.
_SCHEMA_ITEMS = frozenset(
    {"ForeignKey", "Sequence", "Identity", "Computed", "FetchedValue", "DefaultClause"}
)


@dataclass(frozen=True)
class TextEdit:
    """Replace ``range`` (0-based lines, code-point columns) with ``new_text``."""

    range: SourceRange
    new_text: str


@dataclass(frozen=True)
class ModelEdit:
    """A quick fix: what it does, and the edits to one file (applied together)."""

    title: str
    edits: tuple[TextEdit, ...]


def model_edit(difference: SchemaDifference, source_text: str, dialect: str) -> ModelEdit | None:
    """The edit that makes the model declare what the database has, or None when this
    kind is not covered or the declaration cannot be found exactly. ``source_text`` is the
    file at ``difference.range.path``; ``dialect`` is the database's (it decides which
    SQLAlchemy type reproduces the database's type)."""
    if difference.range is None:
        return None
    try:
        tree = ast.parse(source_text)
    except SyntaxError:
        return None
    handler = _FIXES.get(difference.kind)
    if handler is None:
        return None
    return handler(_Editor(difference, source_text, tree, dialect))


def apply_edits(source_text: str, edits: Iterable[TextEdit]) -> str:
    """The text after the edits (non-overlapping; applied from the end so earlier
    positions stay valid)."""
    lines = _lines(source_text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(line: int, column: int) -> int:
        if line >= len(lines):
            return len(source_text)
        return offsets[line] + column

    text = source_text
    ordered = sorted(edits, key=lambda e: (e.range.start_line, e.range.start_column), reverse=True)
    for edit in ordered:
        start = offset(edit.range.start_line, edit.range.start_column)
        end = offset(edit.range.end_line, edit.range.end_column)
        text = text[:start] + edit.new_text + text[end:]
    return text


class _Editor:
    """Finds the declaration a difference points at and builds the edit."""

    def __init__(
        self, difference: SchemaDifference, source: str, tree: ast.Module, dialect: str
    ) -> None:
        self.difference = difference
        self.source = source
        self.lines = _lines(source)
        self.tree = tree
        self.where = difference.range
        assert self.where is not None
        self.path = self.where.path
        #: The database's table: added columns and foreign keys are rendered from it.
        self.table: TableSchema | None = difference.actual_table
        self.renderer = EntityRenderer(dialect)

    # -- positions -----------------------------------------------------------------------

    def position(self, lineno: int, col_offset: int) -> tuple[int, int]:
        """ast's (1-based line, UTF-8 byte column) as (0-based line, code-point column)."""
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        return lineno - 1, len(line.encode()[:col_offset].decode(errors="ignore"))

    def span(self, node: ast.AST) -> SourceRange:
        start = self.position(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.position(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return SourceRange(self.path, start[0], start[1], end[0], end[1])

    def at(self, line: int, column: int) -> SourceRange:
        return SourceRange(self.path, line, column, line, column)

    def edit(self, node: ast.AST, text: str) -> TextEdit:
        return TextEdit(self.span(node), text)

    # -- finding declarations -------------------------------------------------------------

    def statement(self) -> ast.AnnAssign | ast.Assign | None:
        """The attribute statement whose target starts where the difference points."""
        assert self.where is not None
        for node in ast.walk(self.tree):
            if isinstance(node, ast.AnnAssign):
                targets: list[ast.expr] = [node.target]
            elif isinstance(node, ast.Assign):
                targets = node.targets
            else:
                continue
            for target in targets:
                line, column = self.position(target.lineno, target.col_offset)
                if (line, column) == (self.where.start_line, self.where.start_column):
                    return node
        return None

    def column_call(self, statement: ast.AnnAssign | ast.Assign) -> ast.Call | None:
        value = statement.value
        if isinstance(value, ast.Call) and _called_name(value) in _COLUMN_CALLS:
            return value
        return None

    def call_at(self, where: SourceRange) -> ast.Call | None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and self.span(node) == where:
                return node
        return None

    def class_at(self, where: SourceRange) -> ast.ClassDef | None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ClassDef) and node.lineno - 1 == where.start_line:
                return node
        return None

    def in_own_class(self, statement: ast.stmt) -> bool:
        """The statement is in the class that names the table (not in a mixin or base
        other entities share: removing it there would change them too)."""
        table = self.difference.declared_table
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ClassDef) and statement in node.body:
                return table is not None and any(
                    isinstance(item, (ast.Assign, ast.AnnAssign))
                    and _assigned_names(item) == ["__tablename__"]
                    and _literal(item.value) == table.name  # type: ignore[arg-type]
                    for item in node.body
                )
        return False

    # -- names and imports ------------------------------------------------------------------

    def references(self, text: str, imports: Iterable[Import]) -> tuple[str, list[TextEdit]]:
        """``text`` with each imported name written the way this file imports it, plus
        the import lines the file still lacks."""
        added: list[str] = []
        for item in sorted(set(imports)):
            local = _local_name(self.tree, item)
            if local is None:
                if item.name is None:
                    added.append(f"import {item.module}")
                else:
                    added.append(f"from {item.module} import {item.name}")
                continue
            if local != item.bound_name:
                text = re.sub(rf"(?<![\w.'\"]){re.escape(item.bound_name)}\b", local, text)
        edits: list[TextEdit] = []
        if added:
            line = _after_imports(self.tree)
            edits.append(TextEdit(self.at(line, 0), "".join(f"{a}\n" for a in added)))
        return text, edits

    def fixed(
        self, title: str, edit: TextEdit | Sequence[TextEdit], imports: Iterable[Import] = ()
    ) -> ModelEdit:
        """The fix with its names written the file's way and the imports it lacks."""
        edits = [edit] if isinstance(edit, TextEdit) else list(edit)
        imports = set(imports)
        written = []
        import_edits: list[TextEdit] = []
        for one in edits:
            text, import_edits = self.references(one.new_text, imports)
            written.append(TextEdit(one.range, text))
        return ModelEdit(title, (*import_edits, *written))

    # -- kinds ------------------------------------------------------------------------------

    def fix_type(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema):
            return None
        statement = self.statement()
        call = self.column_call(statement) if statement is not None else None
        if statement is None or call is None:
            return None
        self.renderer.imports = set()
        source = self.renderer.column_type(actual)
        text = as_node(source.expression).flat()
        title = f"Change the type of {actual.name} to {text} (as in the database)"
        existing = _type_argument(call)
        edits: list[TextEdit] = []
        if existing is not None:
            edits.append(self.edit(existing, text))
        elif _called_name(call) == "Field":
            return None  # SQLModel's Field takes its default first: no type to replace
        else:
            # No type argument (the annotation implies it): write one after the name.
            first = call.args[0] if call.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                end = self.span(first)
                edits.append(TextEdit(self.at(end.end_line, end.end_column), f", {text}"))
            else:
                start = self.position(call.func.end_lineno or 0, call.func.end_col_offset or 0)
                separator = ", " if call.args or call.keywords else ""
                edits.append(TextEdit(self.at(start[0], start[1] + 1), f"{text}{separator}"))
        annotation = self.python_type_edit(statement, call, source.type)
        if annotation is not None:
            edits.append(annotation)
        return self.fixed(title, edits, self.renderer.imports)

    def python_type_edit(
        self, statement: ast.AnnAssign | ast.Assign, call: ast.Call, new_type: Any
    ) -> TextEdit | None:
        """The annotation's Python type, when the new column type's values are of another
        Python type (``Mapped[Decimal]`` to ``Mapped[str]``); ``Optional`` is kept."""
        declared = self.difference.declared
        inner = _value_annotation(statement, call)
        if inner is None or not isinstance(declared, ColumnSchema):
            return None
        old = python_type(declared.sa_type.build())
        new = python_type(new_type)
        if old.annotation == new.annotation:
            return None
        self.renderer.imports.update(new.imports)
        target = _unwrap_optional(inner) or inner
        return self.edit(target, new.annotation)

    def fix_nullable(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema):
            return None
        statement = self.statement()
        call = self.column_call(statement) if statement is not None else None
        if statement is None or call is None:
            return None
        wanted = actual.nullable
        title = f"Make {actual.name} {'nullable' if wanted else 'NOT NULL'} (as in the database)"
        keyword = _keyword(call, "nullable")
        if keyword is not None:
            return self.fixed(title, self.edit(keyword.value, repr(wanted)))
        annotated = _value_annotation(statement, call)
        if annotated is not None:
            return self.nullable_annotation(title, annotated, wanted)
        return self.fixed(title, self.insert_keyword(call, "nullable", repr(wanted)))

    def nullable_annotation(self, title: str, inner: ast.expr, wanted: bool) -> ModelEdit | None:
        """``Mapped[X]`` <-> ``Mapped[X | None]`` (or ``Optional[X]`` where the file uses
        ``Optional``)."""
        unwrapped = _unwrap_optional(inner)
        if not wanted:
            if unwrapped is None:
                return None
            return self.fixed(title, self.edit(inner, self.text_of(unwrapped)))
        if unwrapped is not None:
            return None
        text = self.text_of(inner)
        optional = _local_name(self.tree, Import("typing", "Optional"))
        if optional is not None and f"{optional}[" in self.source:
            return self.fixed(title, self.edit(inner, f"{optional}[{text}]"))
        return self.fixed(title, self.edit(inner, f"{text} | None"))

    def fix_server_default(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema) or self.table is None:
            return None
        statement = self.statement()
        call = self.column_call(statement) if statement is not None else None
        if call is None or _called_name(call) == "Field":
            return None  # SQLModel passes it through sa_column_kwargs: not edited here
        keyword = _keyword(call, "server_default")
        self.renderer.imports = set()
        value = self.renderer.server_default(self.table, actual) if actual.default else None
        if value is None:
            if keyword is None:
                return None
            title = f"Remove the server default of {actual.name} (the database has none)"
            return self.fixed(title, self.remove_argument(call, keyword))
        text = as_node(value).flat()
        title = f"Set the server default of {actual.name} to {text} (as in the database)"
        if keyword is not None:
            return self.fixed(title, self.edit(keyword.value, text), self.renderer.imports)
        edit = self.insert_keyword(call, "server_default", text)
        return self.fixed(title, edit, self.renderer.imports)

    def fix_foreign_key_changed(self) -> ModelEdit | None:
        declared, actual = self.difference.declared, self.difference.actual
        if not isinstance(declared, ForeignKeySchema) or not isinstance(actual, ForeignKeySchema):
            return None
        if (declared.referred_table, declared.referred_columns) != (
            actual.referred_table,
            actual.referred_columns,
        ):
            return None  # a different target: the model's intent, not a detail to copy
        assert self.where is not None
        call = self.call_at(self.where)
        if call is None or _called_name(call) not in ("ForeignKey", "ForeignKeyConstraint"):
            return None
        edits: list[TextEdit] = []
        for name, value in (("ondelete", actual.on_delete), ("onupdate", actual.on_update)):
            keyword = _keyword(call, name)
            current = _literal(keyword.value) if keyword is not None else None
            if (current or "NO ACTION").upper() == (value or "NO ACTION").upper():
                continue
            if value is None or value.upper() == "NO ACTION":
                if keyword is not None:
                    edits.append(self.remove_argument(call, keyword))
            elif keyword is not None:
                edits.append(self.edit(keyword.value, string(value)))
            else:
                edits.append(self.insert_keyword(call, name, string(value)))
        if not edits:
            return None
        actions = f"ON DELETE {actual.on_delete or 'NO ACTION'}"
        if actual.on_update:
            actions += f", ON UPDATE {actual.on_update}"
        return ModelEdit(f"Set the foreign key's {actions} (as in the database)", tuple(edits))

    def fix_column_missing(self) -> ModelEdit | None:
        """The database has no such column: remove the attribute from the model."""
        statement = self.statement()
        if statement is None or (
            self.column_call(statement) is None and not isinstance(statement, ast.AnnAssign)
        ):
            return None
        if _shares_lines(self.tree, statement) or not self.in_own_class(statement):
            return None
        column = self.difference.column
        end_line = statement.end_lineno or statement.lineno
        edit = TextEdit(SourceRange(self.path, statement.lineno - 1, 0, end_line, 0), "")
        return ModelEdit(
            f"Remove {column} from the model (the database has no such column)", (edit,)
        )

    def fix_column_unmapped(self) -> ModelEdit | None:
        """The database has a column the model lacks: add an attribute after the class's
        last column, written as the entity generator writes one."""
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema) or self.table is None:
            return None
        assert self.where is not None
        klass = self.class_at(self.where)
        if klass is None:
            return None
        columns = [
            node
            for node in klass.body
            if isinstance(node, (ast.AnnAssign, ast.Assign))
            and (
                (node.value is not None and self.column_call(node) is not None)
                or (isinstance(node, ast.AnnAssign) and _mapped_argument(node) is not None)
            )
        ]
        if not columns or any(
            (call := self.column_call(node)) is not None and _called_name(call) == "Field"
            for node in columns
        ):
            return None  # a SQLModel class: its fields are not written like mapped columns
        last = columns[-1]
        taken = {
            target.id
            for node in klass.body
            if isinstance(node, (ast.AnnAssign, ast.Assign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        attribute = attribute_name(actual.name)
        while attribute in taken:
            attribute += "_"
        legacy = all(isinstance(node, ast.Assign) for node in columns)
        self.renderer.imports = set()
        if legacy:
            source_type = self.renderer.column_type(actual)
            arguments = self.renderer.column_arguments(self.table, actual, source_type, False)
            from .source import Call

            function = self.renderer.use("sqlalchemy", "Column")
            items = ([string(actual.name)] if attribute != actual.name else []) + arguments
            lines = Call(function, *items).lines(0, f"{attribute} = ")
        else:
            lines = self.renderer.render_column(self.table, actual, attribute)
            lines = [line.removeprefix("    ") for line in lines]
            optional = _local_name(self.tree, Import("typing", "Optional"))
            if optional is not None and f"{optional}[" in self.source:
                # The file spells nullable columns Optional[...]: so does the new one.
                lines[0] = re.sub(
                    r"^(\w+): Mapped\[(.*?) \| None\] = ",
                    rf"\1: Mapped[{optional}[\2]] = ",
                    lines[0],
                )
        indent = " " * last.col_offset
        text = "".join(f"{indent}{line}\n" for line in lines)
        end_line = last.end_lineno or last.lineno
        edit = TextEdit(self.at(end_line, 0), text)
        title = f"Add {actual.name} to the model (as in the database)"
        return self.fixed(title, edit, self.renderer.imports)

    # -- small edits ------------------------------------------------------------------------

    def text_of(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.source, node)
        return segment if segment is not None else ast.unparse(node)

    def insert_keyword(self, call: ast.Call, name: str, value: str) -> TextEdit:
        """``name=value`` after the call's last argument (before a trailing comma)."""
        arguments: Sequence[ast.AST] = [*call.args, *call.keywords]
        if not arguments:
            line, column = self.position(call.end_lineno or 0, (call.end_col_offset or 1) - 1)
            return TextEdit(self.at(line, column), f"{name}={value}")
        last = max(arguments, key=lambda node: (node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]
        end = self.span(last)
        return TextEdit(self.at(end.end_line, end.end_column), f", {name}={value}")

    def remove_argument(self, call: ast.Call, argument: ast.AST) -> TextEdit:
        """Remove one argument with the separator before it (or after it, if first)."""
        arguments = sorted(
            [*call.args, *call.keywords],
            key=lambda node: (node.lineno, node.col_offset),  # type: ignore[attr-defined]
        )
        position = arguments.index(argument)  # type: ignore[arg-type]
        here = self.span(argument)
        if position > 0:
            before = self.span(arguments[position - 1])
            return TextEdit(
                SourceRange(
                    self.path, before.end_line, before.end_column, here.end_line, here.end_column
                ),
                "",
            )
        if len(arguments) > 1:
            after = self.span(arguments[1])
            return TextEdit(
                SourceRange(
                    self.path,
                    here.start_line,
                    here.start_column,
                    after.start_line,
                    after.start_column,
                ),
                "",
            )
        return TextEdit(here, "")


_FIXES: dict[str, Callable[[_Editor], ModelEdit | None]] = {
    "type": _Editor.fix_type,
    "nullable": _Editor.fix_nullable,
    "server_default": _Editor.fix_server_default,
    "foreign_key_changed": _Editor.fix_foreign_key_changed,
    "column_missing": _Editor.fix_column_missing,
    "column_unmapped": _Editor.fix_column_unmapped,
}


def _lines(text: str) -> list[str]:
    """Lines as Python and the language server count them: ``\\n``, ``\\r\\n`` or ``\\r``
    ends a line (``str.splitlines`` would also split at form feeds and the like)."""
    return [line for line in re.split(r"(?<=\n)|(?<=\r)(?!\n)", text) if line]


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def _type_argument(call: ast.Call) -> ast.expr | None:
    """The positional argument that is the column's type (not its name or a schema item)."""
    for argument in call.args:
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            continue
        if isinstance(argument, ast.Call) and _called_name(argument) in _SCHEMA_ITEMS:
            continue
        return argument
    keyword = _keyword(call, "type_") or _keyword(call, "sa_type")
    return keyword.value if keyword is not None else None


def _mapped_argument(statement: ast.AnnAssign | ast.Assign) -> ast.expr | None:
    """``X`` of a ``Mapped[X]`` annotation."""
    if not isinstance(statement, ast.AnnAssign):
        return None
    annotation = statement.annotation
    if isinstance(annotation, ast.Subscript):
        value = annotation.value
        name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
        if name == "Mapped":
            return annotation.slice
    return None


def _value_annotation(statement: ast.AnnAssign | ast.Assign, call: ast.Call) -> ast.expr | None:
    """The annotation that states the values' Python type: ``X`` of ``Mapped[X]``, or a
    SQLModel field's whole annotation."""
    mapped = _mapped_argument(statement)
    if mapped is not None:
        return mapped
    if isinstance(statement, ast.AnnAssign) and _called_name(call) == "Field":
        return statement.annotation
    return None


def _unwrap_optional(node: ast.expr) -> ast.expr | None:
    """``X`` of ``Optional[X]``, ``X | None`` or ``None | X``; None if not optional."""
    if isinstance(node, ast.Subscript):
        value = node.value
        name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
        if name == "Optional":
            return node.slice
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        for this, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(other, ast.Constant) and other.value is None:
                return this
    return None


def _assigned_names(statement: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return [target.id for target in targets if isinstance(target, ast.Name)]


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _local_name(tree: ast.Module, item: Import) -> str | None:
    """How the file names an import's object, or None if it does not import it."""
    import importlib

    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == item.module and item.name:
            for alias in node.names:
                if alias.name == item.name:
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


def _after_imports(tree: ast.Module) -> int:
    """The 0-based line after the file's last top-level import (after a docstring or at
    the top when there is none)."""
    last = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            last = node.end_lineno or node.lineno
    return last


def _shares_lines(tree: ast.Module, statement: ast.stmt) -> bool:
    """Another statement on the same lines (``a = 1; b = 2``): whole-line removal would
    take it too."""
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.stmt)
            and node is not statement
            and not isinstance(
                node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)
            )
        ):
            node_last = node.end_lineno or node.lineno
            if (
                node.lineno <= last
                and node_last >= first
                and not (node.lineno < first and node_last > last)
            ):
                return True
    return False
