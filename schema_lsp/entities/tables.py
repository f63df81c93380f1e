"""Table drafts: what a class or ``Table(...)`` declares, collected before names are final.

Column flags (``index=True``, ``unique=True``, ``ForeignKey``) become table-level objects
here, names come from the naming convention, and SQLAlchemy's autoincrement rule is
applied, so every front end (declarative, imperative, SQLModel) finishes the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..naming import (
    DEFAULT_CONVENTION,
    UNREADABLE_MESSAGE,
    NamingError,
    NamingTarget,
    convention_name,
    is_conventional,
)
from ..schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ComputedSchema,
    ForeignKeySchema,
    IdentitySchema,
    IndexSchema,
    PrimaryKeySchema,
    TableSchema,
    TypeSpec,
    UniqueConstraintSchema,
)
from .model import EntitySchema, Note, SourceRange, check_key, grouped_notes, index_key, object_key
from .resolve import Definition

NULL_TYPE = TypeSpec("sqlalchemy.sql.sqltypes:NullType")
_INTEGER_TYPES = frozenset(
    {"Integer", "INTEGER", "INT", "BigInteger", "BIGINT", "SmallInteger", "SMALLINT"}
)


@dataclass(slots=True)
class ForeignKeyDraft:
    """A foreign key; ``referred_table`` may still be a class to look up (``target_class``)."""

    columns: list[str]
    referred_columns: list[str]
    referred_table: str | None
    range: SourceRange
    referred_schema: str | None = None
    name: str | None = None
    on_delete: str | None = None
    on_update: str | None = None
    deferrable: bool | None = None
    initially: str | None = None
    unresolved: bool = False
    dialects: tuple[str, ...] | None = None  # ``.ddl_if(dialect=...)``: made there only


@dataclass(slots=True)
class ConstraintDraft:
    """A unique, check or primary key constraint."""

    kind: str  # unique, check, primary_key
    name: str | None
    columns: list[str]
    range: SourceRange
    sqltext: str | None = None
    unresolved: set[str] = field(default_factory=set)
    dialects: tuple[str, ...] | None = None  # ``.ddl_if(dialect=...)``: made there only


@dataclass(slots=True)
class ColumnDraft:
    key: str  # the attribute name
    name: str
    range: SourceRange
    type_text: str = ""
    sa_type: TypeSpec | None = None  # None: unknown (unresolved unless a FK gives it)
    type_range: SourceRange | None = None
    statement_range: SourceRange | None = None
    #: the call whose arguments declare the column, when it is written in the statement
    #: itself (``mapped_column(...)``, ``Column(...)``, SQLModel's ``Field(...)`` or its
    #: ``sa_column=Column(...)``): a quick fix edits that call, never a helper's
    call_range: SourceRange | None = None
    nullable: bool | None = None  # None: the default for the construct
    #: SQLAlchemy keeps ``nullable`` even on a primary key column: an explicit
    #: ``nullable=``, or ``Optional[...]`` with ``primary_key=True`` on the column itself
    keeps_nullable: bool = False
    primary_key: bool = False
    autoincrement: bool | str = "auto"
    python_default: bool = False  # default=/insert_default= (blocks "auto" autoincrement)
    server_default: str | None = None
    identity: IdentitySchema | None = None
    computed: ComputedSchema | None = None
    comment: str | None = None
    index: bool = False
    unique: bool = False
    foreign_keys: list[ForeignKeyDraft] = field(default_factory=list)
    unresolved: set[str] = field(default_factory=set)  # field names: type, default, ...
    notes: list[Note] = field(default_factory=list)
    enum_values: tuple[str, ...] | None = None
    #: ``with_variant`` types by dialect name
    type_variants: dict[str, TypeSpec] = field(default_factory=dict)
    #: column-level ``CheckConstraint(...)`` arguments: table constraints in SQLAlchemy
    checks: list[ConstraintDraft] = field(default_factory=list)
    #: table-level keys this column makes unknown (e.g. an unreadable column check)
    table_unresolved: set[str] = field(default_factory=set)
    #: values a ``@compiles`` override makes differ per dialect: (field, dialect) -> the
    #: SQL there (``default``, ``computed``), None where it cannot be known (also ``type``)
    dialect_values: dict[tuple[str, str], str | None] = field(default_factory=dict)
    #: notes that concern one dialect only: (dialect, note)
    dialect_notes: list[tuple[str, Note]] = field(default_factory=list)
    #: the project ``TypeDecorator`` whose code processes the column's values
    processed_by: Definition | None = None


@dataclass(slots=True)
class IndexDraft:
    name: str | None
    columns: list[str]
    range: SourceRange
    unique: bool = False
    expressions: list[str] = field(default_factory=list)
    where: str | None = None
    method: str | None = None
    unresolved: set[str] = field(default_factory=set)
    #: (field, dialect, value) from ``<dialect>_where=`` / ``<dialect>_using=``
    dialect_options: list[tuple[str, str, str | None]] = field(default_factory=list)
    dialects: tuple[str, ...] | None = None  # ``.ddl_if(dialect=...)``: made there only


@dataclass
class TableDraft:
    name: str
    range: SourceRange
    class_name: str | None = None
    schema: str | None = None
    comment: str | None = None
    convention: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_CONVENTION))
    columns: list[ColumnDraft] = field(default_factory=list)
    indexes: list[IndexDraft] = field(default_factory=list)
    constraints: list[ConstraintDraft] = field(default_factory=list)
    foreign_keys: list[ForeignKeyDraft] = field(default_factory=list)
    unresolved: set[str] = field(default_factory=set)  # full keys: "table.schema", ...
    notes: list[Note] = field(default_factory=list)
    extra_ranges: dict[str, SourceRange] = field(default_factory=dict)
    #: why the table's definition comes from the database itself (``autoload_with=``,
    #: ``DeferredReflection``): then nothing written here says what it holds
    reflected: str | None = None
    #: ``extend_existing=True``: adds to a table declared elsewhere in the workspace
    extend_existing: bool = False
    #: notes that concern one dialect only (an index's ``sqlite_where``): (dialect, note)
    dialect_notes: list[tuple[str, Note]] = field(default_factory=list)
    #: the ``class`` statement that declares the table (``EntitySchema.classes``)
    class_range: SourceRange | None = None

    def column(self, key_or_name: str) -> ColumnDraft | None:
        for column in self.columns:
            if column.key == key_or_name:
                return column
        for column in self.columns:
            if column.name == key_or_name:
                return column
        return None

    def add_column(self, column: ColumnDraft) -> None:
        """A later declaration of the same attribute replaces the earlier one."""
        key = column.key
        for earlier in self.columns:
            if earlier.key == key:
                self.columns = [c for c in self.columns if c.key != key]
                break
        self.columns.append(column)

    def note(self, message: str, where: SourceRange, name: str | None = None) -> None:
        self.notes.append(Note(f"not checked: {message}", where, name=name))


def finish(draft: TableDraft) -> EntitySchema:
    """The EntitySchema a draft declares, with SQLAlchemy's implicit objects and names."""
    ranges: dict[str, SourceRange] = {"table": draft.range, **draft.extra_ranges}
    unresolved = set(draft.unresolved)
    conventional: set[tuple[str, str]] = set()  # (kind, name) made by the convention
    notes = list(draft.notes)

    def name_for(
        kind: str, written: str | None, columns: list[str], where: SourceRange, **extra: object
    ) -> tuple[str | None, bool]:
        """The object's name under the convention (and whether it could be read)."""
        if kind not in draft.convention:
            return written, True  # no template for this kind: the written name, as is
        target = _target(kind, written, columns, **extra)
        try:
            name = convention_name(draft.convention, target)
            if name is not None and is_conventional(draft.convention, target):
                conventional.add((kind, name))
            return name, True
        except NamingError as exc:
            if str(exc) == UNREADABLE_MESSAGE:  # said once, on the table
                note = Note(f"not checked: {exc}", draft.range)
                if note not in notes:
                    notes.append(note)
            else:
                notes.append(Note(f"not checked: the name of this object ({exc})", where))
            return target.name, False

    def _target(kind: str, name: str | None, columns: list[str], **extra: object) -> NamingTarget:
        keys = [_key_of(draft, column) for column in columns]
        return NamingTarget(kind, name, draft.name, draft.schema, columns, keys, **extra)  # type: ignore[arg-type]

    # Primary key: a PrimaryKeyConstraint wins over column flags; one without columns
    # (``PrimaryKeyConstraint(name=...)``) names the key the flags make.
    pk_constraint = next((c for c in draft.constraints if c.kind == "primary_key"), None)
    pk_columns = (
        [_column_name(draft, c) for c in pk_constraint.columns]
        if pk_constraint and pk_constraint.columns
        else [c.name for c in draft.columns if c.primary_key]
    )
    primary_key = None
    if pk_columns:
        pk_range = pk_constraint.range if pk_constraint else draft.range
        pk_name, named = name_for(
            "pk", pk_constraint.name if pk_constraint else None, pk_columns, pk_range
        )
        primary_key = PrimaryKeySchema(tuple(pk_columns), pk_name)
        if pk_constraint and pk_constraint.columns:
            ranges["primary_key"] = pk_constraint.range
        elif len(pk_columns) == 1:
            column = draft.column(pk_columns[0])
            ranges["primary_key"] = column.range if column else draft.range
        if not named:
            unresolved.add("primary_key.name")
    pk_set = set(pk_columns)

    foreign_keys = list(draft.foreign_keys)
    for column in draft.columns:
        for fk in column.foreign_keys:
            fk.columns = [column.name]
            foreign_keys.append(fk)
    fk_columns = {name for fk in foreign_keys for name in fk.columns}
    autoincrement_column = _autoincrement_column(draft, pk_columns, fk_columns)
    for pk_column in pk_columns:
        column = draft.column(pk_column)
        if column is not None and (
            column.sa_type is None or {"type", "default", "identity"} & column.unresolved
        ):
            unresolved.add(f"{object_key('column', column.name)}.autoincrement")

    columns: list[ColumnSchema] = []
    dialect_types: list[tuple[str, str, TypeSpec]] = []
    dialect_options: list[tuple[str, str, str, str | None]] = []
    dialect_notes: list[tuple[str, Note]] = list(draft.dialect_notes)
    for column in draft.columns:
        key = object_key("column", column.name)
        dialect_options.extend(
            (key, field_name, dialect, value)
            for (field_name, dialect), value in column.dialect_values.items()
        )
        dialect_notes.extend(column.dialect_notes)
        ranges[key] = column.range
        if column.type_range is not None:
            ranges[f"{key}.type"] = column.type_range
        if column.statement_range is not None:
            ranges[f"{key}.statement"] = column.statement_range
        if column.call_range is not None:
            ranges[f"{key}.call"] = column.call_range
        if column.unresolved:
            unresolved.update(f"{key}.{name}" for name in column.unresolved)
        if column.notes:
            notes.extend(column.notes)
        sa_type = column.sa_type
        if sa_type is None:
            sa_type = NULL_TYPE
            unresolved.add(f"{key}.type")
        if column.type_variants:
            unresolved.add(f"{key}.type")  # only for_dialect knows which type applies
            dialect_types.extend(
                (column.name, dialect, variant) for dialect, variant in column.type_variants.items()
            )
        nullable = column.nullable if column.nullable is not None else True
        if column.name in pk_set and not column.keeps_nullable:
            nullable = False
        columns.append(
            ColumnSchema(
                name=column.name,
                type=column.type_text or sa_type.name,
                sa_type=sa_type,
                nullable=nullable,
                default=column.server_default,
                autoincrement=column is autoincrement_column,
                identity=column.identity,
                computed=column.computed,
                comment=column.comment,
                enum_values=_enum_values(sa_type),
                collation=_collation(sa_type),
            )
        )

    indexes: list[IndexSchema] = []
    dialect_only: list[tuple[str, tuple[str, ...]]] = []
    for index in draft.indexes:
        if not index.columns and not index.expressions:
            notes.append(_no_columns("index", index.name, index.range))
            continue
        columns_ = [_column_name(draft, c) for c in index.columns]
        name, named = name_for("ix", index.name, columns_, index.range, unique=index.unique)
        if index.name is None and "expressions" in index.unresolved:
            named = False  # the convention names it by columns that are not known
        schema = IndexSchema(
            name,
            tuple(columns_),
            unique=index.unique,
            expressions=tuple(index.expressions),
            where=_single(index, "where") or index.where,
            method=_single(index, "method") or index.method,
        )
        indexes.append(schema)
        key = index_key(name, schema.columns, schema.unique)
        ranges[key] = index.range
        unresolved.update(f"{key}.{name_}" for name_ in index.unresolved)
        for field_name, dialect, value in index.dialect_options:
            dialect_options.append((key, field_name, dialect, value))
        if index.dialects is not None:
            dialect_only.append((key, index.dialects))
        for field_name in ("where", "method"):
            values = {v for f, _, v in index.dialect_options if f == field_name}
            if len(values) > 1 or None in values:
                unresolved.add(f"{key}.{field_name}")  # only for_dialect can say

        if not named:
            unresolved.add(f"{key}.name")
    uniques: list[UniqueConstraintSchema] = []
    checks: list[CheckConstraintSchema] = []
    for column in draft.columns:
        unresolved.update(column.table_unresolved)
    column_checks = [check for column in draft.columns for check in column.checks]
    for constraint in [*draft.constraints, *column_checks]:
        if constraint.kind == "primary_key":
            continue
        if constraint.kind == "unique" and not constraint.columns and not constraint.unresolved:
            notes.append(_no_columns("unique constraint", constraint.name, constraint.range))
            continue
        columns_ = [_column_name(draft, c) for c in constraint.columns]
        kind = "uq" if constraint.kind == "unique" else "ck"
        name, named = name_for(kind, constraint.name, columns_, constraint.range)
        if constraint.kind == "unique":
            uniques.append(UniqueConstraintSchema(name, tuple(columns_)))
            key = object_key("unique", name, tuple(columns_))
        else:
            checks.append(CheckConstraintSchema(name, constraint.sqltext or ""))
            key = check_key(name, constraint.sqltext or "")
        ranges[key] = constraint.range
        unresolved.update(f"{key}.{name_}" for name_ in constraint.unresolved)
        if constraint.dialects is not None:
            dialect_only.append((key, constraint.dialects))
        if not named:
            unresolved.add(f"{key}.name")
    # Column flags: index=True makes an index (unique when unique=True too), else
    # unique=True makes an unnamed-by-default unique constraint.
    for column in draft.columns:
        if column.index:
            name, named = name_for("ix", None, [column.name], column.range, unique=column.unique)
            indexes.append(IndexSchema(name, (column.name,), unique=column.unique))
            key = index_key(name, (column.name,), column.unique)
            ranges.setdefault(key, column.range)
            if not named:
                unresolved.add(f"{key}.name")
        elif column.unique:
            name, named = name_for("uq", None, [column.name], column.range)
            uniques.append(UniqueConstraintSchema(name, (column.name,)))
            key = object_key("unique", name, (column.name,))
            ranges.setdefault(key, column.range)
            if not named:
                unresolved.add(f"{key}.name")

    fks: list[ForeignKeySchema] = []
    for fk in foreign_keys:
        columns_ = [_column_name(draft, c) for c in fk.columns]
        referred_table = fk.referred_table or ""
        name, named = name_for(
            "fk",
            fk.name,
            columns_,
            fk.range,
            referred_table=referred_table,
            referred_columns=tuple(fk.referred_columns),
        )
        fk_schema = ForeignKeySchema(
            name,
            tuple(columns_),
            referred_table,
            tuple(fk.referred_columns),
            referred_schema=fk.referred_schema,
            on_delete=fk.on_delete,
            on_update=fk.on_update,
            deferrable=fk.deferrable,
            initially=fk.initially,
        )
        fks.append(fk_schema)
        key = object_key("foreign_key", name, fk_schema.columns)
        ranges[key] = fk.range
        if not named:
            unresolved.add(f"{key}.name")
        if fk.unresolved:
            unresolved.add(f"{key}.referred_table")
        if fk.dialects is not None:
            dialect_only.append((key, fk.dialects))

    table = TableSchema(
        name=draft.name,
        columns=tuple(columns),
        schema=draft.schema,
        primary_key=primary_key,
        indexes=tuple(indexes),
        unique_constraints=tuple(uniques),
        foreign_keys=tuple(fks),
        check_constraints=tuple(checks),
        comment=draft.comment,
    )
    return EntitySchema(
        table=table,
        range=draft.range,
        class_name=draft.class_name,
        ranges=tuple(ranges.items()),
        unresolved=frozenset(unresolved),
        notes=tuple(grouped_notes(notes)),  # one per reason, not one per field
        dialect_options=tuple(dialect_options),
        dialect_types=tuple(dialect_types),
        dialect_notes=_grouped_per_dialect(dialect_notes),
        dialect_only=tuple(dialect_only),
        conventional_names=frozenset(_conventional_keys(table, conventional)),
        extend_existing=draft.extend_existing,
        naming_convention=tuple(draft.convention.items()),
        classes=(draft.class_range,) if draft.class_range is not None else (),
    )


