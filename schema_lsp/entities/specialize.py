"""An entity as SQLAlchemy creates it on one dialect, and what each database makes of it.

The parsed entity is dialect-neutral; a few things only exist per dialect: ``<dialect>_where``
and ``<dialect>_using`` index keywords, ``with_variant`` types, objects made only for some
dialects (``.ddl_if(dialect=...)``), what a project's ``@compiles`` overrides render (a
column's default, generated expression or type, and notes where they cannot be read), and
the truncation of convention-made names longer than the dialect's identifiers
(``name[:max - 8] + "_" + md5[-4:]``, as SQLAlchemy's compiler does). What each database
does with the DDL is data in ``schema_lsp.dialects``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache

from ..dialects import option_dialects, rules_for
from ..dialects.stored_types import compiler_dialect
from ..schema import (
    CheckConstraintSchema,
    ColumnSchema,
    ForeignKeySchema,
    PrimaryKeySchema,
    TableSchema,
    UniqueConstraintSchema,
)
from .model import EntitySchema, check_key, index_key, object_key


def specialize(entity: EntitySchema, dialect: str) -> EntitySchema:
    rules = rules_for(dialect)
    merges = rules.merges_identical_uniques and _has_identical_uniques(entity)
    if not (
        entity.dialect_options
        or entity.dialect_types
        or entity.dialect_only
        or entity.dialect_notes
        or merges
        or _too_long(entity, dialect)
    ):
        return entity  # the common case: nothing differs per dialect
    accepted = option_dialects(dialect)
    unresolved = set(entity.unresolved)
    table = _created_on(entity, accepted)
    if merges:
        table = replace(table, unique_constraints=_merged(table.unique_constraints))

    # Index keywords for one dialect.
    written = {(key, name) for key, name, _, _ in entity.dialect_options}
    chosen = {
        (key, name): value
        for key, name, option_dialect, value in entity.dialect_options
        if option_dialect in accepted
    }
    indexes = []
    for index in table.indexes:
        key = index_key(index.name, index.columns, index.unique)
        changes: dict[str, str | None] = {}
        for name in ("where", "method"):
            if (key, name) not in written:
                continue
            value = chosen.get((key, name))
            changes[name] = value
            if value is not None or (key, name) not in chosen:
                unresolved.discard(f"{key}.{name}")
        indexes.append(
            replace(
                index,
                where=changes.get("where", index.where),
                method=changes.get("method", index.method),
            )
        )

    # with_variant types.
    variants = {(name, d): spec for name, d, spec in entity.dialect_types}
    varied = {name for name, _, _ in entity.dialect_types}
    columns = []
    for column in table.columns:
        if column.name not in varied:
            columns.append(column)
            continue
        spec = variants.get((column.name, dialect)) or next(
            (variants[(column.name, d)] for d in sorted(accepted) if (column.name, d) in variants),
            column.sa_type,
        )
        columns.append(replace(column, sa_type=spec))
        unresolved.discard(f"{object_key('column', column.name)}.type")
    columns = [_compiled_column(c, entity, dialect, unresolved) for c in columns]
    table = replace(table, indexes=tuple(indexes), columns=tuple(columns))

    # Convention-made names longer than the dialect allows.
    renamed: dict[str, str] = {}
    index_max, constraint_max = _name_limits(dialect)

    def shorten(
        kind: str, name: str | None, cols: tuple[str, ...], limit: int | None
    ) -> str | None:
        key = object_key(kind, name, cols)
        if name is None or limit is None or len(name) <= limit:
            return name
        if key not in entity.conventional_names:
            return name
        short = truncated_name(name, limit)
        renamed[key] = object_key(kind, short, cols)
        return short

    table = replace(
        table,
        indexes=tuple(
            replace(i, name=shorten("index", i.name, i.columns, index_max)) for i in table.indexes
        ),
        unique_constraints=tuple(
            UniqueConstraintSchema(shorten("unique", u.name, u.columns, constraint_max), u.columns)
            for u in table.unique_constraints
        ),
        foreign_keys=tuple(
            _fk(f, shorten("foreign_key", f.name, f.columns, constraint_max))
            for f in table.foreign_keys
        ),
        check_constraints=tuple(
            CheckConstraintSchema(shorten("check", c.name, (), constraint_max), c.sqltext)
            for c in table.check_constraints
        ),
        primary_key=_pk(table.primary_key, shorten, constraint_max),
    )
    ranges = tuple((_rekey(key, renamed), where) for key, where in entity.ranges)
    unresolved = {_rekey(key, renamed) for key in unresolved}
    notes = entity.notes + tuple(note for d, note in entity.dialect_notes if d == dialect)
    return replace(
        entity,
        table=table,
        ranges=ranges,
        unresolved=frozenset(unresolved),
        notes=notes,
        dialect_options=(),
        dialect_types=(),
        dialect_notes=(),
        dialect_only=(),
        conventional_names=frozenset(_rekey(key, renamed) for key in entity.conventional_names),
    )


def _compiled_column(
    column: ColumnSchema, entity: EntitySchema, dialect: str, unresolved: set[str]
) -> ColumnSchema:
    """A column with what a ``@compiles`` override renders on ``dialect``: its default,
    its generated expression; a field that cannot be read there stays unresolved. These
    follow SQLAlchemy's dispatch by the dialect's exact name."""
    key = object_key("column", column.name)
    values = {
        name: value for k, name, d, value in entity.dialect_options if k == key and d == dialect
    }
    for name, value in values.items():
        if value is None:
            unresolved.add(f"{key}.{name}")
            continue
        unresolved.discard(f"{key}.{name}")
        if name == "default":
            column = replace(column, default=value)
        elif name == "computed" and column.computed is not None:
            column = replace(column, computed=replace(column.computed, sqltext=value))
    return column


def _created_on(entity: EntitySchema, accepted: frozenset[str]) -> TableSchema:
    """The table without the objects ``.ddl_if(dialect=...)`` makes on other dialects."""
    table = entity.table
    if not entity.dialect_only:
        return table
    absent = {key for key, dialects in entity.dialect_only if not accepted & set(dialects)}
    return replace(
        table,
        indexes=tuple(
            i for i in table.indexes if index_key(i.name, i.columns, i.unique) not in absent
        ),
        unique_constraints=tuple(
            u
            for u in table.unique_constraints
            if object_key("unique", u.name, u.columns) not in absent
        ),
        foreign_keys=tuple(
            f
            for f in table.foreign_keys
            if object_key("foreign_key", f.name, f.columns) not in absent
        ),
        check_constraints=tuple(
            c for c in table.check_constraints if check_key(c.name, c.sqltext) not in absent
        ),
    )


def _has_identical_uniques(entity: EntitySchema) -> bool:
    columns = [u.columns for u in entity.table.unique_constraints]
    return len(set(columns)) < len(columns)


def _merged(
    uniques: tuple[UniqueConstraintSchema, ...],
) -> tuple[UniqueConstraintSchema, ...]:
    """One unique constraint per column list, the first (as SQLite and PostgreSQL keep)."""
    kept: dict[tuple[str, ...], UniqueConstraintSchema] = {}
    for unique in uniques:
        kept.setdefault(unique.columns, unique)
    return tuple(kept.values())


def _too_long(entity: EntitySchema, dialect: str) -> bool:
    """Whether a convention-made name exceeds the dialect's limit (a quick scan of names)."""
    if not entity.conventional_names:
        return False
    index_max, constraint_max = _name_limits(dialect)
    table = entity.table
    if index_max is not None and any(
        i.name is not None and len(i.name) > index_max for i in table.indexes
    ):
        return True
    if constraint_max is None:
        return False
    names = [u.name for u in table.unique_constraints]
    names += [f.name for f in table.foreign_keys]
    names += [c.name for c in table.check_constraints]
    names.append(table.primary_key.name if table.primary_key else None)
    return any(name is not None and len(name) > constraint_max for name in names)


