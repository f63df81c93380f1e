"""Static evaluation: turn model-source expressions into Python objects without running
user code.

Only literals, SQLAlchemy/SQLModel callables (called with evaluated arguments) and a few
standard-library names are ever evaluated; a workspace enum becomes a look-alike
``enum.Enum`` built from its literal members, another workspace class a named placeholder.
Anything else raises ``Unresolvable`` with the reason, which the caller turns into a note.
"""

from __future__ import annotations

import _string  # type: ignore[import-not-found]
import ast
import enum
import importlib
import operator
import re
import string
import sys
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .resolve import LOCAL_CLASS, Definition, External, ModuleRef, Resolver
from .source import ParsedFile, class_body_scope

if typing.TYPE_CHECKING:
    from .compiles import CompileOverrides

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
    "sqlalchemy_utils",  # when installed here; else parsed from the project (modules.py)
)
#: Libraries of column types whose callables are called with evaluated values (their
#: ``TypeDecorator`` results become the types they create: ``columns.type_specs``).
_TYPE_LIBRARIES = ("sqlalchemy", "sqlmodel", "sqlalchemy_utils")
#: Methods of SQLAlchemy objects that only derive another SQLAlchemy object.
_SAFE_METHODS = frozenset(
    {
        "with_variant",
        "evaluates_none",
        "asc",
        "desc",
        "nulls_first",
        "nulls_last",
        "collate",
        "in_",
        "not_in",
        "is_",
        "is_not",
        "like",
        "ilike",
        "label",
        "cast",
    }
)
_ENUM_BASES = ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum")
_ENUM_MIXINS: dict[str, type] = {"IntEnum": int, "StrEnum": str, "IntFlag": int}
#: bases whose members format as their value (``f"{Kind.A}"`` is ``"1"``), not ``Kind.A``
_REPR_ENUMS = ("IntEnum", "StrEnum", "IntFlag", "ReprEnum")
_REPR_ENUM: type = getattr(enum, "ReprEnum", enum.IntEnum)  # Python 3.10 has no ReprEnum
_MAX_DEPTH = 40
#: Evaluation steps one top-level ``value()`` may take (helpers and comprehensions count).
MAX_STEPS = 20_000
#: Longest string or collection the evaluator builds or iterates (names, not data).
MAX_LENGTH = 4096
#: Longest text a project's regular expression is run on.
MAX_REGEX_INPUT = 512
#: ``str`` methods that only compute a new value.
_STR_METHODS = frozenset(
    {
        "lower", "upper", "title", "capitalize", "casefold", "swapcase", "strip", "lstrip",
        "rstrip", "replace", "join", "split", "rsplit", "startswith", "endswith", "isupper",
        "islower", "isdigit", "isalpha", "isalnum", "isidentifier", "removeprefix",
        "removesuffix", "zfill", "ljust", "rjust", "center", "partition", "rpartition",
        "count", "find", "rfind", "index", "format", "splitlines",
    }
)  # fmt: skip
#: Builtins that only compute a value from values.
_BUILTIN_FUNCTIONS = frozenset(
    {
        "len", "str", "int", "float", "bool", "min", "max", "sorted", "tuple", "list", "set",
        "frozenset", "dict", "abs", "round", "any", "all", "isinstance", "reversed",
        "enumerate", "zip", "range", "repr", "ord", "chr", "sum",
    }
)  # fmt: skip
#: ``re`` functions (and compiled-pattern methods) run on bounded input.
_REGEX_FUNCTIONS = frozenset(
    {"sub", "subn", "match", "fullmatch", "search", "findall", "split", "escape", "compile"}
)


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


class StaticObject:
    """A value the evaluator stands in for (``cls`` of a ``declared_attr``, ``self`` and
    ``dialect`` of a type's ``load_dialect_impl``): it answers its attributes and methods
    itself, raising Unresolvable for what it does not know."""

    def get(self, attr: str) -> Any:
        raise Unresolvable(attr)

    def method(self, attr: str) -> Any:
        raise Unresolvable(f"{attr}()")


@dataclass(frozen=True)
class ClassValue(StaticObject):
    """``cls`` inside a ``declared_attr`` body: the mapped class being read. Its
    ``__name__`` is known; other attributes are asked of ``attribute`` (the reader knows
    the class's table name), which raises Unresolvable for what it does not know."""

    name: str
    qualname: str
    attribute: Any = field(default=None, compare=False, hash=False, repr=False)
    #: ``dir(cls)``: the names the workspace classes of its MRO bind (private ones
    #: mangled), sorted; None when not known
    names: Any = field(default=None, compare=False, hash=False, repr=False)
    #: ``getattr(cls, name)`` as syntax a helper can go on with: ``syntax(name, site)``
    syntax: Any = field(default=None, compare=False, hash=False, repr=False)

    def get(self, attr: str) -> Any:
        if attr in ("__name__", "__qualname__"):
            return self.name
        if self.attribute is not None:
            return self.attribute(attr)
        raise Unresolvable(f"cls.{attr}")


@dataclass(frozen=True)
class TableValue(StaticObject):
    """``Model.__table__`` of a mapped class: its name, schema and full name."""

    name: str
    schema: str | None = None

    def get(self, attr: str) -> Any:
        if attr == "name":
            return self.name
        if attr == "schema":
            return self.schema
        if attr in ("fullname", "key"):
            return f"{self.schema}.{self.name}" if self.schema else self.name
        raise Unresolvable(f"__table__.{attr}")


def import_external(name: str) -> Any:
    """The real object an outside dotted name stands for, if it is one we may import."""
    if name.startswith("sqlmodel."):
        if name.rpartition(".")[2] == "AutoString":
            return auto_string
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
#: Set on a ``Name`` standing for a value the reader knows (``cls`` in a ``declared_attr``).
VALUE = "_schema_lsp_value"


