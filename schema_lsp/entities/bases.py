"""Declarative bases and metadata: what every mapped class under a base shares.

A base brings a MetaData (naming convention, default schema) and, for SQLAlchemy 2.0, a
``type_annotation_map`` that turns annotations into column types. Annotations resolve
through a real (empty) ``sqlalchemy.orm.registry`` holding the base's map, so the rules are
SQLAlchemy's own for the installed version.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from ..naming import (
    DEFAULT_CONVENTION,
    UNREADABLE_TEMPLATE,
    NamingError,
    NamingTarget,
    TokenFunction,
    normalize_convention,
)
from ..schema import TypeSpec
from .columns import AnnotationInfo, is_placeholder, library_type, spec_of
from .evaluate import Evaluator
from .resolve import Definition, External
from .source import ParsedFile, single_assignment
from .values import StaticObject, Unresolvable

#: A convention no object satisfies: names become unresolved when the real one is unknown.
UNKNOWN_CONVENTION = {kind: UNREADABLE_TEMPLATE for kind in ("ix", "uq", "ck", "fk", "pk")}


@dataclass
class MetadataInfo:
    convention: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CONVENTION))
    schema: str | None = None
    schema_known: bool = True


@dataclass
class BaseInfo:
    """A declarative base (``DeclarativeBase`` subclass, ``declarative_base()``,
    ``registry().generate_base()``, or SQLModel)."""

    kind: str  # "sqlalchemy", "sqlmodel" or "flask" (Flask-SQLAlchemy's db.Model)
    metadata: MetadataInfo = field(default_factory=MetadataInfo)
    type_map: dict[Any, Any] = field(default_factory=dict)
    unknown_keys: list[Any] = field(default_factory=list)
    #: the base is outside the workspace: its type map (hence annotation types) is unknown
    outside: bool = False
    _registry: Any = None
    _resolved: dict[Any, Any] = field(default_factory=dict)

    def annotation_type(
        self, info: AnnotationInfo
    ) -> TypeSpec | tuple[TypeSpec, dict[str, TypeSpec]] | None:
        """SQLAlchemy's type for a ``Mapped[...]`` annotation, with its per-dialect types
        when it has some (raises Unresolvable)."""
        try:
            key = (info.lookup, info.plain)
            cached = self._resolved.get(key)
        except TypeError:  # an unhashable annotation: no caching
            return self._annotation_type(info)
        if cached is None:
            try:
                cached = self._annotation_type(info)
            except Unresolvable as exc:
                cached = exc
            self._resolved[key] = cached
        if isinstance(cached, Unresolvable):
            raise cached
        return cached

    def _annotation_type(
        self, info: AnnotationInfo
    ) -> TypeSpec | tuple[TypeSpec, dict[str, TypeSpec]] | None:
        if self.outside:
            raise Unresolvable(
                "the base's type_annotation_map is outside the workspace",
                "add the module that defines the declarative base to the workspace",
            )
        if is_placeholder(info.plain) and info.plain not in self.type_map:
            raise Unresolvable(f"{info.plain.__sa_qualname__} has no SQL type in the type map")
        for key in (info.lookup, info.plain):
            if any(key == unknown for unknown in self.unknown_keys):
                raise Unresolvable("its type_annotation_map entry could not be read")
        if self._registry is None:
            from sqlalchemy.orm import registry

            try:
                self._registry = registry(type_annotation_map=self.type_map)
            except Exception:
                self._registry = registry()
        try:
            resolved = self._registry._resolve_type(info.lookup)
            if resolved is None and info.lookup is not info.plain:
                resolved = self._registry._resolve_type(info.plain)
        except Exception as exc:
            raise Unresolvable(str(exc).split("\n")[0]) from exc
        if resolved is None:
            raise Unresolvable(f"{_type_name(info.plain)} has no SQL type in the type map")
        resolved = library_type(resolved)
        variants = getattr(resolved, "_variant_mapping", None) or {}
        if variants:  # a map entry with per-dialect types (a with_variant, a TypeDecorator)
            return spec_of(resolved), {d: _variant_spec(v) for d, v in variants.items()}
        return spec_of(resolved)


def _variant_spec(variant: Any) -> Any:
    """A map entry's variant as data; a type the project compiles itself stays as it is
    (``compiles.py`` renders it per dialect)."""
    from .compiles import CompiledType

    return variant if isinstance(variant, CompiledType) else spec_of(variant)


def _type_name(value: Any) -> str:
    return getattr(value, "__name__", None) or repr(value)


def read_metadata(
    evaluator: Evaluator, file: ParsedFile, node: ast.expr | None, depth: int = 0
) -> MetadataInfo:
    """A ``MetaData(naming_convention=..., schema=...)`` call (or a name bound to one, or
    to another name for it: ``metadata = Model.metadata``)."""
    if node is None:
        return MetadataInfo()
    ref = None
    if isinstance(node, (ast.Name, ast.Attribute)):
        ref = evaluator.resolver.resolve(file, node)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.Call):
            return read_metadata(evaluator, ref.file, ref.node)
        if (
            isinstance(ref, Definition)
            and isinstance(ref.node, (ast.Name, ast.Attribute))
            and depth < _MAX_BASE_DEPTH
        ):
            return read_metadata(evaluator, ref.file, ref.node, depth + 1)
        if isinstance(node, ast.Attribute) and node.attr == "metadata":
            owner = evaluator.resolver.resolve(file, node.value)
            if isinstance(owner, Definition):
                found = metadata_of_base_node(evaluator, owner)
                if found is not None:
                    return found
        if isinstance(ref, External) and ref.name.endswith("SQLModel.metadata"):
            return MetadataInfo()
        return MetadataInfo(dict(UNKNOWN_CONVENTION), schema_known=False)
    if not isinstance(node, ast.Call):
        return MetadataInfo(dict(UNKNOWN_CONVENTION), schema_known=False)
    callee = evaluator.callee(file, node)
    if not (isinstance(callee, External) and callee.is_sqlalchemy("MetaData")):
        return MetadataInfo(dict(UNKNOWN_CONVENTION), schema_known=False)
    info = MetadataInfo()
    for keyword in node.keywords:
        if keyword.arg == "naming_convention":
            # MetaData() keeps its default convention when given an empty one
            info.convention = read_convention(evaluator, file, keyword.value) or dict(
                DEFAULT_CONVENTION
            )
        elif keyword.arg == "schema":
            try:
                value = evaluator.value(file, keyword.value)
                info.schema = value if isinstance(value, str) else None
            except Unresolvable:
                info.schema_known = False
        elif keyword.arg is None:
            info.convention = dict(UNKNOWN_CONVENTION)
            info.schema_known = False
    return info


def read_convention(evaluator: Evaluator, file: ParsedFile, node: ast.expr) -> dict[str, str]:
    """A naming convention dict; entries that are not plain strings are left out (names
    that need them become unresolved)."""
    if isinstance(node, ast.Name):
        ref = evaluator.resolver.resolve(file, node)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.Dict):
            return read_convention(evaluator, ref.file, ref.node)
    if isinstance(node, ast.Dict):
        raw: dict[object, object] = {}
        for key, value in zip(node.keys, node.values, strict=False):
            if key is None:
                continue
            try:
                function = _token_function(evaluator, file, value)
                raw[evaluator.value(file, key)] = function or evaluator.value(file, value)
            except Unresolvable:
                continue
        convention = normalize_convention(raw)
        if node.keys and not convention:
            return dict(UNKNOWN_CONVENTION)  # entries, none readable: not "no convention"
        return convention
    try:
        value = evaluator.value(file, node)
    except Unresolvable:
        return dict(UNKNOWN_CONVENTION)
    return normalize_convention(value) if isinstance(value, dict) else dict(UNKNOWN_CONVENTION)


class _StaticToken(TokenFunction):
    """A project function used as a convention token, evaluated for each object."""

    def __init__(self, evaluator: Evaluator, definition: Definition) -> None:
        self.evaluator = evaluator
        self.definition = definition

    def __call__(self, target: NamingTarget) -> str:
        from .values import VALUE, TableValue

        function = self.definition.node
        assert isinstance(function, ast.FunctionDef)
        parameters = [a.arg for a in function.args.args]
        if len(parameters) != 2:
            raise NamingError(f"{self.definition.name}() takes other arguments")
        bindings: dict[str, ast.expr] = {}
        for parameter, value in zip(
            parameters,
            (_ConstraintValue(target), TableValue(target.table, target.schema)),
            strict=True,
        ):
            name = ast.Name(id=parameter, ctx=ast.Load())
            setattr(name, VALUE, value)
            bindings[parameter] = name
        try:
            expression = self.evaluator.inliner.inline_body(
                self.definition.file, function, bindings, function
            )
            value = self.evaluator.value(self.definition.file, expression)
        except Unresolvable as exc:
            raise NamingError(f"the naming convention's {self.definition.name}() ({exc})") from exc
        if not isinstance(value, str):
            raise NamingError(f"the naming convention's {self.definition.name}() is no string")
        return value


class _ConstraintValue(StaticObject):
    """The constraint or index a convention token function is called with."""

    def __init__(self, target: NamingTarget) -> None:
        self.target = target

    def get(self, attr: str) -> Any:
        if attr == "columns":
            return list(self.target.columns)
        if attr == "name":
            return self.target.name
        if attr == "unique":
            return self.target.unique
        raise Unresolvable(f"constraint.{attr}")


def _token_function(evaluator: Evaluator, file: ParsedFile, node: ast.expr) -> TokenFunction | None:
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return None
    ref = evaluator.resolver.resolve(file, node)
    if isinstance(ref, Definition) and isinstance(ref.node, ast.FunctionDef):
        return _StaticToken(evaluator, ref)
    return None


def read_type_map(evaluator: Evaluator, file: ParsedFile, node: ast.expr) -> dict[Any, Any] | None:
    """A ``type_annotation_map``: keys are annotations, values SQLAlchemy types; entries
    that cannot be read are marked unknown (those annotations then become unresolved).
    None when the map itself cannot be read."""
    from sqlalchemy.types import TypeEngine

    if isinstance(node, ast.Name):
        ref = evaluator.resolver.resolve(file, node)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.Dict):
            return read_type_map(evaluator, ref.file, ref.node)
    result: dict[Any, Any] = {}
    if not isinstance(node, ast.Dict):
        return None
    for key, value in zip(node.keys, node.values, strict=False):
        if key is None:
            continue
        try:
            python_type = evaluator.python_type(file, key)
            sql_type = evaluator.value(file, value)
            if isinstance(sql_type, type) and issubclass(sql_type, TypeEngine):
                sql_type = sql_type()
            spec_of(library_type(sql_type))
            hash(python_type)
        except (Unresolvable, TypeError):
            result[_poisoned(evaluator, file, key)] = _UNKNOWN_TYPE
            continue
        result[python_type] = sql_type
    return result


class _UnknownType:
    """Marks a map entry we could not read; looking it up must not fall back silently."""


_UNKNOWN_TYPE = _UnknownType()


def _poisoned(evaluator: Evaluator, file: ParsedFile, key: ast.expr) -> Any:
    try:
        return evaluator.python_type(file, key)
    except Unresolvable:
        return object()


def metadata_of_base_node(
    evaluator: Evaluator, definition: Definition, depth: int = 0
) -> MetadataInfo | None:
    """MetaData written on a base class body or in a ``declarative_base(...)`` call, or
    inherited from the class's own bases (``class Model(Base)`` with ``Base =
    declarative_base()``, as Flask-AppBuilder writes it)."""
    node = definition.node
    if isinstance(node, ast.ClassDef):
        for statement in node.body:
            target, value = single_assignment(statement)
            if target == "metadata" and value is not None:
                return read_metadata(evaluator, definition.file, value)
            if target == "registry" and isinstance(value, ast.Call):
                for keyword in value.keywords:
                    if keyword.arg == "metadata":
                        return read_metadata(evaluator, definition.file, keyword.value)
        if depth < _MAX_BASE_DEPTH:
            for base in node.bases:
                parent = evaluator.resolver.resolve(definition.file, base)
                if isinstance(parent, Definition) and parent.node is not node:
                    found = metadata_of_base_node(evaluator, parent, depth + 1)
                    if found is not None:
                        return found
        return None
    if isinstance(node, ast.Call):
        for keyword in node.keywords:
            if keyword.arg == "metadata":
                return read_metadata(evaluator, definition.file, keyword.value)
        return MetadataInfo()
    return None


#: How far up a chain of project base classes MetaData is looked for.
_MAX_BASE_DEPTH = 20


def base_from_class(evaluator: Evaluator, definition: Definition) -> BaseInfo:
    """A ``class Base(DeclarativeBase)`` body: metadata, type_annotation_map, registry."""
    assert isinstance(definition.node, ast.ClassDef)
    base = BaseInfo("sqlalchemy")
    metadata = metadata_of_base_node(evaluator, definition)
    if metadata is not None:
        base.metadata = metadata
    for statement in definition.node.body:
        target, value = single_assignment(statement)
        if value is None:
            continue
        if target == "type_annotation_map":
            _set_type_map(base, read_type_map(evaluator, definition.file, value))
        elif target == "registry":
            found = _registry_call(evaluator, definition.file, value)
            if found is None:
                # a registry made by project code: its map and metadata are unknown
                base.metadata = unknown_metadata()
                base.outside = True
                continue
            _read_base_keywords(evaluator, *found, base)
    _check_unknown(base)
    return base


def _read_base_keywords(
    evaluator: Evaluator, file: ParsedFile, call: ast.Call, base: BaseInfo
) -> None:
    """``metadata=`` and ``type_annotation_map=`` of a ``declarative_base()`` or
    ``registry()`` call."""
    for keyword in call.keywords:
        if keyword.arg == "metadata":
            base.metadata = read_metadata(evaluator, file, keyword.value)
        elif keyword.arg == "type_annotation_map":
            _set_type_map(base, read_type_map(evaluator, file, keyword.value))


def _set_type_map(base: BaseInfo, type_map: dict[Any, Any] | None) -> None:
    if type_map is None:
        base.outside = True
    else:
        base.type_map = type_map


def _registry_call(
    evaluator: Evaluator, file: ParsedFile, node: ast.expr
) -> tuple[ParsedFile, ast.Call] | None:
    """The ``registry(...)`` call an expression is, directly or through a name."""
    if isinstance(node, ast.Name):
        ref = evaluator.resolver.resolve(file, node)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.Call):
            file, node = ref.file, ref.node
    if isinstance(node, ast.Call):
        callee = evaluator.callee(file, node)
        if isinstance(callee, External) and callee.is_sqlalchemy("registry"):
            return file, node
    return None


def base_from_call(evaluator: Evaluator, file: ParsedFile, call: ast.Call) -> BaseInfo | None:
    """``declarative_base(...)``, ``registry(...).generate_base()``, ``reg.generate_base()``."""
    callee = evaluator.callee(file, call)
    if evaluator.resolver.flask_class(file, call.func) is not None:
        base = BaseInfo("flask")
        for keyword in call.keywords:
            if keyword.arg == "metadata":
                base.metadata = read_metadata(evaluator, file, keyword.value)
            elif keyword.arg in ("model_class", None):  # a custom model class: unknown
                base.metadata = unknown_metadata()
                base.outside = True
        return base
    found: tuple[ParsedFile, ast.Call] | None = None
    if isinstance(callee, External) and callee.is_sqlalchemy("declarative_base"):
        found = (file, call)
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "generate_base":
        found = _registry_call(evaluator, file, call.func.value)
    if found is None:
        return None
    base = BaseInfo("sqlalchemy")
    _read_base_keywords(evaluator, *found, base)
    _check_unknown(base)
    return base


def unknown_metadata() -> MetadataInfo:
    return MetadataInfo(dict(UNKNOWN_CONVENTION), schema_known=False)


def base_from_registry(evaluator: Evaluator, file: ParsedFile, call: ast.Call) -> BaseInfo | None:
    """The base a ``registry(...)`` stands for (``@reg.mapped`` classes)."""
    ref = evaluator.callee(file, call)
    if not (isinstance(ref, External) and ref.is_sqlalchemy("registry")):
        return None
    base = BaseInfo("sqlalchemy")
    for keyword in call.keywords:
        if keyword.arg == "metadata":
            base.metadata = read_metadata(evaluator, file, keyword.value)
        elif keyword.arg == "type_annotation_map":
            _set_type_map(base, read_type_map(evaluator, file, keyword.value))
    _check_unknown(base)
    return base


def _check_unknown(base: BaseInfo) -> None:
    """Drop entries we could not read; their annotations must then fail, not fall back."""
    unknown = [key for key, value in base.type_map.items() if value is _UNKNOWN_TYPE]
    for key in unknown:
        del base.type_map[key]
    base.unknown_keys = unknown
