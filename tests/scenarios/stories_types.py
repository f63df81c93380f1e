# ruff: noqa: E501  (model source lines are kept as users write them)
"""Column types compared semantically per dialect: lengths, precision, timezone, enum values,
unsigned, JSON vs JSONB, and the equivalences that must stay silent."""

from __future__ import annotations

from .scenario import Database, Expect, Scenario, alembic_fp, alembic_miss, changed, orm

PRODUCTS = orm(
    """
    import enum


    class Status(enum.Enum):
        draft = "draft"
        active = "active"
        retired = "retired"


    class Product(Base):
        __tablename__ = "products"

        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(50))  # [name]
        price: Mapped[float] = mapped_column(sa.Numeric(10, 2))  # [price]
        stock: Mapped[int] = mapped_column(sa.Integer)  # [stock]
        notes: Mapped[Optional[str]] = mapped_column(sa.Text)  # [notes]
        status: Mapped[Status] = mapped_column(sa.Enum(Status, name="product_status"))  # [status]
        released: Mapped[Optional[sa.DateTime]] = mapped_column(sa.DateTime(timezone=True))  # [released]
    """
)

MYSQL_FALSE = (
    "Alembic compares sa.false()/sa.true() with MariaDB's reflected '0'/'1' as text and "
    "reports modify_default on every run (Alembic issue 1777)"
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "types_clean",
        "create_all of a products model: String, Numeric, Integer, Text, a native Enum and "
        "a timezone-aware DateTime all equal what each database reflects.",
        PRODUCTS,
    ),
    Scenario(
        "string_length_differs",
        "String(50) in the model, VARCHAR(100) in the database (no compare_type switch to "
        "forget, unlike Flask-Migrate issue 430).",
        PRODUCTS,
        expect=(Expect("SL120", "products", "name", "name"),),
        database=changed(("sa.String(50)", "sa.String(100)")),
    ),
    Scenario(
        "numeric_precision_differs",
        "Numeric(10, 2) in the model, DECIMAL(12, 2) in the database.",
        PRODUCTS,
        expect=(Expect("SL120", "products", "price", "price"),),
        database=changed(("sa.Numeric(10, 2)", "sa.Numeric(12, 2)")),
    ),
    Scenario(
        "numeric_scale_differs",
        "Numeric(10, 2) in the model, DECIMAL(10, 4) in the database.",
        PRODUCTS,
        expect=(Expect("SL120", "products", "price", "price"),),
        database=changed(("sa.Numeric(10, 2)", "sa.Numeric(10, 4)")),
    ),
    Scenario(
        "integer_vs_bigint",
        "Integer in the model, BIGINT in the database.",
        PRODUCTS,
        expect=(Expect("SL120", "products", "stock", "stock"),),
        # SQLite: reported too, at info severity (same INTEGER affinity).
        database=changed(
            (
                "stock: Mapped[int] = mapped_column(sa.Integer)",
                "stock: Mapped[int] = mapped_column(sa.BigInteger)",
            )
        ),
    ),
    Scenario(
        "text_vs_varchar",
        "Text in the model, VARCHAR(200) in the database.",
        PRODUCTS,
        expect=(Expect("SL120", "products", "notes", "notes"),),
        # SQLite: reported too, at info severity (same TEXT affinity).
        database=changed(("mapped_column(sa.Text)", "mapped_column(sa.String(200))")),
    ),
    Scenario(
        "timezone_differs",
        "DateTime(timezone=True) in the model, timestamp without time zone in the database "
        "(Alembic issue 1653). MariaDB and SQLite have no zone-aware type: nothing.",
        PRODUCTS,
        expect_on={"postgresql": (Expect("SL120", "products", "released", "released"),)},
        database=changed(("sa.DateTime(timezone=True)", "sa.DateTime()")),
    ),
    Scenario(
        "enum_value_added_in_model",
        "The model's enum gained 'retired'; the database's enum still has two values "
        "(PostgreSQL users install alembic-postgresql-enum for this). On SQLite the enum "
        "is a VARCHAR without a CHECK whose length changes (7 for 'retired', 6 before).",
        PRODUCTS,
        expect=(Expect("SL120", "products", "status", "status"),),
        database=changed(('    retired = "retired"\n', "")),
        oracle=(
            alembic_miss(
                "type",
                "products",
                "status",
                "Alembic core does not compare PostgreSQL enum values (Hyperion issue 403: "
                "users need alembic-postgresql-enum); it does compare MySQL ENUM lists",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "enum_value_removed_in_model",
        "The database's enum has a value the model dropped (SQLite: same VARCHAR(7), no "
        "CHECK, nothing to see).",
        PRODUCTS,
        expect=(Expect("SL120", "products", "status", "status"),),
        expect_on={"sqlite": ()},
        database=changed(
            ('    retired = "retired"\n', '    retired = "retired"\n    legacy = "legacy"\n')
        ),
        oracle=(
            alembic_miss(
                "type",
                "products",
                "status",
                "Alembic core does not compare PostgreSQL enum values (Hyperion issue 403)",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "non_native_enum_with_check_clean",
        "Enum(native_enum=False, create_constraint=True): VARCHAR plus CHECK on every "
        "dialect; a database from the same model is clean.",
        orm(
            """
            class Order(Base):
                __tablename__ = "orders"

                id: Mapped[int] = mapped_column(primary_key=True)
                state: Mapped[str] = mapped_column(sa.Enum("new", "paid", "sent", name="order_state", native_enum=False, create_constraint=True))  # [state]
            """
        ),
    ),
    Scenario(
        "non_native_enum_member_added",
        "A short member added to Enum(native_enum=False, create_constraint=True): the "
        "VARCHAR length stays the same, the CHECK differs (Alembic issue 338).",
        orm(
            """
            class Order(Base):
                __tablename__ = "orders"

                id: Mapped[int] = mapped_column(primary_key=True)
                state: Mapped[str] = mapped_column(sa.Enum("new", "paid", "sent", "lost", name="order_state", native_enum=False, create_constraint=True))  # [state]
            """
        ),
        expect=(Expect("SL120", "orders", "state", "state"),),
        database=changed(('"sent", "lost",', '"sent",')),
        oracle=(
            alembic_miss(
                "type",
                "orders",
                "state",
                "Alembic does not compare non-native enum values (issue 338)",
            ),
        ),
    ),
    Scenario(
        "annotation_only_type_change",
        "The type comes only from the annotation, Mapped[int], while the database column is "
        "a VARCHAR (Alembic issue 1247).",
        orm(
            """
            class Counter(Base):
                __tablename__ = "counters"

                id: Mapped[int] = mapped_column(primary_key=True)
                hits: Mapped[int]  # [hits]
            """
        ),
        expect=(Expect("SL120", "counters", "hits", "hits"),),
        # SQLite: a VARCHAR column has TEXT affinity, the model's INTEGER column would not.
        database=changed(("hits: Mapped[int]", "hits: Mapped[str] = mapped_column(sa.String(20))")),
    ),
    Scenario(
        "boolean_clean",
        "Boolean columns with server defaults made by create_all: BOOLEAN on PostgreSQL, "
        "TINYINT(1) on MariaDB, BOOLEAN/INTEGER on SQLite: nothing (Alembic issue 605).",
        orm(
            """
            class Flag(Base):
                __tablename__ = "flags"

                id: Mapped[int] = mapped_column(primary_key=True)
                active: Mapped[bool] = mapped_column(server_default=sa.false())
                visible: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.true())
                archived: Mapped[Optional[bool]]
            """
        ),
        oracle=(
            alembic_fp("server_default", "flags", "active", MYSQL_FALSE, "mysql"),
            alembic_fp("server_default", "flags", "visible", MYSQL_FALSE, "mysql"),
        ),
    ),
    Scenario(
        "boolean_vs_mysql_tinyint_explicit",
        "A MariaDB table written by hand as TINYINT(1) NOT NULL DEFAULT '0' and a model "
        "Boolean with server_default=sa.false(): nothing (Alembic issues 605, 1777).",
        orm(
            """
            class Flag(Base):
                __tablename__ = "flags"

                id: Mapped[int] = mapped_column(primary_key=True)
                active: Mapped[bool] = mapped_column(server_default=sa.false())
            """
        ),
        database=Database(
            create_all=False,
            after={
                "mysql": (
                    "CREATE TABLE flags (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                    "active TINYINT(1) NOT NULL DEFAULT '0')",
                )
            },
        ),
        oracle=(alembic_fp("server_default", "flags", "active", MYSQL_FALSE, "mysql"),),
        skip_on={
            "sqlite": "MariaDB's TINYINT(1) spelling of a boolean",
            "postgresql": "MariaDB's TINYINT(1) spelling of a boolean",
        },
    ),
    Scenario(
        "mysql_unsigned_differs",
        "An unsigned INTEGER in the model, a signed INT in the database (MariaDB only).",
        """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.dialects.mysql import INTEGER
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Counter(Base):
    __tablename__ = "counters"

    id = Column(Integer, primary_key=True)
    hits = Column(INTEGER(unsigned=True), nullable=False)  # [hits]
    label = Column(String(20))
""",
        expect=(Expect("SL120", "counters", "hits", "hits"),),
        database=changed(("INTEGER(unsigned=True)", "INTEGER()")),
        skip_on={
            "sqlite": "UNSIGNED is MySQL's",
            "postgresql": "UNSIGNED is MySQL's",
        },
        oracle=(
            alembic_miss(
                "type",
                "counters",
                "hits",
                "Alembic's type comparison ignores MySQL's unsigned flag",
                "mysql",
            ),
        ),
    ),
    Scenario(
        "json_vs_jsonb",
        "sa.JSON in the model, JSONB in the database (PostgreSQL only).",
        """\
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    payload = mapped_column(sa.JSON, nullable=False)  # [payload]
    extra = mapped_column(postgresql.JSONB)  # [extra]
""",
        expect=(Expect("SL120", "events", "payload", "payload"),),
        database=changed(
            ("payload = mapped_column(sa.JSON", "payload = mapped_column(postgresql.JSONB")
        ),
        skip_on={"sqlite": "JSONB is PostgreSQL's", "mysql": "JSONB is PostgreSQL's"},
    ),
    Scenario(
        "varchar_vs_jsonb",
        "JSONB in the model, VARCHAR(50) in the database (Alembic issue 1091).",
        """\
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    payload = mapped_column(postgresql.JSONB)  # [payload]
""",
        expect=(Expect("SL120", "events", "payload", "payload"),),
        database=changed(("mapped_column(postgresql.JSONB)", "mapped_column(sa.String(50))")),
        skip_on={"sqlite": "JSONB is PostgreSQL's", "mysql": "JSONB is PostgreSQL's"},
    ),
    Scenario(
        "string_without_length_vs_varchar",
        "String() in the model (unbounded), varchar(20) in the database: a real limit the "
        "model does not know (Alembic issues 1342 and 749 skip it by design).",
        orm(
            """
            class Note(Base):
                __tablename__ = "notes"

                id: Mapped[int] = mapped_column(primary_key=True)
                body: Mapped[str] = mapped_column(sa.String())  # [body]
            """
        ),
        expect=(Expect("SL120", "notes", "body", "body"),),
        # SQLite: reported too (SQLite keeps but does not enforce the length).
        database=changed(("sa.String()", "sa.String(20)")),
        skip_on={"mysql": "MariaDB has no VARCHAR without a length"},
        oracle=(
            alembic_miss(
                "type",
                "notes",
                "body",
                "Alembic ignores a length present on one side only (issues 1342, 749)",
                "postgresql",
                "sqlite",
            ),
        ),
    ),
    Scenario(
        "collation_differs",
        "String(collation='C') in the model, the default collation in the database "
        "(Alembic issue 1041; PostgreSQL only here).",
        orm(
            """
            class Word(Base):
                __tablename__ = "words"

                id: Mapped[int] = mapped_column(primary_key=True)
                text: Mapped[str] = mapped_column(sa.String(40, collation="C"))  # [text]
            """
        ),
        expect=(Expect("SL120", "words", "text", "text"),),
        database=changed(('sa.String(40, collation="C")', "sa.String(40)")),
        skip_on={
            "sqlite": "collation names differ per dialect",
            "mysql": "collation names differ per dialect",
        },
        oracle=(
            alembic_miss(
                "type",
                "words",
                "text",
                "Alembic does not compare collations (issue 1041)",
                "postgresql",
            ),
        ),
    ),
)

CUSTOM_TYPE = orm(
    """
    class Lowercase(sa.types.TypeDecorator):
        impl = sa.String(50)
        cache_ok = True

        def process_bind_param(self, value, dialect):
            return value.lower() if value is not None else None


    class Handle(Base):
        __tablename__ = "handles"

        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(Lowercase)  # [name]
    """
)

SCENARIOS += (
    Scenario(
        "custom_type_decorator_clean",
        "A project's own TypeDecorator (impl String(50)) from create_all: compared through "
        "its impl, never a type error (sqlalchemy-utils PR 233, websauna issue 162).",
        CUSTOM_TYPE,
    ),
    Scenario(
        "custom_type_decorator_changed_impl",
        "The database column is VARCHAR(80) while the decorator's impl says 50: the impl is "
        "read statically (issue 10, point 8), so the difference is found, as Alembic finds "
        "it by importing the model.",
        CUSTOM_TYPE,
        expect=(Expect("SL120", "handles", "name", "name"),),
        database=changed(("impl = sa.String(50)", "impl = sa.String(80)")),
    ),
)

SCENARIOS += (
    Scenario(
        "database_type_not_comparable",
        "The database column is an XML column (a type SQLAlchemy cannot reflect); the model "
        "says Text: an info SL121 'not compared', never a type error.",
        orm(
            """
            class Feed(Base):
                __tablename__ = "feeds"

                id: Mapped[int] = mapped_column(primary_key=True)
                body: Mapped[str] = mapped_column(sa.Text)  # [body]
            """
        ),
        expect=(Expect("SL121", "feeds", "body", "body"),),
        database=Database(
            create_all=False,
            after={
                "postgresql": ("CREATE TABLE feeds (id SERIAL PRIMARY KEY, body XML NOT NULL)",)
            },
        ),
        skip_on={"sqlite": "PostgreSQL's XML type", "mysql": "PostgreSQL's XML type"},
    ),
)

ENUM_NAMES = orm(
    """
    import enum


    class Level(enum.Enum):
        LOW = "low"
        HIGH = "high-priority"


    class Alert(Base):
        __tablename__ = "alerts"

        id: Mapped[int] = mapped_column(primary_key=True)
        level: Mapped[Level]  # [level]
        by_value: Mapped[Level] = mapped_column(sa.Enum(Level, name="level_by_value", values_callable=lambda e: [m.value for m in e]))  # [by_value]
    """
)

SCENARIOS += (
    Scenario(
        "enum_names_and_values_clean",
        "A Python enum whose names differ from its values: Mapped[Level] stores the names "
        "(LOW, HIGH), values_callable stores the values; create_all: nothing.",
        ENUM_NAMES,
    ),
    Scenario(
        "enum_values_callable_differs",
        "values_callable in the model, the database enum made from the names: a difference "
        "(SQLite: VARCHAR(13) vs VARCHAR(4)).",
        ENUM_NAMES,
        expect=(Expect("SL120", "alerts", "by_value", "by_value"),),
        database=changed((", values_callable=lambda e: [m.value for m in e]", "")),
        oracle=(
            alembic_miss(
                "type",
                "alerts",
                "by_value",
                "Alembic core does not compare PostgreSQL enum values (Hyperion issue 403)",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "literal_annotation_clean",
        "Mapped[Literal['draft', 'final']]: SQLAlchemy makes a non-native Enum; nothing.",
        orm(
            """
            from typing import Literal


            class Draft(Base):
                __tablename__ = "drafts"

                id: Mapped[int] = mapped_column(primary_key=True)
                stage: Mapped[Literal["draft", "final"]]
            """
        ),
    ),
)
