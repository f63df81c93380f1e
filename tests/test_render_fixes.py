"""Model edits for indexes, constraints, foreign keys, checks, comments and autoincrement,
on declarative 2.0 classes, legacy ``Column`` classes, imperative ``Table(...)`` and SQLModel.

Each case is a user's story: a models file, and a database (built here from SQLAlchemy
tables, the test's own oracle) that has drifted from it. On SQLite, PostgreSQL and MariaDB
the real ``compare`` finds the drift, the quick fix "update the model to match the database"
is applied one edit at a time (lines it does not touch stay byte-identical, the file still
compiles), the workspace index re-parses the file, and ``compare`` then finds nothing at all.
Every story of the scenario suite (tests/scenarios) is fixed the same way, on every database.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from schema_lsp.diff import KINDS, CompareOptions, SchemaDifference, compare
from schema_lsp.entities import WorkspaceIndex, parse_entities
from schema_lsp.introspect import introspect_database
from schema_lsp.render.fixes import FIXABLE_KINDS, ModelEdit, model_edit
from schema_lsp.render.migration import migration_dialect
from schema_lsp.schema import ColumnSchema, TypeSpec
from schema_lsp.text import SourceRange, TextEdit, apply_edits
from tests.conftest import SCENARIO_FIXTURES
from tests.scenarios.catalog import SCENARIOS
from tests.scenarios.runner import database_for, run
from tests.scenarios.scenario import ALL, APP
from tests.support.drift import MODEL_EDIT_KINDS, MODELS, dialect_of, differences, drifted_metadata

#: The kinds a model edit fixes; tables get "Generate entity class" instead, and primary
#: keys, names and notes are left to a human.
COVERED = {name for name, kind in KINDS.items() if kind.facts.model_fix}
CHECKS = CompareOptions(check_constraints=True)
COMMENTS = CompareOptions(comments=True)
SERVERS = ("postgresql", "mysql")  # the databases that keep comments


@dataclass(frozen=True)
class Case:
    """A models file, the database it drifted from (``metadata`` of SQLAlchemy tables),
    the kinds the drift shows, and lines the fixed file must contain."""

    id: str
    models: str
    database: str
    kinds: frozenset[str]
    contains: tuple[str, ...] = ()
    options: CompareOptions = field(default_factory=CompareOptions)
    dialects: tuple[str, ...] = ("sqlite", "postgresql", "mysql")
    #: other files of the workspace: (name, text)
    files: tuple[tuple[str, str], ...] = ()
    #: kinds a dialect shows instead (MariaDB reports a unique index as a constraint)
    kinds_on: tuple[tuple[str, frozenset[str]], ...] = ()


DECLARATIVE = """\
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass

"""
DATABASE = """\
import sqlalchemy as sa

metadata = sa.MetaData()
"""
USERS = """
sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(50), nullable=False),
    sa.Column("name", sa.String(40), nullable=False),
    *ITEMS
)
"""


def users(*items: str) -> str:
    """The database's ``users`` table with extra items (indexes, constraints)."""
    return DATABASE + USERS.replace("*ITEMS", "".join(f"{item}, " for item in items))


USER_CLASS = """
class User(Base):
    __tablename__ = "users"
TABLE_ARGS
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(50)EMAIL)
    name: Mapped[str] = mapped_column(String(40))
"""


def user_class(table_args: str = "", email: str = "") -> str:
    text = USER_CLASS.replace("TABLE_ARGS\n", table_args + "\n").replace("EMAIL", email)
    return DECLARATIVE + text


PARENTS = """
sa.Table("parents", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("others", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table(
    "pairs",
    metadata,
    sa.Column("a", sa.Integer, primary_key=True),
    sa.Column("b", sa.Integer, primary_key=True),
)
"""
MODEL_PARENTS = """
class Parent(Base):
    __tablename__ = "parents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Other(Base):
    __tablename__ = "others"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Pair(Base):
    __tablename__ = "pairs"

    a: Mapped[int] = mapped_column(Integer, primary_key=True)
    b: Mapped[int] = mapped_column(Integer, primary_key=True)
"""


def children(*items: str) -> str:
    return (
        DATABASE
        + PARENTS
        + """
sa.Table(
    "children",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("parent_id", sa.Integer, nullable=False),
    sa.Column("a", sa.Integer, nullable=False),
    sa.Column("b", sa.Integer, nullable=False),
    *ITEMS
)
""".replace("*ITEMS", "".join(f"{item}, " for item in items))
    )


def child_class(parent_id: str = "mapped_column(Integer)", table_args: str = "") -> str:
    return (
        DECLARATIVE
        + MODEL_PARENTS
        + f"""

class Child(Base):
    __tablename__ = "children"
{table_args}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int] = {parent_id}
    a: Mapped[int] = mapped_column(Integer)
    b: Mapped[int] = mapped_column(Integer)
"""
    )


