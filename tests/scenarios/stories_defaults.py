# ruff: noqa: E501  (model source lines are kept as users write them)
"""Server defaults, normalized per dialect: equal spellings stay silent, real changes show."""

from __future__ import annotations

from .scenario import Database, Expect, Scenario, alembic_fp, changed, orm, then

ARTICLES = orm(
    """
    class Article(Base):
        __tablename__ = "articles"

        id: Mapped[int] = mapped_column(primary_key=True)
        state: Mapped[str] = mapped_column(sa.String(20), server_default="draft")  # [state]
        views: Mapped[int] = mapped_column(server_default=sa.text("0"))  # [views]
        score: Mapped[int] = mapped_column(default=5)  # [score]
    """
)

STAMPED = orm(
    """
    class Entry(Base):
        __tablename__ = "entries"

        id: Mapped[int] = mapped_column(primary_key=True)
        created: Mapped[sa.DateTime] = mapped_column(sa.DateTime, server_default=sa.func.now())  # [created]
    """
)

QUOTED = orm(
    """
    class Motto(Base):
        __tablename__ = "mottos"

        id: Mapped[int] = mapped_column(primary_key=True)
        text: Mapped[str] = mapped_column(sa.String(40), server_default="it's fine")  # [text]
    """
)

PG_ONLY = {"sqlite": "PostgreSQL function defaults", "mysql": "PostgreSQL function defaults"}

NOW_AS_TEXT = (
    "Alembic compares the rendered default text: now() in the model, CURRENT_TIMESTAMP "
    "reflected (user-asks: Alembic issue 1152 is the same class of false positive)"
)
QUOTE_FP = (
    "Alembic compares the model's unquoted text with the reflected quoted literal "
    "'it''s fine' (Alembic issue 1177)"
)
QUOTE_CRASH = (
    "Alembic's PostgreSQL default comparison pastes the model's text unescaped into "
    "SELECT ... = 'it's fine' and fails with a syntax error (Alembic issue 1177)"
)

