"""Columns from ``mapped_column(...)``, ``Column(...)`` and annotations, as drafts.

Arguments of ``mapped_column`` calls written inside ``Annotated[...]`` aliases are merged
first and the attribute's own call wins, as in SQLAlchemy. Python-side ``default=`` and
``onupdate=`` are not database defaults and only matter for the autoincrement rule.
"""

from __future__ import annotations

import ast
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ..schema import ComputedSchema, IdentitySchema, TypeSpec
from .compiles import DialectText
from .evaluate import Evaluator
from .model import Note, NoteReason, SourceRange
from .resolve import Definition, External
from .source import SYNTHETIC, ParsedFile
from .tables import ColumnDraft, ConstraintDraft, ForeignKeyDraft
from .values import ColumnMeta, Placeholder, Unresolvable
from .wrappers import Wrapper, sqlalchemy_callee

if TYPE_CHECKING:
    from .bases import MetadataInfo

_T = TypeVar("_T")

#: Looks up a mapped class's table: (table name, schema) and an attribute's column name.
TableLookup = Callable[[Definition], "tuple[str, str | None] | None"]
ColumnNameLookup = Callable[[Definition, str], str]
MetadataLookup = Callable[[Definition], "MetadataInfo | None"]

_SCHEMA_ITEMS = (
    "ForeignKey",
    "Sequence",
    "Identity",
    "Computed",
    "CheckConstraint",
    "FetchedValue",
    "DefaultClause",
    "UniqueConstraint",
)
NOT_COLUMNS = frozenset(
    {
        "relationship",
        "relation",
        "column_property",
        "synonym",
        "composite",
        "query_expression",
        "deferred",
        "association_proxy",
        "dynamic_loader",
        "backref",
        "Relationship",
        "hybrid_property",
    }
)


class Argument(NamedTuple):
    """One argument as written, with the file it was written in (aliases live elsewhere).
    A named tuple: a models file has several per column, and tuples are cheap to make."""

    file: ParsedFile
    node: ast.expr


@dataclass(slots=True)
class ColumnCall:
    """The merged arguments of column calls: positional schema items and keywords."""

    name: Argument | None = None
    type: Argument | None = None
    items: list[Argument] = field(default_factory=list)
    keywords: dict[str, Argument] = field(default_factory=dict)


@dataclass
class ColumnContext:
    evaluator: Evaluator
    table_of: TableLookup
    column_name_of: ColumnNameLookup
    #: names assigned in the class body being read (tables kept as class attributes)
    local_names: dict[str, ast.expr] = field(default_factory=dict)
    #: the MetaData a declarative class carries (``Table("t", Base.metadata, ...)``), as
    #: the declarative reader knows it (assignments to ``Base.metadata`` included)
    metadata_of: MetadataLookup = field(default=lambda _definition: None)
    #: the mapped class whose body is being read (``ForeignKey(key)`` names its attribute)
    current_class: Definition | None = None
    #: ``item_kind`` by node (the node kept with it, so its id cannot be reused)
    _kinds: dict[int, tuple[ast.expr, str | None]] = field(default_factory=dict)

    def item_kind(self, argument: Argument) -> str | None:
        """Which schema item a positional argument is (``ForeignKey``...), if any; asked
        while reading the call and again while building the column."""
        node = argument.node
        known = self._kinds.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        kind = self._item_kind(argument)
        self._kinds[id(node)] = (node, kind)
        return kind

    def _item_kind(self, argument: Argument) -> str | None:
        node = argument.node
        target = node.func if isinstance(node, ast.Call) else node
        ref = self.evaluator.resolver.resolve(argument.file, target)
        if isinstance(ref, External):
            last = ref.name.rpartition(".")[2]
            if last in _SCHEMA_ITEMS and (ref.name.partition(".")[0] in ("sqlalchemy", "sqlmodel")):
                return last
        return None


