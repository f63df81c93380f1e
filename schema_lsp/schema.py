"""The schema model: what a database holds, as frozen, hashable, comparable values.

Everything downstream (registry, diff, renderers, the language server) reads these types and
nothing else; they never hold a connection, and ``snapshot`` turns them into JSON and back.
Collections are tuples so two reads of an unchanged database compare equal.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from sqlalchemy.types import TypeEngine

Scalar = str | int | float | bool | None

#: Constructor keywords that are plumbing, not part of what a type is (one is deprecated).
_PLUMBING_KEYWORDS = frozenset({"inherit_schema", "metadata", "create_type", "validate_strings"})

#: Modules a type may be rebuilt from; a snapshot file is input, so nothing else is imported.
_TYPE_MODULE_PREFIX = "sqlalchemy."

_T = TypeVar("_T")


def _quick_init(cls: type[_T]) -> type[_T]:
    """Give a frozen dataclass a quicker ``__init__``: the same signature and defaults, one
    ``object.__setattr__`` per field bound once per call instead of looked up per field
    (frozen classes may not assign). Instances stay as compact as the generated ones;
    classes with ``__post_init__`` or default factories keep the generated ``__init__``."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or any(
        f.default_factory is not dataclasses.MISSING or not f.init for f in fields
    ):
        raise TypeError(f"{cls.__name__}: _quick_init handles plain fields only")
    defaults = {f"_d_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING}
    parameters = ", ".join(
        f.name if f.default is dataclasses.MISSING else f"{f.name}=_d_{f.name}" for f in fields
    )
    body = "".join(f"    set_(self, {f.name!r}, {f.name})\n" for f in fields)
    source = f"def __init__(self, {parameters}):\n    set_ = _setattr\n{body}"
    namespace: dict[str, Any] = {}
    exec(source, {"_setattr": object.__setattr__, **defaults}, namespace)  # our field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc,method-assign]
    return cls


def _plain_scalar(value: Any) -> Any:
    """A str/int subclass (a ``class Status(str, Enum)`` member given as an Enum label) as
    the plain value it holds: what the DDL writes, and what data and messages show."""
    if isinstance(value, str) and type(value) is not str:
        return str.__str__(value)  # its characters (``str(member)`` would be ``Status.A``)
    for plain in (int, float):
        if isinstance(value, plain) and not isinstance(value, bool) and type(value) is not plain:
            return cast(Any, plain).__new__(plain, value)
    return value


@_quick_init
@dataclass(frozen=True)
class TypeSpec:
    """A SQLAlchemy type as data: its class and the constructor arguments that differ from
    the defaults, so a type read from a live database survives a snapshot and can be rebuilt.

    ``args`` holds positional arguments (enum and SET labels), ``kwargs`` keyword arguments
    as sorted ``(name, value)`` pairs of JSON scalars, ``item_type`` an ARRAY's element type.
    """

    class_path: str  # "sqlalchemy.dialects.postgresql.types:TIMESTAMP"
    args: tuple[Scalar, ...] = ()
    kwargs: tuple[tuple[str, Scalar], ...] = ()
    item_type: TypeSpec | None = None

    @property
    def name(self) -> str:
        """The type's class name, e.g. ``VARCHAR``."""
        return self.class_path.rpartition(":")[2]

    def __hash__(self) -> int:
        """Hashed once: type comparisons are memoized by TypeSpec, once per column."""
        try:
            return self.__dict__["_hash"]  # type: ignore[no-any-return]
        except KeyError:
            value = hash((self.class_path, self.args, self.kwargs, self.item_type))
            self.__dict__["_hash"] = value
            return value

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the cached hash: string hashes differ between processes."""
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def kwarg(self, key: str, default: Scalar = None) -> Scalar:
        for name, value in self.kwargs:
            if name == key:
                return value
        return default

    @classmethod
    def of(cls, type_: TypeEngine[Any]) -> TypeSpec:
        """Describe a SQLAlchemy type instance (reflected or built)."""
        type_class: type = type(type_)
        args: tuple[Scalar, ...] = ()
        enums = getattr(type_, "enums", None)
        if enums is not None:
            args = tuple(map(_plain_scalar, enums))
        elif type_class.__name__ == "SET":  # MySQL SET(*values)
            args = tuple(map(_plain_scalar, getattr(type_, "values", ())))
        item = getattr(type_, "item_type", None)
        item_type = cls.of(item) if item is not None and hasattr(item, "compile") else None
        kwargs = []
        for param, default in _init_keywords(type_class):
            if param in ("enums", "item_type") or (args and param == "length"):
                continue
            if param in _PLUMBING_KEYWORDS or param.startswith("_"):
                continue
            value = getattr(type_, param, default)
            if param == "collation" and value is None:
                continue
            if value == default or not isinstance(value, (str, int, float, bool)):
                continue
            kwargs.append((param, _plain_scalar(value)))
        # Enum keeps its name/schema as attributes, not as __init__ keywords.
        if enums is not None:
            for attr in ("name", "schema"):
                value = getattr(type_, attr, None)
                if isinstance(value, str) and attr not in dict(kwargs):
                    kwargs.append((attr, value))
            # Enum takes these through **kw, so the signature walk above cannot see them.
            if getattr(type_, "native_enum", True) is False:
                kwargs.append(("native_enum", False))
            length = getattr(type_, "length", None)
            if isinstance(length, int) and length != getattr(type_, "_default_length", length):
                kwargs.append(("length", length))
        return cls(
            class_path=f"{type_class.__module__}:{type_class.__qualname__}",
            args=args,
            kwargs=tuple(sorted(kwargs)),
            item_type=item_type,
        )

    def build(self) -> TypeEngine[Any]:
        """Rebuild the SQLAlchemy type; an unknown class gives ``NullType`` rather than fail."""
        from sqlalchemy.types import NullType

        module_name, _, qualname = self.class_path.partition(":")
        if not module_name.startswith(_TYPE_MODULE_PREFIX):
            return NullType()
        try:
            target: Any = importlib.import_module(module_name)
            for part in qualname.split("."):
                target = getattr(target, part)
            if self.item_type is not None:
                return target(self.item_type.build(), *self.args, **dict(self.kwargs))
            return target(*self.args, **dict(self.kwargs))
        except (ImportError, AttributeError, TypeError, ValueError):
            return NullType()


@cache
def _init_keywords(type_class: type) -> tuple[tuple[str, Any], ...]:
    """Keyword parameters (with defaults) across the class's ``__init__`` chain."""
    seen: dict[str, Any] = {}
    for klass in type_class.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            signature = inspect.signature(init)
        except (TypeError, ValueError):
            continue
        for param in signature.parameters.values():
            if param.name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if param.name not in seen:
                default = None if param.default is param.empty else param.default
                seen[param.name] = default
    return tuple(seen.items())


@_quick_init
@dataclass(frozen=True, slots=True)
class IdentitySchema:
    """An identity column's sequence options (PostgreSQL ``GENERATED ... AS IDENTITY``)."""

    always: bool = False
    start: int | None = None
    increment: int | None = None


@_quick_init
@dataclass(frozen=True, slots=True)
class ComputedSchema:
    """A generated column: its expression as the database prints it."""

    sqltext: str
    persisted: bool | None = None


@_quick_init
@dataclass(frozen=True, slots=True)
class ColumnSchema:
    """One column. ``type`` is the database's spelling (the declared type on SQLite, where
    types are free text); ``sa_type`` is the SQLAlchemy type the dialect maps it to."""

    name: str
    type: str
    sa_type: TypeSpec
    nullable: bool = True
    default: str | None = None  # server default, as SQL text
    autoincrement: bool = False
    identity: IdentitySchema | None = None
    computed: ComputedSchema | None = None
    comment: str | None = None
    enum_values: tuple[str, ...] | None = None
    collation: str | None = None


@_quick_init
@dataclass(frozen=True, slots=True)
class PrimaryKeySchema:
    """The primary key: its columns in key order (composite keys keep their order)."""

    columns: tuple[str, ...]
    name: str | None = None


@_quick_init
@dataclass(frozen=True, slots=True)
class IndexSchema:
    """An index. ``columns`` names the plain columns in order; ``expressions`` holds the
    SQL of every element, in order, when any element is an expression (else it is empty).

    ``implicit`` says why the database made the index itself, if it did: ``"unique"``
    (backs a unique constraint) or ``"foreign_key"`` (MySQL's index for a foreign key);
    such indexes are not the user's to declare.
    """

    name: str | None
    columns: tuple[str, ...]
    unique: bool = False
    expressions: tuple[str, ...] = ()
    method: str | None = None  # btree, hash, gin, ... where the dialect reports one
    where: str | None = None  # partial index predicate
    implicit: str | None = None

    @property
    def has_expressions(self) -> bool:
        return bool(self.expressions)


@_quick_init
@dataclass(frozen=True, slots=True)
class UniqueConstraintSchema:
    name: str | None
    columns: tuple[str, ...]


@_quick_init
@dataclass(frozen=True, slots=True)
class CheckConstraintSchema:
    name: str | None
    sqltext: str


@_quick_init
@dataclass(frozen=True, slots=True)
class ForeignKeySchema:
    """A foreign key; composite keys pair ``columns[i]`` with ``referred_columns[i]``."""

    name: str | None
    columns: tuple[str, ...]
    referred_table: str
    referred_columns: tuple[str, ...]
    referred_schema: str | None = None
    on_delete: str | None = None
    on_update: str | None = None
    deferrable: bool | None = None
    initially: str | None = None


@dataclass(frozen=True)
class EnumSchema:
    """A named enum type (PostgreSQL ``CREATE TYPE ... AS ENUM``)."""

    name: str
    values: tuple[str, ...]
    schema: str | None = None


@_quick_init
@dataclass(frozen=True)
class TableSchema:
    """A table or view. ``schema`` is None for the connection's default schema."""

    name: str
    columns: tuple[ColumnSchema, ...]
    schema: str | None = None
    primary_key: PrimaryKeySchema | None = None
    indexes: tuple[IndexSchema, ...] = ()
    unique_constraints: tuple[UniqueConstraintSchema, ...] = ()
    foreign_keys: tuple[ForeignKeySchema, ...] = ()
    check_constraints: tuple[CheckConstraintSchema, ...] = ()
    comment: str | None = None
    is_view: bool = False
    #: what of the table's definition the read could not understand (SQLAlchemy's MySQL
    #: reflection skips a line of ``SHOW CREATE TABLE`` it cannot parse, such as a column
    #: whose name holds a line break); None when read in full. Such a table is not compared.
    incomplete: str | None = None

    @property
    def key(self) -> str:
        """``schema.name``, or ``name`` in the default schema: how the registry names it."""
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> ColumnSchema | None:
        return self._columns_by_name.get(name)

    @cached_property
    def _columns_by_name(self) -> dict[str, ColumnSchema]:
        """Built on first lookup: diff looks up every column of a table by name."""
        by_name: dict[str, ColumnSchema] = {}
        for column in self.columns:
            by_name.setdefault(column.name, column)
        return by_name

    def is_primary_key(self, column_name: str) -> bool:
        return self.primary_key is not None and column_name in self.primary_key.columns


@dataclass(frozen=True)
class LimitedVisibility:
    """Schemas whose tables the reading account sees only one by one, per grant.

    MySQL and MariaDB show an account (in ``information_schema``, so in reflection too) only
    the tables it holds some privilege on, unless it has a global privilege or a privilege
    on the whole schema. In the schemas listed here a table missing from the read may exist
    all the same, hidden from ``account``; diff reports it as such, not as plainly missing.
    PostgreSQL catalogs list every table, and SQLite has no accounts: never set there.
    """

    account: str  # user@host as the URL names it; never a password
    schemas: tuple[str | None, ...]  # None is the connection's default schema


@dataclass(frozen=True)
class DatabaseSchema:
    """Everything read from one database in one pass, and when and from what it was read.
    Tables are kept ordered by (schema, name)."""

    dialect: str  # SQLAlchemy dialect name: postgresql, mysql, mariadb, sqlite
    server_version: str
    read_at: str  # ISO 8601, UTC
    tables: tuple[TableSchema, ...]
    default_schema: str | None = None
    schemas: tuple[str | None, ...] = (None,)
    enums: tuple[EnumSchema, ...] = ()
    #: Set when the account may not see every table of a schema read (MySQL/MariaDB
    #: least-privilege accounts); None when it sees them all. Snapshots written before this
    #: field existed load with None.
    limited_visibility: LimitedVisibility | None = None
    _by_key: dict[str, TableSchema] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # One canonical order, so equal databases compare equal however they were read.
        ordered = tuple(sorted(self.tables, key=lambda t: (t.schema or "", t.name)))
        object.__setattr__(self, "tables", ordered)
        index = {table.key: table for table in self.tables}
        object.__setattr__(self, "_by_key", index)

    def __iter__(self) -> Iterator[TableSchema]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def table(self, name: str, schema: str | None = None) -> TableSchema | None:
        """Find a table by name (``schema.name`` works too); the default schema may be
        named explicitly, so ``public.users`` and ``users`` are the same table."""
        if schema is None and name not in self._by_key and "." in name:
            schema, _, name = name.rpartition(".")
        if schema is not None and schema == self.default_schema:
            schema = None
        return self._by_key.get(f"{schema}.{name}" if schema else name)

    def may_hide(self, schema: str | None) -> bool:
        """Whether a table of ``schema`` (None or the default schema's name: the default
        schema) could exist yet be invisible to the account that read this database."""
        visibility = self.limited_visibility
        if visibility is None:
            return False
        if schema is not None and schema == self.default_schema:
            schema = None
        return schema in visibility.schemas

    @property
    def table_keys(self) -> tuple[str, ...]:
        return tuple(self._by_key)
