# ruff: noqa: E501  (model source lines are kept as users write them)
"""Issue 10: names defined outside the files given (a base, a naming convention, a regex, a
helper in another module of the package), project helpers that build columns, and f-strings
of module constants. Only the models file is given to the parser (``files_given=False``):
everything else is found as a type checker finds imports, parsed, never imported."""

from __future__ import annotations

from schema_lsp.diff import CompareOptions

from .scenario import Expect, Scenario, alembic_fp, alembic_miss, changed, orm
from .stories_options import ALEMBIC_NO_CHECKS

NAMING = """\
import re

CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
STATUS_DEFAULT = "draft"
PREFIX = "ix"
"""

BASE = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from .naming import CAMEL, NAMING


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)

    @declared_attr.directive
    def __tablename__(cls) -> str:
        snake = CAMEL.sub("_", cls.__name__)
        return snake.lower()


class AuditMixin:
    created_by: Mapped[str] = mapped_column(sa.String(40), index=True)  # [created_by]
"""

ELSEWHERE = """\
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from proj.db.base import AuditMixin, Base
from proj.db.naming import PREFIX, STATUS_DEFAULT


class CustomerOrder(AuditMixin, Base):  # [order]
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20), server_default=sa.text(f"'{STATUS_DEFAULT}'"))  # [status]


class OrderLine(Base):
    __tablename__ = "order_line"
    __table_args__ = (sa.Index(f"{PREFIX}_{__tablename__}_sku", "sku"),)  # [sku_index]

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("customer_order.id"))  # [order_fk]
    sku: Mapped[str] = mapped_column(sa.String(30))
"""

FIELDS = """\
from typing import Any

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field


def build_fk_field(
    *,
    source: str,
    target: str,
    source_column: str,
    target_column: str = "id",
    ondelete: str = "CASCADE",
    nullable: bool = False,
    **kwargs: Any,
) -> Any:
    \"\"\"A foreign key column with a conventional constraint name.\"\"\"
    if not source or not target:
        raise ValueError("both tables are needed")
    name = f"fk_{source}_{source_column}_{target}"
    return Field(
        sa_column=Column(
            source_column,
            Integer,
            ForeignKey(f"{target}.{target_column}", ondelete=ondelete, name=name),
            nullable=nullable,
            **kwargs,
        )
    )
"""

SQLMODEL_HELPERS = """\
from typing import Optional

from sqlmodel import Field, SQLModel

from app.fields import build_fk_field


class Project(SQLModel, table=True):
    __tablename__ = "project"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)


class Member(SQLModel, table=True):
    __tablename__ = "member"

    id: Optional[int] = Field(default=None, primary_key=True)


class ProjectMember(SQLModel, table=True):
    __tablename__ = "project_member"

    project_id: int = build_fk_field(source=__tablename__, target=Project.__tablename__, source_column="project_id", primary_key=True)  # [project_id]
    member_id: Optional[int] = build_fk_field(source=__tablename__, target=Member.__tablename__, source_column="member_id", ondelete="SET NULL", nullable=True)  # [member_id]
"""

COLUMN_HELPERS = """\
import enum

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.columns import index_on, money, reference


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "account"

    class Kind(enum.Enum):
        basic = "basic"
        gold = "gold"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(sa.Enum(Kind, name="account_kind"))  # [kind]
    balance: Mapped[float] = money()  # [balance]
    credit: Mapped[float] = money(precision=14, nullable=True)  # [credit]


class Transfer(Base):
    __tablename__ = "transfer"
    __table_args__ = (index_on(__tablename__, ["amount", "account_id"], unique=False),)  # [amount_index]

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = reference("account", index=True)  # [account_id]
    amount: Mapped[float] = money()
"""

COLUMNS = """\
import sqlalchemy as sa
from sqlalchemy.orm import mapped_column


def money(precision: int = 12, *, nullable: bool = False):
    kwargs = {"nullable": nullable}
    if precision > 12:
        kwargs["comment"] = "wide"
    return mapped_column(sa.Numeric(precision, 2), **kwargs)


def index_on(table, columns, **kwargs):
    name = f"ix_{table}_{'_'.join(columns)}"[:64]
    return sa.Index(name, *columns, **kwargs)