def read_call(
    context: ColumnContext,
    file: ParsedFile,
    call: ast.Call,
    into: ColumnCall,
    wrapper: Wrapper | None = None,
) -> None:
    """Add a ``mapped_column``/``Column`` call's arguments to ``into`` (later calls win);
    a forwarding ``wrapper``'s keywords are applied as the wrapper would."""
    _read_arguments(context, file, call, into)
    if wrapper is not None:
        for name, value in wrapper.defaults.items():
            into.keywords.setdefault(name, Argument(wrapper.file, value))
        for name, value in wrapper.forced.items():
            into.keywords[name] = Argument(wrapper.file, value)


def _read_arguments(
    context: ColumnContext, file: ParsedFile, call: ast.Call, into: ColumnCall
) -> None:
    positional = list(call.args)
    first = positional[0] if positional else None
    if first is not None and _is_name_argument(context, file, first):
        into.name = Argument(file, positional.pop(0))
    for node in positional:
        argument = Argument(file, node)
        if isinstance(node, ast.Starred):
            into.keywords["*"] = argument
        elif context.item_kind(argument) is not None:
            into.items.append(argument)
        else:
            into.type = argument
    for keyword in call.keywords:
        if keyword.arg is None:
            into.keywords["**"] = Argument(file, keyword.value)
        elif keyword.arg == "type_":
            into.type = Argument(file, keyword.value)
        else:
            into.keywords[keyword.arg] = Argument(file, keyword.value)


