"""Keys and constraints: the primary key, indexes and unique constraints (matched by
structure before names), foreign keys and CHECK constraints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from ..entities.model import (
    check_key,
    index_key,
    object_key,
)
from ..schema import (
    CheckConstraintSchema,
    ForeignKeySchema,
    IndexSchema,
    UniqueConstraintSchema,
)
from ..sqltext import same_sql
from ..text import SourceRange
from ..types import check_constraint_values
from .base import TableBase, _elements
from .kinds import D, T


class KeyComparison(TableBase):
    """The key and constraint steps of a table's comparison."""

    def _primary_key(self) -> None:
        assert self.actual is not None
        mine = self.declared.primary_key.columns if self.declared.primary_key else ()
        theirs = self.actual.primary_key.columns if self.actual.primary_key else ()
        if mine == theirs or not self._complete("primary_key"):
            return
        if self._opaque and (self._opaque & set(theirs) or not mine):
            return  # a column we cannot see may carry the key
        where = self.entity.range_of(object_key("primary_key", None))
        if set(mine) == set(theirs):
            message = (
                f"table {self.key}: primary key column order ({', '.join(mine)}) in the model, "
                f"({', '.join(theirs)}) in the database"
            )
            self.add(
                "primary_key",
                message,
                range_=where,
                severity="warning",
                name=self._primary_key_name(),
                columns=mine,
            )
            return
        self.add(
            "primary_key",
            f"table {self.key}: primary key ({', '.join(mine) or 'none'}) in the model, "
            f"({', '.join(theirs) or 'none'}) in the database",
            range_=where,
            declared=self.declared,
            actual=self.actual,
            name=self._primary_key_name(),
            columns=mine or theirs,
        )

    def _primary_key_name(self) -> str | None:
        """The key's name where the model gives one (a database's own, ``PRIMARY`` or
        ``<table>_pkey``, says nothing more than the table does)."""
        return self.declared.primary_key.name if self.declared.primary_key else None

    def _indexes_and_uniques(self) -> None:
        """Uniqueness may live in a unique constraint or a unique index on either side;
        both are the same promise, so they are matched across kinds. Indexes the database
        made itself (``IndexSchema.implicit``) are the constraints' own and never compared."""
        assert self.actual is not None
        primary = self.actual.primary_key.columns if self.actual.primary_key else None
        indexes = [i for i in self.actual.indexes if i.implicit is None]
        uniques = list(self.actual.unique_constraints)
        used_indexes: set[int] = set()
        used_uniques: set[int] = set()

        # Names the model gives: a structural match prefers its own name and leaves the
        # others' alone (a column's unique=True beside a named unique Index on it).
        claimed = {u.name for u in self.declared.unique_constraints if u.name}
        claimed |= {i.name for i in self.declared.indexes if i.name}

        for unique in self.declared.unique_constraints:
            if unique.columns == primary:
                continue  # the primary key already is that constraint
            key = object_key("unique", unique.name, unique.columns)
            match: UniqueConstraintSchema | IndexSchema | None
            match = _take_named(uniques, used_uniques, _same_columns, unique, claimed)
            match = match or _take_named(
                indexes, used_indexes, _plain_unique_index, unique, claimed
            )
            if match is None:
                self.add(
                    "unique_missing",
                    f"table {self.key}: unique constraint on ({', '.join(unique.columns)}) "
                    "does not exist in the database",
                    range_=self.entity.range_of(key),
                    name=unique.name,
                    declared=unique,
                )
            else:
                self._name(unique.name, match.name, key, "unique constraint", unique.columns)

        # The same index written twice (``index=True`` and an ``Index`` of the name the
        # convention gives it) is one CREATE INDEX that succeeds: compared once.
        for index in dict.fromkeys(self.declared.indexes):
            key = index_key(index.name, index.columns, index.unique)
            where = self.entity.range_of(key)
            if not self.entity.is_resolved(key, "expressions"):
                # Not comparable, but it may well be there: take a same-named index so it
                # is not reported as missing from the model either.
                _take(indexes, used_indexes, _same_name, index)
                continue
            found: IndexSchema | UniqueConstraintSchema | None
            same = _same_index if self.entity.is_resolved(key, "where") else _same_index_any_where
            same = partial(same, dialect=self.dialect)
            found = _take_named(indexes, used_indexes, same, index, claimed)
            if found is None and index.unique and not index.expressions and not index.where:
                found = _take_named(uniques, used_uniques, _same_columns, index, claimed)
            if found is not None:
                self._name(index.name, found.name, key, "index", _elements(index))
                continue
            if self._backs_foreign_key(index):
                continue
            renamed = _take(indexes, used_indexes, _same_name, index)
            if renamed is None and index.name is not None:
                # MySQL reports a unique index as a unique constraint (its index implicit).
                backing = next(
                    (i for i in self.actual.indexes if i.implicit and i.name == index.name), None
                )
                constraint = None
                if backing is not None:
                    constraint = _take(uniques, used_uniques, _same_name, index)
                if constraint is not None:
                    renamed = backing
            if renamed is not None:
                self.add(
                    "index_changed",
                    f"table {self.key}: index {index.name} is {_describe_index(index)} in the "
                    f"model, {_describe_index(renamed)} in the database",
                    range_=where,
                    name=index.name,
                    declared=index,
                    actual=renamed,
                )
                continue
            self.add(
                "index_missing",
                f"table {self.key}: index {_named(index.name)}{_describe_index(index)} "
                "does not exist in the database",
                range_=where,
                name=index.name,
                declared=index,
            )

        for position, index in enumerate(indexes):
            if not self._complete("indexes"):
                break
            if self._opaque & set(index.columns):
                continue  # a column we cannot see may declare it
            if position not in used_indexes and not (index.unique and index.columns == primary):
                self.add(
                    "index_unmapped",
                    f"table {self.key}: index {index.name} {_describe_index(index)} is in the "
                    "database but not in the model",
                    name=index.name,
                    actual=index,
                )
        for position, unique in enumerate(uniques):
            if not self._complete("unique_constraints"):
                break
            if self._opaque & set(unique.columns):
                continue
            if position not in used_uniques and unique.columns != primary:
                self.add(
                    "unique_unmapped",
                    f"table {self.key}: unique constraint {unique.name or ''} on "
                    f"({', '.join(unique.columns)}) is in the database but not in the model",
                    name=unique.name,
                    actual=unique,
                )

    def _backs_foreign_key(self, index: IndexSchema) -> bool:
        """A plain index named like a foreign key's column, on that column: MySQL's own
        index for the key has the same name and columns, and the database cannot tell
        which made it (``create_all``'s ``CREATE INDEX`` after the table keeps it)."""
        assert self.actual is not None
        return not index.unique and any(
            i.implicit == "foreign_key" and i.name == index.name and i.columns == index.columns
            for i in self.actual.indexes
        )

    def _foreign_keys(self) -> None:
        assert self.actual is not None
        available = list(self.actual.foreign_keys)
        used: set[int] = set()
        matched: list[ForeignKeySchema] = []
        for fk in self.declared.foreign_keys:
            key = object_key("foreign_key", fk.name, fk.columns)
            where = self.entity.range_of(key)
            match = _take(available, used, self._same_target, fk)
            if match is not None:
                matched.append(fk)
            elif self.rules.merges_identical_foreign_keys and any(
                self._same_target(fk, earlier) for earlier in matched
            ):
                continue  # read back as the one it duplicates
            if match is None and not self.entity.is_resolved(key, "referred_table"):
                # its target could not be read (a note says so): the database's key on
                # those columns may well be it; nothing is claimed either way
                _take(available, used, _same_fk_columns, fk)
                continue
            if match is None:
                match = _take(available, used, _same_fk_columns, fk)
                if match is not None:
                    change = f"{_target(fk)} in the model, {_target(match)} in the database"
                    self._foreign_key_changed(fk, match, where, f"references {change}")
                    continue
                self.add(
                    "foreign_key_missing",
                    f"table {self.key}: foreign key ({', '.join(fk.columns)}) -> {_target(fk)} "
                    "does not exist in the database",
                    range_=where,
                    name=fk.name,
                    declared=fk,
                )
                continue
            changes = []
            for label, mine, theirs in (
                ("ON DELETE", fk.on_delete, match.on_delete),
                ("ON UPDATE", fk.on_update, match.on_update),
            ):
                if self._action(mine) != self._action(theirs):
                    changes.append(
                        f"{label} {mine or 'NO ACTION'} in the model, "
                        f"{theirs or 'NO ACTION'} in the database"
                    )
            if self.rules.reports_deferral and _deferral(fk) != _deferral(match):
                changes.append(f"{_deferral(fk)} in the model, {_deferral(match)} in the database")
            if changes:
                self._foreign_key_changed(
                    fk, match, where, f"-> {_target(fk)}: {'; '.join(changes)}"
                )
                continue
            self._name(fk.name, match.name, key, "foreign key", fk.columns)
        for position, fk in enumerate(available):
            if self._opaque & set(fk.columns):
                continue  # a column we cannot see may declare it
            if position not in used and self._complete("foreign_keys"):
                self.add(
                    "foreign_key_unmapped",
                    f"table {self.key}: foreign key {fk.name or ''} ({', '.join(fk.columns)}) "
                    f"-> {_target(fk)} is in the database but not in the model",
                    name=fk.name,
                    actual=fk,
                )

    def _foreign_key_changed(
        self, fk: ForeignKeySchema, match: ForeignKeySchema, where: SourceRange, change: str
    ) -> None:
        self.add(
            "foreign_key_changed",
            f"table {self.key}: foreign key ({', '.join(fk.columns)}) {change}",
            range_=where,
            name=fk.name or match.name,
            declared=fk,
            actual=match,
        )

    def _action(self, action: str | None) -> str:
        """A referential action as the database enforces it: NO ACTION is everyone's
        default; some databases treat others the same (``DialectRules.same_actions``)."""
        value = (action or "NO ACTION").upper()
        return self.rules.same_actions.get(value, value)

    def _same_target(self, declared: ForeignKeySchema, actual: ForeignKeySchema) -> bool:
        if declared.columns != actual.columns or declared.referred_table != actual.referred_table:
            return False
        if declared.referred_columns != actual.referred_columns:
            return False
        return self._schema(declared.referred_schema) == self._schema(actual.referred_schema)

    def _schema(self, schema: str | None) -> str | None:
        return None if schema == self.database.default_schema else schema

    def _checks(self) -> None:
        assert self.actual is not None
        available = list(self.actual.check_constraints)
        used: set[int] = set()
        for check in self.declared.check_constraints:
            key = check_key(check.name, check.sqltext)
            match = _take(available, used, partial(_same_check, dialect=self.dialect), check)
            if match is None:
                self.add(
                    "check_missing",
                    f"table {self.key}: check constraint {check.name or ''} "
                    f"({check.sqltext}) does not exist in the database",
                    range_=self.entity.range_of(key),
                    name=check.name,
                    declared=check,
                )
        for position, check in enumerate(available):
            if (
                position not in used
                and self._complete("check_constraints")
                and (not self._type_check(check))
            ):
                self.add(
                    "check_unmapped",
                    f"table {self.key}: check constraint {check.name or ''} ({check.sqltext}) "
                    "is in the database but not in the model",
                    name=check.name,
                    actual=check,
                )

    def _type_check(self, check: CheckConstraintSchema) -> bool:
        """A CHECK the column's own type makes (``Enum(native_enum=False,
        create_constraint=True)``, ``Boolean(create_constraint=True)``): part of the type,
        compared with it, not a constraint the model should declare (Alembic issue 1859)."""
        assert self.actual is not None
        alone = replace(self.actual, check_constraints=(check,))
        for column in self.declared.columns:
            kind = column.sa_type.name.lower()
            if "enum" in kind and check_constraint_values(alone, column.name) is not None:
                return True
            if "bool" in kind:
                (name,) = _quoted((column.name,))
                if same_sql(f"{name} IN (0, 1)", check.sqltext, self.dialect):
                    return True
        return False


