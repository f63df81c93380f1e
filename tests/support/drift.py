"""The drift story: a database built from an older version of ``tests/models/drift.py``
that has drifted from the models in every way diff knows (migrations and quick fixes are
both proven on it)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from schema_lsp.diff import CompareOptions, SchemaDifference, compare
from schema_lsp.entities import parse_entities
from schema_lsp.introspect import introspect_database
from schema_lsp.render.migration import migration_dialect

MODELS = Path(__file__).parent.parent / "models" / "drift.py"
OPTIONS = CompareOptions(unmapped_tables=True)
#: Every kind the drifted database shows, each of which render_sql must fix.
DRIFT_KINDS = {
    "table_missing",
    "table_unmapped",
    "column_missing",
    "column_unmapped",
    "type",
    "nullable",
    "server_default",
    "index_missing",
    "index_unmapped",
    "index_changed",
    "unique_missing",
    "unique_unmapped",
    "foreign_key_missing",
    "foreign_key_unmapped",
    "foreign_key_changed",
}
#: What model_edit fixes on the model side (tables: "Generate entity class" instead).
MODEL_EDIT_KINDS = DRIFT_KINDS - {"table_missing", "table_unmapped"}


def drifted_metadata() -> sa.MetaData:
    """The tables as an older version of the models made them."""
    metadata = sa.MetaData()
    sa.Table("legacy_refs", metadata, sa.Column("code", sa.String(40), primary_key=True))
    sa.Table(
        "customers",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(100), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("nickname", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="old"),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("legacy_code", sa.String(10)),
        sa.UniqueConstraint("nickname", name="uq_customers_nickname"),
        sa.Index("ix_customers_status", "status"),
        sa.Index("ix_customers_email_name", "email", "name"),
        sa.Index("ix_customers_legacy_code", "legacy_code"),
    )
    sa.Table(
        "orders",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "customer_id",
            sa.Integer,
            sa.ForeignKey("customers.id", name="fk_orders_customer"),
            nullable=False,
        ),
        sa.Column("total", sa.String(20), nullable=False),
        sa.Column(
            "reference",
            sa.String(40),
            sa.ForeignKey("legacy_refs.code", name="fk_orders_reference"),
        ),
    )
    sa.Table(
        "Order Items",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("order_id", sa.Integer, nullable=False, index=True),
        sa.Column("select", sa.String(10), nullable=False),
    )
    return metadata


def differences(url: str, dialect: str, models: Path = MODELS) -> list[SchemaDifference]:
    found = compare(parse_entities([models]), introspect_database(url), OPTIONS)
    return [d for d in found if d.table != "alembic_version"]


def dialect_of(db) -> str:
    """What to render for the test database (``mariadb`` for the MariaDB server)."""
    return migration_dialect(introspect_database(db.url))
