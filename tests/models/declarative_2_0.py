# ruff: noqa: UP045  (fixtures spell Optional[...] on purpose: the parser must read it)
"""SQLAlchemy 2.0 declarative models: Mapped/mapped_column, conventions, aliases."""

import datetime
import decimal
import enum
import uuid
from typing import Annotated, Literal, Optional

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, ForeignKey, Index, MetaData, UniqueConstraint, func, text
from sqlalchemy import String as S
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr
from sqlalchemy.orm import mapped_column as mc

intpk = Annotated[int, mc(primary_key=True)]
str50 = Annotated[str, 50]
required_name = Annotated[str, mc(S(80), nullable=False, index=True)]

CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=CONVENTION)
    type_annotation_map = {str50: S(50), datetime.datetime: sa.DateTime(timezone=True)}


class Color(enum.Enum):
    red = "r"
    green = "g"


class Timestamps:
    created: Mapped[datetime.datetime] = mc(server_default=func.now())
    updated: Mapped[Optional[datetime.datetime]] = mc(onupdate=func.now())


class User(Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("id > 0", name="positive_id"),
        UniqueConstraint("name", "email"),
        Index("ix_users_lower", "email", "name", unique=True),
        {"comment": "people"},
    )

    id: Mapped[intpk]
    name: Mapped[str50] = mc(index=True)
    email: Mapped[Optional[str]] = mc(S(120), unique=True, comment="mail")
    nick: Mapped[required_name]
    color: Mapped[Color] = mc(server_default="red")
    kind: Mapped[Literal["a", "bb"]]
    active: Mapped[bool] = mc(server_default=sa.false())
    score = sa.Column(sa.Numeric(10, 2), nullable=False, server_default=text("0"))
    price: Mapped[decimal.Decimal | None]
    token: Mapped[uuid.UUID] = mc(default=uuid.uuid4)
    ratio: Mapped[float]
    blob: Mapped[bytes | None]
    day: Mapped[datetime.date]
    span: Mapped[Optional[datetime.timedelta]]
    forced: Mapped[Optional[int]] = mc(nullable=False)
    qty: Mapped[int] = mc(sa.CheckConstraint("qty >= 0", name="qty_nonneg"), server_default="0")


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = {"schema": "blog"}

    id: Mapped[int] = mc(primary_key=True)
    user_id: Mapped[int] = mc(ForeignKey(User.id, ondelete="cascade"))
    editor_id = mc(ForeignKey("users.id", name="fk_editor", onupdate="CASCADE"))
    title: Mapped[str | None] = mc(sa.String(200), server_default=text("'untitled'"))
    body: Mapped[str] = mc(sa.Text, deferred=True)


class Named:
    @declared_attr.directive
    def __tablename__(cls) -> str:
        return cls.__name__.lower()

    @declared_attr
    def label(cls) -> Mapped[str]:
        return mc(S(30), server_default="x")


class Tag(Named, Base):
    id: Mapped[int] = mc(primary_key=True)
    post_id: Mapped[int] = mc(ForeignKey(Post.__table__.c.id), primary_key=True)


Index("ix_posts_title_body", Post.title, Post.__table__.c.body)