def _sqlmodel_equivalent(name: str) -> str:
    """SQLModel re-exports SQLAlchemy (its own ``AutoString``: see ``auto_string``)."""
    return f"sqlalchemy.{name.rpartition('.')[2]}"


def auto_string(length: int | None = None, **kwargs: Any) -> Any:
    """SQLModel's ``AutoString``: a VARCHAR, ``VARCHAR(255)`` on MySQL/MariaDB when no
    length is given (its ``load_dialect_impl``)."""
    from sqlalchemy import String

    declared = String(length, **kwargs)
    if length is not None:
        return declared
    return declared.with_variant(String(255, **kwargs), "mysql")


auto_string.type_factory = True  # type: ignore[attr-defined]


class Evaluator:
    """Evaluates expressions of workspace files through a Resolver."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._enums: dict[str, type[enum.Enum] | None] = {}
        self._placeholders: dict[str, type] = {}
        self._aliases: dict[Definition, Any] = {}
        self._decorators: dict[Definition, Any] = {}
        #: per-module results keyed by (kind, id(file), expression text): see columns._memo
        self.memo: dict[tuple[str, int, str], Any] = {}
        #: ``Model.attr`` of a mapped class (``Other.__tablename__``), answered by the
        #: declarative reader; raises Unresolvable
        self.class_attribute: Any = None
        #: names assigned in the class body being read (a class namespace is searched
        #: before the module), set by the declarative reader while it reads one
        self.class_scope: dict[str, ast.expr] | None = None
        #: the project's ``@compiles`` overrides (``compiles.py``), None when it has none;
        #: set by the workspace before a file is read
        self.compile_overrides: CompileOverrides | None = None
        from .inline import Inliner

        self.inliner = Inliner(self)
        self._active = 0
        self._steps = 0
        #: the project runs SQLAlchemy 1.x (``modules.installed_sqlalchemy``)
        self.legacy_mapping = False

    def close(self) -> None:
        """Drop every cache (see ``DeclarativeReader.close``)."""
        for kept in (self._enums, self._placeholders, self._aliases, self._decorators, self.memo):
            kept.clear()
        self.resolver.close()

    # -- values -------------------------------------------------------------------------

    def value(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        """The value of a literal, a constant name, a SQLAlchemy call, or what a project
        helper computes from such values (within a step budget)."""
        if self._active == 0:
            self._steps = 0
        self._active += 1
        try:
            return self._value(file, expr, depth)
        except _PYTHON_ERRORS as exc:  # what the code would raise when run: unknown here
            raise Unresolvable(f"{_text(expr)} ({type(exc).__name__})") from exc
        finally:
            self._active -= 1

    def _spend(self) -> None:
        self._steps += 1
        if self._steps > MAX_STEPS:
            raise Unresolvable("too long to evaluate")

    def _value(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise Unresolvable("expression too deep")
        self._spend()
        if isinstance(expr, ast.Constant):
            return expr.value
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            items = [self.value(file, element, depth + 1) for element in expr.elts]
            if isinstance(expr, ast.Tuple):
                return tuple(items)
            return items if isinstance(expr, ast.List) else set(items)
        if isinstance(expr, ast.Dict):
            result: Any = {}
            for key_node, item in zip(expr.keys, expr.values, strict=False):
                if key_node is None:
                    merged = self.value(file, item, depth + 1)
                    if not isinstance(merged, dict):
                        raise Unresolvable("** of a non-dict")
                    result.update(merged)
                else:
                    result[self.value(file, key_node, depth + 1)] = self.value(
                        file, item, depth + 1
                    )
            return result
        if isinstance(expr, ast.UnaryOp):
            operand = self.value(file, expr.operand, depth + 1)
            if _is_sql(operand) and isinstance(expr.op, (ast.Not, ast.Invert, ast.USub)):
                return -operand if isinstance(expr.op, ast.USub) else ~operand
            if isinstance(expr.op, ast.Not):
                return not _plain(operand)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                if isinstance(expr.op, ast.USub):
                    return -operand
                if isinstance(expr.op, ast.UAdd):
                    return operand
                if isinstance(expr.op, ast.Invert) and isinstance(operand, int):
                    return ~operand
            raise Unresolvable("unary operator on a non-number")
        if isinstance(expr, ast.BinOp):
            left = self.value(file, expr.left, depth + 1)
            right = self.value(file, expr.right, depth + 1)
            return _binary(expr.op, left, right)
        if isinstance(expr, ast.BoolOp):
            result = None
            for position, operand_node in enumerate(expr.values):
                result = self.value(file, operand_node, depth + 1)
                if _is_sql(result):  # ``a == 1 and b == 2`` on columns: and_(...)
                    rest = [self.value(file, n, depth + 1) for n in expr.values[position + 1 :]]
                    return _sql_bool(expr.op, [result, *rest])
                truth = bool(_plain(result))
                if truth is isinstance(expr.op, ast.Or):
                    return result
            return result
        if isinstance(expr, ast.Compare):
            left = self.value(file, expr.left, depth + 1)
            if _is_sql(left) and len(expr.ops) == 1:  # ``state == "running"`` on a column
                return _sql_operation(expr.ops[0], left, self.value(file, expr.comparators[0]))
            for op, right_node in zip(expr.ops, expr.comparators, strict=True):
                right = self.value(file, right_node, depth + 1)
                if not _compare(op, left, right):
                    return False
                left = right
            return True
        if isinstance(expr, ast.IfExp):
            test = self.value(file, expr.test, depth + 1)
            return self.value(file, expr.body if _plain(test) else expr.orelse, depth + 1)
        if isinstance(expr, ast.JoinedStr):
            return self._joined(file, expr, depth + 1)
        if isinstance(expr, ast.Subscript):
            container = self.value(file, expr.value, depth + 1)
            if isinstance(expr.slice, ast.Slice):
                bounds = [
                    None if part is None else self.value(file, part, depth + 1)
                    for part in (expr.slice.lower, expr.slice.upper, expr.slice.step)
                ]
                key: Any = slice(*bounds)
            else:
                key = self.value(file, expr.slice, depth + 1)
            if isinstance(container, (str, tuple, list, dict, range)):
                return container[key]
            raise Unresolvable(f"indexing {type(container).__name__}")
        if isinstance(expr, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            items = self._comprehension(file, expr, depth + 1)
            return set(items) if isinstance(expr, ast.SetComp) else items
        if isinstance(expr, ast.DictComp):
            return dict(self._comprehension(file, expr, depth + 1))
        if isinstance(expr, ast.Name):
            return self.named_value(file, expr, depth + 1)
        if isinstance(expr, ast.Attribute):
            if self.resolver.resolve(file, expr) is not None:
                return self.named_value(file, expr, depth + 1)
            member = self._enum_member(file, expr)
            if member is not None:
                return getattr(member, expr.attr)
            holder = self.resolver.resolve(file, expr.value)
            if isinstance(holder, Definition) and isinstance(holder.node, ast.ClassDef):
                member = self.member(holder, expr.attr)
                if member is not None:
                    return member
                if self.class_attribute is None:
                    raise Unresolvable(f"{_text(expr)}")
                return self.class_attribute(holder, expr.attr)
            owner = self.value(file, expr.value, depth + 1)
            return _attribute(owner, expr.attr)
        if isinstance(expr, ast.Call):
            return self.call(file, expr, depth + 1)
        if isinstance(expr, ast.Lambda):
            return _values_callable(expr)
        raise Unresolvable(f"{type(expr).__name__} expression")

    def _enum_member(self, file: ParsedFile, expr: ast.Attribute) -> enum.Enum | None:
        """The member in ``Status.DRAFT.value`` / ``.name`` of a workspace enum (a
        ``str``-mixed one too, whose bare member reads as its value elsewhere)."""
        if expr.attr not in ("value", "name") or not isinstance(expr.value, ast.Attribute):
            return None
        holder = self.resolver.resolve(file, expr.value.value)
        if not (isinstance(holder, Definition) and isinstance(holder.node, ast.ClassDef)):
            return None
        return self.member(holder, expr.value.attr)

    def member(self, holder: Definition, attr: str) -> enum.Enum | None:
        """``Status.DONE`` of a workspace enum: the look-alike's member, not the literal
        its body assigns (how SQL stores a member depends on the column's type)."""
        synthetic = self.enum_class(holder)
        if synthetic is None or attr not in synthetic.__members__:
            return None
        return synthetic[attr]

    def _joined(self, file: ParsedFile, expr: ast.JoinedStr, depth: int) -> str:
        parts: list[str] = []
        for part in expr.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
                continue
            if not isinstance(part, ast.FormattedValue):
                raise Unresolvable("an f-string part")
            value = self.value(file, part.value, depth + 1)
            value = _formatted_alike(_plain(value))
            if not isinstance(value, (str, int, float)):
                raise Unresolvable(f"{type(value).__name__} in an f-string")
            if part.conversion == ord("r"):
                value = repr(value)
            elif part.conversion == ord("s"):
                value = str(value)
            elif part.conversion == ord("a"):
                value = ascii(value)
            spec = ""
            if part.format_spec is not None:
                spec = self._joined(file, part.format_spec, depth + 1)  # type: ignore[arg-type]
            parts.append(format(value, spec))
        return _bounded("".join(parts))

    def _comprehension(
        self,
        file: ParsedFile,
        expr: ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp,
        depth: int,
    ) -> list[Any]:
        """A comprehension over bounded values: each item is put in place of the target
        name as a constant, and the element (a dict's (key, value) pair) evaluated (no code
        runs)."""
        results: list[Any] = []

        def element(bindings: dict[str, Any]) -> Any:
            if isinstance(expr, ast.DictComp):
                key = self.value(file, with_constants(expr.key, bindings), depth + 1)
                return key, self.value(file, with_constants(expr.value, bindings), depth + 1)
            return self.value(file, with_constants(expr.elt, bindings), depth + 1)

        def walk(index: int, bindings: dict[str, Any]) -> None:
            if index == len(expr.generators):
                results.append(element(bindings))
                if len(results) > MAX_LENGTH:
                    raise Unresolvable("too many items")
                return
            generator = expr.generators[index]
            if generator.is_async:
                raise Unresolvable("an async comprehension")
            iterable = self.value(file, with_constants(generator.iter, bindings), depth + 1)
            for item in iterate(iterable):
                bound = dict(bindings)
                bind_target(generator.target, item, bound)
                if all(
                    _plain(self.value(file, with_constants(test, bound), depth + 1))
                    for test in generator.ifs
                ):
                    walk(index + 1, bound)

        walk(0, {})
        return results

    def value_in_class(self, owner: Definition, expr: ast.expr) -> Any:
        """The value of ``expr`` written in the body of the class ``owner``: a bare name
        means what that body bound before it (``impl = UUIDChar``, a nested class)."""
        assert isinstance(owner.node, ast.ClassDef)
        previous = self.class_scope
        self.class_scope = class_body_scope(owner.node)
        try:
            return self.value(owner.file, expr)
        finally:
            self.class_scope = previous

    def _nested_class(self, file: ParsedFile, expr: ast.AST) -> Definition | None:
        """A class defined in the body of the class being read (``class Kind(enum.Enum)``
        nested in a model), named bare in that body."""
        scope = self.class_scope
        if isinstance(expr, ast.Name) and scope:
            node = scope.get(expr.id)
            if isinstance(node, ast.ClassDef):
                return Definition(file, node.name, node)
        return None

    def named_value(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        known = getattr(expr, VALUE, _MISSING)
        if isinstance(known, Unresolvable):  # a value known not to be knowable, and why
            raise known
        if known is not _MISSING:
            return known
        local = getattr(expr, LOCAL_CLASS, None)
        if local is not None:  # a class a helper defined, named bare
            return self.project_type(local.file, None, local)
        ref = self._nested_class(file, expr) or self.resolver.resolve(file, expr)
        if isinstance(ref, External):
            return import_external(ref.name)
        if isinstance(ref, Definition):
            if isinstance(ref.node, ast.ClassDef):
                synthetic = self.enum_class(ref)
                if synthetic is None:
                    return self.project_type(ref.file, None, ref)
                return synthetic
            if isinstance(ref.node, ast.FunctionDef):
                raise Unresolvable(f"{ref.name} is a function")
            return self.value(ref.file, ref.node, depth + 1)
        if isinstance(ref, ModuleRef):
            raise Unresolvable("a module is not a value")
        scope = self.class_scope
        if isinstance(expr, ast.Name) and scope and expr.id in scope:
            # read in the class body too (``{"A": A}`` after ``A, B = range(2)``), but
            # not as itself: ``x = x + 1`` reads the module's ``x``
            self.class_scope = {k: v for k, v in scope.items() if k != expr.id}
            try:
                return self.value(file, scope[expr.id], depth + 1)
            finally:
                self.class_scope = scope
        if isinstance(expr, ast.Attribute) and self.class_attribute is not None:
            owner = self.resolver.resolve(file, expr.value)
            if isinstance(owner, Definition) and isinstance(owner.node, ast.ClassDef):
                member = self.member(owner, expr.attr)
                if member is not None:
                    return member
                return self.class_attribute(owner, expr.attr)
        raise Unresolvable(f"unknown name {_text(expr)}")

    def callee(self, file: ParsedFile, call: ast.Call) -> External | Definition | None:
        ref = self.resolver.resolve(file, call.func)
        return ref if isinstance(ref, (External, Definition)) else None

    def call(self, file: ParsedFile, expr: ast.Call, depth: int = 0) -> Any:
        ref = self.callee(file, expr)
        function: Any
        bound = getattr(expr.func, VALUE, _MISSING)
        if isinstance(bound, StaticObject):  # ``super()`` inside a type's method
            return bound.method("__call__")()
        if (isinstance(ref, Definition) and isinstance(ref.node, ast.FunctionDef)) or (
            ref is None and self.inliner.function_of(file, expr) is not None
        ):
            # a project helper (or a class's classmethod): the expression it returns, with
            # the arguments in place
            return self.value(file, self.inliner.inline(file, expr), depth + 1)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
            return self.project_type(file, expr, ref)
        if isinstance(expr.func, ast.Call) and self.inliner.function_of(file, expr.func):
            # ``UrlString(String)(length=512)``: a class the helper defines, called
            made = self.inliner.inline(file, expr.func)
            local = getattr(made, LOCAL_CLASS, None)
            if local is None:
                raise Unresolvable(f"{_text(expr.func)} does not return a class of its own")
            return self.project_type(file, expr, local)
        if ref is None and isinstance(expr.func, ast.Attribute):
            # a method of a value we built: ``String(5).with_variant(...)``, ``"x".lower()``,
            # ``PATTERN.sub(...)``
            owner = self.value(file, expr.func.value, depth + 1)
            function = _method(owner, expr.func.attr)
        elif isinstance(ref, External) and ref.name.partition(".")[0] in _TYPE_LIBRARIES:
            function = import_external(ref.name)
        elif isinstance(ref, External) and ref.name == "builtins.dir":
            function = _dir
        elif isinstance(ref, External) and _pure_function(ref.name):
            function = _pure_function(ref.name)
        else:
            raise Unresolvable(f"call to {_text(expr.func)}")
        args = []
        for arg in expr.args:
            if isinstance(arg, ast.Starred):
                args.extend(self.value(file, arg.value, depth + 1))
            else:
                args.append(self.value(file, arg, depth + 1))
        kwargs: dict[str, Any] = {}
        unknown: dict[str, str] = {}  # a type parameter only a spread could set: why not known
        for keyword in expr.keywords:
            if keyword.arg is None:
                try:
                    kwargs.update(self.value(file, keyword.value, depth + 1))
                except Unresolvable as exc:
                    keys = self.possible_keys(file, keyword.value)
                    if not (_is_type_class(function) and keys and keys <= PARTIAL_PARAMETERS):
                        raise
                    unknown.update(dict.fromkeys(sorted(keys), str(exc)))
            else:
                kwargs[keyword.arg] = self.value(file, keyword.value, depth + 1)
        try:
            result = function(*args, **kwargs)
        except Unresolvable:
            raise
        except Exception as exc:
            raise Unresolvable(f"{_text(expr.func)}(...) rejected: {exc}") from exc
        if unknown:
            # ``String(250, **COLLATION_ARGS)`` with a collation from run-time configuration:
            # the type is known but for that parameter (``columns.py`` compares the rest)
            setattr(
                result, UNKNOWN_PARAMETERS, {**getattr(result, UNKNOWN_PARAMETERS, {}), **unknown}
            )
        return _bounded(result)

    def possible_keys(self, file: ParsedFile, node: ast.expr, depth: int = 0) -> set[str] | None:
        """The keys a dict spread (``**COLLATION_ARGS``) can hold whatever runs: those of
        the dict literals the name or helper gives on every path; None when not known."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Dict):
            keys: set[str] = set()
            for key, item in zip(node.keys, node.values, strict=False):
                if key is None:
                    inner = self.possible_keys(file, item, depth + 1)
                    if inner is None:
                        return None
                    keys |= inner
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys.add(key.value)
                else:
                    return None
            return keys
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.resolver.resolve(file, node)
            if isinstance(ref, Definition) and isinstance(ref.node, ast.expr):
                return self.possible_keys(ref.file, ref.node, depth + 1)
            return None
        if isinstance(node, ast.Call):
            ref = self.resolver.resolve(file, node.func)
            if not (isinstance(ref, Definition) and isinstance(ref.node, ast.FunctionDef)):
                return None
            found: set[str] = set()
            for returned in _returns_of(ref.node):
                if returned is None:
                    return None
                keys_here = self.possible_keys(ref.file, returned, depth + 1)
                if keys_here is None:
                    return None
                found |= keys_here
            return found
        return None

    # -- classes ------------------------------------------------------------------------

    def project_type(self, file: ParsedFile, call: ast.Call | None, definition: Definition) -> Any:
        """What a project ``TypeDecorator`` subclass creates in the database (``call``
        None: the class named bare), a type or SQL function the project compiles itself
        (``compiles.py``, ``sql_functions.py``), a plain subclass of a SQLAlchemy type;
        any other project class is unknown."""
        from .custom_types import decorator_chain, instantiate
        from .sql_functions import project_element

        if self.compile_overrides is not None:
            compiled = self.compile_overrides.project_type(self, file, call, definition)
            if compiled is not None:
                return compiled
        chain = decorator_chain(self, definition)
        if chain is None:
            element = project_element(self, file, call, definition)
            if element is not None:
                return element
            return self._subclassed_type(file, call, definition)
        if call is not None:
            return instantiate(self, file, call, definition, chain)
        cached = self._decorators.get(definition)
        if cached is None:
            try:
                cached = instantiate(self, file, None, definition, chain)
            except Unresolvable as exc:
                cached = exc
            self._decorators[definition] = cached
        if isinstance(cached, Unresolvable):
            raise cached
        return cached

    def _subclassed_type(
        self, file: ParsedFile, call: ast.Call | None, definition: Definition
    ) -> Any:
        """A project subclass of a SQLAlchemy type that changes only how values are
        processed (``class GalaxyLargeBinary(LargeBinary)`` overriding a processor): the
        database holds the SQLAlchemy type it extends, built with the same arguments."""
        from .custom_types import plain_type_base

        base = plain_type_base(self, definition)
        if base is None:
            raise Unresolvable(f"{definition.name} is a custom class")
        args = [self.value(file, a) for a in call.args] if call is not None else []
        kwargs = {
            k.arg: self.value(file, k.value) for k in (call.keywords if call else ()) if k.arg
        }
        try:
            return base(*args, **kwargs)
        except Exception as exc:
            raise Unresolvable(f"{definition.name}(...) rejected: {exc}") from exc

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
        mixin: type | None = None  # ``class Status(str, Enum)``: members are strings too
        formats_as_value = False
        flag = False  # ``Flag``/``IntFlag``: members combine with ``|``
        for base in node.bases:
            ref = self.resolver.resolve(definition.file, base)
            if isinstance(ref, External) and ref.is_from("enum", *_ENUM_BASES):
                is_enum = True
                mixin = mixin or _ENUM_MIXINS.get(ref.name.rpartition(".")[2])
                formats_as_value = formats_as_value or ref.is_from("enum", *_REPR_ENUMS)
                flag = flag or ref.is_from("enum", "Flag", "IntFlag")
            elif isinstance(ref, External) and ref.name in ("builtins.str", "builtins.int"):
                mixin = str if ref.name == "builtins.str" else int
            elif isinstance(base, ast.Name) and base.id in ("str", "int") and ref is None:
                mixin = str if base.id == "str" else int
            elif isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
                parent = self.enum_class(ref, depth + 1)
                is_enum = is_enum or parent is not None
                if parent is not None and issubclass(parent, (str, int)):
                    mixin = mixin or (str if issubclass(parent, str) else int)
                if parent is not None and issubclass(parent, _REPR_ENUM):
                    formats_as_value = True
                flag = flag or (parent is not None and issubclass(parent, enum.Flag))
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
                member_value = self._auto_value(definition, target.id, counter)
                if flag and type(member_value) is int:
                    member_value = 1 << (counter - 1)  # a Flag's auto() counts in bits
            members.append((target.id, member_value))
        if mixin is not None and not all(type(v) is mixin for _, v in members):
            mixin = None  # a member the look-alike cannot hold as that type
        try:
            synthetic = _look_alike(node.name, members, mixin, formats_as_value, flag)
        except (TypeError, ValueError):
            return None
        synthetic.__qualname__ = node.name
        self._enums[key] = synthetic
        return synthetic

    def _auto_value(self, definition: Definition, name: str, counter: int) -> Any:
        """What ``auto()`` gives member ``name``: the enum's own ``_generate_next_value_``
        when it returns the name (or ``name.lower()``), ``StrEnum``'s lowercase name, else
        the running number; another generator is not read."""
        current: Definition | None = definition
        for _ in range(_MAX_DEPTH):
            if current is None or not isinstance(current.node, ast.ClassDef):
                break
            node = current.node
            for statement in node.body:
                if (
                    isinstance(statement, ast.FunctionDef)
                    and statement.name == "_generate_next_value_"
                ):
                    return _generated_value(statement, name, counter)
            parent: Definition | None = None
            for base in node.bases:
                ref = self.resolver.resolve(current.file, base)
                if isinstance(ref, External) and ref.is_from("enum", "StrEnum"):
                    return name.lower()
                if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
                    parent = parent or ref
            current = parent
        return counter

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
            ref = self._nested_class(file, expr) or self.resolver.resolve(file, expr)
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


def _generated_value(function: ast.FunctionDef, name: str, counter: int) -> Any:
    """A ``_generate_next_value_(name, ...)`` that returns its name, or its lowercase."""
    parameters = [*function.args.posonlyargs, *function.args.args]
    first = parameters[0].arg if parameters else None
    body = [s for s in function.body if not _is_docstring(s)]
    if len(body) == 1 and isinstance(body[0], ast.Return) and first is not None:
        returned = body[0].value
        if isinstance(returned, ast.Name) and returned.id == first:
            return name
        if (
            isinstance(returned, ast.Call)
            and isinstance(returned.func, ast.Attribute)
            and returned.func.attr in ("lower", "upper")
            and isinstance(returned.func.value, ast.Name)
            and returned.func.value.id == first
            and not returned.args
        ):
            return getattr(name, returned.func.attr)()
    return _Opaque(name, counter)


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _look_alike(
    name: str,
    members: list[tuple[str, Any]],
    mixin: type | None,
    formats_as_value: bool,
    flag: bool = False,
) -> type[enum.Enum]:
    """An enum of ``members`` that formats as the workspace enum does: an ``IntEnum``
    (or ``StrEnum``) member as its value, a member of ``(str, Enum)`` as ``Name.MEMBER``;
    a ``Flag``'s members combine."""
    if flag:
        return enum.IntFlag(name, members) if mixin is int else enum.Flag(name, members)  # type: ignore[return-value]
    if formats_as_value and mixin is int:
        return enum.IntEnum(name, members)  # type: ignore[return-value]
    if formats_as_value and mixin is str and hasattr(enum, "StrEnum"):
        return enum.StrEnum(name, members)  # type: ignore[no-any-return]
    return enum.Enum(name, members, type=mixin)  # type: ignore[return-value]


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


def _text(expr: ast.AST) -> str:
    try:
        return ast.unparse(expr)[:60]
    except Exception:  # a synthetic node holding a value
        return type(expr).__name__


def _plain(value: Any) -> Any:
    """An enum member of a look-alike enum compares as itself; nothing else changes."""
    return value


def _bounded(value: Any) -> Any:
    if isinstance(value, (str, tuple, list, dict, set, bytes)) and len(value) > MAX_LENGTH:
        raise Unresolvable("a value too long to build")
    return value


_NUMBERS = (int, float)


def _is_sql(value: Any) -> bool:
    """A SQL expression SQLAlchemy built (a scratch table's column, a function of it)."""
    from sqlalchemy.sql.elements import ColumnElement

    return isinstance(value, ColumnElement)


#: Python operators SQLAlchemy overloads to build SQL (``a == 1``, ``a + 2``).
_SQL_OPERATORS: dict[type, Any] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
}


def _sql_operation(op: ast.cmpop | ast.operator, left: Any, right: Any) -> Any:
    """``left <op> right`` where one side is a SQL expression: the SQL it builds."""
    if type(op) in _SQL_OPERATORS:
        return _SQL_OPERATORS[type(op)](left, right)
    if isinstance(op, (ast.Is, ast.IsNot)) and right is None:
        return left.is_(None) if isinstance(op, ast.Is) else left.is_not(None)
    raise Unresolvable(f"{type(op).__name__} in a SQL expression")


def _sql_bool(op: ast.boolop, values: list[Any]) -> Any:
    import sqlalchemy as sa

    return sa.and_(*values) if isinstance(op, ast.And) else sa.or_(*values)


_SET_OPERATORS: dict[type, Any] = {
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.Sub: operator.sub,
    ast.BitXor: operator.xor,
}


_PLAIN = (str, int, float, tuple, list, type(None))


def _is_plain(value: Any) -> bool:
    """A value of a plain type: arithmetic on it is Python's own (a function, not an
    ``isinstance`` in place, so the operands stay ``Any``: Python itself refuses the
    combinations that make no sense, as the evaluator's caller expects)."""
    return isinstance(value, _PLAIN)


def _binary(op: ast.operator, left: Any, right: Any) -> Any:
    """Arithmetic and string building on plain values only (no user objects), and SQL
    expressions of a scratch table's columns (``a + 2``, ``first || last``)."""
    if _is_sql(left) or _is_sql(right):
        return _sql_operation(op, left, right)
    if not (_is_plain(left) and _is_plain(right)):
        if isinstance(op, ast.BitOr) and isinstance(left, dict) and isinstance(right, dict):
            return {**left, **right}
        flags = isinstance(left, enum.Flag) and isinstance(right, enum.Flag)
        if flags and isinstance(op, (ast.BitOr, ast.BitAnd, ast.BitXor)):
            return _SET_OPERATORS[type(op)](left, right)  # ``Perm.READ | Perm.WRITE``
        sets = (set, frozenset)
        if isinstance(left, sets) and isinstance(right, sets) and type(op) in _SET_OPERATORS:
            return _SET_OPERATORS[type(op)](left, right)  # ``allowed - {Kind.A}``
        raise Unresolvable(f"{type(op).__name__} of {type(left).__name__}")
    if isinstance(op, ast.Add):
        return _bounded(left + right)
    if isinstance(op, ast.Mult):
        sequence, count = (left, right) if isinstance(right, int) else (right, left)
        if (
            isinstance(sequence, (str, tuple, list))
            and isinstance(count, int)
            and len(sequence) * max(count, 0) > MAX_LENGTH
        ):
            raise Unresolvable("a value too long to build")
        return left * right
    if isinstance(op, ast.Mod):
        if isinstance(left, str):
            for item in right if isinstance(right, tuple) else (right,):
                _formatted_alike(item)
            return _bounded(left % right)
        return left % right
    if isinstance(left, _NUMBERS) and isinstance(right, _NUMBERS):
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Div):
            return left / right
        if isinstance(op, ast.FloorDiv):
            return left // right
        if isinstance(op, ast.Pow) and abs(right) <= 64:
            return left**right
        if isinstance(left, int) and isinstance(right, int):
            if isinstance(op, ast.BitOr):
                return left | right
            if isinstance(op, ast.BitAnd):
                return left & right
            if isinstance(op, ast.LShift) and 0 <= right <= 64:
                return left << right
            if isinstance(op, ast.RShift):
                return left >> right
    raise Unresolvable(f"{type(op).__name__} of {type(left).__name__}")


