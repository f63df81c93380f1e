"""The per-dialect facts of ``schema_lsp.dialects.RULES``, proved on the databases themselves:
``create_all`` of a small MetaData, read back with ``introspect_database`` (issue 10, point 7).
A database version that behaves otherwise fails here first, before any false claim."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from schema_lsp.dialects import rules_for
from schema_lsp.introspect import introspect_database


def _parent(metadata: sa.MetaData) -> sa.Table:
    return sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True))


def test_identical_unique_constraints(any_db) -> None:  # type: ignore[no-untyped-def]
    metadata = sa.MetaData()
    sa.Table(
        "items",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), unique=True),
        sa.UniqueConstraint("code", name="uq_items_code"),
    )
    metadata.create_all(any_db.engine)
    table = introspect_database(any_db.url).table("items")
    assert table is not None
    uniques = [u for u in table.unique_constraints if u.columns == ("code",)]
    merges = rules_for(any_db.dialect).merges_identical_uniques
    assert len(uniques) == (1 if merges else 2)
    if merges:
        assert uniques[0].name in ("uq_items_code", None)  # the first; SQLite may lose names


@pytest.mark.parametrize("action", ["CASCADE", "SET NULL", "RESTRICT", "SET DEFAULT"])
def test_referential_actions(any_db, action: str) -> None:  # type: ignore[no-untyped-def]
    metadata = sa.MetaData()
    _parent(metadata)
    sa.Table(
        "child",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id", ondelete=action)),
    )
    metadata.create_all(any_db.engine)
    table = introspect_database(any_db.url).table("child")
    assert table is not None
    [fk] = table.foreign_keys
    rules = rules_for(any_db.dialect)
    kept = (fk.on_delete or "NO ACTION").upper()
    assert rules.same_actions.get(kept, kept) == rules.same_actions.get(action, action)
    if action in rules.same_actions:  # the database does not keep it: a rule is needed
        assert kept == rules.same_actions[action]


def test_deferrable_foreign_keys(any_db) -> None:  # type: ignore[no-untyped-def]
    metadata = sa.MetaData()
    _parent(metadata)
    sa.Table(
        "child",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id", deferrable=True)),
    )
    if any_db.dialect == "mysql":
        with pytest.raises(sa.exc.ProgrammingError):  # MariaDB rejects the clause
            metadata.create_all(any_db.engine)
        return
    metadata.create_all(any_db.engine)
    table = introspect_database(any_db.url).table("child")
    assert table is not None
    [fk] = table.foreign_keys
    if rules_for(any_db.dialect).reports_deferral:
        assert fk.deferrable is True


def test_foreign_key_to_a_non_unique_column(any_db) -> None:  # type: ignore[no-untyped-def]
    """SQLite creates it; MariaDB too, given an index on the referred column; PostgreSQL
    refuses it, so no PostgreSQL database made by create_all has it."""
    metadata = sa.MetaData()
    sa.Table(
        "parent",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), index=True),
    )
    sa.Table(
        "child",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), sa.ForeignKey("parent.code")),
    )
    if any_db.dialect == "postgresql":
        with pytest.raises(sa.exc.ProgrammingError, match="no unique constraint"):
            metadata.create_all(any_db.engine)
        return
    metadata.create_all(any_db.engine)
    table = introspect_database(any_db.url).table("child")
    assert table is not None
    assert [fk.referred_columns for fk in table.foreign_keys] == [("code",)]


def test_no_database_creates_an_index_without_columns(any_db) -> None:  # type: ignore[no-untyped-def]
    metadata = sa.MetaData()
    sa.Table("tags", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Index("ix_x"))
    with pytest.raises(sa.exc.DatabaseError):
        metadata.create_all(any_db.engine)


def test_primary_key_names(any_db) -> None:  # type: ignore[no-untyped-def]
    metadata = sa.MetaData()
    sa.Table(
        "keyed",
        metadata,
        sa.Column("id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_keyed"),
    )
    metadata.create_all(any_db.engine)
    table = introspect_database(any_db.url).table("keyed")
    assert table is not None and table.primary_key is not None
    if rules_for(any_db.dialect).names_primary_key:
        assert table.primary_key.name in ("pk_keyed", None)  # SQLite may not say
    else:
        assert table.primary_key.name != "pk_keyed"


_PACKAGE = Path(__file__).resolve().parent.parent / "schema_lsp"


@pytest.mark.parametrize(
    "module",
    sorted(
        str(path.relative_to(_PACKAGE))
        for path in _PACKAGE.rglob("*.py")
        if path.relative_to(_PACKAGE).parts[0] != "dialects"
    ),
)
def test_no_module_outside_dialects_compares_a_dialect_name(module):
    """Issue 12: what a database does is data in ``schema_lsp.dialects`` (``DialectRules``,
    the per-dialect ``Catalog`` of a schema read, the types each one stores); no other
    module compares a dialect's name."""
    import re

    text = (_PACKAGE / module).read_text()
    names = "mysql|mariadb|postgresql|sqlite"
    assert not re.search(rf"""[!=]= ["']({names})["']""", text)
    assert not re.search(rf"""["']({names})["'] [!=]=""", text)
    assert not re.search(rf"""in [({{\[]["']({names})["']""", text)


@pytest.mark.parametrize(
    "table",
    [
        "a_table_whose_name_is_long_enough_to_be_cut_by_postgresql_limit",
        "é" * 25 + "_tablé",  # PostgreSQL cuts bytes, never inside a character
    ],
)
def test_the_names_a_database_gives_unnamed_keys_are_rules(any_db, table):
    """What ``create_all`` of an unnamed primary key and unique constraints is called
    there, read back from each database: ``DialectRules`` says the same."""
    import sqlalchemy as sa

    from schema_lsp.introspect import introspect_database

    metadata = sa.MetaData()
    sa.Table(
        table,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cödé_and_more_text_here", sa.Integer, unique=True),
        sa.Column("b", sa.Integer),
        sa.Column("c", sa.Integer),
        sa.UniqueConstraint("b", "c"),
    )
    metadata.create_all(any_db.engine)
    read = introspect_database(any_db.url).table(table)
    rules = rules_for(any_db.dialect)
    assert read is not None and read.primary_key is not None
    if rules.names_primary_key:
        assert read.primary_key.name == rules.automatic_primary_key_name(table)
    assert len(read.unique_constraints) == 2
    for unique in read.unique_constraints:
        if unique.name is not None:
            assert rules.is_automatic_unique_name(unique.name, table, unique.columns)
            assert not rules.is_automatic_unique_name("other", table, unique.columns)
        else:
            assert rules.unique_label is None and not rules.names_like_mysql
