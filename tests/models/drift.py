# ruff: noqa: UP045  (the model spells Optional[...] on purpose: model edits must keep it)
"""Models for the migration round trip: the state a drifted database is brought back to.

``tests/test_render_migration.py`` creates a database from an older version of these tables
(its drift), renders the fix, applies it, and expects these models back. Names include a
table with a space and mixed case and a keyword column, so quoting is exercised.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("email", name="uq_customers_email"),
        Index("ix_customers_name", "name"),
        Index("ix_customers_status", "status", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(80))
    nickname: Mapped[Optional[str]] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), server_default="new")
    score: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    notes: Mapped[Optional[str]] = mapped_column(Text)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE", name="fk_orders_customer")
    )
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    reference: Mapped[Optional[str]] = mapped_column(String(40))


class OrderItem(Base):
    __tablename__ = "Order Items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id", name="fk_order_items_order"), index=True
    )
    select: Mapped[str] = mapped_column(String(20))
    Quantity: Mapped[int] = mapped_column(Integer, server_default=text("1"))


class Audit(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("customers.id"))
    action: Mapped[str] = mapped_column(String(30), index=True)
