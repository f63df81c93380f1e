"""Every difference names what it is about in its fields, not only in its message: table,
column, name, and the columns of an index, key or constraint (issue 10, point 11)."""

from __future__ import annotations

import json
import textwrap

from schema_lsp.diff import CompareOptions, SchemaDifference, compare
from schema_lsp.entities import parse_entities
from schema_lsp.introspect import introspect_database
from schema_lsp.render.report import render_json, render_sarif

MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from money import Money


class Base(DeclarativeBase):
    pass


class Other(Base):
    __tablename__ = "other"
    id: Mapped[int] = mapped_column(primary_key=True)


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        sa.Index("ix_items_ab", "a", "b"),
        sa.Index("ix_items_lower", sa.text("lower(d)")),
        sa.UniqueConstraint("a", "c"),
        sa.UniqueConstraint("b", name="uq_items_b"),
        sa.CheckConstraint("a > 0"),
        sa.ForeignKeyConstraint(["b"], ["other.id"]),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    a: Mapped[int]
    b: Mapped[int]
    c: Mapped[int] = mapped_column(index=True)
    d: Mapped[str] = mapped_column(sa.String(10))
    e: Mapped[int] = mapped_column(sa.ForeignKey("other.id", ondelete="CASCADE"))
    g: Mapped[int]
    h: Mapped[int] = mapped_column(Money)


class Pair(Base):
    __tablename__ = "pairs"
    x: Mapped[int] = mapped_column(primary_key=True)
    y: Mapped[int] = mapped_column(primary_key=True)


class Ghost(Base):
    __tablename__ = "ghosts"
    id: Mapped[int] = mapped_column(primary_key=True)
"""

DATABASE = (
    "CREATE TABLE other (id INTEGER PRIMARY KEY)",
    "CREATE TABLE items (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL, "
    "c INTEGER NOT NULL, d VARCHAR(20) NOT NULL, e INTEGER NOT NULL REFERENCES other (id), "
    "f INTEGER, h INTEGER NOT NULL, CONSTRAINT uq_f UNIQUE (f), CONSTRAINT uq_other_b UNIQUE (b), "
    "FOREIGN KEY (f) REFERENCES other (id), CHECK (f < 10))",
    "CREATE INDEX ix_items_ab ON items (a)",
    "CREATE INDEX ix_items_lower ON items (lower(d))",
    "CREATE INDEX ix_items_f ON items (f)",
    "CREATE TABLE pairs (x INTEGER NOT NULL, y INTEGER NOT NULL, PRIMARY KEY (x))",
    "CREATE TABLE audit (id INTEGER PRIMARY KEY)",
)


def _compare(sqlite_db, tmp_path, models: str, *statements: str) -> list[SchemaDifference]:  # type: ignore[no-untyped-def]
    sqlite_db.execute(*statements)
    path = tmp_path / "models.py"
    path.write_text(textwrap.dedent(models))
    options = CompareOptions(unmapped_tables=True, check_constraints=True)
    return compare(parse_entities([path]), introspect_database(sqlite_db.url), options)


def _fields(d: SchemaDifference) -> tuple:
    return (d.kind, d.table, d.column, d.name, d.columns, d.expression)


def test_every_kind_names_its_subject(sqlite_db, tmp_path) -> None:
    found = _compare(sqlite_db, tmp_path, MODELS, *DATABASE)
    assert sorted(map(_fields, found), key=repr) == sorted(
        [
            ("index_changed", "items", None, "ix_items_ab", ("a", "b"), None),
            ("unique_missing", "items", None, None, ("a", "c"), None),
            ("name", "items", None, "uq_items_b", ("b",), None),
            ("check_missing", "items", None, None, ("a",), "a > 0"),
            ("foreign_key_missing", "items", None, None, ("b",), None),
            ("not_checked", "items", "h", None, ("h",), None),
            ("column_missing", "items", "g", None, ("g",), None),
            ("index_missing", "items", None, "ix_items_c", ("c",), None),
            ("type", "items", "d", None, ("d",), None),
            ("foreign_key_changed", "items", None, None, ("e",), None),
            ("column_unmapped", "items", "f", None, ("f",), None),
            ("index_unmapped", "items", None, "ix_items_f", ("f",), None),
            ("unique_unmapped", "items", None, "uq_f", ("f",), None),
            ("foreign_key_unmapped", "items", None, None, ("f",), None),
            ("check_unmapped", "items", None, None, ("f",), "f < 10"),
            ("primary_key", "pairs", None, None, ("x", "y"), None),
            ("table_missing", "ghosts", None, None, (), None),
            ("table_unmapped", "audit", None, None, (), None),
        ],
        key=repr,
    )


def test_an_index_without_a_computable_name_is_named_by_its_columns(sqlite_db, tmp_path) -> None:
    """The convention comes from outside the workspace: the index has no name, and the
    difference still says which index (the case of ``index (resolver) does not exist``)."""
    models = """\
    import sqlalchemy as sa
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    from elsewhere import CONVENTION


    class Base(DeclarativeBase):
        metadata = sa.MetaData(naming_convention=CONVENTION)


    class Task(Base):
        __tablename__ = "tasks"
        id: Mapped[int] = mapped_column(primary_key=True)
        resolver: Mapped[str] = mapped_column(sa.String(20), index=True)
    """
    found = _compare(
        sqlite_db,
        tmp_path,
        models,
        "CREATE TABLE tasks (id INTEGER PRIMARY KEY, resolver VARCHAR(20) NOT NULL)",
    )
    [missing] = [d for d in found if d.kind == "index_missing"]
    assert _fields(missing) == ("index_missing", "tasks", None, None, ("resolver",), None)
    [item] = [i for i in json.loads(render_json([missing]))["differences"]]
    assert (item["table"], item["name"], item["columns"]) == ("tasks", None, ["resolver"])


def test_json_and_sarif_carry_the_fields(sqlite_db, tmp_path) -> None:
    found = _compare(sqlite_db, tmp_path, MODELS, *DATABASE)
    items = json.loads(render_json(found))["differences"]
    keys = {"code", "kind", "severity", "table", "column", "name", "columns", "expression"}
    assert all(keys | {"path", "line", "message"} == set(item) for item in items)
    check = next(i for i in items if i["kind"] == "check_missing")
    assert (check["columns"], check["expression"]) == (["a"], "a > 0")
    [run] = json.loads(render_sarif(found))["runs"]
    for result, difference in zip(run["results"], found, strict=True):
        properties = result["properties"]
        assert properties["kind"] == difference.kind
        assert (properties["table"], properties["name"]) == (difference.table, difference.name)
        assert properties["columns"] == list(difference.columns)
