"""What a model file declares: a TableSchema per entity plus where each part was written.

The parser fills the same TableSchema/ColumnSchema types the database side uses, so diff
compares like with like and the renderers serve both sides. What cannot be known without
running the code (a custom type, a default computed in Python) is listed in ``unresolved``
and never compared; ``notes`` tell the user what was not checked and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..naming import DEFAULT_CONVENTION
from ..schema import TableSchema, TypeSpec
from ..text import SourceRange


@dataclass(frozen=True)
class NoteReason:
    """Why a field of a model was not checked, the same for every field it affects, so the
    notes of one table with one reason are said once (``grouped_notes``).

    ``what`` names the part not checked with ``{}`` where the fields go (``"the type of
    {}"``), ``why`` is the cause (``"Money is a custom class"``), ``advice`` what the user can
    do about it, when something can be done."""

    what: str
    why: str
    advice: str | None = None

    def message(self, subjects: Sequence[str]) -> str:
        text = f"not checked: {self.what.replace('{}', ', '.join(subjects))} ({self.why})"
        return f"{text}; {self.advice}" if self.advice else text


@dataclass(frozen=True)
class Note:
    """Something the parser could not check; shown as information, never as a difference.
    ``reason`` and ``subjects`` (the column keys it is about) are set for notes about
    fields, which ``grouped_notes`` merges per reason; ``name`` for a note about a named
    index or constraint."""

    message: str
    range: SourceRange
    reason: NoteReason | None = None
    subjects: tuple[str, ...] = ()
    name: str | None = None

    @classmethod
    def about(cls, subjects: Sequence[str], reason: NoteReason, where: SourceRange) -> Note:
        return cls(reason.message(subjects), where, reason, tuple(subjects))


@dataclass(frozen=True)
class FileProblem:
    """A model file that could not be read or parsed at all (SL002, an error): a check
    that read nothing of a file must never say the models are in sync. ``range`` is where
    it failed (the syntax error, the byte that does not decode), or the file's start."""

    message: str
    range: SourceRange


def grouped_notes(notes: Iterable[Note]) -> list[Note]:
    """One note per (file, reason): the fields it affects named together, on the first
    one's range; a note without a reason kept as it is; each note once, in first order."""
    order: list[Note | tuple[str, NoteReason]] = []
    groups: dict[tuple[str, NoteReason], list[Note]] = {}
    seen: set[Note] = set()
    for note in notes:
        if note.reason is None:
            if note not in seen:
                seen.add(note)
                order.append(note)
            continue
        key = (note.range.path, note.reason)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(note)
    result: list[Note] = []
    for item in order:
        if isinstance(item, Note):
            result.append(item)
            continue
        members = groups[item]
        subjects = tuple(dict.fromkeys(s for note in members for s in note.subjects))
        if len(members) == 1 or len(subjects) == len(members[0].subjects):
            result.append(members[0])
        else:
            result.append(Note.about(subjects, item[1], members[0].range))
    return result


#: The key of ``EntitySchema.ranges`` that says where the ``__table_args__`` SQLAlchemy
#: uses for a class is written (the class, a mixin or base, a ``declared_attr``).
TABLE_ARGS = "table_args"


def object_key(kind: str, name: str | None, columns: tuple[str, ...] = ()) -> str:
    """The key of a table-level object in ``EntitySchema.ranges``: ``column:email``,
    ``index:ix_users_email`` (or ``index:(email,name)`` when unnamed), ``unique:...``,
    ``foreign_key:...``, ``check:...``, ``primary_key``, ``table``."""
    if kind in ("primary_key", "table"):
        return kind
    if name:
        return f"{kind}:{name}"
    return f"{kind}:({','.join(columns)})"


def index_key(name: str | None, columns: tuple[str, ...], unique: bool = False) -> str:
    """An index's key: ``object_key("index", ...)``, with ``+unique`` for an unnamed unique
    one, so ``index=True`` and ``Index(None, "c", unique=True, ...)`` on the same column
    keep their own ranges and dialect options."""
    key = object_key("index", name, columns)
    return f"{key}+unique" if unique and not name else key


def check_key(name: str | None, sqltext: str) -> str:
    """The key of a check constraint: by name, else by its text (unnamed checks are many)."""
    return object_key("check", name, () if name else (sqltext,))


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
    #: Objects made on some dialects only (``Index(...).ddl_if(dialect="postgresql")``):
    #: ``(object_key, dialects)``; ``for_dialect`` leaves them out elsewhere.
    dialect_only: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: object keys whose name a naming convention made (SQLAlchemy shortens those, per
    #: dialect, when they are too long; ``for_dialect`` does the same)
    conventional_names: frozenset[str] = frozenset()
    #: declared with ``extend_existing=True``: merged into another declaration of its table
    extend_existing: bool = False
    #: the naming convention of the table's ``MetaData`` as the parser resolved it (across
    #: the workspace, from a base imported from elsewhere too), items in order: the names
    #: ``index=True`` or ``unique=True`` get. An unreadable one names nothing
    #: (``naming.UNREADABLE_TEMPLATE``).
    naming_convention: tuple[tuple[str, Any], ...] = tuple(DEFAULT_CONVENTION.items())
    #: the whole ``class`` statements that map the table: the entity's class and its
    #: single-table subclasses (empty for an imperative ``Table(...)``). Code in any other
    #: class (a mixin, a shared base) is other tables' too.
    classes: tuple[SourceRange, ...] = ()
    _ranges: dict[str, SourceRange] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ranges", dict(self.ranges))

    @property
    def convention(self) -> Mapping[str, Any]:
        return dict(self.naming_convention)

    def recorded(self, key: str) -> SourceRange | None:
        """Where the parser recorded ``key`` (``column:email.call``), None if nowhere."""
        return self._ranges.get(key)

    def range_of(self, key: str) -> SourceRange:
        """Where an object is declared; falls back to the entity itself."""
        return self._ranges.get(key, self.range)

    def is_resolved(self, key: str, field_name: str) -> bool:
        return not self.unresolved or f"{key}.{field_name}" not in self.unresolved

    def for_dialect(self, dialect: str) -> EntitySchema:
        """This entity as SQLAlchemy creates it on ``dialect`` (a dialect name): index
        predicates, methods, ``with_variant`` types and ``ddl_if`` objects written for that
        dialect apply, other dialects' are absent, names made by a naming convention are
        truncated to the dialect's identifier length, and what the database merges (see
        ``dialects.DialectRules``) is merged. Compare with this, not the neutral entity."""
        from .specialize import specialize

        return specialize(self, dialect)