def _is_name_argument(context: ColumnContext, file: ParsedFile, node: ast.expr) -> bool:
    """Whether a column call's first positional argument is its name: a string, written
    or computed (an f-string, a constant, a loop variable), as SQLAlchemy tells it."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, (ast.BinOp, ast.Name, ast.Attribute)):
        ref = (
            None if isinstance(node, ast.BinOp) else context.evaluator.resolver.resolve(file, node)
        )
        if isinstance(ref, External):
            return False  # ``Integer``, ``sa.String``: a type
        try:
            return isinstance(context.evaluator.value(file, node), str)
        except Unresolvable:
            return False
    return False


@dataclass
class AnnotationInfo:
    """What a ``Mapped[...]`` annotation says about a column."""

    lookup: Any  # the type to look up (an ``Annotated`` alias kept whole)
    plain: Any  # without ``Annotated``
    optional: bool
    metas: list[ColumnMeta]
    mapped: bool


def read_annotation(evaluator: Evaluator, file: ParsedFile, node: ast.expr) -> AnnotationInfo:
    """Unwrap ``Mapped``, ``Optional``/``X | None`` and ``Annotated``; raises Unresolvable."""
    value = evaluator.python_type(file, node)
    mapped = False
    origin = typing.get_origin(value)
    if origin is not None and getattr(origin, "__name__", "") in (
        "Mapped",
        "WriteOnlyMapped",
        "DynamicMapped",
    ):
        mapped = True
        value = typing.get_args(value)[0]
    optional = False
    metas: list[ColumnMeta] = []
    lookup = None
    for _ in range(8):
        if typing.get_origin(value) is typing.Annotated:
            metas.extend(m for m in value.__metadata__ if isinstance(m, ColumnMeta))
            if lookup is None:
                lookup = value
            value = value.__origin__
            continue
        if typing.get_origin(value) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(value) if a is not type(None)]
            if len(args) < len(typing.get_args(value)):
                optional = True
                value = args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
                continue
        break
    return AnnotationInfo(lookup if lookup is not None else value, value, optional, metas, mapped)


def _decorator_class(evaluator: Evaluator, argument: Argument) -> Definition | None:
    """The project ``TypeDecorator`` a type argument names (``EnumAsString(Status)``)."""
    from .custom_types import decorator_chain

    node = argument.node.func if isinstance(argument.node, ast.Call) else argument.node
    ref = evaluator.resolver.resolve(argument.file, node)
    if isinstance(ref, Definition) and decorator_chain(evaluator, ref) is not None:
        return ref
    return None


def type_spec(evaluator: Evaluator, argument: Argument) -> TypeSpec:
    """The TypeSpec of an explicit type argument (``String(50)``, ``sa.Integer``)."""
    return type_specs(evaluator, argument)[0]


#: A type's ``with_variant`` types by dialect name; where a ``@compiles`` override makes the
#: type unknowable on a dialect, the reason instead (``compiles.py``).
Variants = dict[str, "TypeSpec | Unresolvable"]


def type_specs(evaluator: Evaluator, argument: Argument) -> tuple[TypeSpec, Variants]:
    """The TypeSpec of an explicit type argument and of its ``with_variant`` types by
    dialect name (or, for a type the project compiles itself, its type on each dialect)."""
    spec, variants, _unknown = written_type(evaluator, argument)
    return spec, variants


def written_type(
    evaluator: Evaluator, argument: Argument
) -> tuple[TypeSpec, Variants, dict[str, str]]:
    """``type_specs``, and the parameters of the type that only a run-time spread sets
    (``String(250, **COLLATION_ARGS)``) with why each is not known."""
    from sqlalchemy.types import TypeEngine

    from .values import UNKNOWN_PARAMETERS

    value = evaluator.value(argument.file, argument.node)
    unknown: dict[str, str] = dict(getattr(value, UNKNOWN_PARAMETERS, {}))
    if getattr(value, "type_factory", False):  # a type class we model as a function
        value = value()
    if isinstance(value, type) and issubclass(value, TypeEngine):
        try:
            value = value()
        except Exception as exc:
            raise Unresolvable(f"{value.__name__}() needs arguments") from exc
    if isinstance(value, TypeEngine):
        value = library_type(value)
    mapping = {}
    for dialect, variant in (getattr(value, "_variant_mapping", None) or {}).items():
        variant = library_type(variant)  # ``.with_variant(JSONType(), "sqlite")``
        mapping[dialect] = (getattr(variant, "_variant_mapping", None) or {}).get(dialect, variant)
    if evaluator.compile_overrides is not None:
        compiled = evaluator.compile_overrides.type_specs(evaluator, value, mapping)
        if compiled is not None:
            return (*compiled, unknown)
    if not isinstance(value, TypeEngine):
        raise Unresolvable(f"{ast.unparse(argument.node)} is not a SQLAlchemy type")
    variants: Variants = {dialect: spec_of(variant) for dialect, variant in mapping.items()}
    return spec_of(value), variants, unknown


def _compiled_annotation_type(evaluator: Evaluator, found: Any) -> tuple[TypeSpec, Variants]:
    """An annotation's type (a spec, or a spec and its variants) with the project's
    ``@compiles`` overrides applied, as ``type_specs`` applies them to a written type."""
    spec, variants = found if isinstance(found, tuple) else (found, {})
    overrides = evaluator.compile_overrides
    if overrides is not None:
        compiled = overrides.spec_type_specs(evaluator, spec, variants)
        if compiled is not None:
            return compiled[0], dict(compiled[1])
    return spec, dict(variants)


def library_type(value: Any) -> Any:
    """A library's ``TypeDecorator`` (sqlalchemy-utils' ``JSONType``...), built by the real
    library, as the SQLAlchemy type it creates: its impl, with a variant for each dialect
    whose ``load_dialect_impl`` gives another."""
    from sqlalchemy.types import TypeDecorator

    if not isinstance(value, TypeDecorator) or type(value).__module__.startswith("sqlalchemy."):
        return value
    from .custom_types import DIALECTS, public_type, real_dialect

    try:
        built = public_type(value.impl_instance)
        for dialect in DIALECTS:
            chosen = public_type(value.load_dialect_impl(real_dialect(dialect)))
            if type(chosen) is not type(built) or repr(chosen) != repr(built):
                built = built.with_variant(chosen, dialect)
    except Exception as exc:
        raise Unresolvable(f"{type(value).__name__} ({exc})") from exc
    return built


def spec_of(value: Any) -> TypeSpec:
    if type(value).__module__.split(".")[0] != "sqlalchemy":
        raise Unresolvable(f"custom type {type(value).__name__}")
    return TypeSpec.of(value)


def written_call(file: ParsedFile, node: ast.expr | None) -> SourceRange | None:
    """Where a column's call is written, when it is a call of this file as written (not
    syntax copied out of a project helper's body, whose text is elsewhere)."""
    if not isinstance(node, ast.Call) or getattr(node, SYNTHETIC, False):
        return None
    return file.range(node)


