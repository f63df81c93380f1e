# ruff: noqa: E501  (model source lines are kept as users write them)
"""SQL text the databases rewrite: CHECKs, partial indexes, defaults and generated columns.

Each database prints the model's SQL back its own way (PostgreSQL's casts and parentheses,
MariaDB's backquotes); equal expressions stay silent, and text inside quotes always counts.
"""

from __future__ import annotations

from schema_lsp.diff import CompareOptions

from .scenario import Expect, Scenario, alembic_miss, changed, orm

TASKS = orm(
    """
    class Task(Base):  # [task]
        __tablename__ = "tasks"
        __table_args__ = (
            sa.CheckConstraint("status <> 'In progress' OR done_at IS NOT NULL", name="ck_tasks_status"),  # [check]
            sa.CheckConstraint("priority BETWEEN 1 AND 5 AND label IN ('a', 'B c')", name="ck_tasks_range"),
            sa.Index("ix_tasks_open", "priority", postgresql_where=sa.text("status = 'In progress'"), sqlite_where=sa.text("status = 'In progress'")),  # [open]
        )

        id: Mapped[int] = mapped_column(primary_key=True)
        status: Mapped[str] = mapped_column(sa.String(20), server_default="In progress")  # [status]
        priority: Mapped[int]
        label: Mapped[str] = mapped_column(sa.String(10))
        done_at: Mapped[datetime.datetime | None]
    """
).replace("import sqlalchemy as sa", "import datetime\n\nimport sqlalchemy as sa", 1)

PRICES = orm(
    """
    class Price(Base):
        __tablename__ = "prices"

        id: Mapped[int] = mapped_column(primary_key=True)
        amount: Mapped[int]
        cents: Mapped[int | None] = mapped_column(sa.Computed("amount * 100"))  # [cents]
        total: Mapped[int | None] = mapped_column(sa.Computed("amount + 2", persisted=True))  # [total]
        code: Mapped[str | None] = mapped_column(sa.String(10))
        shown: Mapped[str | None] = mapped_column(sa.String(10), sa.Computed("coalesce(code, ')')", persisted=True))  # [shown]
    """
)

CHECKS = CompareOptions(check_constraints=True)
ALEMBIC_NO_CHECKS = "Alembic's compare_metadata does not compare CHECK constraints by default"
ALEMBIC_NO_COMPUTED = (
    "Alembic does not compare generated columns: it warns that a Computed cannot be modified"
)
#: The CHECK replaced by one of another name and text: were the texts the same, the two
#: would match and only the name would differ (SL190, information).
CHECK_REPLACED = (
    Expect("SL192", "tasks", "ck_tasks_status", "check"),
    Expect("SL193", "tasks", "ck_tasks_state", "task"),
)
ALEMBIC_NO_WHERE = "Alembic's compare_metadata does not compare partial-index predicates"
NO_PARTIAL_INDEXES = {"mysql": "MariaDB has no partial indexes"}
PG_STORES_ALWAYS = {"postgresql": "PostgreSQL before 18 stores every generated column"}

