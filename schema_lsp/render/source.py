"""Python source layout for generated modules: expressions as small trees, laid out the way
``ruff format`` lays them out, so generated files are already formatted.

The rule for a call, tuple, list or dict: one line if it fits the line length (88, ruff's
and black's default, or the project's own: ``laid_out_at``), otherwise one element per line
with a trailing comma; an assignment whose opening line alone is too long gets its value
in parentheses. That is what ``ruff format`` writes at that line length (ruff keeps the
"magic trailing comma", so a longer line length mostly keeps it too). Imports are grouped
and sorted as ruff's isort rules do, the standard library first.
"""

from __future__ import annotations

import keyword
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

#: ruff's and black's default line length
DEFAULT_LINE_LENGTH = 88
INDENT = "    "
_LINE_LENGTH: ContextVar[int] = ContextVar("line_length", default=DEFAULT_LINE_LENGTH)


def line_length() -> int:
    """The width generated source is laid out to (see ``laid_out_at``)."""
    return _LINE_LENGTH.get()


@contextmanager
def laid_out_at(width: int | None) -> Iterator[None]:
    """Lay source out to ``width`` columns (the project formatter's line length) while
    this is held; None keeps the width already in force (88 unless told)."""
    token = _LINE_LENGTH.set(width if width is not None else _LINE_LENGTH.get())
    try:
        yield
    finally:
        _LINE_LENGTH.reset(token)


def string(value: str) -> str:
    """A Python string literal, quoted as ruff normalises it: double quotes unless that
    would need more escapes than single quotes."""
    quote = "'" if value.count('"') > value.count("'") else '"'
    out = []
    for char in value:
        if char == "\\":
            out.append("\\\\")
        elif char == quote:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif not char.isprintable():
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return quote + "".join(out) + quote


def is_identifier(name: str) -> bool:
    """Usable as a Python name: an identifier that is not a keyword."""
    return name.isidentifier() and not keyword.iskeyword(name)


class Node:
    """An expression that knows its one-line form and how to break over lines."""

    def flat(self) -> str:
        raise NotImplementedError

    def lines(self, indent: int, prefix: str = "", suffix: str = "") -> list[str]:
        """Lines for ``prefix + self + suffix`` starting at ``indent`` levels."""
        one = INDENT * indent + prefix + self.flat() + suffix
        width = line_length()
        if len(one) <= width or not self.can_break():
            return [one]
        broken = self.broken(indent, prefix, suffix)
        opening = INDENT * indent + prefix + "("
        if len(broken[0]) > width >= len(opening) and prefix.endswith(" = ") and not suffix:
            # The opening line alone is too long (a long name and annotation): ruff puts
            # the right-hand side in parentheses, on lines of its own. (Longer still, it
            # splits the annotation, which is not done here.)
            inner = self.lines(indent + 1)
            return [INDENT * indent + prefix + "(", *inner, INDENT * indent + ")"]
        return broken

    def can_break(self) -> bool:
        return False

    def broken(self, indent: int, prefix: str, suffix: str) -> list[str]:
        return [INDENT * indent + prefix + self.flat() + suffix]


Expr = Node | str


def as_node(value: Expr) -> Node:
    """Plain source text is an unbreakable atom."""
    return value if isinstance(value, Node) else Atom(value)


@dataclass(frozen=True)
class Atom(Node):
    """Source text that is never broken (a name, a literal)."""

    text: str

    def flat(self) -> str:
        return self.text


@dataclass(frozen=True)
class Keyword(Node):
    """``name=value`` inside a call."""

    name: str
    value: Expr

    def flat(self) -> str:
        return f"{self.name}={as_node(self.value).flat()}"

    def lines(self, indent: int, prefix: str = "", suffix: str = "") -> list[str]:
        return as_node(self.value).lines(indent, prefix + self.name + "=", suffix)


@dataclass(frozen=True)
class Pair(Node):
    """``key: value`` inside a dict."""

    key: Expr
    value: Expr

    def flat(self) -> str:
        return f"{as_node(self.key).flat()}: {as_node(self.value).flat()}"

    def lines(self, indent: int, prefix: str = "", suffix: str = "") -> list[str]:
        return as_node(self.value).lines(indent, prefix + as_node(self.key).flat() + ": ", suffix)


