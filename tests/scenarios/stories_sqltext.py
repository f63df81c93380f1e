# ruff: noqa: E501  (model source lines are kept as users write them)
"""SQL text the databases rewrite: CHECKs, partial indexes and defaults.

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
            sa.CheckConstraint("status <> 'In progress' OR done_at IS NOT NULL"),  # [check]
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


CHECKS = CompareOptions(check_constraints=True)
ALEMBIC_NO_CHECKS = "Alembic's compare_metadata does not compare CHECK constraints by default"
#: The unnamed CHECK replaced: the database's one is named by the database, if at all.
CHECK_REPLACED = {
    dialect: (Expect("SL192", "tasks", None, "check"), Expect("SL193", "tasks", name, "task"))
    for dialect, name in (
        ("sqlite", None),
        ("postgresql", "tasks_check"),
        ("mysql", "CONSTRAINT_1"),
    )
}
ALEMBIC_NO_WHERE = "Alembic's compare_metadata does not compare partial-index predicates"
NO_PARTIAL_INDEXES = {"mysql": "MariaDB has no partial indexes"}

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
        "The CHECK says 'In progress', the database's says 'in progress': the text inside "
        "the quotes differs, so the constraint is not the model's (SL192, and the database's "
        "one is not in the model, SL193).",
        TASKS,
        options=CHECKS,
        expect_on=CHECK_REPLACED,
        database=changed(("status <> 'In progress' OR", "status <> 'in progress' OR")),
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
        expect_on=CHECK_REPLACED,
        database=changed(("status <> 'In progress' OR", "status <> 'In  progress' OR")),
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
)
