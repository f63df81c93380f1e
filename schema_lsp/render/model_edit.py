"""The other direction: the edit to a model's source that makes the entity match the
database (the editor's quick fix "update the model to match the database").

Edits are small and local: a keyword (``nullable=``, ``server_default=``, ``index=True``,
``unique=True``, ``comment=``, ``ondelete=``), the type argument or the annotation, one
argument of a column call or of ``Table(...)``, one ``__table_args__`` element, one statement.
Everything around them is left as the user wrote it; an element on a line of its own is
added or removed as a whole line, and a one-line call or tuple that an addition would push
past the line length (the project formatter's, else 88) is laid out one element per line,
as ruff would. New names are written the way the file imports them (``sa.Index`` after
``import sqlalchemy as sa``, ``C`` after ``from sqlalchemy import Column as C``), never
inside string literals; a name the file does not import yet gets an import line after its
last top-level import. Indexes, constraints and
keys are rendered by ``EntityRenderer``, the generator of new entities.

Covered kinds (``FIXABLE_KINDS``), for declarative classes (``Mapped``/``mapped_column``,
annotation-only ``Mapped[...]``, or ``Column``), ``__table__ = Table(...)`` and imperative
``Table("t", metadata, Column(...), ...)``, and SQLModel ``Field(...)``:

* columns: ``type`` (the annotation's Python type follows; SQLModel: ``sa_type=``),
  ``nullable`` (keyword, or ``Optional``/``| None`` of the annotation), ``server_default``
  (SQLModel: ``sa_column_kwargs``), ``autoincrement`` and ``comment`` (keywords),
  ``column_missing``, ``column_unmapped`` (written like its neighbours: ``mapped_column``,
  ``Column``, or a SQLModel ``Field``);
* ``index_unmapped``: ``index=True`` when the name is the one the file's naming convention
  gives (the convention must be readable in the file: with a base imported from elsewhere
  the name is written out), else ``Index(...)`` in ``__table_args__`` (made, or a dict
  turned into ``(Index(...), {...})``) or in ``Table(...)``; ``index_missing`` removes the
  flag, the item or a standalone ``Index(...)`` statement; ``index_changed`` rewrites the
  columns, ``unique=`` and this dialect's ``_where``/``_using``;
* ``unique_unmapped`` (``unique=True`` when the database's name is its own default, else
  ``UniqueConstraint``), ``unique_missing``;
* ``foreign_key_unmapped`` (``ForeignKey`` after the column's type, SQLModel's
  ``foreign_key=``, or ``ForeignKeyConstraint``), ``foreign_key_missing`` (a ``ForeignKey``
  that gave its column's type leaves the database's type behind), ``foreign_key_changed``
  (target, actions, PostgreSQL deferral);
* ``computed``: the column's ``Computed(...)`` rewritten, added or removed;
* ``check_unmapped``/``check_missing``, and a table's ``comment`` (``__table_args__``
  options or ``Table(comment=...)``);
* ``primary_key``: ``primary_key=True`` flags, or the columns of a ``PrimaryKeyConstraint``
  (one is added when the key's column order is not the table's).

Anything else gives None: ``table_missing``/``table_unmapped`` (the server offers
"Generate entity class" through ``render.entity`` instead), ``name`` and notes. So does what
a mixin or base shares with other entities (a flag, a key, an inherited ``__table_args__`` a
new one would hide), and any edit this module cannot place exactly: it is never guessed.

``model_edit`` returns a ``ModelEdit`` (a title and the ``TextEdit`` values to apply together:
the change itself and, when needed, an import line) rather than a single ``TextEdit``, so a
type whose name the file does not import yet still gives code that runs. The editing that
knows nothing of SQLAlchemy (spans, elements of calls and containers, keywords, statements,
``TextEdit``, ``apply_edits``) is ``source_edit.SourceEditor``, which ``_Editor`` extends.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ..dialects import rules_for
from ..diff import SchemaDifference
from ..naming import (
    DEFAULT_CONVENTION,
    NamingError,
    NamingTarget,
    convention_name,
    normalize_convention,
)
from ..schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ForeignKeySchema,
    IndexSchema,
    TableSchema,
    UniqueConstraintSchema,
)
from ..sqltext import unwrapped
from ..text import SourceRange, TextEdit
from ..text import apply_edits as apply_edits  # re-exported: importers use this module
from .entity import EntityRenderer, plain_default
from .imports_in_file import local_name
from .names import attribute_name
from .python_types import python_type
from .source import (
    INDENT,
    Atom,
    Call,
    Dict,
    Expr,
    Import,
    Keyword,
    Node,
    Pair,
    Tuple,
    as_node,
    is_identifier,
    laid_out_at,
    line_length,
    string,
)
from .source_edit import (
    SourceEditor,
    block_lines,
    call_arguments,
    keyword_named,
    shares_source_lines,
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


def model_edit(
    difference: SchemaDifference,
    source_text: str,
    dialect: str,
    *,
    line_length: int | None = None,
) -> ModelEdit | None:
    """The edit that makes the model declare what the database has, or None when this
    kind is not covered or the declaration cannot be found exactly. ``source_text`` is the
    file at ``difference.range.path``; ``dialect`` is the database's (it decides which
    SQLAlchemy type reproduces the database's type); ``line_length`` is the project
    formatter's (``config.formatter_line_length``)."""
    with laid_out_at(line_length):
        return _model_edit(difference, source_text, dialect)


def _model_edit(difference: SchemaDifference, source_text: str, dialect: str) -> ModelEdit | None:
    if difference.range is None:
        return None
    try:
        tree = ast.parse(source_text)
    except SyntaxError:
        return None
    handler = _FIXES.get(difference.kind)
    if handler is None:
        return None
    _note_aliases(tree)
    fix = handler(_Editor(difference, source_text, tree, dialect))
    if fix is None or not fix.edits:
        return None
    if "\r\n" in source_text:  # new lines end the way the file's lines end
        edits = tuple(
            TextEdit(e.range, re.sub(r"(?<!\r)\n", "\r\n", e.new_text)) for e in fix.edits
        )
        fix = ModelEdit(fix.title, edits)
    return fix


