"""The project's ``@compiles`` overrides: the SQL SQLAlchemy emits for an element or a type
that the project compiles itself, found and rendered without running anything.

``@compiles(utcnow, "postgresql") def pg(element, compiler, **kw): return "TIMEZONE('utc',
CURRENT_TIMESTAMP)"`` makes ``create_all`` write that text wherever ``utcnow()`` is a server
default or part of a generated column, and ``@compiles(DateTime, "mysql")`` returning
``DATETIME(6)`` makes every ``DateTime`` column that type on MySQL. The model is therefore
compared with what the override renders on the database's dialect.

Overrides are found in every file the parser reads (module-level functions decorated with
``sqlalchemy.ext.compiler.compiles``). Dispatch is SQLAlchemy's: the override registered for
the dialect's name (MariaDB through ``mysql://`` is ``mysql``), else the dialect-less one,
else the construct's own compilation; an override applies to subclasses that do not define
their own ``__visit_name__``. An override's body is evaluated like a project helper
(``inline.py``) with the element, the compiler and its keywords as stand-ins: a literal, an
f-string or a concatenation of known values is SQL; ``compiler.process(...)``, ``visit_*``
or anything else is not, and what it would decide is not compared on that dialect, with a
note saying why.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from ..schema import TypeSpec
from .resolve import Definition, External
from .values import VALUE, StaticObject, Unresolvable, import_external

if TYPE_CHECKING:
    from .evaluate import Evaluator
    from .source import ParsedFile

#: The dialect names overrides are looked up by, each rendered on its own.
DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite")
#: SQLAlchemy's key for the override of a ``@compiles(X)`` without dialect names.
_EVERY_DIALECT = "default"
#: Set on a class made for a project class (``sql_functions.py``): the project classes it
#: stands for, first the class itself, so its overrides are found.
CHAIN = "_schema_lsp_chain"
#: Set on such a class when the project class has an ``__init__`` of its own: what the
#: element holds is unknown, only an override that does not ask can render it.
OPAQUE_INIT = "_schema_lsp_opaque_init"
_MAX_CHAIN = 16


@dataclass(frozen=True, eq=False)
class Override:
    """One ``@compiles`` registration: the function compiling ``target`` for ``spec`` (a
    dialect name, or ``"default"`` for every dialect without its own)."""

    target: str
    spec: str
    file: ParsedFile
    function: ast.FunctionDef

    @property
    def where(self) -> str:
        return f"{self.function.name}() in {Path(self.file.path).name}:{self.function.lineno}"


@dataclass(frozen=True)
class DialectText:
    """SQL that an override makes depend on the dialect: the text on each of ``DIALECTS``
    (None where it cannot be rendered statically, with the reason in ``reasons``) and the
    dialect-neutral text, None when there is none."""

    neutral: str | None
    texts: tuple[tuple[str, str | None], ...]
    reasons: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, eq=False)
class CompiledType:
    """A project type class (a ``TypeDecorator``, ``UserDefinedType`` or other type
    subclass) with an override along its classes: ``impl`` is the type its own compilation
    falls back to (a decorator's impl, a plain subclass's base), None when there is none or
    it is unknown."""

    name: str
    chain: tuple[Definition, ...]
    impl: Any = None
    #: none of its own: so that SQLAlchemy's ``with_variant`` takes it as a dialect's
    #: variant (``JSON().with_variant(OwnJSONB(), "sqlite")``)
    _variant_mapping: ClassVar[Mapping[str, Any]] = MappingProxyType({})


def override_sites(file: ParsedFile) -> tuple[tuple[ast.FunctionDef, ast.Call], ...]:
    """Module-level functions (also under a module-level ``if``/``try``) with a decorator
    call that may be ``@compiles(...)``: the syntax only (what the names mean is resolved by
    ``CompileOverrides.collect``). A file that never spells ``compiles`` has none."""
    if not any("compiles" in line for line in file.lines):
        return ()
    sites: list[tuple[ast.FunctionDef, ast.Call]] = []
    for statement in file.statements:
        if isinstance(statement, ast.FunctionDef):
            for decorator in statement.decorator_list:
                if isinstance(decorator, ast.Call) and decorator.args:
                    sites.append((statement, decorator))
    return tuple(sites)


def class_chain(
    evaluator: Evaluator, definition: Definition
) -> tuple[tuple[Definition, ...], type | None]:
    """The project classes from ``definition`` up to the first base that is a real
    (SQLAlchemy) class, and that class; ``(chain, None)`` when no such base is found."""
    chain: list[Definition] = []
    current: Definition | None = definition
    while current is not None and len(chain) < _MAX_CHAIN:
        node = current.node
        if not isinstance(node, ast.ClassDef) or current in chain:
            break
        chain.append(current)
        following: Definition | None = None
        for base in node.bases:
            ref = evaluator.resolver.resolve(current.file, base)
            if isinstance(ref, External):
                try:
                    real = import_external(ref.name)
                except Unresolvable:
                    continue
                if isinstance(real, type):
                    return tuple(chain), real
            elif (
                following is None
                and isinstance(ref, Definition)
                and isinstance(ref.node, ast.ClassDef)
            ):
                following = ref
        current = following
    return tuple(chain), None


def class_attribute(definition: Definition, name: str) -> ast.expr | None:
    """The value a class body assigns to ``name``, if it does."""
    node = definition.node
    assert isinstance(node, ast.ClassDef)
    for statement in node.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in statement.targets
        ):
            return statement.value
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == name
            and statement.value is not None
        ):
            return statement.value
    return None


def defines_method(definition: Definition, name: str) -> bool:
    node = definition.node
    return isinstance(node, ast.ClassDef) and any(
        isinstance(s, ast.FunctionDef) and s.name == name for s in node.body
    )


class CompileOverrides:
    """Every override of a set of files, by what it compiles (a real SQLAlchemy class, or a
    project class as its ``Definition``) and dialect; renders elements and types with them.

    ``modules`` are the modules holding overrides (entities depend on them); ``key`` changes
    when the set of files holding overrides does."""

    def __init__(
        self,
        by_target: dict[Any, dict[str, Override]],
        by_function_name: dict[str, Any],
        modules: frozenset[str],
        key: tuple[int, ...],
    ) -> None:
        self._by_target = by_target
        self._by_function_name = by_function_name
        self.modules = modules
        self.key = key
        self._rendered: dict[tuple[int, str], str | Unresolvable] = {}
        self._types: dict[tuple[Any, str], TypeSpec | Unresolvable] = {}
        self._specs: dict[tuple[Any, ...], Any] = {}

    def __bool__(self) -> bool:
        return bool(self._by_target)

    @classmethod
    def collect(
        cls,
        evaluator: Evaluator,
        files: Iterable[tuple[ParsedFile, tuple[tuple[ast.FunctionDef, ast.Call], ...]]],
    ) -> CompileOverrides:
        """The overrides of ``files`` (each with its ``override_sites``), in order: a later
        registration for the same construct and dialect wins, as at import time."""
        by_target: dict[Any, dict[str, Override]] = {}
        by_function_name: dict[str, Any] = {}
        modules: set[str] = set()
        key: list[int] = []
        for file, sites in files:
            found = False
            for function, decorator in sites:
                registered = _registration(evaluator, file, decorator)
                if registered is None:
                    continue
                target, name, specs = registered
                for spec in specs:
                    by_target.setdefault(target, {})[spec] = Override(name, spec, file, function)
                if isinstance(target, Definition):
                    function_name = _generic_function_name(evaluator, target)
                    if function_name is not None:
                        by_function_name[function_name.lower()] = target
                found = True
            if found:
                modules.add(file.module)
                key.append(id(file))
        return cls(by_target, by_function_name, frozenset(modules), tuple(key))

    # -- dispatch -----------------------------------------------------------------------

    def specs_of(self, element: Any) -> dict[str, Override] | None:
        """The overrides SQLAlchemy dispatches ``element`` (an instance) to, by spec."""
        chain = element.chain if isinstance(element, CompiledType) else _chain_of(element)
        for definition in chain:
            found = self._by_target.get(definition)
            if found is not None:
                return found
            if class_attribute(definition, "__visit_name__") is not None:
                return None  # its own compilation, whatever its bases have
        if isinstance(element, CompiledType):
            return None
        from sqlalchemy.sql.functions import Function

        if type(element) is Function and self._by_function_name:
            # ``func.utcnow()``: SQLAlchemy builds the project's GenericFunction of that name
            target = self._by_function_name.get(str(element.name).lower())
            if target is not None:
                return self._by_target.get(target)
        for klass in type(element).__mro__:
            found = self._by_target.get(klass)
            if found is not None:
                return found
            if "__visit_name__" in klass.__dict__:
                return None
        return None

    def override_for(self, element: Any, dialect: str | None) -> Override | None:
        """The override compiling ``element`` on ``dialect`` (None: the dialect-neutral
        one), or None when its own compilation applies."""
        specs = self.specs_of(element)
        if not specs:
            return None
        if dialect is not None and dialect in specs:
            return specs[dialect]
        return specs.get(_EVERY_DIALECT)

    def render(self, evaluator: Evaluator, override: Override, element: Any, dialect: str) -> str:
        """The text ``override`` returns for ``element`` on ``dialect``; raises
        Unresolvable saying which override could not be read and why."""
        cache_key = (id(override), dialect)
        cached = self._rendered.get(cache_key)
        if cached is None:
            stand_in = _Element(element)
            try:
                text: str | Unresolvable = self._run(evaluator, override, stand_in, dialect)
            except Unresolvable as exc:
                which = "" if override.spec == _EVERY_DIALECT else f"for {override.spec} "
                text = Unresolvable(
                    f"{override.target} is compiled {which}by {override.where}, which "
                    f"cannot be read statically: {exc}"
                )
            if stand_in.asked:
                return _raised(text)  # depends on this element: not kept
            self._rendered[cache_key] = cached = text
        return _raised(cached)

    def _run(self, evaluator: Evaluator, override: Override, element: Any, dialect: str) -> str:
        function = override.function
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        passed: list[ast.expr] = [
            _known(element, "element"),
            _known(_Compiler(dialect), "compiler"),
        ]
        if len(positional) < 2 and arguments.vararg is None:
            raise Unresolvable(f"{function.name}() does not take (element, compiler)")
        bindings: dict[str, ast.expr] = {
            parameter.arg: value for parameter, value in zip(positional, passed, strict=False)
        }
        if arguments.vararg is not None:  # ``def _(*args, **kw)``
            rest: list[ast.expr] = passed[len(positional) :]
            bindings[arguments.vararg.arg] = ast.Tuple(elts=rest, ctx=ast.Load())
        if arguments.kwarg is not None:
            bindings[arguments.kwarg.arg] = ast.Dict(keys=[], values=[])
        for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
            if default is not None:
                bindings[parameter.arg] = default
        expression = evaluator.inliner.inline_body(override.file, function, bindings, function)
        value = evaluator.value(override.file, expression)
        if not isinstance(value, str):
            raise Unresolvable(f"it returns {type(value).__name__}, not SQL text")
        return value

    # -- SQL expressions ------------------------------------------------------------------

    def sql(self, evaluator: Evaluator, clause: Any) -> DialectText | None:
        """``clause`` (a server default, a generated column's expression) as each dialect
        renders it, or None when no override concerns it."""
        from sqlalchemy.sql import visitors

        if not any(self.specs_of(element) for element in visitors.iterate(clause)):
            return None
        texts: list[tuple[str, str | None]] = []
        reasons: list[tuple[str, str]] = []
        for dialect in DIALECTS:
            try:
                texts.append((dialect, self._clause_sql(evaluator, clause, dialect)))
            except Unresolvable as exc:
                texts.append((dialect, None))
                reasons.append((dialect, str(exc)))
        try:
            neutral: str | None = self._clause_sql(evaluator, clause, None)
        except Unresolvable:
            neutral = None
        return DialectText(neutral, tuple(texts), tuple(reasons))

    def _clause_sql(self, evaluator: Evaluator, clause: Any, dialect: str | None) -> str:
        from sqlalchemy.sql import visitors
        from sqlalchemy.sql.expression import literal_column

        from .columns import compile_sql

        def replace(element: Any) -> Any:
            override = self.override_for(element, dialect)
            if override is None:
                if getattr(type(element), OPAQUE_INIT, False):
                    name = type(element).__name__
                    raise Unresolvable(
                        f"{name} has no override for {dialect or 'every dialect'} and an "
                        "__init__ that cannot be followed"
                    )
                return None
            return literal_column(self.render(evaluator, override, element, dialect or "default"))

        replaced = visitors.replacement_traverse(clause, {}, replace)  # type: ignore[call-overload]
        return compile_sql(replaced)

    # -- types ----------------------------------------------------------------------------

    def type_specs(
        self, evaluator: Evaluator, value: Any, variants: Mapping[str, Any]
    ) -> tuple[TypeSpec, dict[str, TypeSpec | Unresolvable]] | None:
        """The type (and ``with_variant`` types) as each dialect creates it: a spec, or the
        reason it cannot be known there; None when no override concerns the type."""
        if not isinstance(value, CompiledType) and not any(
            self.specs_of(v) for v in (value, *variants.values())
        ):
            return None
        from .columns import spec_of
        from .tables import NULL_TYPE

        if isinstance(value, CompiledType):
            neutral = spec_of(value.impl) if value.impl is not None else NULL_TYPE
        else:
            neutral = spec_of(value)
        result: dict[str, TypeSpec | Unresolvable] = {}
        for dialect in DIALECTS:
            try:
                chosen = _variant(value, variants, dialect)
                result[dialect] = self._type_on(evaluator, chosen, dialect)
            except Unresolvable as exc:
                result[dialect] = exc
        return neutral, result

    def spec_type_specs(
        self, evaluator: Evaluator, spec: TypeSpec, variants: Mapping[str, TypeSpec | CompiledType]
    ) -> tuple[TypeSpec, dict[str, TypeSpec | Unresolvable]] | None:
        """``type_specs`` of a type known as data (an annotation's), once per type."""
        key = (spec, tuple(sorted(variants.items())))
        if key not in self._specs:
            built = {
                dialect: variant if isinstance(variant, CompiledType) else variant.build()
                for dialect, variant in variants.items()
            }
            self._specs[key] = self.type_specs(evaluator, spec.build(), built)
        return self._specs[key]

    def _type_on(self, evaluator: Evaluator, type_: Any, dialect: str) -> TypeSpec:
        from .columns import spec_of
        from .ddl_types import type_from_ddl

        override = self.override_for(type_, dialect)
        if override is None:
            if isinstance(type_, CompiledType):
                if type_.impl is None:
                    raise Unresolvable(f"{type_.name} has no compilation on {dialect}")
                impl = type_.impl
                mapping = getattr(impl, "_variant_mapping", None) or {}
                return self._type_on(evaluator, _variant(impl, mapping, dialect), dialect)
            return spec_of(type_)
        key = (override, spec_of(type_) if not isinstance(type_, CompiledType) else id(type_))
        cached = self._types.get((key, dialect))
        if cached is None:
            try:
                text = self.render(evaluator, override, type_, dialect)
                cached = TypeSpec.of(type_from_ddl(text, dialect))
            except Unresolvable as exc:
                cached = exc
            self._types[(key, dialect)] = cached
        return _raised(cached)

    def project_type(
        self,
        evaluator: Evaluator,
        file: ParsedFile,
        call: ast.Call | None,
        definition: Definition,
    ) -> CompiledType | None:
        """A project type class with an override along its classes, as ``CompiledType``
        (its impl built when it is a ``TypeDecorator``); None when it has none."""
        chain, base = class_chain(evaluator, definition)
        from sqlalchemy.types import TypeDecorator, TypeEngine

        if base is None or not issubclass(base, TypeEngine):
            return None
        probe = CompiledType(definition.name, chain)
        if not self.specs_of(probe):
            return None
        from .custom_types import decorator_chain, instantiate, plain_type_base

        impl = None
        try:
            if issubclass(base, TypeDecorator):
                decorators = decorator_chain(evaluator, definition)
                if decorators is not None:
                    impl = instantiate(evaluator, file, call, definition, decorators)
            elif (plain := plain_type_base(evaluator, definition)) is not None:
                # a subclass that only processes values: its base's DDL where not overridden
                args = [evaluator.value(file, a) for a in call.args] if call else []
                impl = plain(*args)
        except Unresolvable:
            impl = None
        except Exception:  # the base refused the arguments
            impl = None
        return CompiledType(definition.name, chain, impl)


def _registration(
    evaluator: Evaluator, file: ParsedFile, decorator: ast.Call
) -> tuple[Any, str, tuple[str, ...]] | None:
    """(what is compiled, its name, the specs) of a ``@compiles(target, *dialects)``
    decorator, or None when the decorator is something else or cannot be read."""
    callee = evaluator.resolver.resolve(file, decorator.func)
    if not (isinstance(callee, External) and callee.is_sqlalchemy("compiles")):
        return None
    target_node = decorator.args[0]
    ref = evaluator.resolver.resolve(file, target_node)
    target: Any
    if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
        target, name = ref, ref.name
    elif isinstance(ref, External):
        try:
            target = import_external(ref.name)
        except Unresolvable:
            return None
        if not isinstance(target, type):
            return None
        name = target.__name__
    else:
        return None
    specs: list[str] = []
    for argument in decorator.args[1:]:
        if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
            return None
        specs.append(argument.value)
    return target, name, tuple(specs) or (_EVERY_DIALECT,)


def _generic_function_name(evaluator: Evaluator, definition: Definition) -> str | None:
    """The name ``func.<name>()`` reaches a project ``GenericFunction`` subclass by."""
    _, base = class_chain(evaluator, definition)
    from sqlalchemy.sql.functions import GenericFunction

    if base is None or not issubclass(base, GenericFunction):
        return None
    written = class_attribute(definition, "name")
    if written is None:
        return definition.name
    try:
        value = evaluator.value(definition.file, written)
    except Unresolvable:
        return None
    return value if isinstance(value, str) else None


def _chain_of(element: Any) -> tuple[Definition, ...]:
    return getattr(type(element), CHAIN, ())


def _variant(value: Any, variants: Mapping[str, Any], dialect: str) -> Any:
    """The type used on ``dialect``: its ``with_variant`` type there (MySQL's and MariaDB's
    standing for each other, as ``EntitySchema.for_dialect`` reads them), else itself."""
    if dialect in variants:
        return variants[dialect]
    sibling = {"mysql": "mariadb", "mariadb": "mysql"}.get(dialect)
    if sibling is not None and sibling in variants:
        return variants[sibling]
    return value


def _raised(value: Any) -> Any:
    if isinstance(value, Unresolvable):
        raise value
    return value


def _known(value: Any, label: str) -> ast.Name:
    """A name standing for a known value; spelled so that no module name can match it."""
    name = ast.Name(id=f"<{label}>", ctx=ast.Load())
    setattr(name, VALUE, value)
    return name


@dataclass
class _Element(StaticObject):
    """The ``element`` an override is called with: its plain attributes (a function's
    ``name``, a type's ``length``), when they are known; ``asked`` records that the
    rendering depends on this element."""

    element: Any
    asked: bool = field(default=False)

    def get(self, attr: str) -> Any:
        self.asked = True
        element = self.element
        if (
            attr.startswith("_")
            or isinstance(element, CompiledType)
            or getattr(type(element), OPAQUE_INIT, False)
        ):
            raise Unresolvable(f"element.{attr}")
        value = getattr(element, attr, None)
        if isinstance(value, (str, int, float, bool)) or (value is None and hasattr(element, attr)):
            return value
        raise Unresolvable(f"element.{attr}")

    def method(self, attr: str) -> Any:
        raise Unresolvable(f"element.{attr}()")


@dataclass(frozen=True)
class _Compiler(StaticObject):
    """The ``compiler``: only its dialect's name is known; ``process`` and ``visit_*``
    would compile other SQL, which is not followed."""

    dialect: str

    def get(self, attr: str) -> Any:
        if attr == "dialect":
            from .custom_types import DialectValue

            return DialectValue(self.dialect)
        raise Unresolvable(f"compiler.{attr}")

    def method(self, attr: str) -> Any:
        raise Unresolvable(f"compiler.{attr}()")
