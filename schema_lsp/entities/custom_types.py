"""Project column types (``TypeDecorator`` subclasses), evaluated without running them.

The database holds a ``TypeDecorator`` as its ``impl``: a type class or instance
(``impl = String(255)``), built from the decorator's own arguments unless its ``__init__``
passes others to ``super().__init__``, and replaced per dialect by ``load_dialect_impl``.
This module builds that ``impl`` as a real SQLAlchemy type, with a ``with_variant`` for each
dialect whose ``load_dialect_impl`` gives another type, so a ``JsonType`` column compares
like the ``JSON``/``JSONB`` it creates. A decorator whose impl cannot be known stays a note.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from .resolve import Definition, External
from .values import VALUE, StaticObject, Unresolvable

if TYPE_CHECKING:
    from .evaluate import Evaluator
    from .source import ParsedFile

#: The dialects SQLAlchemy's ``load_dialect_impl`` is asked about (MariaDB is ``mysql``).
DIALECTS = ("postgresql", "mysql", "sqlite")
_MAX_CHAIN = 16


def decorator_chain(evaluator: Evaluator, definition: Definition) -> list[Definition] | None:
    """The project classes from ``definition`` up to SQLAlchemy's ``TypeDecorator`` (first
    base first), or None when the class is no type decorator."""
    chain: list[Definition] = []
    current: Definition | None = definition
    while current is not None and len(chain) < _MAX_CHAIN:
        node = current.node
        if not isinstance(node, ast.ClassDef) or current in chain:
            return None
        chain.append(current)
        following: Definition | None = None
        for base in node.bases:
            ref = evaluator.resolver.resolve(current.file, base)
            if isinstance(ref, External) and ref.is_sqlalchemy("TypeDecorator"):
                return chain
            if (
                following is None
                and isinstance(ref, Definition)
                and isinstance(ref.node, ast.ClassDef)
            ):
                following = ref
        current = following
    return None


@dataclass
class _Self(StaticObject):
    """``self`` inside ``load_dialect_impl``: its ``impl`` and what ``__init__`` set."""

    impl: Any
    attributes: dict[str, Any] = field(default_factory=dict)

    def get(self, attr: str) -> Any:
        if attr in ("impl", "impl_instance"):
            return self.impl
        if attr in self.attributes:
            return self.attributes[attr]
        raise Unresolvable(f"self.{attr}")

    def method(self, attr: str) -> Any:
        raise Unresolvable(f"self.{attr}()")


@dataclass(frozen=True)
class _Super(StaticObject):
    """``super`` inside ``load_dialect_impl``: ``super().load_dialect_impl(dialect)`` is
    TypeDecorator's own, the impl."""

    impl: Any

    def method(self, attr: str) -> Any:
        if attr == "__call__":
            return lambda: self
        if attr == "load_dialect_impl":
            return lambda _dialect: self.impl
        raise Unresolvable(f"super().{attr}()")


@dataclass(frozen=True)
class DialectValue(StaticObject):
    """A dialect as a type's ``load_dialect_impl`` or a ``@compiles`` body sees it: its
    name, and ``type_descriptor``."""

    name: str

    def get(self, attr: str) -> Any:
        if attr == "name":
            return self.name
        raise Unresolvable(f"dialect.{attr}")

    def method(self, attr: str) -> Any:
        if attr == "type_descriptor":
            # the dialect's own adaptation: PostgreSQL makes a CHAR(32) a VARCHAR(32)
            dialect = real_dialect(self.name)
            return lambda type_: public_type(dialect.type_descriptor(type_))
        raise Unresolvable(f"dialect.{attr}()")


def public_type(type_: Any) -> Any:
    """A driver's private adaptation (``_PGString``) as the public type it stands for."""
    for cls in type(type_).__mro__:
        if not cls.__name__.startswith("_"):
            return type_ if cls is type(type_) else type_.adapt(cls)
    return type_


@cache
def real_dialect(name: str) -> Any:
    """SQLAlchemy's dialect of that name (its default driver; nothing connects)."""
    from sqlalchemy.dialects import registry

    return registry.load(name)()


