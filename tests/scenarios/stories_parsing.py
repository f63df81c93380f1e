# ruff: noqa: E501  (model source lines are kept as users write them)
"""Every parsing construct of issue 3, each proved twice: a database made from the models is
clean, and a difference is found at the line that declares it (often inside a mixin, a base
or a type alias rather than the class)."""

from __future__ import annotations

from .scenario import Expect, Scenario, changed, orm, then

MIXINS = orm(
    """
    class AuditMixin:
        created_by: Mapped[str] = mapped_column(sa.String(40))  # [created_by]
        revision: Mapped[int] = mapped_column(server_default=sa.text("1"))


    class Document(AuditMixin, Base):
        __tablename__ = "documents"

        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(sa.String(100))


    class Folder(AuditMixin, Base):
        __tablename__ = "folders"

        id: Mapped[int] = mapped_column(primary_key=True)
    """
)

ABSTRACT = orm(
    """
    class Model(Base):
        __abstract__ = True

        id: Mapped[int] = mapped_column(primary_key=True)
        slug: Mapped[str] = mapped_column(sa.String(60), unique=True)  # [slug]


    class Page(Model):
        __tablename__ = "pages"

        body: Mapped[Optional[str]] = mapped_column(sa.Text)


    class Tag(Model):
        __tablename__ = "tags"
    """
)

SINGLE_TABLE = orm(
    """
    class Employee(Base):
        __tablename__ = "employees"

        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[str] = mapped_column(sa.String(20))
        name: Mapped[str] = mapped_column(sa.String(50))

        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "employee"}


    class Manager(Employee):
        budget: Mapped[Optional[int]]  # [budget]

        __mapper_args__ = {"polymorphic_identity": "manager"}
    """
)

JOINED = orm(
    """
    class Employee(Base):
        __tablename__ = "employees"

        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[str] = mapped_column(sa.String(20))

        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "employee"}


    class Engineer(Employee):
        __tablename__ = "engineers"

        id: Mapped[int] = mapped_column(sa.ForeignKey("employees.id"), primary_key=True)
        language: Mapped[str] = mapped_column(sa.String(30))  # [language]

        __mapper_args__ = {"polymorphic_identity": "engineer"}
    """
)

DECLARED_ATTR = orm(
    """
    from sqlalchemy.orm import declared_attr


    class Owner(Base):
        __tablename__ = "owners"

        id: Mapped[int] = mapped_column(primary_key=True)


    class OwnedMixin:
        @declared_attr.directive
        def __tablename__(cls) -> str:
            return cls.__name__.lower()

        @declared_attr
        def owner_id(cls) -> Mapped[int]:
            return mapped_column(sa.ForeignKey("owners.id"))  # [owner]


    class Car(OwnedMixin, Base):
        id: Mapped[int] = mapped_column(primary_key=True)
        plate: Mapped[str] = mapped_column(sa.String(12))
    """
)

ALIASES = """\
from sqlalchemy import Column as C, ForeignKey as FK, Integer as I, String as S
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Country(Base):
    __tablename__ = "countries"

    id = C(I, primary_key=True)
    name = C(S(60), nullable=False)  # [name]


class City(Base):
    __tablename__ = "cities"

    id = C(I, primary_key=True)
    country_id = C(I, FK("countries.id"), nullable=False)  # [country]
"""

ANNOTATED = """\
from typing import Annotated, Optional

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

intpk = Annotated[int, mapped_column(primary_key=True)]
str50 = Annotated[str, mapped_column(sa.String(50))]
required_name = Annotated[str, mapped_column(sa.String(80), nullable=False)]


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[intpk]
    first: Mapped[str50]  # [first]
    last: Mapped[Optional[str50]]  # [last]
    company: Mapped[required_name]
"""

TYPE_MAP = """\
import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {str: sa.String(30), datetime.datetime: sa.DateTime(timezone=True)}


class Visit(Base):
    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor: Mapped[str]  # [visitor]
    note: Mapped[Optional[str]]
    at: Mapped[datetime.datetime]  # [at]
"""

OPTIONALS = orm(
    """
    class Profile(Base):
        __tablename__ = "profiles"

        id: Mapped[int] = mapped_column(primary_key=True)
        bio: Mapped[str | None] = mapped_column(sa.Text)  # [bio]
        age: Mapped[Optional[int]]  # [age]
        handle: Mapped[str] = mapped_column(sa.String(30))
    """
)

IMPERATIVE = """\
import sqlalchemy as sa

metadata = sa.MetaData()

orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("reference", sa.String(32), nullable=False, unique=True),  # [reference]
    sa.Column("total", sa.Numeric(12, 2)),  # [total]
    sa.Index("ix_orders_total", "total"),  # [ix_total]
)
"""