_COMPARABLE = (str, int, float, tuple, list, dict, set, frozenset, type(None), enum.Enum)


def _is_comparable(value: Any) -> bool:
    """A value Python compares by itself (see ``_is_plain``: the operands stay ``Any``)."""
    return isinstance(value, _COMPARABLE)


def _compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    if isinstance(op, ast.Is):
        return left is right
    if isinstance(op, ast.IsNot):
        return left is not right
    if not (_is_comparable(left) and _is_comparable(right)):
        raise Unresolvable(f"comparing {type(left).__name__}")
    if isinstance(op, ast.Eq):
        return bool(left == right)
    if isinstance(op, ast.NotEq):
        return bool(left != right)
    if isinstance(op, ast.In):
        return left in right
    if isinstance(op, ast.NotIn):
        return left not in right
    if isinstance(op, ast.Lt):
        return bool(left < right)
    if isinstance(op, ast.LtE):
        return bool(left <= right)
    if isinstance(op, ast.Gt):
        return bool(left > right)
    if isinstance(op, ast.GtE):
        return bool(left >= right)
    raise Unresolvable(type(op).__name__)


_VIEWS: tuple[type, ...] = (type({}.keys()), type({}.values()), type({}.items()))


def _is_collection(value: Any) -> bool:
    """A built-in collection the evaluator iterates (the operand stays ``Any``)."""
    return isinstance(value, (str, tuple, list, set, frozenset, dict, range, *_VIEWS))


