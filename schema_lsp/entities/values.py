"""What static evaluation hands around, and Python's own operations on it, bounded.

``Unresolvable`` (the reason a value cannot be known, which the caller turns into a note),
the stand-ins for workspace objects (``ColumnMeta``, ``Placeholder``, ``ClassValue``,
``TableValue``), the outside modules that may be imported as real objects, the bounds on
steps, lengths and regular expressions, and the operations ``Evaluator`` applies to plain
values: arithmetic, comparison, iteration, formatting and the safe methods of built-ins.
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

from .source import ParsedFile

if typing.TYPE_CHECKING:
    pass


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