def reference(table, column="id", **kwargs):
    kwargs.setdefault("nullable", False)
    ondelete = kwargs.pop("ondelete", "RESTRICT")
    return mapped_column(sa.Integer, sa.ForeignKey(f"{table}.{column}", ondelete=ondelete), **kwargs)
"""

OPAQUE_HELPER = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

from app.dynamic import key_column

Base = declarative_base()


class Parent(Base):
    __tablename__ = "parent"

    id = sa.Column(sa.Integer, primary_key=True)


class Child(Base):
    __tablename__ = "child"

    id = sa.Column(sa.Integer, primary_key=True)
    parent_id = key_column("parent")  # [parent_id]
    name = sa.Column(sa.String(20))  # [name]
"""

DYNAMIC = """\
import sqlalchemy as sa


def key_column(table):
    options = {}
    flags = ["index"]
    while flags:
        options[flags.pop()] = True
    return sa.Column(sa.Integer, sa.ForeignKey(table + ".id"), **options)
"""

FLASK_ELSEWHERE = """\
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Token(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    value = db.Column(db.String(64), nullable=False)


class UserSession(db.Model):
    __tablename__ = "user_session"
    __table_args__ = (
        db.UniqueConstraint("token_id", name="uq_user_session_token"),
        db.Index("ix_user_session_started", "started"),  # [started_index]
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(db.Integer, db.ForeignKey("token.id", name="fk_session_token"))  # [token_fk]
    started: Mapped[int] = mapped_column(db.BigInteger)
"""

EXTENSIONS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
"""

TYPES = """\
import datetime
from typing import overload

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.types import TypeDecorator

BigId = sa.BigInteger
BigId = BigId().with_variant(sa.Integer, "sqlite")


class JsonType(TypeDecorator):
    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.JSONB())
        return dialect.type_descriptor(self.impl)


class Slug(sa.types.TypeDecorator):
    impl = sa.String
    cache_ok = True

    def __init__(self, length=80, **kwargs):
        super().__init__(length, **kwargs)


class Uid(TypeDecorator):
    impl = sa.String(36)
    cache_ok = True


class JsonEncoded(TypeDecorator):
    impl = sa.Text
    cache_ok = True

    def __init__(self, mysql_as_long=False):
        super().__init__()
        if mysql_as_long:
            self.impl = sa.Text().with_variant(mysql.LONGTEXT(), "mysql")


class Blob(sa.LargeBinary):
    def result_processor(self, dialect, coltype):
        return None


class UtcDateTime(TypeDecorator):
    impl = sa.TIMESTAMP(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "mysql":
            return mysql.TIMESTAMP(fsp=6)
        return super().load_dialect_impl(dialect)


class Instant(datetime.datetime):
    pass  # a project's own datetime class, mapped in the type_annotation_map


class Stamp(TypeDecorator[datetime.datetime]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True


class Code(TypeDecorator):
    impl = sa.String
    cache_ok = True

    @overload
    def __init__(self) -> None: ...

    @overload
    def __init__(self, length: int) -> None: ...

    def __init__(self, length=12):
        super().__init__(length)


class Guid(TypeDecorator):
    impl = sa.CHAR
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(sa.CHAR(32))
"""

CUSTOM_TYPES = """\
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.types import (
    BigId,
    Blob,
    Code,
    Guid,
    Instant,
    JsonEncoded,
    JsonType,
    Slug,
    Stamp,
    Uid,
    UtcDateTime,
)


class Base(DeclarativeBase):
    type_annotation_map = {dict: JsonType, Instant: Stamp}


class Article(Base):
    __tablename__ = "article"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    body = mapped_column(JsonType)
    extra: Mapped[dict]
    slug = mapped_column(Slug())  # [slug]
    title_slug = mapped_column(Slug(120))
    uid = mapped_column(Uid, nullable=False)
    guid = mapped_column(Guid)
    info = mapped_column(JsonEncoded(mysql_as_long=True))
    payload = mapped_column(Blob)
    published: Mapped[Optional[Instant]]
    code = mapped_column(Code(20))
    stamped = mapped_column(UtcDateTime, nullable=True)


class Step(Base):
    __tablename__ = "step"
    __table_args__ = (
        sa.Index("article_id", "article_id"),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], name="fk_step_article"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id"))


class Node(Base):
    __tablename__ = "node"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    parent_key: Mapped[Optional[str]] = mapped_column(sa.String(40), sa.ForeignKey(key, name="fk_node_parent"))  # [parent_key]
"""

FLASK_SUBCLASS_EXTENSIONS = """\
import os

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy as FlaskSQLAlchemy


class Timestamp:
    created = sa.Column(sa.DateTime, nullable=False)  # [created]


class SQLAlchemy(FlaskSQLAlchemy):
    def __getattr__(self, name):
        if name == "Timestamp":
            return Timestamp
        return super().__getattr__(name)


NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s", "ix": "ix_%(column_0_label)s"}
db = SQLAlchemy(metadata=sa.MetaData(naming_convention=NAMING))


def table_args():
    if os.environ.get("DB_ENGINE") == "mysql":
        return {"mysql_charset": "utf8mb4"}
    return None
"""

FLASK_SUBCLASS = """\
from app.db import db, table_args

role_user = db.Table(
    "role_user",
    db.Column("role_id", db.Integer, db.ForeignKey("role.id"), primary_key=True),
    db.Column("user_id", db.Integer, primary_key=True),
)


class Role(db.Model, db.Timestamp):
    __tablename__ = "role"
    __table_args__ = (db.Index(None, "description"), table_args())

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), unique=True)
    description = db.Column(db.String(200))
