# ruff: noqa: E501  (model source lines are kept as users write them)
"""The idempotence golden tests: rich models, a database made by create_all of the very
same models, and nothing may be reported (user-asks theme 1). What is reported anyway is
asserted line by line, so it is a claim, not a tolerance."""

from __future__ import annotations

from schema_lsp.diff import CompareOptions

from .scenario import Scenario, alembic_fp

RICH = """\
import datetime
import decimal
import enum
import uuid
from typing import Annotated, Optional

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

intpk = Annotated[int, mapped_column(primary_key=True)]
str100 = Annotated[str, mapped_column(sa.String(100))]


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {decimal.Decimal: sa.Numeric(12, 2)}


class Tier(enum.Enum):
    free = "free"
    pro = "pro"
    enterprise = "enterprise"


class TimestampMixin:
    updated_by: Mapped[Optional[str]] = mapped_column(sa.String(40))
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"
    __table_args__ = (sa.CheckConstraint("seats >= 0", name="seats_positive"),)

    id: Mapped[intpk]
    name: Mapped[str100] = mapped_column(unique=True)
    tier: Mapped[Tier] = mapped_column(sa.Enum(Tier, name="tier"), server_default="free")
    seats: Mapped[int] = mapped_column(sa.SmallInteger, server_default=sa.text("5"))
    balance: Mapped[decimal.Decimal]
    rating: Mapped[Optional[float]] = mapped_column(sa.Float)
    active: Mapped[bool] = mapped_column(server_default=sa.true())
    founded: Mapped[Optional[datetime.date]]
    opens_at: Mapped[Optional[datetime.time]]
    logo: Mapped[Optional[bytes]] = mapped_column(sa.LargeBinary)
    settings: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    external_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    big_counter: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))
    motto: Mapped[str] = mapped_column(sa.String(60), server_default="we're here")


class Person(TimestampMixin, Base):
    __tablename__ = "people"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "email"),
        sa.Index("ix_people_names", "last_name", "first_name"),
    )

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    manager_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(sa.String(254))
    first_name: Mapped[str100]
    last_name: Mapped[str100]
    nickname: Mapped[str | None] = mapped_column(sa.Unicode(30), index=True)
    bio: Mapped[Optional[str]] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Enum("invited", "active", "gone", name="person_status", native_enum=False, create_constraint=False), server_default="invited")
    born: Mapped[Optional[datetime.datetime]] = mapped_column(sa.DateTime(timezone=True))
    last_seen: Mapped[Optional[datetime.datetime]] = mapped_column(sa.DateTime)


class Membership(Base):
    __tablename__ = "memberships"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey(Organisation.id), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(20), server_default="member")


class Note(Base):
    @declared_attr.directive
    def __tablename__(cls) -> str:
        return "notes"

    id: Mapped[intpk]
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)


audit = sa.Table(
    "audit",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("actor_id", sa.Integer, sa.ForeignKey("people.id")),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("payload", sa.JSON),
    sa.Index("ix_audit_actor_action", "actor_id", "action"),
)
"""

POSTGRES = """\
import datetime
import uuid
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Device(Base):
    __tablename__ = "devices"
    __table_args__ = (
        sa.Index("ix_devices_tags", "tags", postgresql_using="gin"),
        sa.Index("ix_devices_live", "owner", postgresql_where=sa.text("retired_at IS NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(pg.UUID(as_uuid=True), primary_key=True, server_default=sa.func.gen_random_uuid())
    serial: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=True), unique=True)
    owner: Mapped[int]
    tags: Mapped[list[str]] = mapped_column(pg.ARRAY(sa.Text), server_default="{}")
    config: Mapped[dict] = mapped_column(pg.JSONB, server_default=sa.text("'{}'::jsonb"))
    address: Mapped[Optional[str]] = mapped_column(pg.INET)
    mac: Mapped[Optional[str]] = mapped_column(pg.MACADDR)
    uptime: Mapped[Optional[datetime.timedelta]] = mapped_column(sa.Interval)
    seen: Mapped[datetime.datetime] = mapped_column(pg.TIMESTAMP(timezone=True), server_default=sa.func.now())
    retired_at: Mapped[Optional[datetime.datetime]] = mapped_column(sa.DateTime(timezone=True))
    price: Mapped[Optional[float]] = mapped_column(pg.DOUBLE_PRECISION)
    grid: Mapped[Optional[list[list[int]]]] = mapped_column(pg.ARRAY(sa.Integer, dimensions=2))
    search: Mapped[Optional[str]] = mapped_column(pg.TSVECTOR)
    state: Mapped[str] = mapped_column(pg.ENUM("on", "off", name="device_state"), server_default="off")
"""