def iterate(value: Any) -> list[Any]:
    if isinstance(value, enum.EnumMeta):  # a workspace enum's look-alike: its members
        return list(value)
    if _is_collection(value):
        sized: Any = value
        if len(sized) > MAX_LENGTH:
            raise Unresolvable("too many items to iterate")
        return list(sized)
    raise Unresolvable(f"iterating {type(value).__name__}")


def bind_target(target: ast.expr, item: Any, bindings: dict[str, Any]) -> None:
    if isinstance(target, ast.Name):
        bindings[target.id] = item
        return
    if isinstance(target, (ast.Tuple, ast.List)):
        items = list(item) if isinstance(item, (tuple, list)) else None
        if items is None or len(items) != len(target.elts):
            raise Unresolvable("unpacking in a comprehension")
        for element, part in zip(target.elts, items, strict=True):
            bind_target(element, part, bindings)
        return
    raise Unresolvable("a comprehension target")


def with_constants(node: ast.AST, bindings: dict[str, Any]) -> Any:
    """``node`` with the names in ``bindings`` standing for their values."""
    if not bindings:
        return node

    class Bind(ast.NodeTransformer):
        def visit_Name(self, name: ast.Name) -> ast.AST:
            if name.id in bindings:
                bound = ast.Name(id=name.id, ctx=ast.Load())
                setattr(bound, VALUE, bindings[name.id])
                return ast.copy_location(bound, name)
            return name

    return Bind().visit(copy_tree(node))  # type: ignore[no-any-return]


