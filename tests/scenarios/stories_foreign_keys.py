# ruff: noqa: E501  (model source lines are kept as users write them)
"""Foreign keys: missing either side, another target, referential actions, and names that
differ only because of a naming convention (information, never drop and re-create)."""

from __future__ import annotations

from .scenario import Expect, Scenario, alembic_fp, changed, orm, then

LIBRARY = orm(
    """
    class Author(Base):
        __tablename__ = "authors"

        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(80))


    class Publisher(Base):
        __tablename__ = "publishers"

        id: Mapped[int] = mapped_column(primary_key=True)


    class Book(Base):  # [book]
        __tablename__ = "books"

        id: Mapped[int] = mapped_column(primary_key=True)
        author_id: Mapped[int] = mapped_column(sa.ForeignKey("authors.id", ondelete="CASCADE"))  # [author]
        publisher_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey(Publisher.id))  # [publisher]
        editor_id: Mapped[Optional[int]]  # [editor]
    """
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "foreign_keys_clean",
        "ForeignKey('authors.id', ondelete='CASCADE') and ForeignKey(Publisher.id) made by "
        "create_all: nothing (and no implicit MariaDB index reported).",
        LIBRARY,
    ),
    Scenario(
        "foreign_key_missing_in_database",
        "The model references publishers, the database column has no foreign key.",
        LIBRARY,
        expect=(Expect("SL180", "books", None, "publisher"),),
        database=changed(("mapped_column(sa.ForeignKey(Publisher.id))", "mapped_column()")),
    ),
    Scenario(
        "foreign_key_missing_in_model",
        "The database has a foreign key on editor_id -> authors.id the model does not declare.",
        LIBRARY,
        expect=(Expect("SL181", "books", "fk_books_editor", "book"),),
        database=changed(
            (
                "editor_id: Mapped[Optional[int]]",
                'editor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("authors.id", name="fk_books_editor"))',
            )
        ),
    ),
    Scenario(
        "foreign_key_target_differs",
        "publisher_id references publishers in the model, authors in the database.",
        LIBRARY,
        expect=(Expect("SL182", "books", None, "publisher"),),
        expect_on={
            # the difference carries the database's own name for the key
            "postgresql": (Expect("SL182", "books", "books_publisher_id_fkey", "publisher"),),
            "mysql": (Expect("SL182", "books", "books_ibfk_2", "publisher"),),
        },
        database=changed(("sa.ForeignKey(Publisher.id)", 'sa.ForeignKey("authors.id")')),
    ),
    Scenario(
        "foreign_key_ondelete_differs",
        "ondelete='CASCADE' in the model, NO ACTION in the database (Alembic issue 1602; "
        "other tools miss it).",
        LIBRARY,
        expect=(Expect("SL182", "books", None, "author"),),
        expect_on={
            # the difference carries the database's own name for the key
            "postgresql": (Expect("SL182", "books", "books_author_id_fkey", "author"),),
            "mysql": (Expect("SL182", "books", "books_ibfk_1", "author"),),
        },
        database=changed((', ondelete="CASCADE")', ")")),
    ),
    Scenario(
        "foreign_key_onupdate_differs",
        "onupdate='CASCADE' in the database only.",
        LIBRARY,
        expect=(Expect("SL182", "books", None, "publisher"),),
        expect_on={
            # the difference carries the database's own name for the key
            "postgresql": (Expect("SL182", "books", "books_publisher_id_fkey", "publisher"),),
            "mysql": (Expect("SL182", "books", "books_ibfk_2", "publisher"),),
        },
        database=changed(
            ("sa.ForeignKey(Publisher.id)", 'sa.ForeignKey(Publisher.id, onupdate="CASCADE")')
        ),
    ),
    Scenario(
        "restrict_equals_no_action_on_mysql",
        "ondelete='RESTRICT' in the model, the default in the database: the same behaviour "
        "on MariaDB only.",
        LIBRARY.replace('ondelete="CASCADE"', 'ondelete="RESTRICT"'),
        expect=(Expect("SL182", "books", None, "author"),),
        expect_on={
            "postgresql": (Expect("SL182", "books", "books_author_id_fkey", "author"),),
            "mysql": (),  # InnoDB: RESTRICT is NO ACTION
        },
        database=changed(
            ('sa.ForeignKey("authors.id", ondelete="RESTRICT")', 'sa.ForeignKey("authors.id")')
        ),
    ),
    Scenario(
        "composite_foreign_key_clean",
        "A composite ForeignKeyConstraint in __table_args__, made by create_all: nothing.",
        orm(
            """
            class Shelf(Base):
                __tablename__ = "shelves"

                room: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
                number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


            class Box(Base):
                __tablename__ = "boxes"
                __table_args__ = (
                    sa.ForeignKeyConstraint(["room", "shelf"], ["shelves.room", "shelves.number"], ondelete="CASCADE"),
                )

                id: Mapped[int] = mapped_column(primary_key=True)
                room: Mapped[str] = mapped_column(sa.String(10))
                shelf: Mapped[int]
            """
        ),
    ),
    Scenario(
        "foreign_key_name_only_differs",
        "MetaData(naming_convention=...) names the key fk_books_author_id_authors; the "
        "database's key has another name. Same columns, target and actions: only an info "
        "SL190, never drop and re-create (Alembic issues 1287, 1623, 519).",
        """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"})


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("authors.id"))  # [author]
""",
        expect=(Expect("SL190", "books", "fk_books_author_id_authors", "author"),),
        database=changed(
            (
                '"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"',
                '"fk": "legacy_fk_%(column_0_name)s"',
            )
        ),
    ),
    Scenario(
        "unique_name_only_differs",
        "A naming convention names the unique constraint uq_users_email; the database's is "
        "called users_email_key: info SL190 only (Alembic issue 1287 drops and re-adds).",
        """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(80), unique=True)  # [email]
""",
        expect=(Expect("SL190", "users", "uq_users_email", "email"),),
        database=changed(
            (
                '"uq": "uq_%(table_name)s_%(column_0_name)s"',
                '"uq": "%(table_name)s_%(column_0_name)s_key"',
            )
        ),
        oracle=(
            alembic_fp(
                "unique_missing",
                "users",
                "email",
                "Alembic matches unique constraints by name (issue 1287)",
            ),
            alembic_fp(
                "unique_unmapped",
                "users",
                "email",
                "Alembic matches unique constraints by name (issue 1287)",
                "sqlite",
                "postgresql",
            ),
            alembic_fp(
                "index_unmapped",
                "users",
                "email",
                "on MariaDB the reflected unique constraint is a unique index to Alembic (issue 1287)",
                "mysql",
            ),
        ),
    ),
    Scenario(
        "self_referencing_foreign_key_clean",
        "A tree: parent_id references the same table.",
        orm(
            """
            class Category(Base):
                __tablename__ = "categories"

                id: Mapped[int] = mapped_column(primary_key=True)
                parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("categories.id", ondelete="SET NULL"))
            """
        ),
    ),
    Scenario(
        "foreign_key_dropped_in_database",
        "Someone dropped books' foreign key to authors by hand.",
        LIBRARY.replace(
            'sa.ForeignKey("authors.id", ondelete="CASCADE")',
            'sa.ForeignKey("authors.id", ondelete="CASCADE", name="fk_books_author")',
        ),
        expect=(Expect("SL180", "books", "fk_books_author", "author"),),
        database=then(
            sqlite=(),
            postgresql=("ALTER TABLE books DROP CONSTRAINT fk_books_author",),
            mysql=("ALTER TABLE books DROP FOREIGN KEY fk_books_author",),
        ),
        expect_on={
            # MariaDB keeps the index it made for the key: now an index the model lacks.
            "mysql": (
                Expect("SL180", "books", "fk_books_author", "author"),
                Expect("SL161", "books", "fk_books_author", "book"),
            )
        },
        skip_on={"sqlite": "SQLite cannot drop a foreign key in place"},
    ),
)

