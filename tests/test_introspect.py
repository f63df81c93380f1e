"""Introspection of the fixture schema on SQLite, PostgreSQL and MariaDB: exact values."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from schema_lsp import snapshot
from schema_lsp.errors import DatabaseUnreachable, IntrospectionError, UnknownTable
from schema_lsp.introspect import SchemaIntrospector, introspect_database
from schema_lsp.schema import (
    CheckConstraintSchema,
    ComputedSchema,
    DatabaseSchema,
    EnumSchema,
    ForeignKeySchema,
    IdentitySchema,
    IndexSchema,
    PrimaryKeySchema,
    UniqueConstraintSchema,
)

from . import fixture_schema


def load_fixture(db) -> DatabaseSchema:
    name = sa.make_url(db.url).database or ""
    db.execute(*fixture_schema.statements(db.dialect, name))
    app = fixture_schema.app_schema(db.dialect, name)
    return SchemaIntrospector(db.url, schemas=[None, app] if app else None).introspect()


def columns(database: DatabaseSchema, table: str) -> list[tuple]:
    found = database.table(table)
    assert found is not None, f"{table} not read"
    return [(c.name, c.type, c.nullable, c.default, c.autoincrement) for c in found.columns]


def test_postgresql_fixture(postgres_db):
    database = load_fixture(postgres_db)
    assert database.dialect == "postgresql"
    assert database.default_schema == "public"
    assert database.schemas == (None, "app")
    assert [t.key for t in database] == [
        "customers",
        "order_items",
        "order_totals",
        "orders",
        "app.audit",
    ]
    assert database.enums == (EnumSchema("status", ("new", "paid", "shipped")),)

    customers = database.table("customers")
    assert columns(database, "customers") == [
        ("id", "INTEGER", False, None, True),
        ("email", "VARCHAR(255)", False, None, False),
        ("name", "TEXT", True, None, False),
        ("created_at", "TIMESTAMP WITH TIME ZONE", False, "now()", False),
        ("balance", "NUMERIC(10, 2)", True, "0", False),
    ]
    assert customers.column("id").identity == IdentitySchema(always=True, start=100, increment=5)
    assert customers.column("email").comment == "Login address"
    assert customers.comment == "People who buy"
    assert customers.column("created_at").sa_type.kwarg("timezone") is True
    assert customers.primary_key == PrimaryKeySchema(("id",), "customers_pkey")
    assert customers.unique_constraints == (
        UniqueConstraintSchema("uq_customers_email", ("email",)),
    )
    # PostgreSQL backs the unique constraint with an index: reported, marked implicit.
    assert customers.indexes == (
        IndexSchema("uq_customers_email", ("email",), unique=True, implicit="unique"),
    )

    orders = database.table("orders")
    assert columns(database, "orders") == [
        ("id", "BIGINT", False, "nextval('orders_id_seq'::regclass)", True),
        ("customer_id", "INTEGER", False, None, False),
        ("status", "status", False, "'new'::status", False),
        ("placed_on", "DATE", True, None, False),
        ("data", "JSONB", True, None, False),
        ("token", "UUID", True, "gen_random_uuid()", False),
    ]
    assert orders.column("status").enum_values == ("new", "paid", "shipped")
    assert orders.column("status").sa_type.build().name == "status"
    assert orders.indexes == (
        IndexSchema("ix_orders_customer_placed", ("customer_id", "placed_on")),
        IndexSchema("ix_orders_data", ("data",), method="gin"),
        IndexSchema("ix_orders_token_text", (), expressions=("lower(token::text)",)),
        IndexSchema(
            "ux_orders_open", ("customer_id",), unique=True, where="(status = 'new'::status)"
        ),
    )
    assert orders.foreign_keys == (
        ForeignKeySchema(
            "orders_customer_id_fkey",
            ("customer_id",),
            "customers",
            ("id",),
            on_delete="CASCADE",
            on_update="RESTRICT",
        ),
    )

    items = database.table("order_items")
    assert items.primary_key == PrimaryKeySchema(("line_no", "order_id"), "pk_order_items")
    assert items.check_constraints == (CheckConstraintSchema("ck_items_quantity", "quantity > 0"),)

    audit = database.table("audit", "app")
    assert audit is database.table("app.audit")
    assert audit.column("select") is not None and audit.column("Mixed Case") is not None
    assert audit.foreign_keys == (
        ForeignKeySchema(
            "fk_audit_item",
            ("line_no", "order_id"),
            "order_items",
            ("line_no", "order_id"),
            on_delete="SET NULL",
        ),
    )
    view = database.table("order_totals")
    assert view.is_view and view.column_names == ("order_id", "items")
    assert database.table("public.customers") is customers


def test_mariadb_fixture(mysql_db):
    database = load_fixture(mysql_db)
    name = sa.make_url(mysql_db.url).database
    assert database.dialect in ("mysql", "mariadb")
    assert database.default_schema == name
    assert [t.key for t in database] == [
        "customers",
        "order_items",
        "order_totals",
        "orders",
        f"{name}_app.audit",
    ]
    assert columns(database, "customers") == [
        ("id", "INTEGER(10) UNSIGNED", False, None, True),
        ("email", "VARCHAR(255)", False, None, False),
        ("name", "TEXT", True, None, False),
        ("active", "TINYINT(1)", False, "1", False),
        ("created_at", "DATETIME", False, "current_timestamp()", False),
        ("balance", "DECIMAL(10, 2)", True, "0.00", False),
    ]
    customers = database.table("customers")
    assert customers.column("id").sa_type.kwarg("unsigned") is True
    assert customers.column("active").sa_type.name == "TINYINT"
    assert customers.column("active").sa_type.kwarg("display_width") == 1
    assert customers.comment == "People who buy"
    assert customers.column("email").comment == "Login address"
    # MySQL has no named primary keys (always PRIMARY): reported as unnamed.
    assert customers.primary_key == PrimaryKeySchema(("id",), None)
    assert customers.unique_constraints == (
        UniqueConstraintSchema("uq_customers_email", ("email",)),
    )
    assert customers.indexes == (
        IndexSchema("uq_customers_email", ("email",), unique=True, implicit="unique"),
    )

    orders = database.table("orders")
    assert orders.column("status").enum_values == ("new", "paid", "shipped")
    assert orders.column("status").type == "ENUM('new','paid','shipped')"
    assert orders.column("status").default == "'new'"
    # The composite index starts with customer_id, so InnoDB made no index of its own.
    assert orders.indexes == (
        IndexSchema("ix_orders_customer_placed", ("customer_id", "placed_on")),
        IndexSchema("ix_orders_note", ("note",), method="fulltext"),
    )
    # MySQL's default action is RESTRICT, which it does not print: reported as None.
    assert orders.foreign_keys == (
        ForeignKeySchema(
            "fk_orders_customer", ("customer_id",), "customers", ("id",), on_delete="CASCADE"
        ),
    )

    items = database.table("order_items")
    assert items.primary_key == PrimaryKeySchema(("line_no", "order_id"), None)
    # order_id is not the leading key column, so InnoDB added an index for the FK.
    assert items.indexes == (IndexSchema("fk_items_order", ("order_id",), implicit="foreign_key"),)
    assert items.check_constraints == (
        CheckConstraintSchema("ck_items_quantity", "`quantity` > 0"),
    )
    audit = database.table(f"{name}_app.audit")
    assert audit.foreign_keys[0].referred_schema is None  # the default schema
    assert audit.foreign_keys[0].on_delete == "SET NULL"
    assert audit.column("Mixed Case").type == "INTEGER(11)"
    assert database.table("order_totals").is_view


def test_sqlite_fixture(sqlite_db):
    database = load_fixture(sqlite_db)
    assert database.dialect == "sqlite"
    assert [t.key for t in database] == ["customers", "order_items", "order_totals", "orders"]
    assert columns(database, "customers") == [
        ("id", "INTEGER", False, None, True),
        ("email", "VARCHAR(255)", False, None, False),
        ("name", "TEXT", True, None, False),
        ("active", "BOOLEAN", False, "1", False),
        ("created_at", "DATETIME", False, "CURRENT_TIMESTAMP", False),
        ("balance", "NUMERIC(10, 2)", True, "0", False),
        ("loyalty_tier", "tier_name(12)", True, None, False),
    ]
    # An unknown declared type keeps its spelling; its SQLAlchemy type is SQLite's affinity.
    assert database.table("customers").column("loyalty_tier").sa_type.name == "NUMERIC"
    orders = database.table("orders")
    assert orders.indexes == (
        IndexSchema("ix_orders_customer_placed", ("customer_id", "placed_on")),
        IndexSchema(
            "ix_orders_status_lower", ("placed_on",), expressions=("lower(status)", "placed_on")
        ),
        IndexSchema("ux_orders_open", ("customer_id",), unique=True, where="status = 'new'"),
    )
    # Inline REFERENCES ... ON DELETE, which SQLAlchemy's SQLite reflection drops.
    assert orders.foreign_keys == (
        ForeignKeySchema(None, ("customer_id",), "customers", ("id",), on_delete="CASCADE"),
    )
    assert orders.check_constraints == (
        CheckConstraintSchema(None, "status IN ('new', 'paid', 'shipped')"),
    )
    items = database.table("order_items")
    assert items.primary_key == PrimaryKeySchema(("line_no", "order_id"), "pk_order_items")
    assert items.foreign_keys == (
        ForeignKeySchema("fk_items_order", ("order_id",), "orders", ("id",), on_update="CASCADE"),
    )


def test_snapshot_round_trip_is_exact_and_deterministic(any_db):
    database = load_fixture(any_db)
    text = snapshot.to_json(database)
    again = snapshot.from_json(text)
    assert again == database
    assert snapshot.to_json(again) == text
    # Rebuilt SQLAlchemy types compile to the same SQL as the reflected ones.
    dialect = sa.create_engine(any_db.url).dialect
    for table in again:
        for column in table.columns:
            if any_db.dialect != "sqlite" and column.sa_type.name != "NullType":
                assert str(column.sa_type.build().compile(dialect=dialect)) == column.type


def test_two_reads_of_an_unchanged_database_are_equal(any_db):
    first = load_fixture(any_db)
    second = SchemaIntrospector(any_db.url, schemas=first.schemas).introspect()
    assert second.tables == first.tables


def test_get_table_schema_reads_one_table(any_db):
    database = load_fixture(any_db)
    introspector = SchemaIntrospector(any_db.url)
    assert introspector.get_table_schema("orders") == database.table("orders")
    with pytest.raises(UnknownTable, match="did you mean 'orders'"):
        introspector.get_table_schema("order")


def test_introspection_is_read_only(postgres_db):
    """Nothing can write through the introspector's transaction."""
    postgres_db.execute("CREATE TABLE t (id int)")
    introspector = SchemaIntrospector(postgres_db.url)
    with introspector._read_only_connection() as connection, pytest.raises(sa.exc.DBAPIError):
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")


