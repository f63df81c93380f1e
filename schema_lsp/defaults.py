"""Server-default comparison: the model's default SQL against the database's, per dialect.

Databases hand back a default in their own spelling: PostgreSQL adds casts
(``'0'::numeric``, ``'new'::status``, ``NULL::character varying``), MariaDB prints
``current_timestamp()`` and numbers unquoted (``0.00``), SQLite keeps the declared text
minus one pair of parentheses. Both sides are tokenized by ``sqltext`` (string literals kept
intact) and reduced to a ``NormalizedDefault``: a literal, a number, a boolean, a function, a
sequence, or, for anything else, an expression in ``sqltext``'s canonical spelling.

Decisions the diff engine may rely on:

* ``NULL`` and no default are the same (None).
* Numbers compare by value in numeric columns (``'0'`` = ``0`` = ``0.00``); booleans compare
  as truth values in boolean columns (``false`` = MySQL's ``0`` = ``'0'``); with no column
  type, a quoted number equals the number and ``true``/``false`` equal ``1``/``0``.
* Quoted dates, times, UUIDs and JSON compare by value in such columns
  (``'2020-01-01'`` = ``'2020-01-01 00:00:00'``, ``'{"a":1}'`` = ``'{"a": 1}'``).
* The current-time spellings a dialect treats as one (``now()``, ``CURRENT_TIMESTAMP``,
  MariaDB ``current_timestamp()``, PostgreSQL ``transaction_timestamp()``, SQLite
  ``datetime('now')``) are one function; any other function is itself
  (``clock_timestamp()`` is not ``now()``).
* An expression that differs only in spelling from the other side cannot be judged: the
  comparison is ``not_compared``, never a difference. Two different simple defaults (a
  literal, number, function, sequence) are a difference.
* MySQL's ``ON UPDATE ...`` is split off into ``on_update``; it is compared only when the
  model's text has one too.
* A serial column's ``nextval(...)`` is the database's own doing: ``is_automatic_default``
  says so, and the diff should not ask the model to declare it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal
from uuid import UUID

from .dialects import rules_for
from .schema import ColumnSchema, TableSchema, TypeSpec
from .sqltext import (
    Token,
    closing,
    drop_casts,
    normal_form,
    normalize_number,
    render_tokens,
    strip_parentheses,
    tokenize,
    unquote,
)
from .types import canonical_type

Kind = Literal["literal", "number", "boolean", "function", "sequence", "expression"]
Status = Literal["equal", "different", "not_compared"]

_TRUE_TEXTS = frozenset({"true", "t", "1", "y", "yes", "on"})
_FALSE_TEXTS = frozenset({"false", "f", "0", "n", "no", "off"})
_NUMBER_FAMILIES = frozenset(
    {"integer", "bigint", "smallint", "tinyint", "mediumint", "numeric", "float", "double", "year"}
)


@dataclass(frozen=True)
class NormalizedDefault:
    """A server default reduced to a comparable value.

    ``kind`` says what ``value`` is: ``literal`` (the unquoted string), ``number`` (a
    ``Decimal`` as text, e.g. ``"-1.5"``), ``boolean`` (``"true"``/``"false"``), ``function``
    (``"current_timestamp"``, ``"gen_random_uuid()"``), ``sequence`` (the sequence name of a
    ``nextval``), or ``expression`` (``sqltext.normal_form``: casts and redundant
    parentheses dropped, keywords lower case, string literals intact).
    ``text`` is the SQL as given; ``on_update`` MySQL's ``ON UPDATE`` clause, if any.
    """

    kind: Kind
    value: str
    text: str
    on_update: str | None = None


@dataclass(frozen=True)
class DefaultComparison:
    """Whether two server defaults are the same; ``message`` names both sides when they
    differ, or says why they could not be compared."""

    status: Status
    declared: str | None
    actual: str | None
    message: str = ""

    @property
    def equal(self) -> bool:
        return self.status == "equal"

    @property
    def different(self) -> bool:
        return self.status == "different"


@lru_cache(maxsize=8192)
def normalize_default(
    sql: str | None,
    dialect: str,
    column_type: TypeSpec | None = None,
    *,
    reflected: bool = False,
) -> NormalizedDefault | None:
    """The comparable form of a server default on ``dialect``, or None for no default
    (including ``NULL``). ``column_type`` lets quoted numbers and booleans be read as such.
    ``reflected`` says the text came from the database: MySQL escapes backslashes in it,
    while a model's text is standard SQL (only ``''`` escapes a quote)."""
    if sql is None or not sql.strip():
        return None
    text = sql.strip()
    rules = rules_for(dialect)
    backslashes = reflected and rules.backslash_escapes
    body, on_update = (text, None)
    if rules.on_update_defaults:
        body, on_update = _split_on_update(text, backslashes)
    tokens = tokenize(body, backslashes=backslashes)
    if tokens is None:
        return NormalizedDefault("expression", _squeeze(body), text, on_update)
    kind, value = _classify(strip_parentheses(drop_casts(tokens)), dialect)
    if kind == "expression":
        value = normal_form(tokens, dialect)
    if kind is None:
        return None
    if kind in ("literal", "number", "boolean"):
        kind, value = _in_domain(kind, value, _domain(column_type, dialect))
    hex_binary = rules.binary_defaults_in_hex and _is_binary(column_type)
    if reflected and kind == "literal" and hex_binary:
        value = _bytea_text(value)
    return NormalizedDefault(kind, value, text, on_update)


