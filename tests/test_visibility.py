"""Least-privilege accounts on MariaDB/MySQL: ``information_schema`` lists only the tables an
account holds privileges on, so a table it cannot see is not reported as plainly missing.

Each test makes its own database (``mysql_db``) and its own accounts, dropped afterwards.
"""

from __future__ import annotations

import json
import textwrap
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from schema_lsp import snapshot
from schema_lsp.diff import compare
from schema_lsp.entities import parse_entities
from schema_lsp.introspect import introspect_database
from schema_lsp.schema import DatabaseSchema, LimitedVisibility

PASSWORD = "vis-Secret-42"
#: Account hosts, ``%`` doubled: the driver formats statements run without parameters.
HOSTS = ("%%", "localhost")

MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Visible(Base):
    __tablename__ = "visible"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)


class Hidden(Base):
    __tablename__ = "hidden"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)


class Absent(Base):
    __tablename__ = "absent"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
"""


@pytest.fixture
def account(mysql_db) -> Iterator[str]:
    """A fresh account (any host and localhost) with a password and no privileges yet."""
    user = f"slv_{uuid.uuid4().hex[:10]}"
    mysql_db.execute(
        "CREATE TABLE visible (id INT PRIMARY KEY)",
        "CREATE TABLE hidden (id INT PRIMARY KEY)",
    )
    for host in HOSTS:
        mysql_db.execute(f"CREATE USER '{user}'@'{host}' IDENTIFIED BY '{PASSWORD}'")
    try:
        yield user
    finally:
        for host in HOSTS:
            mysql_db.execute(f"DROP USER IF EXISTS '{user}'@'{host}'")


def grant(mysql_db, user: str, what: str) -> None:
    for host in HOSTS:
        mysql_db.execute(f"GRANT SELECT ON {what} TO '{user}'@'{host}'")


def url_of(mysql_db, user: str) -> str:
    url = sa.make_url(mysql_db.url).set(username=user, password=PASSWORD)
    return url.render_as_string(hide_password=False)


def database_name(mysql_db) -> str:
    name = sa.make_url(mysql_db.url).database
    assert name is not None
    return name


def differences(database: DatabaseSchema, tmp_path) -> dict[str, tuple[str, str, str]]:
    models = tmp_path / "models.py"
    models.write_text(textwrap.dedent(MODELS))
    found = compare(parse_entities([models]), database)
    return {d.table: (d.code, d.severity, d.message) for d in found}


def test_a_table_hidden_from_a_restricted_account_is_a_warning(mysql_db, account, tmp_path):
    grant(mysql_db, account, f"`{database_name(mysql_db)}`.visible")
    database = introspect_database(url_of(mysql_db, account))
    assert [table.name for table in database] == ["visible"]
    assert database.limited_visibility == LimitedVisibility(f"{account}@127.0.0.1", (None,))

    found = differences(database, tmp_path)
    assert set(found) == {"hidden", "absent"}  # the account cannot tell them apart
    code, severity, message = found["hidden"]
    assert (code, severity) == ("SL100", "warning")
    assert message == (
        f"table hidden does not exist in the database, or is not visible to "
        f"{account}@127.0.0.1 (it sees only the tables it has privileges on)"
    )
    assert PASSWORD not in message


def test_a_full_account_still_gets_the_plain_error(mysql_db, account, tmp_path):
    database = introspect_database(mysql_db.url)  # root: global privileges
    assert database.limited_visibility is None
    assert {"visible", "hidden"} <= set(database.table_keys)
    assert differences(database, tmp_path) == {
        "absent": ("SL100", "error", "table absent does not exist in the database")
    }


def test_a_schema_grant_shows_every_table(mysql_db, account, tmp_path):
    """A schema-level grant (here a pattern, ``_`` escaped as in GRANT) sees every table."""
    pattern = database_name(mysql_db).replace("_", "\\_")
    grant(mysql_db, account, f"`{pattern}`.*")
    database = introspect_database(url_of(mysql_db, account))
    assert database.limited_visibility is None
    assert {"visible", "hidden"} <= set(database.table_keys)
    assert differences(database, tmp_path)["absent"][:2] == ("SL100", "error")


def test_the_limit_survives_a_snapshot(mysql_db, account, tmp_path):
    grant(mysql_db, account, f"`{database_name(mysql_db)}`.visible")
    database = introspect_database(url_of(mysql_db, account))
    path = tmp_path / "schema.json"
    snapshot.save(database, path)
    text = path.read_text()
    assert PASSWORD not in text
    loaded = snapshot.load(path)
    assert loaded == database
    assert loaded.limited_visibility == database.limited_visibility
    assert snapshot.to_json(loaded) == text
    assert differences(loaded, tmp_path)["hidden"][:2] == ("SL100", "warning")


def test_an_old_snapshot_without_the_field_loads(tmp_path):
    database = DatabaseSchema("mysql", "10.11", "2026-01-01T00:00:00+00:00", ())
    document = json.loads(snapshot.to_json(database))
    assert document["database"].pop("limited_visibility") is None
    loaded = snapshot.from_json(json.dumps(document))
    assert loaded == database and loaded.limited_visibility is None
    assert differences(loaded, tmp_path)["hidden"][:2] == ("SL100", "error")


def test_the_default_schema_named_explicitly_is_limited_too():
    visibility = LimitedVisibility("app@db", (None,))
    database = DatabaseSchema(
        "mysql", "10.11", "t", (), default_schema="shop", limited_visibility=visibility
    )
    assert database.may_hide(None) and database.may_hide("shop")
    assert not database.may_hide("other")


def test_inspect_says_the_view_is_limited(mysql_db, account, capsys):
    from schema_lsp.cli import main

    grant(mysql_db, account, f"`{database_name(mysql_db)}`.visible")
    assert main(["inspect", "--db", url_of(mysql_db, account)]) == 0
    out = capsys.readouterr().out
    assert (
        f"note: {account}@127.0.0.1 sees only the tables it holds privileges on in the default"
        " schema; others may exist" in out
    )
    assert PASSWORD not in out
    assert main(["inspect", "--db", mysql_db.url]) == 0
    assert "note:" not in capsys.readouterr().out


def test_a_schema_an_account_cannot_see_may_exist(mysql_db, account):
    """MariaDB lists an account only the databases it holds a privilege on: a schema
    missing from its list is said to be missing *or* hidden, never plainly missing."""
    from schema_lsp.errors import UnknownSchema

    grant(mysql_db, account, f"`{database_name(mysql_db)}`.visible")
    with pytest.raises(UnknownSchema) as raised:
        introspect_database(url_of(mysql_db, account), schemas=["mysql"])
    assert str(raised.value).startswith(
        f"schema 'mysql' does not exist, or is not visible to {account}@127.0.0.1 in "
    )
    assert PASSWORD not in str(raised.value)