def test_statement_timeout_is_reported(postgres_db):
    postgres_db.execute("CREATE TABLE t (id int)")
    introspector = SchemaIntrospector(postgres_db.url, statement_timeout=0.2)
    with pytest.raises(IntrospectionError, match="statement timeout"):  # noqa: SIM117
        with introspector._read_only_connection() as connection:
            connection.exec_driver_sql("SELECT pg_sleep(2)")


def test_sqlite_statement_timeout_interrupts(sqlite_db):
    sqlite_db.execute("CREATE TABLE t (id int)")
    introspector = SchemaIntrospector(sqlite_db.url, statement_timeout=0.1)
    endless = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    with pytest.raises(IntrospectionError, match="statement timeout"):  # noqa: SIM117
        with introspector._read_only_connection() as connection:
            connection.exec_driver_sql(endless).all()


def test_missing_sqlite_file_is_not_created(tmp_path):
    path = tmp_path / "nope.db"
    with pytest.raises(DatabaseUnreachable, match="not found"):
        introspect_database(f"sqlite:///{path}")
    assert not path.exists()


def test_sqlite_file_deleted_between_reads_is_not_recreated(tmp_path):
    """A long-lived introspector (the server's registry) whose file goes away says so,
    and never leaves an empty database behind; the file is opened read-only."""
    path = tmp_path / "my app.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    introspector = SchemaIntrospector(f"sqlite:///{path}")
    try:
        assert [t.name for t in introspector.introspect().tables] == ["t"]
        with (
            introspector._read_only_connection() as open_,
            pytest.raises(sa.exc.OperationalError, match="readonly"),
        ):
            open_.exec_driver_sql("PRAGMA query_only = OFF")
            open_.exec_driver_sql("CREATE TABLE u (id int)")
        path.unlink()
        with pytest.raises(DatabaseUnreachable, match="not found"):
            introspector.introspect()
        assert not path.exists()
    finally:
        introspector.dispose()