def copy_tree(node: Any) -> Any:
    """A copy of a syntax tree whose nodes are new and whose other attributes are shared:
    a value a node carries (``VALUE``: a scratch table, the class being read, with its
    reader) is the same object, never copied (``copy.deepcopy`` would walk all of it)."""
    if isinstance(node, list):
        return [copy_tree(item) for item in node]
    if not isinstance(node, ast.AST):
        return node
    copied = type(node).__new__(type(node))
    fields = node._fields
    for key, item in node.__dict__.items():
        copied.__dict__[key] = copy_tree(item) if key in fields else item
    return copied


def _attribute(owner: Any, attr: str) -> Any:
    """An attribute of a value the evaluator built (never of user objects)."""
    if isinstance(owner, StaticObject):
        return owner.get(attr)
    if isinstance(owner, enum.Enum) and attr in ("value", "name"):
        return getattr(owner, attr)
    if isinstance(owner, str) and attr in _STR_METHODS:
        return getattr(owner, attr)
    if type(owner).__module__.startswith("sqlalchemy.") and not attr.startswith("_"):
        return getattr(owner, attr)
    raise Unresolvable(f"{type(owner).__name__}.{attr}")


def _method(owner: Any, attr: str) -> Any:
    """A method of a value the evaluator built that only computes a new value."""
    if isinstance(owner, StaticObject):
        return owner.method(attr)
    if type(owner).__module__.startswith("sqlalchemy."):
        if attr in _SAFE_METHODS:
            return getattr(owner, attr)
        raise Unresolvable(f"{type(owner).__name__}.{attr}()")
    if isinstance(owner, str) and attr in _STR_METHODS:
        if attr == "format":
            return _safe_format(owner)
        return getattr(owner, attr)
    if isinstance(owner, dict) and attr in ("get", "keys", "values", "items", "copy"):
        return getattr(owner, attr)
    if isinstance(owner, re.Pattern) and attr in _REGEX_FUNCTIONS:
        return _bounded_regex(getattr(owner, attr))
    raise Unresolvable(f"{type(owner).__name__}.{attr}()")


