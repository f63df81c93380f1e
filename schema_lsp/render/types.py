"""``TypedDict`` row types for a whole database: one per table or view, and ``Database``
mapping each table's name to its row type (a TypeScript ``interface Database``, in Python).

Field types are the ones the entity generator annotates (``schema_lsp.render.python_types``),
``X | None`` where the column is nullable, so the output targets Python 3.10+. A table
whose column names are not all usable as class-body names (keywords, spaces, leading
digits, ``__private`` names that Python would mangle) uses the functional form
``X = TypedDict("X", {...})``; so does ``Database`` when a table key needs it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..schema import DatabaseSchema, TableSchema
from .column_types import column_type
from .names import NameAllocator, class_name
from .python_types import python_type
from .source import INDENT, Call, Dict, Import, Pair, import_lines, is_identifier, string

DATABASE_TYPE = "Database"
#: Names annotations use; a class-body field of that name would shadow it for type checkers.
_ANNOTATION_NAMES = frozenset({"int", "str", "float", "bool", "bytes", "dict", "list", "set"})


class RowTypeRenderer:
    """Renders a DatabaseSchema into one module of TypedDicts; steps are overridable."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.imports: set[Import] = {Import("typing", "TypedDict")}

    def render(self, tables: Sequence[TableSchema]) -> str:
        fields = {table.key: self.fields(table) for table in tables}
        reserved = {item.bound_name for item in self.imports} | {DATABASE_TYPE}
        names = NameAllocator(reserved)
        type_names: dict[str, str] = {}
        for table in tables:
            candidate = class_name(table.name)
            if table.schema and names.is_taken(candidate):
                candidate = class_name(f"{table.schema}_{table.name}")
            type_names[table.key] = names.allocate(candidate)
        blocks = [self.render_row_type(type_names[key], fields[key]) for key in fields]
        database_fields = [(key, type_names[key]) for key in fields]
        blocks.append(self.render_row_type(DATABASE_TYPE, database_fields))
        header = "\n".join(import_lines(self.imports))
        return "\n\n\n".join([header, *("\n".join(block) for block in blocks)]) + "\n"

    def fields(self, table: TableSchema) -> list[tuple[str, str]]:
        """(key, annotation) for each column, in column order."""
        out = []
        for column in table.columns:
            chosen = column_type(column.sa_type, self.dialect)
            python = python_type(chosen.type)
            python = python.optional(column.nullable)
            self.imports.update(python.imports)
            out.append((column.name, python.annotation))
        return out

    def render_row_type(self, name: str, fields: Sequence[tuple[str, str]]) -> list[str]:
        """Class syntax when every key can be a class-body name, else the functional form."""
        shadowing = _ANNOTATION_NAMES | {item.bound_name for item in self.imports}
        if all(_class_body_key(key) and key not in shadowing for key, _ in fields):
            lines = [f"class {name}(TypedDict):"]
            lines += [f"{INDENT}{key}: {annotation}" for key, annotation in fields]
            if not fields:
                lines.append(f"{INDENT}pass")
            return lines
        items = Dict([Pair(string(key), annotation) for key, annotation in fields])
        return Call("TypedDict", string(name), items).lines(0, f"{name} = ")


def render_row_types(database: DatabaseSchema) -> str:
    """The TypedDict module for every table and view of ``database``."""
    return RowTypeRenderer(database.dialect).render(database.tables)


def _class_body_key(key: str) -> bool:
    mangled = key.startswith("__") and not key.endswith("__")
    return is_identifier(key) and not mangled
