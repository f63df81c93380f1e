# ruff: noqa: E501  (model source lines are kept as users write them)
"""Issue 10, points 5 and 8: SQL the project compiles itself with ``@compiles``. A function
of its own (``utcnow``) or SQLAlchemy's ``now`` rendered per dialect as a server default, and
``DateTime`` (or a project type) rendered as another type on one dialect: the database holds
what the override renders (``create_all`` runs it), and the model is compared with that,
read statically from the override's body."""

from __future__ import annotations

from .scenario import Expect, Scenario, alembic_miss, changed
from .stories_sqltext import ALEMBIC_NO_COMPUTED

SQL_FUNCTIONS = """\
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import expression, functions
from sqlalchemy.types import TypeDecorator

MICROSECONDS = 6


class utcnow(expression.FunctionElement):
    type = sa.DateTime()
    inherit_cache = True


@compiles(utcnow, "postgresql")
def pg_utcnow(element, compiler, **kw):
    return "TIMEZONE('utc', CURRENT_TIMESTAMP)"


@compiles(utcnow, "sqlite")
def sqlite_utcnow(element, compiler, **kw):
    return "CURRENT_TIMESTAMP"


@compiles(utcnow, "mysql")
def mysql_utcnow(element, compiler, **kw):
    return f"UTC_TIMESTAMP({MICROSECONDS})"


class Stamp(TypeDecorator):
    impl = sa.DateTime
    cache_ok = True


@compiles(Stamp, "postgresql")
def pg_stamp(type_, compiler, **kw):
    return "TIMESTAMP(" + str(MICROSECONDS) + ") WITH TIME ZONE"
"""

DATETIME_COMPAT = """\
from sqlalchemy import DateTime
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import functions


@compiles(DateTime, "mysql")
def mysql_datetime(type_, compiler, **kw):
    return "DATETIME(6)"  # [mysql_datetime]


@compiles(functions.now, "mysql")
def mysql_now(element, compiler, **kw):
    return "CURRENT_TIMESTAMP(6)"
"""

EVENTS = """\
import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import app.compat  # noqa: F401  (registers the MySQL compilations)
from app.sqlfunctions import Stamp, utcnow


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created: Mapped[datetime.datetime] = mapped_column(server_default=utcnow())  # [created]
    seen = mapped_column(sa.DateTime, server_default=sa.func.now())  # [seen]
    stamped = mapped_column(Stamp, nullable=True)  # [stamped]
"""

FILES = {"app/sqlfunctions.py": SQL_FUNCTIONS, "app/compat.py": DATETIME_COMPAT}

SAME_FILE = """\
import datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.functions import now


@compiles(now, "sqlite", "mysql")
def precise_now(element, compiler, **kw):
    if compiler.dialect.name == "mysql":
        return "CURRENT_TIMESTAMP(6)"
    return "CURRENT_TIMESTAMP"


@compiles(sa.DateTime, "mysql")
def mysql_datetime(type_, compiler, **kw):
    return "DATETIME(6)"


class Base(DeclarativeBase):
    pass


class Visit(Base):
    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(server_default=sa.func.now())  # [at]
    left: Mapped[datetime.datetime | None]  # [left]
"""

UNREADABLE = """\
import datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import expression


class utcnow(expression.FunctionElement):
    type = sa.DateTime()
    inherit_cache = True


@compiles(utcnow)
def any_utcnow(element, compiler, **kw):
    return compiler.process(sa.func.current_timestamp(), **kw)


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    queued: Mapped[datetime.datetime] = mapped_column(server_default=utcnow())  # [queued]
    name: Mapped[str] = mapped_column(sa.String(30))  # [name]
"""

GENERATED = """\
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql import expression


class code_key(expression.FunctionElement):
    type = sa.String()
    inherit_cache = True


@compiles(code_key)
def any_code_key(element, compiler, **kw):
    return "upper(code)"


@compiles(code_key, "mysql")
def mysql_code_key(element, compiler, **kw):
    return "ucase(code)"


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    key: Mapped[str | None] = mapped_column(sa.String(20), sa.Computed(code_key(), persisted=True))  # [key]
"""

