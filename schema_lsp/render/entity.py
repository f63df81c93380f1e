"""SQLAlchemy 2.0 typed declarative classes (``Mapped[...]`` / ``mapped_column``) for tables.

The promise: ``Base.metadata.create_all()`` from the generated module makes tables that
introspect to the same TableSchema values the module was generated from (names of
constraints and indexes included), and the module is already ``ruff format``-clean.

Rendering is a class of small steps (imports, class, column, table arguments, ...) so a
caller can override one step without copying the rest. Choices worth knowing:

* A table without a primary key cannot be a mapped class; it becomes a ``Table(...)``
  on ``Base.metadata``, so ``create_all`` still makes it.
* Views are not rendered (``create_all`` would create them as tables); a comment names them.
* Indexes the database made itself (backing a unique constraint, MySQL's foreign key
  indexes) are left out: the constraint makes them again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ..dialects import rules_for
from ..printable import printable
from ..schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ForeignKeySchema,
    IndexSchema,
    TableSchema,
    UniqueConstraintSchema,
)
from .column_types import TypeSource, column_type
from .names import NameAllocator, attribute_name, class_name
from .python_types import python_type
from .source import (
    INDENT,
    Call,
    Dict,
    Expr,
    Import,
    Keyword,
    List,
    Pair,
    Tuple,
    as_node,
    import_lines,
    laid_out_at,
    string,
)

if TYPE_CHECKING:
    from sqlalchemy import Column

#: Names the declarative machinery owns inside a mapped class.
_CLASS_RESERVED = frozenset(
    {
        "metadata",
        "registry",
        "__tablename__",
        "__table__",
        "__table_args__",
        "__mapper__",
        "__mapper_args__",
        "__abstract__",
    }
)
#: Builtins that annotations may use; a class attribute of that name would shadow them.
_ANNOTATION_BUILTINS = frozenset({"int", "str", "float", "bool", "bytes", "dict", "list", "set"})
_QUOTED_LITERAL = re.compile(r"'((?:[^']|'')*)'")
#: A quoted literal with PostgreSQL's cast: ``'x'::character varying``.
_CAST_LITERAL = re.compile(r"('(?:[^']|'')*')::[a-z ]+(?:\(\d+\))?")
_NEXTVAL = re.compile(
    r"nextval\('(?:(?P<schema>[A-Za-z_][\w$]*)\.)?(?P<name>[A-Za-z_][\w$]*)'::regclass\)"
)


@dataclass(frozen=True)
class CodeStyle:
    """How the code is written where it goes: the project's formatter and a model file's
    own habits, so an added column reads like its neighbours."""

    #: the file's name for ``typing.Optional`` when it writes nullable columns
    #: ``Optional[X]`` (None: ``X | None``)
    optional: str | None = None
    #: the project formatter's line length (``config.formatter_line_length``; None: the
    #: width in force, ruff's default unless ``source.laid_out_at`` says otherwise)
    line_length: int | None = None


_Drawn = TypeVar("_Drawn")


class EntityRenderer:
    """Renders TableSchema values for one dialect into one Python module."""

    def __init__(
        self,
        dialect: str,
        *,
        base_name: str = "Base",
        style: CodeStyle | None = None,
    ) -> None:
        self.dialect = dialect
        self.base_name = base_name
        self.style = style or CodeStyle()
        self.imports: set[Import] = set()
        self._module_names = NameAllocator()
        self._reserved: frozenset[str] = frozenset()

    # -- the module --------------------------------------------------------------------

    def render(self, tables: Sequence[TableSchema]) -> str:
        """The whole module: imports, the declarative base, then one class per table."""
        with laid_out_at(self.style.line_length):
            return self._render(tables)

    def _render(self, tables: Sequence[TableSchema]) -> str:
        blocks = self._avoiding_imports(lambda: self._render_definitions(tables))
        header = import_lines(self.imports)
        return "\n\n\n".join(["\n".join(header), *("\n".join(b) for b in blocks)]) + "\n"

    def _render_definitions(self, tables: Sequence[TableSchema]) -> list[list[str]]:
        blocks = [self.render_base()]
        views = []
        for table in tables:
            if table.is_view:
                views.append(table)
            else:
                blocks.append(self._definition(table)[1])
        if views:
            blocks.append(self.render_views(views))
        return blocks

    def table_definition(self, table: TableSchema) -> tuple[str, list[str]]:
        """One table's class (a ``Table(...)`` without a primary key) for a module that
        has its base already: the name it defines and its lines; ``imports`` holds what
        they use, and nothing else."""
        with laid_out_at(self.style.line_length):
            return self._avoiding_imports(lambda: self._definition(table))

    def _avoiding_imports(self, draw: Callable[[], _Drawn]) -> _Drawn:
        """``draw`` once to learn the imports, then again with names that avoid them;
        ``imports`` is then what the second drawing uses."""
        self.imports = set()
        self._start(frozenset())
        draw()
        reserved = frozenset(i.bound_name for i in self.imports) | _ANNOTATION_BUILTINS
        self.imports = set()
        self._start(reserved)
        return draw()

    def _start(self, reserved: frozenset[str]) -> None:
        """A new module: names allocated afresh, avoiding ``reserved`` and the base."""
        self._module_names = NameAllocator(reserved)
        self._reserved = reserved
        self._module_names.reserve(self.base_name)

    def _definition(self, table: TableSchema) -> tuple[str, list[str]]:
        if table.primary_key is None:
            name = self.table_variable(table)
            block = self.render_table(table, name)
        else:
            name = self.class_name(table)
            block = self.render_class(table, name)
        return name, self._incomplete_warning(table) + block

    @staticmethod
    def _incomplete_warning(table: TableSchema) -> list[str]:
        """A comment above a table read only in part: its columns or keys may be missing."""
        if table.incomplete is None:
            return []
        reason = printable(table.incomplete)
        return [f"# Incomplete: {reason}.", "# Columns, keys or indexes may be missing below."]

    def use(self, module: str, name: str | None = None) -> str:
        """Record an import; returns the name to write."""
        item = Import(module, name)
        self.imports.add(item)
        return item.bound_name if name is None else name

    def render_base(self) -> list[str]:
        declarative_base = self.use("sqlalchemy.orm", "DeclarativeBase")
        return [f"class {self.base_name}({declarative_base}):", f"{INDENT}pass"]

    def render_views(self, views: Sequence[TableSchema]) -> list[str]:
        lines = ["# Views are not mapped: create_all would make them tables."]
        return lines + [f"# view {string(view.key)}" for view in views]

    # -- names -------------------------------------------------------------------------

    def class_name(self, table: TableSchema) -> str:
        name = class_name(table.name)
        if table.schema and self._module_names.is_taken(name):
            name = class_name(f"{table.schema}_{table.name}")
        return self._module_names.allocate(name)

    def table_variable(self, table: TableSchema) -> str:
        return self._module_names.allocate("t_" + attribute_name(table.name).lstrip("_"))

    def attribute_names(self, table: TableSchema) -> dict[str, str]:
        """Column name -> attribute name, valid and unique within the class."""
        allocator = NameAllocator(self._reserved | _CLASS_RESERVED)
        names = {}
        for column in table.columns:
            candidate = attribute_name(column.name)
            if candidate.startswith("__") or candidate.startswith("_sa_"):
                candidate = "col" + candidate  # no name mangling, nothing of SQLAlchemy's
            names[column.name] = allocator.allocate(candidate)
        return names

    # -- a mapped class ----------------------------------------------------------------

    def render_class(self, table: TableSchema, name: str) -> list[str]:
        lines = [f"class {name}({self.base_name}):"]
        lines.append(f"{INDENT}__tablename__ = {string(table.name)}")
        table_args = self.table_args(table, in_class=True)
        options = self.table_options(table)
        if table_args or options:
            items: list[Expr] = list(table_args)
            if options:
                items.append(Dict(options))
            value: Expr = Tuple(items) if table_args else Dict(options)
            lines += as_node(value).lines(1, "__table_args__ = ")
        lines.append("")
        attributes = self.attribute_names(table)
        for column in table.columns:
            lines += self.render_column(table, column, attributes[column.name])
        return lines

    def render_column(self, table: TableSchema, column: ColumnSchema, attribute: str) -> list[str]:
        """``attribute: Mapped[type] = mapped_column(...)``."""
        mapped = self.use("sqlalchemy.orm", "Mapped")
        function = self.use("sqlalchemy.orm", "mapped_column")
        type_source = self.column_type(column)
        annotation = self.annotation(column, type_source)
        arguments: list[Expr] = []
        if attribute != column.name:
            arguments.append(string(column.name))
        arguments += self.column_arguments(table, column, type_source, in_class=True)
        prefix = f"{attribute}: {mapped}[{annotation}] = "
        return Call(function, *arguments).lines(1, prefix)

    def annotation(self, column: ColumnSchema, type_source: TypeSource) -> str:
        python = python_type(type_source.type).optional(column.nullable, self.style.optional)
        self.imports.update(python.imports)
        return python.annotation

    def column_type(self, column: ColumnSchema) -> TypeSource:
        source = column_type(column.sa_type, self.dialect)
        self.imports.update(source.imports)
        return source

    # -- a table without a primary key -------------------------------------------------

    def render_table(self, table: TableSchema, variable: str) -> list[str]:
        """``t_name = Table("name", Base.metadata, Column(...), ...)``."""
        function = self.use("sqlalchemy", "Table")
        column_function = self.use("sqlalchemy", "Column")
        items: list[Expr] = [string(table.name), f"{self.base_name}.metadata"]
        for column in table.columns:
            type_source = self.column_type(column)
            arguments = self.column_arguments(table, column, type_source, in_class=False)
            items.append(Call(column_function, string(column.name), *arguments))
        items += self.table_args(table, in_class=False)
        items += [Keyword(key, value) for key, value in self.table_options_pairs(table)]
        return Call(function, *items).lines(0, f"{variable} = ")

    # -- column arguments --------------------------------------------------------------

    def column_arguments(
        self, table: TableSchema, column: ColumnSchema, type_source: TypeSource, in_class: bool
    ) -> list[Expr]:
        """Type, foreign key, identity/computed, then keywords, in that order."""
        arguments: list[Expr] = [type_source.expression]
        for fk in table.foreign_keys:
            if fk.columns == (column.name,):
                arguments.append(self.foreign_key(fk))
        sequence = self.sequence(table, column)
        if sequence is not None:
            arguments.append(sequence)
        if column.identity is not None:
            arguments.append(self.identity(column))
        if column.computed is not None:
            arguments.append(self.computed(column))
        if self.primary_key_inline(table) and table.is_primary_key(column.name):
            arguments.append(Keyword("primary_key", "True"))
        autoincrement = self.autoincrement(table, column)
        if autoincrement is not None:
            arguments.append(Keyword("autoincrement", repr(autoincrement)))
        nullable = self.explicit_nullable(table, column, in_class)
        if nullable is not None:
            arguments.append(Keyword("nullable", repr(nullable)))
        default = self.server_default(table, column)
        if default is not None:
            arguments.append(Keyword("server_default", default))
        if column.comment is not None:
            arguments.append(Keyword("comment", string(column.comment)))
        return arguments

    def explicit_nullable(
        self, table: TableSchema, column: ColumnSchema, in_class: bool
    ) -> bool | None:
        """``nullable=`` only where the default would be wrong: in a class the annotation
        decides (``X | None``), except that primary key columns are NOT NULL unless told;
        a ``Column`` is nullable unless told."""
        if table.is_primary_key(column.name):
            return True if column.nullable else None
        if in_class:
            return None
        return None if column.nullable else False

    def foreign_key(self, fk: ForeignKeySchema) -> Expr:
        name = self.use("sqlalchemy", "ForeignKey")
        target = _target(fk, fk.referred_columns[0])
        return Call(name, string(target), *self.foreign_key_options(fk))

    def foreign_key_options(self, fk: ForeignKeySchema) -> list[Expr]:
        options: list[Expr] = []
        if fk.on_delete:
            options.append(Keyword("ondelete", string(fk.on_delete)))
        if fk.on_update:
            options.append(Keyword("onupdate", string(fk.on_update)))
        if fk.deferrable is not None:
            options.append(Keyword("deferrable", repr(fk.deferrable)))
        if fk.initially:
            options.append(Keyword("initially", string(fk.initially)))
        if fk.name:
            options.append(Keyword("name", string(fk.name)))
        return options

    def identity(self, column: ColumnSchema) -> Expr:
        identity = column.identity
        assert identity is not None
        name = self.use("sqlalchemy", "Identity")
        options: list[Expr] = []
        if identity.always:
            options.append(Keyword("always", "True"))
        increment = identity.increment
        if identity.start is not None and not (identity.start == 1 and increment in (None, 1)):
            options.append(Keyword("start", repr(identity.start)))
        if increment is not None and increment != 1:
            options.append(Keyword("increment", repr(increment)))
        return Call(name, *options) if options else f"{name}()"

    def computed(self, column: ColumnSchema) -> Expr:
        computed = column.computed
        assert computed is not None
        name = self.use("sqlalchemy", "Computed")
        options: list[Expr] = [string(computed.sqltext)]
        if computed.persisted is not None:
            options.append(Keyword("persisted", repr(computed.persisted)))
        return Call(name, *options)

    def autoincrement(self, table: TableSchema, column: ColumnSchema) -> bool | None:
        """``autoincrement=`` where SQLAlchemy's own rule ("auto": the lone integer primary
        key without a foreign key or default) would decide differently from the database."""
        if column.identity is not None or column.computed is not None:
            return None
        if not table.is_primary_key(column.name):
            return None  # SQLAlchemy only auto-increments primary key columns
        automatic = _automatic_column(table, self._keeps_default) == column.name
        if automatic and not column.autoincrement:
            return False
        if column.autoincrement and not automatic:
            return True
        return None

    def server_default(self, table: TableSchema, column: ColumnSchema) -> Expr | None:
        """A quoted literal as a plain string, anything else as ``text(...)``; a serial's
        ``nextval(...)`` is left to SQLAlchemy, which makes the same sequence again."""
        if not self._keeps_default(table, column):
            return None
        default = plain_default(column, self.dialect)
        assert default is not None
        literal = _QUOTED_LITERAL.fullmatch(default)
        if literal is not None:
            return string(literal.group(1).replace("''", "'"))
        return Call(self.use("sqlalchemy", "text"), string(default))

    def sequence(self, table: TableSchema, column: ColumnSchema) -> Expr | None:
        """``Sequence(name)`` for a ``nextval`` default that is not a serial's own, so
        ``create_all`` makes the sequence before the table whose default uses it."""
        if column.default is None or not self._keeps_default(table, column):
            return None
        match = _NEXTVAL.fullmatch(column.default)
        if match is None:
            return None
        options: list[Expr] = [string(match["name"])]
        if match["schema"]:
            options.append(Keyword("schema", string(match["schema"])))
        return Call(self.use("sqlalchemy", "Sequence"), *options)

    def _keeps_default(self, table: TableSchema, column: ColumnSchema) -> bool:
        """False for the ``nextval`` of the sequence PostgreSQL's SERIAL makes for an
        auto-incrementing primary key column: SQLAlchemy declares that column SERIAL again
        (the lone integer key by its own rule, a composite key's member when told)."""
        if column.default is None:
            return False
        match = _NEXTVAL.fullmatch(column.default)
        if match is None or not column.autoincrement:
            return True
        serial = f"{table.name}_{column.name}_seq"
        return not (
            table.is_primary_key(column.name)
            and match["name"] == serial
            and match["schema"] in (None, table.schema)
        )

    # -- table arguments ---------------------------------------------------------------

    def primary_key_inline(self, table: TableSchema) -> bool:
        """``primary_key=True`` on the columns, unless the key's order differs from the
        columns' order or its name is not the one the database would give it."""
        pk = table.primary_key
        if pk is None:
            return False
        in_column_order = tuple(c for c in table.column_names if c in pk.columns)
        return in_column_order == pk.columns and not self._named_primary_key(table)

    def _named_primary_key(self, table: TableSchema) -> bool:
        pk = table.primary_key
        if pk is None or pk.name is None:
            return False
        return pk.name != rules_for(self.dialect).automatic_primary_key_name(table.name)

    def table_args(self, table: TableSchema, in_class: bool) -> list[Expr]:
        """Constraints and indexes: primary key (when not inline), composite foreign keys,
        unique and check constraints, then indexes."""
        args: list[Expr] = []
        pk = table.primary_key
        if pk is not None and not self.primary_key_inline(table):
            name = self.use("sqlalchemy", "PrimaryKeyConstraint")
            options: list[Expr] = [string(c) for c in pk.columns]
            if self._named_primary_key(table):
                options.append(Keyword("name", string(pk.name or "")))
            args.append(Call(name, *options))
        for fk in table.foreign_keys:
            if len(fk.columns) > 1:
                args.append(self.foreign_key_constraint(fk))
        for unique in table.unique_constraints:
            args.append(self.unique_constraint(unique))
        for check in table.check_constraints:
            args.append(self.check_constraint(check))
        for index in table.indexes:
            if index.implicit is None:
                args.append(self.index(table, index))
        return args

    def unique_constraint(self, unique: UniqueConstraintSchema) -> Expr:
        name = self.use("sqlalchemy", "UniqueConstraint")
        options: list[Expr] = [string(c) for c in unique.columns]
        if unique.name:
            options.append(Keyword("name", string(unique.name)))
        return Call(name, *options)

    def check_constraint(self, check: CheckConstraintSchema) -> Expr:
        name = self.use("sqlalchemy", "CheckConstraint")
        options: list[Expr] = [string(check.sqltext)]
        if check.name:
            options.append(Keyword("name", string(check.name)))
        return Call(name, *options)

    def foreign_key_constraint(self, fk: ForeignKeySchema) -> Expr:
        name = self.use("sqlalchemy", "ForeignKeyConstraint")
        local = List([string(c) for c in fk.columns])
        remote = List([string(_target(fk, c)) for c in fk.referred_columns])
        return Call(name, local, remote, *self.foreign_key_options(fk))

    def index(self, table: TableSchema, index: IndexSchema) -> Expr:
        name = self.use("sqlalchemy", "Index")
        elements: list[Expr] = []
        if index.expressions:
            for expression in index.expressions:
                column = _column_reference(expression, table)
                if column is not None:
                    elements.append(string(column))
                else:
                    elements.append(Call(self.use("sqlalchemy", "text"), string(expression)))
        else:
            elements = [string(c) for c in index.columns]
        options: list[Expr] = []
        if index.unique:
            options.append(Keyword("unique", "True"))
        options += self.index_dialect_options(index)
        index_name = string(index.name) if index.name is not None else "None"
        return Call(name, index_name, *elements, *options)

    def index_dialect_options(self, index: IndexSchema) -> list[Expr]:
        options: list[Expr] = []
        keywords = rules_for(self.dialect).index_keywords(index.method, index.where)
        for keyword, value in keywords.items():
            if keyword.endswith("_where"):
                text = self.use("sqlalchemy", "text")
                options.append(Keyword(keyword, Call(text, string(value))))
            else:
                options.append(Keyword(keyword, string(value)))
        return options

    def table_options_pairs(self, table: TableSchema) -> list[tuple[str, str]]:
        pairs = []
        if table.comment is not None:
            pairs.append(("comment", string(table.comment)))
        if table.schema is not None:
            pairs.append(("schema", string(table.schema)))
        return pairs

    def table_options(self, table: TableSchema) -> list[Expr]:
        """The ``__table_args__`` dict entries: comment and schema."""
        return [Pair(string(key), value) for key, value in self.table_options_pairs(table)]


def render_entities(
    tables: Sequence[TableSchema],
    dialect: str,
    *,
    base_name: str = "Base",
    line_length: int | None = None,
) -> str:
    """One importable module with a declarative base and a class per table."""
    style = CodeStyle(line_length=line_length)
    return EntityRenderer(dialect, base_name=base_name, style=style).render(tables)


def render_entity(table: TableSchema, dialect: str) -> str:
    """The module for a single table."""
    return render_entities([table], dialect)


def _target(fk: ForeignKeySchema, column: str) -> str:
    table = f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
    return f"{table}.{column}"


def _column_reference(expression: str, table: TableSchema) -> str | None:
    """The column an index element names, if it is a plain (maybe quoted) column."""
    for candidate in (expression, expression[1:-1] if len(expression) > 1 else ""):
        if candidate in table.column_names and (
            candidate == expression or expression[0] + expression[-1] in ('""', "``", "[]")
        ):
            return candidate
    return None


def _automatic_column(
    table: TableSchema, keeps_default: Callable[[TableSchema, ColumnSchema], bool]
) -> str | None:
    """The column SQLAlchemy would make auto-incrementing for this table by its own rule,
    asked of SQLAlchemy itself with a throwaway ``Table``."""
    import sqlalchemy as sa

    pk = table.primary_key
    if pk is None or len(pk.columns) != 1:
        return None
    columns: list[Column[Any]] = []
    for column in table.columns:
        default = column.default if keeps_default(table, column) else None
        columns.append(
            sa.Column(
                column.name,
                column.sa_type.build(),
                primary_key=column.name in pk.columns,
                server_default=sa.text(default) if default is not None else None,
            )
        )
    constraints = [
        sa.ForeignKeyConstraint(list(fk.columns), [_target(fk, c) for c in fk.referred_columns])
        for fk in table.foreign_keys
    ]
    throwaway = sa.Table(table.name, sa.MetaData(), *columns, *constraints)
    automatic = throwaway.autoincrement_column
    return automatic.name if automatic is not None else None


def plain_default(column: ColumnSchema, dialect: str) -> str | None:
    """The column's server default as a model writes it: PostgreSQL's cast of a literal
    dropped (``'x'``, not ``'x'::character varying``) when the comparison holds the two
    equal, since the database adds the same cast again."""
    from ..defaults import compare_defaults

    default = column.default
    match = _CAST_LITERAL.fullmatch(default or "")
    if match is None:
        return default
    plain = match.group(1)
    outcome = compare_defaults(plain, default, dialect, column.sa_type)
    return plain if outcome.status == "equal" else default