SCENARIOS = (
    Scenario(
        "rewritten_sql_clean",
        "CHECKs (OR, IS NOT NULL, BETWEEN, IN), a partial index and a default with quoted text, "
        "made by create_all: PostgreSQL prints them with casts, ANY (ARRAY[...]) and "
        "parentheses, MariaDB with backquotes; all equal to what the model wrote.",
        TASKS,
        options=CHECKS,
    ),
    Scenario(
        "check_quoted_text_changed",
        "The CHECK says 'In progress', the database's (under another name) says "
        "'in progress': the text inside the quotes differs, so the constraint is not the "
        "model's (SL192, and the database's one is not in the model, SL193).",
        TASKS,
        options=CHECKS,
        expect=CHECK_REPLACED,
        database=changed(
            ("status <> 'In progress' OR", "status <> 'in progress' OR"),
            ('name="ck_tasks_status"', 'name="ck_tasks_state"'),
        ),
        oracle=(
            alembic_miss("check_missing", "tasks", None, ALEMBIC_NO_CHECKS),
            alembic_miss("check_unmapped", "tasks", None, ALEMBIC_NO_CHECKS),
        ),
    ),
    Scenario(
        "check_quoted_spacing_changed",
        "'In progress' in the model, 'In  progress' (two spaces) in the database: different.",
        TASKS,
        options=CHECKS,
        expect=CHECK_REPLACED,
        database=changed(
            ("status <> 'In progress' OR", "status <> 'In  progress' OR"),
            ('name="ck_tasks_status"', 'name="ck_tasks_state"'),
        ),
        oracle=(
            alembic_miss("check_missing", "tasks", None, ALEMBIC_NO_CHECKS),
            alembic_miss("check_unmapped", "tasks", None, ALEMBIC_NO_CHECKS),
        ),
    ),
    Scenario(
        "partial_index_quoted_literal_changed",
        "The partial index covers status = 'In progress'; the database's covers "
        "'In Progress': the index differs (SL162).",
        TASKS,
        expect=(Expect("SL162", "tasks", "ix_tasks_open", "open"),),
        database=changed(
            (
                "sa.text(\"status = 'In progress'\"), sqlite_where",
                "sa.text(\"status = 'In Progress'\"), sqlite_where",
            ),
            (
                "sqlite_where=sa.text(\"status = 'In progress'\")",
                "sqlite_where=sa.text(\"status = 'In Progress'\")",
            ),
        ),
        skip_on=NO_PARTIAL_INDEXES,
        oracle=(alembic_miss("index_changed", "tasks", "priority", ALEMBIC_NO_WHERE),),
    ),
    Scenario(
        "default_quoted_text_changed",
        "server_default 'In progress' in the model, 'in progress' in the database: SL150.",
        TASKS,
        expect=(Expect("SL150", "tasks", "status", "status"),),
        database=changed(('server_default="In progress"', 'server_default="in progress"')),
    ),
    Scenario(
        "computed_clean",
        "Generated columns made by create_all: PostgreSQL prints (amount * 100) and adds "
        "casts, MariaDB backquotes the names; all equal, stored or not as the model says.",
        PRICES,
    ),
    Scenario(
        "computed_expression_changed",
        "Computed('amount * 100') in the model, amount * 1000 in the database: SL151 on every "
        "dialect (nothing was reported before).",
        PRICES,
        expect=(Expect("SL151", "prices", "cents", "cents"),),
        database=changed(('sa.Computed("amount * 100")', 'sa.Computed("amount * 1000")')),
        oracle=(alembic_miss("computed", "prices", "cents", ALEMBIC_NO_COMPUTED),),
    ),
    Scenario(
        "computed_quoted_text_changed",
        "coalesce(code, ')') in the model, coalesce(code, '-') in the database: SL151.",
        PRICES,
        expect=(Expect("SL151", "prices", "shown", "shown"),),
        database=changed(("coalesce(code, ')')", "coalesce(code, '-')")),
        oracle=(alembic_miss("computed", "prices", "shown", ALEMBIC_NO_COMPUTED),),
    ),
    Scenario(
        "computed_storage_changed",
        "persisted=True in the model, a VIRTUAL column in the database: SL151.",
        PRICES,
        expect=(Expect("SL151", "prices", "total", "total"),),
        database=changed(
            ('sa.Computed("amount + 2", persisted=True)', 'sa.Computed("amount + 2")')
        ),
        oracle=(alembic_miss("computed", "prices", "total", ALEMBIC_NO_COMPUTED),),
        skip_on=PG_STORES_ALWAYS,
    ),
    Scenario(
        "computed_plain_in_database",
        "The model generates cents, the database column is a plain one: SL151.",
        PRICES,
        expect=(Expect("SL151", "prices", "cents", "cents"),),
        database=changed(('mapped_column(sa.Computed("amount * 100"))', "mapped_column()")),
        oracle=(alembic_miss("computed", "prices", "cents", ALEMBIC_NO_COMPUTED),),
    ),
)
