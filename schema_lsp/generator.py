"""SchemaGenerator: source code from the registry's cached schema.

It never reads the database itself: tables come from whatever serves schemas (a
SchemaRegistry, or anything with the same two methods), so generating code in an editor
costs no queries when the cache is warm.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from .render.entity import CodeStyle, EntityRenderer
from .render.types import render_row_types
from .schema import DatabaseSchema, TableSchema


class SchemaSource(Protocol):
    """What the generator needs of a registry."""

    def get_database_schema(self) -> DatabaseSchema: ...

    def get_table_schema(self, name: str, schema: str | None = None) -> TableSchema: ...


class SchemaGenerator:
    """Entity classes and row types for the tables a registry knows."""

    def __init__(
        self, registry: SchemaSource, *, base_name: str = "Base", line_length: int | None = None
    ) -> None:
        self.registry = registry
        self.base_name = base_name
        #: the project formatter's line length (``config.formatter_line_length``)
        self.line_length = line_length

    def generate_entity_class(self, table_name: str) -> str:
        """A module with the declarative base and the class for one table (``schema.name``
        works); raises UnknownTable with the closest names."""
        return self.generate_entity_classes([table_name])

    def generate_entity_classes(self, table_names: Iterable[str] | None = None) -> str:
        """One module for several tables, in the order given (every table and view if
        ``table_names`` is None); foreign keys between them resolve within the module."""
        database = self.registry.get_database_schema()
        if table_names is None:
            tables = list(database.tables)
        else:
            tables = []
            for name in dict.fromkeys(table_names):
                table = self.registry.get_table_schema(name)
                if table not in tables:
                    tables.append(table)
        renderer = EntityRenderer(
            database.dialect,
            base_name=self.base_name,
            style=CodeStyle(line_length=self.line_length),
        )
        return renderer.render(tables)

    def generate_database_types(self) -> str:
        """TypedDict row types for every table and view, and the ``Database`` mapping."""
        return render_row_types(self.registry.get_database_schema())
