"""Imperative tables."""

import sqlalchemy as sa

metadata = sa.MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})

account = sa.Table(
    "account",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("login", sa.String(40), nullable=False),
    sa.Column("plan", sa.Enum("free", "paid", name="plan"), server_default="free"),
    sa.UniqueConstraint("login"),
    sa.Index("ix_account_plan", "plan"),
    schema="billing",
    comment="accounts",
)

invoice = sa.Table(
    "invoice",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("account_id", sa.ForeignKey("billing.account.id", ondelete="CASCADE")),
    sa.Column("total", sa.Numeric(12, 2), server_default=sa.text("0")),
)