@dataclass(frozen=True)
class _Bracketed(Node):
    items: Sequence[Expr] = field(default_factory=tuple)
    opening = "("
    closing = ")"

    def head(self) -> str:
        return ""

    def inner_flat(self) -> str:
        return ", ".join(as_node(item).flat() for item in self.items)

    def flat(self) -> str:
        return f"{self.head()}{self.opening}{self.inner_flat()}{self.closing}"

    def can_break(self) -> bool:
        return bool(self.items)

    def broken(self, indent: int, prefix: str, suffix: str) -> list[str]:
        out = [INDENT * indent + prefix + self.head() + self.opening]
        for item in self.items:
            out += as_node(item).lines(indent + 1, "", ",")
        out.append(INDENT * indent + self.closing + suffix)
        return out


@dataclass(frozen=True)
class Call(_Bracketed):
    """``func(arg, ..., name=value)``; a bare ``func`` needs no Call."""

    func: str = ""

    def __init__(self, func: str, *items: Expr) -> None:
        object.__setattr__(self, "func", func)
        object.__setattr__(self, "items", tuple(items))

    def head(self) -> str:
        return self.func


@dataclass(frozen=True)
class Tuple(_Bracketed):
    def inner_flat(self) -> str:
        inner = super().inner_flat()
        return inner + "," if len(self.items) == 1 else inner

    def broken(self, indent: int, prefix: str, suffix: str) -> list[str]:
        only = as_node(self.items[0]) if len(self.items) == 1 else None
        if only is None or not only.can_break():
            return super().broken(indent, prefix, suffix)
        # A one-element tuple's comma is not "magic": ruff would join the tuple again at a
        # longer line length unless its element is itself held open by a magic comma.
        return [
            INDENT * indent + prefix + self.opening,
            *only.broken(indent + 1, "", ","),
            INDENT * indent + self.closing + suffix,
        ]


@dataclass(frozen=True)
class List(_Bracketed):
    opening = "["
    closing = "]"


@dataclass(frozen=True)
class Dict(_Bracketed):
    opening = "{"
    closing = "}"


@dataclass(frozen=True, order=True)
class Import:
    """``import module`` (name None) or ``from module import name``."""

    module: str
    name: str | None = None

    @property
    def bound_name(self) -> str:
        """The name the import binds in the module's namespace."""
        return self.name if self.name is not None else self.module.partition(".")[0]


_STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


def _member_key(name: str) -> tuple[int, str]:
    """Ruff's isort ``order-by-type``: CONSTANTS, then Classes, then functions/variables."""
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, name


def import_lines(imports: Iterable[Import]) -> list[str]:
    """Import statements grouped (standard library, then third party) and sorted the way
    ruff's isort rules sort them; long ``from`` imports are wrapped in parentheses."""
    sections: dict[bool, list[Import]] = {True: [], False: []}
    for item in set(imports):
        top = item.module.partition(".")[0]
        sections[top in _STDLIB].append(item)
    out: list[str] = []
    for is_stdlib in (True, False):
        section = sections[is_stdlib]
        if not section:
            continue
        if out:
            out.append("")
        plain = sorted({i.module for i in section if i.name is None}, key=str.lower)
        out += [f"import {module}" for module in plain]
        by_module: dict[str, set[str]] = {}
        for item in section:
            if item.name is not None:
                by_module.setdefault(item.module, set()).add(item.name)
        for module in sorted(by_module, key=str.lower):
            names = sorted(by_module[module], key=_member_key)
            statement = f"from {module} import "
            out += _ImportNames(names).lines(0, statement)
    return out


@dataclass(frozen=True)
class _ImportNames(_Bracketed):
    """The names of a ``from`` import: bare on one line, parenthesized when broken."""

    def flat(self) -> str:
        return self.inner_flat()

    def broken(self, indent: int, prefix: str, suffix: str) -> list[str]:
        # isort's (and ruff's I001) wrapped form: one name per line, trailing comma.
        names = [INDENT * (indent + 1) + as_node(item).flat() + "," for item in self.items]
        return [INDENT * indent + prefix + "(", *names, INDENT * indent + ")" + suffix]

    def __init__(self, names: Sequence[str]) -> None:
        object.__setattr__(self, "items", tuple(names))
