# ruff: noqa: E501  (model source lines are kept as users write them)
"""Tables and columns: missing on either side, nullability, primary keys, autoincrement."""

from __future__ import annotations

from schema_lsp.diff import CompareOptions

from .scenario import Expect, Scenario, changed, orm, then

USERS = orm(
    """
    class User(Base):  # [user]
        __tablename__ = "users"

        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(sa.String(120))  # [email]
        nickname: Mapped[Optional[str]] = mapped_column(sa.String(40))  # [nickname]


    class Post(Base):  # [post]
        __tablename__ = "posts"

        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(sa.String(200))
    """
)

SCENARIOS = (
    Scenario(
        "table_missing",
        "The user adds a Post model and runs the check before migrating: posts is missing.",
        USERS,
        expect=(Expect("SL100", "posts", None, "post"),),
        database=then(all=("DROP TABLE posts",)),
    ),
    Scenario(
        "table_unmapped_on_request",
        "A table only the database has (audit_log) is reported when asked for, as info.",
        USERS,
        expect=(Expect("SL101", "audit_log", None, None),),
        database=then(all=("CREATE TABLE audit_log (id INTEGER PRIMARY KEY, note VARCHAR(20))",)),
        options=CompareOptions(unmapped_tables=True),
    ),
    Scenario(
        "table_unmapped_not_asked",
        "The same extra table without the option: nothing (many databases hold other apps' "
        "tables).",
        USERS,
        database=then(all=("CREATE TABLE audit_log (id INTEGER PRIMARY KEY, note VARCHAR(20))",)),
    ),
    Scenario(
        "column_missing_in_database",
        "The user adds `nickname` to the model but the database does not have it yet.",
        USERS,
        expect=(Expect("SL110", "users", "nickname", "nickname"),),
        database=then(all=("ALTER TABLE users DROP COLUMN nickname",)),
    ),
    Scenario(
        "column_missing_in_model",
        "A DBA added users.legacy_code; the model does not know it (reported on the class).",
        USERS,
        expect=(Expect("SL111", "users", "legacy_code", "user"),),
        database=then(all=("ALTER TABLE users ADD COLUMN legacy_code VARCHAR(20)",)),
    ),
    Scenario(
        "nullable_in_model_not_null_in_database",
        "Optional[str] in the model, NOT NULL in the database.",
        USERS,
        expect=(Expect("SL130", "users", "nickname", "nickname"),),
        database=changed(("nickname: Mapped[Optional[str]]", "nickname: Mapped[str]")),
    ),
    Scenario(
        "not_null_in_model_nullable_in_database",
        "Mapped[str] (NOT NULL) in the model, nullable in the database.",
        USERS,
        expect=(Expect("SL130", "users", "email", "email"),),
        database=changed(("email: Mapped[str]", "email: Mapped[Optional[str]]")),
    ),
    Scenario(
        "nullable_explicit_flag",
        "nullable=False written explicitly on an Optional annotation wins (SQLAlchemy's rule).",
        orm(
            """
            class Tag(Base):
                __tablename__ = "tags"

                id: Mapped[int] = mapped_column(primary_key=True)
                label: Mapped[Optional[str]] = mapped_column(sa.String(30), nullable=False)  # [label]
            """
        ),
        expect=(Expect("SL130", "tags", "label", "label"),),
        database=changed(("nullable=False", "nullable=True")),
    ),
    Scenario(
        "composite_primary_key_differs",
        "An association table whose key is (order_id, product_id) in the model but only "
        "order_id in the database.",
        orm(
            """
            class OrderLine(Base):  # [line]
                __tablename__ = "order_lines"

                order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # [order]
                product_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # [product]
                quantity: Mapped[int]
            """
        ),
        # Without a primary key column of its own, the key is reported on the class.
        # On SQLite the database's lone INTEGER PRIMARY KEY is the rowid, which assigns
        # values whatever a model says: autoincrement is not compared there.
        expect=(Expect("SL140", "order_lines", None, "line"),),
        database=changed(
            (
                "product_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)",
                "product_id: Mapped[int] = mapped_column()",
            )
        ),
    ),
    Scenario(
        "composite_primary_key_clean",
        "A composite primary key declared with PrimaryKeyConstraint in __table_args__.",
        orm(
            """
            class Membership(Base):
                __tablename__ = "memberships"
                __table_args__ = (sa.PrimaryKeyConstraint("group_id", "user_id"),)

                group_id: Mapped[int]
                user_id: Mapped[int]
                role: Mapped[str] = mapped_column(sa.String(20))
            """
        ),
    ),
    Scenario(
        "autoincrement_off_in_model",
        "autoincrement=False on an integer key, but the database assigns ids itself.",
        orm(
            """
            class Ticket(Base):
                __tablename__ = "tickets"

                id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # [id]
                subject: Mapped[str] = mapped_column(sa.String(80))
            """
        ),
        expect=(Expect("SL141", "tickets", "id", "id"),),
        expect_on={"sqlite": ()},  # the rowid assigns ids whatever the model says
        database=changed(("primary_key=True, autoincrement=False", "primary_key=True")),
    ),
    Scenario(
        "autoincrement_off_clean",
        "autoincrement=False and a database made from the same model: nothing on any "
        "dialect (on SQLite the key is the rowid either way: the DDL is identical).",
        orm(
            """
            class Ticket(Base):
                __tablename__ = "tickets"

                id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # [id]
                subject: Mapped[str] = mapped_column(sa.String(80))
            """
        ),
    ),
    Scenario(
        "integer_primary_key_clean",
        "A plain Integer primary key (SQLite rowid, SERIAL, AUTO_INCREMENT): nothing "
        "(Alembic issue 1030 reported spurious ALTERs on SQLite).",
        orm(
            """
            class Item(Base):
                __tablename__ = "items"

                id = mapped_column(sa.Integer, primary_key=True)
                name = mapped_column(sa.String(50), nullable=False)
            """
        ),
    ),
)
