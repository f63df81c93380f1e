# ruff: noqa: E501  (model source lines are kept as users write them)
"""Indexes and unique constraints: matched by structure, implicit ones never reported, and
every spelling of "these columns are unique" treated as the same promise."""

from __future__ import annotations

from .scenario import Expect, Scenario, alembic_fp, alembic_miss, changed, orm, then

ACCOUNTS = orm(
    """
    class Account(Base):  # [account]
        __tablename__ = "accounts"
        __table_args__ = (
            sa.Index("ix_accounts_name_city", "name", "city"),  # [name_city]
            sa.UniqueConstraint("tenant", "login", name="uq_accounts_tenant_login"),  # [tenant_login]
        )

        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(sa.String(100), index=True)  # [email]
        name: Mapped[str] = mapped_column(sa.String(50))
        city: Mapped[str] = mapped_column(sa.String(50))
        tenant: Mapped[int]
        login: Mapped[str] = mapped_column(sa.String(30))
        code: Mapped[str] = mapped_column(sa.String(10), unique=True)  # [code]
    """
)

TASKS = orm(
    """
    class Task(Base):
        __tablename__ = "tasks"
        __table_args__ = (
            sa.Index("ix_tasks_urgent", "owner", postgresql_where=sa.text("priority > 5"), sqlite_where=sa.text("priority > 5")),  # [urgent]
        )

        id: Mapped[int] = mapped_column(primary_key=True)
        owner: Mapped[int]
        priority: Mapped[int]
    """
)

NOT_MYSQL_PARTIAL = {"mysql": "MariaDB has no partial indexes"}

UNIQUE_SPELLING = (
    "Alembic does not treat a unique index and a unique constraint on the same columns as "
    "the same promise: it drops one and adds the other (the family of Alembic issues 1240, "
    "1297; user-asks theme 2)"
)