def _take(
    candidates: Sequence[T], used: set[int], accept: Callable[[D, T], bool], declared: D
) -> T | None:
    """The first unused candidate that ``accept(declared, candidate)`` takes, marked used."""
    for position, candidate in enumerate(candidates):
        if position not in used and accept(declared, candidate):
            used.add(position)
            return candidate
    return None


def _take_named(
    candidates: Sequence[T],
    used: set[int],
    accept: Callable[[D, T], bool],
    declared: D,
    claimed: set[str],
) -> T | None:
    """Like ``_take``, preferring a candidate of the declared object's own name, then one
    whose name no other declared object claims."""
    name = getattr(declared, "name", None)

    def own_name(item: D, candidate: T) -> bool:
        return accept(item, candidate) and getattr(candidate, "name", None) == name

    def unclaimed(item: D, candidate: T) -> bool:
        return accept(item, candidate) and getattr(candidate, "name", None) not in claimed

    found = _take(candidates, used, own_name, declared) if name else None
    found = found or _take(candidates, used, unclaimed, declared)
    return found or _take(candidates, used, accept, declared)


def _same_columns(
    declared: IndexSchema | UniqueConstraintSchema, actual: UniqueConstraintSchema
) -> bool:
    return declared.columns == actual.columns


def _plain_unique_index(
    declared: UniqueConstraintSchema | IndexSchema, actual: IndexSchema
) -> bool:
    return (
        actual.unique
        and not actual.expressions
        and not actual.where
        and (actual.columns == declared.columns)
    )


