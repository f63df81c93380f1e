# ruff: noqa: E501  (model source lines are kept as users write them)
"""What create_all really builds: metadata that a database creates differently, or not at
all, is compared with what that database made, never claimed as missing (issue 10, point 7).
The rules live as data in ``schema_lsp.dialects.RULES``; tests/test_dialect_rules.py
proves each fact on the databases themselves."""

from __future__ import annotations

from schema_lsp.diff import CompareOptions

from .scenario import Database, Expect, Scenario, alembic_fp, alembic_miss, changed, orm
from .stories_options import ALEMBIC_NO_CHECKS

CHECKS = CompareOptions(check_constraints=True)
DDL_IF = "Alembic asks for an object that .ddl_if(dialect=...) makes on other dialects only"
NO_DEFERRABLE = "MariaDB rejects DEFERRABLE/INITIALLY in a foreign key: create_all fails"

NON_UNIQUE_TARGET = orm(
    """
    class Warehouse(Base):
        __tablename__ = "warehouses"

        id: Mapped[int] = mapped_column(primary_key=True)
        region: Mapped[str] = mapped_column(sa.String(10), index=True)


    class Shipment(Base):  # [shipment]
        __tablename__ = "shipments"

        id: Mapped[int] = mapped_column(primary_key=True)
        region: Mapped[str] = mapped_column(sa.String(10), sa.ForeignKey("warehouses.region"))  # [region]
    """
)

DOUBLE_UNIQUE = orm(
    """
    class Item(Base):  # [item]
        __tablename__ = "items"
        __table_args__ = (
            sa.UniqueConstraint("code", name="uq_items_code"),  # [named]
            sa.Index("ix_items_sku", "sku", unique=True),  # [sku_index]
        )

        id: Mapped[int] = mapped_column(primary_key=True)
        code: Mapped[str] = mapped_column(sa.String(10), unique=True)  # [code]
        sku: Mapped[str] = mapped_column(sa.String(10), unique=True)  # [sku]
    """
)

INDEX_FLAGS = orm(
    """
    class Parent(Base):
        __tablename__ = "parents"

        id: Mapped[int] = mapped_column(primary_key=True, index=True)


    class Child(Base):  # [child]
        __tablename__ = "children"
        __table_args__ = (sa.Index("ix_children_pair", "second_id", "name"),)

        id: Mapped[int] = mapped_column(primary_key=True)
        first_id: Mapped[int] = mapped_column(sa.ForeignKey("parents.id"), index=True)
        second_id: Mapped[int] = mapped_column(sa.ForeignKey("parents.id"))
        third_id: Mapped[int] = mapped_column(sa.ForeignKey("parents.id"))
        fourth_id: Mapped[int] = mapped_column(sa.ForeignKey("parents.id"), unique=True)
        name: Mapped[str] = mapped_column(sa.String(10))
        email: Mapped[str] = mapped_column(sa.String(50), unique=True, index=True)  # [email]
    """
)

CHECKED = orm(
    """
    class Reading(Base):  # [reading]
        __tablename__ = "readings"
        __table_args__ = (
            sa.CheckConstraint("level != 3"),  # [not_three]
            sa.CheckConstraint("level IN (1, 2, 4)"),
            sa.CheckConstraint("level NOT IN (7, 8)"),
            sa.CheckConstraint("level BETWEEN 0 AND 10"),
            sa.CheckConstraint("lower(unit) <> 'x'"),
            sa.CheckConstraint("upper(unit) <> 'Y'"),
            sa.CheckConstraint("length(unit) > 0"),
            sa.CheckConstraint("unit IN ('kg', 'lb')"),
            sa.CheckConstraint("active = TRUE OR level > 0"),
        )

        id: Mapped[int] = mapped_column(primary_key=True)
        level: Mapped[int]
        unit: Mapped[str] = mapped_column(sa.String(5))
        active: Mapped[bool]
        kind: Mapped[str] = mapped_column(sa.Enum("a", "b", name="reading_kind", native_enum=False, create_constraint=True))
        flag: Mapped[bool] = mapped_column(sa.Boolean(create_constraint=True))
        plain: Mapped[str] = mapped_column(sa.Enum("x", "y", name="plain_kind", native_enum=False))
    """
)

ACTIONS = orm(
    """
    class Owner(Base):
        __tablename__ = "owners"

        id: Mapped[int] = mapped_column(primary_key=True)


    class Pet(Base):  # [pet]
        __tablename__ = "pets"

        id: Mapped[int] = mapped_column(primary_key=True)
        a_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("owners.id", ondelete="CASCADE", onupdate="CASCADE"))
        b_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("owners.id", ondelete="SET NULL"))
        c_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("owners.id", ondelete="RESTRICT", onupdate="RESTRICT"))
        d_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("owners.id", ondelete="SET DEFAULT", onupdate="SET DEFAULT"))  # [set_default]
        e_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("owners.id", ondelete="NO ACTION"))
    """
)