"""

UTILS_TYPES = """\
import datetime
from typing import overload

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
from sqlalchemy_utils import ChoiceType, JSONType, ScalarListType
from sqlalchemy_utils.types import IPAddressType

Base = declarative_base()


class Device(Base):
    __tablename__ = "device"

    id = sa.Column(sa.Integer, primary_key=True)
    settings = sa.Column(JSONType)
    kind = sa.Column(ChoiceType([("a", "A")]))
    ports = sa.Column(ScalarListType(int))
    address = sa.Column(IPAddressType)  # [address]
"""

LOOP_TABLES = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"pk": "pk_%(table_name)s"})


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)


class Role(Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)


for entity in ("user", "group"):
    sa.Table(
        f"{entity}_role_map",
        Base.metadata,
        sa.Column(f"{entity}_id", sa.ForeignKey(f"{entity}s.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role_id", sa.ForeignKey("roles.id"), primary_key=True),
        sa.Column("managed", sa.Boolean, nullable=False),  # [managed]
    )
"""

EXPRESSION_INDEXES = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(100))
    nick: Mapped[str] = mapped_column(sa.String(40))
    created: Mapped[int] = mapped_column(sa.Integer)

    @declared_attr.directive
    @classmethod
    def __table_args__(cls):
        return (
            sa.Index("ix_member_lower_email", sa.func.lower(cls.email)),  # [lower_email]
            sa.Index("ix_member_nick_created", cls.nick, cls.created.desc()),
            sa.Index("ix_member_email_text", "nick", sa.text("email DESC")),
            sa.CheckConstraint(cls.nick.in_(["a", "b"]), name="ck_member_nick"),
        )
"""

MODEL_TYPED_KEYS = """\
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class UserModel(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)


class RunModel(Base):
    __tablename__ = "runs"

    @declared_attr.directive
    @classmethod
    def __table_args__(cls):
        live = cls.deleted == sa.false()
        return (sa.Index("ix_runs_live", cls.last_at, sqlite_where=live, postgresql_where=live),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped["UserModel"] = mapped_column(sa.ForeignKey("users.id"))  # [user_id]
    owner_id: Mapped[Optional["UserModel"]] = mapped_column(sa.ForeignKey("users.id"))
    user: Mapped["UserModel"] = relationship(foreign_keys=[user_id])
    deleted: Mapped[bool] = mapped_column(default=False)
    last_at: Mapped[int] = mapped_column()
"""

LISTENER_INDEXES = """\
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def lowercase_index(column):
    @event.listens_for(column.table, "after_create")
    def _after_create(target, connection, **kw):
        sa.Index(f"ix_{column.table.name}_{column.name}_lower", sa.func.lower(column)).create(
            connection
        )


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))


