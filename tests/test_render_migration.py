"""Migration rendering, proven on real databases in both directions.

The story: a database was built from an older version of ``tests/models/drift.py`` (the
``drifted`` tables below) and has drifted from the models in every way diff knows. Then

* the SQL ``render_sql`` prints is applied statement by statement, and diff finds nothing;
* the Alembic revision ``render_alembic_revision`` prints runs in a real Alembic
  environment: after ``upgrade head`` diff finds nothing, after ``downgrade -1`` the
  database is the drifted one again;
* the model edits ``model_edit`` proposes make the models match (tests/test_render_fixes.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from schema_lsp.diff import KINDS, CompareOptions, SchemaDifference, compare
from schema_lsp.entities import parse_entities
from schema_lsp.introspect import introspect_database
from schema_lsp.render.migration import (
    migration_dialect,
    operations_for,
    render_alembic_revision,
    render_sql,
    sql_statements,
)
from schema_lsp.schema import (
    ColumnSchema,
    TableSchema,
    TypeSpec,
    UniqueConstraintSchema,
)
from tests.support.drift import (
    DRIFT_KINDS,
    dialect_of,
    differences,
)
from tests.support.generated import assert_ruff_clean


def errors_and_warnings(found: list[SchemaDifference]) -> list[str]:
    return [f"{d.code} {d.message}" for d in found if d.severity != "info"]


def apply_sql(engine: sa.Engine, script: str) -> int:
    """Run a rendered script one line (one statement) at a time; returns how many ran."""
    ran = 0
    with engine.begin() as connection:
        for line in script.splitlines():
            if line.strip() and not line.startswith("--"):
                connection.exec_driver_sql(line)
                ran += 1
    return ran


def shape(url: str) -> dict[str, tuple]:
    """The database's tables, order-insensitive (a SQLite rebuild may reorder columns)."""
    database = introspect_database(url)
    return {
        table.key: (
            sorted(table.columns, key=lambda c: c.name),
            table.primary_key,
            sorted(table.indexes, key=lambda i: str(i.name)),
            sorted(table.unique_constraints, key=lambda u: str(u.name)),
            sorted(table.foreign_keys, key=lambda f: str(f.name)),
        )
        for table in database.tables
        if table.name != "alembic_version"
    }


def test_the_mysql_fixture_is_mariadb(mysql_db):
    assert dialect_of(mysql_db) == "mariadb"


# -- database to models: SQL -------------------------------------------------------------


def test_the_drifted_database_shows_every_kind(drifted):
    found = differences(drifted.url, drifted.dialect)
    assert {d.kind for d in found} == DRIFT_KINDS


def test_sql_makes_the_database_match_the_models(drifted):
    before = differences(drifted.url, drifted.dialect)
    dialect = dialect_of(drifted)
    script = render_sql(before, dialect, allow_data_loss=True)

    assert script.startswith(f"-- schema-lsp: make the {dialect} database match")
    for difference in before:
        assert f"-- {difference.code} {difference.message}" in script
    statements = [line for line in script.splitlines() if line and not line.startswith("--")]
    assert statements and all(line.endswith(";") for line in statements)

    assert apply_sql(drifted.engine, script) == len(statements)
    assert errors_and_warnings(differences(drifted.url, drifted.dialect)) == []


def test_sql_keeps_data_unless_drops_are_asked_for(drifted):
    before = differences(drifted.url, drifted.dialect)
    script = render_sql(before, dialect_of(drifted))

    skipped = "-- skipped (it can lose data): "
    assert f"{skipped}drop column customers.legacy_code: " in script
    assert f"{skipped}DROP TABLE legacy_refs: " in script
    assert "DROP TABLE legacy_refs" not in script.replace(f"{skipped}DROP TABLE legacy_refs", "")
    apply_sql(drifted.engine, script)
    left = {(d.kind, d.table, d.column) for d in differences(drifted.url, drifted.dialect)}
    kept = {
        ("column_unmapped", "customers", "legacy_code"),
        ("table_unmapped", "legacy_refs", None),
    }
    if drifted.dialect != "sqlite":  # SQLite keeps any value in any column: nothing to lose
        # VARCHAR(20) -> NUMERIC(10, 2): a text that is no number is refused or changed
        assert f"{skipped}orders.total VARCHAR(20) -> NUMERIC(10, 2): " in script
        kept.add(("type", "orders", "total"))
    assert left == kept