def _grouped_per_dialect(notes: list[tuple[str, Note]]) -> tuple[tuple[str, Note], ...]:
    """Each dialect's notes said once per reason, as the table's other notes are."""
    dialects = dict.fromkeys(dialect for dialect, _ in notes)
    return tuple(
        (dialect, note)
        for dialect in dialects
        for note in grouped_notes(n for d, n in notes if d == dialect)
    )


def _no_columns(what: str, name: str | None, where: SourceRange) -> Note:
    """An index or unique constraint without columns: every database refuses the DDL
    SQLAlchemy writes for it (``create_all`` fails), so nothing is compared."""
    named = f"{what} {name}" if name else f"an unnamed {what}"
    return Note(
        f"not checked: {named} has no columns (no database creates it: give it columns "
        "or remove it)",
        where,
        name=name,
    )


def _single(index: IndexDraft, field_name: str) -> str | None:
    """The one value every dialect keyword gives a field (``postgresql_where=`` alone):
    the neutral entity carries it; ``EntitySchema.for_dialect`` drops it elsewhere."""
    values = {v for f, _, v in index.dialect_options if f == field_name}
    return next(iter(values)) if len(values) == 1 else None


def _column_name(draft: TableDraft, key_or_name: str) -> str:
    column = draft.column(key_or_name)
    return column.name if column else key_or_name