SCENARIOS = (
    Scenario(
        "defaults_clean",
        "String and integer server defaults made by create_all: nothing. score has only a "
        "Python-side default: never database drift.",
        ARTICLES,
    ),
    Scenario(
        "default_value_changed",
        "server_default 'draft' in the model, 'new' in the database.",
        ARTICLES,
        expect=(Expect("SL150", "articles", "state", "state"),),
        database=changed(('server_default="draft"', 'server_default="new"')),
    ),
    Scenario(
        "default_missing_in_database",
        "The model adds server_default=0, the database column has none (Alembic issue 553 "
        "crashed here on MySQL).",
        ARTICLES,
        expect=(Expect("SL150", "articles", "views", "views"),),
        database=changed(('mapped_column(server_default=sa.text("0"))', "mapped_column()")),
    ),
    Scenario(
        "default_only_in_database",
        "The database column has DEFAULT 'draft' the model no longer declares.",
        ARTICLES.replace(', server_default="draft")', ")"),
        expect=(Expect("SL150", "articles", "state", "state"),),
        database=Database(models=ARTICLES),
    ),
    Scenario(
        "python_default_only_changed",
        "Only the Python-side default= changed (5 -> 7): not a database matter (Alembic "
        "issue 1717).",
        ARTICLES,
        database=changed(("default=5", "default=7")),
    ),
    Scenario(
        "now_default_clean",
        "server_default=func.now() made by create_all: nothing.",
        STAMPED,
        oracle=(alembic_fp("server_default", "entries", "created", NOW_AS_TEXT, "mysql"),),
    ),
    Scenario(
        "now_vs_current_timestamp",
        "func.now() in the model, CURRENT_TIMESTAMP in the database: the same default on "
        "every dialect.",
        STAMPED,
        database=changed(
            ("server_default=sa.func.now()", 'server_default=sa.text("CURRENT_TIMESTAMP")')
        ),
        oracle=(alembic_fp("server_default", "entries", "created", NOW_AS_TEXT, "mysql"),),
    ),
    Scenario(
        "function_default_changed",
        "now() in the model, clock_timestamp() in the database (Alembic issue 1203).",
        STAMPED,
        expect=(Expect("SL150", "entries", "created", "created"),),
        database=changed(
            ("server_default=sa.func.now()", "server_default=sa.func.clock_timestamp()")
        ),
        skip_on=PG_ONLY,
    ),
    Scenario(
        "quoted_default_clean",
        "A default containing a quote, equal on both sides: nothing (Alembic issue 1177).",
        QUOTED,
        oracle=(alembic_fp("server_default", "mottos", "text", QUOTE_FP, "sqlite", "mysql"),),
        alembic_fails={"postgresql": QUOTE_CRASH},
    ),
    Scenario(
        "quoted_default_changed",
        "A default with a quote changed: 'it''s fine' in the model, 'it''s ok' in the database.",
        QUOTED,
        expect=(Expect("SL150", "mottos", "text", "text"),),
        database=changed(('server_default="it\'s fine"', 'server_default="it\'s ok"')),
        alembic_fails={"postgresql": QUOTE_CRASH},
    ),
    Scenario(
        "integer_cast_default_clean",
        "PostgreSQL reflects DEFAULT '0'::integer for a model's text('0'): equal.",
        ARTICLES,
        database=then(
            postgresql=("ALTER TABLE articles ALTER COLUMN views SET DEFAULT '0'::integer",)
        ),
        skip_on=PG_ONLY,
    ),
    Scenario(
        "serial_primary_key_clean",
        "A hand-written SERIAL key and an Integer primary key with no server_default: the "
        "sequence's nextval() is the database's machinery, not drift (Alembic issues 1454, "
        "1504).",
        orm(
            """
            class Job(Base):
                __tablename__ = "jobs"

                id: Mapped[int] = mapped_column(primary_key=True)
                name: Mapped[str] = mapped_column(sa.String(30))
            """
        ),
        database=Database(
            create_all=False,
            after={
                "postgresql": (
                    "CREATE TABLE jobs (id SERIAL PRIMARY KEY, name VARCHAR(30) NOT NULL)",
                )
            },
        ),
        skip_on=PG_ONLY,
    ),
    Scenario(
        "identity_primary_key_clean",
        "A GENERATED ALWAYS AS IDENTITY key and a model Identity(): nothing (Alembic issues "
        "775, 730).",
        orm(
            """
            class Job(Base):
                __tablename__ = "jobs"

                id: Mapped[int] = mapped_column(sa.Identity(always=True), primary_key=True)
                name: Mapped[str] = mapped_column(sa.String(30))
            """
        ),
        database=Database(
            create_all=False,
            after={
                "postgresql": (
                    "CREATE TABLE jobs (id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    "name VARCHAR(30) NOT NULL)",
                )
            },
        ),
        skip_on=PG_ONLY,
    ),
    Scenario(
        "uuid_function_default_clean",
        "A UUID key with server_default=func.gen_random_uuid(), created by create_all.",
        orm(
            """
            import uuid


            class Token(Base):
                __tablename__ = "tokens"

                id: Mapped[uuid.UUID] = mapped_column(primary_key=True, server_default=sa.func.gen_random_uuid())
                label: Mapped[str] = mapped_column(sa.String(30))
            """
        ),
        skip_on=PG_ONLY,
    ),
    Scenario(
        "boolean_false_default_vs_true",
        "server_default=sa.false() in the model, true in the database.",
        orm(
            """
            class Flag(Base):
                __tablename__ = "flags"

                id: Mapped[int] = mapped_column(primary_key=True)
                active: Mapped[bool] = mapped_column(server_default=sa.false())  # [active]
            """
        ),
        expect=(Expect("SL150", "flags", "active", "active"),),
        database=changed(("server_default=sa.false()", "server_default=sa.true()")),
    ),
)