def test_dialect_statements(drifted):
    """PostgreSQL casts with USING, MySQL restates the whole column in MODIFY, SQLite
    rebuilds the table from the cached definition."""
    found = differences(drifted.url, drifted.dialect)
    script = render_sql(found, dialect_of(drifted), allow_data_loss=True)
    lines = script.splitlines()
    if drifted.dialect == "postgresql":
        assert (
            "ALTER TABLE orders ALTER COLUMN total TYPE NUMERIC(10, 2) "
            "USING CAST(total AS NUMERIC(10, 2));" in lines
        )
        assert "ALTER TABLE customers ALTER COLUMN nickname DROP NOT NULL;" in lines
    elif drifted.dialect == "mysql":
        assert "ALTER TABLE customers MODIFY name VARCHAR(80) NOT NULL;" in lines
        assert "ALTER TABLE customers MODIFY nickname VARCHAR(30) NULL;" in lines
        # InnoDB's index for the dropped foreign key goes with it.
        assert "DROP INDEX fk_orders_reference ON orders;" in lines
    else:
        assert any(line.startswith("CREATE TABLE _alembic_tmp_customers (") for line in lines)
        assert "ALTER TABLE _alembic_tmp_customers RENAME TO customers;" in lines
        assert not any("ALTER COLUMN" in line for line in lines)


EXTRAS_MODELS = """\
from sqlalchemy import CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Child(Base):
    __tablename__ = "a_children"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("b_owners.id"))


class Owner(Base):
    __tablename__ = "b_owners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (CheckConstraint("age >= 0", name="ck_people_age"), {"comment": "everyone"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    age: Mapped[int] = mapped_column(Integer, comment="in years")
"""


def test_checks_comments_and_tables_that_need_each_other(any_db, tmp_path):
    """Opt-in kinds (check constraints, comments) are fixed too, and a new table is created
    after the new table its foreign key points at, whatever the source order."""
    sa.Table(
        "people",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("age", sa.Integer, nullable=False),
        sa.CheckConstraint("age < 200", name="ck_people_old"),
    ).create(any_db.engine)
    models = tmp_path / "extras.py"
    models.write_text(EXTRAS_MODELS)
    options = CompareOptions(unmapped_tables=True, comments=True, check_constraints=True)
    database = introspect_database(any_db.url)
    before = compare(parse_entities([models]), database, options)
    kinds = {d.kind for d in before}
    assert {"table_missing", "check_missing", "check_unmapped"} <= kinds
    dialect = migration_dialect(database)

    script = render_sql(before, dialect)
    creates = [line for line in script.splitlines() if line.startswith("CREATE TABLE")]
    assert [line.split()[2] for line in creates][:2] == ["b_owners", "a_children"]
    apply_sql(any_db.engine, script)

    after = compare(parse_entities([models]), introspect_database(any_db.url), options)
    # SQLite keeps no comments, so they are compared only where the database has them.
    assert ("comment" in kinds) == (any_db.dialect != "sqlite")
    assert after == []


def test_tables_are_dropped_before_the_tables_they_reference(any_db, tmp_path):
    """Dependency order, not name order (reverse name order would drop z_base first)."""
    any_db.execute(
        "CREATE TABLE z_base (id INTEGER PRIMARY KEY)",
        "CREATE TABLE m_child (id INTEGER PRIMARY KEY, base_id INTEGER, "
        "FOREIGN KEY (base_id) REFERENCES z_base (id))",
        "CREATE TABLE a_grandchild (id INTEGER PRIMARY KEY, child_id INTEGER, "
        "FOREIGN KEY (child_id) REFERENCES m_child (id))",
    )
    models = tmp_path / "none.py"
    models.write_text("from sqlalchemy.orm import DeclarativeBase\n")
    before = differences(any_db.url, any_db.dialect, models)
    assert sorted(d.table for d in before) == ["a_grandchild", "m_child", "z_base"]
    script = render_sql(before, dialect_of(any_db), allow_data_loss=True)
    drops = [line for line in script.splitlines() if line.startswith("DROP TABLE")]
    assert drops == ["DROP TABLE a_grandchild;", "DROP TABLE m_child;", "DROP TABLE z_base;"]
    apply_sql(any_db.engine, script)
    assert introspect_database(any_db.url).tables == ()