class _Editor(SourceEditor):
    """Finds the declaration a difference points at and builds the edit."""

    def __init__(
        self, difference: SchemaDifference, source: str, tree: ast.Module, dialect: str
    ) -> None:
        self.difference = difference
        self.where = difference.range
        assert self.where is not None
        super().__init__(source, tree, self.where.path)
        #: The database's table: added columns and foreign keys are rendered from it.
        self.table: TableSchema | None = difference.actual_table
        self.renderer = EntityRenderer(dialect)

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

    def column_site(self) -> tuple[ast.AnnAssign | ast.Assign | None, ast.Call | None]:
        """The column the difference points at: its attribute statement (None for a
        ``Column("name", ...)`` inside ``Table(...)``) and the call its keywords go to
        (SQLModel's ``sa_column=Column(...)`` when a field has one)."""
        assert self.where is not None
        statement = self.statement()
        if statement is not None:
            call = self.column_call(statement)
            return statement, _keyword_call(call) if call is not None else None
        for node in ast.walk(self.tree):
            if (
                isinstance(node, ast.Call)
                and _called_name(node) == "Column"
                and node.args
                and self.span(node.args[0]) == self.where
            ):
                return None, node
        return None, None

    def in_own_class(self, statement: ast.stmt) -> bool:
        """The statement is in a class that maps the table: the one that names it, or a
        single-table-inheritance subclass of it (not a mixin or an abstract base other
        entities share: editing it there would change them too)."""
        table = self.difference.declared_table
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ClassDef) and statement in node.body:
                return table is not None and self.maps(node, table.name, set())
        return False

    def maps(self, klass: ast.ClassDef, table: str, seen: set[str]) -> bool:
        """``klass`` maps ``table``: it names it, or (naming no table, not abstract) it
        inherits it from a class of this file that does."""
        seen.add(klass.name)
        sqlmodel_table = any(
            k.arg == "table" and _constant(k.value) is True for k in klass.keywords
        )
        if sqlmodel_table and klass.name.lower() == table:
            return True  # SQLModel's table name: the class name in lower case
        names: dict[str, ast.expr | None] = {}
        for item in klass.body:
            if isinstance(item, (ast.Assign, ast.AnnAssign)):
                for name in _assigned_names(item):
                    names[name] = item.value
        for key in ("__tablename__", "__table__"):
            if key in names:
                return _table_name(names[key]) == table
        if "__abstract__" in names or sqlmodel_table:
            return False
        classes = {n.name: n for n in self.tree.body if isinstance(n, ast.ClassDef)}
        return any(
            isinstance(base, ast.Name)
            and base.id in classes
            and base.id not in seen
            and self.maps(classes[base.id], table, seen)
            for base in klass.bases
        )

    def shared(self, node: ast.AST) -> bool:
        """``node`` is written in a class other than the entity's own (a mixin or a base
        other entities share): editing it there would change them too."""
        child: ast.AST | None = node
        parent = self.parent(node)
        while parent is not None and not isinstance(parent, ast.ClassDef):
            child, parent = parent, self.parent(parent)
        return isinstance(child, ast.stmt) and parent is not None and not self.in_own_class(child)

    # -- names and imports ------------------------------------------------------------------

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
        statement, call = self.column_site()
        if call is None and self.bare(statement) is None:
            return None
        self.renderer.imports = set()
        source = self.renderer.column_type(actual)
        text = as_node(source.expression).flat()
        title = f"Change the type of {actual.name} to {text} (as in the database)"
        existing = _type_argument(call) if call is not None else None
        edits: list[TextEdit] = []
        if call is None:
            bare = self.bare(statement, text)
            assert bare is not None
            edits.append(bare)
        elif existing is not None:
            edits.append(self.edit(existing, text))
        elif _called_name(call) == "Field":
            # SQLModel's Field takes its default first: the type goes in sa_type=.
            edits += self.set_keyword(call, "sa_type", text)
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
        annotation = None
        if statement is not None:
            annotation = self.python_type_edit(statement, call, source.type)
        if annotation is not None:
            edits.append(annotation)
        return self.fixed(title, edits, self.renderer.imports)

    def uncast(self, column: ColumnSchema) -> ColumnSchema:
        """The column with PostgreSQL's cast of a literal default dropped when the
        comparison holds them equal (see ``render.entity.plain_default``)."""
        plain = plain_default(column, self.renderer.dialect)
        return column if plain == column.default else replace(column, default=plain)

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
        statement, call = self.column_site()
        wanted = actual.nullable
        title = f"Make {actual.name} {'nullable' if wanted else 'NOT NULL'} (as in the database)"
        if call is None:
            mapped = _mapped_argument(statement) if statement is not None else None
            return self.nullable_annotation(title, mapped, wanted) if mapped else None
        keyword = keyword_named(call, "nullable")
        if keyword is not None:
            return self.fixed(title, self.edit(keyword.value, repr(wanted)))
        annotated = _value_annotation(statement, call) if statement is not None else None
        if annotated is not None:
            return self.nullable_annotation(title, annotated, wanted)
        return self.fixed(title, self.set_keyword(call, "nullable", repr(wanted)))

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
        optional = local_name(self.tree, Import("typing", "Optional"))
        if optional is not None and f"{optional}[" in self.source:
            return self.fixed(title, self.edit(inner, f"{optional}[{text}]"))
        return self.fixed(title, self.edit(inner, f"{text} | None"))

    def fix_server_default(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema) or self.table is None:
            return None
        actual = self.uncast(actual)
        statement, call = self.column_site()
        self.renderer.imports = set()
        value = self.renderer.server_default(self.table, actual) if actual.default else None
        text = as_node(value).flat() if value is not None else None
        if text is None:
            title = f"Remove the server default of {actual.name} (the database has none)"
        else:
            title = f"Set the server default of {actual.name} to {text} (as in the database)"
        if call is None:
            bare = self.bare(statement, f"server_default={text}") if text else None
            return self.fixed(title, bare, self.renderer.imports) if bare else None
        edits = self.column_option(call, "server_default", text)
        return self.fixed(title, edits, self.renderer.imports) if edits else None

    def fix_column_missing(self) -> ModelEdit | None:
        """The database has no such column: remove the attribute from the model (or the
        ``Column(...)`` from its ``Table(...)``)."""
        title = f"Remove {self.difference.column} from the model (the database has no such column)"
        statement, call = self.column_site()
        if statement is None:
            edit = self.remove_item(call) if call is not None else None
            return ModelEdit(title, (edit,)) if edit is not None else None
        if self.column_call(statement) is None and not isinstance(statement, ast.AnnAssign):
            return None
        if shares_source_lines(self.tree, statement) or not self.in_own_class(statement):
            return None
        end_line = statement.end_lineno or statement.lineno
        edit = TextEdit(SourceRange(self.path, statement.lineno - 1, 0, end_line, 0), "")
        return ModelEdit(title, (edit,))

    def fix_column_unmapped(self) -> ModelEdit | None:
        """The database has a column the model lacks: add an attribute after the class's
        last column, written as the entity generator writes one."""
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema) or self.table is None:
            return None
        actual = self.uncast(actual)
        title = f"Add {actual.name} to the model (as in the database)"
        site = self.table_site()
        if site is None:
            return None
        self.renderer.imports = set()
        if site.call is not None:  # an imperative Table(...): one more Column(...) item
            items = [a for a in site.call.args if _called_name_of(a) == "Column"]
            if not items:
                return None
            source_type = self.renderer.column_type(actual)
            arguments = self.renderer.column_arguments(self.table, actual, source_type, False)
            column = Call(
                self.renderer.use("sqlalchemy", "Column"), string(actual.name), *arguments
            )
            edits = self.insert_element(site.call, list(site.call.args), column, after=items[-1])
            return self.fixed(title, edits, self.renderer.imports)
        klass = site.klass
        assert klass is not None
        columns = [
            node
            for node in klass.body
            if isinstance(node, (ast.AnnAssign, ast.Assign))
            and (
                (node.value is not None and self.column_call(node) is not None)
                or (isinstance(node, ast.AnnAssign) and _mapped_argument(node) is not None)
            )
        ]
        if not columns:
            return None
        sqlmodel = any(
            (call := self.column_call(node)) is not None and _called_name(call) == "Field"
            for node in columns
        )
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
        if sqlmodel:
            found = self.sqlmodel_field(actual, attribute)
            if found is None:
                return None
            lines = found
        elif legacy:
            source_type = self.renderer.column_type(actual)
            arguments = self.renderer.column_arguments(self.table, actual, source_type, False)
            function = self.renderer.use("sqlalchemy", "Column")
            named: list[Expr] = [string(actual.name)] if attribute != actual.name else []
            lines = Call(function, *named, *arguments).lines(0, f"{attribute} = ")
        else:
            lines = self.renderer.render_column(self.table, actual, attribute)
            lines = [line.removeprefix("    ") for line in lines]
            optional = local_name(self.tree, Import("typing", "Optional"))
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
        return self.fixed(title, edit, self.renderer.imports)

    def sqlmodel_field(self, actual: ColumnSchema, attribute: str) -> list[str] | None:
        """``name: T = Field(...)`` for a SQLModel class: the annotation says NULL or NOT
        NULL, ``sa_type=`` the type, ``foreign_key=`` the key, ``sa_column_kwargs`` the
        rest; None for what a field cannot say simply (another name, identity, computed)."""
        table = self.table
        if attribute != actual.name or actual.identity or actual.computed or table is None:
            return None
        source_type = self.renderer.column_type(actual)
        python = python_type(source_type.type).optional(actual.nullable)
        self.renderer.imports.update(python.imports)
        annotation = python.annotation
        optional = local_name(self.tree, Import("typing", "Optional"))
        if optional is not None and f"{optional}[" in self.source:
            annotation = re.sub(r"^(.*) \| None$", rf"{optional}[\1]", annotation)
        items: list[Expr] = [Keyword("default", "None")] if actual.nullable else []
        items.append(Keyword("sa_type", source_type.expression))
        for fk in table.foreign_keys:
            if fk.columns == (actual.name,):
                if fk.on_update or fk.deferrable or fk.initially:
                    return None
                items.append(Keyword("foreign_key", string(_target(fk))))
                if fk.on_delete:
                    items.append(Keyword("ondelete", string(fk.on_delete)))
        options: list[Expr] = []
        default = self.renderer.server_default(table, actual)
        if default is not None:
            options.append(Pair(string("server_default"), default))
        if actual.comment is not None:
            options.append(Pair(string("comment"), string(actual.comment)))
        if options:
            items.append(Keyword("sa_column_kwargs", Dict(options)))
        function = self.renderer.use("sqlmodel", "Field")
        return Call(function, *items).lines(0, f"{attribute}: {annotation} = ")

    # -- tables: a mapped class or an imperative Table(...) -----------------------------------

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
        """The table the difference's entity range names: a class, or the ``Table(...)``
        call whose name literal it is."""
        assert self.where is not None
        klass = self.class_at(self.where)
        if klass is not None:
            for statement in klass.body:
                if (
                    isinstance(statement, ast.Assign)
                    and _assigned_names(statement) == ["__table__"]
                    and isinstance(statement.value, ast.Call)
                    and _called_name(statement.value) == "Table"
                ):
                    return _TableSite(None, statement.value)  # ``__table__ = Table(...)``
            return _TableSite(klass, None)
        for node in ast.walk(self.tree):
            if (
                isinstance(node, ast.Call)
                and _called_name(node) == "Table"
                and node.args
                and self.span(node.args[0]) == self.where
            ):
                return _TableSite(None, node)
        return None

    def site_column(self, site: _TableSite, name: str) -> ast.Call | None:
        """The call declaring column ``name`` in the table (the call its keywords go to)."""
        if site.call is not None:
            for item in site.call.args:
                if (
                    isinstance(item, ast.Call)
                    and _called_name(item) == "Column"
                    and item.args
                    and _literal(item.args[0]) == name
                ):
                    return item
            return None
        assert site.klass is not None
        for node in site.klass.body:
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            call = self.column_call(node)
            names = _assigned_names(node)
            if call is None or len(names) != 1:
                continue
            inner = _keyword_call(call)
            first = inner.args[0] if inner.args else None
            if (_literal(first) or names[0]) == name:
                return inner
        return None

    def table_args(self, klass: ast.ClassDef) -> ast.Assign | ast.AnnAssign | None:
        for node in klass.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and _assigned_names(node) == [
                "__table_args__"
            ]:
                return node
        return None

    def inherits_table_args(self, klass: ast.ClassDef) -> bool:
        """A base class of this file (a mixin) declares ``__table_args__``."""
        classes = {n.name: n for n in self.tree.body if isinstance(n, ast.ClassDef)}
        seen: set[str] = set()
        pending = [b.id for b in klass.bases if isinstance(b, ast.Name)]
        while pending:
            name = pending.pop()
            base = classes.get(name)
            if base is None or name in seen:
                continue
            seen.add(name)
            if any(
                isinstance(n, (ast.Assign, ast.AnnAssign, ast.FunctionDef))
                and (
                    _assigned_names(n) == ["__table_args__"]
                    if not isinstance(n, ast.FunctionDef)
                    else n.name == "__table_args__"
                )
                for n in base.body
            ):
                return True
            pending += [b.id for b in base.bases if isinstance(b, ast.Name)]
        return False

    def add_table_item(self, site: _TableSite, item: Expr) -> list[TextEdit] | None:
        """``item`` (an ``Index(...)``, a constraint) added to the table: one more argument
        of ``Table(...)``, or one more ``__table_args__`` element (before its options dict;
        a dict alone becomes ``(item, {...})``; no ``__table_args__`` gets one)."""
        if site.call is not None:
            return self.insert_element(site.call, list(site.call.args), item)
        assert site.klass is not None
        statement = self.table_args(site.klass)
        if statement is None:
            if self.inherits_table_args(site.klass):
                return None  # a new __table_args__ would hide the inherited one
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

    # -- flags and keywords -----------------------------------------------------------------

    def column_option(self, call: ast.Call, name: str, value: str | None) -> list[TextEdit]:
        """A column keyword (``server_default``, ``comment``): on a SQLModel ``Field`` it
        lives in ``sa_column_kwargs={...}``."""
        if _called_name(call) != "Field":
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

    # -- indexes and unique constraints -------------------------------------------------------

    def convention(self) -> dict[str, str] | None:
        """The naming convention this file's tables use, when the file says: a literal
        ``naming_convention={...}`` here, or SQLAlchemy's default when nothing in the file
        sets one and no base class comes from elsewhere. None: unknown (names are then
        written explicitly)."""
        found: list[ast.expr] = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.keyword) and node.arg == "naming_convention":
                found.append(node.value)
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "naming_convention" for t in node.targets
            ):
                found.append(node.value)
        if len(found) > 1:
            return None
        if found:
            value = found[0]
            if isinstance(value, ast.Name):
                assigned = [
                    n.value
                    for n in self.tree.body
                    if isinstance(n, ast.Assign) and _assigned_names(n) == [value.id]
                ]
                value = assigned[-1] if len(assigned) == 1 else value
            try:
                literal = ast.literal_eval(value)
            except ValueError:
                return None
            return normalize_convention(literal) if isinstance(literal, dict) else None
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom) and (node.level or not _outside(node.module)):
                return None  # a base (and its metadata) may come from there
            if isinstance(node, ast.Import) and any(not _outside(a.name) for a in node.names):
                return None
        return dict(DEFAULT_CONVENTION)

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

    def fix_index_unmapped(self) -> ModelEdit | None:
        found = self.unmapped_object(IndexSchema)
        if found is None:
            return None
        actual, table, site = found
        title = f"Add index {actual.name} to the model (as in the database)"
        self.renderer.imports = set()
        plain = not (actual.expressions or actual.where or actual.method)
        if plain and len(actual.columns) == 1:
            known, name = self.flag_name("ix", table, actual.columns[0])
            call = self.site_column(site, actual.columns[0])
            unique = keyword_named(call, "unique") if call is not None else None
            if unique is not None and not actual.unique:
                call = None  # with unique=True, index=True would make the index unique
            if known and name == actual.name and call is not None:
                edits = self.flags(call, {"index": True, "unique": actual.unique})
                return self.fixed(title, edits) if edits else None
        added = self.add_table_item(site, self.renderer.index(table, actual))
        return self.fixed(title, added, self.renderer.imports) if added else None

    def fix_index_missing(self) -> ModelEdit | None:
        declared = self.difference.declared
        if not isinstance(declared, IndexSchema):
            return None
        title = f"Remove index {declared.name or ''} from the model (the database has none)"
        return self.remove_declared(title, "Index", ("index", "unique"))

    def remove_declared(
        self, title: str, function: str, flags: tuple[str, ...]
    ) -> ModelEdit | None:
        """Remove the ``function(...)`` call the difference points at, or the column
        flags when it points at a column."""
        assert self.where is not None
        call = self.call_at(self.where)
        if call is not None and _called_name(call) == function:
            edit = self.remove_item(call) if not self.shared(call) else None
            return ModelEdit(title, (edit,)) if edit is not None else None
        _, column = self.column_site()
        if column is None or self.shared(column):
            return None
        found = self.flags(column, dict.fromkeys(flags, False))
        return ModelEdit(title, tuple(found)) if found else None

    def fix_index_changed(self) -> ModelEdit | None:
        declared, actual, table = self.difference.declared, self.difference.actual, self.table
        if not isinstance(declared, IndexSchema) or not isinstance(actual, IndexSchema):
            return None
        if table is None:
            return None
        assert self.where is not None
        title = f"Make index {actual.name} {_describe(actual)} (as in the database)"
        self.renderer.imports = set()
        call = self.call_at(self.where)
        edits: list[TextEdit] = []
        if call is not None and self.shared(call):
            return None
        if call is not None and _called_name(call) == "Index":
            elements = call.args[1:]
            rendered = self.renderer.index(table, actual)
            assert isinstance(rendered, Call)
            wanted = [i for i in rendered.items[1:] if not isinstance(i, Keyword)]
            written = self.index_elements(elements, actual, wanted)
            if written is None:
                return None
            if elements:
                start, end = self.span(elements[0]), self.span(elements[-1])
                where = self.stretch(
                    start.start_line, start.start_column, end.end_line, end.end_column
                )
                if self.text_between(where) != written:
                    edits.append(TextEdit(where, written))
            else:
                edits += self.insert_element(call, call_arguments(call), Atom(written))
            options = {
                k.name: as_node(k.value).flat()
                for k in self.renderer.index_dialect_options(actual)
                if isinstance(k, Keyword)
            }
            prefix = rules_for(self.renderer.dialect).option_prefix or self.renderer.dialect
            keywords: dict[str, str | None] = {
                "unique": "True" if actual.unique else None,
                f"{prefix}_where": options.get(f"{prefix}_where"),
                f"{prefix}_using": options.get(f"{prefix}_using"),
            }
            unique = keyword_named(call, "unique")
            if unique is not None and _constant(unique.value) is actual.unique:
                del keywords["unique"]  # unique=False stays as written
            edits += self.set_keywords(call, keywords)
            return self.fixed(title, edits, self.renderer.imports) if edits else None
        statement, column = self.column_site()
        if column is None or self.shared(column):
            return None
        plain = not (actual.expressions or actual.where or actual.method)
        if plain and actual.columns == declared.columns and len(actual.columns) == 1:
            edits = self.flags(column, {"unique": actual.unique})
            return self.fixed(title, edits) if edits else None
        site = self.table_site_of(statement, column)
        if site is None:
            return None
        added = self.add_table_item(site, self.renderer.index(table, actual))
        if added is None:
            return None
        edits = self.flags(column, {"index": False, "unique": False}) + added
        return self.fixed(title, edits, self.renderer.imports)

    def table_site_of(self, statement: ast.stmt | None, column: ast.Call) -> _TableSite | None:
        """The table a column's declaration belongs to."""
        node: ast.AST | None = statement if statement is not None else column
        while node is not None:
            if isinstance(node, ast.ClassDef):
                return _TableSite(node, None)
            if isinstance(node, ast.Call) and _called_name(node) == "Table":
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

    def fix_unique_unmapped(self) -> ModelEdit | None:
        found = self.unmapped_object(UniqueConstraintSchema)
        if found is None:
            return None
        actual, table, site = found
        title = f"Add the unique constraint on ({', '.join(actual.columns)}) to the model"
        self.renderer.imports = set()
        automatic = _automatic_unique_name(self.renderer.dialect, table, actual)
        if len(actual.columns) == 1:
            known, name = self.flag_name("uq", table, actual.columns[0])
            call = self.site_column(site, actual.columns[0])
            fits = name == actual.name or (name is None and automatic)
            if known and fits and call is not None and keyword_named(call, "index") is None:
                edits = self.flags(call, {"unique": True})
                return self.fixed(title, edits) if edits else None
            known, name = self.flag_name("ix", table, actual.columns[0])
            if known and name == actual.name and call is not None:
                # MySQL reports a unique index as a constraint: index=True, unique=True.
                edits = self.flags(call, {"index": True, "unique": True})
                return self.fixed(title, edits) if edits else None
        unique = replace(actual, name=None) if automatic else actual
        added = self.add_table_item(site, self.renderer.unique_constraint(unique))
        return self.fixed(title, added, self.renderer.imports) if added else None

    def fix_unique_missing(self) -> ModelEdit | None:
        declared = self.difference.declared
        if not isinstance(declared, UniqueConstraintSchema):
            return None
        title = f"Remove the unique constraint on ({', '.join(declared.columns)}) from the model"
        return self.remove_declared(title, "UniqueConstraint", ("unique",))

    # -- foreign keys --------------------------------------------------------------------------

    def fix_foreign_key_unmapped(self) -> ModelEdit | None:
        found = self.unmapped_object(ForeignKeySchema)
        if found is None:
            return None
        actual, table, site = found
        fk = replace(actual, name=None) if _automatic_fk_name(table, actual) else actual
        title = f"Add the foreign key ({', '.join(fk.columns)}) -> {_target(fk)} to the model"
        self.renderer.imports = set()
        call = self.site_column(site, fk.columns[0]) if len(fk.columns) == 1 else None
        if call is not None and _called_name(call) == "Field":
            if fk.on_update or fk.deferrable or fk.initially or fk.name:
                call = None  # SQLModel's foreign_key= takes none of these
            else:
                keywords = {"foreign_key": string(_target(fk))}
                if fk.on_delete:
                    keywords["ondelete"] = string(fk.on_delete)
                return ModelEdit(title, tuple(self.set_keywords(call, keywords)))
        if call is not None:
            edits = self.insert_positional(call, self.renderer.foreign_key(fk))
        else:
            added = self.add_table_item(site, self.renderer.foreign_key_constraint(fk))
            if added is None:
                return None
            edits = added
        return self.fixed(title, edits, self.renderer.imports)

    def fix_foreign_key_missing(self) -> ModelEdit | None:
        declared = self.difference.declared
        if not isinstance(declared, ForeignKeySchema):
            return None
        assert self.where is not None
        title = f"Remove the foreign key ({', '.join(declared.columns)}) -> {_target(declared)}"
        field = self.foreign_key_keyword()
        if field is not None:
            if self.shared(field[0]):
                return None
            edits = self.set_keywords(field[0], {"foreign_key": None, "ondelete": None})
            return ModelEdit(title, tuple(edits))
        call = self.call_at(self.where)
        if call is None or _called_name(call) not in ("ForeignKey", "ForeignKeyConstraint"):
            return None
        if self.shared(call):
            return None
        column = self.parent(call)
        if (
            _called_name(call) == "ForeignKey"
            and isinstance(column, ast.Call)
            and _type_argument(column) is None
        ):
            statement = self.parent(column)
            typed = isinstance(statement, ast.AnnAssign) and _mapped_argument(statement)
            if not typed:
                # The type came from the referenced column: write the database's instead.
                actual = self.table.column(declared.columns[0]) if self.table else None
                if actual is None:
                    return None
                self.renderer.imports = set()
                text = as_node(self.renderer.column_type(actual).expression).flat()
                return self.fixed(title, self.edit(call, text), self.renderer.imports)
        edit = self.remove_item(call)
        return ModelEdit(title, (edit,)) if edit is not None else None

    def foreign_key_keyword(self) -> tuple[ast.Call, ast.keyword] | None:
        """SQLModel's ``Field(foreign_key="t.c")`` the difference points at."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and _called_name(node) == "Field":
                keyword = keyword_named(node, "foreign_key")
                if keyword is not None and self.span(keyword.value) == self.where:
                    return node, keyword
        return None

    def fix_foreign_key_changed(self) -> ModelEdit | None:
        declared, actual = self.difference.declared, self.difference.actual
        if not isinstance(declared, ForeignKeySchema) or not isinstance(actual, ForeignKeySchema):
            return None
        assert self.where is not None
        moved = (declared.referred_table, declared.referred_columns, declared.referred_schema) != (
            actual.referred_table,
            actual.referred_columns,
            actual.referred_schema,
        )
        self.renderer.imports = set()
        edits: list[TextEdit] = []
        keywords: dict[str, str | None] = {}
        field = self.foreign_key_keyword()
        if field is not None:
            call, keyword = field
            if actual.on_update or actual.deferrable or actual.initially or self.shared(call):
                return None  # SQLModel's Field takes ondelete= only
            if moved:
                edits.append(self.edit(keyword.value, string(_target(actual))))
            actions = [("ondelete", declared.on_delete, actual.on_delete)]
        else:
            found = self.call_at(self.where)
            if found is None or _called_name(found) not in ("ForeignKey", "ForeignKeyConstraint"):
                return None
            call = found
            if self.shared(call):
                return None
            if moved:
                edit = self.retarget(call, actual)
                if edit is None:
                    return None
                edits.append(edit)
            actions = []
            for name, action in (("ondelete", actual.on_delete), ("onupdate", actual.on_update)):
                written = keyword_named(call, name)
                actions.append((name, _literal(written.value) if written else None, action))
            if rules_for(self.renderer.dialect).reports_deferral:
                if bool(declared.deferrable) != bool(actual.deferrable):
                    keywords["deferrable"] = "True" if actual.deferrable else None
                if _initially(declared) != _initially(actual):
                    initially = actual.initially
                    keywords["initially"] = string(initially) if initially else None
        for name, current, action in actions:
            if _action(current) != _action(action):
                keywords[name] = (
                    string(action) if action and _action(action) != "NO ACTION" else None
                )
        edits += self.set_keywords(call, keywords)
        if not edits:
            return None
        if moved:
            title = f"Make the foreign key reference {_target(actual)} (as in the database)"
        else:
            said = f"ON DELETE {actual.on_delete or 'NO ACTION'}"
            if actual.on_update:
                said += f", ON UPDATE {actual.on_update}"
            title = f"Set the foreign key's {said} (as in the database)"
        return self.fixed(title, edits, self.renderer.imports)

    def retarget(self, call: ast.Call, actual: ForeignKeySchema) -> TextEdit | None:
        """The referenced column(s) of a ``ForeignKey``/``ForeignKeyConstraint``."""
        if _called_name(call) == "ForeignKey":
            target = call.args[0] if call.args else None
            if target is None:
                keyword = keyword_named(call, "column")
                target = keyword.value if keyword is not None else None
            if target is None or len(actual.referred_columns) != 1:
                return None
            return self.edit(target, string(_target(actual)))
        remote = call.args[1] if len(call.args) > 1 else None
        if remote is None:
            keyword = keyword_named(call, "refcolumns")
            remote = keyword.value if keyword is not None else None
        if remote is None:
            return None
        targets = [string(_target(actual, c)) for c in actual.referred_columns]
        return self.edit(remote, f"[{', '.join(targets)}]")

    # -- primary keys ------------------------------------------------------------------------

    def fix_primary_key(self) -> ModelEdit | None:
        """The database's key columns get ``primary_key=True`` and the others lose it; a
        ``PrimaryKeyConstraint`` (written, or added when the key's order is not the columns'
        order) lists them in the database's order. None when a key column is not declared
        in the entity's own class or the database has no key."""
        table, declared = self.table, self.difference.declared_table
        key = table.primary_key if table is not None else None
        if table is None or declared is None or key is None:
            return None
        if not all(c in declared.column_names for c in key.columns):
            return None
        assert self.where is not None
        title = f"Make ({', '.join(key.columns)}) the primary key (as in the database)"
        self.renderer.imports = set()
        site = self.table_site()
        written = self.call_at(self.where)
        if written is not None and _called_name(written) == "PrimaryKeyConstraint":
            site = self.table_site_of(None, written)
        elif site is None:
            statement, column = self.column_site()
            site = self.table_site_of(statement, column) if column is not None else None
        if site is None:
            return None
        constraint = self.site_constraint(site, "PrimaryKeyConstraint")
        edits: list[TextEdit] = []
        if constraint is not None:  # the constraint says it: its columns follow
            elements = constraint.args
            if [_literal(e) for e in elements] != list(key.columns):
                if not elements or any(_literal(e) is None for e in elements):
                    return None
                start, end = self.span(elements[0]), self.span(elements[-1])
                where = self.stretch(
                    start.start_line, start.start_column, end.end_line, end.end_column
                )
                edits.append(TextEdit(where, ", ".join(string(c) for c in key.columns)))
            return self.fixed(title, edits) if edits else None
        for name in declared.column_names:
            call = self.site_column(site, name)
            flag = keyword_named(call, "primary_key") if call is not None else None
            if (flag is not None and _constant(flag.value) is True) == (name in key.columns):
                continue
            if call is None or self.shared(call):
                return None
            edits += self.flags(call, {"primary_key": name in key.columns})
        if tuple(c for c in declared.column_names if c in key.columns) != key.columns:
            # Flags give the columns' order; the database's order needs the constraint.
            self.renderer.imports = set()
            function = self.renderer.use("sqlalchemy", "PrimaryKeyConstraint")
            added = self.add_table_item(site, Call(function, *(string(c) for c in key.columns)))
            if added is None:
                return None
            edits += added
        return self.fixed(title, edits, self.renderer.imports) if edits else None

    def site_constraint(self, site: _TableSite, function: str) -> ast.Call | None:
        """The table's ``function(...)`` item (in ``Table(...)`` or ``__table_args__``)."""
        items: list[ast.expr] = []
        if site.call is not None:
            items = list(site.call.args)
        elif site.klass is not None:
            statement = self.table_args(site.klass)
            value = statement.value if statement is not None else None
            if isinstance(value, (ast.Tuple, ast.List)):
                items = list(value.elts)
        return next(
            (i for i in items if isinstance(i, ast.Call) and _called_name(i) == function), None
        )

    # -- checks, comments, autoincrement -----------------------------------------------------

    def fix_check_unmapped(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, CheckConstraintSchema) or self.table is None:
            return None
        site = self.table_site()
        if site is None:
            return None
        check = replace(actual, name=None) if _automatic_check_name(self.table, actual) else actual
        check = replace(check, sqltext=_without_backquotes(check.sqltext))
        self.renderer.imports = set()
        edits = self.add_table_item(site, self.renderer.check_constraint(check))
        title = f"Add the check constraint ({actual.sqltext}) to the model"
        return self.fixed(title, edits, self.renderer.imports) if edits else None

    def fix_check_missing(self) -> ModelEdit | None:
        declared = self.difference.declared
        if not isinstance(declared, CheckConstraintSchema):
            return None
        assert self.where is not None
        call = self.call_at(self.where)
        if call is None or _called_name(call) != "CheckConstraint" or self.shared(call):
            return None
        edit = self.remove_item(call)
        title = f"Remove the check constraint ({declared.sqltext}) from the model"
        return ModelEdit(title, (edit,)) if edit is not None else None

    def fix_comment(self) -> ModelEdit | None:
        """A column's ``comment=`` (SQLModel: in ``sa_column_kwargs``), or the table's in
        ``__table_args__`` / ``Table(comment=...)``."""
        actual = self.difference.actual
        if self.difference.column is not None:
            if not isinstance(actual, ColumnSchema):
                return None
            statement, call = self.column_site()
            value = string(actual.comment) if actual.comment is not None else None
            title = f"Set the comment of {actual.name} as in the database"
            if call is None:
                self.renderer.imports = set()
                bare = self.bare(statement, f"comment={value}") if value else None
                return self.fixed(title, bare, self.renderer.imports) if bare else None
            if self.shared(call):
                return None
            edits = self.column_option(call, "comment", value)
            return ModelEdit(title, tuple(edits)) if edits else None
        table = self.table
        site = self.table_site()
        if table is None or site is None:
            return None
        value = string(table.comment) if table.comment is not None else None
        title = f"Set the comment of table {table.name} as in the database"
        if site.call is not None:
            edits = self.set_keyword(site.call, "comment", value)
            return ModelEdit(title, tuple(edits)) if edits else None
        assert site.klass is not None
        edits = self.table_option(site.klass, "comment", value)
        return ModelEdit(title, tuple(edits)) if edits else None

    def table_option(self, klass: ast.ClassDef, name: str, value: str | None) -> list[TextEdit]:
        """A ``__table_args__`` options-dict entry set, replaced or removed."""
        statement = self.table_args(klass)
        if statement is None:
            if value is None or self.inherits_table_args(klass):
                return []
            return [
                self.new_class_attribute(klass, "__table_args__", Dict([Pair(string(name), value)]))
            ]
        container = statement.value
        options: ast.Dict | None = None
        if isinstance(container, ast.Dict):
            options = container
        elif isinstance(container, (ast.Tuple, ast.List)):
            if container.elts and isinstance(container.elts[-1], ast.Dict):
                options = container.elts[-1]
            elif value is None:
                return []
            else:
                return self.insert_element(
                    container, list(container.elts), Dict([Pair(string(name), value)])
                )
        if options is None or None in options.keys:
            return []
        for key, item in zip(options.keys, options.values, strict=True):
            if _literal(key) == name:
                if value is not None:
                    return [self.edit(item, value)]
                if len(options.keys) > 1:
                    pairs = self.pair_spans(options)
                    return self.remove_spans(pairs, [pairs[options.values.index(item)]])
                if options is container:
                    edit = self.remove_statement(statement)
                    return [edit] if edit is not None else []
                assert isinstance(container, (ast.Tuple, ast.List))
                removed = self.remove_item(options)
                return [removed] if removed is not None else []
        if value is None:
            return []
        if not options.keys:
            return [self.edit(options, f"{{{string(name)}: {value}}}")]
        return self.insert_element(options, options.values, Pair(string(name), value))

    def fix_computed(self) -> ModelEdit | None:
        """The column's ``Computed(...)`` as the database generates it: rewritten, added
        after the column's other arguments, or removed for a plain column."""
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema):
            return None
        _, call = self.column_site()
        if call is None or _called_name(call) == "Field" or self.shared(call):
            return None  # a bare annotation or a SQLModel Field: no argument to write
        existing = next(
            (a for a in call.args if isinstance(a, ast.Call) and _called_name(a) == "Computed"),
            None,
        )
        if actual.computed is None:
            removed = self.remove_item(existing) if existing is not None else None
            title = f"Make {actual.name} a plain column (as in the database)"
            return ModelEdit(title, (removed,)) if removed is not None else None
        expression = _without_backquotes(unwrapped(actual.computed.sqltext))
        computed = replace(actual.computed, sqltext=expression)
        self.renderer.imports = set()
        item = self.renderer.computed(replace(actual, computed=computed))
        title = f"Generate {actual.name} as ({expression}) (as in the database)"
        if existing is not None:
            edits = [self.edit(existing, as_node(item).flat())]
        else:
            edits = self.insert_positional(call, item)
        return self.fixed(title, edits, self.renderer.imports)

    def fix_autoincrement(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema):
            return None
        statement, call = self.column_site()
        said = "auto-incrementing" if actual.autoincrement else "not auto-incrementing"
        title = f"Make {actual.name} {said} (as in the database)"
        if call is None:
            self.renderer.imports = set()
            bare = self.bare(statement, f"autoincrement={actual.autoincrement!r}")
            return self.fixed(title, bare, self.renderer.imports) if bare else None
        if self.shared(call):
            return None
        edits = self.column_option(call, "autoincrement", repr(actual.autoincrement))
        return ModelEdit(title, tuple(edits)) if edits else None


