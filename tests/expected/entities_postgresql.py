import datetime
import decimal
import uuid
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    Double,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Users(Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email", name="uq_users_email"),
        CheckConstraint("balance >= 0", name="ck_balance"),
        Index("ix_users_lower_email", text("lower((email)::text)")),
        Index("ix_users_token", "token", postgresql_using="hash"),
        Index(
            "ux_users_mood",
            "mood",
            "my col",
            unique=True,
            postgresql_where=text("(2fa)"),
        ),
        {"comment": "People who log in"},
    )

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    email: Mapped[str] = mapped_column(
        String(255, collation="C"),
        comment="Login 'name'",
    )
    mood: Mapped[str] = mapped_column(
        Enum("happy", "sad", "in between", name="mood"),
        server_default="happy",
    )
    balance: Mapped[decimal.Decimal] = mapped_column(
        Numeric(10, 2),
        server_default=text("0"),
    )
    seen_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTime(timezone=True),
        server_default=text("now()"),
    )
    precise: Mapped[datetime.datetime | None] = mapped_column(
        postgresql.TIMESTAMP(precision=3),
    )
    prefs: Mapped[Any | None] = mapped_column(postgresql.JSONB)
    address: Mapped[str | None] = mapped_column(postgresql.INET)
    token: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    ratio: Mapped[float | None] = mapped_column(Double)
    doubled: Mapped[decimal.Decimal | None] = mapped_column(
        Numeric,
        Computed("balance * 2", persisted=True),
    )
    class_: Mapped[str | None] = mapped_column("class", Text)
    my_col: Mapped[str | None] = mapped_column("my col", Text)
    _2fa: Mapped[bool] = mapped_column("2fa", Boolean, server_default=text("false"))
    text_: Mapped[str | None] = mapped_column("text", Text, server_default="it's")
    Mapped_: Mapped[int | None] = mapped_column("Mapped", Integer)
    metadata_: Mapped[str | None] = mapped_column("metadata", Text)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(20)), server_default="{}")


class OrderItems(Base):
    __tablename__ = "order_items"
    __table_args__ = (
        PrimaryKeyConstraint("line_no", "order_id", name="pk_order_items"),
        ForeignKeyConstraint(
            ["order_id", "line_no"],
            ["sales.order_lines.id", "sales.order_lines.line_no"],
            ondelete="CASCADE",
            onupdate="RESTRICT",
            name="fk_items_order",
        ),
    )

    order_id: Mapped[int] = mapped_column(BigInteger)
    line_no: Mapped[int] = mapped_column(SmallInteger)
    user_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey(
            "users.id",
            deferrable=True,
            initially="DEFERRED",
            name="fk_items_user",
        ),
    )
    quantity: Mapped[int] = mapped_column(Integer, server_default=text("1"))


class Integer_(Base):
    __tablename__ = "integer"
    __table_args__ = (PrimaryKeyConstraint("external_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, autoincrement=True)
    external_id: Mapped[int] = mapped_column(Integer)


class Codes(Base):
    __tablename__ = "codes"

    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


t_audit_log = Table(
    "audit log",
    Base.metadata,
    Column("at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Column("what", Text, comment="Free text"),
    Index("ix_audit_at", "at"),
    comment="No primary key",
    schema="app",
)


# Views are not mapped: create_all would make them tables.
# view "active_users"
