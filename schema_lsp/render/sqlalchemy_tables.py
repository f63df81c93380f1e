"""TableSchema values back into SQLAlchemy ``Table`` objects, for DDL through Alembic.

Alembic's operations take SQLAlchemy schema objects: a table to create, a column to add, the
cached definition a SQLite rebuild copies from. These builders make them from the schema
model, so every statement is compiled by the dialect (identifiers quoted by SQLAlchemy,
never pasted). Tables a foreign key refers to but the caller does not give are added as
stubs holding only the referred columns, as Alembic does for its own operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from ..dialects import rules_for
from ..schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ForeignKeySchema,
    IndexSchema,
    TableSchema,
    UniqueConstraintSchema,
)


def build_column(
    column: ColumnSchema, *, primary_key: bool = False, dialect: str | None = None
) -> sa.Column[Any]:
    """A detached ``Column`` with the column's type, nullability, server default, comment,
    identity and generated expression. On PostgreSQL a named enum never creates or drops
    its type with the table (``create_type=False``): the migration does that explicitly,
    knowing which types exist."""
    items: list[Any] = []
    if column.identity is not None:
        identity = column.identity
        items.append(
            sa.Identity(always=identity.always, start=identity.start, increment=identity.increment)
        )
    if column.computed is not None:
        items.append(sa.Computed(sa.text(column.computed.sqltext), column.computed.persisted))
    default = column.default
    type_ = column.sa_type.build()
    if rules_for(dialect or "").named_enum_types:
        type_ = postgresql_enum(type_) or type_
    return sa.Column(
        column.name,
        type_,
        *items,
        primary_key=primary_key,
        nullable=column.nullable,
        server_default=sa.text(default) if default is not None and not _serial(column) else None,
        autoincrement=column.autoincrement if primary_key else "auto",
        comment=column.comment,
    )


def build_table(
    table: TableSchema,
    metadata: sa.MetaData,
    *,
    dialect: str,
    without: frozenset[int] = frozenset(),
) -> sa.Table:
    """The whole table: columns, primary key, unique, check and foreign key constraints and
    indexes (not the ones the database made itself). ``without`` holds ``id()`` s of
    constraint/index schema objects to leave out: a SQLite rebuild drops an unnamed
    constraint by copying the table without it."""
    return build_tables([table], metadata, dialect=dialect, without=without)[0]


def build_tables(
    tables: Sequence[TableSchema],
    metadata: sa.MetaData,
    *,
    dialect: str,
    without: frozenset[int] = frozenset(),
) -> list[sa.Table]:
    """Several tables in one MetaData, so foreign keys between them resolve to each other
    (``metadata.sorted_tables`` then orders them by dependency)."""
    built = [_table_without_keys(table, metadata, dialect, without) for table in tables]
    for table, sa_table in zip(tables, built, strict=True):
        for fk in table.foreign_keys:
            if id(fk) not in without:  # after all tables: a key may point at any of them
                ensure_referred_table(fk, metadata)
                sa_table.append_constraint(build_foreign_key(fk))
        for index in table.indexes:
            if index.implicit is None and id(index) not in without:
                build_index(index, sa_table, dialect)
    return built


def _table_without_keys(
    table: TableSchema, metadata: sa.MetaData, dialect: str, without: frozenset[int]
) -> sa.Table:
    pk = table.primary_key
    pk_columns = set(pk.columns) if pk is not None else set()
    columns = [
        build_column(c, primary_key=c.name in pk_columns, dialect=dialect) for c in table.columns
    ]
    items: list[Any] = []
    if pk is not None and (
        (pk.name and not _default_pk_name(table, dialect))
        or pk.columns != tuple(c for c in table.column_names if c in pk_columns)
    ):
        # An explicit constraint keeps the key's name and its column order.
        items.append(sa.PrimaryKeyConstraint(*pk.columns, name=pk.name))
    items += [build_unique(u) for u in table.unique_constraints if id(u) not in without]
    items += [build_check(c) for c in table.check_constraints if id(c) not in without]
    built = sa.Table(table.name, metadata, *columns, *items, schema=table.schema)
    if table.comment is not None:
        built.comment = table.comment
    return built


def postgresql_enum(type_: Any) -> Any:
    """A named native enum as ``postgresql.ENUM(..., create_type=False)``, else None."""
    from sqlalchemy.dialects import postgresql

    if not isinstance(type_, sa.Enum) or not type_.native_enum or not type_.name:
        return None
    return postgresql.ENUM(*type_.enums, name=type_.name, schema=type_.schema, create_type=False)


def build_unique(unique: UniqueConstraintSchema) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*unique.columns, name=unique.name)


def build_check(check: CheckConstraintSchema) -> sa.CheckConstraint:
    return sa.CheckConstraint(sa.text(check.sqltext), name=check.name)


def build_foreign_key(fk: ForeignKeySchema) -> sa.ForeignKeyConstraint:
    prefix = (
        f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
    )
    return sa.ForeignKeyConstraint(
        list(fk.columns),
        [f"{prefix}.{column}" for column in fk.referred_columns],
        name=fk.name,
        ondelete=fk.on_delete,
        onupdate=fk.on_update,
        deferrable=fk.deferrable,
        initially=fk.initially,
    )


def build_index(index: IndexSchema, table: sa.Table, dialect: str) -> sa.Index:
    """An index on ``table``; expression elements stay SQL text, dialect options (method,
    partial predicate) are passed the way the entity renderer writes them."""
    elements: list[Any] = []
    if index.expressions:
        for expression in index.expressions:
            column = _plain_column(expression, table)
            elements.append(column if column is not None else sa.text(expression))
    else:
        elements = [table.c[name] for name in index.columns]
    options: dict[str, Any] = dict(rules_for(dialect).index_keywords(index.method, index.where))
    for keyword, value in options.items():
        if keyword.endswith("_where"):
            options[keyword] = sa.text(value)
    built = sa.Index(index.name, *elements, unique=index.unique, **options)
    if built.table is None:  # only SQL text: nothing told the index which table it is on
        table.append_constraint(built)
    return built


def ensure_referred_table(fk: ForeignKeySchema, metadata: sa.MetaData) -> None:
    """A stub for the table a foreign key points at, unless the metadata has it already."""
    key = f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
    existing = metadata.tables.get(key)
    if existing is None:
        sa.Table(
            fk.referred_table,
            metadata,
            *(sa.Column(c, sa.types.NullType()) for c in fk.referred_columns),
            schema=fk.referred_schema,
        )
        return
    for column in fk.referred_columns:
        if column not in existing.c:
            existing.append_column(sa.Column(column, sa.types.NullType()))


def _serial(column: ColumnSchema) -> bool:
    """PostgreSQL's ``nextval`` default of an auto-incrementing column: SERIAL makes it."""
    return column.autoincrement and (column.default or "").startswith("nextval(")


def _default_pk_name(table: TableSchema, dialect: str) -> bool:
    pk = table.primary_key
    if pk is None or pk.name is None:
        return True
    rules = rules_for(dialect)
    if not rules.names_primary_key:
        return True  # always PRIMARY
    return pk.name == rules.automatic_primary_key_name(table.name)


def _plain_column(expression: str, table: sa.Table) -> sa.Column[Any] | None:
    for candidate in (expression, expression[1:-1] if len(expression) > 1 else ""):
        if candidate in table.c and (
            candidate == expression or expression[0] + expression[-1] in ('""', "``", "[]")
        ):
            column: sa.Column[Any] = table.c[candidate]
            return column
    return None