def _key_of(draft: TableDraft, name: str) -> str:
    column = draft.column(name)
    return column.key if column else name


def _conventional_keys(table: TableSchema, conventional: set[tuple[str, str]]) -> set[str]:
    """Object keys of the objects whose names the convention made."""
    kinds = {"ix": "index", "uq": "unique", "fk": "foreign_key", "ck": "check", "pk": "primary_key"}
    made = {(kinds[kind], name) for kind, name in conventional}
    keys: set[str] = set()
    for index in table.indexes:
        if ("index", index.name) in made:
            keys.add(index_key(index.name, index.columns, index.unique))
    for unique in table.unique_constraints:
        if ("unique", unique.name) in made:
            keys.add(object_key("unique", unique.name, unique.columns))
    for fk in table.foreign_keys:
        if ("foreign_key", fk.name) in made:
            keys.add(object_key("foreign_key", fk.name, fk.columns))
    for check in table.check_constraints:
        if ("check", check.name) in made:
            keys.add(check_key(check.name, check.sqltext))
    if table.primary_key is not None and ("primary_key", table.primary_key.name) in made:
        keys.add(object_key("primary_key", table.primary_key.name))
    return keys


def _collation(sa_type: TypeSpec) -> str | None:
    """Where introspection keeps a type's collation too (``String(collation="C")``)."""
    value = sa_type.kwarg("collation")
    return value if isinstance(value, str) else None


