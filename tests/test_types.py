"""Semantic type comparison against columns read from real databases.

Each case creates a column with the database's own DDL, reads it back with the
SchemaIntrospector, and compares a declared SQLAlchemy type with it: equal where creating the
declared type on that dialect gives the column, a difference of the expected kind otherwise.
A round-trip test creates every common generic type with ``create_all`` and expects zero
differences (the "no drift on an unchanged schema" acceptance case).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from schema_lsp.introspect import introspect_database
from schema_lsp.schema import ColumnSchema, DatabaseSchema, TableSchema, TypeSpec
from schema_lsp.types import (
    canonical_type,
    check_constraint_values,
    compare_types,
    describe_type,
)
from tests.conftest import ModuleDatabases


@dataclass(frozen=True)
class Case:
    """A column made with ``ddl`` on ``dialect`` and the type a model declares for it.
    ``expected`` is ``equal``, ``not_compared``, or the difference's kind."""

    dialect: str
    ddl: str
    declared: sa.types.TypeEngine | TypeSpec
    expected: str = "equal"
    severity: str | None = None
    setup: str | None = None

    @property
    def spec(self) -> TypeSpec:
        if isinstance(self.declared, TypeSpec):
            return self.declared
        return TypeSpec.of(self.declared)

    @property
    def id(self) -> str:
        return f"{self.dialect}-{self.ddl}-{describe_type(self.spec)}-{self.expected}"


def _enum(*values: str, **options) -> sa.Enum:
    return sa.Enum(*values, **options)


#: SQLModel's ``str`` column type, as the entity parser passes it through (not importable).
AUTOSTRING = TypeSpec("sqlmodel.sql.sqltypes:AutoString")


