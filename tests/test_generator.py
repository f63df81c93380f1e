"""SchemaGenerator over a real SchemaRegistry on SQLite: exact text for one table, a round
trip for several, row types, and generation served from the registry's cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from schema_lsp.errors import UnknownTable
from schema_lsp.generator import SchemaGenerator
from schema_lsp.introspect import introspect_database
from schema_lsp.registry import SchemaRegistry

from .conftest import TestDatabase
from .test_render_entity import SQLITE, load_module

ORDERS = """\
import decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Orders(Base):
    __tablename__ = "orders"
    __table_args__ = (CheckConstraint("total >= 0"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("users.id", ondelete="CASCADE", onupdate="RESTRICT"),
    )
    total: Mapped[decimal.Decimal | None] = mapped_column(Numeric(10, 2))
    note: Mapped[str | None] = mapped_column(String(200), server_default="n/a")
"""


@pytest.fixture
def registry(sqlite_db: TestDatabase) -> Iterator[SchemaRegistry]:
    sqlite_db.execute(*SQLITE)
    registry = SchemaRegistry(sqlite_db.url)
    yield registry
    registry.dispose()


def test_one_entity_class_exact_text(registry: SchemaRegistry) -> None:
    assert SchemaGenerator(registry).generate_entity_class("orders") == ORDERS


def test_several_classes_round_trip_through_create_all(
    registry: SchemaRegistry, sqlite_db: TestDatabase, tmp_path: Path
) -> None:
    names = ["users", "orders", "order_lines"]
    source = SchemaGenerator(registry).generate_entity_classes(names)
    module = load_module(source)
    twin = f"sqlite:///{tmp_path / 'twin.db'}"
    engine = sa.create_engine(twin, poolclass=sa.NullPool)
    module.Base.metadata.create_all(engine)
    engine.dispose()
    rebuilt = introspect_database(twin)
    original = registry.get_database_schema()
    assert [t.name for t in rebuilt.tables] == sorted(names)
    for table in rebuilt.tables:
        assert table == original.table(table.name)


def test_every_table_when_no_names_are_given(registry: SchemaRegistry) -> None:
    source = SchemaGenerator(registry, base_name="Model").generate_entity_classes()
    module = load_module(source)
    mapped = {mapper.local_table.name for mapper in module.Model.registry.mappers}
    # events has no primary key (a Table on the metadata), big_orders is a view.
    assert mapped == {"users", "orders", "order_lines", "shipments", "tags"}
    assert "events" in module.Model.metadata.tables
    assert "big_orders" not in module.Model.metadata.tables


def test_database_types_list_every_table_and_view(registry: SchemaRegistry) -> None:
    module = load_module(SchemaGenerator(registry).generate_database_types())
    tables = module.Database.__annotations__
    assert set(tables) == {
        "users",
        "orders",
        "order_lines",
        "shipments",
        "events",
        "tags",
        "big_orders",
    }
    assert list(tables["orders"].__annotations__) == ["id", "user_id", "total", "note"]


def test_generation_is_served_from_the_cache(registry: SchemaRegistry) -> None:
    generator = SchemaGenerator(registry)
    generator.generate_entity_class("users")
    generator.generate_entity_classes(["orders", "users"])
    generator.generate_database_types()
    assert registry.read_count == 1


def test_unknown_table_names_close_matches(registry: SchemaRegistry) -> None:
    with pytest.raises(UnknownTable) as caught:
        SchemaGenerator(registry).generate_entity_class("order")
    assert "orders" in caught.value.suggestions