_FIXES: dict[str, Callable[[_Editor], ModelEdit | None]] = {
    "type": _Editor.fix_type,
    "nullable": _Editor.fix_nullable,
    "server_default": _Editor.fix_server_default,
    "computed": _Editor.fix_computed,
    "foreign_key_changed": _Editor.fix_foreign_key_changed,
    "column_missing": _Editor.fix_column_missing,
    "column_unmapped": _Editor.fix_column_unmapped,
    "index_unmapped": _Editor.fix_index_unmapped,
    "index_missing": _Editor.fix_index_missing,
    "index_changed": _Editor.fix_index_changed,
    "unique_unmapped": _Editor.fix_unique_unmapped,
    "unique_missing": _Editor.fix_unique_missing,
    "foreign_key_unmapped": _Editor.fix_foreign_key_unmapped,
    "foreign_key_missing": _Editor.fix_foreign_key_missing,
    "check_unmapped": _Editor.fix_check_unmapped,
    "check_missing": _Editor.fix_check_missing,
    "comment": _Editor.fix_comment,
    "autoincrement": _Editor.fix_autoincrement,
    "primary_key": _Editor.fix_primary_key,
}

#: The difference kinds a model edit can fix (for a client that offers the quick fix).
FIXABLE_KINDS = frozenset(_FIXES)