CASES = [
    # --- PostgreSQL
    Case("postgresql", "varchar(50)", sa.String(50)),
    Case("postgresql", "character varying(50)", sa.VARCHAR(50)),
    Case("postgresql", "varchar(100)", sa.String(50), "length", "error"),
    Case("postgresql", "varchar(20)", sa.String(), "length_unspecified", "warning"),
    Case("postgresql", "varchar", sa.String(20), "length", "error"),
    Case("postgresql", "char(3)", sa.CHAR(3)),
    Case("postgresql", "varchar(3)", sa.CHAR(3), "family", "error"),
    Case("postgresql", "integer", sa.Integer()),
    Case("postgresql", "int4", sa.Integer()),
    Case("postgresql", "int8", sa.BigInteger()),
    Case("postgresql", "bigint", sa.Integer(), "family", "error"),
    Case("postgresql", "smallint", sa.SmallInteger()),
    Case("postgresql", "boolean", sa.Boolean()),
    Case("postgresql", "timestamp with time zone", sa.DateTime(timezone=True)),
    Case("postgresql", "timestamptz", postgresql.TIMESTAMP(timezone=True)),
    Case("postgresql", "timestamp without time zone", sa.DateTime(timezone=True), "timezone"),
    Case("postgresql", "timestamp with time zone", sa.DateTime(), "timezone", "error"),
    Case("postgresql", "timestamp", sa.DateTime()),
    Case("postgresql", "timestamp(6)", sa.DateTime()),
    Case("postgresql", "timestamp(3)", sa.DateTime(), "precision"),
    Case("postgresql", "timestamp(3)", postgresql.TIMESTAMP(precision=3)),
    Case("postgresql", "date", sa.Date()),
    Case("postgresql", "time", sa.Time()),
    Case("postgresql", "time with time zone", sa.Time(timezone=True)),
    Case("postgresql", "time", sa.Time(timezone=True), "timezone"),
    Case("postgresql", "interval", sa.Interval()),
    Case("postgresql", "interval", postgresql.INTERVAL()),
    Case("postgresql", "json", sa.JSON()),
    Case("postgresql", "jsonb", postgresql.JSONB()),
    Case("postgresql", "jsonb", sa.JSON(), "family", "error"),
    Case("postgresql", "json", postgresql.JSONB(), "family", "error"),
    Case("postgresql", "varchar(50)", postgresql.JSONB(), "family", "error"),
    Case("postgresql", "varchar(50)", sa.Integer(), "family", "error"),  # Mapped[int]
    Case("postgresql", "uuid", sa.Uuid()),
    Case("postgresql", "uuid", postgresql.UUID()),
    Case("postgresql", "uuid", sa.Uuid(as_uuid=False)),
    Case("postgresql", "char(32)", sa.Uuid(), "family"),
    Case("postgresql", "bytea", sa.LargeBinary()),
    Case("postgresql", "bytea", sa.PickleType()),
    Case("postgresql", "numeric(10, 2)", sa.Numeric(10, 2)),
    Case("postgresql", "decimal(10, 2)", sa.Numeric(10, 2)),
    Case("postgresql", "numeric(10, 2)", sa.DECIMAL(10, 2)),
    Case("postgresql", "numeric(12, 2)", sa.Numeric(10, 2), "precision", "error"),
    Case("postgresql", "numeric(10, 3)", sa.Numeric(10, 2), "scale", "error"),
    Case("postgresql", "numeric(10, 2)", sa.Numeric(), "precision_unspecified", "warning"),
    Case("postgresql", "numeric(10)", sa.Numeric(10)),
    Case("postgresql", "numeric", sa.Numeric()),
    Case("postgresql", "double precision", sa.Float()),
    Case("postgresql", "double precision", sa.Double()),
    Case("postgresql", "float8", postgresql.DOUBLE_PRECISION()),
    Case("postgresql", "real", sa.Float(), "family", "error"),
    Case("postgresql", "real", sa.Float(10)),
    Case("postgresql", "real", sa.REAL()),
    Case("postgresql", "double precision", sa.REAL(), "family"),
    Case("postgresql", "text", sa.Text()),
    Case("postgresql", "text", sa.UnicodeText()),
    Case("postgresql", "text", sa.String(50), "family"),
    Case("postgresql", 'varchar(20) COLLATE "C"', sa.String(20, collation="C")),
    Case("postgresql", "varchar(20)", sa.String(20, collation="C"), "collation", "error"),
    Case("postgresql", 'varchar(20) COLLATE "C"', sa.String(20), "collation_unspecified"),
    Case("postgresql", 'varchar(20) COLLATE "POSIX"', sa.String(20, collation="C"), "collation"),
    Case("postgresql", "integer[]", sa.ARRAY(sa.Integer())),
    Case("postgresql", "integer[][]", sa.ARRAY(sa.Integer(), dimensions=2)),
    Case("postgresql", "text[]", sa.ARRAY(sa.Integer()), "family", "error"),
    Case("postgresql", "varchar(10)[]", postgresql.ARRAY(sa.String(10))),
    Case("postgresql", "varchar(20)[]", sa.ARRAY(sa.String(10)), "length", "error"),
    Case("postgresql", "varchar", sa.Text(), "family", "info"),
    Case("postgresql", "text", sa.String(), "family", "info"),
    Case("postgresql", "integer", sa.ARRAY(sa.Integer()), "family"),
    Case("postgresql", "inet", postgresql.INET()),
    Case("postgresql", "varchar", AUTOSTRING),
    Case("postgresql", "money", postgresql.MONEY()),
    Case("postgresql", "tsvector", postgresql.TSVECTOR()),
    # Types SQLAlchemy does not reflect (xml, a domain, a composite): never a difference.
    Case("postgresql", "xml", sa.Text(), "not_compared"),
    Case("postgresql", "positive", sa.Integer(), "not_compared"),
    Case("postgresql", "pair", sa.Text(), "not_compared"),
    Case("postgresql", "varchar(255)", AUTOSTRING, "length_unspecified", "warning"),
    Case("postgresql", "cidr", postgresql.INET(), "family"),
    Case("postgresql", "bit(3)", postgresql.BIT(3)),
    Case("postgresql", "status", _enum("new", "paid", name="status")),
    Case("postgresql", "status", postgresql.ENUM("new", "paid", name="status")),
    Case("postgresql", "status", _enum("new", "paid", "shipped", name="status"), "enum_values"),
    Case("postgresql", "status", _enum("new", name="status"), "enum_values"),
    Case("postgresql", "status", _enum("paid", "new", name="status"), "enum_order", "info"),
    Case("postgresql", "status", _enum("new", "paid", name="state"), "enum_name", "error"),
    Case("postgresql", "varchar(10)", _enum("new", "paid", name="status"), "family"),
    Case(
        "postgresql",
        "varchar(4) CHECK (c IN ('new', 'paid'))",
        _enum("new", "paid", native_enum=False),
    ),
    Case(
        "postgresql",
        "varchar(4) CHECK (c IN ('new', 'paid'))",
        _enum("new", "paid", "sent", native_enum=False),
        "enum_values",
        "error",
    ),
    # --- MariaDB / MySQL
    Case("mysql", "varchar(50)", sa.String(50)),
    Case("mysql", "varchar(51)", sa.String(50), "length", "error"),
    Case("mysql", "varchar(20)", sa.String(), "length_unspecified", "warning"),
    Case("mysql", "int", sa.Integer()),
    Case("mysql", "int(11)", sa.Integer()),
    Case("mysql", "int(5)", sa.Integer()),
    Case("mysql", "integer", mysql.INTEGER(display_width=11)),
    Case("mysql", "bigint(20)", sa.BigInteger()),
    Case("mysql", "bigint", sa.Integer(), "family"),
    Case("mysql", "smallint", sa.SmallInteger()),
    Case("mysql", "mediumint", mysql.MEDIUMINT()),
    Case("mysql", "tinyint(1)", sa.Boolean()),
    Case("mysql", "bool", sa.Boolean()),
    Case("mysql", "boolean", mysql.TINYINT(display_width=1)),
    Case("mysql", "tinyint", sa.Boolean(), "family", "error"),
    Case("mysql", "tinyint", mysql.TINYINT()),
    Case("mysql", "int unsigned", sa.Integer(), "unsigned", "error"),
    Case("mysql", "int unsigned", mysql.INTEGER(unsigned=True)),
    Case("mysql", "int", mysql.INTEGER(unsigned=True), "unsigned"),
    Case("mysql", "datetime", sa.DateTime()),
    Case("mysql", "datetime", sa.DateTime(timezone=True)),
    Case("mysql", "datetime(6)", sa.DateTime(), "precision", "error"),
    Case("mysql", "datetime(6)", mysql.DATETIME(fsp=6)),
    Case("mysql", "timestamp NULL", sa.TIMESTAMP()),
    Case("mysql", "timestamp NULL", sa.DateTime(), "family", "error"),
    Case("mysql", "date", sa.Date()),
    Case("mysql", "time", sa.Time()),
    Case("mysql", "datetime", sa.Interval()),
    Case("mysql", "json", sa.JSON()),
    Case("mysql", "text", sa.JSON(), "family"),
    Case("mysql", "enum('new','paid')", _enum("new", "paid")),
    Case("mysql", "enum('new','paid')", mysql.ENUM("new", "paid")),
    Case("mysql", "enum('new','paid')", _enum("new", "paid", "shipped"), "enum_values"),
    Case("mysql", "enum('new','paid','old')", _enum("new", "paid"), "enum_values"),
    Case("mysql", "enum('new','paid')", _enum("paid", "new"), "enum_order", "info"),
    Case(
        "mysql",
        "varchar(4), CHECK (c IN ('new', 'paid'))",
        _enum("new", "paid", native_enum=False),
    ),
    Case(
        "mysql",
        "varchar(4), CHECK (c IN ('new', 'paid'))",
        _enum("new", "paid", "sent", native_enum=False),
        "enum_values",
    ),
    Case("mysql", "decimal(10,2)", sa.Numeric(10, 2)),
    Case("mysql", "numeric(10,2)", sa.DECIMAL(10, 2)),
    Case("mysql", "decimal(12,2)", sa.Numeric(10, 2), "precision", "error"),
    Case("mysql", "decimal", sa.Numeric()),
    Case("mysql", "decimal(10,0)", sa.Numeric(10)),
    Case("mysql", "decimal(10,2)", sa.Numeric(), "scale", "error"),
    Case("mysql", "float", sa.Float()),
    Case("mysql", "double", sa.Float(), "family", "error"),
    Case("mysql", "double", sa.Double()),
    Case("mysql", "double", sa.Float(53)),
    Case("mysql", "real", sa.Double()),
    Case("mysql", "text", sa.Text()),
    Case("mysql", "text", sa.UnicodeText()),
    Case("mysql", "longtext", sa.Text(), "family", "error"),
    Case("mysql", "longtext", mysql.LONGTEXT()),
    Case("mysql", "mediumtext", sa.Text(70000)),
    Case("mysql", "text", sa.Text(1000)),
    Case("mysql", "uuid", sa.Uuid()),
    Case("mysql", "char(32)", sa.Uuid()),
    Case("mysql", "char(36)", sa.Uuid(), "family"),
    Case("mysql", "blob", sa.LargeBinary()),
    Case("mysql", "tinyblob", sa.LargeBinary(100)),
    Case("mysql", "longblob", sa.LargeBinary(), "family"),
    Case("mysql", "varbinary(20)", sa.VARBINARY(20)),
    Case("mysql", "binary(16)", sa.BINARY(16)),
    Case("mysql", "binary(16)", sa.BINARY(20), "length"),
    Case("mysql", "year", mysql.YEAR()),
    Case("mysql", "varchar(255)", AUTOSTRING),
    Case("mysql", "set('a','b')", mysql.SET("a", "b")),
    Case("mysql", "set('a','b','c')", mysql.SET("a", "b"), "enum_values"),
    Case("mysql", "double(10,2)", mysql.DOUBLE(precision=10, scale=2)),
    Case("mysql", "varchar(100)", AUTOSTRING, "length", "error"),
    Case("mysql", "varchar(10) COLLATE utf8mb4_bin", sa.String(10, collation="utf8mb4_bin")),
    # MariaDB names a column's collation only where it is not the table's default.
    Case("mysql", "varchar(10)", sa.String(10, collation="utf8mb4_bin"), "collation", "info"),
    Case(
        "mysql",
        "varchar(10) COLLATE utf8mb4_general_ci",
        sa.String(10, collation="utf8mb4_general_ci"),
        "collation",
        "info",
    ),
    Case(
        "mysql",
        "varchar(10) COLLATE utf8mb4_unicode_ci",
        sa.String(10, collation="utf8mb4_bin"),
        "collation",
        "error",
    ),
    Case(
        "mysql",
        "varchar(10) COLLATE utf8mb4_bin",
        sa.String(10),
        "collation_unspecified",
        "warning",
    ),
    # --- SQLite (declared type text kept, only affinity enforced)
    Case("sqlite", "varchar(50)", sa.String(50)),
    Case("sqlite", "VARCHAR(50)", sa.VARCHAR(50)),
    Case("sqlite", "varchar(100)", sa.String(50), "length", "warning"),
    Case("sqlite", "varchar", sa.String()),
    Case("sqlite", "varchar", sa.String(20), "length", "warning"),
    Case("sqlite", "varchar(20)", sa.String(), "length_unspecified", "warning"),
    Case("sqlite", "integer", sa.Integer()),
    Case("sqlite", "INT", sa.Integer()),
    Case("sqlite", "bigint", sa.BigInteger()),
    Case("sqlite", "bigint", sa.Integer(), "affinity", "info"),
    Case("sqlite", "text", sa.String(50), "affinity", "info"),
    Case("sqlite", "text", sa.Text()),
    Case("sqlite", "varchar", AUTOSTRING),
    Case("sqlite", "text COLLATE NOCASE", sa.Text(collation="NOCASE"), "collation", "info"),
    Case("sqlite", "boolean", sa.Boolean()),
    Case("sqlite", "datetime", sa.DateTime()),
    Case("sqlite", "datetime", sa.DateTime(timezone=True)),
    Case("sqlite", "timestamp", sa.DateTime()),
    Case("sqlite", "date", sa.Date()),
    Case("sqlite", "time", sa.Time()),
    Case("sqlite", "datetime", sa.Interval()),
    Case("sqlite", "json", sa.JSON()),
    Case("sqlite", "char(32)", sa.Uuid()),
    Case("sqlite", "blob", sa.LargeBinary()),
    Case("sqlite", "blob", sa.Integer(), "family", "error"),
    Case("sqlite", "numeric(10,2)", sa.Numeric(10, 2)),
    Case("sqlite", "numeric(12,2)", sa.Numeric(10, 2), "precision", "warning"),
    Case("sqlite", "float", sa.Float()),
    Case("sqlite", "real", sa.Float()),
    Case("sqlite", "double", sa.Double()),
    Case("sqlite", "varchar(4) CHECK (c IN ('new', 'paid'))", _enum("new", "paid")),
    Case(
        "sqlite",
        "varchar(4) CHECK (c IN ('new', 'paid'))",
        _enum("new", "paid", "sent"),
        "enum_values",
    ),
    Case(
        "sqlite",
        "varchar(4) CHECK (c IN ('new', 'paid'))",
        _enum("paid", "new", native_enum=False),
        "enum_order",
        "info",
    ),
]