SCENARIOS = (
    Scenario(
        "indexes_clean",
        "index=True, a composite Index, a named multi-column UniqueConstraint and "
        "unique=True made by create_all: nothing (MariaDB reflects the unique constraint "
        "as a unique index too: Alembic issues 1240, 1297).",
        ACCOUNTS,
    ),
    Scenario(
        "index_missing_in_database",
        "index=True on email, but nobody created the index.",
        ACCOUNTS,
        expect=(Expect("SL160", "accounts", "ix_accounts_email", "email"),),
        database=changed(
            ("mapped_column(sa.String(100), index=True)", "mapped_column(sa.String(100))")
        ),
    ),
    Scenario(
        "index_missing_in_model",
        "A DBA added an index on city; the model does not declare it.",
        ACCOUNTS,
        expect=(Expect("SL161", "accounts", "ix_city", "account"),),
        database=then(all=("CREATE INDEX ix_city ON accounts (city)",)),
    ),
    Scenario(
        "index_columns_differ",
        "ix_accounts_name_city is (name, city) in the model, (name) in the database.",
        ACCOUNTS,
        expect=(Expect("SL162", "accounts", "ix_accounts_name_city", "name_city"),),
        database=changed(
            (
                'sa.Index("ix_accounts_name_city", "name", "city")',
                'sa.Index("ix_accounts_name_city", "name")',
            )
        ),
    ),
    Scenario(
        "index_column_order_differs",
        "ix_accounts_name_city is (name, city) in the model, (city, name) in the database: "
        "a different index for queries.",
        ACCOUNTS,
        expect=(Expect("SL162", "accounts", "ix_accounts_name_city", "name_city"),),
        database=changed(
            (
                'sa.Index("ix_accounts_name_city", "name", "city")',
                'sa.Index("ix_accounts_name_city", "city", "name")',
            )
        ),
    ),
    Scenario(
        "index_uniqueness_differs",
        "ix_accounts_name_city is unique in the database only.",
        ACCOUNTS,
        expect=(Expect("SL162", "accounts", "ix_accounts_name_city", "name_city"),),
        database=changed(
            (
                'sa.Index("ix_accounts_name_city", "name", "city")',
                'sa.Index("ix_accounts_name_city", "name", "city", unique=True)',
            )
        ),
    ),
    Scenario(
        "unique_missing_in_database",
        "unique=True on code, but the database has no such constraint.",
        ACCOUNTS,
        expect=(Expect("SL170", "accounts", None, "code"),),
        database=changed(("sa.String(10), unique=True)", "sa.String(10))")),
    ),
    Scenario(
        "multi_column_unique_missing",
        "The model's UniqueConstraint(tenant, login) is not in the database.",
        ACCOUNTS,
        expect=(Expect("SL170", "accounts", "uq_accounts_tenant_login", "tenant_login"),),
        database=changed(
            (
                '        sa.UniqueConstraint("tenant", "login", name="uq_accounts_tenant_login"),  # [tenant_login]\n',
                "",
            )
        ),
    ),
    Scenario(
        "unique_missing_in_model",
        "The database has UNIQUE (name, city) the model does not declare.",
        ACCOUNTS,
        expect=(Expect("SL171", "accounts", "uq_name_city", "account"),),
        database=changed(
            (
                'sa.Index("ix_accounts_name_city", "name", "city"),',
                'sa.Index("ix_accounts_name_city", "name", "city"), sa.UniqueConstraint("name", "city", name="uq_name_city"),',
            )
        ),
        oracle=(
            alembic_fp(
                "index_unmapped",
                "accounts",
                "name,city",
                "MariaDB keeps a UNIQUE constraint as a unique index: Alembic says "
                "remove_index where we say unique_unmapped (same object, other kind)",
                "mysql",
            ),
            alembic_miss(
                "unique_unmapped",
                "accounts",
                "name,city",
                "the same object as Alembic's remove_index above",
                "mysql",
            ),
        ),
    ),
    Scenario(
        "unique_spellings_equivalent_constraint",
        "unique=True in the model; the database made it with a named UniqueConstraint: the "
        "same promise, nothing.",
        ACCOUNTS,
        database=changed(
            (
                "code: Mapped[str] = mapped_column(sa.String(10), unique=True)",
                'code: Mapped[str] = mapped_column(sa.String(10))\n    __table_args__ = __table_args__ + (sa.UniqueConstraint("code", name="uq_code"),)',
            )
        ),
    ),
    Scenario(
        "unique_spellings_equivalent_index",
        "unique=True in the model; the database has a unique index on code instead of a "
        "constraint: the same promise, nothing.",
        ACCOUNTS,
        database=changed(
            ("sa.String(10), unique=True)", "sa.String(10))"),
            all=("CREATE UNIQUE INDEX ux_accounts_code ON accounts (code)",),
        ),
        oracle=(
            alembic_fp(
                "index_unmapped", "accounts", "code", UNIQUE_SPELLING, "sqlite", "postgresql"
            ),
            alembic_fp(
                "unique_missing", "accounts", "code", UNIQUE_SPELLING, "sqlite", "postgresql"
            ),
        ),
    ),
    Scenario(
        "unique_index_vs_constraint_clean",
        "A model with Index(unique=True) and a database with UNIQUE constraint on the same "
        "columns: nothing.",
        orm(
            """
            class Seat(Base):
                __tablename__ = "seats"
                __table_args__ = (sa.Index("ux_seats_row_number", "row", "number", unique=True),)

                id: Mapped[int] = mapped_column(primary_key=True)
                row: Mapped[str] = mapped_column(sa.String(2))
                number: Mapped[int]
            """
        ),
        database=changed(
            (
                'sa.Index("ux_seats_row_number", "row", "number", unique=True)',
                'sa.UniqueConstraint("row", "number", name="ux_seats_row_number")',
            )
        ),
        oracle=(
            alembic_fp(
                "unique_unmapped", "seats", "row,number", UNIQUE_SPELLING, "sqlite", "postgresql"
            ),
            alembic_fp(
                "index_missing", "seats", "row,number", UNIQUE_SPELLING, "sqlite", "postgresql"
            ),
        ),
    ),
    Scenario(
        "partial_index_same_where_clean",
        "A partial index whose WHERE is identical on both sides (postgresql_where and "
        "sqlite_where with the same text): nothing (Alembic issues 1006, 1098).",
        TASKS,
        skip_on=NOT_MYSQL_PARTIAL,
    ),
    Scenario(
        "partial_index_where_differs",
        "The same partial index with another WHERE in the database.",
        TASKS,
        expect=(Expect("SL162", "tasks", "ix_tasks_urgent", "urgent"),),
        database=changed(("priority > 5", "priority > 8")),
        skip_on=NOT_MYSQL_PARTIAL,
        oracle=(
            alembic_miss(
                "index_changed",
                "tasks",
                "owner",
                "Alembic does not compare index predicates (issue 1098)",
                "sqlite",
                "postgresql",
            ),
        ),
    ),
    Scenario(
        "partial_index_per_dialect_where_clean",
        "postgresql_where=done = false and sqlite_where=done = 0: each database has its own "
        "spelling of the same predicate; nothing.",
        orm(
            """
            class Task(Base):
                __tablename__ = "tasks"
                __table_args__ = (
                    sa.Index("ix_tasks_open", "owner", postgresql_where=sa.text("done = false"), sqlite_where=sa.text("done = 0")),
                )

                id: Mapped[int] = mapped_column(primary_key=True)
                owner: Mapped[int]
                done: Mapped[bool]
            """
        ),
        skip_on=NOT_MYSQL_PARTIAL,
    ),
    Scenario(
        "partial_index_postgres_only_clean",
        "Index(..., postgresql_where=...) only: SQLite and MariaDB get a plain index from "
        "the same model; nothing anywhere.",
        orm(
            """
            class Task(Base):
                __tablename__ = "tasks"
                __table_args__ = (sa.Index("ix_tasks_open", "owner", postgresql_where=sa.text("done = false")),)

                id: Mapped[int] = mapped_column(primary_key=True)
                owner: Mapped[int]
                done: Mapped[bool]
            """
        ),
    ),
    Scenario(
        "expression_index_present_clean",
        "Index('ix_users_lower_email', func.lower(email)) exists in the database: its SQL "
        "is built as SQLAlchemy builds it and compared with the database's spelling, so "
        "nothing to report (Alembic issues 1165, 750, 1106).",
        orm(
            """
            class User(Base):
                __tablename__ = "users"
                __table_args__ = (sa.Index("ix_users_lower_email", sa.func.lower(sa.text("email"))),)  # [lower]

                id: Mapped[int] = mapped_column(primary_key=True)
                email: Mapped[str] = mapped_column(sa.String(100))
            """
        ),
        skip_on={"mysql": "MariaDB has no functional indexes"},
    ),
    Scenario(
        "expression_index_absent_not_claimed",
        "The expression index is not in the database: reported missing, at the Index, "
        "where Alembic skips expression indexes on SQLite.",
        orm(
            """
            class User(Base):
                __tablename__ = "users"
                __table_args__ = (sa.Index("ix_users_lower_email", sa.func.lower(sa.text("email"))),)  # [lower]

                id: Mapped[int] = mapped_column(primary_key=True)
                email: Mapped[str] = mapped_column(sa.String(100))
            """
        ),
        expect=(Expect("SL160", "users", "ix_users_lower_email", "lower"),),
        database=then(
            sqlite=("DROP INDEX ix_users_lower_email",),
            postgresql=("DROP INDEX ix_users_lower_email",),
        ),
        skip_on={"mysql": "MariaDB has no functional indexes"},
        oracle=(
            alembic_miss(
                "index_missing", "users", "", "Alembic skips SQLite's expression indexes", "sqlite"
            ),
            alembic_miss("index_missing", "users", "", "named by its SQL there", "postgresql"),
            alembic_fp("index_missing", "users", "lower(email)", "the same index", "postgresql"),
        ),
    ),
    Scenario(
        "mysql_implicit_fk_index_clean",
        "MariaDB adds an index for every foreign key the model did not index: never "
        "reported (atlas issue 3301, doctrine/dbal 4271).",
        orm(
            """
            class Team(Base):
                __tablename__ = "teams"

                id: Mapped[int] = mapped_column(primary_key=True)


            class Player(Base):
                __tablename__ = "players"

                id: Mapped[int] = mapped_column(primary_key=True)
                team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
                captain_of: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("teams.id", name="fk_captain"))
            """
        ),
    ),
    Scenario(
        "postgres_unique_constraint_index_clean",
        "PostgreSQL backs each UNIQUE constraint with an index of the same name: not an "
        "extra index.",
        orm(
            """
            class Country(Base):
                __tablename__ = "countries"
                __table_args__ = (sa.UniqueConstraint("iso2", name="uq_countries_iso2"),)

                id: Mapped[int] = mapped_column(primary_key=True)
                iso2: Mapped[str] = mapped_column(sa.String(2))
                iso3: Mapped[str] = mapped_column(sa.String(3), unique=True)
            """
        ),
    ),
)