#: Type parameters a type may leave unknown and still be compared (``types.py`` leaves out
#: the findings about them): the collation a configuration gives.
PARTIAL_PARAMETERS = frozenset({"collation"})
#: The mark on a type built without them: parameter -> why it is not known.
UNKNOWN_PARAMETERS = "_schema_lsp_unknown_parameters"


def _is_type_class(function: Any) -> bool:
    from sqlalchemy.types import TypeEngine

    return isinstance(function, type) and issubclass(function, TypeEngine)


def _returns_of(function: ast.FunctionDef) -> list[ast.expr | None]:
    """The values a function's own ``return`` statements give (nested functions aside);
    a body that can end without one gives None too."""
    found: list[ast.expr | None] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            found.append(node.value)
        stack.extend(ast.iter_child_nodes(node))
    if not function.body or not isinstance(function.body[-1], (ast.Return, ast.Raise)):
        found.append(None)
    return found


def _dir(value: Any) -> list[str]:
    """``dir(cls)`` of the class being read, as far as the workspace declares it."""
    if isinstance(value, ClassValue) and value.names is not None:
        return list(value.names())
    raise Unresolvable(f"dir() of {type(value).__name__}")


def _safe_format(template: str) -> Any:
    """``"...".format``, its fields' attribute and item access limited to what the
    evaluator knows (``{t.field}`` of an enum, ``{kind.value}``, ``{row[0]}``)."""
    for _, _field, spec, _ in string.Formatter().parse(template):
        if spec and "{" in spec:
            raise Unresolvable("nested format fields")
    return lambda *args, **kwargs: _bounded(_SafeFormatter().vformat(template, args, kwargs))


