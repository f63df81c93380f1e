"""The SQL-text normaliser: what each database prints back equals what the model wrote, and
nothing inside quotes is ever folded away.

The reflected spellings below are copied from what PostgreSQL 15, MariaDB 10.11 and SQLite
returned for the model's text (``tests/test_scenarios.py`` and ``test_diff.py`` check the
same on live servers).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schema_lsp.sqltext import (
    normalize_sql,
    same_sql,
    split_top_level,
    tokenize,
    unquote,
    unwrapped,
)


def test_tokens_keep_quoted_text_whole_and_know_where_they_are() -> None:
    tokens = tokenize("coalesce(a, ')') || \"Odd ) name\" || E'it\\'s'")
    assert tokens is not None
    assert [t.kind for t in tokens] == [
        "ident",
        "op",
        "ident",
        "op",
        "string",
        "op",
        "op",
        "quoted",
        "op",
        "string",
    ]
    assert tokens[4].text == "')'"
    assert tokens[7].text == '"Odd ) name"' and tokens[7].start == 20
    assert unquote(tokens[9]) == "it's"


def test_mysql_strings_read_backslashes_only_when_asked() -> None:
    [standard] = tokenize(r"'a\'") or []
    assert unquote(standard) == "a\\"
    [mysql] = tokenize(r"'it\'s'", backslashes=True) or []
    assert unquote(mysql) == "it's"


def test_unterminated_quotes_do_not_tokenize() -> None:
    assert tokenize("status = 'open") is None
    assert normalize_sql("status = 'open", "postgresql") == "status = 'open"


def test_top_level_split_ignores_commas_inside() -> None:
    tokens = tokenize("a, f(b, c), ',', x[1, 2]") or []
    assert [" ".join(t.text for t in part) for part in split_top_level(tokens)] == [
        "a",
        "f ( b , c )",
        "','",
        "x [ 1 , 2 ]",
    ]


EQUAL = [
    # PostgreSQL: casts, parentheses, ANY (ARRAY[...]), BETWEEN, LIKE, quoted negatives
    ("postgresql", "status = 'In progress'", "((status)::text = 'In progress'::text)"),
    ("postgresql", "a + 2", "((a + 2))"),
    ("postgresql", "a > 0 AND a < 5", "((a > 0) AND (a < 5))"),
    ("postgresql", "coalesce(code, ')')", "COALESCE(code, ')'::character varying)"),
    ("postgresql", "lower(email)", "lower((email)::text)"),
    ("postgresql", "a > -1", "a > '-1'::integer"),
    ("postgresql", "price >= 0.00", "price >= (0)::numeric"),
    (
        "postgresql",
        "status IN ('a', 'B c')",
        "status::text = ANY (ARRAY['a'::character varying, 'B c'::character varying]::text[])",
    ),
    ("postgresql", "status NOT IN ('a', 'b')", "status::text <> ALL (ARRAY['a'::text, 'b'::text])"),
    ("postgresql", "status IN ('a')", "status::text = 'a'::text"),
    ("postgresql", "a BETWEEN 1 AND 5", "a >= 1 AND a <= 5"),
    ("postgresql", "a NOT BETWEEN 1 AND 2", "a < 1 OR a > 2"),
    ("postgresql", "status LIKE 'x%'", "status::text ~~ 'x%'::text"),
    ("postgresql", "status NOT ILIKE 'x%'", "status::text !~~* 'x%'::text"),
    ("postgresql", "NOT (a = 3)", "NOT a = 3"),
    ("postgresql", "a / 2 > b * 3 - 1", "(a / 2) > (b * 3 - 1)"),
    ("postgresql", "a + 1 > 0 IS TRUE", "((a + 1) > 0) IS TRUE"),
    ("postgresql", "d > DATE '2020-01-01'", "d > '2020-01-01'::date"),
    ("postgresql", "CAST(a AS TEXT) || 'x'", "((a)::text || 'x'::text)"),
    ("postgresql", "left(name, 3) = 'x'", "\"left\"((name)::text, 3) = 'x'::text"),
    ("postgresql", "trim(status) = status", "TRIM(BOTH FROM status) = status::text"),
    ("postgresql", "substring(s from 1 for 2) = 'ab'", "\"substring\"(s, 1, 2) = 'ab'::text"),
    ("postgresql", "position('x' in status) > 0", "POSITION(('x'::text) IN (status)) > 0"),
    (
        "postgresql",
        "CASE WHEN a > 1 THEN 'x' ELSE 'y' END",
        "CASE\n    WHEN a > 1 THEN 'x'::text\n    ELSE 'y'::text\nEND",
    ),
    ("postgresql", '"status" = 1', "status = 1"),
    ("postgresql", "a AND (b AND c)", "(a AND b) AND c"),
    # MariaDB: backquotes, lower case, its own rewrites
    ("mysql", "a + 2", "(`a` + 2)"),
    ("mysql", "coalesce(code, ')')", "(coalesce(`code`,')'))"),
    ("mysql", "status IN ('a', 'B c')", "`status` in ('a','B c')"),
    ("mysql", "active = true", "`active` = 1"),
    ("mysql", "NOT active", "`active` = 0"),
    ("mysql", "NOT (a > 1 AND b > 1)", "`a` <= 1 or `b` <= 1"),
    ("mysql", "a % 2 = 0", "`a` MOD 2 = 0"),
    ("mysql", "upper(s) = lower(s)", "ucase(`s`) = lcase(`s`)"),
    ("mysql", "length(name) <= 100", "octet_length(`name`) <= 100"),
    ("mysql", "position('x' in s) > 0", "locate('x',`s`) > 0"),
    ("mysql", "name <> 'it''s'", "`name` <> 'it\\'s'"),
    ("mysql", '"Status" = 1', "`status` = 1"),
    # SQLite keeps the text: spacing and keyword case are all that may differ
    ("sqlite", "a  >  0 and b IS NOT NULL", "a > 0 AND b is not null"),
    ("sqlite", '"Status" = 1', "status = 1"),
]

DIFFERENT = [
    # text inside quotes counts: case, spaces, the quote itself
    ("postgresql", "status <> 'In progress'", "status::text <> 'in progress'::text"),
    ("postgresql", "status <> 'In progress'", "status::text <> 'Inprogress'::text"),
    ("postgresql", "status <> 'In progress'", "status::text <> 'In  progress'::text"),
    ("mysql", "status <> 'In progress'", "`status` <> 'in progress'"),
    ("sqlite", "coalesce(a, ')')", "coalesce(a, '(')"),
    # a quoted name keeps its case where names are case sensitive
    ("postgresql", '"Status" = 1', "status = 1"),
    # parentheses that precedence needs stay
    ("postgresql", "(a + b) * c", "a + b * c"),
    ("postgresql", "a - (b - c)", "a - b - c"),
    ("postgresql", "a AND (b OR c)", "a AND b OR c"),
    # different expressions
    ("postgresql", "a + 2", "(a * 100)"),
    ("mysql", "a + 2", "`a` * 100"),
    ("postgresql", "a IN (1, 2)", "a = ANY (ARRAY[1, 3])"),
    ("postgresql", "a NOT IN (1, 2)", "a = ANY (ARRAY[1, 2])"),
    ("sqlite", "a > 1", "a >= 1"),
]


@pytest.mark.parametrize(("dialect", "model", "database"), EQUAL)
def test_rewritten_forms_are_the_same_expression(dialect: str, model: str, database: str) -> None:
    assert normalize_sql(model, dialect) == normalize_sql(database, dialect)
    assert same_sql(model, database, dialect)


@pytest.mark.parametrize(("dialect", "model", "database"), DIFFERENT)
def test_different_expressions_stay_different(dialect: str, model: str, database: str) -> None:
    assert not same_sql(model, database, dialect)


def test_canonical_spelling() -> None:
    assert normalize_sql("((status)::text = 'In progress'::text)", "postgresql") == (
        "status = 'In progress'"
    )
    assert normalize_sql("`a` in (1,2)", "mysql") == "a = any(array[1, 2])"
    assert normalize_sql("E'a\\nb' = x", "postgresql") == "'a\nb' = x"
    assert normalize_sql('"Odd Name" + 1.50', "postgresql") == '"Odd Name" + 1.5'


def test_unwrapped_keeps_the_spelling_inside() -> None:
    assert unwrapped("((a + 2))") == "a + 2"
    assert unwrapped("(`a` + 2)") == "`a` + 2"
    assert unwrapped("(a) + (b)") == "(a) + (b)"
    assert unwrapped("(coalesce(code, ')'))") == "coalesce(code, ')')"
    assert unwrapped("('it\\'s')") == "'it\\'s'"


def test_unparsed_text_is_compared_token_by_token() -> None:
    """A subquery is past the parser: still compared with the same spelling rules."""
    model = "a IN (SELECT id FROM t WHERE s = 'X')"
    assert same_sql(model, "a in (select id from t where s = 'X')", "postgresql")
    assert not same_sql(model, "a IN (SELECT id FROM t WHERE s = 'x')", "postgresql")


SQL_PIECES = st.sampled_from(
    [
        "'",
        "''",
        "'a'",
        "(",
        ")",
        "::",
        "::text",
        "a",
        "NOT",
        " AND ",
        " OR ",
        " IN ",
        " BETWEEN ",
        " IS ",
        "NULL",
        "CASE",
        " WHEN ",
        " THEN ",
        " END",
        "CAST(",
        " AS ",
        "ARRAY[",
        "]",
        ",",
        "=",
        "-",
        "1.50",
        "\\",
        '"',
        "`",
        "trim(",
        " FROM ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(SQL_PIECES | st.text(max_size=4), max_size=12),
    dialect=st.sampled_from(["postgresql", "mysql", "sqlite"]),
)
def test_any_text_normalizes_without_error_and_equals_itself(pieces, dialect) -> None:
    sql = "".join(pieces)
    assert normalize_sql(sql, dialect) == normalize_sql(sql, dialect)
    assert same_sql(sql, sql, dialect)
    assert same_sql(sql, f" {sql} ", dialect)