def test_unreachable_server_message_has_no_password():
    with pytest.raises(DatabaseUnreachable) as caught:
        introspect_database("postgresql://app:s3cret-pw@127.0.0.1:1/shop", statement_timeout=2)
    message = str(caught.value)
    assert "s3cret-pw" not in message
    assert message.startswith("cannot connect to app@127.0.0.1:1/shop")


def test_wrong_password_message_has_no_password(mysql_db):
    url = sa.make_url(mysql_db.url).set(username="nobody", password="hunter2-secret")
    with pytest.raises(DatabaseUnreachable) as caught:
        introspect_database(url.render_as_string(hide_password=False))
    assert "hunter2-secret" not in str(caught.value)
    assert "Access denied" in str(caught.value)


def test_sqlite_inline_unique_constraints_sqlalchemy_misses(sqlite_db):
    sqlite_db.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a VARCHAR(10) NOT NULL UNIQUE, "
        "b INT REFERENCES t (id) UNIQUE, c INT UNIQUE, CONSTRAINT uq_cd UNIQUE (c, id))"
    )
    table = introspect_database(sqlite_db.url).table("t")
    assert table.unique_constraints == (
        UniqueConstraintSchema(None, ("a",)),
        UniqueConstraintSchema(None, ("b",)),
        UniqueConstraintSchema(None, ("c",)),
        UniqueConstraintSchema("uq_cd", ("c", "id")),
    )