def test_primary_key_and_autoincrement_changes_are_left_to_a_human():
    table = _order_items(_column("code", 5))
    found = [
        SchemaDifference(
            kind,
            "Order Items",
            f"{kind} differs",
            None,
            "error",
            declared_table=table,
            actual_table=table,
        )
        for kind in ("primary_key", "autoincrement")
    ]
    assert sql_statements(found, "postgresql") == [
        f"-- not rendered ({KINDS[kind].code} {kind}): {kind} differs; this change needs a "
        "hand-written migration"
        for kind in ("primary_key", "autoincrement")
    ]


# -- quoting -------------------------------------------------------------------------------


def _column(name: str, length: int, nullable: bool = False) -> ColumnSchema:
    spec = TypeSpec("sqlalchemy.sql.sqltypes:String", kwargs=(("length", length),))
    return ColumnSchema(name, f"VARCHAR({length})", spec, nullable=nullable)


def _order_items(*columns: ColumnSchema) -> TableSchema:
    integer = TypeSpec("sqlalchemy.sql.sqltypes:Integer")
    key = ColumnSchema("id", "INTEGER", integer, nullable=False, autoincrement=True)
    from schema_lsp.schema import PrimaryKeySchema

    return TableSchema("Order Items", (key, *columns), primary_key=PrimaryKeySchema(("id",)))


@pytest.mark.parametrize(
    ("dialect", "table", "column"),
    [
        ("postgresql", '"Order Items"', '"select"'),
        ("sqlite", '"Order Items"', '"select"'),
        ("mysql", "`Order Items`", "`select`"),
        ("mariadb", "`Order Items`", "`select`"),
    ],
)
def test_identifiers_are_quoted_by_the_dialect(dialect, table, column):
    declared_table = _order_items(_column("select", 20), _column("Mixed Case", 5, True))
    actual_table = _order_items(_column("select", 10))
    found = [
        SchemaDifference(
            "type",
            "Order Items",
            "type differs",
            None,
            "error",
            column="select",
            declared=declared_table.columns[1],
            actual=actual_table.columns[1],
            declared_table=declared_table,
            actual_table=actual_table,
        ),
        SchemaDifference(
            "column_missing",
            "Order Items",
            "missing",
            None,
            "error",
            column="Mixed Case",
            declared=declared_table.columns[2],
            declared_table=declared_table,
            actual_table=actual_table,
        ),
    ]
    statements = [s for s in sql_statements(found, dialect) if not s.startswith("--")]
    assert statements
    assert all("Order Items" in statement for statement in statements)
    assert any(table in statement for statement in statements)
    unquoted = re.compile(r"(?<![\w\"`])Order Items|Order Items(?![\"`])")
    assert not [statement for statement in statements if unquoted.search(statement)]
    assert any(column in statement for statement in statements)
    mixed = "`Mixed Case`" if table.startswith("`") else '"Mixed Case"'
    assert any(mixed in statement for statement in statements)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_not_null_column_without_default_comes_with_a_warning(dialect):
    declared_table = _order_items(_column("sku", 12))
    actual_table = _order_items()
    found = SchemaDifference(
        "column_missing",
        "Order Items",
        "missing",
        None,
        "error",
        column="sku",
        declared=declared_table.columns[1],
        declared_table=declared_table,
        actual_table=actual_table,
    )
    statements = sql_statements([found], dialect)
    assert any(
        s.startswith("-- note: Order Items.sku is added NOT NULL without a server default")
        for s in statements
    )
    if dialect == "sqlite":  # SQLite's ADD COLUMN refuses it: the table is rebuilt
        assert 'CREATE TABLE "_alembic_tmp_Order Items" (' in " ".join(statements)
    else:
        assert statements[-1] == 'ALTER TABLE "Order Items" ADD COLUMN sku VARCHAR(12) NOT NULL;'
    revision = render_alembic_revision([found], dialect, message="m", revision_id="1")
    upgrade, _, downgrade = revision.partition("def downgrade")
    assert "# note: Order Items.sku is added NOT NULL" in upgrade
    assert "NOT NULL" not in downgrade  # the downgrade drops the column: no note there