MARIADB = """\
import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Sensor(Base):
    __tablename__ = "sensors"
    __table_args__ = (sa.UniqueConstraint("site", "code"), {"mysql_engine": "InnoDB"})

    id: Mapped[int] = mapped_column(mysql.INTEGER(unsigned=True), primary_key=True)
    site: Mapped[int] = mapped_column(mysql.SMALLINT(unsigned=True))
    code: Mapped[str] = mapped_column(mysql.VARCHAR(20, charset="utf8mb4"))
    level: Mapped[int] = mapped_column(mysql.TINYINT, server_default=sa.text("3"))
    enabled: Mapped[bool] = mapped_column(mysql.TINYINT(1), server_default="1")
    notes: Mapped[Optional[str]] = mapped_column(mysql.MEDIUMTEXT)
    reading: Mapped[Optional[float]] = mapped_column(mysql.DOUBLE)
    ratio: Mapped[Optional[float]] = mapped_column(mysql.DECIMAL(8, 4))
    built: Mapped[Optional[int]] = mapped_column(mysql.YEAR)
    flags: Mapped[Optional[str]] = mapped_column(mysql.SET("a", "b", "c"))
    kind: Mapped[str] = mapped_column(mysql.ENUM("temp", "humidity"), server_default="temp")
    seen: Mapped[datetime.datetime] = mapped_column(mysql.DATETIME(fsp=6), server_default=sa.text("CURRENT_TIMESTAMP(6)"))
    blob: Mapped[Optional[bytes]] = mapped_column(mysql.LONGBLOB)
    parent_id: Mapped[Optional[int]] = mapped_column(mysql.INTEGER(unsigned=True), sa.ForeignKey("sensors.id"))
"""

QUOTE_FP = (
    "Alembic compares the model's unquoted text with the reflected quoted literal "
    "'we''re here' (Alembic issue 1177)"
)
BOOL_FP = "Alembic compares sa.true() with MariaDB's reflected '1' as text (Alembic issue 1777)"

SCENARIOS = (
    Scenario(
        "golden_rich_models",
        "A realistic models file (naming convention, mixin, Annotated, type map, enums, "
        "JSON, UUID, composite keys, self reference, declared_attr, an imperative table) "
        "made by create_all: nothing on any dialect, with every opt-in comparison on.",
        RICH,
        options=CompareOptions(unmapped_tables=True, check_constraints=True),
        oracle=(
            alembic_fp("server_default", "organisations", "motto", QUOTE_FP, "sqlite", "mysql"),
            alembic_fp("server_default", "organisations", "active", BOOL_FP, "mysql"),
        ),
        alembic_fails={
            "postgresql": (
                "Alembic's PostgreSQL default comparison pastes 'we're here' unescaped into "
                "a SELECT and fails (Alembic issue 1177)"
            )
        },
    ),
    Scenario(
        "golden_rich_models_default_options",
        "The same rich models with default options: nothing.",
        RICH.replace(', server_default="we\'re here"', ""),
        oracle=(alembic_fp("server_default", "organisations", "active", BOOL_FP, "mysql"),),
    ),
    Scenario(
        "type_variant_clean",
        "BigInteger().with_variant(Integer, 'sqlite'), the usual way to get an "
        "autoincrementing 64-bit key that SQLite can rowid: nothing on any dialect.",
        """\
import sqlalchemy as sa

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("name", sa.String(30), nullable=False),
)
""",
    ),
    Scenario(
        "golden_postgres_types",
        "PostgreSQL's own types: UUID with gen_random_uuid(), identity, text[] with '{}', "
        "JSONB with a cast default, INET, MACADDR, INTERVAL, DOUBLE PRECISION, a 2-d array, "
        "TSVECTOR, a native ENUM, a GIN index and a partial index: nothing.",
        POSTGRES,
        options=CompareOptions(unmapped_tables=True, check_constraints=True),
        skip_on={"sqlite": "PostgreSQL types", "mysql": "PostgreSQL types"},
    ),
    Scenario(
        "golden_mariadb_types",
        "MariaDB's own types: unsigned integers, charset VARCHAR, TINYINT and TINYINT(1), "
        "MEDIUMTEXT, DOUBLE, DECIMAL, YEAR, SET, ENUM, DATETIME(6) with "
        "CURRENT_TIMESTAMP(6), LONGBLOB, a self reference: nothing.",
        MARIADB,
        options=CompareOptions(unmapped_tables=True, check_constraints=True),
        skip_on={"sqlite": "MariaDB types", "postgresql": "MariaDB types"},
        oracle=(
            alembic_fp(
                "server_default",
                "sensors",
                "kind",
                "Alembic compares the model's 'temp' with MariaDB's reflected quoted "
                "'temp' as text on an ENUM column",
                "mysql",
            ),
        ),
    ),
)
