# ruff: noqa: UP045  (fixtures spell Optional[...] on purpose: the parser must read it)
from typing import Optional

from sqlalchemy import Enum, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin
from .enums import Status, code


class Product(IdMixin, Base):
    __tablename__ = "product"
    sku: Mapped[code]
    status: Mapped[Status] = mapped_column(index=True)
    label: Mapped[Status] = mapped_column(
        Enum(Status, values_callable=lambda e: [m.value for m in e], name="label")
    )


class Order(IdMixin, Base):
    __tablename__ = "order"
    product_id: Mapped[Optional[int]] = mapped_column(ForeignKey("product.id"))