# -- drops need names ----------------------------------------------------------------------


def _unnamed_unique_difference() -> SchemaDifference:
    unique = UniqueConstraintSchema(None, ("code",))
    table = TableSchema("codes", (_column("code", 10),), unique_constraints=(unique,))
    return SchemaDifference(
        "unique_unmapped",
        "codes",
        "unique constraint on (code) is in the database but not in the model",
        None,
        "warning",
        actual=unique,
        actual_table=table,
        declared_table=replace(table, unique_constraints=()),
    )


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_an_unnamed_constraint_is_never_dropped_by_no_name(dialect):
    statements = sql_statements([_unnamed_unique_difference()], dialect)
    assert statements == [
        "-- skipped: unique constraint on (code) is in the database but not in the model "
        "(the database gives it no name, so it cannot be dropped by name; drop it by hand)"
    ]


UNNAMED_MODELS = """\
from sqlalchemy import Index, Integer, String, func, literal_column
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Parent(Base):
    __tablename__ = "parents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Child(Base):
    __tablename__ = "children"
    __table_args__ = (Index("ix_children_lower_code", func.lower(literal_column("code"))),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(Integer)
"""


@pytest.mark.filterwarnings(  # Alembic's reflection in batch mode; the index is recreated
    "ignore:Skipped unsupported reflection of expression-based index"
)
@pytest.mark.parametrize("through", ["sql", "alembic"])
def test_sqlite_drops_unnamed_constraints_and_keeps_expression_indexes(
    sqlite_db, tmp_path, through
):
    """SQLite's unnamed constraints are dropped by a rebuild that leaves them out (SQL) or
    by the names a naming convention gives them (revision); the rebuild keeps the table's
    rows and its expression index, which SQLAlchemy's reflection cannot see."""
    from alembic import command

    sqlite_db.execute(
        "CREATE TABLE parents (id INTEGER PRIMARY KEY)",
        "CREATE TABLE children (id INTEGER PRIMARY KEY, code VARCHAR(10), "
        "parent_id INTEGER, UNIQUE (code), FOREIGN KEY (parent_id) REFERENCES parents (id))",
        "CREATE INDEX ix_children_lower_code ON children (lower(code))",
        "INSERT INTO parents (id) VALUES (1)",
        "INSERT INTO children (id, code, parent_id) VALUES (1, 'a', 1)",
    )
    drifted_shape = shape(sqlite_db.url)
    path = tmp_path / "unnamed.py"
    path.write_text(UNNAMED_MODELS)
    before = differences(sqlite_db.url, "sqlite", path)
    kinds = {d.kind for d in before if d.severity != "info"}
    assert kinds == {"unique_unmapped", "foreign_key_unmapped", "type"}
    assert all(d.actual.name is None for d in before if d.kind.endswith("_unmapped"))

    if through == "sql":
        script = render_sql(before, "sqlite")
        assert "DROP CONSTRAINT" not in script
        assert "CREATE INDEX ix_children_lower_code ON children (lower(code));" in script
        apply_sql(sqlite_db.engine, script)
    else:
        revision = render_alembic_revision(before, "sqlite", message="m", revision_id="0001")
        assert 'batch_op.drop_constraint("fk_children_parent_id_parents"' in revision
        config = alembic_config(tmp_path / "alembic", sqlite_db.url, revision)
        assert_ruff_clean(tmp_path / "alembic" / "migrations" / "versions" / "0001_fix_drift.py")
        command.upgrade(config, "head")

    assert errors_and_warnings(differences(sqlite_db.url, "sqlite", path)) == []
    assert "ix_children_lower_code" in [i.name for i in shape(sqlite_db.url)["children"][2]]
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT id, code FROM children").all() == [(1, "a")]
    if through == "alembic":
        command.downgrade(config, "-1")
        undone = shape(sqlite_db.url)
        # The constraints come back under their conventional names (batch mode adds only
        # named constraints); everything else is as it was.
        for key, (columns, pk, indexes, uniques, fks) in drifted_shape.items():
            got = undone[key]
            assert (got[0], got[1], got[2]) == (columns, pk, indexes)
            assert [u.columns for u in got[3]] == [u.columns for u in uniques]
            assert [replace(f, name=None) for f in got[4]] == fks


