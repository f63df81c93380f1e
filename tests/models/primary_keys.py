"""Nullability of primary key columns as SQLAlchemy decides it: NOT NULL unless the
column says otherwise itself (``nullable=True``, or ``Optional[...]`` with
``primary_key=True``); a ``PrimaryKeyConstraint`` makes an annotation-only Optional NOT
NULL. SQLite keeps such columns nullable; PostgreSQL and MySQL make them NOT NULL anyway."""

from sqlalchemy import Column, Integer, MetaData, PrimaryKeyConstraint, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData()


class Plain(Base):
    __tablename__ = "pk_plain"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)


class Explicit(Base):
    __tablename__ = "pk_explicit"
    code: Mapped[str] = mapped_column(String(20), primary_key=True, nullable=True)


class OptionalFlag(Base):
    __tablename__ = "pk_optional_flag"
    code: Mapped[str | None] = mapped_column(String(20), primary_key=True)


class OptionalConstraint(Base):
    __tablename__ = "pk_optional_constraint"
    __table_args__ = (PrimaryKeyConstraint("code"),)
    code: Mapped[str | None] = mapped_column(String(20))


class ExplicitConstraint(Base):
    __tablename__ = "pk_explicit_constraint"
    __table_args__ = (PrimaryKeyConstraint("code", "n"),)
    code: Mapped[str] = mapped_column(String(20), nullable=True)
    n: Mapped[int] = mapped_column(Integer)


legacy = Table(
    "pk_legacy",
    Base.metadata,
    Column("code", String(20), primary_key=True, nullable=True),
    Column("other", String(20), primary_key=True),
)