lowercase_index(Person.name)  # [listener]
"""

CONVENTION_FUNCTIONS = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase


def _column_names(constraint, table):
    return "_".join((c if isinstance(c, str) else c.name) for c in constraint.columns)


def _unique_index(constraint, table):
    return "uq_" if constraint.unique else ""


class Base(DeclarativeBase):
    pass


Base.metadata.naming_convention = {
    "ix": "ix_%(unique_index)s%(table_name)s_%(column_names)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "column_names": _column_names,
    "unique_index": _unique_index,
}
"""

CONVENTION_MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Email(Base):
    __tablename__ = "emails"
    __table_args__ = (
        sa.Index(None, "email", "user_id", unique=True),
        sa.CheckConstraint("email = lower(email)", "lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    email: Mapped[str] = mapped_column(sa.String(100))
"""

PROJ_FILES = {"proj/db/naming.py": NAMING, "proj/db/base.py": BASE}

TYPE_FACTORIES = """\
from typing import Any

from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator, TypeEngine


def UrlString(sa_type: TypeEngine[Any] | type[TypeEngine[Any]]) -> type[TypeDecorator]:
    class _UrlString(TypeDecorator[str]):
        impl = sa_type
        cache_ok = True

        def process_bind_param(self, value, dialect):
            return str(value)

    return _UrlString


def Versioned(length):
    class _Versioned(TypeDecorator):
        impl = postgresql.VARCHAR
        cache_ok = True

        def load_dialect_impl(self, dialect):
            if dialect.name == "mysql":
                return dialect.type_descriptor(postgresql.VARCHAR(length + 1))
            return dialect.type_descriptor(postgresql.VARCHAR(length))

    return _Versioned
"""

FACTORY_MODELS = """\
from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.types import UrlString, Versioned


class Base(DeclarativeBase):
    pass


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(UrlString(String(200)))  # [url]
    logo: Mapped[str] = mapped_column(UrlString(Text))  # [logo]
    version: Mapped[str] = mapped_column(Versioned(10))  # [version]
    slug: Mapped[str] = mapped_column(UrlString(String)(length=80))  # [slug]
"""

ALIASED_BASE = """\
from sqlalchemy import MetaData
from sqlalchemy.orm import declarative_base

Base = declarative_base(metadata=MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}))


class Model(Base):
    __abstract__ = True
"""

ALIASED_METADATA = """\
from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint

from app.base import Model

metadata = Model.metadata

link = Table(
    "link",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("items.id")),
    UniqueConstraint("item_id"),  # [link_unique]
)


class Item(Model):
    __tablename__ = "items"

    id = Column(Integer, primary_key=True)
    name = Column(String(20), unique=True)  # [name]