def instantiate(
    evaluator: Evaluator,
    file: ParsedFile,
    call: ast.Call | None,
    definition: Definition,
    chain: list[Definition],
) -> Any:
    """The SQLAlchemy type ``definition(...)`` creates in the database (``call`` None: the
    class used bare, as SQLAlchemy instantiates it); raises Unresolvable."""
    from sqlalchemy.types import TypeEngine

    impl_value = _class_value(evaluator, chain, "impl")
    if impl_value is None:
        raise Unresolvable(f"{definition.name} has no impl")
    impl_owner, impl_node = impl_value
    impl = evaluator.value_in_class(impl_owner, impl_node)
    site = call if call is not None else definition.node
    written = call or ast.Call(
        func=ast.Name(id=definition.name, ctx=ast.Load()), args=[], keywords=[]
    )
    init = _method(chain, "__init__")
    attributes: dict[str, Any] = {}
    if init is not None:
        init_file, function = init
        me = ast.Name(id="self", ctx=ast.Load())
        setattr(me, VALUE, None)
        bound = ast.Call(func=written.func, args=[me, *written.args], keywords=written.keywords)
        super_call, assigned = evaluator.inliner.run_initializer(init_file, function, bound, site)
        if super_call is None:
            raise Unresolvable(f"{definition.name}.__init__ does not call super().__init__")
        args = [evaluator.value(file, a) for a in super_call.args]
        kwargs = {k.arg: evaluator.value(file, k.value) for k in super_call.keywords if k.arg}
        if any(k.arg is None for k in super_call.keywords):
            raise Unresolvable(f"{definition.name}.__init__ passes ** on")
        for name, node in assigned.items():
            try:
                attributes[name] = evaluator.value(file, node)
            except Unresolvable:
                continue  # only load_dialect_impl may need it; asked, it is unknown
    else:
        args = [evaluator.value(file, a) for a in written.args]
        kwargs = {k.arg: evaluator.value(file, k.value) for k in written.keywords if k.arg}
    built = _build(impl, args, kwargs, definition.name)
    if "impl" in attributes:  # ``self.impl = Text().with_variant(...)`` in __init__
        built = attributes["impl"]
    if not isinstance(built, TypeEngine):
        raise Unresolvable(f"the impl of {definition.name} is not a SQLAlchemy type")
    dialect_impl = _method(chain, "load_dialect_impl")
    if dialect_impl is None:
        return built
    return _with_dialect_impls(evaluator, dialect_impl, built, attributes, definition)


def _build(impl: Any, args: list[Any], kwargs: dict[str, Any], name: str) -> Any:
    """``to_instance(impl, *args, **kwargs)``: a class is called, an instance kept."""
    if isinstance(impl, type):
        try:
            return impl(*args, **kwargs)
        except Unresolvable:
            raise
        except Exception as exc:
            raise Unresolvable(f"{name}(...) rejected: {exc}") from exc
    return impl


def _with_dialect_impls(
    evaluator: Evaluator,
    method: tuple[ParsedFile, ast.FunctionDef],
    built: Any,
    attributes: dict[str, Any],
    definition: Definition,
) -> Any:
    file, function = method
    parameters = [a.arg for a in function.args.args]
    if len(parameters) != 2:
        raise Unresolvable(f"{definition.name}.load_dialect_impl takes other arguments")
    result = built
    for dialect in DIALECTS:
        me = ast.Name(id=parameters[0], ctx=ast.Load())
        setattr(me, VALUE, _Self(built, attributes))
        which = ast.Name(id=parameters[1], ctx=ast.Load())
        setattr(which, VALUE, DialectValue(dialect))
        parent = ast.Name(id="super", ctx=ast.Load())
        setattr(parent, VALUE, _Super(built))
        expression = evaluator.inliner.inline_body(
            file, function, {parameters[0]: me, parameters[1]: which, "super": parent}, function
        )
        chosen = evaluator.value(file, expression)
        if chosen is None or chosen is built:
            continue
        if isinstance(chosen, type):
            chosen = chosen()
        if type(chosen) is not type(built) or repr(chosen) != repr(built):
            result = result.with_variant(chosen, dialect)
    return result