def _field_attribute(owner: Any, attr: str) -> Any:
    """An attribute a format field may read: an enum's member, a member's value or name."""
    if isinstance(owner, enum.EnumMeta) and attr in owner.__members__:
        return owner[attr]
    if isinstance(owner, enum.Enum) and attr in ("value", "name"):
        return getattr(owner, attr)
    raise Unresolvable(f"format field .{attr} of {type(owner).__name__}")


def _formatted_alike(value: Any) -> Any:
    """``value``, unless formatting it depends on the Python version that runs the
    project: a member of ``class S(str, Enum)`` formats as its value before Python 3.11
    and as ``S.A`` since (an ``IntEnum``'s or ``StrEnum``'s as its value on both)."""
    if (
        isinstance(value, enum.Enum)
        and isinstance(value, (str, int))
        and not isinstance(value, _REPR_ENUM)
    ):
        raise Unresolvable(
            f"{type(value).__name__}.{value.name} formatted: its value before Python 3.11, "
            "its name since"
        )
    return value


class _SafeFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> Any:
        return super().format_field(_formatted_alike(value), format_spec)

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        first, rest = _string.formatter_field_name_split(field_name)
        value = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            if is_attribute:
                value = _field_attribute(value, key)
            elif isinstance(value, (list, tuple, dict, str)):
                value = value[key]
            else:
                raise Unresolvable(f"format field [{key}] of {type(value).__name__}")
        return value, first