def test_information_is_not_a_migration():
    found = [
        SchemaDifference(
            "name", "t", "index is named a in the model, b in the database", None, "info"
        ),
        SchemaDifference("not_checked", "t", "custom type", None, "info"),
    ]
    assert render_sql(found, "postgresql").endswith("-- nothing to change\n")
    assert operations_for(found, "postgresql").ops == []
    assert set(KINDS) >= {d.kind for d in found}


# -- database to models: Alembic revision --------------------------------------------------

_ENV = """from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
engine = engine_from_config(
    config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
"""


def alembic_config(directory: Path, url: str, revision: str):
    from alembic.config import Config

    versions = directory / "migrations" / "versions"
    versions.mkdir(parents=True)
    (directory / "migrations" / "env.py").write_text(_ENV)
    (versions / "0001_fix_drift.py").write_text(revision)
    ini = directory / "alembic.ini"
    ini.write_text(
        "[alembic]\n"
        "script_location = %(here)s/migrations\n"
        f"sqlalchemy.url = {url.replace('%', '%%')}\n"
    )
    return Config(str(ini))


def test_alembic_revision_upgrades_and_downgrades(drifted, tmp_path):
    from alembic import command

    drifted_shape = shape(drifted.url)
    before = differences(drifted.url, drifted.dialect)
    revision = render_alembic_revision(
        before, dialect_of(drifted), message="fix drift", revision_id="0001", allow_data_loss=True
    )
    config = alembic_config(tmp_path / "alembic", drifted.url, revision)
    assert_ruff_clean(tmp_path / "alembic" / "migrations" / "versions" / "0001_fix_drift.py")

    command.upgrade(config, "head")
    assert errors_and_warnings(differences(drifted.url, drifted.dialect)) == []

    command.downgrade(config, "-1")
    assert shape(drifted.url) == drifted_shape


def test_a_new_revision_follows_every_head(tmp_path):
    """Read statically: no revisions, one head, and two branches (the new revision merges
    them); a file that does not parse is skipped."""
    from schema_lsp.server.features.revisions import head_revisions

    assert head_revisions(tmp_path) == ()
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "b.py").write_text('revision: str = "b"\ndown_revision: str | None = "a"\n')
    assert head_revisions(tmp_path) == ("b",)
    (tmp_path / "c.py").write_text('revision = "c"\ndown_revision = ("a",)\n')
    (tmp_path / "broken.py").write_text("revision = (\n")
    assert head_revisions(tmp_path) == ("b", "c")
    (tmp_path / "d.py").write_text('revision = "d"\ndown_revision = ("b", "c")\n')
    assert head_revisions(tmp_path) == ("d",)


@pytest.mark.parametrize("heads", [2, 4])
def test_a_revision_after_several_heads_merges_them(sqlite_db, tmp_path, heads):
    """Two branches left two heads (``alembic upgrade head`` refuses): the revision follows
    both, so after it there is one head again, and it upgrades and downgrades for real."""
    from alembic import command
    from alembic.script import ScriptDirectory

    sqlite_db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(20))")
    path = tmp_path / "notes.py"
    path.write_text(
        "from sqlalchemy import String\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Note(Base):\n"
        '    __tablename__ = "notes"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    body: Mapped[str | None] = mapped_column(String(20))\n"
        "    title: Mapped[str | None] = mapped_column(String(40))\n"
    )
    branches = [f"branch{n}_{'x' * 20}" for n in range(heads)]
    found = differences(sqlite_db.url, "sqlite", path)
    revision = render_alembic_revision(
        found, "sqlite", message="m", revision_id="merge", down_revision=branches
    )
    config = alembic_config(tmp_path / "alembic", sqlite_db.url, revision)
    versions = tmp_path / "alembic" / "migrations" / "versions"
    assert_ruff_clean(versions / "0001_fix_drift.py")
    assert "Generated by schema-lsp for sqlite." in revision
    (versions / "root.py").write_text(
        'revision = "root"\ndown_revision = None\ndef upgrade(): pass\ndef downgrade(): pass\n'
    )
    for branch in branches:
        (versions / f"{branch}.py").write_text(
            f'revision = "{branch}"\ndown_revision = "root"\n'
            "def upgrade(): pass\ndef downgrade(): pass\n"
        )
    assert ScriptDirectory.from_config(config).get_heads() == ["merge"]
    command.upgrade(config, "head")
    assert errors_and_warnings(differences(sqlite_db.url, "sqlite", path)) == []
    command.downgrade(config, branches[0])
    assert "title" not in [c.name for c in shape(sqlite_db.url)["notes"][0]]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql", "mariadb"])