#: Methods a subclass of a SQLAlchemy type may override without changing the DDL type.
_PROCESSING = frozenset(
    {
        "bind_processor",
        "result_processor",
        "literal_processor",
        "bind_expression",
        "column_expression",
        "coerce_compared_value",
        "python_type",
        "comparator_factory",
        "copy",
        "__repr__",
        "cache_ok",
    }
)


def plain_type_base(evaluator: Evaluator, definition: Definition) -> Any:
    """The SQLAlchemy type class a project class extends when it changes only how values
    are processed (no ``__init__``, ``__visit_name__``, ``get_col_spec`` or ``impl``):
    the DDL is the base's. None for any other class."""
    from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

    from .values import import_external

    current = definition
    for _ in range(_MAX_CHAIN):
        node = current.node
        if not isinstance(node, ast.ClassDef) or len(node.bases) != 1:
            return None
        for statement in node.body:
            names = (
                [statement.name]
                if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef)
                else [t.id for t in getattr(statement, "targets", []) if isinstance(t, ast.Name)]
            )
            if any(n not in _PROCESSING and not _documentation(statement) for n in names):
                return None
        ref = evaluator.resolver.resolve(current.file, node.bases[0])
        if isinstance(ref, External):
            try:
                base = import_external(ref.name)
            except Unresolvable:
                return None
            plain = isinstance(base, type) and issubclass(base, TypeEngine)
            if not plain or issubclass(base, (TypeDecorator, UserDefinedType)):
                return None
            return base
        if not (isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef)):
            return None
        current = ref
    return None


def _documentation(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _class_value(
    evaluator: Evaluator, chain: list[Definition], name: str
) -> tuple[Definition, ast.expr] | None:
    """The class of ``chain`` that assigns ``name`` first, and the value it assigns."""
    for definition in chain:
        node = definition.node
        assert isinstance(node, ast.ClassDef)
        for statement in node.body:
            targets = (
                statement.targets
                if isinstance(statement, ast.Assign)
                else [statement.target]
                if isinstance(statement, ast.AnnAssign) and statement.value is not None
                else []
            )
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                value = getattr(statement, "value", None)
                assert isinstance(value, ast.expr)
                return definition, value
    return None


def _method(chain: list[Definition], name: str) -> tuple[ParsedFile, ast.FunctionDef] | None:
    """The method as the class has it: the last definition in the nearest class body
    (``@overload`` stubs are for type checkers only)."""
    for definition in chain:
        node = definition.node
        assert isinstance(node, ast.ClassDef)
        found = [
            statement
            for statement in node.body
            if isinstance(statement, ast.FunctionDef)
            and statement.name == name
            and not any(_is_overload(d) for d in statement.decorator_list)
        ]
        if found:
            return definition.file, found[-1]
    return None


def _is_overload(decorator: ast.expr) -> bool:
    name = decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", "")
    return name == "overload"


#: The mark on a scratch column's type whose values a project ``TypeDecorator`` processes:
#: ``stored(value, dialect)`` is what it binds for ``value`` (raises Unresolvable).
STORED = "_schema_lsp_stored"


def value_processor(evaluator: Evaluator, definition: Definition) -> Any:
    """How a project ``TypeDecorator`` turns a Python value into the one the database
    stores, when SQL renders it as a literal (an index's ``WHERE status NOT IN (...)``):
    its ``process_literal_param``, else its ``process_bind_param``, read for the value;
    None when it overrides neither (the impl's own rendering applies)."""
    chain = decorator_chain(evaluator, definition)
    if chain is None:
        return None
    found = _method(chain, "process_literal_param") or _method(chain, "process_bind_param")
    if found is None:
        return None
    file, function = found
    parameters = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    if len(parameters) != 3:
        return None

    def stored(value: Any, dialect: str | None) -> Any:
        names = []
        for bound in (_Self(None), value, DialectValue(dialect or "default")):
            name = ast.Name(id="<bound>", ctx=ast.Load())
            setattr(name, VALUE, bound)
            names.append(name)
        expression = evaluator.inliner.inline_body(
            file, function, dict(zip(parameters, names, strict=True)), function
        )
        try:
            return evaluator.value(file, expression)
        except Unresolvable as exc:
            raise Unresolvable(
                f"{definition.name}.{function.name}() for {value!r} ({exc})"
            ) from exc

    return stored