VARIANT_OF_OWN = """\
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class JSONB(JSON):
    __visit_name__ = "JSONB"


@compiles(JSONB, "sqlite")
def _(*args: Any, **kwargs: Any) -> str:
    return "JSONB"


JSON_ = JSON().with_variant(postgresql.JSONB(), "postgresql").with_variant(JSONB(), "sqlite")


class JsonDict(TypeDecorator[dict[str, Any]]):
    cache_ok = True
    impl = JSON_


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JsonDict}


class Setting(Base):
    __tablename__ = "setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JsonDict, nullable=False)  # [value]
    extra: Mapped[dict[str, Any]]  # [extra]
    raw = mapped_column(JSON_)  # [raw]
    name: Mapped[str] = mapped_column(sa.String(30))  # [name]
"""

SCENARIOS = (
    Scenario(
        "compiles_elsewhere_clean",
        "A function of the project's own (utcnow) compiled per dialect, func.now() and "
        "DateTime compiled for MySQL (DATETIME(6)) by a module the models import only for "
        "that, and a TypeDecorator compiled for PostgreSQL; none of these modules is given: "
        "each default and type is compared with what the override renders there, nothing "
        "to report.",
        EVENTS,
        files=FILES,
        files_given=False,
    ),
    Scenario(
        "compiles_elsewhere_drift",
        "The database's default of created is a literal, and its DateTime columns are "
        "DATETIME(3) on MySQL: found at the columns.",
        EVENTS,
        files=FILES,
        files_given=False,
        database=changed(
            ("server_default=utcnow())", "server_default=sa.text(\"'2000-01-01 00:00:00'\"))"),
            ('return "DATETIME(6)"', 'return "DATETIME(3)"'),
        ),
        expect=(Expect("SL150", "event", "created", "created"),),
        expect_on={
            "mysql": (
                Expect("SL150", "event", "created", "created"),
                # MariaDB keeps CURRENT_TIMESTAMP(6) as the column's precision, (3)
                Expect("SL150", "event", "seen", "seen"),
                Expect("SL120", "event", "created", "created"),
                Expect("SL120", "event", "seen", "seen"),
                Expect("SL120", "event", "stamped", "stamped"),
            ),
        },
    ),
    Scenario(
        "compiles_same_file_clean",
        "func.now() compiled for SQLite and MySQL by one function (an if on the compiler's "
        "dialect) and DateTime (also through Mapped[datetime]) for MySQL, in the models "
        "file: nothing.",
        SAME_FILE,
    ),
    Scenario(
        "compiles_generated_clean",
        "A generated column whose expression is a function of the project's own, compiled "
        "one way on MySQL and another elsewhere: compared as each database made it.",
        GENERATED,
    ),
    Scenario(
        "compiles_generated_drift",
        "The database was made when the function compiled to lower(code) outside MySQL: "
        "SL151 there.",
        GENERATED,
        database=changed(('return "upper(code)"', 'return "lower(code)"')),
        expect=(Expect("SL151", "product", "key", "key"),),
        expect_on={"mysql": ()},
        oracle=(
            alembic_miss("computed", "product", "key", ALEMBIC_NO_COMPUTED, "sqlite", "postgresql"),
        ),
    ),
    Scenario(
        "compiles_unreadable",
        "utcnow is compiled by compiler.process(...), which cannot be read without running "
        "it: the default is not compared (one note), nothing is claimed; the other columns "
        "still are.",
        UNREADABLE,
        database=changed(("sa.String(30))  # [name]", "sa.String(40))  # [name]")),
        expect=(
            Expect("SL001", "job", "queued", "queued"),
            Expect("SL120", "job", "name", "name"),
        ),
    ),
    Scenario(
        "compiles_variant_of_own_type_clean",
        "A with_variant chain whose SQLite variant is a JSON subclass of the project's own, "
        "compiled as JSONB there, used bare, as a TypeDecorator's impl and through the "
        "type_annotation_map: each column is compared as each database made it, no note.",
        VARIANT_OF_OWN,
    ),
    Scenario(
        "compiles_variant_of_own_type_drift",
        "The database was made with Text where the models say JsonDict: SL120 at the "
        "columns on every dialect.",
        VARIANT_OF_OWN,
        database=changed(
            ("mapped_column(JsonDict, nullable=False)", "mapped_column(sa.Text, nullable=False)"),
            ("raw = mapped_column(JSON_)", "raw = mapped_column(sa.Text)"),
        ),
        expect=(
            Expect("SL120", "setting", "value", "value"),
            Expect("SL120", "setting", "raw", "raw"),
        ),
    ),
)