"""

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "metadata_alias_of_base_clean",
        "metadata = Model.metadata, Model a class over a declarative_base() of another "
        "module whose MetaData has a naming convention (as Flask-AppBuilder apps write "
        "it): the Table on it and the class both get the convention's names; nothing.",
        ALIASED_METADATA,
        files={"app/base.py": ALIASED_BASE},
        files_given=False,
    ),
    Scenario(
        "metadata_alias_of_base_drift",
        "The database lacks the Table's unique constraint: found at it.",
        ALIASED_METADATA,
        files={"app/base.py": ALIASED_BASE},
        files_given=False,
        database=changed(('    UniqueConstraint("item_id"),  # [link_unique]\n', "")),
        expect=(Expect("SL170", "link", "uq_link_item_id", "link_unique"),),
    ),
    Scenario(
        "type_factory_clean",
        "Columns typed by helpers of another module that define a TypeDecorator class in "
        "their body and return it (its impl the helper's argument, its load_dialect_impl "
        "using it), also called with the type's own arguments: each call's own type, per "
        "dialect, nothing to report.",
        FACTORY_MODELS,
        files={"app/types.py": TYPE_FACTORIES},
        files_given=False,
    ),
    Scenario(
        "type_factory_drift",
        "The database was made with other arguments to the helpers: found at each column.",
        FACTORY_MODELS,
        files={"app/types.py": TYPE_FACTORIES},
        files_given=False,
        database=changed(
            ("UrlString(String(200))", "UrlString(String(100))"),
            ("UrlString(Text)", "UrlString(String(50))"),
            ("Versioned(10)", "Versioned(12)"),
            ("(length=80)", "(length=90)"),
        ),
        expect=(
            Expect("SL120", "sites", "slug", "slug"),
            Expect("SL120", "sites", "url", "url"),
            Expect("SL120", "sites", "logo", "logo"),
            Expect("SL120", "sites", "version", "version"),
        ),
    ),
    Scenario(
        "imports_base_elsewhere_clean",
        "The base (its naming convention and a __tablename__ that snake-cases the class "
        "name with a regex of another module), a mixin and the constants used in f-strings "
        "all live in modules the user did not name: nothing to report.",
        ELSEWHERE,
        files=PROJ_FILES,
        files_given=False,
    ),
    Scenario(
        "imports_base_elsewhere_drift",
        "The same models against a database where the mixin's column is wider, the "
        "f-string default differs: each is found where it is written, in the other module "
        "for the mixin.",
        ELSEWHERE,
        files=PROJ_FILES,
        files_given=False,
        database=changed(
            ("sa.String(40), index=True", "sa.String(80), index=True"),
            ("f\"'{STATUS_DEFAULT}'\"", "\"'final'\""),
        ),
        expect=(
            Expect("SL120", "customer_order", "created_by", "created_by"),
            Expect("SL150", "customer_order", "status", "status"),
        ),
    ),
    Scenario(
        "sqlmodel_helper_fields_clean",
        "SQLModel fields made by a project helper in another module that returns "
        "Field(sa_column=Column(...)), with the key and its action and name computed from "
        "the arguments and primary_key=True passed through **kwargs: all checked, nothing "
        "to report.",
        SQLMODEL_HELPERS,
        files={"app/fields.py": FIELDS},
        files_given=False,
        needs=("sqlmodel",),
    ),
    Scenario(
        "sqlmodel_helper_fields_drift",
        "The helper's ON DELETE differs from the database's: reported on the field.",
        SQLMODEL_HELPERS,
        files={"app/fields.py": FIELDS},
        files_given=False,
        needs=("sqlmodel",),
        database=changed(('ondelete="SET NULL"', 'ondelete="CASCADE"')),
        expect=(
            Expect("SL182", "project_member", "fk_project_member_member_id_member", "member_id"),
        ),
    ),
    Scenario(
        "column_helpers_clean",
        "mapped_column helpers with defaults, an if on a parameter and kwargs edits "
        "(setdefault, pop), and an Index helper in __table_args__: fully checked, nothing "
        "to report.",
        COLUMN_HELPERS,
        files={"app/columns.py": COLUMNS},
        files_given=False,
    ),
    Scenario(
        "column_helpers_drift",
        "A helper-made column's precision, nullability and index differ: found at the "
        "attribute that calls the helper.",
        COLUMN_HELPERS,
        files={"app/columns.py": COLUMNS},
        files_given=False,
        database=changed(
            (
                "credit: Mapped[float] = money(precision=14, nullable=True)",
                "credit: Mapped[float] = money(precision=10, nullable=False)",
            ),
            ('reference("account", index=True)', 'reference("account")'),
            ('["amount", "account_id"], unique=False', '["amount", "account_id"], unique=True'),
            ('gold = "gold"', 'gold = "gold"\n        platinum = "platinum"'),
        ),
        expect=(
            Expect("SL120", "account", "credit", "credit"),
            Expect("SL130", "account", "credit", "credit"),
            Expect("SL160", "transfer", "ix_transfer_account_id", "account_id"),
            Expect("SL162", "transfer", "ix_transfer_amount_account_id", "amount_index"),
            Expect("SL120", "account", "kind", "kind"),
        ),
        oracle=(
            alembic_miss(
                "type",
                "account",
                "kind",
                "Alembic does not compare a native enum's values",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "helper_not_followed_claims_nothing",
        "A helper with a loop cannot be followed: its column is not checked (one note "
        "saying why), and nothing it could explain is claimed (no column, foreign key or "
        "index 'missing from the model'); the other columns are still compared.",
        OPAQUE_HELPER,
        files={"app/dynamic.py": DYNAMIC},
        files_given=False,
        database=changed(("sa.String(20))  # [name]", "sa.String(30))  # [name]")),
        expect=(
            Expect("SL001", "child", "parent_id", "parent_id"),
            Expect("SL120", "child", "name", "name"),
        ),
    ),
    Scenario(
        "project_types_clean",
        "TypeDecorator subclasses of another module (an impl class, an impl instance, an "
        "__init__ passing its own length on, a load_dialect_impl giving JSONB on "
        "PostgreSQL, a CHAR(32) that PostgreSQL's type_descriptor makes VARCHAR(32)), one in "
        "the type_annotation_map, an __init__ replacing self.impl (oslo.db's JSON types), "
        "super().load_dialect_impl() (Airflow's UtcDateTime), a LargeBinary subclass that "
        "only processes values (Galaxy's), "
        "T = T.with_variant(...), a ForeignKey naming its own class's attribute, an index "
        "named like MariaDB's own for a key, and a key declared twice (SQLite reads one): "
        "each compared as what it creates, nothing to report.",
        CUSTOM_TYPES,
        files={"app/types.py": TYPES},
        files_given=False,
    ),
    Scenario(
        "project_types_drift",
        "The decorator's default length differs from the database's: found at the column.",
        CUSTOM_TYPES,
        files={"app/types.py": TYPES},
        files_given=False,
        database=changed(
            ("mapped_column(Slug())  # [slug]", "mapped_column(Slug(60))  # [slug]"),
            ('name="fk_node_parent")', 'name="fk_node_parent", ondelete="CASCADE")'),
        ),
        expect=(
            Expect("SL120", "article", "slug", "slug"),
            Expect("SL182", "node", "fk_node_parent", "parent_key"),
        ),
    ),
    Scenario(
        "sqlalchemy_utils_types_clean",
        "sqlalchemy-utils' types (JSONType is JSON on PostgreSQL, text elsewhere; ChoiceType, "
        "ScalarListType, IPAddressType) are compared as what they create: nothing to report.",
        UTILS_TYPES,
        needs=("sqlalchemy_utils",),
    ),
    Scenario(
        "sqlalchemy_utils_types_drift",
        "The IP address column is longer in the database: reported.",
        UTILS_TYPES,
        needs=("sqlalchemy_utils",),
        database=changed(("sa.Column(IPAddressType)", "sa.Column(sa.Unicode(80))")),
        expect=(Expect("SL120", "device", "address", "address"),),
    ),
    Scenario(
        "tables_made_in_a_loop_clean",
        "Module-level `for entity in (...)` making a Table per item, with f-string table, "
        "column and key names (JupyterHub's role maps): each table is read, nothing to "
        "report.",
        LOOP_TABLES,
    ),
    Scenario(
        "tables_made_in_a_loop_drift",
        "The loop's tables allow NULL where the model says NOT NULL: found for each table.",
        LOOP_TABLES,
        database=changed(("sa.Boolean, nullable=False)", "sa.Boolean, nullable=True)")),
        expect=(
            Expect("SL130", "user_role_map", "managed", "managed"),
            Expect("SL130", "group_role_map", "managed", "managed"),
        ),
    ),
    Scenario(
        "expression_indexes_clean",
        "An index on func.lower(cls.email) in a declared_attr __table_args__, and one whose "
        "element is cls.created.desc(): the expression is built by SQLAlchemy from the "
        "table's columns and compared with each database's spelling; the order is not "
        "compared. Nothing to report, no note.",
        EXPRESSION_INDEXES,
        skip_on={"mysql": "MariaDB has no expression indexes"},
        oracle=(
            alembic_fp(
                "index_changed",
                "member",
                "nick,email DESC",
                "Alembic compares text('email DESC') with SQLite's plain email: re-created "
                "every run",
                "sqlite",
            ),
        ),
    ),
    Scenario(
        "expression_indexes_drift",
        "The database indexes upper(email) instead: the expression index is missing.",
        EXPRESSION_INDEXES,
        skip_on={"mysql": "MariaDB has no expression indexes"},
        database=changed(("sa.func.lower(cls.email)", "sa.func.upper(cls.email)")),
        expect=(Expect("SL162", "member", "ix_member_lower_email", "lower_email"),),
        oracle=(
            alembic_fp(
                "index_changed",
                "member",
                "nick,email DESC",
                "Alembic compares text('email DESC') with SQLite's plain email: re-created "
                "every run",
                "sqlite",
            ),
            alembic_miss(
                "index_changed", "member", "", "Alembic skips SQLite's expression indexes", "sqlite"
            ),
            alembic_miss(
                "index_changed", "member", "", "the same change, named by its SQL", "postgresql"
            ),
            alembic_fp(
                "index_changed",
                "member",
                "lower(member.email)",
                "the same change, Alembic names it by its SQL",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "key_typed_by_its_model_clean",
        'user_id: Mapped["UserModel"] = mapped_column(ForeignKey(...)) is a column (dstack): '
        "its type comes from the key, NOT NULL from the annotation (Optional[...] allows "
        "NULL); a partial index on deleted == false() is written per dialect (SQLite's 0); "
        "nothing to report.",
        MODEL_TYPED_KEYS,
    ),
    Scenario(
        "key_typed_by_its_model_drift",
        "The database allows NULL in user_id: reported at the column.",
        MODEL_TYPED_KEYS,
        database=changed(
            ('user_id: Mapped["UserModel"]', 'user_id: Mapped[Optional["UserModel"]]')
        ),
        expect=(Expect("SL130", "runs", "user_id", "user_id"),),
    ),
    Scenario(
        "indexes_made_by_a_listener",
        "A helper registers an after_create listener that creates an index (Indico's "
        "unaccent indexes): the database's extra index is not claimed; one note says the "
        "listener's DDL is not read.",
        LISTENER_INDEXES,
        skip_on={"mysql": "MariaDB has no expression indexes"},
        expect=(Expect("SL001", "person", None, "listener"),),
        oracle=(
            alembic_fp(
                "index_unmapped",
                "person",
                "lower(name::text)",
                "Alembic would drop the index its own listener made",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "naming_convention_with_functions",
        "The base's naming convention, set by Base.metadata.naming_convention = {...} in a "
        "module the user did not name, has function tokens (Indico's column_names and "
        "unique_index); a CheckConstraint gets its name as the second argument: every name "
        "is known and matches, nothing to report.",
        CONVENTION_MODELS,
        files={"app/db.py": CONVENTION_FUNCTIONS},
        files_given=False,
        options=CompareOptions(check_constraints=True),
    ),
    Scenario(
        "flask_db_elsewhere",
        "Flask-SQLAlchemy's db = SQLAlchemy() lives in a module the user did not name: "
        "db.ForeignKey, db.UniqueConstraint and db.Index are still read, and a changed key "
        "action is found.",
        FLASK_ELSEWHERE,
        files={"app/extensions.py": EXTENSIONS},
        files_given=False,
        needs=("flask_sqlalchemy",),
        database=changed(
            ('name="fk_session_token")', 'name="fk_session_token", ondelete="CASCADE")')
        ),
        expect=(Expect("SL182", "user_session", "fk_session_token", "token_fk"),),
    ),
    Scenario(
        "flask_db_subclass_clean",
        "db is a project subclass of Flask-SQLAlchemy's SQLAlchemy whose __getattr__ gives "
        "db.Timestamp (a mixin, as invenio-db does), with a naming convention, and "
        "__table_args__ ends with table_args(), engine options read from the environment, "
        "and db.Table('role_user', db.Column(...)) takes the db's MetaData implicitly: the "
        "mixin's column, the convention's names, the index and the table are all checked.",
        FLASK_SUBCLASS,
        files={"app/db.py": FLASK_SUBCLASS_EXTENSIONS},
        files_given=False,
        needs=("flask_sqlalchemy",),
    ),
    Scenario(
        "flask_db_subclass_drift",
        "The mixin's column is nullable in the database: found in the module of db.",
        FLASK_SUBCLASS,
        files={"app/db.py": FLASK_SUBCLASS_EXTENSIONS},
        files_given=False,
        needs=("flask_sqlalchemy",),
        database=changed(("sa.DateTime, nullable=False)", "sa.DateTime, nullable=True)")),
        expect=(Expect("SL130", "role", "created", "created"),),
    ),
    Scenario(
        "flask_db_elsewhere_index_dropped",
        "The same Flask models against a database without the index: reported at db.Index.",
        FLASK_ELSEWHERE,
        files={"app/extensions.py": EXTENSIONS},
        files_given=False,
        needs=("flask_sqlalchemy",),
        database=changed(
            ('        db.Index("ix_user_session_started", "started"),  # [started_index]\n', "")
        ),
        expect=(Expect("SL160", "user_session", "ix_user_session_started", "started_index"),),
    ),
)

MERGED_TABLE_ARGS_HELPERS = """\
def classproperty_of(function):
    return function