def _is_binary(column_type: TypeSpec | None) -> bool:
    if column_type is None:
        return False
    name = column_type.name.upper()
    return name in ("LARGEBINARY", "BYTEA", "BINARY", "VARBINARY", "BLOB", "_BINARY")


def _bytea_text(value: str) -> str:
    """PostgreSQL prints a bytea default in hex (``'x'`` as ``'\\x78'::bytea``): the text
    it stands for, to compare with the model's literal."""
    if (
        len(value) >= 2
        and value[:2] == "\\x"
        and all(c in "0123456789abcdefABCDEF" for c in value[2:])
    ):
        try:
            return bytes.fromhex(value[2:]).decode("utf-8")
        except ValueError:
            return value
    return value


@lru_cache(maxsize=8192)
def compare_defaults(
    declared: str | None,
    actual: str | None,
    dialect: str,
    column_type: TypeSpec | None = None,
) -> DefaultComparison:
    """Compare the model's server default (dialect-neutral SQL such as ``now()``,
    ``'abc'``, ``false``) with the database's reflected one, for a column of
    ``column_type`` (either side's type; it decides how quoted numbers are read)."""
    mine = normalize_default(declared, dialect, column_type)
    theirs = normalize_default(actual, dialect, column_type, reflected=True)
    shown_declared = declared.strip() if declared else None
    shown_actual = actual.strip() if actual else None
    if mine is None and theirs is None:
        return DefaultComparison("equal", shown_declared, shown_actual)
    if mine is None:
        message = f"database has default {shown_actual}, the model declares none"
        return DefaultComparison("different", shown_declared, shown_actual, message)
    rules = rules_for(dialect)
    if (
        theirs is None
        and not rules.reads_bit_defaults
        and column_type
        and column_type.name == "BIT"
    ):
        message = f"SQLAlchemy does not read {rules.title} BIT defaults; not compared"
        return DefaultComparison("not_compared", shown_declared, shown_actual, message)
    if theirs is None:
        message = f"declared default {shown_declared}, the database column has none"
        return DefaultComparison("different", shown_declared, shown_actual, message)
    same = _same(mine, theirs)
    if (
        not same
        and rules.precise_now
        and (_precise_now_of(mine, theirs) or _precise_now_of(theirs, mine))
    ):
        same = True
    if same is None:
        message = (
            f"default expressions {shown_declared} and {shown_actual} differ in spelling; "
            "not compared"
        )
        return DefaultComparison("not_compared", shown_declared, shown_actual, message)
    if same and mine.on_update is not None:
        same = _same_on_update(mine.on_update, theirs.on_update, dialect)
    if same:
        return DefaultComparison("equal", shown_declared, shown_actual)
    message = f"declared default {shown_declared}, database has {shown_actual}"
    return DefaultComparison("different", shown_declared, shown_actual, message)


def is_automatic_default(column: ColumnSchema, table: TableSchema | None = None) -> bool:
    """True when the column's default is the database's own auto-increment machinery: an
    identity column, or the ``nextval`` of a PostgreSQL SERIAL's sequence (named
    ``<table>_<column>_seq``, checked when ``table`` is given). A model need not declare it."""
    if column.identity is not None:
        return True
    if column.default is None or not column.autoincrement:
        return False
    normalized = normalize_default(column.default, "postgresql")
    if normalized is None or normalized.kind != "sequence":
        return False
    if table is None:
        return True
    schema, name = _qualified_name(normalized.value)
    if schema not in ("", table.schema or "", "public"):
        return False
    # PostgreSQL names a serial's sequence <table>_<column>_seq, shortened to 63 bytes,
    # with a number after "seq" when the name was taken.
    labels = ["seq"] + [f"seq{number}" for number in range(1, 10)]
    return any(name == _pg_object_name(table.name, column.name, label) for label in labels)