def _called_name(call: ast.Call) -> str:
    """The called name as SQLAlchemy spells it (``C`` of ``from sqlalchemy import Column
    as C`` is ``Column``: see ``_note_aliases``)."""
    aliased = getattr(call, _ALIASED, None)
    if aliased is not None:
        return str(aliased)
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _type_argument(call: ast.Call) -> ast.expr | None:
    """The positional argument that is the column's type (not its name or a schema item)."""
    for argument in call.args:
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            continue
        if isinstance(argument, ast.Call) and _called_name(argument) in _SCHEMA_ITEMS:
            continue
        return argument
    keyword = keyword_named(call, "type_") or keyword_named(call, "sa_type")
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


def _value_annotation(
    statement: ast.AnnAssign | ast.Assign, call: ast.Call | None
) -> ast.expr | None:
    """The annotation that states the values' Python type: ``X`` of ``Mapped[X]``, or a
    SQLModel field's whole annotation."""
    mapped = _mapped_argument(statement)
    if mapped is not None:
        return mapped
    if isinstance(statement, ast.AnnAssign) and call is not None and _called_name(call) == "Field":
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


def _table_name(node: ast.expr | None) -> str | None:
    """``"name"`` of ``__tablename__ = "name"`` or ``__table__ = Table("name", ...)``."""
    if isinstance(node, ast.Call) and _called_name(node) == "Table" and node.args:
        return _literal(node.args[0])
    return _literal(node)


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@dataclass(frozen=True)
class _TableSite:
    """Where a table is declared: a mapped class, or an imperative ``Table(...)`` call."""

    klass: ast.ClassDef | None
    call: ast.Call | None