class classproperty:
    def __init__(self, function):
        self.function = function

    def __get__(self, instance, owner):
        return self.function.__get__(None, owner)()


def auto_table_args(cls, **extra):
    positional = []
    options = {}
    for attr in dir(cls):
        if not attr.endswith("__auto_table_args"):
            continue
        value = getattr(cls, attr)
        if not value:
            continue
        if isinstance(value, dict):
            options.update(value)
        elif isinstance(value, tuple):
            if isinstance(value[-1], dict):
                positional.extend(value[:-1])
                options.update(value[-1])
            else:
                positional.extend(value)
        else:
            raise ValueError(value)
    options.update(extra)
    if positional and options:
        return tuple(positional) + (options,)
    if options:
        return options
    return tuple(positional)
"""

MERGED_TABLE_ARGS = orm(
    """
    from sqlalchemy.orm import declared_attr

    from app.tables import auto_table_args, classproperty


    class Linked:
        unique_columns = ()
        __auto_table_args = {"info": {"kind": "overridden below"}}

        @classproperty
        @classmethod
        def __auto_table_args(cls):
            return (sa.UniqueConstraint("owner_id", *cls.unique_columns, name=f"uq_{cls.__tablename__}_owner"),)  # [uq]

        @declared_attr.directive
        def __table_args__(cls):
            return auto_table_args(cls)

        owner_id: Mapped[int] = mapped_column()


    class Note(Linked, Base):  # [note]
        __tablename__ = "notes"
        __auto_table_args = (sa.Index("ix_notes_title", "title"), {"info": {"kind": "note"}})  # [title]
        unique_columns = ("slot",)

        id: Mapped[int] = mapped_column(primary_key=True)
        slot: Mapped[int] = mapped_column()
        title: Mapped[str] = mapped_column(sa.String(40))


    class Folder(Linked, Base):
        __tablename__ = "folders"

        id: Mapped[int] = mapped_column(primary_key=True)

        @classproperty
        @staticmethod
        def __auto_table_args():
            return (sa.CheckConstraint("owner_id > 0", name="ck_folders_positive"),)  # [check]
    """
)

SCENARIOS += (
    Scenario(
        "merged_table_args_clean",
        "A declared_attr __table_args__ returns a helper's merge of every class's private "
        "__auto_table_args (found with dir(cls) and getattr, a class property run for the "
        "class, a tuple ending in an options dict, a mixin's unique constraint over "
        "*cls.unique_columns): each class gets its own, read and compared; nothing to "
        "report, no note.",
        MERGED_TABLE_ARGS,
        files={"app/tables.py": MERGED_TABLE_ARGS_HELPERS},
        files_given=False,
        options=CompareOptions(check_constraints=True),
    ),
    Scenario(
        "merged_table_args_drift",
        "The database's notes have no title index and a unique constraint without slot, "
        "its folders no check: each found where it is written.",
        MERGED_TABLE_ARGS,
        files={"app/tables.py": MERGED_TABLE_ARGS_HELPERS},
        files_given=False,
        options=CompareOptions(check_constraints=True),
        database=changed(
            ('(sa.Index("ix_notes_title", "title"), {', "({"),
            ('unique_columns = ("slot",)', "unique_columns = ()"),
            ('(sa.CheckConstraint("owner_id > 0", name="ck_folders_positive"),)', "()"),
        ),
        expect=(
            Expect("SL160", "notes", "ix_notes_title", "title"),
            Expect("SL170", "notes", "uq_notes_owner", "uq"),
            Expect("SL171", "notes", "uq_notes_owner", "note"),
            Expect("SL192", "folders", "ck_folders_positive", "check"),
        ),
        oracle=(alembic_miss("check_missing", "folders", None, ALEMBIC_NO_CHECKS),),
    ),
)
