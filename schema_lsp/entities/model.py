"""What a model file declares: a TableSchema per entity plus where each part was written.

The parser fills the same TableSchema/ColumnSchema types the database side uses, so diff
compares like with like and the renderers serve both sides. What cannot be known without
running the code (a custom type, a default computed in Python) is listed in ``unresolved``
and never compared; ``notes`` tell the user what was not checked and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..schema import TableSchema, TypeSpec


class SourceRange(NamedTuple):
    """A span of one file. Lines and columns are 0-based; columns count code points of the
    line (the language server converts them to the client's position encoding).

    A named tuple rather than a dataclass: the parser makes three per column, and a tuple
    is several times cheaper to build and is left alone by the cyclic collector."""

    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int


#: Where a line ends for Python and for LSP: ``\n``, ``\r\n`` or ``\r`` (``str.splitlines``
#: would also split at form feeds and other separators, and shift every later line).
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def source_lines(text: str) -> list[str]:
    """The lines of a source text as ``SourceRange`` counts them, each with its break."""
    return [line for line in _LINE_END.split(text) if line]


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
    #: Values that apply to one dialect only, from ``postgresql_where=``-style keywords
    #: (an index's ``where``/``method``) and ``@compiles`` overrides (a column's
    #: ``default``/``computed`` SQL, its ``type`` None where unknown):
    #: ``(object_key, field, dialect, value)``; value None when it could not be read.
    #: The neutral entity carries a value when all such keywords agree (else the field is
    #: unresolved); ``for_dialect`` gives the exact value for one dialect.
    dialect_options: tuple[tuple[str, str, str, str | None], ...] = ()
    #: ``with_variant`` types: ``(column name, dialect, type)``; the column's ``sa_type`` is
    #: the type on other dialects, its type unresolved here and resolved by ``for_dialect``.
    dialect_types: tuple[tuple[str, str, TypeSpec], ...] = ()
    #: Notes that concern one dialect only (an override that cannot be read there):
    #: ``(dialect, note)``, added to ``notes`` by ``for_dialect``.
    dialect_notes: tuple[tuple[str, Note], ...] = ()
    #: object keys whose name a naming convention made (SQLAlchemy shortens those, per
    #: dialect, when they are too long; ``for_dialect`` does the same)
    conventional_names: frozenset[str] = frozenset()
    _ranges: dict[str, SourceRange] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ranges", dict(self.ranges))

    def range_of(self, key: str) -> SourceRange:
        """Where an object is declared; falls back to the entity itself."""
        return self._ranges.get(key, self.range)

    def is_resolved(self, key: str, field_name: str) -> bool:
        return not self.unresolved or f"{key}.{field_name}" not in self.unresolved

    def for_dialect(self, dialect: str) -> EntitySchema:
        """This entity as SQLAlchemy creates it on ``dialect`` (a dialect name): index
        predicates, methods and ``with_variant`` types written for that dialect apply,
        other dialects' are absent, and names made by a naming convention are truncated to
        the dialect's identifier length. Compare with this, not the neutral entity."""
        from .dialects import specialize

        return specialize(self, dialect)