PG_SETUP = [
    "CREATE TYPE status AS ENUM ('new', 'paid')",
    "CREATE DOMAIN positive AS integer CHECK (VALUE > 0)",
    "CREATE TYPE pair AS (value text)",
]


def _create(dialect: str, run) -> None:
    """One table per case (column ``c``), so constraints in the DDL stay per column."""
    if dialect == "postgresql":
        run(*PG_SETUP)
    statements = []
    for number, case in enumerate(c for c in CASES if c.dialect == dialect):
        statements.append(f"CREATE TABLE t{number} (c {case.ddl})")
    run(*statements)


class _Server:
    """A database for the whole module on one server (tables for every case)."""

    def __init__(self, dialect: str, url: str, schema: DatabaseSchema) -> None:
        self.dialect = dialect
        self.url = url
        self.schema = schema
        self.tables = [c for c in CASES if c.dialect == dialect]

    def table(self, case: Case) -> TableSchema:
        number = self.tables.index(case)
        table = self.schema.table(f"t{number}")
        assert table is not None
        return table


class _Servers(dict):
    """Each server's database for the module, created on first use (so a run of one
    dialect needs one) and dropped at the end."""

    def __init__(self, databases: ModuleDatabases) -> None:
        super().__init__()
        self.databases = databases

    def __missing__(self, dialect: str) -> _Server:
        database = self.databases.get(dialect)
        url, engine = database.url, database.engine

        def run(*statements: str) -> None:
            with engine.begin() as connection:
                for statement in statements:
                    connection.exec_driver_sql(statement)

        _create(dialect, run)
        engine.dispose()
        server = _Server(dialect, url, introspect_database(url))
        self[dialect] = server
        return server