def test_alembic_revision_is_ruff_clean(dialect, tmp_path):
    actual = TableSchema("customers", (_column("name", 50), _column("legacy", 10)))
    declared = TableSchema("customers", (_column("name", 80, nullable=True),))
    found = [
        SchemaDifference(
            kind,
            "customers",
            "m",
            None,
            "error",
            column="name",
            declared=declared.columns[0],
            actual=actual.columns[0],
            declared_table=declared,
            actual_table=actual,
        )
        for kind in ("type", "nullable")
    ]
    found.append(
        SchemaDifference(
            "column_unmapped",
            "customers",
            "m",
            None,
            "warning",
            column="legacy",
            actual=actual.columns[1],
            declared_table=declared,
            actual_table=actual,
        )
    )
    path = tmp_path / "0001_fix.py"
    path.write_text(render_alembic_revision(found, dialect, message="fix", revision_id="0001"))
    assert_ruff_clean(path)
    assert "# skipped (it can lose data): drop column customers.legacy" in path.read_text()


def test_serial_of_quoted_table_is_automatic(postgres_db):
    """The sequence's name is quoted in the default ("Order Items_id_seq"): still a SERIAL."""
    from schema_lsp.defaults import is_automatic_default

    postgres_db.execute('CREATE TABLE "Order Items" (id SERIAL PRIMARY KEY)')
    table = introspect_database(postgres_db.url).table("Order Items")
    assert table is not None
    assert is_automatic_default(table.columns[0], table)


# -- PostgreSQL enum types ---------------------------------------------------------------------

ENUM_MODELS = """\
import enum

from sqlalchemy import Enum, Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Mood(enum.Enum):
    happy = "happy"
    sad = "sad"


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mood: Mapped[Mood] = mapped_column(Enum(Mood, name="mood"))
    level: Mapped[str] = mapped_column(Enum("low", "high", name="level"))
    color: Mapped[str | None] = mapped_column(Enum("red", "blue", name="color"))


class Diary(Base):
    __tablename__ = "diaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mood: Mapped[Mood] = mapped_column(Enum(Mood, name="mood"))
"""


def test_postgresql_enum_types_are_created_when_missing(postgres_db, tmp_path):
    """A new column and a type change create their enum types first; a new table using an
    existing type does not create it again; the downgrade drops only what it created."""
    from alembic import command

    postgres_db.execute(
        "CREATE TYPE mood AS ENUM ('happy', 'sad')",
        "CREATE TABLE people (id SERIAL PRIMARY KEY, mood mood NOT NULL, "
        "level VARCHAR(10) NOT NULL)",
    )
    models = tmp_path / "enums.py"
    models.write_text(ENUM_MODELS)
    database = introspect_database(postgres_db.url)
    before = compare(parse_entities([models]), database)
    assert {d.kind for d in before} == {"type", "column_missing", "table_missing"}

    script = render_sql(before, "postgresql", database=database, allow_data_loss=True)
    assert (  # a text that is none of the labels would not convert
        "-- warning, this loses data: people.level VARCHAR(10) -> level: values that are "
        "not one of its labels do not fit; rows it touches: SELECT count(*) AS rows FROM "
        "people WHERE (people.level NOT IN ('low', 'high'))" in script
    )
    creates = [line for line in script.splitlines() if line.startswith("CREATE TYPE")]
    assert sorted(creates) == [
        "CREATE TYPE color AS ENUM ('red', 'blue');",
        "CREATE TYPE level AS ENUM ('low', 'high');",
    ]
    assert "ALTER TABLE people ALTER COLUMN level TYPE level USING CAST(level AS level);" in script

    revision = render_alembic_revision(
        before,
        "postgresql",
        message="enums",
        revision_id="0001",
        database=database,
        allow_data_loss=True,
    )
    config = alembic_config(tmp_path / "alembic", postgres_db.url, revision)
    command.upgrade(config, "head")
    after = introspect_database(postgres_db.url)
    assert compare(parse_entities([models]), after) == []
    assert {e.name for e in after.enums} == {"mood", "level", "color"}

    command.downgrade(config, "-1")
    assert {e.name for e in introspect_database(postgres_db.url).enums} == {"mood"}

    # The SQL script, applied to the same (downgraded) database, does as well.
    apply_sql(postgres_db.engine, script)
    assert compare(parse_entities([models]), introspect_database(postgres_db.url)) == []


