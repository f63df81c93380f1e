"""The editor every fixer builds on: it finds the declaration a difference points at
(the attribute statement, the column call, the ``Table(...)`` or ``__table_args__`` site,
the owning class, whether a mixin shares it), writes names the way the file imports them,
and places items in calls and containers (on ``source_edit.SourceEditor``)."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ...dialects import rules_for
from ...diff import SchemaDifference
from ...entities.model import TABLE_ARGS
from ...entities.source import ParsedFile
from ...naming import (
    NamingError,
    NamingTarget,
    convention_name,
)
from ...schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ForeignKeySchema,
    IndexSchema,
    TableSchema,
    UniqueConstraintSchema,
)
from ...text import SourceRange, TextEdit
from ..entity import CodeStyle, EntityRenderer
from ..imports_in_file import local_name
from ..python_types import python_type
from ..source import (
    INDENT,
    Expr,
    Import,
    Node,
    Pair,
    Tuple,
    as_node,
    is_identifier,
    line_length,
    string,
)
from ..source_edit import (
    SourceEditor,
    block_lines,
    call_arguments,
    keyword_named,
)

_Object = TypeVar("_Object", IndexSchema, UniqueConstraintSchema, ForeignKeySchema)
#: Calls that declare a column, by the name they are written with (last dotted part).
_COLUMN_CALLS = frozenset({"mapped_column", "Column", "Field"})
#: Positional arguments of a column call that are schema items, not its type.
_SCHEMA_ITEMS = frozenset(
    {"ForeignKey", "Sequence", "Identity", "Computed", "FetchedValue", "DefaultClause"}
)


@dataclass(frozen=True)
class ModelEdit:
    """A quick fix: what it does, and the edits to one file (applied together)."""

    title: str
    edits: tuple[TextEdit, ...]


class ModelEditor(SourceEditor):
    """Finds the declaration a difference points at and builds the edit; the fixers of
    each kind (``columns.py``, ``indexes.py``, ``foreign_keys.py``, ``table_options.py``)
    extend it."""

    def __init__(
        self, difference: SchemaDifference, source: str, parsed: ParsedFile, dialect: str
    ) -> None:
        self.difference = difference
        self.where = difference.range
        assert self.where is not None
        super().__init__(source, parsed.tree, self.where.path, parsed.runtime_imports)
        #: the parser's reading of the file: its names (``original_name``) and imports
        self.parsed = parsed
        #: The database's table: added columns and foreign keys are rendered from it.
        self.table: TableSchema | None = difference.actual_table
        optional = local_name(self.bindings, Import("typing", "Optional"))
        written = optional is not None and f"{optional}[" in source
        #: renders what a fix adds, written as the file writes it
        self.renderer = EntityRenderer(dialect, style=CodeStyle(optional if written else None))

    def column_call(self, statement: ast.AnnAssign | ast.Assign) -> ast.Call | None:
        """The statement's value when it is a column call by name (a neighbour whose
        style a new column follows; what the parser read is ``column_site``)."""
        value = statement.value
        if isinstance(value, ast.Call) and self.called(value) in _COLUMN_CALLS:
            return value
        return None

    def column_site(self) -> tuple[ast.AnnAssign | ast.Assign | None, ast.Call | None]:
        """The column the difference points at, where the parser recorded it: its
        attribute statement (None for a ``Column("name", ...)`` inside ``Table(...)``)
        and the call its keywords go to (SQLModel's ``sa_column=Column(...)`` when a
        field has one; None when a helper or an annotation alone makes the column)."""
        key = self._column_key_at(self.where)
        if key is None:
            return None, None
        statement = self.node_at(self._recorded(f"{key}.statement"), (ast.AnnAssign, ast.Assign))
        if not isinstance(statement, (ast.AnnAssign, ast.Assign)):
            statement = None
        return statement, self.recorded_column(key.removeprefix("column:"))

    def recorded_column(self, name: str) -> ast.Call | None:
        """The call declaring column ``name`` of the difference's table, as recorded."""
        call = self.node_at(self._recorded(f"column:{name}.call"), (ast.Call,))
        return call if isinstance(call, ast.Call) else None

    def _recorded(self, key: str) -> SourceRange | None:
        entity = self.difference.entity
        return entity.recorded(key) if entity is not None else None

    def _column_key_at(self, where: SourceRange | None) -> str | None:
        """The object key of the column the parser recorded at ``where``."""
        entity = self.difference.entity
        if entity is None or where is None:
            return None
        name = self.difference.column
        if name is not None and entity.recorded(f"column:{name}") == where:
            return f"column:{name}"
        for column in entity.table.columns:
            if entity.recorded(f"column:{column.name}") == where:
                return f"column:{column.name}"
        return None

    def own_class(self, klass: ast.ClassDef) -> bool:
        """``klass`` maps the difference's table, as the parser found: the entity's class
        or a single-table subclass of it (not a mixin or a base other entities share).
        Unknown without the entity: never assumed."""
        entity = self.difference.entity
        return entity is not None and self.span(klass) in entity.classes

    def in_own_class(self, statement: ast.stmt) -> bool:
        """The statement is written directly in a class that maps the table."""
        parent = self.parent(statement)
        return isinstance(parent, ast.ClassDef) and self.own_class(parent)

    def shared(self, node: ast.AST) -> bool:
        """``node`` is written in a class other than the entity's own (a mixin or a base)
        and editing it there would be wrong for another table that class makes: one
        without this same difference (``SchemaDifference.sharers_alike``). The one rule
        for every fixer; ``model_edit`` applies it to every edit as well."""
        child: ast.AST | None = node
        parent = self.parent(node)
        while parent is not None and not isinstance(parent, ast.ClassDef):
            child, parent = parent, self.parent(parent)
        elsewhere = (
            isinstance(child, ast.stmt)
            and isinstance(parent, ast.ClassDef)
            and not self.own_class(parent)
        )
        return elsewhere and not self.alike_everywhere()

    def alike_everywhere(self) -> bool:
        """Every other table the difference's code makes has the same difference (or
        none does): a fix there is right for all of them. Unknown without the entity."""
        difference = self.difference
        if difference.entity is None:
            return False
        return not difference.sharers or difference.sharers_alike

    def called(self, node: ast.AST | None) -> str:
        """The called name as SQLAlchemy spells it (``C`` of ``from sqlalchemy import
        Column as C`` is ``Column``, by the parser's reading of the file's names); ""
        for what is not a call."""
        if not isinstance(node, ast.Call):
            return ""
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr
        return self.parsed.original_name(func.id) if isinstance(func, ast.Name) else ""

    def type_argument(self, call: ast.Call) -> ast.expr | None:
        """The argument that is the column's type (not its name or a schema item)."""
        for argument in call.args:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                continue
            if self.called(argument) in _SCHEMA_ITEMS:
                continue
            return argument
        keyword = keyword_named(call, "type_") or keyword_named(call, "sa_type")
        return keyword.value if keyword is not None else None

    def value_annotation(
        self, statement: ast.AnnAssign | ast.Assign, call: ast.Call | None
    ) -> ast.expr | None:
        """The annotation that states the values' Python type: ``X`` of ``Mapped[X]``, or
        a SQLModel field's whole annotation."""
        mapped = _mapped_argument(statement)
        if mapped is not None:
            return mapped
        if isinstance(statement, ast.AnnAssign) and self.called(call) == "Field":
            return statement.annotation
        return None

    def fixed(self, title: str, edit: TextEdit | Sequence[TextEdit]) -> ModelEdit:
        """The fix with its names written the file's way and the imports it lacks: those
        of what this editor rendered (one editor, and one renderer, per fix)."""
        edits = [edit] if isinstance(edit, TextEdit) else list(edit)
        imports = set(self.renderer.imports)
        written = []
        import_edits: list[TextEdit] = []
        for one in edits:
            text, import_edits = self.references(one.new_text, imports)
            written.append(TextEdit(one.range, text))
        return ModelEdit(title, (*import_edits, *written))

    def bare(
        self, statement: ast.AnnAssign | ast.Assign | None, arguments: str | None = None
    ) -> TextEdit | None:
        """For an annotation-only column (``age: Mapped[int]``): the edit that gives it
        ``= mapped_column(arguments)`` (None: not such a column; no arguments: only asks)."""
        if (
            not isinstance(statement, ast.AnnAssign)
            or statement.value is not None
            or _mapped_argument(statement) is None
            or self.shared(statement)
        ):
            return None
        function = self.renderer.use("sqlalchemy.orm", "mapped_column")
        end = self.span(statement.annotation)
        return TextEdit(self.at(end.end_line, end.end_column), f" = {function}({arguments or ''})")

    def python_type_edit(
        self, statement: ast.AnnAssign | ast.Assign, call: ast.Call | None, new_type: Any
    ) -> TextEdit | None:
        """The annotation's Python type, when the new column type's values are of another
        Python type (``Mapped[Decimal]`` to ``Mapped[str]``); ``Optional`` is kept."""
        declared = self.difference.declared
        inner = self.value_annotation(statement, call)
        if inner is None or not isinstance(declared, ColumnSchema):
            return None
        old = python_type(declared.sa_type.build())
        new = python_type(new_type)
        if old.annotation == new.annotation:
            return None
        self.renderer.imports.update(new.imports)
        target = _unwrap_optional(inner) or inner
        return self.edit(target, new.annotation)

    def unmapped_object(
        self, kind: type[_Object]
    ) -> tuple[_Object, TableSchema, _TableSite] | None:
        """For an index, unique constraint or foreign key only the database has: it, its
        table, and where the model declares the table's items; None when one of its
        columns is missing from the model too (that column comes first: column_unmapped)."""
        actual, table = self.difference.actual, self.table
        if not isinstance(actual, kind) or table is None:
            return None
        site = self.table_site()
        declared = self.difference.declared_table
        if site is None or declared is None:
            return None
        if not all(c in declared.column_names for c in actual.columns):
            return None
        return actual, table, site

    def table_site(self) -> _TableSite | None:
        """The table the difference is on, where the parser found it: the entity's class
        that holds the difference's place (its ``__table__ = Table(...)`` if it has one),
        or the ``Table(...)`` call whose name literal the entity's range is."""
        entity = self.difference.entity
        where = self.where
        if entity is None or where is None:
            return None
        for span in entity.classes:
            klass = self.node_at(span, (ast.ClassDef,))
            if not isinstance(klass, ast.ClassDef) or not _within(where, span):
                continue
            for statement in klass.body:
                if (
                    isinstance(statement, ast.Assign)
                    and _assigned_names(statement) == ["__table__"]
                    and isinstance(statement.value, ast.Call)
                ):
                    return _TableSite(None, statement.value)  # ``__table__ = Table(...)``
            return _TableSite(klass, None)
        name = self.node_at(entity.range, (ast.expr,))
        call = self.parent(name) if name is not None else None
        if where == entity.range and isinstance(call, ast.Call) and call.args[:1] == [name]:
            return _TableSite(None, call)
        return None

    def site_column(self, site: _TableSite, name: str) -> ast.Call | None:
        """The call declaring column ``name`` in the table's own declaration (the call its
        keywords go to), as the parser recorded it; None when it is written elsewhere (a
        mixin, a helper)."""
        call = self.recorded_column(name)
        holder = site.klass if site.klass is not None else site.call
        if call is None or holder is None:
            return None
        inside, outer = self.span(call), self.span(holder)
        start, end = (inside.start_line, inside.start_column), (inside.end_line, inside.end_column)
        first, last = (outer.start_line, outer.start_column), (outer.end_line, outer.end_column)
        return call if first <= start and end <= last else None

    def table_args(self, klass: ast.ClassDef) -> ast.Assign | ast.AnnAssign | None:
        """The class's own ``__table_args__ = ...``, when that is where the parser found
        the table's arguments."""
        node = self.node_at(self._recorded(TABLE_ARGS), (ast.Assign, ast.AnnAssign))
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and self.parent(node) is klass:
            return node
        return None

    def table_args_elsewhere(self, klass: ast.ClassDef) -> bool:
        """The table's arguments come from where a new ``__table_args__`` in ``klass``
        would hide them or be hidden: a mixin or base (in any module), or a method that
        computes them; unknown without the entity, so never assumed absent."""
        if self.difference.entity is None:
            return True
        return self._recorded(TABLE_ARGS) is not None and self.table_args(klass) is None

    def add_table_item(self, site: _TableSite, item: Expr) -> list[TextEdit] | None:
        """``item`` (an ``Index(...)``, a constraint) added to the table: one more argument
        of ``Table(...)``, or one more ``__table_args__`` element (before its options dict;
        a dict alone becomes ``(item, {...})``; no ``__table_args__`` gets one)."""
        if site.call is not None:
            return self.insert_element(site.call, list(site.call.args), item)
        assert site.klass is not None
        statement = self.table_args(site.klass)
        if statement is None:
            if self.table_args_elsewhere(site.klass):
                return None  # a new __table_args__ would hide the inherited one, or be
                # hidden by the class's own ``def __table_args__`` (a declared_attr)
            return [self.new_class_attribute(site.klass, "__table_args__", Tuple([item]))]
        value = statement.value
        if isinstance(value, (ast.Tuple, ast.List)):
            elements = list(value.elts)
            if elements and isinstance(elements[-1], ast.Dict):
                return self.insert_element(value, elements, item, before=elements[-1])
            return self.insert_element(value, elements, item)
        if isinstance(value, ast.Dict):
            options = self.text_of(value)
            indent = " " * statement.col_offset
            one = f"({as_node(item).flat()}, {options})"
            width = len(indent) + len("__table_args__ = ") + len(one)
            if "\n" not in options and width <= line_length():
                return [self.edit(value, one)]
            lines = ["("]
            lines += block_lines(item, indent + INDENT, suffix=",")
            options_lines = options.split("\n")
            lines.append(f"{indent}{INDENT}{options_lines[0]}")
            lines += [f"{INDENT}{line}" for line in options_lines[1:]]
            lines[-1] += ","
            lines.append(f"{indent})")
            return [self.edit(value, "\n".join(lines))]
        return None  # computed: not edited

    def new_class_attribute(self, klass: ast.ClassDef, name: str, value: Node) -> TextEdit:
        """``name = value`` after ``__tablename__`` (or first in the class body)."""
        body = klass.body
        anchor: ast.stmt | None = None
        for node in body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and _assigned_names(node) == [
                "__tablename__"
            ]:
                anchor = node
        first = body[0]
        indent = " " * first.col_offset
        text = "".join(f"{line}\n" for line in block_lines(value, indent, f"{name} = "))
        if anchor is not None:
            return TextEdit(self.at(anchor.end_lineno or anchor.lineno, 0), text)
        docstring = (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        )
        if docstring and len(body) > 1:
            return TextEdit(self.at(first.end_lineno or first.lineno, 0), text)
        return TextEdit(self.at(first.lineno - 1, 0), text)

    def remove_item(self, node: ast.expr) -> TextEdit | None:
        """Remove a table item wherever it is written: an argument of ``Table(...)`` or
        of a column call, an element of ``__table_args__`` (the statement goes when
        nothing is left), or a statement of its own (``Index("ix", t.c.a)``)."""
        parent = self.parent(node)
        if isinstance(parent, ast.Call) and node in parent.args:
            return self.remove_element(call_arguments(parent), node)
        if isinstance(parent, (ast.Tuple, ast.List)):
            statement = self.parent(parent)
            if not (
                isinstance(statement, (ast.Assign, ast.AnnAssign))
                and _assigned_names(statement) == ["__table_args__"]
            ):
                return None
            rest = [e for e in parent.elts if e is not node]
            if not rest:
                return self.remove_statement(statement)
            if len(rest) == 1 and isinstance(rest[0], ast.Dict):
                return self.edit(parent, self.text_of(rest[0]))
            if len(rest) == 1 and isinstance(parent, ast.Tuple):
                # One element left: it needs its comma to stay a tuple.
                kept = self.span(rest[0])
                closing = self.span(parent)
                after = self.text_between(
                    self.stretch(
                        kept.end_line, kept.end_column, closing.end_line, closing.end_column
                    )
                )
                if parent.lineno == parent.end_lineno or "," not in after.split("#")[0]:
                    return self.edit(parent, f"({self.text_of(rest[0])},)")
            return self.remove_element(list(parent.elts), node)
        if isinstance(parent, ast.Expr):
            return self.remove_statement(parent)
        return None

    def column_option(self, call: ast.Call, name: str, value: str | None) -> list[TextEdit]:
        """A column keyword (``server_default``, ``comment``): on a SQLModel ``Field`` it
        lives in ``sa_column_kwargs={...}``."""
        if self.called(call) != "Field":
            return self.set_keyword(call, name, value)
        keyword = keyword_named(call, "sa_column_kwargs")
        if keyword is None:
            if value is None:
                return []
            return self.set_keyword(call, "sa_column_kwargs", f"{{{string(name)}: {value}}}")
        options = keyword.value
        if not isinstance(options, ast.Dict) or None in options.keys:
            return []
        for key, item in zip(options.keys, options.values, strict=True):
            if _literal(key) == name:
                if value is None:
                    if len(options.keys) == 1:
                        return [self.remove_argument(call, keyword)]
                    pairs = self.pair_spans(options)
                    return self.remove_spans(pairs, [pairs[options.values.index(item)]])
                return [self.edit(item, value)]
        if value is None:
            return []
        pair = f"{string(name)}: {value}"
        if not options.keys:
            return [self.edit(options, f"{{{pair}}}")]
        return self.insert_element(options, options.values, Pair(string(name), value))

    def flags(self, call: ast.Call, wanted: Mapping[str, bool]) -> list[TextEdit]:
        """``index=True``/``unique=True`` set or removed."""
        changes: dict[str, str | None] = {}
        for name, on in wanted.items():
            keyword = keyword_named(call, name)
            if (keyword is not None and _constant(keyword.value) is True) != on:
                changes[name] = "True" if on else None
        return self.set_keywords(call, changes)

    def convention(self) -> Mapping[str, Any] | None:
        """The naming convention of the table's ``MetaData``, as the parser resolved it
        (a base imported from another module included): the one the diagnostic used.
        None without the entity (names are then written out)."""
        entity = self.difference.entity
        return entity.convention if entity is not None else None

    def flag_name(self, kind: str, table: TableSchema, column: str) -> tuple[bool, str | None]:
        """(known, name) a column flag (``index=True``: ix, ``unique=True``: uq) gives."""
        convention = self.convention()
        if convention is None:
            return False, None
        target = NamingTarget(kind, None, table.name, table.schema, [column])
        try:
            return True, convention_name(convention, target)
        except NamingError:
            return False, None

    def remove_declared(
        self, title: str, function: str, flags: tuple[str, ...]
    ) -> ModelEdit | None:
        """Remove the ``function(...)`` call the difference points at, or the column
        flags when it points at a column."""
        assert self.where is not None
        call = self.call_at(self.where)
        if call is not None and self.called(call) == function:
            edit = self.remove_item(call) if not self.shared(call) else None
            return ModelEdit(title, (edit,)) if edit is not None else None
        _, column = self.column_site()
        if column is None or self.shared(column):
            return None
        found = self.flags(column, dict.fromkeys(flags, False))
        return ModelEdit(title, tuple(found)) if found else None

    def table_site_of(self, statement: ast.stmt | None, column: ast.Call) -> _TableSite | None:
        """The table a column's declaration belongs to."""
        node: ast.AST | None = statement if statement is not None else column
        while node is not None:
            if isinstance(node, ast.ClassDef):
                return _TableSite(node, None)
            if isinstance(node, ast.Call) and self.called(node) == "Table":
                return _TableSite(None, node)
            node = self.parent(node)
        return None

    def index_elements(
        self, elements: Sequence[ast.expr], actual: IndexSchema, wanted: list[Expr]
    ) -> str | None:
        """The index's columns written as the call writes them: strings, or
        ``table.c.name``/``Class.name`` references of the same prefix as its first one."""
        if all(_literal(e) is not None for e in elements):
            return ", ".join(as_node(w).flat() for w in wanted)
        first = elements[0]
        if actual.expressions or not isinstance(first, ast.Attribute):
            return None
        prefix = self.text_of(first.value)
        if not all(is_identifier(c) for c in actual.columns):
            return None
        return ", ".join(f"{prefix}.{c}" for c in actual.columns)


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


