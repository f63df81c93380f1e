"""Static evaluation: turn model-source expressions into Python objects without running
user code.

Only literals, SQLAlchemy/SQLModel callables (called with evaluated arguments) and a few
standard-library names are ever evaluated; a workspace enum becomes a look-alike
``enum.Enum`` built from its literal members, another workspace class a named placeholder.
Anything else raises ``Unresolvable`` with the reason, which the caller turns into a note.
"""

from __future__ import annotations

import ast
import enum
import importlib
import sys
import typing
from dataclasses import dataclass, field
from typing import Any

from .resolve import Definition, External, ModuleRef, Resolver
from .source import ParsedFile

#: Outside modules whose names may be looked up as real objects (never user code).
_IMPORTABLE = (
    "sqlalchemy",
    "typing",
    "typing_extensions",
    "datetime",
    "decimal",
    "uuid",
    "enum",
    "ipaddress",
    "pathlib",
    "collections",
    "builtins",
)
#: Methods of SQLAlchemy objects that only derive another SQLAlchemy object.
_SAFE_METHODS = frozenset(
    {"with_variant", "evaluates_none", "asc", "desc", "nulls_first", "nulls_last", "collate"}
)
_ENUM_BASES = ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag")
_MAX_DEPTH = 40


class Unresolvable(Exception):
    """An expression whose value cannot be known without running the code; ``advice``
    says what the user can do about it, when something can be done."""

    def __init__(self, message: str, advice: str | None = None) -> None:
        super().__init__(message)
        self.advice = advice


#: What to do about a name defined in a module the parser does not read.
OUTSIDE_ADVICE = "add the module that defines it to the workspace"


#: Errors evaluating an expression can raise (``*1``, ``{}[0]``, ``"a" + 1``...).
_PYTHON_ERRORS = (
    TypeError,
    ValueError,
    AttributeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
    LookupError,
    ArithmeticError,
)


@dataclass(frozen=True)
class ColumnMeta:
    """A ``mapped_column(...)`` written inside ``Annotated[...]``: kept as syntax so the
    column builder can merge its arguments; equal when it is the same source call."""

    path: str
    line: int
    column: int
    file: ParsedFile = field(compare=False, hash=False, repr=False)
    node: ast.Call = field(compare=False, hash=False, repr=False)


class Placeholder:
    """Base of stand-ins for workspace classes that are not enums."""

    __sa_qualname__ = ""


def import_external(name: str) -> Any:
    """The real object an outside dotted name stands for, if it is one we may import."""
    if name.startswith("sqlmodel."):
        name = _sqlmodel_equivalent(name)
    top = name.partition(".")[0]
    if top not in _IMPORTABLE:
        raise Unresolvable(f"{name} is not statically known", OUTSIDE_ADVICE)
    return _import_cached(name)


_IMPORT_CACHE: dict[str, Any] = {}


def _import_cached(name: str) -> Any:
    if name in _IMPORT_CACHE:
        cached = _IMPORT_CACHE[name]
        if cached is _MISSING:
            raise Unresolvable(f"{name} does not exist")
        return cached
    parts = name.split(".")
    value: Any = _MISSING
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        if module_name != "builtins" and parts[0] == "builtins":
            continue
        try:
            target: Any = sys.modules.get(module_name) or importlib.import_module(module_name)
        except Exception:
            continue
        try:
            for attr in parts[cut:]:
                target = getattr(target, attr)
        except AttributeError:
            break
        value = target
        break
    _IMPORT_CACHE[name] = value
    if value is _MISSING:
        raise Unresolvable(f"{name} does not exist")
    return value


_MISSING = object()


def _sqlmodel_equivalent(name: str) -> str:
    """SQLModel re-exports SQLAlchemy; its own string type is a VARCHAR (``AutoString``)."""
    last = name.rpartition(".")[2]
    if last == "AutoString":
        return "sqlalchemy.String"
    return f"sqlalchemy.{last}"