_Shorten = Callable[[str, str | None, tuple[str, ...], int | None], str | None]


def truncated_name(name: str, limit: int) -> str:
    """SQLAlchemy's shortening of a too-long convention name for a dialect."""
    from sqlalchemy.util import md5_hex

    return name[0 : limit - 8] + "_" + md5_hex(name)[-4:]


def _fk(fk: ForeignKeySchema, name: str | None) -> ForeignKeySchema:
    return replace(fk, name=name)


def _pk(
    pk: PrimaryKeySchema | None, shorten: _Shorten, limit: int | None
) -> PrimaryKeySchema | None:
    if pk is None:
        return None
    name = shorten("primary_key", pk.name, pk.columns, limit)
    return replace(pk, name=name)


def _rekey(key: str, renamed: dict[str, str]) -> str:
    for old, new in renamed.items():
        if key == old or key.startswith(old + "."):
            return new + key[len(old) :]
    return key


@cache
def _name_limits(dialect: str) -> tuple[int | None, int | None]:
    """(index, constraint) name length limits of a dialect, from SQLAlchemy itself."""
    instance = compiler_dialect(dialect)
    identifier = getattr(instance, "max_identifier_length", None)
    index = getattr(instance, "max_index_name_length", None) or identifier
    constraint = getattr(instance, "max_constraint_name_length", None) or identifier
    return index, constraint