SCHEMA_MODELS = """\
from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "Accounts"
    __table_args__ = (Index("ix_accounts_name", "name"), {"schema": "app"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("app.Accounts.id"))
"""


def test_tables_in_another_schema(postgres_db, tmp_path):
    postgres_db.execute(
        "CREATE SCHEMA app",
        'CREATE TABLE app."Accounts" (id SERIAL PRIMARY KEY, name VARCHAR(20), extra INTEGER)',
    )
    models = tmp_path / "schemas.py"
    models.write_text(SCHEMA_MODELS)

    def found() -> list[SchemaDifference]:
        database = introspect_database(postgres_db.url, schemas=[None, "app"])
        return compare(parse_entities([models]), database)

    before = found()
    assert {d.kind for d in before} >= {"type", "nullable", "index_missing", "column_unmapped"}
    script = render_sql(before, "postgresql", allow_data_loss=True)
    assert 'ALTER TABLE app."Accounts" ALTER COLUMN name TYPE VARCHAR(40)' in script
    assert 'CREATE INDEX ix_accounts_name ON app."Accounts" (name);' in script
    apply_sql(postgres_db.engine, script)
    assert found() == []


def test_a_serial_sequence_default_is_never_dropped():
    """Even if diff reports the ``nextval`` of an auto-incrementing column (see the known
    false positive above), the migration keeps it and says so."""
    integer = TypeSpec("sqlalchemy.sql.sqltypes:Integer")
    actual = ColumnSchema(
        "id",
        "INTEGER",
        integer,
        nullable=False,
        default="nextval('\"Order Items_id_seq\"'::regclass)",
        autoincrement=True,
    )
    declared = replace(actual, default=None)
    found = SchemaDifference(
        "server_default",
        "Order Items",
        "m",
        None,
        "warning",
        column="id",
        declared=declared,
        actual=actual,
        declared_table=_order_items(),
        actual_table=_order_items(),
    )
    assert sql_statements([found], "postgresql") == [
        "-- kept: the sequence default of Order Items.id "
        "(nextval('\"Order Items_id_seq\"'::regclass)); dropping it would stop the column "
        "auto-incrementing"
    ]


def test_an_empty_revision_passes(tmp_path):
    path = tmp_path / "0001_empty.py"
    path.write_text(
        render_alembic_revision([], "postgresql", message="nothing", revision_id="0001")
    )
    text = path.read_text()
    assert "def upgrade() -> None:\n    pass\n" in text
    assert "def downgrade() -> None:\n    pass\n" in text
    assert_ruff_clean(path)


def test_mysql_modify_keeps_what_it_does_not_change(mysql_db, tmp_path):
    """MODIFY restates the whole column: the default and comment the type change does not
    touch come from the cached database column, so they survive it."""
    mysql_db.execute(
        "CREATE TABLE things (id INTEGER AUTO_INCREMENT PRIMARY KEY, "
        "name VARCHAR(20) NOT NULL DEFAULT 'x' COMMENT 'the name')"
    )
    models = tmp_path / "things.py"
    models.write_text(
        "from sqlalchemy import Integer, String\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Thing(Base):\n"
        '    __tablename__ = "things"\n\n'
        "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n"
        '    name: Mapped[str] = mapped_column(String(40), server_default="x", '
        'comment="the name")\n'
    )
    before = differences(mysql_db.url, "mysql", models)
    assert [d.kind for d in before] == ["type"]
    script = render_sql(before, dialect_of(mysql_db))
    assert (
        "ALTER TABLE things MODIFY name VARCHAR(40) NOT NULL DEFAULT 'x' COMMENT 'the name';"
        in script.splitlines()
    )
    apply_sql(mysql_db.engine, script)
    assert differences(mysql_db.url, "mysql", models) == []
    column = introspect_database(mysql_db.url).tables[0].column("name")
    assert column is not None
    assert (column.default, column.comment) == ("'x'", "the name")


