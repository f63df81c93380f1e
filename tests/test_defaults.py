"""Server-default comparison against defaults read back from real databases.

Each case creates a column with the database's own DDL, reads its default with the
SchemaIntrospector (so the text is what PostgreSQL, MariaDB and SQLite really print), and
compares the model's dialect-neutral default with it. A round-trip test creates defaults with
``create_all`` from SQLAlchemy constructs and expects no difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects.postgresql import JSONB

from schema_lsp.defaults import compare_defaults, is_automatic_default, normalize_default
from schema_lsp.introspect import introspect_database
from schema_lsp.schema import DatabaseSchema, TableSchema, TypeSpec
from tests.conftest import ModuleDatabases


@dataclass(frozen=True)
class Case:
    """Column ``c`` made with ``ddl`` on ``dialect``; the model declares ``declared`` (SQL
    text or None) for a column of ``type_``. ``expected``: equal, different, not_compared."""

    dialect: str
    ddl: str
    declared: str | None
    type_: sa.types.TypeEngine | None = None
    expected: str = "equal"

    @property
    def id(self) -> str:
        return f"{self.dialect}-{self.ddl}-{self.declared}-{self.expected}"


CASES = [
    # --- PostgreSQL: casts, typed literals, functions
    Case("postgresql", "integer DEFAULT 0", "0", sa.Integer()),
    Case("postgresql", "integer DEFAULT '0'", "0", sa.Integer()),
    Case("postgresql", "integer DEFAULT 0", "'0'", sa.Integer()),
    Case("postgresql", "integer DEFAULT -1", "-1", sa.Integer()),
    Case("postgresql", "integer DEFAULT 1", "2", sa.Integer(), "different"),
    Case("postgresql", "smallint DEFAULT '1'", "1", sa.SmallInteger()),
    Case("postgresql", "numeric(10, 2) DEFAULT 0", "0", sa.Numeric(10, 2)),
    Case("postgresql", "numeric(10, 2) DEFAULT '0'", "0.00", sa.Numeric(10, 2)),
    Case("postgresql", "numeric(10, 2) DEFAULT 0::numeric", "0", sa.Numeric(10, 2)),
    Case("postgresql", "numeric DEFAULT 0.00", "0", sa.Numeric()),
    Case("postgresql", "numeric(5, 2) DEFAULT -1.5", "-1.50", sa.Numeric(5, 2)),
    Case("postgresql", "numeric(5, 2) DEFAULT 1.5", "1.25", sa.Numeric(5, 2), "different"),
    Case("postgresql", "varchar(10) DEFAULT 'x'", "'x'", sa.String(10)),
    Case("postgresql", "varchar(10) DEFAULT 'x'", "'y'", sa.String(10), "different"),
    Case("postgresql", "varchar(10) DEFAULT 'x'", "CAST('x' AS VARCHAR)", sa.String(10)),
    Case("postgresql", "varchar(10) DEFAULT '0'", "'0'", sa.String(10)),
    Case("postgresql", "varchar(10) DEFAULT '0.0'", "'0'", sa.String(10), "different"),
    Case("postgresql", "text DEFAULT 'it''s'", "'it''s'", sa.Text()),
    Case("postgresql", "text DEFAULT E'it\\'s'", "'it''s'", sa.Text()),
    Case("postgresql", "text DEFAULT ''", "''", sa.Text()),
    Case("postgresql", r"text DEFAULT 'C:\'", r"'C:\'", sa.Text()),
    Case("postgresql", "text DEFAULT 'a::b'", "'a::b'", sa.Text()),
    Case("postgresql", "status DEFAULT 'new'", "'new'", sa.Enum("new", "paid", name="status")),
    Case(
        "postgresql",
        "status DEFAULT 'new'",
        "'paid'",
        sa.Enum("new", "paid", name="status"),
        "different",
    ),
    Case("postgresql", "boolean DEFAULT false", "false", sa.Boolean()),
    Case("postgresql", "boolean DEFAULT 'f'", "false", sa.Boolean()),
    Case("postgresql", "boolean DEFAULT true", "false", sa.Boolean(), "different"),
    Case("postgresql", "timestamptz DEFAULT now()", "now()", sa.DateTime(timezone=True)),
    Case("postgresql", "timestamptz DEFAULT now()", "CURRENT_TIMESTAMP", sa.DateTime()),
    Case("postgresql", "timestamp DEFAULT CURRENT_TIMESTAMP", "now()", sa.DateTime()),
    Case("postgresql", "timestamp DEFAULT transaction_timestamp()", "now()", sa.DateTime()),
    Case("postgresql", "timestamp DEFAULT clock_timestamp()", "now()", sa.DateTime(), "different"),
    Case("postgresql", "timestamp DEFAULT now()", "clock_timestamp()", None, "different"),
    Case("postgresql", "timestamp DEFAULT '2020-01-01'", "'2020-01-01 00:00:00'", sa.DateTime()),
    Case("postgresql", "date DEFAULT CURRENT_DATE", "CURRENT_DATE", sa.Date()),
    # Literals the database rewrites into its own spelling compare by value.
    Case("postgresql", "timestamp DEFAULT '2020-01-01'", "'2020-01-01'", sa.DateTime()),
    Case(
        "postgresql", "timestamp DEFAULT '2020-01-01'", "'2020-01-02'", sa.DateTime(), "different"
    ),
    Case("postgresql", "date DEFAULT '2020-01-31'", "'2020-01-31'", sa.Date()),
    Case("postgresql", "time DEFAULT '12:00'", "'12:00:00'", sa.Time()),
    Case(
        "postgresql",
        "uuid DEFAULT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'",
        "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'",
        sa.Uuid(),
    ),
    Case("postgresql", """jsonb DEFAULT '{"a":1,"b":[]}'""", """'{"b": [], "a": 1}'""", JSONB()),
    Case("postgresql", """jsonb DEFAULT '{"a":1}'""", """'{"a": 2}'""", JSONB(), "different"),
    Case("postgresql", "uuid DEFAULT gen_random_uuid()", "gen_random_uuid()", sa.Uuid()),
    Case("postgresql", "varchar(10) DEFAULT NULL", None, sa.String(10)),
    Case("postgresql", "varchar(10) DEFAULT NULL", "NULL", sa.String(10)),
    Case("postgresql", "integer", None, sa.Integer()),
    Case("postgresql", "integer", "0", sa.Integer(), "different"),
    Case("postgresql", "integer DEFAULT 0", None, sa.Integer(), "different"),
    Case("postgresql", "jsonb DEFAULT '{}'", "'{}'", None),
    Case("postgresql", "text[] DEFAULT '{}'", "'{}'", None),
    Case(
        "postgresql",
        "timestamp DEFAULT (now() + '1 day'::interval)",
        "now() + '1 day'::interval",
        sa.DateTime(),
    ),
    Case(
        "postgresql",
        "timestamp DEFAULT (now() + '1 day'::interval)",
        "now() + interval '1 day'",  # a typed literal is the cast PostgreSQL prints
        sa.DateTime(),
    ),
    Case(
        "postgresql",
        "timestamp DEFAULT (now() + '1 day'::interval)",
        "now() + interval '1 DAY'",  # the text inside quotes counts: not judged equal
        sa.DateTime(),
        "not_compared",
    ),
    Case(
        "postgresql",
        "timestamp DEFAULT (now() + '1 day'::interval)",
        "now()",
        sa.DateTime(),
        "not_compared",
    ),
    # --- MariaDB / MySQL
    Case("mysql", "tinyint(1) DEFAULT '0'", "false", sa.Boolean()),
    Case("mysql", "tinyint(1) DEFAULT 0", "false", None),
    Case("mysql", "tinyint(1) DEFAULT 1", "true", sa.Boolean()),
    Case("mysql", "bool DEFAULT false", "false", sa.Boolean()),
    Case("mysql", "bool DEFAULT true", "'1'", sa.Boolean()),
    Case("mysql", "tinyint(1) DEFAULT 0", "true", sa.Boolean(), "different"),
    Case("mysql", "int DEFAULT '0'", "0", sa.Integer()),
    Case("mysql", "int DEFAULT -1", "-1", sa.Integer()),
    Case("mysql", "int DEFAULT 1", "2", sa.Integer(), "different"),
    Case("mysql", "decimal(10,2) DEFAULT 0", "0", sa.Numeric(10, 2)),
    Case("mysql", "decimal(10,2) DEFAULT 0", "0.00", sa.Numeric(10, 2)),
    Case("mysql", "decimal(10,2) DEFAULT '0'", "'0'", sa.Numeric(10, 2)),
    Case("mysql", "decimal(10,2) DEFAULT 1.5", "1.50", sa.Numeric(10, 2)),
    Case("mysql", "varchar(10) DEFAULT 'x'", "'x'", sa.String(10)),
    Case("mysql", "varchar(20) DEFAULT 'it''s'", "'it''s'", sa.String(20)),
    Case("mysql", "varchar(10) DEFAULT ''", "''", sa.String(10)),
    # MariaDB prints a stored backslash escaped; the model's text is standard SQL.
    Case("mysql", r"varchar(10) DEFAULT 'a\\b'", r"'a\b'", sa.String(10)),
    Case("mysql", r"varchar(10) DEFAULT 'x\"y'", """'x"y'""", sa.String(10)),
    Case("mysql", r"varchar(10) DEFAULT 'a\\b'", r"'a\\b'", sa.String(10), "different"),
    Case("mysql", "varchar(10) DEFAULT 'x'", "'y'", sa.String(10), "different"),
    Case("mysql", "datetime DEFAULT CURRENT_TIMESTAMP", "now()", sa.DateTime()),
    Case("mysql", "datetime DEFAULT now()", "CURRENT_TIMESTAMP", sa.DateTime()),
    Case("mysql", "datetime(6) DEFAULT CURRENT_TIMESTAMP(6)", "now(6)", None),
    # MariaDB stores a plain now() on a DATETIME(6) as CURRENT_TIMESTAMP(6): the same
    Case("mysql", "datetime(6) DEFAULT CURRENT_TIMESTAMP(6)", "now()", None),
    Case("mysql", "datetime(6) DEFAULT CURRENT_TIMESTAMP(6)", "now(3)", None, "different"),
    Case(
        "mysql",
        "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP",
        "CURRENT_TIMESTAMP",
        sa.TIMESTAMP(),
    ),
    Case(
        "mysql",
        "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP",
        "now() ON UPDATE now()",
        sa.TIMESTAMP(),
    ),
    Case(
        "mysql",
        "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP",
        "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP",
        sa.TIMESTAMP(),
        "different",
    ),
    Case("mysql", "date DEFAULT curdate()", "CURRENT_DATE", sa.Date()),
    Case("mysql", "datetime DEFAULT '2020-01-01'", "'2020-01-01'", sa.DateTime()),
    Case("mysql", "time DEFAULT '7:30'", "'07:30:00'", sa.Time()),
    Case("mysql", "varchar(10) DEFAULT NULL", None, sa.String(10)),
    Case("mysql", "enum('new','paid') DEFAULT 'new'", "'new'", sa.Enum("new", "paid")),
    # SQLAlchemy reflects no default for BIT columns: never a false "database has none".
    Case("mysql", "bit(1) DEFAULT b'0'", "b'0'", mysql.BIT(1), "not_compared"),
    Case("mysql", "varchar(36) DEFAULT (uuid())", "uuid()", sa.String(36)),
    Case("mysql", "int", "0", sa.Integer(), "different"),
    # --- SQLite
    Case("sqlite", "integer DEFAULT 0", "0", sa.Integer()),
    Case("sqlite", "integer DEFAULT ((1))", "1", sa.Integer()),
    Case("sqlite", "integer DEFAULT ((1))", "(1)", sa.Integer()),
    Case("sqlite", "integer DEFAULT -1", "-1", sa.Integer()),
    Case("sqlite", "text DEFAULT (getdate())", "(getdate())", sa.Text()),
    Case("sqlite", "text DEFAULT (getdate())", "getdate()", sa.Text()),
    Case("sqlite", "datetime DEFAULT CURRENT_TIMESTAMP", "now()", sa.DateTime()),
    Case("sqlite", "datetime DEFAULT CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", sa.DateTime()),
    Case("sqlite", "datetime DEFAULT (datetime('now'))", "CURRENT_TIMESTAMP", sa.DateTime()),
    Case("sqlite", "datetime DEFAULT (datetime('now', 'localtime'))", "now()", None, "different"),
    Case("sqlite", "boolean DEFAULT 0", "false", sa.Boolean()),
    Case("sqlite", "boolean DEFAULT false", "0", sa.Boolean()),
    Case("sqlite", "boolean DEFAULT 1", "false", sa.Boolean(), "different"),
    Case("sqlite", "text DEFAULT 'it''s'", "'it''s'", sa.Text()),
    Case("sqlite", "numeric(10, 2) DEFAULT '0'", "0", sa.Numeric(10, 2)),
    Case("sqlite", "numeric(10, 2) DEFAULT 0.00", "0", sa.Numeric(10, 2)),
    Case("sqlite", "text DEFAULT NULL", None, sa.Text()),
    Case("sqlite", "text DEFAULT 'a'", "'b'", sa.Text(), "different"),
    Case("sqlite", "text DEFAULT (lower('A') || 'b')", "lower('A')||'b'", sa.Text()),
    Case("sqlite", "text DEFAULT (lower('A') || 'b')", "lower('A')", sa.Text(), "not_compared"),
]

SETUP = {"postgresql": ["CREATE TYPE status AS ENUM ('new', 'paid')"]}


class _Servers(dict):
    """One database per server for the module, created on first use: a table per case."""

    def __init__(self, databases: ModuleDatabases) -> None:
        super().__init__()
        self.databases = databases

    def __missing__(self, dialect: str) -> DatabaseSchema:
        database = self.databases.get(dialect)
        url, engine = database.url, database.engine
        cases = [case for case in CASES if case.dialect == dialect]
        with engine.begin() as connection:
            for statement in SETUP.get(dialect, []):
                connection.exec_driver_sql(statement)
            for number, case in enumerate(cases):
                connection.exec_driver_sql(f"CREATE TABLE t{number} (c {case.ddl})")
        engine.dispose()
        schema = introspect_database(url)
        self[dialect] = schema
        return schema


@pytest.fixture(scope="module")
def servers(module_databases: ModuleDatabases) -> _Servers:
    return _Servers(module_databases)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_declared_default_against_reflected_default(case: Case, servers) -> None:
    schema = servers[case.dialect]
    number = [c for c in CASES if c.dialect == case.dialect].index(case)
    table = schema.table(f"t{number}")
    assert table is not None
    column = table.column("c")
    assert column is not None
    type_spec = TypeSpec.of(case.type_) if case.type_ is not None else None

    result = compare_defaults(case.declared, column.default, schema.dialect, type_spec)

    assert result.status == case.expected, f"reflected {column.default!r}: {result.message}"
    if case.expected == "different":
        assert str(case.declared or "none") in result.message
        assert str(column.default or "none") in result.message
    # The comparison is symmetric in outcome.
    flipped = compare_defaults(column.default, case.declared, schema.dialect, type_spec)
    both = f"{case.declared} {column.default}"
    # ON UPDATE is compared only when the model has one; MySQL escapes only its own side.
    one_sided = "ON UPDATE" in both.upper() or "\\" in both
    if not one_sided and column.default is not None:
        assert flipped.status == result.status


#: (server_default, the model's text for it): create_all, read back, no difference.
ROUND_TRIP: list[tuple[Any, Any, str]] = [
    (sa.String(10), "x", "'x'"),
    (sa.String(20), "it's", "'it''s'"),
    (sa.String(10), "", "''"),
    (sa.Integer(), sa.text("0"), "0"),
    (sa.Integer(), sa.text("-5"), "-5"),
    (sa.Integer(), "7", "'7'"),
    (sa.Numeric(10, 2), sa.text("0"), "0"),
    (sa.Numeric(10, 2), "2.50", "'2.50'"),
    (sa.Boolean(), sa.false(), "false"),
    (sa.Boolean(), sa.true(), "true"),
    (sa.DateTime(), sa.func.now(), "now()"),
    (sa.DateTime(), sa.func.current_timestamp(), "CURRENT_TIMESTAMP"),
    (sa.DateTime(), sa.text("CURRENT_TIMESTAMP"), "now()"),
    (sa.Date(), sa.text("CURRENT_DATE"), "CURRENT_DATE"),
    (sa.Date(), "2020-01-31", "'2020-01-31'"),
    (sa.Enum("new", "paid", name="state"), "new", "'new'"),
]


def test_defaults_created_by_sqlalchemy_show_no_difference(any_db) -> None:
    metadata = sa.MetaData()
    columns = [
        sa.Column(f"c{number}", type_, server_default=default)
        for number, (type_, default, _) in enumerate(ROUND_TRIP)
    ]
    if any_db.dialect == "postgresql":
        columns.append(sa.Column("uuid", sa.Uuid(), server_default=sa.func.gen_random_uuid()))
    sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), *columns)
    metadata.create_all(any_db.engine)

    database = introspect_database(any_db.url)
    table = database.table("t")
    assert table is not None
    expected = [(type_, text) for type_, _, text in ROUND_TRIP]
    if any_db.dialect == "postgresql":
        expected.append((sa.Uuid(), "gen_random_uuid()"))
    found = {}
    for column, (type_, text) in zip(table.columns[1:], expected, strict=True):
        result = compare_defaults(text, column.default, database.dialect, TypeSpec.of(type_))
        if not result.equal:
            found[column.name] = result.message or result.status
    assert found == {}


def _table(database: DatabaseSchema, name: str) -> TableSchema:
    table = database.table(name)
    assert table is not None
    return table


def test_serial_and_identity_defaults_are_automatic(postgres_db) -> None:
    postgres_db.execute(
        "CREATE SEQUENCE shared_seq",
        "CREATE TABLE t (id serial PRIMARY KEY, big bigserial, "
        "other integer DEFAULT nextval('shared_seq'), "
        "ident integer GENERATED ALWAYS AS IDENTITY, plain integer DEFAULT 0)",
    )
    for _ in range(3):  # stable across reads
        table = _table(introspect_database(postgres_db.url), "t")
        automatic = {c.name: is_automatic_default(c, table) for c in table.columns}
        assert automatic == {
            "id": True,
            "big": True,
            "other": False,
            "ident": True,
            "plain": False,
        }
    other = table.column("other")
    assert other is not None
    # A shared sequence is an ordinary default: the model declares it, and it compares.
    assert compare_defaults("nextval('shared_seq')", other.default, "postgresql").equal
    assert compare_defaults("nextval('public.shared_seq')", other.default, "postgresql").equal
    assert compare_defaults("nextval('other_seq')", other.default, "postgresql").different


def test_serial_sequence_names_shortened_by_postgresql_are_automatic(postgres_db) -> None:
    table_name = "a_table_with_a_rather_long_name_for_orders_and_items"
    column_name = "an_identifier_column_with_a_long_name"
    postgres_db.execute(
        f"CREATE TABLE {table_name} ({column_name} serial PRIMARY KEY)",
        # a sequence already holding the name the next serial would get: PostgreSQL picks seq1
        "CREATE SEQUENCE t_id_seq",
        "CREATE TABLE t (id serial PRIMARY KEY)",
    )
    database = introspect_database(postgres_db.url)
    long_table = _table(database, table_name)
    long_column = long_table.columns[0]
    # the name really was shortened
    assert f"{table_name}_{column_name}_seq" not in (long_column.default or "")
    assert is_automatic_default(long_column, long_table)
    table = _table(database, "t")
    assert table.columns[0].default == "nextval('t_id_seq1'::regclass)"
    assert is_automatic_default(table.columns[0], table)


def test_mysql_auto_increment_has_no_default_to_declare(mysql_db) -> None:
    mysql_db.execute("CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY)")
    column = _table(introspect_database(mysql_db.url), "t").columns[0]
    assert column.default is None
    assert compare_defaults(None, column.default, "mysql").equal
    assert not is_automatic_default(column)


@pytest.mark.parametrize(
    ("sql", "dialect", "kind", "value"),
    [
        ("'0'::integer", "postgresql", "literal", "0"),
        ("'x'::character varying", "postgresql", "literal", "x"),
        ("'new'::app.status", "postgresql", "literal", "new"),
        ("'new'::\"Status\"", "postgresql", "literal", "new"),
        ("'2020-01-01 00:00:00'::timestamp without time zone", "postgresql", "literal", None),
        ("nextval('t_id_seq'::regclass)", "postgresql", "sequence", "t_id_seq"),
        ("now()", "postgresql", "function", "current_timestamp"),
        ("current_timestamp()", "mysql", "function", "current_timestamp"),
        ("current_timestamp(0)", "mysql", "function", "current_timestamp"),
        ("current_timestamp(3)", "mysql", "function", "current_timestamp(3)"),
        ("now()", "sqlite", "function", "current_timestamp"),
        ("(getdate())", "sqlite", "function", "getdate()"),
        ("((1))", "sqlite", "number", "1"),
        ("(-1)", "postgresql", "number", "-1"),
        ("1.50", "mysql", "number", "1.5"),
        ("1e3", "mysql", "number", "1000"),
        ("b'101'", "mysql", "number", "5"),
        ("_utf8mb4'x'", "mysql", "literal", "x"),
        ("TRUE", "sqlite", "boolean", "true"),
        ("ARRAY[]::text[]", "postgresql", "expression", "array[]"),
        ("CAST('x' AS VARCHAR(10))", "postgresql", "literal", "x"),
        ("CAST(now() AS DATE)", "postgresql", "function", "current_timestamp"),
        ("CAST(-1 AS INTEGER)", "sqlite", "number", "-1"),
    ],
)
def test_normalize_default(sql: str, dialect: str, kind: str, value: str | None) -> None:
    normalized = normalize_default(sql, dialect)
    assert normalized is not None
    assert normalized.kind == kind
    if value is not None:
        assert normalized.value == value
    assert normalized.text == sql


@pytest.mark.parametrize("sql", [None, "", "  ", "NULL", "null", "NULL::character varying"])
def test_null_is_no_default(sql: str | None) -> None:
    assert normalize_default(sql, "postgresql") is None


def test_on_update_is_split_off() -> None:
    normalized = normalize_default(
        "current_timestamp() ON UPDATE current_timestamp()", "mysql", TypeSpec.of(sa.DateTime())
    )
    assert normalized is not None
    assert (normalized.kind, normalized.value) == ("function", "current_timestamp")
    assert normalized.on_update == "current_timestamp()"


@pytest.mark.parametrize(
    ("declared", "actual", "type_", "status"),
    [
        # Without a column type: quoted numbers are numbers, booleans are 0/1.
        ("0", "'0'", None, "equal"),
        ("false", "0", None, "equal"),
        ("true", "'1'", None, "equal"),
        ("'abc'", "0", None, "different"),
        # With one, each side is read as the column's kind of value.
        ("'0'", "0.00", sa.Numeric(), "equal"),
        ("'0'", "'0.00'", sa.String(5), "different"),
        ("'t'", "true", sa.Boolean(), "equal"),
        ("'yes'", "false", sa.Boolean(), "different"),
        # Functions are themselves; text that will not tokenize is compared as text.
        ("gen_random_uuid()", "uuid_generate_v4()", None, "different"),
        ("now()", "'now()'", None, "different"),
        ("'unterminated", "'unterminated", None, "equal"),
        ("'unterminated", "'other", None, "not_compared"),
    ],
)
def test_compare_defaults_without_a_database(declared, actual, type_, status) -> None:
    type_spec = TypeSpec.of(type_) if type_ is not None else None
    assert compare_defaults(declared, actual, "postgresql", type_spec).status == status


SQL_PIECES = st.sampled_from(
    [
        "'",
        "''",
        "'a'",
        "(",
        ")",
        "::",
        "::text",
        "::character varying",
        "now()",
        "NULL",
        "0",
        "-1",
        "1.50",
        "true",
        "false",
        " ",
        ",",
        "ON UPDATE",
        "nextval(",
        "E'\\''",
        "\\",
        '"',
        "`",
        "CAST(",
        " AS ",
        "integer",
        "[]",
        "+",
        "b'1'",
        "_utf8mb4'x'",
        "é",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(SQL_PIECES | st.text(max_size=5), max_size=12),
    dialect=st.sampled_from(["postgresql", "mysql", "sqlite"]),
)
def test_any_text_normalizes_without_error_and_equals_itself(pieces, dialect) -> None:
    sql = "".join(pieces)
    normalized = normalize_default(sql, dialect, TypeSpec.of(sa.Integer()))
    assert normalized is None or normalized.text == sql.strip()
    if dialect != "mysql":  # MySQL reads its own side's backslashes differently
        assert compare_defaults(sql, sql, dialect).status != "different"


@pytest.mark.parametrize(
    ("declared", "actual", "status"),
    [
        ("now()", "current_timestamp(6)", "equal"),  # MariaDB, on a DATETIME(6)
        ("CURRENT_TIMESTAMP", "current_timestamp(3)", "equal"),
        ("now(3)", "current_timestamp(6)", "different"),  # the model named a precision
        ("'current_timestamp'", "current_timestamp(6)", "different"),  # a string
    ],
)
def test_mysql_keeps_the_columns_precision_for_now(declared: str, actual: str, status: str) -> None:
    assert compare_defaults(declared, actual, "mysql").status == status


def test_postgresql_prints_a_bytea_default_in_hex() -> None:
    import sqlalchemy as sa

    binary = TypeSpec.of(sa.LargeBinary())
    assert compare_defaults("'x'", "'\\x78'::bytea", "postgresql", binary).status == "equal"
    assert compare_defaults("'y'", "'\\x78'::bytea", "postgresql", binary).status == "different"
