"""Which type changes can lose data (render/data_loss.py), decided from the schema alone,
and the query that counts the rows a step would touch. The database side of it (the
queries run against real rows, the steps left out of migrations) is in
tests/test_robustness.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from schema_lsp.render.data_loss import not_null_loss, type_change_loss

#: (old type, new type, what is lost, or None when every old value fits)
CHANGES = [
    (sa.String(115), sa.String(100), "values longer than 100 characters"),
    (sa.String(100), sa.String(115), None),
    (sa.Text(), sa.String(100), "values longer than 100 characters"),
    (sa.String(10), sa.Text(), None),
    (sa.BigInteger(), sa.Integer(), "values outside -2147483648..2147483647"),
    (sa.Integer(), sa.BigInteger(), None),
    (sa.Integer(), mysql.TINYINT(), "values outside -128..127"),
    (mysql.TINYINT(), sa.SmallInteger(), None),
    (sa.Numeric(10, 2), sa.Numeric(8, 2), "more than 6 digits before the point"),
    (sa.Numeric(10, 4), sa.Numeric(10, 2), "more than 2 after it"),
    (sa.Numeric(10, 2), sa.Numeric(12, 3), None),
    (sa.Integer(), sa.Numeric(12, 2), None),
    (sa.Numeric(10, 2), sa.Integer(), "fractions are rounded away"),
    (sa.Integer(), sa.String(20), None),  # -2147483648 is 11 characters
    (sa.Integer(), sa.String(5), "values of more than 5 characters"),
    (sa.DateTime(), sa.Date(), "the time of day is dropped"),
    (sa.Date(), sa.DateTime(), None),
    (sa.DateTime(timezone=True), sa.DateTime(), "the time zone"),
    (postgresql.TIMESTAMP(precision=6), postgresql.TIMESTAMP(precision=0), "fractions of a"),
    (sa.Enum("a", "b", "c", name="e"), sa.Enum("a", "b", name="e"), "the labels 'c'"),
    (sa.Enum("a", "b", name="e"), sa.Enum("a", "b", "c", name="e"), None),
    (sa.Enum("a", "bbbb", name="e"), sa.String(3), "values longer than 3 characters"),
    (sa.Enum("a", "bbbb", name="e"), sa.String(4), None),
    (sa.String(20), sa.Integer(), "converted from VARCHAR(20) to INTEGER"),
    (postgresql.DOUBLE_PRECISION(), postgresql.REAL(), "values lose precision"),
    (sa.Boolean(), sa.Integer(), None),
    (sa.Integer(), sa.Boolean(), "converted from INTEGER to BOOLEAN"),
    (sa.LargeBinary(100), sa.LargeBinary(50), "values longer than 50 bytes"),
    (postgresql.JSONB(), postgresql.JSONB(), None),
    (postgresql.UUID(), postgresql.INET(), "converted from UUID to INET"),
]


@pytest.mark.parametrize(("old", "new", "lost"), CHANGES, ids=lambda v: repr(v)[:40])
def test_type_changes_that_can_lose_data(old, new, lost):
    found = type_change_loss("people", None, "value", old, new, "postgresql")
    if lost is None:
        assert found is None
    else:
        assert found is not None and lost in found.why
        assert found.rows.startswith("SELECT count(*) AS rows FROM people")


def test_sqlite_loses_nothing_by_a_type_change():
    """SQLite keeps any value in any column: a shorter VARCHAR cuts nothing there."""
    assert type_change_loss("t", None, "c", sa.String(115), sa.String(100), "sqlite") is None


def test_the_rows_query_is_the_dialects_sql_with_quoted_names():
    found = type_change_loss("my table", "app", "full name", sa.String(9), sa.String(5), "mysql")
    assert found is not None
    assert found.rows == (
        "SELECT count(*) AS `rows` FROM app.`my table` WHERE char_length(app.`my table`."
        "`full name`) > 5"
    )
    nulls = not_null_loss("my table", None, "full name", "postgresql")
    assert nulls.rows == (
        'SELECT count(*) AS rows FROM "my table" WHERE "my table"."full name" IS NULL'
    )


def test_a_time_type_without_fractions_is_the_dialects_default():
    """``DATETIME`` keeps whole seconds on MariaDB, ``TIMESTAMP`` microseconds on
    PostgreSQL (``DialectRules.default_fraction_digits``)."""
    six, plain = mysql.DATETIME(fsp=6), sa.DateTime()
    lost = type_change_loss("t", None, "c", six, plain, "mariadb")
    assert lost is not None and "fractions of a second" in lost.why
    assert type_change_loss("t", None, "c", plain, mysql.DATETIME(fsp=3), "mariadb") is None
    assert type_change_loss("t", None, "c", postgresql.TIMESTAMP(), plain, "postgresql") is None