DECLARATIVE_CASES = [
    Case(
        "index_unmapped as index=True",
        user_class(),
        users('sa.Index("ix_users_email", "email")'),
        frozenset({"index_unmapped"}),
        ("    email: Mapped[str] = mapped_column(String(50), index=True)",),
    ),
    Case(
        "unique index_unmapped as index=True, unique=True",
        user_class(),
        users('sa.Index("ix_users_email", "email", unique=True)'),
        frozenset({"index_unmapped"}),
        ("    email: Mapped[str] = mapped_column(String(50), index=True, unique=True)",),
        kinds_on=(("mysql", frozenset({"unique_unmapped"})),),
    ),
    Case(
        "index_unmapped creates __table_args__",
        user_class(),
        users('sa.Index("users_by_name", "name", "email")'),
        frozenset({"index_unmapped"}),
        (
            '    __tablename__ = "users"',
            '    __table_args__ = (Index("users_by_name", "name", "email"),)',
        ),
    ),
    Case(
        "index_unmapped joins a one-line tuple",
        user_class('    __table_args__ = (UniqueConstraint("name", name="uq_users_name"),)\n'),
        users(
            'sa.UniqueConstraint("name", name="uq_users_name")',
            'sa.Index("users_by_name", "name", "email")',
        ),
        frozenset({"index_unmapped"}),
        (
            "    __table_args__ = (\n"
            '        UniqueConstraint("name", name="uq_users_name"),\n'
            '        Index("users_by_name", "name", "email"),\n'
            "    )\n",
        ),
    ),
    Case(
        "index_unmapped goes before the options dict of a broken tuple",
        user_class(
            "    __table_args__ = (\n"
            '        UniqueConstraint("name", name="uq_users_name"),\n'
            '        {"info": {"owner": "team"}},\n'
            "    )\n"
        ),
        users(
            'sa.UniqueConstraint("name", name="uq_users_name")',
            'sa.Index("users_by_name", "name", "email")',
        ),
        frozenset({"index_unmapped"}),
        (
            '        UniqueConstraint("name", name="uq_users_name"),\n'
            '        Index("users_by_name", "name", "email"),\n'
            '        {"info": {"owner": "team"}},\n',
        ),
    ),
    Case(
        "index_unmapped turns the dict form into a tuple",
        user_class('    __table_args__ = {"info": {"owner": "team"}}\n'),
        users('sa.Index("users_by_name", "name", "email")'),
        frozenset({"index_unmapped"}),
        (
            "    __table_args__ = (\n"
            '        Index("users_by_name", "name", "email"),\n'
            '        {"info": {"owner": "team"}},\n'
            "    )\n",
        ),
    ),
    Case(
        "index_missing removes index=True",
        user_class(email=", index=True"),
        users(),
        frozenset({"index_missing"}),
        ("    email: Mapped[str] = mapped_column(String(50))",),
    ),
    Case(
        "index_missing removes the last item and __table_args__ with it",
        user_class('    __table_args__ = (\n        Index("users_by_name", "name"),\n    )\n'),
        users(),
        frozenset({"index_missing"}),
        ('    __tablename__ = "users"\n\n    id: Mapped[int]',),
    ),
    Case(
        "index_missing keeps the options dict",
        user_class('    __table_args__ = (Index("users_by_name", "name"), {"info": {"a": 1}})\n'),
        users(),
        frozenset({"index_missing"}),
        ('    __table_args__ = {"info": {"a": 1}}',),
    ),
    Case(
        "index_changed rewrites columns and uniqueness",
        user_class(
            "    __table_args__ = (\n"
            '        Index("users_by_name", "name"),  # the lookup\n'
            '        UniqueConstraint("email", name="uq_users_email"),\n'
            "    )\n"
        ),
        users(
            'sa.Index("users_by_name", "name", "email", unique=True)',
            'sa.UniqueConstraint("email", name="uq_users_email")',
        ),
        frozenset({"index_changed"}),
        ('        Index("users_by_name", "name", "email", unique=True),  # the lookup',),
    ),
    Case(
        "index_changed on a flag becomes an Index",
        user_class(email=", index=True"),
        users('sa.Index("ix_users_email", "email", "name")'),
        frozenset({"index_changed"}),
        (
            '    __table_args__ = (Index("ix_users_email", "email", "name"),)',
            "    email: Mapped[str] = mapped_column(String(50))",
        ),
    ),
    Case(
        "unique_unmapped as unique=True when the database named it",
        user_class(),
        DATABASE
        + USERS.replace(
            'sa.Column("email", sa.String(50), nullable=False)',
            'sa.Column("email", sa.String(50), nullable=False, unique=True)',
        ).replace("*ITEMS", ""),
        frozenset({"unique_unmapped"}),
        ("    email: Mapped[str] = mapped_column(String(50), unique=True)",),
    ),
    Case(
        "unique_unmapped with its own name as UniqueConstraint",
        user_class(),
        users('sa.UniqueConstraint("email", "name", name="uq_users_email_name")'),
        frozenset({"unique_unmapped"}),
        ('    __table_args__ = (UniqueConstraint("email", "name", name="uq_users_email_name"),)',),
    ),
    Case(
        "unique_missing removes unique=True and a UniqueConstraint",
        user_class(
            '    __table_args__ = (UniqueConstraint("name", "email"), {"info": {}})\n',
            email=", unique=True",
        ),
        users(),
        frozenset({"unique_missing"}),
        ('    __table_args__ = {"info": {}}', "    email: Mapped[str] = mapped_column(String(50))"),
    ),
    Case(
        "foreign_key_unmapped: a ForeignKey after the type, a ForeignKeyConstraint",
        child_class(),
        children(
            'sa.ForeignKeyConstraint(["parent_id"], ["parents.id"], ondelete="CASCADE")',
            'sa.ForeignKeyConstraint(["a", "b"], ["pairs.a", "pairs.b"], name="fk_children_pair")',
        ),
        frozenset({"foreign_key_unmapped"}),
        (
            "    parent_id: Mapped[int] = mapped_column(\n"
            "        Integer,\n"
            '        ForeignKey("parents.id", ondelete="CASCADE"),\n'
            "    )\n",
            "    __table_args__ = (\n"
            "        ForeignKeyConstraint(\n"
            '            ["a", "b"],\n'
            '            ["pairs.a", "pairs.b"],\n'
            '            name="fk_children_pair",\n'
            "        ),\n"
            "    )\n",
            "from sqlalchemy import ForeignKeyConstraint\n",
        ),
    ),
    Case(
        "foreign_key_missing removes the ForeignKey and the ForeignKeyConstraint",
        child_class(
            'mapped_column(ForeignKey("parents.id"))',
            '    __table_args__ = (sa.ForeignKeyConstraint(["a", "b"], ["pairs.a", "pairs.b"]),)\n',
        ).replace("from sqlalchemy import", "import sqlalchemy as sa\nfrom sqlalchemy import"),
        children(),
        frozenset({"foreign_key_missing"}),
        ("    parent_id: Mapped[int] = mapped_column()",),
    ),
    Case(
        "foreign_key_changed follows the new target and actions",
        child_class('mapped_column(ForeignKey("parents.id", ondelete="CASCADE"))'),
        children('sa.ForeignKeyConstraint(["parent_id"], ["others.id"], onupdate="CASCADE")'),
        frozenset({"foreign_key_changed"}),
        (
            "    parent_id: Mapped[int] = mapped_column("
            'ForeignKey("others.id", onupdate="CASCADE"))',
        ),
    ),
    Case(
        "check_unmapped and check_missing",
        user_class('    __table_args__ = (sa.CheckConstraint("length(name) > 1"),)\n').replace(
            "from sqlalchemy import", "import sqlalchemy as sa\nfrom sqlalchemy import"
        ),
        users('sa.CheckConstraint("length(email) > 3", name="ck_users_email")'),
        frozenset({"check_unmapped", "check_missing"}),
        options=CHECKS,
    ),
    Case(
        "comment on a column and the table",
        user_class(email=', comment="old"'),
        DATABASE
        + USERS.replace(
            'sa.Column("name", sa.String(40), nullable=False)',
            'sa.Column("name", sa.String(40), nullable=False, comment="the name")',
        ).replace("*ITEMS", 'comment="people"'),
        frozenset({"comment"}),
        (
            '    __table_args__ = {"comment": "people"}',
            '    name: Mapped[str] = mapped_column(String(40), comment="the name")',
            "    email: Mapped[str] = mapped_column(String(50))",
        ),
        options=COMMENTS,
        dialects=SERVERS,
    ),
    Case(
        "autoincrement",
        user_class(),
        users().replace(
            'sa.Column("id", sa.Integer, primary_key=True)',
            'sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)',
        ),
        frozenset({"autoincrement"}),
        ("    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)",),
        dialects=SERVERS,
    ),
    Case(
        "a naming convention in the file decides index=True",
        user_class()
        .replace(
            "class Base(DeclarativeBase):\n    pass",
            "class Base(DeclarativeBase):\n"
            '    metadata = MetaData(naming_convention={"ix": "ix_%(column_0_name)s"})',
        )
        .replace("from sqlalchemy import", "from sqlalchemy import MetaData,"),
        users('sa.Index("ix_email", "email")'),
        frozenset({"index_unmapped"}),
        ("    email: Mapped[str] = mapped_column(String(50), index=True)",),
    ),
    Case(
        "a base from another module: its naming convention, as the parser read it",
        user_class().replace("class Base(DeclarativeBase):\n    pass\n", "from base import Base\n"),
        users('sa.Index("ix_email", "email")'),
        frozenset({"index_unmapped"}),
        ("    email: Mapped[str] = mapped_column(String(50), index=True)",),
        files=(
            (
                "base.py",
                DECLARATIVE.replace(
                    "from sqlalchemy import", "from sqlalchemy import MetaData,"
                ).replace("    pass", "    metadata = MetaData(naming_convention=CONVENTION)")
                + '\nCONVENTION = {"ix": "ix_%(column_0_name)s"}\n',
            ),
        ),
    ),
    Case(
        "a base from another module whose convention names it otherwise: the name is written",
        user_class().replace("class Base(DeclarativeBase):\n    pass\n", "from base import Base\n"),
        users('sa.Index("ix_users_email", "email")'),
        frozenset({"index_unmapped"}),
        ('    __table_args__ = (Index("ix_users_email", "email"),)',),
        files=(
            (
                "base.py",
                DECLARATIVE.replace(
                    "from sqlalchemy import", "from sqlalchemy import MetaData,"
                ).replace(
                    "    pass",
                    '    metadata = MetaData(naming_convention={"ix": "i_%(column_0_name)s"})',
                ),
            ),
        ),
    ),
]