class Evaluator:
    """Evaluates expressions of workspace files through a Resolver."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._enums: dict[str, type[enum.Enum] | None] = {}
        self._placeholders: dict[str, type] = {}
        self._aliases: dict[Definition, Any] = {}
        #: per-module results keyed by (kind, id(file), expression text): see columns._memo
        self.memo: dict[tuple[str, int, str], Any] = {}

    def close(self) -> None:
        """Drop every cache (see ``DeclarativeReader.close``)."""
        for cache in (self._enums, self._placeholders, self._aliases, self.memo):
            cache.clear()
        self.resolver.close()

    # -- values -------------------------------------------------------------------------

    def value(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        """The value of a literal, a constant name, or a SQLAlchemy call."""
        try:
            return self._value(file, expr, depth)
        except _PYTHON_ERRORS as exc:  # what the code would raise when run: unknown here
            raise Unresolvable(f"{ast.unparse(expr)[:60]} ({type(exc).__name__})") from exc

    def _value(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise Unresolvable("expression too deep")
        if isinstance(expr, ast.Constant):
            return expr.value
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            items = [self.value(file, element, depth + 1) for element in expr.elts]
            if isinstance(expr, ast.Tuple):
                return tuple(items)
            return items if isinstance(expr, ast.List) else set(items)
        if isinstance(expr, ast.Dict):
            result = {}
            for key, item in zip(expr.keys, expr.values, strict=False):
                if key is None:
                    merged = self.value(file, item, depth + 1)
                    if not isinstance(merged, dict):
                        raise Unresolvable("** of a non-dict")
                    result.update(merged)
                else:
                    result[self.value(file, key, depth + 1)] = self.value(file, item, depth + 1)
            return result
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, (ast.USub, ast.UAdd)):
            operand = self.value(file, expr.operand, depth + 1)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                return -operand if isinstance(expr.op, ast.USub) else operand
            raise Unresolvable("unary operator on a non-number")
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            left = self.value(file, expr.left, depth + 1)
            right = self.value(file, expr.right, depth + 1)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            raise Unresolvable("+ of non-strings")
        if isinstance(expr, (ast.Name, ast.Attribute)):
            return self.named_value(file, expr, depth + 1)
        if isinstance(expr, ast.Call):
            return self.call(file, expr, depth + 1)
        if isinstance(expr, ast.Lambda):
            return _values_callable(expr)
        raise Unresolvable(f"{type(expr).__name__} expression")

    def named_value(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        ref = self.resolver.resolve(file, expr)
        if isinstance(ref, External):
            return import_external(ref.name)
        if isinstance(ref, Definition):
            if isinstance(ref.node, ast.ClassDef):
                synthetic = self.enum_class(ref)
                if synthetic is None:
                    raise Unresolvable(f"{ref.name} is a custom class")
                return synthetic
            return self.value(ref.file, ref.node, depth + 1)
        if isinstance(ref, ModuleRef):
            raise Unresolvable("a module is not a value")
        raise Unresolvable(f"unknown name {ast.unparse(expr)}")

    def callee(self, file: ParsedFile, call: ast.Call) -> External | Definition | None:
        ref = self.resolver.resolve(file, call.func)
        return ref if isinstance(ref, (External, Definition)) else None

    def call(self, file: ParsedFile, expr: ast.Call, depth: int = 0) -> Any:
        ref = self.callee(file, expr)
        function: Any
        if (
            ref is None
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr in _SAFE_METHODS
            and isinstance(expr.func.value, ast.Call)
        ):
            # ``sa.BigInteger().with_variant(sa.Integer, "sqlite")``: a method of a
            # SQLAlchemy object we built ourselves.
            owner = self.value(file, expr.func.value, depth + 1)
            if not type(owner).__module__.startswith("sqlalchemy."):
                raise Unresolvable(f"call to {ast.unparse(expr.func)}")
            function = getattr(owner, expr.func.attr, None)
            if function is None:
                raise Unresolvable(f"call to {ast.unparse(expr.func)}")
        elif not isinstance(ref, External) or not (
            ref.name.startswith("sqlalchemy.") or ref.name.startswith("sqlmodel.")
        ):
            raise Unresolvable(f"call to {ast.unparse(expr.func)}")
        else:
            function = import_external(ref.name)
        args = []
        for arg in expr.args:
            if isinstance(arg, ast.Starred):
                args.extend(self.value(file, arg.value, depth + 1))
            else:
                args.append(self.value(file, arg, depth + 1))
        kwargs: dict[str, Any] = {}
        for keyword in expr.keywords:
            if keyword.arg is None:
                kwargs.update(self.value(file, keyword.value, depth + 1))
            else:
                kwargs[keyword.arg] = self.value(file, keyword.value, depth + 1)
        try:
            return function(*args, **kwargs)
        except Exception as exc:
            raise Unresolvable(f"{ast.unparse(expr.func)}(...) rejected: {exc}") from exc

    # -- classes ------------------------------------------------------------------------

    def enum_class(self, definition: Definition, depth: int = 0) -> type[enum.Enum] | None:
        """A look-alike of a workspace ``enum.Enum`` subclass (same name, member names and
        literal values), or None when the class is not an enum."""
        key = definition.qualname
        if key in self._enums:
            return self._enums[key]
        self._enums[key] = None  # cycles
        node = definition.node
        if not isinstance(node, ast.ClassDef) or depth > _MAX_DEPTH:
            return None
        is_enum = False
        for base in node.bases:
            ref = self.resolver.resolve(definition.file, base)
            if isinstance(ref, External) and ref.is_from("enum", *_ENUM_BASES):
                is_enum = True
            elif isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
                is_enum = is_enum or self.enum_class(ref, depth + 1) is not None
        if not is_enum:
            return None
        members: list[tuple[str, Any]] = []
        counter = 0
        for statement in node.body:
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
                continue
            target = statement.targets[0]
            if not isinstance(target, ast.Name) or target.id.startswith("_"):
                continue
            counter += 1
            try:
                member_value = self.value(definition.file, statement.value)
            except Unresolvable:
                member_value = _Opaque(target.id, counter)
            if isinstance(statement.value, ast.Call) and ast.unparse(statement.value.func).endswith(
                "auto"
            ):
                member_value = counter
            members.append((target.id, member_value))
        try:
            synthetic = enum.Enum(node.name, members)  # type: ignore[misc]
        except (TypeError, ValueError):
            return None
        synthetic.__qualname__ = node.name
        self._enums[key] = synthetic
        return synthetic

    def placeholder(self, name: str) -> type:
        """A stand-in class for a workspace class or an unknown outside type, one per name,
        so type maps keyed by it still match."""
        if name not in self._placeholders:
            self._placeholders[name] = type(
                name.rpartition(".")[2], (Placeholder,), {"__sa_qualname__": name}
            )
        return self._placeholders[name]

    # -- annotations --------------------------------------------------------------------

    def python_type(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        """The typing object an annotation spells (``Mapped[Optional[str]]``, aliases,
        ``Annotated[...]`` with ``mapped_column`` metadata kept as ``ColumnMeta``)."""
        try:
            return self._python_type(file, expr, depth)
        except _PYTHON_ERRORS as exc:
            raise Unresolvable(f"annotation {ast.unparse(expr)[:60]}") from exc

    def _python_type(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise Unresolvable("annotation too deep")
        if isinstance(expr, ast.Constant):
            if expr.value is None:
                return type(None)
            if isinstance(expr.value, str):
                try:
                    parsed = ast.parse(expr.value.strip(), mode="eval").body
                except SyntaxError as exc:
                    raise Unresolvable("unparsable string annotation") from exc
                return self.python_type(file, parsed, depth + 1)
            raise Unresolvable("literal annotation")
        if isinstance(expr, (ast.Name, ast.Attribute)):
            ref = self.resolver.resolve(file, expr)
            if isinstance(ref, External):
                try:
                    return import_external(ref.name)
                except Unresolvable:
                    return self.placeholder(ref.name)
            if isinstance(ref, Definition):
                if isinstance(ref.node, ast.ClassDef):
                    return self.enum_class(ref) or self._class_placeholder(ref)
                if ref in self._aliases:
                    return self._aliases[ref]
                if isinstance(ref.node, ast.Call):
                    alias = self._call_type(ref.file, ref.node, depth + 1)
                else:
                    alias = self.python_type(ref.file, ref.node, depth + 1)
                self._aliases[ref] = alias
                return alias
            raise Unresolvable(f"unknown name {ast.unparse(expr)}")
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            left = self.python_type(file, expr.left, depth + 1)
            right = self.python_type(file, expr.right, depth + 1)
            return typing.Union[left, right]  # noqa: UP007
        if isinstance(expr, ast.Subscript):
            origin = self.python_type(file, expr.value, depth + 1)
            elements = expr.slice.elts if isinstance(expr.slice, ast.Tuple) else [expr.slice]
            if origin is typing.Literal or _is_named(origin, "Literal"):
                args = tuple(self.value(file, element) for element in elements)
            elif origin is typing.Annotated or _is_named(origin, "Annotated"):
                first = self.python_type(file, elements[0], depth + 1)
                metadata = tuple(self._metadata(file, element) for element in elements[1:])
                args = (first, *metadata)
            else:
                args = tuple(self.python_type(file, element, depth + 1) for element in elements)
            try:
                return origin[args if len(args) > 1 else args[0]]
            except Exception as exc:
                raise Unresolvable(f"annotation {ast.unparse(expr)}") from exc
        if isinstance(expr, ast.Call):
            return self._call_type(file, expr, depth + 1)
        raise Unresolvable(f"annotation {ast.unparse(expr)}")

    def _call_type(self, file: ParsedFile, call: ast.Call, depth: int) -> Any:
        """``NewType("Name", base)`` is the only call that makes a type statically; like
        SQLAlchemy, a type map must name it (it does not fall back to its base)."""
        ref = self.callee(file, call)
        if isinstance(ref, External) and ref.is_from("typing", "NewType") and len(call.args) == 2:
            name = self.value(file, call.args[0])
            base = self.python_type(file, call.args[1], depth + 1)
            return typing.NewType(str(name), base)
        raise Unresolvable(f"type made by {ast.unparse(call.func)}(...)")

    def _metadata(self, file: ParsedFile, expr: ast.expr) -> Any:
        if isinstance(expr, ast.Call):
            ref = self.callee(file, expr)
            if isinstance(ref, External) and ref.is_sqlalchemy("mapped_column"):
                return ColumnMeta(file.path, expr.lineno, expr.col_offset, file, expr)
        try:
            value = self.value(file, expr)
            hash(value)
            return value
        except (Unresolvable, TypeError):
            return _SourceMeta(file.path, ast.unparse(expr))

    def _class_placeholder(self, definition: Definition) -> type:
        return self.placeholder(definition.qualname)


@dataclass(frozen=True)
class _SourceMeta:
    """Annotated metadata we cannot evaluate, compared by its source text."""

    path: str
    text: str


@dataclass(frozen=True)
class _Opaque:
    """An enum member value that is not a literal."""

    name: str
    index: int


def _is_named(value: Any, name: str) -> bool:
    return getattr(value, "_name", None) == name or getattr(value, "__name__", None) == name


def _values_callable(expr: ast.Lambda) -> Any:
    """``values_callable=lambda e: [m.value for m in e]``: the one lambda real projects
    pass to ``Enum``; any other lambda is unknown."""
    body = expr.body
    if (
        len(expr.args.args) == 1
        and isinstance(body, ast.ListComp)
        and len(body.generators) == 1
        and isinstance(body.generators[0].iter, ast.Name)
        and body.generators[0].iter.id == expr.args.args[0].arg
        and isinstance(body.generators[0].target, ast.Name)
        and isinstance(body.elt, ast.Attribute)
        and body.elt.attr == "value"
        and isinstance(body.elt.value, ast.Name)
        and body.elt.value.id == body.generators[0].target.id
    ):

        def values(enum_class: Any) -> list[str]:
            result = [member.value for member in enum_class]
            if not all(isinstance(item, str) for item in result):
                raise ValueError("enum values are not all literal strings")
            return result

        return values
    raise Unresolvable("a lambda")