def build_column(
    context: ColumnContext,
    call: ColumnCall,
    *,
    key: str,
    key_range: SourceRange,
    statement_range: SourceRange | None,
    annotation: AnnotationInfo | None,
    annotation_type: Callable[[AnnotationInfo], Any] | None,
    legacy: bool,
    call_range: SourceRange | None = None,
) -> ColumnDraft:
    """A column draft from merged call arguments and the annotation, if any."""
    evaluator = context.evaluator
    draft = ColumnDraft(
        key=key,
        name=key,
        range=key_range,
        statement_range=statement_range,
        call_range=call_range,
    )

    def note(message: str, where: Argument | None = None) -> None:
        place = where.file.range(where.node) if where else key_range
        draft.notes.append(Note(f"not checked: {message}", place))

    def field_note(what: str, cause: Unresolvable | str, where: Argument | None = None) -> None:
        """A note the table's other columns with the same cause join (grouped_notes)."""
        place = where.file.range(where.node) if where else key_range
        advice = cause.advice if isinstance(cause, Unresolvable) else None
        draft.notes.append(Note.about((key,), NoteReason(what, str(cause), advice), place))

    def per_dialect(
        field_name: str, values: Iterable[tuple[str, Any]], what: str, where: Argument | None
    ) -> None:
        """Values an override makes differ per dialect: each dialect's (``for_dialect``
        applies it), a note on a dialect where it cannot be known, one note if nowhere."""
        values = list(values)
        unknown = [(d, v) for d, v in values if isinstance(v, Unresolvable)]
        for dialect, value in values:
            if isinstance(value, Unresolvable):
                draft.dialect_values[(field_name, dialect)] = None
            elif isinstance(value, str):  # types: a known one is a variant type
                draft.dialect_values[(field_name, dialect)] = value
        if unknown and len(unknown) == len(values):
            draft.unresolved.add(field_name)
            field_note(what, unknown[0][1], where)
            return
        place = where.file.range(where.node) if where else key_range
        for dialect, reason in unknown:
            said = NoteReason(what, str(reason), getattr(reason, "advice", None))
            draft.dialect_notes.append((dialect, Note.about((key,), said, place)))

    def keep_variants(variants: Variants, what: str, where: Argument | None) -> None:
        known = {d: v for d, v in variants.items() if isinstance(v, TypeSpec)}
        draft.type_variants = known
        if len(known) < len(variants):
            unknown = [(d, v) for d, v in variants.items() if not isinstance(v, TypeSpec)]
            per_dialect("type", [*known.items(), *unknown], what, where)

    def literal(name: str, default: Any = None) -> Any:
        argument = call.keywords.get(name)
        if argument is None:
            return default
        try:
            return evaluator.value(argument.file, argument.node)
        except Unresolvable as exc:
            draft.unresolved.add(_FIELD_OF.get(name, name))
            field_note(f"{name}= of {{}}", exc, argument)
            return default

    if "**" in call.keywords or "*" in call.keywords:
        field_note("the arguments passed with * or ** to {}", "not read", call.keywords.get("**"))
        draft.unresolved.update({"type", "nullable", "default", "autoincrement", "comment"})
    if call.name is not None:
        name_value = literal_string(evaluator, call.name)
        if name_value:
            draft.name = name_value
    name_keyword = literal("name")
    if isinstance(name_keyword, str):
        draft.name = name_keyword

    # Type: explicit argument, else the annotation, else the foreign key's target.
    if call.type is not None:
        draft.type_text = call.type.file.text(call.type.node)
        draft.type_range = call.type.file.range(call.type.node)
        try:
            draft.sa_type, variants, unknown = _memo(evaluator, "type", call.type, written_type)
            keep_variants(variants, "the type of {}", call.type)
            draft.processed_by = _decorator_class(evaluator, call.type)
            for parameter, why in unknown.items():
                draft.unresolved.add(f"type.{parameter}")  # the rest of the type is compared
                field_note(f"the {parameter} of {{}}", why, call.type)
        except Unresolvable as exc:
            draft.unresolved.add("type")
            field_note("the type of {}", exc, call.type)
    elif (
        annotation is not None
        and annotation_type is not None
        and not _has_foreign_key(context, call)
    ):
        # With a ForeignKey and no explicit type, SQLAlchemy ignores the annotation's type
        # and copies the referred column's (filled in once every table is known).
        try:
            found = annotation_type(annotation)
            if isinstance(found, tuple) or evaluator.compile_overrides is not None:
                draft.sa_type, variants = _compiled_annotation_type(evaluator, found)
                keep_variants(variants, "the type of {}", None)
            else:
                draft.sa_type = found
        except Unresolvable as exc:
            draft.unresolved.add("type")
            field_note("the type of {}", exc)

    primary_key = literal("primary_key", False) is True
    draft.primary_key = primary_key
    nullable = literal("nullable")
    if isinstance(nullable, bool):
        draft.nullable = nullable
        draft.keeps_nullable = True
    elif annotation is not None and annotation.mapped and not legacy:
        draft.nullable = annotation.optional
        draft.keeps_nullable = primary_key  # Mapped[Optional[...]] with primary_key=True
    else:
        draft.nullable = True
    autoincrement = literal("autoincrement", "auto")
    draft.autoincrement = (
        autoincrement if autoincrement in (True, False, "auto", "ignore_fk") else "auto"
    )
    draft.python_default = (
        "insert_default" in call.keywords
        or "default_factory" in call.keywords
        or ("default" in call.keywords and _is_non_none_default(call.keywords["default"]))
    )
    draft.index = literal("index", False) is True
    draft.unique = literal("unique", False) is True
    comment = literal("comment")
    draft.comment = str.__str__(comment) if isinstance(comment, str) else None
    server_default = call.keywords.get("server_default")
    if server_default is not None:
        try:
            sql = _memo(evaluator, "default", server_default, server_default_sql)
            if isinstance(sql, DialectText):
                draft.server_default = sql.neutral
                if sql.neutral is None:
                    draft.unresolved.add("default")
                per_dialect(
                    "default",
                    _dialect_texts(sql),
                    "the server default of {}",
                    server_default,
                )
            else:
                draft.server_default = sql
        except Unresolvable as exc:
            draft.unresolved.add("default")
            field_note("the server default of {}", exc, server_default)

    for item in call.items:
        kind = context.item_kind(item)
        if kind == "ForeignKey" and isinstance(item.node, ast.Call):
            fk = read_foreign_key(context, item, note)
            if fk is not None:
                draft.foreign_keys.append(fk)
        elif kind == "Identity":
            try:
                identity = evaluator.value(item.file, item.node)
                draft.identity = IdentitySchema(
                    always=bool(identity.always),
                    start=identity.start,
                    increment=identity.increment,
                )
                if not isinstance(nullable, bool):
                    draft.nullable = False  # an identity column is NOT NULL by default
            except Unresolvable as exc:
                draft.unresolved.add("identity")
                note(f"Identity ({exc})", item)
        elif kind == "Computed":
            try:
                computed = evaluator.value(item.file, item.node)
                overrides = evaluator.compile_overrides
                compiled = overrides.sql(evaluator, computed.sqltext) if overrides else None
                if compiled is None:
                    text = compile_sql(computed.sqltext)
                else:
                    text = compiled.neutral or ""
                    if compiled.neutral is None:
                        draft.unresolved.add("computed")
                    per_dialect(
                        "computed", _dialect_texts(compiled), "the generated expression of {}", item
                    )
                draft.computed = ComputedSchema(text, computed.persisted)
            except Unresolvable as exc:
                draft.unresolved.add("computed")
                note(f"Computed ({exc})", item)
        elif kind in ("FetchedValue", "DefaultClause"):
            draft.unresolved.add("default")
            note(f"{kind} of {key}", item)
        elif kind == "Sequence":
            # SQLAlchemy calls nextval itself where the dialect has sequences (PostgreSQL,
            # MariaDB: a plain key) and ignores it elsewhere (MySQL AUTO_INCREMENT, SQLite
            # rowid): what the database does depends on it, so it is not compared.
            draft.unresolved.add("autoincrement")
        elif kind == "CheckConstraint":
            try:
                check = evaluator.value(item.file, item.node)
                draft.checks.append(
                    ConstraintDraft(
                        "check",
                        check.name if isinstance(check.name, str) else None,
                        [key],
                        item.file.range(item.node),
                        sqltext=compile_sql(check.sqltext),
                    )
                )
            except Unresolvable as exc:
                draft.table_unresolved.add("table.check_constraints")
                note(f"a column-level CheckConstraint ({exc})", item)
    return draft


