"""The parser against SQLAlchemy itself: for each model module in tests/models, the test
(never the product) imports it and compares its MetaData with the statically parsed
entities, field by field, skipping only what the parser reports as unresolved."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from schema_lsp.entities import EntitySchema, WorkspaceIndex, object_key
from schema_lsp.entities.columns import compile_sql
from schema_lsp.schema import TypeSpec

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "tests" / "models"
#: (module, the attribute holding its MetaData: a base, a MetaData, a dotted path)
CORPUS = [
    ("tests.models.declarative_2_0", "Base"),
    ("tests.models.legacy", "Base"),
    ("tests.models.legacy", "AutoBase"),
    ("tests.models.imperative", "metadata"),
    ("tests.models.shop.models", "Base"),
    ("tests.models.advanced", "Base"),
    ("tests.models.namespace_tables", "Model.metadata"),
    ("tests.models.mixed_tables", "Base"),
    ("tests.models.mixed_tables", "Other"),
    ("tests.models.mixed_tables", "Legacy"),
    ("tests.models.primary_keys", "Base"),
]
MODULES = sorted(
    {module for module, _ in CORPUS} | {"tests.models.shop.base", "tests.models.shop.enums"}
)


@pytest.fixture(scope="module")
def index() -> WorkspaceIndex:
    workspace = WorkspaceIndex([ROOT])
    workspace.load(ROOT / (module.replace(".", "/") + ".py") for module in MODULES)
    return workspace


def _metadata(module_name: str, holder_path: str) -> sa.MetaData:
    holder: Any = importlib.import_module(module_name)
    for attribute in holder_path.split("."):
        holder = getattr(holder, attribute)
    return holder if isinstance(holder, sa.MetaData) else holder.metadata


def _name(value: Any) -> str | None:
    if value is None or type(value).__name__ == "_NoneName":
        return None
    return str(value)


def _default(column: sa.Column[Any]) -> str | None:
    if column.server_default is None or isinstance(
        column.server_default, (sa.Identity, sa.Computed)
    ):
        return None
    arg = column.server_default.arg  # type: ignore[attr-defined]
    if isinstance(arg, str):
        return "'" + arg.replace("'", "''") + "'"
    return compile_sql(arg)


def _entity(index: WorkspaceIndex, table: sa.Table) -> EntitySchema:
    found = [
        e for e in index.entities() if e.table.name == table.name and e.table.schema == table.schema
    ]
    assert len(found) == 1, f"{table.fullname}: {len(found)} entities"
    return found[0]


def _tables() -> list[tuple[str, str, str]]:
    return [
        (module, holder, table)
        for module, holder in CORPUS
        for table in _metadata(module, holder).tables
    ]


@pytest.mark.parametrize(("module", "holder", "table_key"), _tables())
def test_entity_matches_sqlalchemy_metadata(
    index: WorkspaceIndex, module: str, holder: str, table_key: str
) -> None:
    table = _metadata(module, holder).tables[table_key]
    # MetaData holds what no dialect changed yet: base types, untruncated names
    assert_same_table(_entity(index, table).for_dialect("default"), table)


def assert_same_table(entity: EntitySchema, table: sa.Table) -> None:
    """Every field SQLAlchemy's own Table has, the parsed entity has the same (fields the
    parser reports unresolved excepted)."""
    parsed = entity.table
    assert parsed.column_names == tuple(c.name for c in table.columns)
    assert parsed.comment == table.comment
    for column in table.columns:
        key = object_key("column", column.name)
        declared = parsed.column(column.name)
        assert declared is not None
        assert not {f"{key}.{f}" for f in ("type", "nullable", "default")} & entity.unresolved
        assert declared.sa_type == TypeSpec.of(column.type), column.name
        assert declared.nullable == column.nullable, column.name
        assert declared.default == _default(column), column.name
        assert declared.comment == column.comment, column.name
        assert declared.autoincrement == (table.autoincrement_column is column), column.name
        if column.identity is not None:
            assert declared.identity is not None
            assert declared.identity.start == column.identity.start
        if column.computed is not None:
            assert declared.computed is not None
            assert declared.computed.sqltext == str(column.computed.sqltext)
    assert parsed.primary_key is not None
    assert parsed.primary_key.columns == tuple(c.name for c in table.primary_key.columns)
    assert parsed.primary_key.name == _name(table.primary_key.name)
    # An expression index's SQL is compared with the database's spelling (scenarios): only
    # its name here (SQLAlchemy lists the columns its expressions use, the parser does not).
    expression_indexes = {i.name for i in parsed.indexes if i.expressions}
    assert sorted(
        (i.name, () if i.name in expression_indexes else i.columns, i.unique)
        for i in parsed.indexes
    ) == sorted(
        (
            _name(i.name),
            () if _name(i.name) in expression_indexes else tuple(c.name for c in i.columns),
            bool(i.unique),
        )
        for i in table.indexes
    )
    uniques = [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    assert sorted((u.name or "", u.columns) for u in parsed.unique_constraints) == sorted(
        (_name(u.name) or "", tuple(c.name for c in u.columns)) for u in uniques
    )
    checks = [c for c in table.constraints if isinstance(c, sa.CheckConstraint)]
    checks += [
        c
        for column in table.columns
        for c in column.constraints
        if isinstance(c, sa.CheckConstraint)
    ]
    assert sorted((c.name or "", c.sqltext) for c in parsed.check_constraints) == sorted(
        (_name(c.name) or "", str(c.sqltext)) for c in checks
    )
    assert sorted(
        (f.name or "", f.columns, f.referred_table, f.referred_columns, f.on_delete, f.on_update)
        for f in parsed.foreign_keys
    ) == sorted(
        (
            _name(f.name) or "",
            tuple(c.name for c in f.columns),
            f.elements[0].column.table.name,
            tuple(e.column.name for e in f.elements),
            f.ondelete.upper() if f.ondelete else None,
            f.onupdate.upper() if f.onupdate else None,
        )
        for f in table.foreign_key_constraints
    )
    assert all("expression index" in note.message for note in entity.notes), entity.notes


def test_every_parsed_entity_is_a_real_table(index: WorkspaceIndex) -> None:
    real = {
        (t.name, t.schema)
        for module, holder in CORPUS
        for t in _metadata(module, holder).tables.values()
    }
    parsed = {(e.table.name, e.table.schema) for e in index.entities()}
    assert parsed == real


@pytest.mark.parametrize("dialect_name", ["postgresql", "mysql", "sqlite"])
def test_long_convention_names_are_shortened_per_dialect(dialect_name: str) -> None:
    """The names SQLAlchemy's compiler emits on each dialect, read from the compiler."""
    from sqlalchemy.dialects import registry

    from tests.models.long_names import Base

    workspace = WorkspaceIndex([ROOT])
    workspace.load([ROOT / "tests" / "models" / "long_names.py"])
    preparer = registry.load(dialect_name)().identifier_preparer
    for table in Base.metadata.tables.values():
        entity = _entity(workspace, table).for_dialect(dialect_name)
        expected_indexes = sorted(
            preparer.truncate_and_render_index_name(i.name, _alembic_quote=False)
            for i in table.indexes
        )
        assert sorted(i.name or "" for i in entity.table.indexes) == expected_indexes
        constraints = [
            c
            for c in table.constraints
            if isinstance(
                c, (sa.UniqueConstraint, sa.ForeignKeyConstraint, sa.PrimaryKeyConstraint)
            )
        ]
        expected = sorted(
            preparer.truncate_and_render_constraint_name(c.name, _alembic_quote=False)
            for c in constraints
        )
        parsed = entity.table
        names = [u.name for u in parsed.unique_constraints] + [f.name for f in parsed.foreign_keys]
        names.append(parsed.primary_key.name if parsed.primary_key else None)
        assert sorted(n or "" for n in names) == expected
        for index in entity.table.indexes:  # ranges follow the new names
            key = object_key("index", index.name, index.columns)
            assert entity.range_of(key) != entity.range