def _qualified_name(text: str) -> tuple[str, str]:
    """``app."Order Items_id_seq"`` -> (``app``, ``Order Items_id_seq``): PostgreSQL quotes
    a name in ``regclass`` text when it needs quoting, doubling any quote inside it."""
    parts: list[str] = []
    current = ""
    quoted = False
    position = 0
    while position < len(text):
        char = text[position]
        if char == '"':
            if quoted and text[position + 1 : position + 2] == '"':
                current += '"'
                position += 1
            else:
                quoted = not quoted
        elif char == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
        position += 1
    parts.append(current)
    return (parts[-2] if len(parts) > 1 else ""), parts[-1]


def _pg_object_name(first: str, second: str, label: str) -> str:
    """PostgreSQL's ``makeObjectName``: shorten the longer part until the name fits."""
    available = 63 - len(label.encode()) - 2
    first_chars, second_chars = len(first), len(second)
    while len(first[:first_chars].encode()) + len(second[:second_chars].encode()) > available:
        if first_chars > second_chars:
            first_chars -= 1
        else:
            second_chars -= 1
    return f"{first[:first_chars]}_{second[:second_chars]}_{label}"


# -- ON UPDATE ---------------------------------------------------------------------------


def _split_on_update(text: str, backslashes: bool) -> tuple[str, str | None]:
    """MariaDB reflects ``current_timestamp() ON UPDATE current_timestamp()`` as the
    default; the ``ON UPDATE`` part is not a default."""
    tokens = tokenize(text, backslashes=backslashes)
    if tokens is None:
        return text, None
    depth = 0
    for index, token in enumerate(tokens[:-1]):
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif (
            depth == 0
            and token.kind == "ident"
            and token.text.lower() == "on"
            and tokens[index + 1].text.lower() == "update"
        ):
            match = re.search(r"\s+ON\s+UPDATE\s+", text, re.I)
            if match is not None:
                return text[: match.start()].strip(), text[match.end() :].strip()
    return text, None


# -- classification ----------------------------------------------------------------------


def _classify(tokens: list[Token], dialect: str) -> tuple[Kind | None, str]:
    """(kind, value), or (None, "") for NULL."""
    if len(tokens) == 2 and tokens[0].text in ("-", "+") and tokens[1].kind == "number":
        return "number", normalize_number(tokens[0].text + tokens[1].text)
    if len(tokens) == 1:
        token = tokens[0]
        if token.kind == "string":
            return "literal", unquote(token)
        if token.kind == "number":
            return "number", normalize_number(token.text)
        if token.kind == "bits":
            digits = token.text[2:-1] or "0"
            return "number", str(int(digits, 2 if token.text[0] in "Bb" else 16))
        if token.kind == "ident":
            word = token.text.lower()
            if word == "null":
                return None, ""
            if word in ("true", "false"):
                return "boolean", word
            return "function", _function(word, dialect)
    is_call = len(tokens) >= 3 and tokens[0].kind == "ident" and tokens[1].text == "("
    if is_call and closing(tokens, 1) == len(tokens) - 1:
        name = tokens[0].text.lower()
        arguments = tokens[2:-1]
        if name == "nextval" and len(arguments) == 1 and arguments[0].kind == "string":
            return "sequence", unquote(arguments[0])
        if name == "cast":
            operand = _cast_operand(arguments)
            if operand is not None:
                return _classify(strip_parentheses(operand), dialect)
        return "function", _function(f"{name}({render_tokens(arguments, dialect)})", dialect)
    return "expression", ""  # spelled by normal_form


def _cast_operand(arguments: list[Token]) -> list[Token] | None:
    """The value inside ``CAST(value AS type)``: the same default as ``value::type``."""
    depth = 0
    for index, token in enumerate(arguments):
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif depth == 0 and token.kind == "ident" and token.text.lower() == "as" and index:
            return arguments[:index]
    return None


_MYSQL_PRECISE_NOW = re.compile(r"(?:now|current_timestamp|localtimestamp|localtime)\((\d+)\)")


def _precise_now_of(mine: NormalizedDefault, theirs: NormalizedDefault) -> bool:
    """MariaDB stores ``now()`` on a ``DATETIME(6)`` as ``current_timestamp(6)``: the
    column's precision, which a model's plain ``now()`` leaves to the column."""
    functions = mine.kind == theirs.kind == "function"
    return (
        functions
        and mine.value == "current_timestamp"
        and bool(re.fullmatch(r"current_timestamp\(\d+\)", str(theirs.value)))
    )