def _memo(
    evaluator: Evaluator,
    kind: str,
    argument: Argument,
    compute: Callable[[Evaluator, Argument], _T],
) -> _T:
    """The same expression text means the same thing anywhere in one module: evaluate it
    once per module (types and defaults repeat across the classes of a models file)."""
    if getattr(argument.node, SYNTHETIC, False):
        return compute(evaluator, argument)  # a helper's copy: its names have other scopes
    key = (kind, id(argument.file), argument.file.text(argument.node))
    memo = evaluator.memo
    if key not in memo:
        try:
            memo[key] = compute(evaluator, argument)
        except Unresolvable as exc:
            memo[key] = exc
    found = memo[key]
    if isinstance(found, Unresolvable):
        raise found
    return found  # type: ignore[no-any-return]


def _has_foreign_key(context: ColumnContext, call: ColumnCall) -> bool:
    return any(context.item_kind(item) == "ForeignKey" for item in call.items)


_FIELD_OF = {"server_default": "default", "primary_key": "nullable"}


def _is_non_none_default(argument: Argument) -> bool:
    node = argument.node
    return not (isinstance(node, ast.Constant) and node.value is None)


def literal_string(evaluator: Evaluator, argument: Argument) -> str | None:
    try:
        value = evaluator.value(argument.file, argument.node)
    except Unresolvable:
        return None
    # a ``(str, Enum)`` member as the characters it holds, as SQLAlchemy writes it
    return str.__str__(value) if isinstance(value, str) else None