@pytest.fixture(scope="module")
def servers(module_databases: ModuleDatabases) -> _Servers:
    return _Servers(module_databases)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_declared_type_against_reflected_column(case: Case, servers) -> None:
    server = servers[case.dialect]
    table = server.table(case)
    column = table.column("c")
    assert column is not None
    result = compare_types(case.spec, column, server.schema.dialect, table=table)
    if case.expected in ("equal", "not_compared"):
        assert result.status == case.expected, result.message
        return
    assert result.status == "different", f"{case.ddl} reflected as {column.type}"
    assert result.kind == case.expected, result.message
    if case.severity:
        assert result.severity == case.severity, result.message
    assert result.message.startswith(f"declared {describe_type(case.spec)}")
    assert column.type in result.message


#: Common generic types: a table created from them must show no difference (no drift).
ROUND_TRIP_TYPES: list[Any] = [
    sa.String(50),
    sa.Unicode(20),
    sa.CHAR(3),
    sa.Text(),
    sa.UnicodeText(),
    sa.Integer(),
    sa.BigInteger(),
    sa.SmallInteger(),
    sa.Boolean(),
    sa.Boolean(create_constraint=True),
    sa.DateTime(),
    sa.DateTime(timezone=True),
    sa.TIMESTAMP(),
    sa.Date(),
    sa.Time(),
    sa.Time(timezone=True),
    sa.Interval(),
    sa.Float(),
    sa.Float(10),
    sa.Float(30),
    sa.Double(),
    sa.REAL(),
    sa.Numeric(),
    sa.Numeric(10),
    sa.Numeric(10, 2),
    sa.DECIMAL(8, 3),
    sa.Uuid(),
    sa.Uuid(as_uuid=False),
    sa.JSON(),
    sa.LargeBinary(),
    sa.LargeBinary(100),
    sa.PickleType(),
    sa.Enum("a", "b", name="letters"),
    sa.Enum("a", "bb", native_enum=False, create_constraint=True),
    sa.Enum("x", "yy", native_enum=False),
]