COMPUTED_MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Price(Base):
    __tablename__ = "prices"

    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[int]
    cents: Mapped[int | None] = mapped_column(sa.Computed("amount * 100", persisted=True))
    label: Mapped[str | None] = mapped_column(sa.String(10))
    shown: Mapped[str | None] = mapped_column(
        sa.String(10), sa.Computed("coalesce(label, ')')", persisted=True)
    )
    ranked: Mapped[int | None] = mapped_column(
        sa.Computed("amount + 1", persisted=True), index=True
    )
"""


def _computed_database(db) -> None:
    metadata = sa.MetaData()
    sa.Table(
        "prices",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("cents", sa.Integer, sa.Computed("amount * 1000", persisted=True)),
        sa.Column("label", sa.String(10)),
        sa.Column("shown", sa.String(10), sa.Computed("coalesce(label, '(')", persisted=True)),
        sa.Column("ranked", sa.Integer, sa.Computed("amount + 2", persisted=True), index=True),
    )
    metadata.create_all(db.engine)
    db.execute("INSERT INTO prices (id, amount, label) VALUES (1, 3, NULL)")


@pytest.mark.parametrize("through", ["sql", "alembic"])
def test_generated_columns_are_dropped_and_added_again(any_db, tmp_path, through):
    """A generated column's new expression: the column is dropped and added with the
    model's (its values are computed, the row stays); one an index uses is left to a human,
    with a comment. The revision's downgrade brings the old expressions back."""
    from alembic import command

    _computed_database(any_db)
    before_shape = shape(any_db.url)
    path = tmp_path / "computed.py"
    path.write_text(COMPUTED_MODELS)
    before = differences(any_db.url, any_db.dialect, path)
    assert sorted((d.code, d.column) for d in before) == [
        ("SL151", "cents"),
        ("SL151", "ranked"),
        ("SL151", "shown"),
    ]
    dialect = dialect_of(any_db)
    if through == "sql":
        script = render_sql(before, dialect)
        assert "-- note: the generated column prices.cents is dropped and added again" in script
        assert "index ix_prices_ranked with it: write this migration by hand" in script
        apply_sql(any_db.engine, script)
    else:
        revision = render_alembic_revision(before, dialect, message="m", revision_id="0001")
        config = alembic_config(tmp_path / "alembic", any_db.url, revision)
        assert_ruff_clean(tmp_path / "alembic" / "migrations" / "versions" / "0001_fix_drift.py")
        command.upgrade(config, "head")

    after = differences(any_db.url, any_db.dialect, path)
    assert [(d.code, d.column) for d in after] == [("SL151", "ranked")]
    with any_db.engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT amount, cents, shown FROM prices").one()
    assert tuple(row) == (3, 300, ")")
    if through == "alembic":
        command.downgrade(config, "-1")
        assert shape(any_db.url) == before_shape


def test_a_column_turning_generated_is_left_to_a_human(sqlite_db, tmp_path):
    sqlite_db.execute(
        "CREATE TABLE prices (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, "
        "cents INTEGER, label VARCHAR(10), shown VARCHAR(10), ranked INTEGER)"
    )
    path = tmp_path / "computed.py"
    path.write_text(COMPUTED_MODELS.replace(", index=True", ""))
    before = differences(sqlite_db.url, "sqlite", path)
    assert {(d.code, d.column) for d in before} == {
        ("SL151", "cents"),
        ("SL151", "shown"),
        ("SL151", "ranked"),
    }
    script = render_sql(before, "sqlite")
    assert [line for line in script.splitlines() if not line.startswith("--")] == []
    assert (
        "-- not rendered (SL151 computed): column prices.cents: generated as (amount * 100) in "
        "the model, a plain column in the database; turning a plain column into a generated "
        "one (or back) replaces its values: write this migration by hand"
    ) in script.splitlines()
