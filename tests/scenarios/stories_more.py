# ruff: noqa: E501  (model source lines are kept as users write them)
"""More spellings that must stay silent: explicit default schemas, enums in a schema,
numeric, negative, empty and parenthesised defaults."""

from __future__ import annotations

from .scenario import APP, Scenario, alembic_fp, orm

PG_ONLY = {"sqlite": "PostgreSQL schemas", "mysql": "PostgreSQL schemas"}

SCENARIOS = (
    Scenario(
        "explicit_public_schema_clean",
        "__table_args__ = {'schema': 'public'} on PostgreSQL, whose default schema is "
        "public: the same table as an unqualified one (Alembic issues 1466, 569).",
        orm(
            """
            class Setting(Base):
                __tablename__ = "settings"
                __table_args__ = {"schema": "public"}

                id: Mapped[int] = mapped_column(primary_key=True)
                key: Mapped[str] = mapped_column(sa.String(40), unique=True)
            """
        ),
        skip_on=PG_ONLY,
    ),
    Scenario(
        "enum_in_other_schema_clean",
        "A table in schema app with a native enum created in app as well (Alembic issue 899).",
        orm(
            f"""
            class Mood(Base):
                __tablename__ = "moods"
                __table_args__ = {{"schema": "{APP}"}}

                id: Mapped[int] = mapped_column(primary_key=True)
                feeling: Mapped[str] = mapped_column(sa.Enum("happy", "sad", name="feeling", schema="{APP}"))
            """
        ),
        schemas=(None, APP),
        skip_on=PG_ONLY,
    ),
    Scenario(
        "same_table_name_in_two_schemas_clean",
        "logs in the default schema and logs in app, with different columns: each entity "
        "is compared with its own table.",
        orm(
            f"""
            class Log(Base):
                __tablename__ = "logs"

                id: Mapped[int] = mapped_column(primary_key=True)
                line: Mapped[str] = mapped_column(sa.Text)


            class AppLog(Base):
                __tablename__ = "logs"
                __table_args__ = {{"schema": "{APP}"}}

                id: Mapped[int] = mapped_column(primary_key=True)
                level: Mapped[int]
            """
        ),
        schemas=(None, APP),
        skip_on={"sqlite": "a second schema is an attached database on SQLite (not set up)"},
    ),
    Scenario(
        "literal_defaults_clean",
        "Numeric '0.00', negative -1, empty string '' and text('false') defaults from "
        "create_all: nothing.",
        orm(
            """
            import decimal


            class Wallet(Base):
                __tablename__ = "wallets"

                id: Mapped[int] = mapped_column(primary_key=True)
                balance: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(10, 2), server_default="0.00")
                limit_: Mapped[int] = mapped_column("limit", server_default=sa.text("-1"))
                label: Mapped[str] = mapped_column(sa.String(20), server_default="")
                frozen: Mapped[bool] = mapped_column(server_default=sa.text("false"))
            """
        ),
        oracle=(
            alembic_fp(
                "server_default",
                "wallets",
                "frozen",
                "Alembic compares text('false') with MariaDB's reflected 0 as text",
                "mysql",
            ),
            alembic_fp(
                "server_default",
                "wallets",
                "label",
                "Alembic compares the model's '' with the reflected quoted '' as text",
                "sqlite",
                "mysql",
            ),
        ),
    ),
    Scenario(
        "sqlite_parenthesised_function_default_clean",
        "SQLite keeps DEFAULT (datetime('now')) with its parentheses; the model says the "
        "same (Alembic issue 1152 reported these every run).",
        orm(
            """
            class Visit(Base):
                __tablename__ = "visits"

                id: Mapped[int] = mapped_column(primary_key=True)
                at: Mapped[str] = mapped_column(sa.String(30), server_default=sa.text("(datetime('now'))"))
            """
        ),
        skip_on={"postgresql": "SQLite's datetime()", "mysql": "SQLite's datetime()"},
    ),
)