def _same_name(declared: IndexSchema, actual: IndexSchema | UniqueConstraintSchema) -> bool:
    return declared.name is not None and actual.name == declared.name


def _same_check(
    declared: CheckConstraintSchema, actual: CheckConstraintSchema, *, dialect: str
) -> bool:
    if same_sql(declared.sqltext, actual.sqltext, dialect):
        return True
    return declared.name is not None and actual.name == declared.name


def _same_fk_columns(declared: ForeignKeySchema, actual: ForeignKeySchema) -> bool:
    return declared.columns == actual.columns


def _same_index(declared: IndexSchema, actual: IndexSchema, *, dialect: str) -> bool:
    if declared.unique != actual.unique:
        return False
    if declared.expressions or actual.expressions:
        mine = declared.expressions or _quoted(declared.columns)
        theirs = actual.expressions or _quoted(actual.columns)
        pairs = zip(mine, theirs, strict=False)
        if len(mine) != len(theirs) or not all(same_sql(m, t, dialect) for m, t in pairs):
            return False
    elif declared.columns != actual.columns:
        return False
    if declared.where is not None or actual.where is not None:
        if declared.where is None or actual.where is None:
            return False
        if not same_sql(declared.where, actual.where, dialect):
            return False
    return not declared.method or (actual.method or "btree") == declared.method.lower()