def read_foreign_key(
    context: ColumnContext,
    argument: Argument,
    note: Callable[[str, Argument | None], None],
) -> ForeignKeyDraft | None:
    """``ForeignKey("t.c")``, ``ForeignKey("s.t.c")``, ``ForeignKey(Model.col)``,
    ``ForeignKey(Model.__table__.c.col)`` with ``ondelete``/``onupdate``/``name``."""
    call = argument.node
    assert isinstance(call, ast.Call)
    file = argument.file
    where = file.range(call)
    if not call.args:
        note("ForeignKey without a target", argument)
        return None
    target = resolve_column_target(context, file, call.args[0])
    fk = ForeignKeyDraft(columns=[], referred_columns=[], referred_table=None, range=where)
    if target is None:
        fk.unresolved = True
        note(f"the target of {ast.unparse(call)}", argument)
    else:
        fk.referred_schema, fk.referred_table, column = target
        fk.referred_columns = [column]
    read_foreign_key_options(context.evaluator, file, call, fk, note)
    return fk


def read_foreign_key_options(
    evaluator: Evaluator,
    file: ParsedFile,
    call: ast.Call,
    fk: ForeignKeyDraft,
    note: Callable[[str, Argument | None], None],
) -> None:
    for keyword in call.keywords:
        if keyword.arg not in ("ondelete", "onupdate", "name", "deferrable", "initially"):
            continue
        try:
            value = evaluator.value(file, keyword.value)
        except Unresolvable as exc:
            note(f"{keyword.arg}= of a foreign key ({exc})", Argument(file, keyword.value))
            fk.unresolved = True
            continue
        if keyword.arg == "ondelete":
            fk.on_delete = value.upper() if isinstance(value, str) else None
        elif keyword.arg == "onupdate":
            fk.on_update = value.upper() if isinstance(value, str) else None
        elif keyword.arg == "name":
            fk.name = value if isinstance(value, str) else None
        elif keyword.arg == "deferrable":
            fk.deferrable = value if isinstance(value, bool) else None
        elif keyword.arg == "initially":
            fk.initially = value if isinstance(value, str) else None


