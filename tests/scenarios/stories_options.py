# ruff: noqa: E501  (model source lines are kept as users write them)
"""Schemas other than the default one, and the opt-in comparisons (comments, checks)."""

from __future__ import annotations

from schema_lsp.diff import CompareOptions

from .scenario import APP, Expect, Scenario, alembic_fp, alembic_miss, changed, orm

NO_SQLITE_SCHEMA = {"sqlite": "a second schema is an attached database on SQLite (not set up)"}

IN_APP = orm(
    f"""
    class Invoice(Base):  # [invoice]
        __tablename__ = "invoices"
        __table_args__ = {{"schema": "{APP}"}}

        id: Mapped[int] = mapped_column(primary_key=True)
        number: Mapped[str] = mapped_column(sa.String(20), unique=True)  # [number]
        total: Mapped[int]
    """
)

COMMENTED = orm(
    """
    class Customer(Base):  # [customer]
        __tablename__ = "customers"
        __table_args__ = {"comment": "People who buy"}

        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(sa.String(100), comment="Where invoices go")  # [email]
    """
)

CHECKED = orm(
    """
    class Price(Base):  # [price]
        __tablename__ = "prices"
        __table_args__ = (sa.CheckConstraint("amount >= 0", name="ck_prices_amount"),)  # [check]

        id: Mapped[int] = mapped_column(primary_key=True)
        amount: Mapped[int]
        currency: Mapped[str] = mapped_column(sa.String(3))
    """
)

NO_SQLITE_COMMENTS = {"sqlite": "SQLite has no comments"}
CHECKS = CompareOptions(check_constraints=True)
ALEMBIC_NO_CHECKS = "Alembic's compare_metadata does not compare CHECK constraints by default"

SCENARIOS = (
    Scenario(
        "other_schema_present_clean",
        "__table_args__ = {'schema': 'app'} and the table is there: no 'missing table' "
        "(Alembic issues 1466, 776, 1581).",
        IN_APP,
        schemas=(None, APP),
        skip_on=NO_SQLITE_SCHEMA,
    ),
    Scenario(
        "other_schema_not_read",
        "The model's table lives in schema app but only the default schema was read: an "
        "info SL102, not a wrong 'missing table'.",
        IN_APP,
        expect=(Expect("SL102", f"{APP}.invoices", None, "invoice"),),
        skip_on=NO_SQLITE_SCHEMA,
        oracle=(
            alembic_fp(
                "table_missing",
                f"{APP}.invoices",
                None,
                "the oracle, like us, reads only the default schema here; Alembic then "
                "says create_table for a table that exists (issue 1466)",
            ),
        ),
    ),
    Scenario(
        "other_schema_unique_missing",
        "unique=True added in a model whose table is in schema app, not in the database "
        "(Alembic issue 1315).",
        IN_APP,
        expect=(Expect("SL170", f"{APP}.invoices", None, "number"),),
        database=changed(("sa.String(20), unique=True)", "sa.String(20))")),
        schemas=(None, APP),
        skip_on=NO_SQLITE_SCHEMA,
    ),
    Scenario(
        "other_schema_column_type_differs",
        "A type difference in the app schema's table is found like any other.",
        IN_APP,
        expect=(Expect("SL120", f"{APP}.invoices", "number", "number"),),
        database=changed(("sa.String(20)", "sa.String(30)")),
        schemas=(None, APP),
        skip_on=NO_SQLITE_SCHEMA,
    ),
    Scenario(
        "comments_differ_opt_in",
        "Column and table comments differ and the user asked for comments: SL191 (info) on each.",
        COMMENTED,
        expect=(
            Expect("SL191", "customers", None, "customer"),
            Expect("SL191", "customers", "email", "email"),
        ),
        database=changed(("People who buy", "Buyers"), ("Where invoices go", "Billing address")),
        options=CompareOptions(comments=True),
        skip_on=NO_SQLITE_COMMENTS,
    ),
    Scenario(
        "comments_differ_not_asked",
        "The same comment differences without the option: nothing (comments are opt-in).",
        COMMENTED,
        database=changed(("People who buy", "Buyers"), ("Where invoices go", "Billing address")),
    ),
    Scenario(
        "comments_clean_opt_in",
        "Comments compared and equal: nothing.",
        COMMENTED,
        options=CompareOptions(comments=True),
        skip_on=NO_SQLITE_COMMENTS,
    ),
    Scenario(
        "check_missing_opt_in",
        "CheckConstraint(amount >= 0) is not in the database and checks are compared: SL192.",
        CHECKED,
        expect=(Expect("SL192", "prices", "ck_prices_amount", "check"),),
        database=changed(('sa.CheckConstraint("amount >= 0", name="ck_prices_amount"),', "")),
        options=CHECKS,
        oracle=(alembic_miss("check_missing", "prices", None, ALEMBIC_NO_CHECKS),),
    ),
    Scenario(
        "check_missing_not_asked",
        "The same missing check without the option: nothing.",
        CHECKED,
        database=changed(('sa.CheckConstraint("amount >= 0", name="ck_prices_amount"),', "")),
    ),
    Scenario(
        "check_unmapped_opt_in",
        "The database has CHECK (currency <> '') the model lacks: SL193 (info).",
        CHECKED,
        expect=(Expect("SL193", "prices", "ck_currency", "price"),),
        database=changed(
            (
                'sa.CheckConstraint("amount >= 0", name="ck_prices_amount"),',
                'sa.CheckConstraint("amount >= 0", name="ck_prices_amount"), sa.CheckConstraint("currency <> \'\'", name="ck_currency"),',
            )
        ),
        options=CHECKS,
        oracle=(alembic_miss("check_unmapped", "prices", None, ALEMBIC_NO_CHECKS),),
    ),
    Scenario(
        "checks_clean_opt_in",
        "A table-level CheckConstraint from create_all, checks compared: nothing.",
        CHECKED,
        options=CHECKS,
    ),
    Scenario(
        "type_checks_clean_opt_in",
        "Enum(native_enum=False, create_constraint=True) and Boolean(create_constraint=True) "
        "make CHECKs of their own; from create_all, checks compared: nothing (Alembic issue "
        "1859).",
        orm(
            """
            class Shipment(Base):
                __tablename__ = "shipments"

                id: Mapped[int] = mapped_column(primary_key=True)
                mode: Mapped[str] = mapped_column(sa.Enum("air", "sea", name="ship_mode", native_enum=False, create_constraint=True))
                fragile: Mapped[bool] = mapped_column(sa.Boolean(create_constraint=True, name="ck_fragile"))
            """
        ),
        options=CHECKS,
    ),
    Scenario(
        "column_check_clean_opt_in",
        "A column-level CheckConstraint from create_all, checks compared: nothing "
        "(Alembic issue 1842).",
        orm(
            """
            class Parcel(Base):
                __tablename__ = "parcels"

                id: Mapped[int] = mapped_column(primary_key=True)
                weight: Mapped[int] = mapped_column(sa.CheckConstraint("weight < 1000"))  # [weight]
            """
        ),
        options=CHECKS,
    ),
)