LEGACY = """\
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Group(Base):
    __tablename__ = "groups"

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False, index=True)  # [name]


class Member(Base):
    __tablename__ = "members"

    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=False)  # [group]
    active = Column(Boolean, nullable=False)
    joined = Column(DateTime)  # [joined]
"""

SQLMODEL = """\
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel, String


class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, index=True)  # [name]


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(60), nullable=False, unique=True))  # [hero_name]
    secret: str = Field(sa_type=sa.Text)  # [secret]
    age: Optional[int] = Field(default=None)  # [age]
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")  # [team]
"""

RENAMED = orm(
    """
    class Login(Base):
        __tablename__ = "logins"

        id: Mapped[int] = mapped_column(primary_key=True)
        email_address: Mapped[str] = mapped_column("email", sa.String(80))  # [email]
    """
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("mixin_clean", "Columns inherited from a plain mixin by two models.", MIXINS),
    Scenario(
        "mixin_column_differs",
        "The mixin's created_by is String(40); both tables have VARCHAR(60): two differences, "
        "both at the mixin's line.",
        MIXINS,
        expect=(
            Expect("SL120", "documents", "created_by", "created_by"),
            Expect("SL120", "folders", "created_by", "created_by"),
        ),
        database=changed(("sa.String(40)", "sa.String(60)")),
    ),
    Scenario("abstract_base_clean", "An __abstract__ base gives id and slug.", ABSTRACT),
    Scenario(
        "abstract_base_unique_missing",
        "The abstract base's unique slug is missing in both tables: found at the base.",
        ABSTRACT,
        expect=(
            Expect("SL170", "pages", None, "slug"),
            Expect("SL170", "tags", None, "slug"),
        ),
        database=changed(("sa.String(60), unique=True)", "sa.String(60))")),
    ),
    Scenario("single_table_inheritance_clean", "Manager adds budget to employees.", SINGLE_TABLE),
    Scenario(
        "single_table_inheritance_column_missing",
        "The subclass's budget column is not in employees: found at the subclass.",
        SINGLE_TABLE,
        expect=(Expect("SL110", "employees", "budget", "budget"),),
        database=then(all=("ALTER TABLE employees DROP COLUMN budget",)),
    ),
    Scenario("joined_inheritance_clean", "Engineer has its own table joined by key.", JOINED),
    Scenario(
        "joined_inheritance_type_differs",
        "engineers.language is String(30) in the model, VARCHAR(10) in the database.",
        JOINED,
        expect=(Expect("SL120", "engineers", "language", "language"),),
        database=changed(("sa.String(30)", "sa.String(10)")),
    ),
    Scenario(
        "declared_attr_clean",
        "declared_attr for __tablename__ and for a foreign key column.",
        DECLARED_ATTR,
    ),
    Scenario(
        "declared_attr_foreign_key_missing",
        "The foreign key made in a declared_attr is missing in the database.",
        DECLARED_ATTR,
        expect=(Expect("SL180", "car", None, "owner"),),
        database=changed(
            ('return mapped_column(sa.ForeignKey("owners.id"))', "return mapped_column(sa.Integer)")
        ),
    ),
    Scenario(
        "import_aliases_clean",
        "from sqlalchemy import Column as C, String as S, ...: all resolved.",
        ALIASES,
    ),
    Scenario(
        "import_aliases_differences",
        "Through the aliases: S(60) vs VARCHAR(90), and the FK written as FK(...) missing.",
        ALIASES,
        expect=(
            Expect("SL120", "countries", "name", "name"),
            Expect("SL180", "cities", None, "country"),
        ),
        database=changed(
            ("S(60)", "S(90)"), ('C(I, FK("countries.id"), nullable=False)', "C(I, nullable=False)")
        ),
    ),
    Scenario("annotated_aliases_clean", "Annotated type aliases for key and strings.", ANNOTATED),
    Scenario(
        "annotated_alias_differs",
        "str50 is String(50) but the database columns are VARCHAR(70): found on each "
        "column that uses the alias (where the user looks), not on the alias.",
        ANNOTATED,
        expect=(
            Expect("SL120", "customers", "first", "first"),
            Expect("SL120", "customers", "last", "last"),
        ),
        database=changed(("sa.String(50)", "sa.String(70)")),
    ),
    Scenario(
        "type_annotation_map_clean",
        "The base's type_annotation_map: str -> String(30), datetime -> timezone-aware.",
        TYPE_MAP,
    ),
    Scenario(
        "type_annotation_map_differs",
        "Mapped[str] means String(30) through the map; the database has VARCHAR(40). On "
        "PostgreSQL the map's timezone also differs from a plain timestamp.",
        TYPE_MAP,
        expect=(
            Expect("SL120", "visits", "visitor", "visitor"),
            Expect("SL120", "visits", "note", 17),
        ),
        expect_on={
            "postgresql": (
                Expect("SL120", "visits", "visitor", "visitor"),
                Expect("SL120", "visits", "note", 17),
                Expect("SL120", "visits", "at", "at"),
            )
        },
        database=changed(
            (
                "str: sa.String(30), datetime.datetime: sa.DateTime(timezone=True)",
                "str: sa.String(40), datetime.datetime: sa.DateTime()",
            )
        ),
    ),
    Scenario("optional_and_union_none_clean", "str | None and Optional[int].", OPTIONALS),
    Scenario(
        "optional_and_union_none_differs",
        "str | None and Optional[int] say nullable; the database says NOT NULL.",
        OPTIONALS,
        expect=(
            Expect("SL130", "profiles", "bio", "bio"),
            Expect("SL130", "profiles", "age", "age"),
        ),
        database=changed(
            ("Mapped[str | None]", "Mapped[str]"), ("Mapped[Optional[int]]", "Mapped[int]")
        ),
    ),
    Scenario("imperative_table_clean", "An imperative Table(...) with an index.", IMPERATIVE),
    Scenario(
        "imperative_table_differs",
        "The imperative table: Numeric(12, 2) vs (14, 2), and its index missing.",
        IMPERATIVE,
        expect=(
            Expect("SL120", "orders", "total", "total"),
            Expect("SL160", "orders", "ix_orders_total", "ix_total"),
        ),
        database=changed(
            ("sa.Numeric(12, 2)", "sa.Numeric(14, 2)"),
            ('    sa.Index("ix_orders_total", "total"),  # [ix_total]\n', ""),
        ),
    ),
    Scenario("legacy_column_clean", "declarative_base() and Column(...) attributes.", LEGACY),
    Scenario(
        "legacy_column_differs",
        "Legacy Column models: the group name index is missing and joined became NOT NULL.",
        LEGACY,
        expect=(
            Expect("SL160", "groups", "ix_groups_name", "name"),
            Expect("SL130", "members", "joined", "joined"),
        ),
        database=changed(
            ("nullable=False, index=True)", "nullable=False)"),
            ("Column(DateTime)", "Column(DateTime, nullable=False)"),
        ),
    ),
    Scenario(
        "column_name_differs_from_attribute_clean",
        "mapped_column('email', ...) on the attribute email_address: the column is email.",
        RENAMED,
    ),
    Scenario(
        "column_name_differs_from_attribute_type",
        "The renamed column's type differs: reported under its column name.",
        RENAMED,
        expect=(Expect("SL120", "logins", "email", "email"),),
        database=changed(("sa.String(80)", "sa.String(20)")),
    ),
    Scenario(
        "sqlmodel_clean",
        "SQLModel table=True classes with Field(max_length, index, foreign_key), sa_column= "
        "and sa_type=.",
        SQLMODEL,
        needs=("sqlmodel",),
    ),
    Scenario(
        "sqlmodel_differences",
        "SQLModel: the team name index is missing, sa_column's String(60) is VARCHAR(90) in "
        "the database, and the Optional age is NOT NULL there.",
        SQLMODEL,
        expect=(
            Expect("SL160", "team", "ix_team_name", "name"),
            Expect("SL120", "hero", "name", "hero_name"),
            Expect("SL130", "hero", "age", "age"),
        ),
        database=changed(
            ("Field(max_length=40, index=True)", "Field(max_length=40)"),
            ("String(60)", "String(90)"),
            ("age: Optional[int] = Field(default=None)", "age: int = Field(default=None)"),
        ),
        needs=("sqlmodel",),
    ),
)

SCENARIOS += (
    Scenario(
        "base_declared_tablename_clean",
        "The base names every table with a declared_attr __tablename__ (class name, lower case).",
        """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


class Base(DeclarativeBase):
    @declared_attr.directive
    def __tablename__(cls) -> str:
        return cls.__name__.lower()

    id: Mapped[int] = mapped_column(primary_key=True)


class Invoice(Base):
    total: Mapped[int]  # [total]


class Receipt(Base):
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoice.id"))
""",
    ),
    Scenario(
        "declarative_base_cls_mixin_differs",
        "declarative_base(cls=IdMixin): every model gets the mixin's id and created_by; "
        "created_by is VARCHAR(10) in the database.",
        """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base, declared_attr


class IdMixin:
    @declared_attr
    def __tablename__(cls):
        return cls.__name__.lower() + "s"

    id = Column(Integer, primary_key=True)
    created_by = Column(String(30), nullable=False)  # [created_by]


Base = declarative_base(cls=IdMixin)


class Ticket(Base):
    title = Column(String(80))
""",
        expect=(Expect("SL120", "tickets", "created_by", "created_by"),),
        database=changed(("String(30)", "String(10)")),
    ),
)