DIALECT_ROUND_TRIP_TYPES: dict[str, list[Any]] = {
    "postgresql": [
        postgresql.JSONB(),
        postgresql.TIMESTAMP(precision=3),
        postgresql.INTERVAL(fields="day to second"),
        postgresql.INET(),
        sa.String(20, collation="C"),
    ],
    "mysql": [
        mysql.INTEGER(unsigned=True),
        mysql.TINYINT(),
        mysql.DATETIME(fsp=6),
        mysql.LONGTEXT(),
        mysql.MEDIUMBLOB(),
        sa.Text(70000),
        sa.NCHAR(3),
        sa.NVARCHAR(4),
        sa.String(20, collation="utf8mb4_bin"),
        mysql.YEAR(),
    ],
    "sqlite": [sa.NCHAR(3), sa.NVARCHAR(4), sa.Text(100)],
}


def test_generic_types_created_by_sqlalchemy_show_no_difference(any_db) -> None:
    types = ROUND_TRIP_TYPES + DIALECT_ROUND_TRIP_TYPES[any_db.dialect]
    metadata = sa.MetaData()
    columns = [sa.Column(f"c{number}", type_) for number, type_ in enumerate(types)]
    sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), *columns)
    metadata.create_all(any_db.engine)

    database = introspect_database(any_db.url)
    table = database.table("t")
    assert table is not None
    found = {}
    for number, type_ in enumerate(types):
        column = table.column(f"c{number}")
        assert column is not None
        result = compare_types(TypeSpec.of(type_), column, database.dialect, table=table)
        if not result.equal:
            found[repr(type_)] = result.message
    assert found == {}