@dataclass(frozen=True)
class _TableSite:
    """Where a table is declared: a mapped class, or an imperative ``Table(...)`` call."""

    klass: ast.ClassDef | None
    call: ast.Call | None


def _constant(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _describe(index: IndexSchema) -> str:
    elements = index.expressions or index.columns
    return f"{'unique ' if index.unique else ''}({', '.join(elements)})"


def _target(fk: ForeignKeySchema, column: str | None = None) -> str:
    """``table.column`` (``schema.table.column``) as ``ForeignKey`` takes it."""
    table = f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
    return f"{table}.{column or fk.referred_columns[0]}"


def _action(action: str | None) -> str:
    return (action or "NO ACTION").upper()


def _initially(fk: ForeignKeySchema) -> str:
    return (fk.initially or "IMMEDIATE").upper()


def _automatic_unique_name(
    dialect: str, table: TableSchema, unique: UniqueConstraintSchema
) -> bool:
    """The name is the one the database gives an unnamed unique constraint."""
    if unique.name is None:
        return True
    return rules_for(dialect).is_automatic_unique_name(unique.name, table.name, unique.columns)


def _automatic_fk_name(table: TableSchema, fk: ForeignKeySchema) -> bool:
    """The name is the one the database gives an unnamed foreign key."""
    if fk.name is None:
        return True
    if fk.name == f"{table.name}_{'_'.join(fk.columns)}_fkey"[:63]:
        return True  # PostgreSQL
    return re.fullmatch(rf"{re.escape(table.name)}_ibfk_\d+", fk.name) is not None  # MySQL


def _without_backquotes(sql: str) -> str:
    """MySQL quotes every identifier; plain lower-case ones read the same without."""
    return re.sub(r"`([a-z_][a-z0-9_]*)`", r"\1", sql)


def _automatic_check_name(table: TableSchema, check: CheckConstraintSchema) -> bool:
    """The name is one the database gives an unnamed check constraint."""
    name = check.name
    if name is None:
        return True
    if re.fullmatch(r"CONSTRAINT_\d+", name) or re.fullmatch(
        rf"{re.escape(table.name)}_chk_\d+", name
    ):
        return True  # MariaDB, MySQL
    return name.startswith(f"{table.name}_") and name.endswith("_check")  # PostgreSQL


def _within(inner: SourceRange, outer: SourceRange) -> bool:
    """``inner`` lies in ``outer`` (same file)."""
    return (
        inner.path == outer.path
        and (outer.start_line, outer.start_column) <= (inner.start_line, inner.start_column)
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
    )
