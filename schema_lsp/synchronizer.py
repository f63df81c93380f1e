"""SchemaSynchronizer, the library API of a check: entities against a registry's cached
schema, and the migration for what differs. A thin façade over ``diff.compare`` and
``render.migration``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .diff import CompareOptions, SchemaDifference, compare
from .entities.model import EntitySchema
from .schema import DatabaseSchema


class SchemaSource(Protocol):
    """What the synchronizer reads: a SchemaRegistry, or anything serving a schema."""

    def get_database_schema(self) -> DatabaseSchema: ...


@dataclass(frozen=True)
class SyncResult:
    """``needs_sync`` is true when anything other than information differs."""

    needs_sync: bool
    differences: tuple[SchemaDifference, ...]


class SchemaSynchronizer:
    """``SchemaSynchronizer(registry).sync_entity_with_schema(entity)``."""

    def __init__(self, registry: SchemaSource, options: CompareOptions | None = None) -> None:
        self.registry = registry
        self.options = options or CompareOptions()

    def compare(self, entities: Iterable[EntitySchema]) -> list[SchemaDifference]:
        return compare(entities, self.registry.get_database_schema(), self.options)

    def sync_entity_with_schema(self, entity: EntitySchema) -> SyncResult:
        differences = tuple(self.compare([entity]))
        return SyncResult(any(d.severity != "info" for d in differences), differences)

    def generate_migration_from_differences(
        self,
        differences: Sequence[SchemaDifference],
        *,
        allow_data_loss: bool = False,
        include_drops: bool = False,
    ) -> str:
        """SQL for the database's dialect that makes it match the models; steps that can
        lose data only with ``allow_data_loss`` (``include_drops``: its older name)."""
        from .render.migration import migration_dialect, render_sql

        database = self.registry.get_database_schema()
        return render_sql(
            differences,
            migration_dialect(database),
            allow_data_loss=allow_data_loss or include_drops,
            database=database,
        )