def _function(call: str, dialect: str) -> str:
    rules = rules_for(dialect)
    if call in rules.now_spellings:
        return "current_timestamp"
    if call in rules.today_spellings:
        return "current_date"
    if rules.precise_now:
        match = _MYSQL_PRECISE_NOW.fullmatch(call)
        if match is not None:
            digits = int(match.group(1))
            return "current_timestamp" if digits == 0 else f"current_timestamp({digits})"
    return call


# -- comparing values --------------------------------------------------------------------

Domain = Literal["number", "boolean", "datetime", "date", "time", "uuid", "json", "text", "unknown"]

#: Column families whose quoted literals the database rewrites into one canonical spelling.
_LITERAL_DOMAINS: dict[str, Domain] = {
    "datetime": "datetime",
    "timestamp": "datetime",
    "date": "date",
    "time": "time",
    "uuid": "uuid",
    "json": "json",
    "jsonb": "json",
}


def _domain(column_type: TypeSpec | None, dialect: str) -> Domain:
    if column_type is None:
        return "unknown"
    canonical = canonical_type(column_type, dialect)
    if canonical is None:
        return "unknown"
    if canonical.family == "boolean":
        return "boolean"
    if canonical.family in _NUMBER_FAMILIES:
        return "number"
    return _LITERAL_DOMAINS.get(canonical.family, "text")


def _in_domain(kind: Kind, value: str, domain: Domain) -> tuple[Kind, str]:
    """Read a literal, number or boolean as the column's kind of value."""
    if domain == "boolean":
        truth = _truth(kind, value)
        if truth is not None:
            return "boolean", truth
    elif domain == "number":
        number = _as_number(kind, value)
        if number is not None:
            return "number", number
    elif kind == "number" and domain != "unknown":
        return "literal", value
    elif kind == "literal" and domain in _LITERAL_READERS:
        try:
            return "literal", _LITERAL_READERS[domain](value.strip())
        except ValueError:
            pass
    return kind, value


def _json(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


#: How a database spells a literal of each domain once stored: PostgreSQL prints
#: ``'2020-01-01 00:00:00'`` for ``'2020-01-01'``, lower-case UUIDs, jsonb re-spaced.
_LITERAL_READERS: dict[str, Callable[[str], str]] = {
    "datetime": lambda text: datetime.fromisoformat(text).isoformat(),
    "date": lambda text: date.fromisoformat(text).isoformat(),
    "time": lambda text: time.fromisoformat(text).isoformat(),
    "uuid": lambda text: str(UUID(text)),
    "json": _json,
}


def _truth(kind: Kind, value: str) -> str | None:
    text = value.lower()
    if kind == "number":
        text = normalize_number(text)
    if text in _TRUE_TEXTS:
        return "true"
    if text in _FALSE_TEXTS:
        return "false"
    return None


def _as_number(kind: Kind, value: str) -> str | None:
    if kind == "boolean":
        return "1" if value == "true" else "0"
    if kind == "literal":
        try:
            Decimal(value.strip())
        except InvalidOperation:
            return None
        return normalize_number(value.strip())
    return value


def _same(mine: NormalizedDefault, theirs: NormalizedDefault) -> bool | None:
    """True/False, or None when the two cannot be judged (an expression on either side)."""
    if mine.kind == theirs.kind and mine.value == theirs.value:
        return True
    if "expression" in (mine.kind, theirs.kind):
        return None
    if mine.kind == "sequence" and theirs.kind == "sequence":
        return _same_sequence(mine.value, theirs.value)
    kinds = {mine.kind, theirs.kind}
    if kinds <= {"literal", "number", "boolean"} and kinds != {"literal"}:
        # No column type to go by: compare as numbers where both read as numbers.
        left, right = (
            _as_number(mine.kind, mine.value),
            _as_number(theirs.kind, theirs.value),
        )
        if left is not None and right is not None:
            return left == right
    return False


def _same_sequence(left: str, right: str) -> bool:
    """``public.t_id_seq`` and ``t_id_seq`` are one sequence when one side omits the schema."""
    left_schema, _, left_name = left.rpartition(".")
    right_schema, _, right_name = right.rpartition(".")
    schemas_agree = not left_schema or not right_schema or left_schema == right_schema
    return left_name.strip('"') == right_name.strip('"') and schemas_agree


def _same_on_update(declared: str, actual: str | None, dialect: str) -> bool:
    left = normalize_default(declared, dialect)
    right = normalize_default(actual, dialect, reflected=True)
    return left is not None and right is not None and _same(left, right) is True


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


__all__ = [
    "DefaultComparison",
    "NormalizedDefault",
    "compare_defaults",
    "is_automatic_default",
    "normalize_default",
]