DEFERRED = orm(
    """
    class Node(Base):  # [node]
        __tablename__ = "nodes"

        id: Mapped[int] = mapped_column(primary_key=True)
        parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("nodes.id", deferrable=True, initially="DEFERRED"))  # [parent]
    """
)

CONDITIONAL = orm(
    """
    class Doc(Base):  # [doc]
        __tablename__ = "docs"
        __table_args__ = (
            sa.PrimaryKeyConstraint(name="pk_docs"),
            sa.Index("ix_docs_title_pg", "title").ddl_if(dialect="postgresql"),  # [pg_only]
            sa.UniqueConstraint("slug", name="uq_docs_slug").ddl_if(dialect=("sqlite", "mysql")),
            sa.CheckConstraint("length(title) > 0", name="ck_docs_title").ddl_if(dialect="sqlite"),
        )

        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(sa.String(50))
        slug: Mapped[str] = mapped_column(sa.String(50))
    """
)

LONG_DEFAULTS = orm(
    """
    class Page(Base):  # [page]
        __tablename__ = "pages"

        id: Mapped[int] = mapped_column(primary_key=True)
        body: Mapped[str] = mapped_column(sa.Text, server_default="empty")  # [body]
        data: Mapped[bytes] = mapped_column(sa.LargeBinary, server_default=sa.text("'x'"))  # [data]
    """
)

EMPTY_INDEX = orm(
    """
    class Tag(Base):  # [tag]
        __tablename__ = "tags"
        __table_args__ = (
            sa.Index("ix_tags_nothing"),  # [nothing]
            sa.Index("ix_tags_label", "label"),
        )

        id: Mapped[int] = mapped_column(primary_key=True)
        label: Mapped[str] = mapped_column(sa.String(20))
    """
)

