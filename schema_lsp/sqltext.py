"""SQL expression text, as models write it and databases print it back, in one comparable form.

CHECK constraints, index expressions, partial-index predicates, generated columns and server
defaults all travel as SQL text, and each database hands the text back rewritten:
PostgreSQL adds casts and parentheses (``(status)::text = 'x'::text``, ``((a + 2))``), turns
``IN (...)`` into ``= ANY (ARRAY[...])``, ``BETWEEN`` into two comparisons and ``LIKE`` into
``~~``; MariaDB backquotes identifiers, lower-cases keywords and inverts ``NOT (a = 1)``;
SQLite keeps the text as written. ``tokenize`` splits text into tokens, and ``normalize_sql``
parses them into an expression and prints it back in one canonical spelling.

What callers may rely on:

* The inside of a string literal is never changed: ``'In progress'`` is not
  ``'in progress'`` nor ``'Inprogress'``. Only its spelling is (``E''``, ``N''``,
  ``_utf8mb4''`` prefixes and MySQL backslash escapes become the standard form).
* Unquoted identifiers and keywords are case-folded; a quoted identifier keeps its case
  where the dialect's names are case sensitive (PostgreSQL ``"Status"`` is not ``status``)
  and is the same as the unquoted name where they are not (MariaDB, SQLite).
* Parentheses are kept only where precedence needs them; casts (``::type``,
  ``CAST(x AS type)``) are dropped, since databases add them freely (a quoted number cast to
  a numeric type, PostgreSQL's ``'-1'::integer``, is the number).
* Text the parser does not follow (a subquery, an unusual operator) is compared token by
  token under the same rules; nothing here raises on any input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any, Literal

from .dialects import rules_for
from .dialects.stored_types import compiler_dialect

TokenKind = Literal["string", "bits", "number", "ident", "quoted", "cast", "op"]

_TOKEN_PATTERN = r"""
    (?P<space>\s+)
  | (?P<estring>[Ee]'(?:[^'\\]|''|\\.)*')
  | (?P<string>(?:[Nn]|_[A-Za-z0-9]+)?'STRING_BODY')
  | (?P<bits>[BbXx]'[0-9A-Fa-f]*')
  | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][\w$]*)
  | (?P<quoted>"(?:[^"]|"")*"|`(?:[^`]|``)*`)
  | (?P<cast>::)
  | (?P<op><=>|<=|>=|<>|!=|->>|->|\|\||!~~\*|!~~|~~\*|~~|!~\*|!~|~\*|@>|<@|&&|<<|>>
         |[-+*/%(),.\[\]=<>|&^~!@\#?;])
"""
#: Standard SQL strings (only ``''`` escapes a quote), and MySQL's, where a backslash
#: escapes too: MariaDB prints a stored ``a\b`` as ``'a\\b'``.
_TOKEN = re.compile(_TOKEN_PATTERN.replace("STRING_BODY", "(?:[^']|'')*"), re.VERBOSE)
_MYSQL_TOKEN = re.compile(
    _TOKEN_PATTERN.replace("STRING_BODY", "(?:[^'\\\\]|''|\\\\.)*"), re.VERBOSE
)
_C_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}  # PostgreSQL E''
_MYSQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}


@dataclass(frozen=True)
class Token:
    """One lexical token. ``escapes`` says how a string's body reads: ``""`` (standard,
    only ``''``), ``"e"`` (PostgreSQL ``E''``) or ``"backslash"`` (MySQL's); ``start`` is
    its offset in the text, so callers can cut the original spelling out."""

    kind: TokenKind
    text: str
    escapes: str = ""
    start: int = 0

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def word(self) -> str:
        """An unquoted identifier or keyword, case-folded; "" for anything else."""
        return self.text.lower() if self.kind == "ident" else ""


def tokenize(text: str, *, backslashes: bool = False) -> list[Token] | None:
    """The tokens of ``text`` (spaces dropped), or None where it cannot be split (an
    unterminated quote). ``backslashes``: string literals use MySQL's backslash escapes."""
    pattern = _MYSQL_TOKEN if backslashes else _TOKEN
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = pattern.match(text, position)
        if match is None:
            return None
        kind = match.lastgroup or ""
        if kind == "estring":
            tokens.append(Token("string", match.group(), "e", position))
        elif kind == "string":
            tokens.append(
                Token("string", match.group(), "backslash" if backslashes else "", position)
            )
        elif kind != "space":
            tokens.append(Token(kind, match.group(), "", position))  # type: ignore[arg-type]
        position = match.end()
    return tokens


def closing(tokens: Sequence[Token], start: int) -> int | None:
    """The index of the parenthesis closing the one at ``start``, or None."""
    depth = 0
    for index in range(start, len(tokens)):
        if tokens[index].text == "(":
            depth += 1
        elif tokens[index].text == ")":
            depth -= 1
            if depth == 0:
                return index
    return None


def strip_parentheses(tokens: list[Token]) -> list[Token]:
    """``((1))`` -> ``1``, ``(getdate())`` -> ``getdate()``; only parentheses around all."""
    while len(tokens) >= 2 and tokens[0].text == "(" and closing(tokens, 0) == len(tokens) - 1:
        tokens = tokens[1:-1]
    return tokens


def unwrapped(text: str) -> str:
    """``((a + 2))`` -> ``a + 2``: the text without parentheses around all of it, as it is
    spelled inside (for messages and for writing a database's expression into a model)."""
    tokens = tokenize(text) or tokenize(text, backslashes=True) or []
    inner = strip_parentheses(tokens)
    if not inner or inner is tokens:
        return text.strip()
    return text[inner[0].start : inner[-1].end]


def split_top_level(tokens: Sequence[Token]) -> list[list[Token]]:
    """``a, f(b, c), 'x,y'`` -> three token lists: commas inside parentheses, brackets or
    quotes do not split."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.text in ("(", "["):
            depth += 1
        elif token.text in (")", "]"):
            depth -= 1
        elif token.text == "," and depth == 0:
            parts.append([])
            continue
        parts[-1].append(token)
    return parts


def drop_casts(tokens: list[Token]) -> list[Token]:
    """Remove PostgreSQL casts (``::character varying``, ``::"Status"``, ``::app.status``,
    ``::numeric(10,2)``, ``::text[]``) wherever they are."""
    kept: list[Token] = []
    index = 0
    while index < len(tokens):
        if tokens[index].kind != "cast":
            kept.append(tokens[index])
            index += 1
            continue
        index = _after_type(tokens, index + 1)
    return kept


def unquote(token: Token) -> str:
    """The value of a SQL string literal, with its prefix (``E``, ``N``, ``_utf8mb4``) gone."""
    text = token.text
    body = text[text.index("'") + 1 : -1]
    if not token.escapes:
        return body.replace("''", "'")
    table = _MYSQL_ESCAPES if token.escapes == "backslash" else _C_ESCAPES
    return re.sub(
        r"''|\\(.)",
        lambda m: "'" if m.group(1) is None else table.get(m.group(1), m.group(1)),
        body,
    )


def normalize_number(text: str) -> str:
    """``1.50`` -> ``1.5``, ``1e3`` -> ``1000``, ``-0`` -> ``0``: numbers by value."""
    try:
        value = Decimal(text)
        if value == value.to_integral_value():
            return str(value.quantize(Decimal(1)) + 0)
        return str(value.normalize())
    except InvalidOperation:  # too large to write out (``1E100``): as written
        return text


@lru_cache(maxsize=8192)
def normalize_sql(text: str, dialect: str) -> str:
    """The canonical spelling of SQL expression ``text`` on ``dialect``: two texts that
    the database treats as the same expression (as far as the rules above go) give the same
    string. On MySQL/MariaDB backslashes escape in string literals, as MySQL reads them."""
    tokens = tokenize(text, backslashes=rules_for(dialect).backslash_escapes)
    if tokens is None:
        return re.sub(r"\s+", " ", text).strip()
    return normal_form(tokens, dialect)


def same_sql(declared: str, actual: str, dialect: str) -> bool:
    """Whether the model's SQL text and the database's are the same expression."""
    return declared == actual or normalize_sql(declared, dialect) == normalize_sql(actual, dialect)


def normal_form(tokens: Sequence[Token], dialect: str) -> str:
    """``normalize_sql`` of text already tokenized."""
    if not tokens:
        return ""
    parser = _Parser(tokens, dialect)
    try:
        expression = parser.expression(0)
        if parser.position == len(tokens):
            return expression.text
    except _NotFollowed:
        pass
    return render_tokens(strip_parentheses(drop_casts(list(tokens))), dialect)


def render_tokens(tokens: Sequence[Token], dialect: str) -> str:
    """Tokens as text, spelled canonically one by one (keywords case-folded, identifiers,
    strings and numbers in one spelling, spacing uniform), without parsing them."""
    parts = [_token_text(token, dialect) for token in tokens]
    text = re.sub(r"\s*([(),.\[\]])\s*", r"\1", " ".join(parts))
    return text.replace(",", ", ")


# -- canonical spellings of single tokens ----------------------------------------------------


def _token_text(token: Token, dialect: str) -> str:
    if token.kind == "ident":
        return _identifier(token.text, False, dialect)
    if token.kind == "quoted":
        body = token.text[1:-1].replace(token.text[0] * 2, token.text[0])
        return _identifier(body, True, dialect)
    if token.kind == "number":
        return normalize_number(token.text)
    if token.kind == "string":
        return _string(unquote(token))
    if token.kind == "bits":
        return token.text.lower()
    return "<>" if token.text == "!=" else token.text


def _identifier(name: str, quoted: bool, dialect: str) -> str:
    """An identifier in one spelling: case-folded unless quoted on a dialect whose names
    are case sensitive; bare when plain lower case (PostgreSQL's ``"left"(x)`` is
    ``left(x)``), else quoted by SQLAlchemy's identifier preparer for the dialect."""
    if not quoted or rules_for(dialect).case_insensitive_identifiers:
        name = name.lower()
    preparer = _preparer(dialect)
    plain = (
        name == name.lower()
        and preparer.legal_characters.match(name) is not None
        and name[:1] not in preparer.illegal_initial_characters
    )
    return name if plain else preparer.quote_identifier(name)


def _string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@cache
def _preparer(dialect: str) -> Any:
    """SQLAlchemy's identifier preparer for the dialect (no driver needed)."""
    return compiler_dialect(dialect).identifier_preparer


@cache
def _type_words() -> frozenset[str]:
    """The words that continue a multi-word PostgreSQL type after ``::``
    (``character varying``, ``timestamp with time zone``), from SQLAlchemy's own names."""
    from sqlalchemy.dialects.postgresql.base import ischema_names

    return frozenset(word for name in ischema_names if " " in name for word in name.split()[1:])


@cache
def _is_numeric_type(name: str) -> bool:
    """Whether a PostgreSQL cast target (``integer``, ``numeric``) holds numbers."""
    from sqlalchemy.dialects.postgresql.base import ischema_names
    from sqlalchemy.types import Float, Integer, Numeric

    found = ischema_names.get(name)
    return found is not None and issubclass(found, (Integer, Numeric, Float))


def _after_type(tokens: Sequence[Token], index: int) -> int:
    """The index after a type name starting at ``index``: dotted names, multi-word names,
    ``(args)`` and ``[]``."""
    words = _type_words()
    while index < len(tokens) and tokens[index].kind in ("ident", "quoted"):
        index += 1
        if index < len(tokens) and tokens[index].text == ".":
            index += 1
            continue
        if index < len(tokens) and tokens[index].word() in words:
            continue
        break
    if index < len(tokens) and tokens[index].text == "(":
        close = closing(tokens, index)
        if close is not None:
            index = close + 1
            while index < len(tokens) and tokens[index].word() in words:
                index += 1
    while index + 1 < len(tokens) and tokens[index].text == "[" and tokens[index + 1].text == "]":
        index += 2
    return index


# -- the expression parser -------------------------------------------------------------------

# Binding strength, loosest first (PostgreSQL's table; MySQL's agrees where it matters).
_OR, _XOR, _AND, _NOT, _IS, _COMPARE, _LIKE, _OTHER = 10, 15, 20, 30, 40, 50, 60, 70
_ADD, _MULTIPLY, _POWER, _UNARY, _COLLATE, _ATOM = 80, 90, 100, 110, 120, 1000

_COMPARISONS = {"=": "=", "<>": "<>", "!=": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">="}
_COMPARISONS["<=>"] = "<=>"  # MySQL's NULL-safe equality
#: PostgreSQL prints LIKE as its operator; both are one spelling here.
_LIKE_OPERATORS = {"~~": "like", "~~*": "ilike", "!~~": "not like", "!~~*": "not ilike"}
_ARITHMETIC = {"+": _ADD, "-": _ADD, "*": _MULTIPLY, "/": _MULTIPLY, "%": _MULTIPLY, "^": _POWER}
_WORD_OPERATORS = {"or": _OR, "xor": _XOR, "and": _AND, "div": _MULTIPLY, "mod": _MULTIPLY}
#: How tightly the operators that are words (or ``[``) bind.
_POSTFIX_PRECEDENCE = {
    **dict.fromkeys(("is", "isnull", "notnull"), _IS),
    **dict.fromkeys(("in", "between", "like", "ilike", "regexp", "rlike"), _LIKE),
    **dict.fromkeys(_LIKE_OPERATORS, _LIKE),
    **dict.fromkeys(("collate", "["), _COLLATE),
}
#: What MariaDB prints for a function the model may name otherwise.
#: NOT over these is the opposite operator (MariaDB prints ``NOT (a = 1)`` as ``a <> 1``).
_OPPOSITE = {
    "=": "<>",
    "<>": "=",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "is null": "is not null",
    "is not null": "is null",
    "is true": "is not true",
    "is not true": "is true",
    "is false": "is not false",
    "is not false": "is false",
    "like": "not like",
    "not like": "like",
    "ilike": "not ilike",
    "not ilike": "ilike",
}
#: Words that end an operand (they belong to an enclosing construct: CASE, CAST, ...).
_ENDS = frozenset(
    {"then", "else", "when", "end", "as", "from", "for", "escape", "asc", "desc", "nulls"}
    | {"order", "using"}
)
#: Words that cannot start an operand: a query, or a word that only follows one.
_NOT_OPERANDS = _ENDS | {"select", "with", "values", "exists", "and", "or", "is", "in"}


class _NotFollowed(Exception):
    """The parser met syntax it does not follow; the text is compared token by token."""


@dataclass(frozen=True)
class _Expr:
    """A parsed expression printed canonically. ``precedence`` is how tightly its top
    operator binds (for parentheses); ``operator`` and ``operands`` let NOT invert a
    comparison; ``literal`` is a string literal's value."""

    text: str
    precedence: int = _ATOM
    operator: str = ""
    operands: tuple[_Expr, ...] = ()
    literal: str | None = None


def _wrap(expression: _Expr, needed: int, *, strictly: bool = False) -> str:
    """The expression's text, parenthesised if it binds looser than ``needed`` (or as
    loose, with ``strictly``)."""
    if expression.precedence < needed or (strictly and expression.precedence == needed):
        return f"({expression.text})"
    return expression.text


def _binary(operator: str, left: _Expr, right: _Expr, precedence: int) -> _Expr:
    """``left operator right``, left-associative; AND/OR flatten (PostgreSQL prints
    ``a AND (b AND c)`` as ``a AND b AND c``); comparisons do not chain."""
    chains = precedence in (_COMPARE, _LIKE, _IS)
    flattens = operator in ("and", "or") and right.operator == operator
    text = (
        f"{_wrap(left, precedence, strictly=chains)} {operator} "
        f"{_wrap(right, precedence, strictly=not flattens)}"
    )
    return _Expr(text, precedence, operator, (left, right))


class _Parser:
    """A precedence-climbing parser over tokens that prints as it goes."""

    def __init__(self, tokens: Sequence[Token], dialect: str) -> None:
        self.tokens = tokens
        self.dialect = dialect
        self.rules = rules_for(dialect)
        self.position = 0

    # -- token access --------------------------------------------------------------------

    def peek(self, offset: int = 0) -> Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def peek_word(self, offset: int = 0) -> str:
        token = self.peek(offset)
        return token.word() if token is not None else ""

    def peek_text(self, offset: int = 0) -> str:
        token = self.peek(offset)
        return token.text if token is not None else ""

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise _NotFollowed
        self.position += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text.lower() != text:
            raise _NotFollowed

    # -- expressions ---------------------------------------------------------------------

    def expression(self, minimum: int) -> _Expr:
        left = self.prefix()
        while True:
            combined = self.infix(left, minimum)
            if combined is None:
                return left
            left = combined

    def prefix(self) -> _Expr:
        token = self.take()
        word = token.word()
        if token.text == "(":
            return self.parenthesised()
        if token.text in ("-", "+"):
            operand = self.expression(_UNARY)
            if operand.operator == "number":
                signed = token.text + operand.text if token.text == "-" else operand.text
                value = normalize_number(signed)
                return _Expr(value, _ATOM if not value.startswith("-") else _UNARY, "number")
            if token.text == "+":
                return operand
            return _Expr(f"-{_wrap(operand, _UNARY)}", _UNARY, "-", (operand,))
        if word == "not":
            return self.negation(self.expression(_NOT))
        if token.kind == "string":
            value = unquote(token)
            return _Expr(_string(value), literal=value)
        if token.kind == "number":
            return _Expr(normalize_number(token.text), operator="number")
        if token.kind == "bits":
            return _Expr(token.text.lower())
        if token.kind == "quoted":
            return self.name(_token_text(token, self.dialect))
        if token.kind != "ident" and token.text != "*":
            raise _NotFollowed
        if token.text == "*":
            return _Expr("*")
        return self.word(token, word)

    def word(self, token: Token, word: str) -> _Expr:
        """What a leading word starts: a keyword construct, a literal, a name or a call."""
        following = self.peek()
        if word in _NOT_OPERANDS:
            raise _NotFollowed
        if word == "case":
            return self.case()
        if word == "cast" and self.peek_text() == "(":
            return self.cast()
        if word == "array" and self.peek_text() == "[":
            self.take()
            return _Expr(f"array[{_joined(self.items(']'))}]", operator="array")
        if word in ("any", "all", "some") and self.peek_text() == "(":
            self.take()
            inner = self.expression(0)
            self.expect(")")
            word = "any" if word == "some" else word
            return _Expr(f"{word}({inner.text})", operator=word, operands=(inner,))
        if following is not None and following.kind == "string":
            return self.prefix()  # a typed literal, DATE '2020-01-01': the type goes
        if word in ("true", "false") and self.rules.booleans_are_integers:
            return _Expr("1" if word == "true" else "0", operator="number")
        name = _token_text(token, self.dialect)
        if self.peek_text() == "(":
            return self.call(name)
        return self.name(name)

    def name(self, first: str) -> _Expr:
        """A name, qualified by dots (``t.a``, ``app."Status"``), or a call of one."""
        parts = [first]
        while self.peek_text() == "." and self.peek(1) is not None:
            self.take()
            token = self.take()
            if token.kind not in ("ident", "quoted") and token.text != "*":
                raise _NotFollowed
            parts.append(token.text if token.text == "*" else _token_text(token, self.dialect))
        if self.peek_text() == "(":
            return self.call(".".join(parts))
        return _Expr(".".join(parts))

    def call(self, name: str) -> _Expr:
        self.expect("(")
        name = self.rules.function_synonyms.get(name, name)
        if name == "trim":
            return self.trim()
        if name == "position":
            found = self.expression(_LIKE + 1)
            self.expect("in")
            return self.located(found, self.expression(0))
        if name == "locate" and self.rules.locate_is_position:
            found = self.expression(0)
            self.expect(",")
            return self.located(found, self.expression(0))
        distinct = ""
        if self.peek_word() == "distinct":
            self.take()
            distinct = "distinct "
        # SUBSTRING(x FROM 1 FOR 2) is substring(x, 1, 2); EXTRACT keeps its FROM.
        separators = ("from",) if name == "extract" else ("from", "for")
        arguments: list[str] = []
        while self.peek_text() != ")":
            arguments.append(self.expression(0).text)
            word = self.peek_word()
            if word in separators and name == "extract":
                self.take()
                arguments[-1] += " from " + self.expression(0).text
            elif self.peek_text() == "," or word in separators:
                self.take()
            elif self.peek_text() != ")":
                raise _NotFollowed
        self.expect(")")
        return _Expr(f"{name}({distinct}{', '.join(arguments)})", operator="call")

    def trim(self) -> _Expr:
        """``TRIM([BOTH|LEADING|TRAILING] [chars] FROM x)``; without chars, LEADING and
        TRAILING are ``ltrim``/``rtrim`` (as MariaDB prints them)."""
        side = self.peek_word() if self.peek_word() in ("both", "leading", "trailing") else ""
        if side:
            self.take()
        characters = None if self.peek_word() == "from" else self.expression(0)
        if self.peek_word() == "from":
            self.take()
            operand = self.expression(0)
        elif characters is not None and not side:
            operand, characters = characters, None
        else:
            raise _NotFollowed
        self.expect(")")
        if characters is None:
            name = {"leading": "ltrim", "trailing": "rtrim"}.get(side, "trim")
            return _Expr(f"{name}({operand.text})", operator="call")
        return _Expr(f"trim({side or 'both'} {characters.text} from {operand.text})")

    def located(self, found: _Expr, within: _Expr) -> _Expr:
        """``POSITION(a IN b)``, MariaDB's ``locate(a, b)``."""
        self.expect(")")
        return _Expr(f"position({found.text} in {within.text})", operator="call")

    def items(self, end: str) -> list[_Expr]:
        """Comma-separated expressions up to ``end`` (consumed)."""
        parts: list[_Expr] = []
        if self.peek_text() == end:
            self.take()
            return parts
        while True:
            parts.append(self.expression(0))
            token = self.take()
            if token.text == end:
                return parts
            if token.text != ",":
                raise _NotFollowed

    def parenthesised(self) -> _Expr:
        """``(x)`` is ``x`` (parentheses come back where precedence needs them); ``(a, b)``
        is a list."""
        if self.peek_word() in ("select", "with", "values"):
            raise _NotFollowed
        first = self.expression(0)
        if self.peek_text() == ",":
            self.take()
            rest = self.items(")")
            return _Expr(f"({_joined([first, *rest])})", operator="list")
        self.expect(")")
        return first

    def case(self) -> _Expr:
        parts = ["case"]
        if self.peek_word() != "when":
            parts.append(self.expression(0).text)
        while self.peek_word() == "when":
            self.take()
            condition = self.expression(0).text
            self.expect("then")
            parts.append(f"when {condition} then {self.expression(0).text}")
        if self.peek_word() == "else":
            self.take()
            parts.append(f"else {self.expression(0).text}")
        self.expect("end")
        return _Expr(" ".join([*parts, "end"]))

    def cast(self) -> _Expr:
        """``CAST(x AS type)`` is ``x``, as ``x::type`` is."""
        opened = self.position
        self.expect("(")
        operand = self.expression(0)
        close = closing(self.tokens, opened)
        if self.peek_word() != "as" or close is None:
            raise _NotFollowed
        self.position = close + 1
        return operand

    def negation(self, operand: _Expr) -> _Expr:
        """NOT of an expression, as the databases rewrite it: a comparison inverted
        (MariaDB), De Morgan over AND/OR (MariaDB), and on MySQL NOT x is x = 0."""
        if operand.operator in ("and", "or"):
            left, right = (self.negation(o) for o in operand.operands)
            flipped = "or" if operand.operator == "and" else "and"
            return _binary(flipped, left, right, _OR if flipped == "or" else _AND)
        opposite = _OPPOSITE.get(operand.operator)
        if opposite is not None and len(operand.operands) == 2:
            left, right = operand.operands
            if right.operator in ("any", "all") and opposite in ("=", "<>"):
                flipped = "all" if right.operator == "any" else "any"
                right = _Expr(
                    f"{flipped}({right.operands[0].text})", _ATOM, flipped, right.operands
                )
            return _binary(opposite, left, right, operand.precedence)
        if opposite is not None and len(operand.operands) == 1:
            return self.postfix(operand.operands[0], opposite)
        if self.rules.booleans_are_integers:
            return _binary("=", operand, _Expr("0", operator="number"), _COMPARE)
        return _Expr(f"not {_wrap(operand, _NOT)}", _NOT, "not", (operand,))

    def postfix(self, operand: _Expr, operator: str) -> _Expr:
        return _Expr(f"{_wrap(operand, _IS, strictly=True)} {operator}", _IS, operator, (operand,))

    # -- operators after an operand -----------------------------------------------------

    def infix(self, left: _Expr, minimum: int) -> _Expr | None:
        token = self.peek()
        if token is None or token.text in (")", "]", ",", ";") or token.word() in _ENDS:
            return None
        word = token.word()
        text = token.text
        if token.kind == "cast":
            start = self.position + 1
            self.position = _after_type(self.tokens, start)
            return self.dropped_cast(left, self.tokens[start : self.position])
        negated = word == "not" and self.peek_word(1) in ("in", "like", "ilike", "between")
        if negated:
            word = self.peek_word(1)
        if _POSTFIX_PRECEDENCE.get(word or text, minimum) < minimum:
            return None  # it binds looser: the enclosing operand ends here
        if text == "[":
            self.take()
            inside = self.expression(0).text
            self.expect("]")
            return _Expr(f"{_wrap(left, _COLLATE)}[{inside}]", _COLLATE)
        if word == "collate":
            self.take()
            collation = self.prefix()
            return _Expr(f"{_wrap(left, _COLLATE)} collate {collation.text}", _COLLATE)
        if word in ("isnull", "notnull"):
            self.take()
            return self.postfix(left, "is null" if word == "isnull" else "is not null")
        if word == "is":
            return self.is_(left)
        if word == "in":
            self.position += 2 if negated else 1
            return self.in_list(left, negated)
        if word == "between":
            self.position += 2 if negated else 1
            return self.between(left, negated)
        if word in ("like", "ilike", "regexp", "rlike") or text in _LIKE_OPERATORS:
            self.position += 2 if negated else 1
            operator = _LIKE_OPERATORS.get(text) or ("not " if negated else "") + word
            right = self.expression(_LIKE + 1)
            found = _binary(operator, left, right, _LIKE)
            if self.peek_word() == "escape":
                self.take()
                escape = self.expression(_LIKE + 1)
                found = _Expr(f"{found.text} escape {escape.text}", _LIKE)
            return found
        if text in _COMPARISONS:
            return self.binary(left, minimum, _COMPARISONS[text], _COMPARE)
        if word in _WORD_OPERATORS or (text == "&&" and self.rules.double_ampersand_is_and):
            operator = "and" if text == "&&" else word
            if operator == "mod":
                return self.binary(left, minimum, "%", _MULTIPLY)
            return self.binary(left, minimum, operator, _WORD_OPERATORS[operator])
        if text in _ARITHMETIC:
            return self.binary(left, minimum, text, _ARITHMETIC[text])
        if token.kind == "op" and text not in ("(", "[", "."):
            return self.binary(left, minimum, text, _OTHER)  # ||, @>, ->>, ...
        raise _NotFollowed

    def binary(self, left: _Expr, minimum: int, operator: str, precedence: int) -> _Expr | None:
        if precedence < minimum:
            return None
        self.take()
        return _binary(operator, left, self.expression(precedence + 1), precedence)

    def dropped_cast(self, operand: _Expr, type_tokens: Sequence[Token]) -> _Expr:
        """``x::type`` is ``x``; a quoted number cast to a numeric type is the number."""
        words = []
        for token in type_tokens:
            if token.kind != "ident":
                break
            words.append(token.text.lower())
        numeric = len(words) == len(type_tokens) or type_tokens[len(words)].text == "("
        if operand.literal is not None and numeric and _is_numeric_type(" ".join(words)):
            number = normalize_number(operand.literal.strip())
            if re.fullmatch(r"-?\d+(\.\d+)?", number):
                return _Expr(number, _UNARY if number.startswith("-") else _ATOM, "number")
        return operand

    def is_(self, left: _Expr) -> _Expr:
        self.take()
        negated = self.peek_word() == "not"
        if negated:
            self.take()
        word = self.take().word()
        if word in ("null", "true", "false", "unknown"):
            return self.postfix(left, f"is {'not ' if negated else ''}{word}")
        if word == "distinct" and self.peek_word() == "from":
            self.take()
            right = self.expression(_IS + 1)
            operator = "is not distinct from" if negated else "is distinct from"
            return _binary(operator, left, right, _IS)
        raise _NotFollowed

    def in_list(self, left: _Expr, negated: bool) -> _Expr:
        """``x IN (a, b)`` as PostgreSQL prints it, ``x = ANY (ARRAY[a, b])``; one item is
        ``x = a``. NOT IN is ``<> ALL``."""
        self.expect("(")
        if self.peek_word() in ("select", "with", "values"):
            raise _NotFollowed
        items = self.items(")")
        operator = "<>" if negated else "="
        if len(items) == 1:
            return _binary(operator, left, items[0], _COMPARE)
        quantifier = "all" if negated else "any"
        array = _Expr(f"array[{_joined(items)}]", operator="array")
        quantified = _Expr(f"{quantifier}({array.text})", _ATOM, quantifier, (array,))
        return _binary(operator, left, quantified, _COMPARE)

    def between(self, left: _Expr, negated: bool) -> _Expr:
        """``x BETWEEN a AND b`` as PostgreSQL prints it, ``x >= a AND x <= b`` (NOT
        BETWEEN: ``x < a OR x > b``)."""
        if self.peek_word() == "symmetric":
            raise _NotFollowed
        low = self.expression(_LIKE + 1)
        self.expect("and")
        high = self.expression(_LIKE + 1)
        if negated:
            return _binary(
                "or", _binary("<", left, low, _COMPARE), _binary(">", left, high, _COMPARE), _OR
            )
        return _binary(
            "and", _binary(">=", left, low, _COMPARE), _binary("<=", left, high, _COMPARE), _AND
        )


def _joined(items: Sequence[_Expr]) -> str:
    return ", ".join(item.text for item in items)


__all__ = [
    "Token",
    "closing",
    "drop_casts",
    "normal_form",
    "normalize_number",
    "normalize_sql",
    "render_tokens",
    "same_sql",
    "split_top_level",
    "strip_parentheses",
    "tokenize",
    "unquote",
    "unwrapped",
]