def _same_index_any_where(declared: IndexSchema, actual: IndexSchema, *, dialect: str) -> bool:
    """For a partial index whose predicate the parser could not read."""
    return _same_index(replace(declared, where=actual.where), actual, dialect=dialect)


def _quoted(columns: Sequence[str]) -> tuple[str, ...]:
    """Column names as SQL text (an index element beside expressions)."""
    return tuple('"' + column.replace('"', '""') + '"' for column in columns)


def _named(name: str | None) -> str:
    return f"{name} " if name else ""


def _describe_index(index: IndexSchema) -> str:
    elements = index.expressions or index.columns
    text = f"{'unique ' if index.unique else ''}({', '.join(elements)})"
    if index.method:
        text += f" using {index.method}"
    if index.where:
        text += f" where {index.where}"
    return text


def _target(fk: ForeignKeySchema) -> str:
    table = f"{fk.referred_schema}.{fk.referred_table}" if fk.referred_schema else fk.referred_table
    return f"{table}({', '.join(fk.referred_columns)})"


def _deferral(fk: ForeignKeySchema) -> str:
    """How a key is checked, as PostgreSQL words it (only it reports deferrability)."""
    if not fk.deferrable:
        return "NOT DEFERRABLE"
    return f"DEFERRABLE INITIALLY {(fk.initially or 'IMMEDIATE').upper()}"