@cache
def _builtin_functions() -> dict[str, Any]:
    import builtins

    return {name: getattr(builtins, name) for name in _BUILTIN_FUNCTIONS}


def _pure_function(name: str) -> Any:
    """A standard-library function the evaluator may call with evaluated values."""
    head, _, last = name.rpartition(".")
    if head == "builtins" and last in _BUILTIN_FUNCTIONS:
        function = _builtin_functions()[last]
        if last in ("range",):
            return lambda *args: _bounded(list(range(*args)))
        return function
    if head == "re" and last in _REGEX_FUNCTIONS:
        return _bounded_regex(getattr(re, last))
    if name == "itertools.chain":
        return lambda *iterables: _bounded([i for each in iterables for i in iterate(each)])
    if name == "itertools.chain.from_iterable":
        return lambda outer: _bounded([i for each in iterate(outer) for i in iterate(each)])
    return None


def _bounded_regex(function: Any) -> Any:
    """``re`` functions on bounded text, refusing patterns that could backtrack without
    bound (a quantifier inside a quantified group, backreferences)."""

    def run(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, str) and len(value) > MAX_REGEX_INPUT:
                raise Unresolvable("a regular expression on a long text")
            if isinstance(value, re.Pattern):
                _check_pattern(value.pattern)
        if getattr(function, "__self__", None) is None and args and isinstance(args[0], str):
            _check_pattern(args[0])  # re.sub(pattern, ...): the first argument
        return function(*args, **kwargs)

    return run


@cache
def _check_pattern(pattern: str | bytes) -> None:
    try:
        import re._parser as parser  # type: ignore[import-not-found]
    except ImportError:  # Python 3.10
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        parsed = parser.parse(pattern if isinstance(pattern, str) else pattern.decode())
    except Exception as exc:
        raise Unresolvable(f"a regular expression that does not compile ({exc})") from exc
    if _nested_repeat(parsed.data if hasattr(parsed, "data") else list(parsed), False):
        raise Unresolvable("a regular expression that may backtrack without bound")


def _nested_repeat(items: Any, inside: bool) -> bool:
    try:
        from re import _constants as constants  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_constants as constants

    for op, argument in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _low, high, sub = argument
            repeats = high is constants.MAXREPEAT or high > 1
            if repeats and inside and name != "POSSESSIVE_REPEAT":
                return True
            if _nested_repeat(list(sub), inside or repeats):
                return True
        elif name == "SUBPATTERN":
            if _nested_repeat(list(argument[-1]), inside):
                return True
        elif name == "BRANCH":
            if inside:
                return True  # alternatives under a quantifier: ``(a|aa)+`` backtracks too
            if any(_nested_repeat(list(branch), inside) for branch in argument[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _nested_repeat(list(argument[1]), inside):
                return True
        elif name in ("GROUPREF", "GROUPREF_EXISTS"):
            return True
    return False