def resolve_column_target(
    context: ColumnContext, file: ParsedFile, node: ast.expr
) -> tuple[str | None, str, str] | None:
    """(schema, table, column) a foreign key points at, or None when unknown."""
    evaluator = context.evaluator
    scope = evaluator.class_scope
    current = context.current_class
    if isinstance(node, ast.Name) and current is not None and scope and node.id in scope:
        # ``ForeignKey(key)``: an attribute of the class being read (a self-reference)
        table = context.table_of(current)
        if table is not None:
            return table[1], table[0], context.column_name_of(current, node.id)
    if isinstance(node, ast.Attribute):
        column_key = node.attr
        owner = node.value
        # table.c.col / table.columns.col of an imperative Table(...)
        if isinstance(owner, ast.Attribute) and owner.attr in ("c", "columns"):
            local = (
                context.local_names.get(owner.value.id)
                if isinstance(owner.value, ast.Name)
                else None
            )
            if isinstance(local, ast.Call):
                table = imperative_table_name(context, file, local)
                if table is not None:
                    return table[1], table[0], column_key
            table_ref = evaluator.resolver.resolve(file, owner.value)
            if isinstance(table_ref, Definition) and isinstance(table_ref.node, ast.Call):
                table = imperative_table_name(context, table_ref.file, table_ref.node)
                if table is not None:
                    return table[1], table[0], column_key
        # Model.__table__.c.col / Model.__table__.columns.col
        if (
            isinstance(owner, ast.Attribute)
            and owner.attr in ("c", "columns")
            and isinstance(owner.value, ast.Attribute)
            and owner.value.attr == "__table__"
        ):
            owner = owner.value.value
        ref = evaluator.resolver.resolve(file, owner)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
            table = context.table_of(ref)
            if table is None:
                return None
            return table[1], table[0], context.column_name_of(ref, column_key)
    try:
        value = evaluator.value(file, node)
    except Unresolvable:
        return None
    if isinstance(value, str):
        parts = value.split(".")
        if len(parts) == 2:
            return None, parts[0], parts[1]
        if len(parts) == 3:
            return parts[0], parts[1], parts[2]
    return None


def imperative_table_name(
    context: ColumnContext, file: ParsedFile, call: ast.Call
) -> tuple[str, str | None] | None:
    """(name, schema) of a ``Table("name", metadata, ..., schema=...)`` call."""
    callee = sqlalchemy_callee(context.evaluator.resolver, file, call)
    if callee is None or not callee[0].is_sqlalchemy("Table") or not call.args:
        return None
    name = literal_string(context.evaluator, Argument(file, call.args[0]))
    if name is None:
        return None
    schema = None
    for keyword in call.keywords:
        if keyword.arg == "schema":
            schema = literal_string(context.evaluator, Argument(file, keyword.value))
    return name, schema


def server_default_sql(evaluator: Evaluator, argument: Argument) -> str | DialectText:
    """The SQL of a server default, spelled dialect-neutrally: ``"abc"`` -> ``'abc'``,
    ``text("'x'")`` -> ``'x'``, ``func.now()`` -> ``now()``, ``sa.false()`` -> ``false``;
    per dialect where a project's ``@compiles`` override renders part of it."""
    value = evaluator.value(argument.file, argument.node)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    from sqlalchemy.sql.elements import ClauseElement
    from sqlalchemy.sql.schema import DefaultClause

    if isinstance(value, DefaultClause):
        value = value.arg
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
    if isinstance(value, ClauseElement):
        overrides = evaluator.compile_overrides
        compiled = overrides.sql(evaluator, value) if overrides is not None else None
        return compiled if compiled is not None else compile_sql(value)
    raise Unresolvable(f"{type(value).__name__} is not a server default")


def _dialect_texts(sql: DialectText) -> list[tuple[str, str | Unresolvable]]:
    reasons = dict(sql.reasons)
    return [
        (dialect, text if text is not None else Unresolvable(reasons.get(dialect, "")))
        for dialect, text in sql.texts
    ]


def compile_sql(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return str(value.compile(dialect=_dialect(), compile_kwargs={"literal_binds": True}))
    except Exception as exc:
        raise Unresolvable(f"cannot render {type(value).__name__}") from exc


@cache
def _dialect() -> Any:
    from sqlalchemy.engine.default import DefaultDialect

    dialect = DefaultDialect()
    dialect.supports_native_boolean = True  # true/false, not 1/0
    return dialect


def is_placeholder(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, Placeholder)
