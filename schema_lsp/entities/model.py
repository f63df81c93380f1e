"""What a model file declares: a TableSchema per entity plus where each part was written.

The parser fills the same TableSchema/ColumnSchema types the database side uses, so diff
compares like with like and the renderers serve both sides. What cannot be known without
running the code (a custom type, a default computed in Python) is listed in ``unresolved``
and never compared; ``notes`` tell the user what was not checked and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..schema import TableSchema, TypeSpec


@dataclass(frozen=True, order=True)
class SourceRange:
    """A span of one file. Lines and columns are 0-based; columns count code points of the
    line (the language server converts them to the client's position encoding)."""

    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Note:
    """Something the parser could not check; shown as information, never as a difference."""

    message: str
    range: SourceRange


def object_key(kind: str, name: str | None, columns: tuple[str, ...] = ()) -> str:
    """The key of a table-level object in ``EntitySchema.ranges``: ``column:email``,
    ``index:ix_users_email`` (or ``index:(email,name)`` when unnamed), ``unique:...``,
    ``foreign_key:...``, ``check:...``, ``primary_key``, ``table``."""
    if kind in ("primary_key", "table"):
        return kind
    if name:
        return f"{kind}:{name}"
    return f"{kind}:({','.join(columns)})"


@dataclass(frozen=True)
class EntitySchema:
    """One mapped class or imperative ``Table(...)``: the table it declares and its sources.

    ``table.columns[i].type`` is the type as written in the source (``String(50)``,
    ``Mapped[int]``); ``sa_type`` is the SQLAlchemy type it resolves to. ``table.columns``
    includes columns inherited from mixins and bases, in SQLAlchemy's order.
    """

    table: TableSchema
    range: SourceRange  # the class name (or the Table(...) call): table-level diagnostics
    class_name: str | None = None  # None for an imperative Table(...)
    #: object_key(...) -> where it is declared; inherited columns point into the mixin.
    ranges: tuple[tuple[str, SourceRange], ...] = ()
    #: ``"<object_key>.<field>"`` for values the parser could not resolve statically,
    #: e.g. ``"column:price.type"`` or ``"column:created.default"``: diff skips them.
    unresolved: frozenset[str] = frozenset()
    notes: tuple[Note, ...] = ()
    #: Values that apply to one dialect only, from ``postgresql_where=``-style keywords:
    #: ``(object_key, field, dialect, value)``; value None when it could not be read.
    #: The neutral entity carries a value when all such keywords agree (else the field is
    #: unresolved); ``for_dialect`` gives the exact value for one dialect.
    dialect_options: tuple[tuple[str, str, str, str | None], ...] = ()
    #: ``with_variant`` types: ``(column name, dialect, type)``; the column's ``sa_type`` is
    #: the type on other dialects, its type unresolved here and resolved by ``for_dialect``.
    dialect_types: tuple[tuple[str, str, TypeSpec], ...] = ()
    _ranges: dict[str, SourceRange] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ranges", dict(self.ranges))

    def range_of(self, key: str) -> SourceRange:
        """Where an object is declared; falls back to the entity itself."""
        return self._ranges.get(key, self.range)

    def is_resolved(self, key: str, field_name: str) -> bool:
        return f"{key}.{field_name}" not in self.unresolved

    def for_dialect(self, dialect: str) -> EntitySchema:
        """This entity as created on ``dialect`` (a SQLAlchemy dialect name): index
        predicates and methods written for that dialect apply, other dialects' are absent
        (SQLAlchemy ignores them there). Compare with this, not the neutral entity."""
        if not self.dialect_options and not self.dialect_types:
            return self
        accepted = {"mysql", "mariadb"} if dialect in ("mysql", "mariadb") else {dialect}
        written = {(key, name) for key, name, _, _ in self.dialect_options}
        chosen = {
            (key, name): value
            for key, name, option_dialect, value in self.dialect_options
            if option_dialect in accepted
        }
        unresolved = set(self.unresolved)
        indexes = []
        for index in self.table.indexes:
            key = object_key("index", index.name, index.columns)
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
        columns = []
        variants = {(name, d): spec for name, d, spec in self.dialect_types}
        varied = {name for name, _, _ in self.dialect_types}
        for column in self.table.columns:
            if column.name not in varied:
                columns.append(column)
                continue
            spec = variants.get((column.name, dialect)) or next(
                (variants[(column.name, d)] for d in accepted if (column.name, d) in variants),
                column.sa_type,
            )
            columns.append(replace(column, sa_type=spec))
            unresolved.discard(f"{object_key('column', column.name)}.type")
        table = replace(self.table, indexes=tuple(indexes), columns=tuple(columns))
        return replace(
            self,
            table=table,
            unresolved=frozenset(unresolved),
            dialect_options=(),
            dialect_types=(),
        )