DEFERRABLE = orm(
    """
    class Author(Base):
        __tablename__ = "authors"

        id: Mapped[int] = mapped_column(primary_key=True)


    class Book(Base):
        __tablename__ = "books"

        id: Mapped[int] = mapped_column(primary_key=True)
        author_id: Mapped[int] = mapped_column(sa.ForeignKey("authors.id", deferrable=True, initially="DEFERRED"))  # [author]
    """
)

SCENARIOS += (
    Scenario(
        "deferrable_foreign_key_clean",
        "A DEFERRABLE INITIALLY DEFERRED key from create_all (PostgreSQL): nothing.",
        DEFERRABLE,
        skip_on={
            "sqlite": "deferrable keys are compared on PostgreSQL",
            "mysql": "MariaDB has no deferrable keys",
        },
    ),
    Scenario(
        "deferrable_foreign_key_differs",
        "The model's key is DEFERRABLE INITIALLY DEFERRED, the database's is not: a key "
        "that behaves differently inside a transaction.",
        DEFERRABLE,
        expect=(Expect("SL182", "books", "books_author_id_fkey", "author"),),
        database=changed((', deferrable=True, initially="DEFERRED")', ")")),
        skip_on={
            "sqlite": "deferrable keys are compared on PostgreSQL",
            "mysql": "MariaDB has no deferrable keys",
        },
    ),
)
