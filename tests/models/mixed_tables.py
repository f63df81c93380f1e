"""Imperative tables on declarative bases' metadata (association tables, the common case):
``Table("t", Base.metadata, ...)`` uses the base's MetaData, with its naming convention,
whether written on the class, in ``declarative_base(metadata=...)`` or assigned later."""

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declarative_base, mapped_column


class Base(DeclarativeBase):
    pass


Base.metadata.naming_convention = {
    "ix": "idx_%(table_name)s_%(column_0_name)s",
    "uq": "uniq_%(table_name)s_%(column_0_name)s",
    "fk": "fkey_%(table_name)s_%(column_0_name)s",
    "pk": "pkey_%(table_name)s",
}


class Author(Base):
    __tablename__ = "mixed_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)


class Book(Base):
    __tablename__ = "mixed_books"
    id: Mapped[int] = mapped_column(primary_key=True)


authorship = Table(
    "mixed_authorship",
    Base.metadata,
    Column("author_id", ForeignKey("mixed_authors.id"), primary_key=True),
    Column("book_id", ForeignKey("mixed_books.id"), primary_key=True),
    Column("position", Integer, index=True),
)

# Through a mapped class: the same MetaData as its base.
reviews = Table(
    "mixed_reviews",
    Author.metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20)),
    UniqueConstraint("code"),
)


class Other(DeclarativeBase):
    metadata = MetaData(naming_convention={"ix": "o_ix_%(column_0_label)s"})


tags = Table(
    "mixed_tags",
    Other.metadata,
    Column("id", Integer, primary_key=True),
    Column("label", String(30), index=True),
)

Legacy = declarative_base(metadata=MetaData(naming_convention={"uq": "l_uq_%(column_0_name)s"}))

labels = Table(
    "mixed_labels",
    Legacy.metadata,
    Column("id", Integer, primary_key=True),
    Column("text", String(30), unique=True),
)
