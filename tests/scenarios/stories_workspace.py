# ruff: noqa: E501  (model source lines are kept as users write them)
"""Bases, mixins, enums and type aliases defined in other files of the workspace, and other
shapes real projects have (registries, keyword and mixed-case names, Alembic's own table,
views)."""

from __future__ import annotations

from schema_lsp.diff import CompareOptions

from .scenario import Expect, Scenario, alembic_miss, changed, orm, then

SHARED = {
    "app/db/base.py": """\
        import enum
        from typing import Annotated

        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        str50 = Annotated[str, mapped_column(sa.String(50))]


        class Base(DeclarativeBase):
            pass


        class Color(enum.Enum):
            red = "red"
            green = "green"
            blue = "blue"
            magenta = "magenta"


        class AuditMixin:
            changed_by: Mapped[str] = mapped_column(sa.String(40))  # [changed_by]
        """,
}

USES_SHARED = """\
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import AuditMixin, Base, Color, str50


class Paint(AuditMixin, Base):
    __tablename__ = "paints"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str50]  # [name]
    color: Mapped[Color] = mapped_column(sa.Enum(Color, name="color"))  # [color]


class Brush(AuditMixin, Base):
    __tablename__ = "brushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[Optional[int]]
"""

SCENARIOS = (
    Scenario(
        "workspace_shared_base_clean",
        "Base, a mixin, an enum and an Annotated alias live in app/db/base.py; the models "
        "import them: a database from the same code is clean.",
        USES_SHARED,
        files=SHARED,
    ),
    Scenario(
        "workspace_mixin_in_other_file_differs",
        "The shared mixin's changed_by is String(40), both tables have VARCHAR(60): found "
        "at the mixin's line in app/db/base.py.",
        USES_SHARED,
        files=SHARED,
        expect=(
            Expect("SL120", "paints", "changed_by", "changed_by"),
            Expect("SL120", "brushes", "changed_by", "changed_by"),
        ),
        database=changed(("sa.String(40)", "sa.String(60)")),
    ),
    Scenario(
        "workspace_enum_in_other_file_differs",
        "The shared enum gained magenta; the database's enum has three values (on SQLite "
        "the VARCHAR grew from 5 to 7).",
        USES_SHARED,
        files=SHARED,
        expect=(Expect("SL120", "paints", "color", "color"),),
        database=changed(('    magenta = "magenta"\n', "")),
        oracle=(
            alembic_miss(
                "type",
                "paints",
                "color",
                "Alembic core does not compare PostgreSQL enum values (Hyperion issue 403)",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "workspace_alias_in_other_file_differs",
        "The shared str50 alias is String(50), the column VARCHAR(20): found on the column.",
        USES_SHARED,
        files=SHARED,
        expect=(Expect("SL120", "paints", "name", "name"),),
        database=changed(("mapped_column(sa.String(50))", "mapped_column(sa.String(20))")),
    ),
    Scenario(
        "registry_mapped_clean",
        "Classes mapped with @mapper_registry.mapped and a registry-made base.",
        """\
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, registry

mapper_registry = registry()


@mapper_registry.mapped
class Coupon:
    __tablename__ = "coupons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)  # [code]
""",
    ),
    Scenario(
        "registry_mapped_differs",
        "The registry-mapped class's code is VARCHAR(8) in the database.",
        """\
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, registry

mapper_registry = registry()


@mapper_registry.mapped
class Coupon:
    __tablename__ = "coupons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)  # [code]
""",
        expect=(Expect("SL120", "coupons", "code", "code"),),
        database=changed(("sa.String(16)", "sa.String(8)")),
    ),
    Scenario(
        "keyword_names_clean",
        "Tables and columns named like SQL keywords (order, user, group, select): quoting "
        "is the databases' business, nothing to report.",
        orm(
            """
            class User(Base):
                __tablename__ = "user"

                id: Mapped[int] = mapped_column(primary_key=True)
                select: Mapped[str] = mapped_column(sa.String(10), index=True)


            class Order(Base):
                __tablename__ = "order"

                id: Mapped[int] = mapped_column(primary_key=True)
                user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
                group: Mapped[Optional[str]] = mapped_column("group", sa.String(10))
            """
        ),
    ),
    Scenario(
        "mixed_case_names_clean",
        "A table UserAccounts with a column FirstName (quoted on PostgreSQL).",
        orm(
            """
            class UserAccount(Base):
                __tablename__ = "UserAccounts"
                __table_args__ = (sa.Index("ix_UserAccounts_FirstName", "FirstName"),)

                id: Mapped[int] = mapped_column("ID", primary_key=True)
                first_name: Mapped[str] = mapped_column("FirstName", sa.String(40))
            """
        ),
    ),
    Scenario(
        "column_order_differs_clean",
        "The database's columns are in another order than the model's: never a difference.",
        orm(
            """
            class Point(Base):
                __tablename__ = "points"

                id: Mapped[int] = mapped_column(primary_key=True)
                x: Mapped[int]
                y: Mapped[int]
            """
        ),
        database=changed(
            ("    x: Mapped[int]\n    y: Mapped[int]", "    y: Mapped[int]\n    x: Mapped[int]")
        ),
    ),
    Scenario(
        "alembic_version_table_on_request",
        "A project migrated by Alembic has alembic_version; asked for tables without "
        "entities, it is not listed: it is Alembic's own, as Alembic itself treats it.",
        orm(
            """
            class Point(Base):
                __tablename__ = "points"

                id: Mapped[int] = mapped_column(primary_key=True)
            """
        ),
        database=then(
            all=("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",)
        ),
        options=CompareOptions(unmapped_tables=True),
    ),
    Scenario(
        "views_not_unmapped_tables",
        "A view in the database is not 'a table without an entity'.",
        orm(
            """
            class Point(Base):
                __tablename__ = "points"

                id: Mapped[int] = mapped_column(primary_key=True)
                x: Mapped[int]
            """
        ),
        database=then(all=("CREATE VIEW positive_points AS SELECT id, x FROM points WHERE x > 0",)),
        options=CompareOptions(unmapped_tables=True),
    ),
    Scenario(
        "mysql_on_update_timestamp_clean",
        "MariaDB's DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP written as "
        "the usual server_default text: nothing.",
        """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    touched = mapped_column(sa.DateTime, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"))
""",
        skip_on={"sqlite": "MariaDB's ON UPDATE", "postgresql": "MariaDB's ON UPDATE"},
    ),
    Scenario(
        "postgres_enum_reordered_is_info",
        "The PostgreSQL enum has the same values in another order: not an error (user-asks: "
        "order-only is info).",
        orm(
            """
            class Light(Base):
                __tablename__ = "lights"

                id: Mapped[int] = mapped_column(primary_key=True)
                state: Mapped[str] = mapped_column(sa.Enum("red", "amber", "green", name="light_state"))  # [state]
            """
        ),
        expect=(Expect("SL120", "lights", "state", "state", severity="info"),),
        database=changed(('"red", "amber", "green"', '"green", "amber", "red"')),
        skip_on={
            "sqlite": "PostgreSQL enum order",
            "mysql": "a MariaDB ENUM's order is its sort order: a real difference",
        },
        oracle=(
            alembic_miss(
                "type",
                "lights",
                "state",
                "Alembic core does not compare PostgreSQL enum values (Hyperion issue 403)",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "sqlite_affinity_difference_is_info",
        "On SQLite, Integer vs BIGINT is only a declared-name difference: reported at info.",
        orm(
            """
            class Counter(Base):
                __tablename__ = "counters"

                id: Mapped[int] = mapped_column(primary_key=True)
                hits: Mapped[int] = mapped_column(sa.Integer)  # [hits]
            """
        ),
        expect=(Expect("SL120", "counters", "hits", "hits", severity="info"),),
        expect_on={
            "postgresql": (Expect("SL120", "counters", "hits", "hits", severity="error"),),
            "mysql": (Expect("SL120", "counters", "hits", "hits", severity="error"),),
        },
        database=changed(("mapped_column(sa.Integer)", "mapped_column(sa.BigInteger)")),
    ),
    Scenario(
        "time_with_timezone_differs",
        "Time(timezone=True) in the model, time without time zone in the database (PostgreSQL).",
        orm(
            """
            class Shift(Base):
                __tablename__ = "shifts"

                id: Mapped[int] = mapped_column(primary_key=True)
                starts = mapped_column(sa.Time(timezone=True), nullable=False)  # [starts]
            """
        ),
        expect=(Expect("SL120", "shifts", "starts", "starts"),),
        database=changed(("sa.Time(timezone=True)", "sa.Time()")),
        skip_on={"sqlite": "no zone-aware time", "mysql": "no zone-aware time"},
    ),
)