LEGACY = """\
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Parent(Base):
    __tablename__ = "parents"

    id = Column(Integer, primary_key=True)


class Child(Base):
    __tablename__ = "children"

    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("parents.id"), nullable=False)
    code = Column(String(10), nullable=False, index=True)
    label = Column(String(20), nullable=False)
    other_id = Column(Integer)
"""
LEGACY_DATABASE = (
    DATABASE
    + """
sa.Table("parents", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table(
    "children",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("parent_id", sa.Integer, nullable=False),
    sa.Column("code", sa.String(10), nullable=False),
    sa.Column("label", sa.String(20), nullable=False, unique=True),
    sa.Column("other_id", sa.Integer, sa.ForeignKey("parents.id", ondelete="SET NULL")),
    sa.Index("ix_children_other_id", "other_id"),
)
"""
)
LEGACY_CASES = [
    Case(
        "legacy Column: flags, a ForeignKey that gave the type, a new ForeignKey",
        LEGACY,
        LEGACY_DATABASE,
        frozenset(
            {"foreign_key_missing", "foreign_key_unmapped", "index_missing", "unique_unmapped"}
        ),
        (
            "    parent_id = Column(Integer, nullable=False)",
            "    code = Column(String(10), nullable=False)",
            "    label = Column(String(20), nullable=False, unique=True)",
            "    other_id = Column(\n"
            "        Integer,\n"
            '        ForeignKey("parents.id", ondelete="SET NULL"),\n'
            "        index=True,\n"
            "    )\n",
        ),
    ),
]

IMPERATIVE = """\
import sqlalchemy as sa

metadata = sa.MetaData()

items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(20), nullable=False),
    sa.Column("price", sa.Integer),
    sa.Column("legacy", sa.String(5)),
    sa.Column("status", sa.String(10), server_default="new"),
    sa.Index("ix_items_price", "price"),
)
sa.Index("items_by_status", items.c.status)
"""
IMPERATIVE_DATABASE = (
    DATABASE
    + """
sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(40), nullable=False),
    sa.Column("price", sa.Integer, nullable=False),
    sa.Column("status", sa.String(10), server_default="old"),
    sa.Column("code", sa.String(8)),
    sa.Index("ix_items_code", "code"),
    sa.UniqueConstraint("name", "price", name="uq_items_name"),
)
"""
)
IMPERATIVE_KEYS = """\
import sqlalchemy as sa

metadata = sa.MetaData()

parents = sa.Table("parents", metadata, sa.Column("id", sa.Integer, primary_key=True))
kids = sa.Table(
    "kids",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("parents.id"), nullable=False),
    sa.Column("other_id", sa.Integer, nullable=False, comment="old"),
    sa.CheckConstraint("id > 0"),
    comment="old",
)
"""
IMPERATIVE_KEYS_DATABASE = (
    DATABASE
    + """
sa.Table("parents", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table(
    "kids",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("parent_id", sa.Integer, nullable=False),
    sa.Column(
        "other_id", sa.Integer, sa.ForeignKey("parents.id", ondelete="CASCADE"), nullable=False
    ),
    sa.CheckConstraint("other_id > 1", name="ck_kids_other"),
    comment="kids",
)
"""
)
IMPERATIVE_CASES = [
    Case(
        "imperative Table: column kinds, indexes, a unique constraint",
        IMPERATIVE,
        IMPERATIVE_DATABASE,
        frozenset(
            {
                "type",
                "nullable",
                "server_default",
                "column_missing",
                "column_unmapped",
                "index_missing",
                "index_unmapped",
                "unique_unmapped",
            }
        ),
        (
            '    sa.Column("name", sa.String(40), nullable=False),\n'
            '    sa.Column("price", sa.Integer, nullable=False),\n'
            '    sa.Column("status", sa.String(10), server_default="old"),\n',
            '    sa.Column("code", sa.String(8), index=True),\n'
            '    sa.UniqueConstraint("name", "price", name="uq_items_name"),\n'
            ")\n",
        ),
    ),
    Case(
        "imperative Table: foreign keys, checks, comments",
        IMPERATIVE_KEYS,
        IMPERATIVE_KEYS_DATABASE,
        frozenset(
            {
                "foreign_key_missing",
                "foreign_key_unmapped",
                "check_missing",
                "check_unmapped",
                "comment",
            }
        ),
        (
            '    sa.Column("parent_id", sa.Integer, nullable=False),',
            '    comment="kids",',
            "    sa.Column(\n"
            '        "other_id",\n'
            "        sa.Integer,\n"
            '        sa.ForeignKey("parents.id", ondelete="CASCADE"),\n'
            "        nullable=False,\n"
            "    ),\n",
        ),
        options=CompareOptions(check_constraints=True, comments=True),
        dialects=SERVERS,
    ),
]

SQLMODEL = """\
from sqlmodel import Column, Field, SQLModel, String


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)


class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=20)
    nickname: str | None = Field(default=None, max_length=30, index=True)
    age: int | None = Field(default=None)
    team_id: int | None = Field(default=None)
    power: str = Field(max_length=10, unique=True)
    code: str = Field(sa_column=Column(String(5), nullable=False))
"""
SQLMODEL_DATABASE = (
    DATABASE
    + """
sa.Table("team", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table(
    "hero",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(40), nullable=False, index=True),
    sa.Column("nickname", sa.String(30), nullable=False),
    sa.Column("age", sa.Integer, server_default=sa.text("18")),
    sa.Column("team_id", sa.Integer, sa.ForeignKey("team.id", ondelete="CASCADE")),
    sa.Column("power", sa.String(10), nullable=False),
    sa.Column("code", sa.String(8), nullable=False, unique=True),
)
"""
)
SQLMODEL_CASES = [
    Case(
        "SQLModel fields",
        SQLMODEL,
        SQLMODEL_DATABASE,
        frozenset(
            {
                "type",
                "nullable",
                "server_default",
                "index_missing",
                "index_unmapped",
                "foreign_key_unmapped",
                "unique_missing",
                "unique_unmapped",
            }
        ),
        (
            "    name: str = Field(max_length=20, index=True, sa_type=String(40))",
            "    nickname: str = Field(default=None, max_length=30)",
            "    age: int | None = Field(\n"
            "        default=None,\n"
            '        sa_column_kwargs={"server_default": text("18")},\n'
            "    )\n",
            '    team_id: int | None = Field(default=None, foreign_key="team.id", '
            'ondelete="CASCADE")',
            "    power: str = Field(max_length=10)",
            "    code: str = Field(sa_column=Column(String(8), nullable=False, unique=True))",
        ),
    ),
]

SQLMODEL_KEYS = """\
from sqlmodel import Field, SQLModel


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    old_team_id: int | None = Field(default=None, foreign_key="team.id")


class Hero(SQLModel, table=True):
    \"\"\"A hero.\"\"\"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
    gone: int | None = Field(default=None)
"""
SQLMODEL_KEYS_DATABASE = (
    DATABASE
    + """
sa.Table(
    "team",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("old_team_id", sa.Integer),
)
sa.Table(
    "hero",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("team_id", sa.Integer, sa.ForeignKey("team.id", ondelete="SET NULL")),
    sa.Column("rank", sa.String(10), nullable=False, server_default="x"),
    sa.Column("lead_id", sa.Integer, sa.ForeignKey("team.id")),
    sa.Index("hero_by_rank", "rank", "team_id"),
)
"""
)
SQLMODEL_CASES.append(
    Case(
        "SQLModel: keys, a new field, a missing field, __table_args__ after the docstring",
        SQLMODEL_KEYS,
        SQLMODEL_KEYS_DATABASE,
        frozenset(
            {
                "foreign_key_missing",
                "foreign_key_changed",
                "column_missing",
                "column_unmapped",
                "index_unmapped",
            }
        ),
        (
            "    old_team_id: int | None = Field(default=None)\n",
            '    team_id: int | None = Field(default=None, foreign_key="team.id", '
            'ondelete="SET NULL")',
            '    """A hero."""\n    __table_args__ = (Index("hero_by_rank", "rank", "team_id"),)\n',
            "from sqlalchemy import Index\n",
            '    rank: str = Field(sa_type=String(10), sa_column_kwargs={"server_default": "x"})',
            '    lead_id: int | None = Field(default=None, sa_type=Integer, foreign_key="team.id")',
        ),
    )
)

