# ruff: noqa: UP037, UP045  (fixtures spell Optional[...] and "quoted" types on purpose)
"""Less common SQLAlchemy spellings real projects use."""

from __future__ import annotations

import enum
from typing import NewType, Optional

import sqlalchemy as sa
from sqlalchemy import MetaData, func
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import (
    Mapped,
    column_property,
    declarative_base,
    declared_attr,
    mapped_column,
    relationship,
    synonym,
)

UserId = NewType("UserId", int)

Base = declarative_base(
    metadata=MetaData(
        naming_convention={
            sa.Index: "idx_%(table_name)s_%(column_0_N_name)s",
            "uq": "%(table_name)s_%(column_0_name)s_key",
            "fk": "%(table_name)s_%(column_0_name)s_fkey",
        }
    ),
    type_annotation_map={UserId: sa.BigInteger},
)


class Level(str, enum.Enum):
    LOW = "low"
    HIGH = "high"


class Audited:
    @declared_attr
    def created_by(cls) -> Mapped[Optional[int]]:
        return mapped_column(sa.Integer, comment="who")

    @declared_attr
    def __table_args__(cls):
        return (sa.Index(None, "created_by"),)


class Parent(Audited, Base):
    __tablename__ = "parent"

    id = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    user_name: Mapped[str] = mapped_column("login", sa.String(40), unique=True)
    level: Mapped[Optional["Level"]] = mapped_column(
        sa.Enum(Level, name="level_enum", native_enum=False, length=10)
    )
    payload = mapped_column(postgresql.JSONB, server_default=sa.text("'{}'::jsonb"))
    tags = mapped_column(postgresql.ARRAY(sa.String(20)))
    owner: Mapped[UserId]
    stamp = mapped_column(sa.DateTime(timezone=True), server_default=func.current_timestamp())
    children: Mapped[list[Child]] = relationship(back_populates="parent")
    login_alias = synonym("user_name")
    upper_name = column_property(func.upper(user_name))


class Child(Base):
    __tablename__ = "child"
    __table_args__ = (
        sa.Index("ix_child_lower", func.lower(sa.literal_column("name"))),
        sa.UniqueConstraint("parent_id", "name"),
        {"schema": None, "mysql_engine": "InnoDB"},
    )

    id = sa.Column(sa.Integer, sa.Sequence("child_seq"), primary_key=True)
    parent_id: Mapped[int] = mapped_column(sa.ForeignKey("parent.id", ondelete="SET NULL"))
    name: Mapped[Optional[str]] = mapped_column(sa.String(50).evaluates_none())
    parent: Mapped[Parent] = relationship(back_populates="children")