def test_a_shorter_enum_member_is_found_through_the_check_constraint(any_db) -> None:
    """A new member that fits the old VARCHAR length changes only the CHECK constraint."""
    old = sa.Enum("new", "paid", native_enum=False, create_constraint=True)
    metadata = sa.MetaData()
    sa.Table("t", metadata, sa.Column("status", old))
    metadata.create_all(any_db.engine)
    table = introspect_database(any_db.url).table("t")
    assert table is not None
    column = table.column("status")
    assert column is not None

    declared = TypeSpec.of(sa.Enum("new", "paid", "ok", native_enum=False))
    result = compare_types(declared, column, any_db.dialect, table=table)

    assert result.kind == "enum_values"
    assert result.missing_values == ("ok",)
    assert "database lacks 'ok'" in result.message
    # Without the table (no CHECK to read), only the unchanged length is compared.
    assert compare_types(declared, column, any_db.dialect).equal


def test_message_names_both_sides_in_user_terms(postgres_db) -> None:
    postgres_db.execute("CREATE TABLE t (name varchar(100))")
    table = introspect_database(postgres_db.url).table("t")
    assert table is not None
    column = table.column("name")
    assert column is not None

    result = compare_types(TypeSpec.of(sa.String(50)), column, "postgresql")

    assert result.message == "declared String(50), database has VARCHAR(100) (length 50 vs 100)"
    assert (result.declared, result.actual) == ("String(50)", "VARCHAR(100)")


@pytest.mark.parametrize(
    ("ddl", "declared", "detail"),
    [
        ("timestamp", sa.DateTime(timezone=True), "(with time zone vs without)"),
        ("timestamp(3)", sa.DateTime(), "(fractional second digits 6 vs 3)"),
        ("real", sa.Double(), "(double vs single precision)"),
        ("numeric(12, 2)", sa.Numeric(10, 2), "(precision 10 vs 12)"),
    ],
)
def test_message_details(postgres_db, ddl: str, declared, detail: str) -> None:
    postgres_db.execute(f"CREATE TABLE t (c {ddl})")
    column = introspect_database(postgres_db.url).tables[0].columns[0]
    result = compare_types(TypeSpec.of(declared), column, "postgresql")
    assert result.message.endswith(detail), result.message


def test_enum_difference_lists_missing_and_extra_values(mysql_db) -> None:
    mysql_db.execute("CREATE TABLE t (s enum('a','b','old'))")
    table = introspect_database(mysql_db.url).table("t")
    assert table is not None
    column = table.column("s")
    assert column is not None

    result = compare_types(TypeSpec.of(sa.Enum("a", "b", "c", "d")), column, "mysql")

    assert result.missing_values == ("c", "d")
    assert result.extra_values == ("old",)
    assert "database lacks 'c', 'd'; database also has 'old'" in result.message


def _column(type_: sa.types.TypeEngine, text: str) -> ColumnSchema:
    return ColumnSchema(name="c", type=text, sa_type=TypeSpec.of(type_))