def _keyword_call(call: ast.Call) -> ast.Call:
    """The call a column's keywords go to: SQLModel's ``sa_column=Column(...)`` if given."""
    if _called_name(call) == "Field":
        inner = keyword_named(call, "sa_column")
        if inner is not None and isinstance(inner.value, ast.Call):
            return inner.value
    return call


_ALIASED = "schema_lsp_name"


def _note_aliases(tree: ast.Module) -> None:
    """Mark each call of a name imported under another name from SQLAlchemy or SQLModel
    (``C(...)`` after ``from sqlalchemy import Column as C``) with the original name."""
    aliases: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and not node.level:
            top = (node.module or "").partition(".")[0]
            if top in ("sqlalchemy", "sqlmodel"):
                for alias in node.names:
                    if alias.asname and alias.asname != alias.name:
                        aliases[alias.asname] = alias.name
    if not aliases:
        return
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
            original = aliases.get(call.func.id)
            if original is not None:
                setattr(call, _ALIASED, original)


def _called_name_of(node: ast.AST) -> str:
    return _called_name(node) if isinstance(node, ast.Call) else ""


def _constant(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _outside(module: str | None) -> bool:
    """A module no model base comes from (SQLAlchemy, SQLModel, the standard library)."""
    top = (module or "").partition(".")[0]
    return top in ("sqlalchemy", "sqlmodel", "typing_extensions", "__future__") or (
        top in sys.stdlib_module_names
    )


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