SCENARIOS = (
    Scenario(
        "fk_to_non_unique_column",
        "A foreign key to an indexed, non-unique column: SQLite creates it, MariaDB too "
        "(it needs only an index on the referred column), PostgreSQL refuses it. Where it "
        "exists: nothing.",
        NON_UNIQUE_TARGET,
        skip_on={
            "postgresql": "PostgreSQL refuses a foreign key to a column without a unique "
            "constraint or primary key: create_all fails"
        },
    ),
    Scenario(
        "fk_to_non_unique_column_missing",
        "The same foreign key, absent from the database: reported where it could exist.",
        NON_UNIQUE_TARGET,
        expect=(Expect("SL180", "shipments", None, "region"),),
        database=changed(('sa.String(10), sa.ForeignKey("warehouses.region"))', "sa.String(10))")),
        skip_on={"postgresql": "PostgreSQL refuses the foreign key: create_all fails"},
    ),
    Scenario(
        "unique_constraint_beside_unique_true",
        "unique=True on code beside UniqueConstraint('code'): SQLite and PostgreSQL keep one "
        "constraint (the first, uq_items_code), MariaDB keeps two unique indexes; unique=True "
        "on sku beside a unique Index makes a constraint and an index everywhere. Nothing.",
        DOUBLE_UNIQUE,
    ),
    Scenario(
        "unique_constraint_twice_missing",
        "Neither unique constraint on code is in the database: one claim where the database "
        "would merge them, two on MariaDB, which keeps both.",
        DOUBLE_UNIQUE,
        expect=(Expect("SL170", "items", "uq_items_code", "named"),),
        expect_on={
            "mysql": (
                Expect("SL170", "items", "uq_items_code", "named"),
                Expect("SL170", "items", None, "code"),
            )
        },
        database=changed(
            ('sa.UniqueConstraint("code", name="uq_items_code"),', ""),
            ("sa.String(10), unique=True)  # [code]", "sa.String(10))"),
        ),
        oracle=(
            alembic_fp(
                "unique_missing",
                "items",
                "code",
                "Alembic asks for both constraints where the database merges them into one",
                "sqlite",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "index_flags_and_foreign_key_indexes",
        "index=True on a primary key, index=True on a foreign key column (MariaDB then makes "
        "no index of its own), a composite index led by a foreign key column, a foreign key "
        "column with unique=True, one with nothing (MariaDB indexes it itself) and "
        "unique=True with index=True (one unique index): nothing.",
        INDEX_FLAGS,
    ),
    Scenario(
        "unique_index_flag_not_unique_in_database",
        "unique=True with index=True, but the database's index is not unique.",
        INDEX_FLAGS,
        expect=(Expect("SL162", "children", "ix_children_email", "email"),),
        database=changed(("unique=True, index=True)", "index=True)")),
    ),
    Scenario(
        "checks_as_each_database_prints_them",
        "CHECKs PostgreSQL and MariaDB print back rewritten (!= as <>, IN as = ANY (ARRAY[..]), "
        "BETWEEN as >= AND <=, lower as lcase, length as octet_length, TRUE as 1), and the "
        "CHECKs of a non-native Enum and a Boolean with create_constraint=True: nothing.",
        CHECKED,
        options=CHECKS,
    ),
    Scenario(
        "check_changed_is_still_found",
        "The database's check says level <> 4 where the model says level != 3: the rewrite "
        "rules do not hide a real change.",
        CHECKED,
        options=CHECKS,
        expect_on={
            dialect: (
                Expect("SL192", "readings", None, "not_three"),
                Expect("SL193", "readings", name, "reading"),
            )
            for dialect, name in (
                ("sqlite", None),
                ("postgresql", "readings_level_check"),
                ("mysql", "CONSTRAINT_1"),
            )
        },
        database=changed(('sa.CheckConstraint("level != 3")', 'sa.CheckConstraint("level <> 4")')),
        oracle=(
            alembic_miss("check_missing", "readings", None, ALEMBIC_NO_CHECKS),
            alembic_miss("check_unmapped", "readings", None, ALEMBIC_NO_CHECKS),
        ),
    ),
    Scenario(
        "referential_actions_as_kept",
        "ON DELETE/ON UPDATE CASCADE, SET NULL, RESTRICT, SET DEFAULT and NO ACTION: SQLite "
        "keeps them in its DDL whatever PRAGMA foreign_keys says; MariaDB treats RESTRICT as "
        "NO ACTION and parses SET DEFAULT but keeps no action. Nothing.",
        ACTIONS,
        oracle=(
            alembic_fp(
                "foreign_key_changed",
                "pets",
                "d_id",
                "Alembic asks for SET DEFAULT, which MariaDB parses and does not keep",
                "mysql",
            ),
        ),
    ),
    Scenario(
        "referential_action_changed",
        "The database cascades where the model says SET DEFAULT: a change on every database "
        "(on MariaDB, the model's SET DEFAULT means no action, still not CASCADE).",
        ACTIONS,
        expect=(Expect("SL182", "pets", None, "set_default"),),
        expect_on={
            "postgresql": (Expect("SL182", "pets", "pets_d_id_fkey", "set_default"),),
            "mysql": (Expect("SL182", "pets", "pets_ibfk_4", "set_default"),),
        },
        database=changed(('ondelete="SET DEFAULT", onupdate="SET DEFAULT"', 'ondelete="CASCADE"')),
    ),
    Scenario(
        "deferrable_foreign_key",
        "DEFERRABLE INITIALLY DEFERRED: PostgreSQL keeps and reports it, SQLite keeps it "
        "without reporting it; MariaDB rejects it. Nothing.",
        DEFERRED,
        skip_on={"mysql": NO_DEFERRABLE},
    ),
    Scenario(
        "deferrable_foreign_key_made_immediate",
        "The database's key is not deferrable: PostgreSQL says so; SQLite cannot tell.",
        DEFERRED,
        expect=(),
        expect_on={"postgresql": (Expect("SL182", "nodes", "nodes_parent_id_fkey", "parent"),)},
        database=changed((', deferrable=True, initially="DEFERRED"', "")),
        skip_on={"mysql": NO_DEFERRABLE},
        oracle=(
            alembic_fp(
                "foreign_key_changed",
                "nodes",
                "parent_id",
                "SQLite's deferral is not compared (DialectRules.reports_deferral): SQLAlchemy "
                "reads it back for a table-level key only, never for an inline REFERENCES",
                "sqlite",
            ),
        ),
    ),
    Scenario(
        "text_and_blob_server_defaults",
        "server_default on TEXT and BLOB columns: MariaDB keeps them (MySQL before 8.0.13 "
        "refused them), as SQLite and PostgreSQL do. Nothing.",
        LONG_DEFAULTS,
    ),
    Scenario(
        "text_server_default_changed",
        "The TEXT column's default is another text in the database.",
        LONG_DEFAULTS,
        expect=(Expect("SL150", "pages", "body", "body"),),
        database=changed(('server_default="empty"', 'server_default="blank"')),
    ),
    Scenario(
        "objects_made_on_some_dialects",
        "Index(...).ddl_if(dialect='postgresql'), a unique constraint for SQLite and MySQL, a "
        "check for SQLite, and PrimaryKeyConstraint(name=...) without columns (the key the "
        "column flags make): each compared where create_all makes it. Nothing.",
        CONDITIONAL,
        options=CHECKS,
        oracle=(
            alembic_fp("index_missing", "docs", "title", DDL_IF, "sqlite", "mysql"),
            alembic_fp("unique_missing", "docs", "slug", DDL_IF, "postgresql"),
        ),
    ),
    Scenario(
        "index_without_columns",
        "Index('ix_tags_nothing') without columns: every database refuses the DDL, so the "
        "database was made without it; a note on it, no claim.",
        EMPTY_INDEX,
        expect=(Expect("SL001", "tags", "ix_tags_nothing", "nothing"),),
        database=Database(replace=(('sa.Index("ix_tags_nothing"),  # [nothing]', ""),)),
        oracle=(
            alembic_fp(
                "index_missing", "tags", "", "Alembic asks for an index no database creates"
            ),
        ),
    ),
)