STANDALONE = """\
from sqlalchemy import Column, Index, Integer, MetaData, String, Table

metadata = MetaData()

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(20), nullable=False),
    Column("body", String(50), nullable=False),
)
Index("notes_by_title", notes.c.title)
"""
STANDALONE_DATABASE = (
    DATABASE
    + """
sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(20), nullable=False),
    sa.Column("body", sa.String(50), nullable=False),
    sa.Index("notes_by_title", "title", "body", unique=True),
)
"""
)
IMPERATIVE_CASES.append(
    Case(
        "a standalone Index keeps its column references",
        STANDALONE,
        STANDALONE_DATABASE,
        frozenset({"index_changed"}),
        ('Index("notes_by_title", notes.c.title, notes.c.body, unique=True)\n',),
    )
)

SA_STYLE = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(20))
    group_id: Mapped[int | None] = mapped_column(sa.Integer)
"""
SA_STYLE_DATABASE = (
    DATABASE
    + """
sa.Table("groups", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table(
    "tags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("label", sa.String(20), nullable=False),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id")),
    sa.Index("tags_by_label", "label", "group_id"),
    sa.UniqueConstraint("group_id", "label", name="uq_tags_group_label"),
)
"""
)
BARE_IMPORTS = DECLARATIVE.replace(
    "from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint",
    "from sqlalchemy import Integer, String",
)
DECLARATIVE_CASES += [
    Case(
        "names written as the file imports them (sa.Index)",
        SA_STYLE,
        SA_STYLE_DATABASE,
        frozenset({"index_unmapped", "unique_unmapped", "foreign_key_unmapped"}),
        (
            "    group_id: Mapped[int | None] = mapped_column("
            'sa.Integer, sa.ForeignKey("groups.id"))',
            "    __table_args__ = (\n"
            '        sa.Index("tags_by_label", "label", "group_id"),\n'
            '        sa.UniqueConstraint("group_id", "label", name="uq_tags_group_label"),\n'
            "    )\n",
        ),
    ),
    Case(
        "an import line for a name the file lacks",
        BARE_IMPORTS + USER_CLASS.replace("TABLE_ARGS\n", "\n").replace("EMAIL", ""),
        users('sa.Index("users_by_name", "name", "email")'),
        frozenset({"index_unmapped"}),
        (
            "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n"
            "from sqlalchemy import Index\n",
        ),
    ),
]

TABLE_IN_CLASS = (
    DECLARATIVE
    + """
from sqlalchemy import Column, Table  # noqa: E402


class Note(Base):
    __table__ = Table(
        "notes",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("title", String(20), nullable=False),
        Index("notes_old", "title"),
    )
"""
)
DECLARATIVE_CASES.append(
    Case(
        "__table__ = Table(...) in a class: items added and removed",
        TABLE_IN_CLASS,
        DATABASE
        + """
sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("title", sa.String(20), nullable=False),
    sa.Index("notes_by_title", "title", "id"),
)
""",
        frozenset({"index_unmapped", "index_missing"}),
        (
            '        Column("title", String(20), nullable=False),\n'
            '        Index("notes_by_title", "title", "id"),\n    )\n',
        ),
    )
)
SQLMODEL_CASES.append(
    Case(
        "SQLModel: comments and autoincrement in sa_column_kwargs, a table comment",
        """\
from sqlmodel import Field, SQLModel


class Gadget(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=20)
""",
        DATABASE
        + """
sa.Table(
    "gadget",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("label", sa.String(20), nullable=False, comment="what it says"),
    comment="gadgets",
)
""",
        frozenset({"comment", "autoincrement"}),
        (
            '    __table_args__ = {"comment": "gadgets"}\n',
            "    id: int | None = Field(\n"
            "        default=None,\n"
            "        primary_key=True,\n"
            '        sa_column_kwargs={"autoincrement": False},\n'
            "    )\n",
            '    label: str = Field(max_length=20, sa_column_kwargs={"comment": "what it says"})',
        ),
        options=COMMENTS,
        dialects=SERVERS,
    )
)
DECLARATIVE_CASES.append(
    Case(
        "a partial index on PostgreSQL",
        user_class(),
        users('sa.Index("users_named", "name", postgresql_where=sa.text("name <> \'\'"))'),
        frozenset({"index_unmapped"}),
        options=CompareOptions(),
        dialects=("postgresql",),
    )
)

IMPERATIVE_CHANGES = """\
from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, UniqueConstraint

metadata = MetaData()

Table("owners", metadata, Column("id", Integer, primary_key=True))
Table("keepers", metadata, Column("id", Integer, primary_key=True))
Table(
    "pets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(20), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),
    UniqueConstraint("name", "kind"),
    Index("pets_by_kind", "kind"),
)
"""
IMPERATIVE_CHANGES_DATABASE = (
    DATABASE
    + """
