"""The names the editor features register under: code action kinds, command names and
completion triggers. Kept apart so the server can advertise them before the features'
modules (and the core they pull in) are imported, on the first request."""

from __future__ import annotations

from lsprotocol import types

QUICK_FIX = types.CodeActionKind.QuickFix
SQL_KIND = "source.schemaLsp.migrationSql"
ALEMBIC_KIND = "source.schemaLsp.alembicRevision"
ENTITY_KIND = "source.schemaLsp.generateEntity"
#: Every code action kind the server offers.
KINDS = [QUICK_FIX, types.CodeActionKind.Source, SQL_KIND, ALEMBIC_KIND, ENTITY_KIND]

ROW_TYPES = "schemaLsp.generateRowTypes"
ENTITY = "schemaLsp.generateEntity"
MIGRATION_SQL = "schemaLsp.migrationSql"
OPEN = "schemaLsp.open"
SHOW_DIFFERENCE = "schemaLsp.showDifference"
UNMAPPED_TABLES = "schemaLsp.unmappedTables"

#: Characters that open completion in ``__tablename__ = "..."``.
TRIGGERS = ['"', "'"]