def test_unknown_declared_type_is_not_compared() -> None:
    custom = TypeSpec("myapp.types:PasswordType", (), (("length", 60),))
    result = compare_types(custom, _column(sa.VARCHAR(60), "VARCHAR(60)"), "postgresql")
    assert result.status == "not_compared"
    assert "PasswordType" in result.message
    assert result.severity is None


def test_unknown_database_type_is_compared_by_its_text_or_not_at_all() -> None:
    unknown = ColumnSchema(name="c", type="citext", sa_type=TypeSpec.of(sa.types.NullType()))
    other = compare_types(TypeSpec.of(sa.Text()), unknown, "postgresql")
    assert other.status == "not_compared"
    assert "citext" in other.message


@pytest.mark.parametrize(
    ("type_", "text"),
    [
        (sa.String(50), "String(50)"),
        (sa.String(), "String"),
        (sa.Numeric(10, 2), "Numeric(10, 2)"),
        (sa.DateTime(timezone=True), "DateTime(timezone=True)"),
        (sa.Enum("a", "b", name="status"), "Enum('a', 'b', name='status')"),
        (sa.Enum("a", native_enum=False), "Enum('a', native_enum=False)"),
        (postgresql.JSONB(), "postgresql.JSONB"),
        (mysql.TINYINT(display_width=1), "mysql.TINYINT(display_width=1)"),
        (mysql.INTEGER(unsigned=True), "mysql.INTEGER(unsigned=True)"),
        (sa.String(20, collation="C"), "String(20, collation='C')"),
        (sa.ARRAY(sa.String(10)), "ARRAY(String(10))"),
        (postgresql.ARRAY(sa.Integer(), dimensions=2), "postgresql.ARRAY(Integer, dimensions=2)"),
    ],
)
def test_describe_type(type_: sa.types.TypeEngine, text: str) -> None:
    assert describe_type(TypeSpec.of(type_)) == text


@pytest.mark.parametrize(
    ("type_", "dialect", "family", "details"),
    [
        (sa.Boolean(), "mysql", "boolean", {}),
        (mysql.TINYINT(display_width=1), "mysql", "boolean", {}),
        (mysql.TINYINT(display_width=1), "postgresql", "tinyint", {}),
        (sa.Float(), "postgresql", "double", {}),
        (sa.Float(), "mysql", "float", {}),
        (sa.Float(), "sqlite", "double", {}),
        (sa.Numeric(), "mysql", "numeric", {"precision": 10, "scale": 0}),
        (sa.Numeric(), "postgresql", "numeric", {"precision": None, "scale": None}),
        (sa.DateTime(timezone=True), "postgresql", "datetime", {"timezone": True}),
        (sa.DateTime(timezone=True), "mysql", "datetime", {"timezone": None}),
        (sa.Enum("a", "b", name="e"), "postgresql", "enum", {"enum_name": "e"}),
        (sa.Enum("a", "bb", name="e"), "sqlite", "string", {"length": 2}),
        (sa.Uuid(), "sqlite", "char", {"length": 32}),
        (sa.JSON(), "postgresql", "json", {}),
        (postgresql.JSONB(), "postgresql", "jsonb", {}),
        (postgresql.CITEXT(), "postgresql", "citext", {}),
        (mysql.SET("a", "b"), "mysql", "set", {"enum_values": ("a", "b")}),
    ],
)
def test_canonical_type(type_, dialect: str, family: str, details: dict) -> None:
    canonical = canonical_type(TypeSpec.of(type_), dialect)
    assert canonical is not None
    assert canonical.family == family
    for name, value in details.items():
        assert getattr(canonical, name) == value


@pytest.mark.parametrize(
    ("sqltext", "values"),
    [
        ("c IN ('a', 'b')", ("a", "b")),
        ("`c` in ('a','it''s')", ("a", "it's")),
        (
            "(c)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])",
            ("a", "b"),
        ),
        ("c::text = ANY (ARRAY['a'::character varying]::text[])", ("a",)),
        ("c > 0", None),
        ("other IN ('a')", None),
    ],
)
def test_check_constraint_values(sqltext: str, values) -> None:
    from schema_lsp.schema import CheckConstraintSchema

    table = TableSchema(
        name="t",
        columns=(_column(sa.String(5), "VARCHAR(5)"),),
        check_constraints=(CheckConstraintSchema(name=None, sqltext=sqltext),),
    )
    assert check_constraint_values(table, "c") == values