sa.Table("owners", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("keepers", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table(
    "pets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("keepers.id"), nullable=False),
    sa.Column("name", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Index("pets_by_kind", "kind", "name", unique=True),
)
"""
)
IMPERATIVE_CASES.append(
    Case(
        "imperative Table: changed keys and indexes, constraints gone, autoincrement",
        IMPERATIVE_CHANGES,
        IMPERATIVE_CHANGES_DATABASE,
        frozenset({"foreign_key_changed", "unique_missing", "index_changed", "autoincrement"}),
        (
            '    Column("id", Integer, primary_key=True, autoincrement=False),\n'
            '    Column("owner_id", ForeignKey("keepers.id"), nullable=False),\n'
            '    Column("name", String(20), nullable=False),\n'
            '    Column("kind", String(10), nullable=False),\n'
            '    Index("pets_by_kind", "kind", "name", unique=True),\n'
            ")\n",
        ),
        dialects=SERVERS,
    )
)
LEGACY_CASES.append(
    Case(
        "legacy Column: deferrable keys on PostgreSQL",
        LEGACY.replace(
            'parent_id = Column(ForeignKey("parents.id"), nullable=False)',
            'parent_id = Column(Integer, ForeignKey("parents.id"), nullable=False)',
        ),
        LEGACY_DATABASE.replace(
            'sa.Column("parent_id", sa.Integer, nullable=False)',
            'sa.Column("parent_id", sa.Integer, sa.ForeignKey("parents.id", deferrable=True, '
            'initially="DEFERRED"), nullable=False)',
        ),
        frozenset({"foreign_key_changed"}),
        (
            "    parent_id = Column(\n"
            "        Integer,\n"
            '        ForeignKey("parents.id", deferrable=True, initially="DEFERRED"),\n'
            "        nullable=False,\n"
            "    )\n",
        ),
        dialects=("postgresql",),
    )
)

DECLARATIVE_CASES.append(
    Case(
        "words in comments and checks are not names (sa.text stays text in a string)",
        SA_STYLE,
        SA_STYLE_DATABASE.replace(
            'sa.Column("label", sa.String(20), nullable=False)',
            'sa.Column("label", sa.String(20), nullable=False, comment="the text of an Index"), '
            'sa.Column("rank", sa.Integer, server_default=sa.text("0"), comment="plain text")',
        ).replace(
            'sa.Index("tags_by_label", "label", "group_id")',
            'sa.CheckConstraint("label <> \'text\'", name="ck_tags_label")',
        ),
        frozenset({"comment", "check_unmapped", "column_unmapped"}),
        (
            '    label: Mapped[str] = mapped_column(sa.String(20), comment="the text of an Index")',
            'comment="plain text"',
            "'text'",
            'name="ck_tags_label")',
        ),
        options=CompareOptions(comments=True, check_constraints=True),
        dialects=SERVERS,
    )
)

DECLARATIVE_CASES.append(
    Case(
        "a table comment the database lacks goes, and its dict with it",
        user_class('    __table_args__ = (Index("users_by_name", "name"), {"comment": "gone"})\n'),
        users('sa.Index("users_by_name", "name")'),
        frozenset({"comment"}),
        ('    __table_args__ = (Index("users_by_name", "name"),)\n',),
        options=COMMENTS,
        dialects=SERVERS,
    )
)

KEYS = (
    DECLARATIVE
    + """

class Entry(Base):
    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(10), primary_key=True)
"""
)
DECLARATIVE_CASES.append(
    Case(
        "primary_key: flags follow the database's key",
        KEYS,
        DATABASE
        + """
sa.Table(
    "entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(10), primary_key=True),
    sa.Column("note", sa.String(10), nullable=False),
)
""",
        frozenset({"primary_key"}),
        (
            "    code: Mapped[str] = mapped_column(String(10), primary_key=True)\n",
            "    note: Mapped[str] = mapped_column(String(10))\n",
        ),
    )
)
LEGACY_CASES.append(
    Case(
        "primary_key: another column order needs a PrimaryKeyConstraint",
        LEGACY.replace("from sqlalchemy import Column,", "from sqlalchemy import Column, Index,")
        .replace(
            "    id = Column(Integer, primary_key=True)\n    parent_id",
            "    id = Column(Integer, primary_key=True)\n"
            '    __table_args__ = (Index("children_by_code", "code"),)\n'
            "    parent_id",
        )
        .replace(
            "    code = Column(String(10), nullable=False, index=True)",
            "    code = Column(String(10), primary_key=True)",
        ),
        LEGACY_DATABASE.replace(
            '    sa.Column("id", sa.Integer, primary_key=True),\n    sa.Column("parent_id"',
            '    sa.Column("id", sa.Integer),\n    sa.Column("parent_id"',
        ).replace(
            '    sa.Column("code", sa.String(10), nullable=False),',
            '    sa.Column("code", sa.String(10), nullable=False),\n'
            '    sa.PrimaryKeyConstraint("code", "id"),\n'
            '    sa.Index("children_by_code", "code"),',
        ),
        frozenset({"primary_key"}),
        (
            "    __table_args__ = (\n"
            '        Index("children_by_code", "code"),\n'
            '        PrimaryKeyConstraint("code", "id"),\n'
            "    )\n",
        ),
    )
)
IMPERATIVE_CASES.append(
    Case(
        "primary_key: a PrimaryKeyConstraint's columns follow",
        """\
import sqlalchemy as sa

metadata = sa.MetaData()

sa.Table(
    "links",
    metadata,
    sa.Column("a", sa.Integer, nullable=False),
    sa.Column("b", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("a", name="pk_links"),
)
""",
        DATABASE
        + """
sa.Table(
    "links",
    metadata,
    sa.Column("a", sa.Integer, nullable=False),
    sa.Column("b", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("b", "a", name="pk_links"),
)
""",
        frozenset({"primary_key"}),
        ('    sa.PrimaryKeyConstraint("b", "a", name="pk_links"),\n',),
    )
)

DEFERRED = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base, deferred

Base = declarative_base()


class Note(Base):
    __tablename__ = "notes"

    id = Column(Integer, primary_key=True)
    body = deferred(Column(String(200)))
"""
DECLARATIVE_CASES.append(
    Case(
        "deferred(Column(...)): the column the parser read is the one edited",
        DEFERRED,
        DATABASE
        + """
sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.String(200), nullable=False),
)
""",
        frozenset({"nullable"}),
        ("    body = deferred(Column(String(200), nullable=False))",),
    )
)
#: A file that writes nullable values ``Optional[X]``: what a fix adds is written so too.
OPTIONAL_STYLE = (
    DECLARATIVE.replace(
        "from sqlalchemy import", "from typing import Optional\n\nfrom sqlalchemy import"
    )
    + """
class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(40))
    nick: Mapped[Optional[str]] = mapped_column(String(20))
"""
)
OPTIONAL_STYLE_DATABASE = DATABASE + USERS.replace(
    '    sa.Column("name", sa.String(40), nullable=False),',
    '    sa.Column("name", sa.String(40)),\n'
    '    sa.Column("nick", sa.String(20)),\n'
    '    sa.Column("age", sa.Integer),',
).replace("    *ITEMS\n", "")
SQLMODEL_OPTIONAL_STYLE = """\
from typing import Optional

from sqlmodel import Field, SQLModel


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
"""
DECLARATIVE_CASES.append(
    Case(
        "a file that writes Optional[X]: nullable and new columns written so too",
        OPTIONAL_STYLE,
        OPTIONAL_STYLE_DATABASE,
        frozenset({"nullable", "column_unmapped"}),
        (
            "    name: Mapped[Optional[str]] = mapped_column(String(40))",
            "    age: Mapped[Optional[int]] = mapped_column(Integer)",
        ),
    )
)
SQLMODEL_CASES.append(
    Case(
        "SQLModel: a file that writes Optional[X]: a new field written so too",
        SQLMODEL_OPTIONAL_STYLE,
        DATABASE
        + """
sa.Table(
    "hero",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("age", sa.Integer),
)
""",
        frozenset({"column_unmapped"}),
        ("    age: Optional[int] = Field(default=None, sa_type=Integer)",),
    )
)

DECLARATIVE_CASES.append(
    Case(
        "a name imported for type checkers only is not used: the fix imports it",
        user_class().replace(
            "from sqlalchemy.orm import",
            "from typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n    from sqlalchemy import Text\n"
            "from sqlalchemy.orm import",
        ),
        users().replace(
            'sa.Column("name", sa.String(40), nullable=False)',
            'sa.Column("name", sa.Text, nullable=False)',
        ),
        frozenset({"type"}),
        ("    name: Mapped[str] = mapped_column(Text)", "\nfrom sqlalchemy import Text\n"),
        dialects=("sqlite",),
    )
)

CASES = DECLARATIVE_CASES + LEGACY_CASES + IMPERATIVE_CASES + SQLMODEL_CASES
FIXTURES = {"sqlite": "sqlite_db", "postgresql": "postgres_db", "mysql": "mysql_db"}


@pytest.mark.parametrize("dialect", list(FIXTURES))
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_model_edits_make_the_model_match_the_database(case, dialect, request, tmp_path):
    if dialect not in case.dialects:
        pytest.skip(f"{dialect} does not keep what this case is about")
    db = request.getfixturevalue(FIXTURES[dialect])
    namespace: dict[str, object] = {}
    exec(compile(case.database, "database.py", "exec"), namespace)
    metadata = namespace["metadata"]
    assert isinstance(metadata, sa.MetaData)
    metadata.create_all(db.engine)
    database = introspect_database(db.url)
    kinds = dict(case.kinds_on).get(dialect, case.kinds)
    fixed, applied = fix_everything(case, kinds, tmp_path, database)
    assert kinds <= applied, fixed
    for line in case.contains:
        assert line in fixed, fixed


def fix_everything(
    case: Case, kinds: frozenset[str], directory: Path, database
) -> tuple[str, set[str]]:
    """Apply the first available fix until none is left; the fixed text and the kinds
    fixed. Asserts each step keeps untouched lines and compiles, and that nothing at all
    is left to report."""
    dialect = migration_dialect(database)
    index = WorkspaceIndex([directory])
    path = directory / "models.py"
    for name, other in case.files:
        (directory / name).write_text(other)
        index.update(directory / name, other)
    text = case.models
    index.update(path, text)

    def found() -> list[SchemaDifference]:
        return compare(index.entities(), database, case.options)

    first = found()
    before = {d.kind for d in first}
    assert kinds <= before, before
    # Notes of what the parser cannot read are not the model's drift.
    notes = [f"{d.code} {d.message}" for d in first if d.kind == "not_checked"]
    applied: set[str] = set()
    for _ in range(40):
        fix = next(
            (
                (difference, edit)
                for difference in found()
                if (edit := model_edit(difference, text, dialect)) is not None
            ),
            None,
        )
        if fix is None:
            break
        difference, edit = fix
        edited = apply_edits(text, edit.edits)
        assert_only_edited_lines_change(text, edited, edit)
        compile(edited, str(path), "exec")
        text = edited
        index.update(path, text)
        applied.add(difference.kind)
    left = [f"{d.code} {d.message}" for d in found()]
    assert left == notes, text
    return text, applied


def assert_only_edited_lines_change(before: str, after: str, fix: ModelEdit) -> None:
    """Lines outside the edits' ranges are kept byte for byte (and in order)."""
    touched: set[int] = set()
    for edit in fix.edits:
        touched.update(range(edit.range.start_line, edit.range.end_line + 1))
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, first, last, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            changed = set(range(first, last))
            assert changed <= touched, (fix.title, [old[i] for i in sorted(changed - touched)])


def test_edits_never_overlap(tmp_path):
    """Removing two neighbouring keywords of one call is one edit per run, not two that
    overlap (clients reject overlapping edits)."""
    source = DECLARATIVE + (
        "\n\nclass User(Base):\n"
        '    __tablename__ = "users"\n\n'
        "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n"
        "    email: Mapped[str] = mapped_column(index=True, unique=True)\n"
    )
    from schema_lsp.schema import IndexSchema, TableSchema

    line = source.splitlines().index(
        "    email: Mapped[str] = mapped_column(index=True, unique=True)"
    )
    models = tmp_path / "m.py"
    models.write_text(source)
    (entity,) = parse_entities([models])
    difference = SchemaDifference(
        "index_missing",
        "users",
        "m",
        SourceRange(str(models), line, 4, line, 9),
        "error",
        name="ix_users_email",
        declared=IndexSchema("ix_users_email", ("email",), unique=True),
        declared_table=TableSchema("users", ()),
        entity=entity,
    )
    fix = model_edit(difference, source, "sqlite")
    assert fix is not None
    assert len(fix.edits) == 1
    assert isinstance(fix.edits[0], TextEdit)
    assert "    email: Mapped[str] = mapped_column()\n" in apply_edits(source, fix.edits)


MIXIN = (
    DECLARATIVE
    + """

class Coded:
    __table_args__ = {"info": {"coded": True}}

    code: Mapped[str] = mapped_column(String(10), index=True)


class Alpha(Coded, Base):
    __tablename__ = "alpha"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Beta(Coded, Base):
    __tablename__ = "beta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
"""
)


def test_what_other_entities_share_is_left_alone(sqlite_db, tmp_path):
    """A flag on a mixin's column is every entity's: it is not removed for one table's
    sake, and a class that inherits ``__table_args__`` gets no own one to hide it."""
    sqlite_db.execute(
        "CREATE TABLE alpha (id INTEGER PRIMARY KEY, code VARCHAR(10) NOT NULL)",
        "CREATE INDEX alpha_by_id_code ON alpha (id, code)",
        "CREATE TABLE beta (id INTEGER PRIMARY KEY, code VARCHAR(10) NOT NULL)",
        "CREATE INDEX ix_beta_code ON beta (code)",
    )
    path = tmp_path / "models.py"
    path.write_text(MIXIN)
    index = WorkspaceIndex([tmp_path])
    index.update(path, MIXIN)
    found = compare(index.entities(), introspect_database(sqlite_db.url))
    assert {(d.kind, d.table) for d in found} == {
        ("index_missing", "alpha"),
        ("index_unmapped", "alpha"),
    }
    assert [model_edit(d, MIXIN, "sqlite") for d in found] == [None, None]


def test_table_args_from_a_mixin_in_another_module_are_never_hidden(sqlite_db, tmp_path):
    """The parser finds ``__table_args__`` through the class's bases in every module: a
    class whose arguments come from a mixin elsewhere gets no own ``__table_args__`` (it
    would hide the mixin's index), nor does one that computes them in a method."""
    sqlite_db.execute(
        "CREATE TABLE alpha (id INTEGER PRIMARY KEY, code VARCHAR(10) NOT NULL, "
        "name VARCHAR(10) NOT NULL)",
        "CREATE INDEX alpha_by_code ON alpha (code)",
        "CREATE INDEX alpha_by_name ON alpha (name, id)",
        "CREATE TABLE beta (id INTEGER PRIMARY KEY, name VARCHAR(10) NOT NULL)",
        "CREATE INDEX beta_by_name ON beta (name, id)",
    )
    (tmp_path / "mixins.py").write_text(
        "from sqlalchemy import Index, String\n"
        "from sqlalchemy.orm import Mapped, mapped_column\n\n\n"
        "class Coded:\n"
        '    __table_args__ = (Index("alpha_by_code", "code"),)\n\n'
        "    code: Mapped[str] = mapped_column(String(10))\n"
    )
    models = (
        DECLARATIVE.replace(
            "from sqlalchemy.orm import", "from sqlalchemy.orm import declared_attr,"
        )
        + "from mixins import Coded\n\n\n"
        "class Alpha(Coded, Base):\n"
        '    __tablename__ = "alpha"\n\n'
        "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n"
        "    name: Mapped[str] = mapped_column(String(10))\n\n\n"
        "class Beta(Base):\n"
        '    __tablename__ = "beta"\n\n'
        "    @declared_attr.directive\n"
        "    def __table_args__(cls):\n"
        "        return ()\n\n"
        "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n"
        "    name: Mapped[str] = mapped_column(String(10))\n"
    )
    path = tmp_path / "models.py"
    path.write_text(models)
    found = compare(
        parse_entities([path, tmp_path / "mixins.py"], roots=[tmp_path]),
        introspect_database(sqlite_db.url),
    )
    assert {(d.kind, d.table, d.name) for d in found} == {
        ("index_unmapped", "alpha", "alpha_by_name"),
        ("index_unmapped", "beta", "beta_by_name"),
    }
    assert [model_edit(d, models, "sqlite") for d in found] == [None, None]


def test_names_inside_strings_are_not_renamed(postgres_db, tmp_path):
    """``text`` is written ``sa.text`` in code, but a comment saying "plain text" keeps
    its words."""
    postgres_db.execute(
        "CREATE TABLE tags (id SERIAL PRIMARY KEY, label VARCHAR(20) NOT NULL, "
        "rank INTEGER DEFAULT 0)",
        "COMMENT ON COLUMN tags.rank IS 'plain text'",
        "CREATE TABLE groups (id SERIAL PRIMARY KEY)",
    )
    path = tmp_path / "models.py"
    source = SA_STYLE.replace("    group_id: Mapped[int | None] = mapped_column(sa.Integer)\n", "")
    path.write_text(source)
    index = WorkspaceIndex([tmp_path])
    index.update(path, source)
    found = compare(index.entities(), introspect_database(postgres_db.url))
    added = next(d for d in found if d.kind == "column_unmapped")
    fix = model_edit(added, source, "postgresql")
    assert fix is not None
    assert (
        "    rank: Mapped[int | None] = mapped_column(\n"
        "        sa.Integer,\n"
        '        server_default=sa.text("0"),\n'
        '        comment="plain text",\n'
        "    )\n"
    ) in apply_edits(source, fix.edits)


# -- every scenario of the check, fixed from the model side -----------------------------------

#: Scenarios whose drift lives in what several entities share, or in a project helper's
#: call (whose arguments may mean anything): the fix is left to a human.
SHARED = {
    "sqlmodel_helper_fields_drift": "the key is made by a project helper: never edited",
    "column_helpers_drift": "the columns are made by project helpers: never edited",
    "expression_indexes_drift": "an expression index in a declared_attr: not edited",
    "helpers_with_try_blocks": "the column comes from a mixin's declared_attr",
    "enum_members_in_index_where_drift": "the WHERE is a classmethod's enum members: not edited",
    "merged_table_args_drift": "the table arguments are a helper's merge: never edited",
    "int_enums_and_sets_drift": "the column comes from a mixin's declared_attr",
    "generated_table_args_drift": "the table arguments are built by helpers: never edited",
    "generated_enum_values_drift": "the column comes from a mixin's declared_attr",
}


def _scenario_cases():  # type: ignore[no-untyped-def]
    marks = {"postgresql": [pytest.mark.postgres], "mysql": [pytest.mark.mysql]}
    for scenario in SCENARIOS:
        for dialect in SCENARIO_FIXTURES:
            yield pytest.param(
                scenario, dialect, id=f"{scenario.name}-{dialect}", marks=marks.get(dialect, [])
            )


@pytest.mark.parametrize(("scenario", "dialect"), list(_scenario_cases()))
def test_every_scenario_is_fixed_from_the_model(scenario, dialect, request, tmp_path):
    """The scenario suite's stories (tests/scenarios) on every database: after applying
    the quick fixes one at a time, no difference of a kind ``model_edit`` covers is left
    (the fix and the diagnostic agree), and no fix touches a line it does not mean to."""
    if scenario.xfail_on.get(dialect) or scenario.xfail_on.get(ALL):
        pytest.skip(f"not a {dialect} story: the check itself is known to fail there")
    db = database_for(scenario, dialect, request)
    outcome = run(scenario, db, tmp_path)
    app = outcome.app or APP
    paths = [tmp_path / f"models_{scenario.name}.py", *(tmp_path / f for f in scenario.files)]
    schemas = [s.replace(APP, app) if s else s for s in scenario.schemas]
    database = introspect_database(db.url, schemas=schemas)
    render_dialect = migration_dialect(database)

    def found() -> list[SchemaDifference]:
        return compare(parse_entities(paths, roots=[tmp_path]), database, scenario.options)

    for _ in range(40):
        step = next(
            (
                (difference, fix)
                for difference in found()
                if difference.path is not None
                and (
                    fix := model_edit(difference, Path(difference.path).read_text(), render_dialect)
                )
            ),
            None,
        )
        if step is None:
            break
        difference, fix = step
        assert difference.path is not None
        text = Path(difference.path).read_text()
        edited = apply_edits(text, fix.edits)
        assert_only_edited_lines_change(text, edited, fix)
        compile(edited, difference.path, "exec")
        Path(difference.path).write_text(edited)
    left = [f"{d.code} {d.message}" for d in found() if d.kind in COVERED]
    if scenario.name not in SHARED:
        assert left == []
    elif any(d.kind in COVERED for d in outcome.differences):
        assert left != []  # the shared code is left as it is


def test_the_covered_kinds_are_the_fixable_ones():
    assert FIXABLE_KINDS == COVERED


def test_windows_line_endings_are_kept(sqlite_db, tmp_path):
    sqlite_db.execute(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(50) NOT NULL, "
        "name VARCHAR(40) NOT NULL)",
        "CREATE INDEX users_by_name ON users (name, email)",
        "CREATE INDEX ix_users_email ON users (email)",
    )
    source = user_class().replace("\n", "\r\n")
    path = tmp_path / "models.py"
    path.write_bytes(source.encode())
    case = Case(
        "crlf",
        source,
        DATABASE,
        frozenset({"index_unmapped"}),
        (
            '    __table_args__ = (Index("users_by_name", "name", "email"),)\r\n',
            "    email: Mapped[str] = mapped_column(String(50), index=True)\r\n",
        ),
    )
    fixed, _ = fix_everything(case, case.kinds, tmp_path, introspect_database(sqlite_db.url))
    assert "\n" not in fixed.replace("\r\n", "")
    for line in case.contains:
        assert line in fixed


GENERATED = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Price(Base):
    __tablename__ = "prices"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount: Mapped[int]
    cents: Mapped[int | None] = mapped_column(sa.Integer)
"""


def test_a_generated_column_is_written_into_the_model(any_db, tmp_path):
    """The database generates cents, the model has a plain column: the fix adds the
    database's expression (unwrapped, MariaDB's backquotes dropped) and storage."""
    any_db.execute(
        "CREATE TABLE prices (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, "
        "cents INTEGER GENERATED ALWAYS AS (amount * 100) STORED)"
    )
    path = tmp_path / "models.py"
    path.write_text(GENERATED)
    database = introspect_database(any_db.url)
    [found] = compare(parse_entities([path]), database)
    assert (found.code, found.severity) == ("SL151", "warning")
    fix = model_edit(found, GENERATED, migration_dialect(database))
    assert fix is not None and fix.title == "Generate cents as (amount * 100) (as in the database)"
    edited = apply_edits(GENERATED, fix.edits)
    assert (
        "    cents: Mapped[int | None] = mapped_column(\n"
        "        sa.Integer,\n"
        '        sa.Computed("amount * 100", persisted=True),\n'
        "    )\n"
    ) in edited
    path.write_text(edited)
    assert compare(parse_entities([path]), database) == []


# -- models to database: source edits --------------------------------------------------------


def test_model_edits_make_the_models_match_the_database(drifted, tmp_path):
    models = tmp_path / "models.py"
    models.write_text(MODELS.read_text())
    before = differences(drifted.url, drifted.dialect, models)
    expected_left = {
        (d.kind, d.table, d.column, d.name) for d in before if d.kind not in MODEL_EDIT_KINDS
    }

    applied = 0
    for _ in range(50):  # one edit at a time: positions move after each one
        fix = None
        for difference in differences(drifted.url, drifted.dialect, models):
            fix = model_edit(difference, models.read_text(), dialect_of(drifted))
            if fix is not None:
                break
        if fix is None:
            break
        models.write_text(apply_edits(models.read_text(), fix.edits))
        compile(models.read_text(), str(models), "exec")
        applied += 1

    after = differences(drifted.url, drifted.dialect, models)
    assert applied >= len([d for d in before if d.kind in MODEL_EDIT_KINDS])
    assert {(d.kind, d.table, d.column, d.name) for d in after} == expected_left


def _first(found: list[SchemaDifference], kind: str, column: str | None = None):
    return next(d for d in found if d.kind == kind and (column is None or d.column == column))


def _edited_lines(fix: ModelEdit | None, source: str) -> list[str]:
    assert fix is not None
    before = source.splitlines()
    return [line for line in apply_edits(source, fix.edits).splitlines() if line not in before]


def test_model_edits_keep_the_users_layout(sqlite_db, tmp_path):
    drifted_metadata().create_all(sqlite_db.engine)
    models = tmp_path / "models.py"
    source = MODELS.read_text()
    models.write_text(source)
    found = differences(sqlite_db.url, "sqlite", models)

    def edit(kind: str, column: str | None = None) -> list[str]:
        return _edited_lines(model_edit(_first(found, kind, column), source, "sqlite"), source)

    assert edit("type", "name") == ["    name: Mapped[str] = mapped_column(String(50))"]
    assert edit("nullable", "nickname") == ["    nickname: Mapped[str] = mapped_column(String(30))"]
    assert edit("server_default", "status") == [
        '    status: Mapped[str] = mapped_column(String(20), server_default="old")'
    ]
    assert edit("server_default", "score") == ["    score: Mapped[int] = mapped_column(Integer)"]
    assert edit("column_unmapped", "legacy_code") == [
        "    legacy_code: Mapped[Optional[str]] = mapped_column(String(10))"
    ]
    assert edit("foreign_key_changed") == [
        '        ForeignKey("customers.id", name="fk_orders_customer")'
    ]
    removed = model_edit(_first(found, "column_missing", "notes"), source, "sqlite")
    assert removed is not None
    after = apply_edits(source, removed.edits)
    assert "notes" not in after
    assert len(after.splitlines()) == len(source.splitlines()) - 1
    assert model_edit(_first(found, "table_missing"), source, "sqlite") is None


def test_model_edit_adds_the_import_a_new_type_needs(tmp_path):
    source = (
        "import sqlalchemy as sa\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Thing(Base):\n    __tablename__ = 'things'\n"
        "    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)\n"
        "    size: Mapped[int] = mapped_column(sa.Integer)\n"
    )
    jsonb = TypeSpec("sqlalchemy.dialects.postgresql.json:JSONB")
    text = TypeSpec("sqlalchemy.sql.sqltypes:TEXT")
    models = tmp_path / "m.py"
    models.write_text(source)
    (entity,) = parse_entities([models])
    where = entity.range_of("column:size")
    for spec, expected in (
        (text, "str] = mapped_column(sa.Text"),
        (jsonb, "Any] = mapped_column(postgresql.JSONB"),
    ):
        difference = SchemaDifference(
            "type",
            "things",
            "m",
            where,
            "error",
            column="size",
            declared=ColumnSchema("size", "Integer", TypeSpec("sqlalchemy.sql.sqltypes:Integer")),
            actual=ColumnSchema("size", spec.name, spec),
            entity=entity,
        )
        fix = model_edit(difference, source, "postgresql")
        assert fix is not None
        edited = apply_edits(source, fix.edits)
        assert f"    size: Mapped[{expected})\n" in edited
        compile(edited, "m.py", "exec")
    assert "from sqlalchemy.dialects import postgresql\nfrom typing import Any\n" in edited


LEGACY_MODELS = """\
# a legacy model\f (with a form feed, which is not a line break)
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Mapped, declarative_base, mapped_column

Base = declarative_base()


class Stamped:
    legacy: Mapped[str | None] = mapped_column(String(5))


class Item(Stamped, Base):
    __tablename__ = "items"

    id = Column(Integer, primary_key=True)
    name = Column(String(20))
    code = Column(String(5), nullable=False)
"""


def test_model_edits_on_legacy_columns(sqlite_db, tmp_path):
    """``Column(...)`` attributes get keywords, an added column is written as a
    ``Column``, and a column declared in a mixin is not removed (other entities share it)."""
    sqlite_db.execute(
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, "
        "code VARCHAR(5), price INTEGER DEFAULT 3)"
    )
    models = tmp_path / "legacy.py"
    models.write_text(LEGACY_MODELS)
    found = differences(sqlite_db.url, "sqlite", models)
    assert {(d.kind, d.column) for d in found} == {
        ("nullable", "name"),
        ("nullable", "code"),
        ("column_unmapped", "price"),
        ("column_missing", "legacy"),
    }
    source = models.read_text()
    missing = _first(found, "column_missing")
    assert model_edit(missing, source, "sqlite") is None

    for kind, column in (("nullable", "name"), ("nullable", "code"), ("column_unmapped", None)):
        fresh = differences(sqlite_db.url, "sqlite", models)
        fix = model_edit(_first(fresh, kind, column), models.read_text(), "sqlite")
        assert fix is not None
        models.write_text(apply_edits(models.read_text(), fix.edits))
    edited = models.read_text()
    assert "    name = Column(String(20), nullable=False)\n" in edited
    assert "    code = Column(String(5), nullable=True)\n" in edited
    assert '    price = Column(Integer, server_default=text("3"))\n' in edited
    imports = "from sqlalchemy.orm import Mapped, declarative_base, mapped_column\n"
    assert imports + "from sqlalchemy import text\n" in edited
    assert [(d.kind, d.column) for d in differences(sqlite_db.url, "sqlite", models)] == [
        ("column_missing", "legacy")
    ]


def test_generated_names_take_the_files_spelling_only_where_python_reads_a_name():
    """What a fix writes is renamed to the file's spelling by Python's tokenizer: strings,
    comments, attributes and keyword names keep their text, indented pieces are read too."""
    from schema_lsp.render.imports_in_file import rename_in_code

    piece = (
        "        Index(\"Index\", 'ix'),  # an Index\n"
        '        CheckConstraint("text > 1", name="Index"),\n'
        "    )"
    )
    renamed = rename_in_code(piece, "Index", "sa.Index")
    assert renamed == piece.replace('Index("Index"', 'sa.Index("Index"', 1)
    assert rename_in_code("x.text(text, text=text)", "text", "t") == "x.text(t, text=t)"


def test_a_fix_edits_the_callers_parse_only_when_it_read_the_same_text(tmp_path):
    """The server hands the fixer the workspace's parse of the file; a parse of another
    version of the text (an edit since) is not used: the text is parsed again."""
    from schema_lsp.entities.source import parse_source

    source = user_class()
    models = tmp_path / "m.py"
    models.write_text(source)
    (entity,) = parse_entities([models])
    difference = SchemaDifference(
        "nullable",
        "users",
        "m",
        entity.range_of("column:name"),
        "error",
        column="name",
        declared=entity.table.column("name"),
        actual=replace(entity.table.column("name"), nullable=True),
        declared_table=entity.table,
        entity=entity,
    )
    expected = model_edit(difference, source, "sqlite")
    assert expected is not None
    same = parse_source(source, str(models))
    older = parse_source("# an older version\n" + source, str(models))
    assert model_edit(difference, source, "sqlite", parsed=same) == expected
    assert model_edit(difference, source, "sqlite", parsed=older) == expected


@pytest.mark.parametrize(
    "server",
    [
        pytest.param("postgres_db", marks=pytest.mark.postgres),
        pytest.param("mysql_db", marks=pytest.mark.mysql),
    ],
)
def test_no_fix_makes_a_key_column_auto_incrementing(server, request, tmp_path):
    """A single integer primary key column with a foreign key is not auto-incrementing in
    SQLAlchemy; removing the key would make it so where the database's is not (a new
    difference), so that removal is not offered. (On SQLite such a column is the rowid,
    auto-incrementing in the database too: there the removal is right.)"""
    db = request.getfixturevalue(server)
    db.execute(
        "CREATE TABLE parents (id INTEGER PRIMARY KEY)",
        "CREATE TABLE details (parent_id INTEGER NOT NULL PRIMARY KEY, note VARCHAR(20))",
    )
    source = (
        "from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table\n\n"
        "metadata = MetaData()\n"
        "parents = Table(\n"
        '    "parents", metadata, Column("id", Integer, primary_key=True, autoincrement=False)\n'
        ")\n"
        "details = Table(\n"
        '    "details",\n'
        "    metadata,\n"
        '    Column("parent_id", Integer, ForeignKey("parents.id"), primary_key=True),\n'
        '    Column("note", String(20)),\n'
        ")\n"
    )
    path = tmp_path / "models.py"
    path.write_text(source)
    database = introspect_database(db.url)
    found = compare(parse_entities([path]), database)
    assert [d.kind for d in found] == ["foreign_key_missing"]
    assert model_edit(found[0], source, migration_dialect(database)) is None