def test_sqlite_expression_indexes_are_split_outside_quotes(sqlite_db):
    """An expression holding a quoted parenthesis or comma is one element, and the WHERE
    after it is still the predicate (SQLAlchemy skips such indexes; schema-lsp reads them)."""
    sqlite_db.execute(
        "CREATE TABLE labels (id INTEGER PRIMARY KEY, code VARCHAR(10), note TEXT)",
        "CREATE INDEX ix_labels_code ON labels (coalesce(code, ')'), lower(note), "
        "replace(note, ',', ';')) WHERE code <> ')' AND note IS NOT NULL",
    )
    [index] = introspect_database(sqlite_db.url).table("labels").indexes
    assert index == IndexSchema(
        "ix_labels_code",
        (),
        expressions=("coalesce(code, ')')", "lower(note)", "replace(note, ',', ';')"),
        where="code <> ')' AND note IS NOT NULL",
    )


def test_sqlite_generated_columns_are_read_from_one_line_ddl(sqlite_db):
    """SQLAlchemy's pattern runs past a generated column's parenthesis when the table's DDL
    is on one line (as migrations write it) and misses ``AS (...)`` without GENERATED
    ALWAYS; the expression is cut at its own parentheses instead."""
    sqlite_db.execute(
        "CREATE TABLE prices (id INTEGER PRIMARY KEY, amount INTEGER, code VARCHAR(10), "
        "shown VARCHAR(10) GENERATED ALWAYS AS (coalesce(code, ')')) STORED, "
        '"Cents" INTEGER AS (amount * 100), total INTEGER GENERATED ALWAYS AS (amount + 2))'
    )
    table = introspect_database(sqlite_db.url).table("prices")
    assert [(c.name, c.computed) for c in table.columns if c.computed] == [
        ("shown", ComputedSchema("coalesce(code, ')')", persisted=True)),
        ("Cents", ComputedSchema("amount * 100", persisted=False)),
        ("total", ComputedSchema("amount + 2", persisted=False)),
    ]


def test_mariadb_column_level_checks_are_read(mysql_db):
    mysql_db.execute(
        "CREATE TABLE parcel (id INT PRIMARY KEY, weight INT CHECK (weight < 1000), "
        "data JSON, CONSTRAINT ck_parcel_id CHECK (id > 0))"
    )
    table = introspect_database(mysql_db.url).table("parcel")
    checks = {(c.name, c.sqltext) for c in table.check_constraints}
    assert ("weight", "`weight` < 1000") in checks
    assert ("ck_parcel_id", "`id` > 0") in checks
    assert len(checks) == 2  # the json_valid(data) check belongs to the JSON type


def test_postgresql_constraints_are_read_on_a_second_connection_same_result(
    postgres_db, monkeypatch
):
    """The constraint queries run on a helper connection sharing the exported snapshot;
    the result is the same as reading everything on one connection."""
    import threading

    from schema_lsp import introspect as module

    load_fixture(postgres_db)
    introspector = SchemaIntrospector(postgres_db.url, schemas=[None, "app"])
    threads: list[str] = []
    original = module._read_constraints

    def spy(inspector, schema, filter_names):
        threads.append(threading.current_thread().name)
        return original(inspector, schema, filter_names)

    monkeypatch.setattr(module, "_read_constraints", spy)
    shared = introspector.introspect()
    assert threads == ["schema-lsp-constraints", "schema-lsp-constraints"]

    with introspector._read_only_connection() as connection:
        alone = module._SchemaReader(connection, introspector.url).read(introspector.schemas)
    assert threads[2:] == [threading.current_thread().name] * 2
    assert alone.tables == shared.tables


def test_two_reads_of_one_sqlite_engine_at_once_do_not_trip_over_each_other(tmp_path) -> None:
    """The server may refresh a folder while its first read of the same engine runs: the
    per-read shortcut for SQLite's table SQL must not be removed from under the other."""
    import threading

    from schema_lsp.dialects.sqlite_catalog import table_sql_read_once

    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    engine = sa.create_engine(f"sqlite:///{path}")
    first_inside = threading.Event()
    errors: list[BaseException] = []
    tables: list[list[str]] = []

    def read(wait_for: threading.Event | None) -> None:
        try:
            if wait_for is not None:
                wait_for.wait(5)
            with engine.connect() as connection, table_sql_read_once(connection):
                first_inside.set()
                threading.Event().wait(0.2)  # the other read starts meanwhile
                tables.append(sa.inspect(connection).get_table_names())
        except BaseException as error:  # reported by the assertion
            errors.append(error)

    threads = [
        threading.Thread(target=read, args=(None,)),
        threading.Thread(target=read, args=(first_inside,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    engine.dispose()
    assert errors == []
    assert tables == [["users"], ["users"]]
