"""diff.compare on its own: what a partial parse must not claim, and the result's shape."""

from __future__ import annotations

import textwrap

from schema_lsp.diff import CODES, KINDS, CompareOptions, compare
from schema_lsp.entities import parse_entities
from schema_lsp.introspect import introspect_database

MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from somewhere_else import table_args


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = table_args()

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(100))
"""


def test_codes_are_unique_and_stable():
    assert len(CODES) == len(KINDS)
    assert KINDS["column_missing"].code == "SL110"
    assert KINDS["type"].code == "SL120"


def test_unreadable_table_args_claim_nothing_about_extras(sqlite_db, tmp_path):
    """The model's indexes are unknown, so a database index is not 'missing in the model'."""
    sqlite_db.execute(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, "
        "CONSTRAINT uq_email UNIQUE (email))",
        "CREATE INDEX ix_accounts_email ON accounts (email)",
    )
    models = tmp_path / "models.py"
    models.write_text(MODELS)
    found = compare(parse_entities([models]), introspect_database(sqlite_db.url))
    assert {d.kind for d in found} == {"not_checked"}
    assert all(d.severity == "info" for d in found)


def test_differences_carry_code_path_and_line(sqlite_db, tmp_path):
    sqlite_db.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(50) NOT NULL)")
    models = tmp_path / "models.py"
    models.write_text(MODELS.replace("    __table_args__ = table_args()\n", ""))
    [difference] = compare(parse_entities([models]), introspect_database(sqlite_db.url))
    assert (difference.code, difference.kind, difference.column) == ("SL120", "type", "email")
    assert difference.path == str(models)
    assert difference.line == 15  # the email attribute
    assert difference.message.startswith(
        "column accounts.email: declared String(100), database has VARCHAR(50)"
    )


def test_unmapped_tables_leave_out_views_and_alembic_version(sqlite_db, tmp_path):
    sqlite_db.execute(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL)",
        "CREATE TABLE audit (id INTEGER PRIMARY KEY)",
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        "CREATE VIEW emails AS SELECT email FROM accounts",
    )
    models = tmp_path / "models.py"
    models.write_text(textwrap.dedent(MODELS).replace("    __table_args__ = table_args()\n", ""))
    database = introspect_database(sqlite_db.url)
    found = compare(parse_entities([models]), database, CompareOptions(unmapped_tables=True))
    assert [(d.code, d.table, d.range) for d in found] == [("SL101", "audit", None)]
    assert compare(parse_entities([models]), database) == []


def test_every_code_is_documented():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "schema_lsp" / "codes.md").read_text()
    for kind in KINDS.values():
        assert f"## {kind.code}\n\n**{kind.kind}** ({kind.severity})" in text


def test_primary_key_nullability_round_trips_on_every_dialect(any_db, tmp_path):
    """A generated entity for a key column SQLite leaves nullable says nullable=True, as
    SQLAlchemy keeps it; checked against the same database it is in sync. PostgreSQL and
    MariaDB make key columns NOT NULL themselves: a model saying nullable=True there is no
    difference either."""
    from schema_lsp.render.entity import render_entities

    any_db.execute("CREATE TABLE codes (code VARCHAR(20) PRIMARY KEY, label VARCHAR(50) NOT NULL)")
    database = introspect_database(any_db.url)
    models = tmp_path / "models.py"
    models.write_text(render_entities(database.tables, database.dialect))
    assert compare(parse_entities([models]), database) == []

    explicit = tmp_path / "explicit.py"
    explicit.write_text(
        textwrap.dedent(
            """\
            from sqlalchemy import String
            from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


            class Base(DeclarativeBase):
                pass


            class Codes(Base):
                __tablename__ = "codes"
                code: Mapped[str] = mapped_column(String(20), primary_key=True, nullable=True)
                label: Mapped[str] = mapped_column(String(50))
            """
        )
    )
    assert compare(parse_entities([explicit]), database) == []


LABELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Label(Base):
    __tablename__ = "labels"
    __table_args__ = (
        sa.Index("ix_labels_open", "code", sqlite_where=sa.text("code <> ')' AND note <> 'A b'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(sa.String(10))
    note: Mapped[str | None]
"""


def test_sqlite_indexes_with_quoted_parentheses(sqlite_db, tmp_path):
    """Quoted text in an index is read and compared whole on SQLite: a predicate equal but
    for its spacing is the same, one whose quoted text differs is not, and an expression
    index the model lacks is reported with its whole expression."""
    models = tmp_path / "models.py"
    models.write_text(LABELS)
    sqlite_db.execute(
        "CREATE TABLE labels (id INTEGER PRIMARY KEY, code VARCHAR(10), note VARCHAR)",
        "CREATE INDEX ix_labels_open ON labels (code) WHERE (code<>')') and NOTE <> 'A b'",
        "CREATE INDEX ix_labels_code ON labels (coalesce(code, ')'), lower(note))",
    )
    found = compare(parse_entities([models]), introspect_database(sqlite_db.url))
    assert [(d.code, d.name, d.message) for d in found] == [
        (
            "SL161",
            "ix_labels_code",
            "table labels: index ix_labels_code (coalesce(code, ')'), lower(note)) is in the "
            "database but not in the model",
        )
    ]

    sqlite_db.execute(
        "DROP INDEX ix_labels_open",
        "CREATE INDEX ix_labels_open ON labels (code) WHERE code <> ')' AND note <> 'a b'",
    )
    found = compare(parse_entities([models]), introspect_database(sqlite_db.url))
    assert [(d.code, d.name) for d in found] == [
        ("SL161", "ix_labels_code"),
        ("SL162", "ix_labels_open"),
    ]


COMPUTED = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Price(Base):
    __tablename__ = "prices"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount: Mapped[int]
    cents: Mapped[int | None] = mapped_column(sa.Computed("amount + 2"))
"""


def test_generated_expressions_are_compared_on_every_dialect(any_db, tmp_path):
    """Computed('amount + 2') against a database column generated as amount * 100: SL151,
    naming both expressions; against the database's own rewriting of amount + 2
    (PostgreSQL's parentheses, MariaDB's backquotes): nothing."""
    models = tmp_path / "models.py"
    models.write_text(COMPUTED)
    stored = " STORED" if any_db.dialect == "postgresql" else ""
    any_db.execute(
        "CREATE TABLE prices (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, "
        f"cents INTEGER GENERATED ALWAYS AS (amount * 100){stored})"
    )
    database = introspect_database(any_db.url)
    [found] = compare(parse_entities([models]), database)
    shown = "`amount` * 100" if any_db.dialect == "mysql" else "amount * 100"
    assert (found.code, found.column, found.severity) == ("SL151", "cents", "error")
    assert found.message == (
        f"column prices.cents: generated as (amount + 2) in the model, as ({shown}) in the database"
    )

    any_db.execute(
        "ALTER TABLE prices DROP COLUMN cents",
        f"ALTER TABLE prices ADD COLUMN cents INTEGER GENERATED ALWAYS AS (amount + 2){stored}",
    )
    database = introspect_database(any_db.url)
    rewritten = {"sqlite": "amount + 2", "postgresql": "(amount + 2)", "mysql": "(`amount` + 2)"}
    assert database.table("prices").column("cents").computed.sqltext == rewritten[any_db.dialect]
    assert compare(parse_entities([models]), database) == []


def test_an_index_written_twice_is_compared_once(any_db, tmp_path):
    """``index=True`` and an ``Index`` of the name the convention gives it: the database
    can hold only one (Prefect's artifact.key), and that one is not missing."""
    models = tmp_path / "models.py"
    models.write_text(
        textwrap.dedent(
            """
            import sqlalchemy as sa
            from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

            class Base(DeclarativeBase):
                metadata = sa.MetaData(
                    naming_convention={"ix": "ix_%(table_name)s_%(column_0_name)s"}
                )

            class Artifact(Base):
                __tablename__ = "artifact"
                __table_args__ = (sa.Index("ix_artifact_key", "key"),)
                id: Mapped[int] = mapped_column(primary_key=True)
                key: Mapped[str] = mapped_column(sa.String(20), index=True)
            """
        )
    )
    any_db.execute(
        "CREATE TABLE artifact (id INTEGER NOT NULL PRIMARY KEY, `key` VARCHAR(20) NOT NULL)"
        if any_db.dialect == "mysql"
        else 'CREATE TABLE artifact (id INTEGER NOT NULL PRIMARY KEY, "key" VARCHAR(20) NOT NULL)',
        "CREATE INDEX ix_artifact_key ON artifact ("
        + ("`key`" if any_db.dialect == "mysql" else '"key"')
        + ")",
    )
    found = compare(parse_entities([models]), introspect_database(any_db.url))
    assert [d for d in found if d.kind.startswith("index")] == []


def test_difference_kinds_are_the_one_source_of_their_facts():
    """The renderers and the server ask ``DifferenceKind``; none keeps a set of its own
    (issue 12): what the migration renders, declines or ignores, and what a quick fix
    covers, all follow its facts."""
    from schema_lsp.diff import KINDS, DifferenceKind
    from schema_lsp.render.fixes import FIXABLE_KINDS
    from schema_lsp.render.migration import INFORMATION_ONLY, NOT_RENDERED

    assert {k.value for k in DifferenceKind if k.facts.migration == "none"} == INFORMATION_ONLY
    assert {k.value for k in DifferenceKind if k.facts.migration == "declined"} == NOT_RENDERED
    assert {k.value for k in DifferenceKind if k.facts.model_fix} == FIXABLE_KINDS
    assert {k for k, v in KINDS.items() if v.facts.drops_data} == {
        "column_unmapped",
        "table_unmapped",
    }
    assert f"{KINDS['type']}" == "type" and KINDS["type"] == "type"
    assert len({k.code for k in DifferenceKind}) == len(DifferenceKind)  # codes are unique


def test_positions_are_counted_by_one_core_module():
    """Issue 12: ``SourceRange``, the line split, the byte-to-code-point conversion and
    ``TextEdit`` live in ``schema_lsp.text``; the layers import them from there."""
    import re
    from pathlib import Path

    from schema_lsp.text import code_points

    assert code_points("x = 'é' + y", len("x = 'é' + ".encode())) == len("x = 'é' + ")
    package = Path(__file__).resolve().parent.parent / "schema_lsp"
    for path in package.rglob("*.py"):
        if path.name == "text.py":
            continue
        text = path.read_text()
        assert not re.search(r"class (SourceRange|TextEdit)\b", text), path
        assert ".encode()[:" not in text and 'encode("utf-8")[:' not in text, path
    assert not (package / "entities" / "naming.py").exists()  # core: schema_lsp/naming.py