def _enum_values(sa_type: TypeSpec) -> tuple[str, ...] | None:
    if sa_type.name in ("Enum", "ENUM") and all(isinstance(a, str) for a in sa_type.args):
        return tuple(str(a) for a in sa_type.args)
    return None


def _autoincrement_column(
    draft: TableDraft, pk_columns: list[str], fk_columns: set[str]
) -> ColumnDraft | None:
    """SQLAlchemy's ``Table.autoincrement_column``: an explicit ``autoincrement=True``
    column, or the single integer primary key column without a Python or server default
    and (unless ``"ignore_fk"``) without a foreign key."""
    candidates = [draft.column(name) for name in pk_columns]
    for column in candidates:
        if column is not None and column.autoincrement is True:
            return column
    if len(candidates) != 1 or candidates[0] is None:
        return None
    column = candidates[0]
    if column.autoincrement not in ("auto", "ignore_fk") or column.sa_type is None:
        return None
    if not _is_integer(column.sa_type):
        return None
    if column.python_default or (column.server_default is not None and column.identity is None):
        return None
    if column.name in fk_columns and column.autoincrement != "ignore_fk":
        return None
    return column


def _is_integer(sa_type: TypeSpec) -> bool:
    if sa_type.name in _INTEGER_TYPES:
        return True
    try:
        from sqlalchemy import Integer

        affinity = getattr(sa_type.build(), "_type_affinity", None)
        return isinstance(affinity, type) and issubclass(affinity, Integer)
    except Exception:
        return False
