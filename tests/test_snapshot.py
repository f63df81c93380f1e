"""Snapshot files: deterministic JSON, and clear errors for anything that is not one."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from schema_lsp import snapshot
from schema_lsp.errors import SnapshotError
from schema_lsp.schema import (
    ColumnSchema,
    DatabaseSchema,
    ForeignKeySchema,
    PrimaryKeySchema,
    TableSchema,
    TypeSpec,
)


def sample() -> DatabaseSchema:
    users = TableSchema(
        name="users",
        columns=(
            ColumnSchema("id", "INTEGER", TypeSpec.of(sa.Integer()), nullable=False),
            ColumnSchema("name", "VARCHAR(50)", TypeSpec.of(sa.String(50)), comment="née"),
        ),
        primary_key=PrimaryKeySchema(("id",), "users_pkey"),
    )
    posts = TableSchema(
        name="posts",
        schema="blog",
        columns=(
            ColumnSchema("user_id", "INTEGER", TypeSpec.of(sa.Integer())),
            ColumnSchema("tags", "VARCHAR(20)[]", TypeSpec.of(sa.ARRAY(sa.String(20)))),
        ),
        foreign_keys=(ForeignKeySchema("fk", ("user_id",), "users", ("id",), on_delete="CASCADE"),),
    )
    return DatabaseSchema("postgresql", "15.4", "2026-01-01T00:00:00+00:00", (posts, users))


def test_round_trip_and_stable_bytes(tmp_path):
    database = sample()
    path = tmp_path / "schema.json"
    snapshot.save(database, path)
    first = path.read_bytes()
    loaded = snapshot.load(path)
    assert loaded == database
    snapshot.save(loaded, path)
    assert path.read_bytes() == first
    document = json.loads(first)
    assert document["format"] == "schema-lsp-snapshot" and document["version"] == 1
    # Tables come out ordered by (schema, name), whatever order they were read in.
    assert [t["name"] for t in document["database"]["tables"]] == ["users", "posts"]
    assert "née" in first.decode("utf-8")
    assert not list(tmp_path.glob("*.tmp"))


def test_table_order_does_not_change_the_text():
    database = sample()
    reordered = DatabaseSchema(
        database.dialect, database.server_version, database.read_at, database.tables[::-1]
    )
    assert snapshot.to_json(reordered) == snapshot.to_json(database)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"hello": 1}', "is not a schema-lsp snapshot"),
        ('{"format": "schema-lsp-snapshot", "version": 99, "database": {}}', "version 99"),
        ('{"format": "schema-lsp-snapshot", "version": 1, "database": {}}', "is damaged"),
    ],
)
def test_bad_snapshots_give_clear_errors(text, message):
    with pytest.raises(SnapshotError, match=message):
        snapshot.from_json(text, source="x.json")


def test_missing_file(tmp_path):
    with pytest.raises(SnapshotError, match="cannot read snapshot"):
        snapshot.load(tmp_path / "absent.json")


def test_type_specs_never_import_outside_sqlalchemy():
    assert TypeSpec("os:system", ("echo hi",)).build().__class__.__name__ == "NullType"
    assert TypeSpec("sqlalchemy.types:NoSuchType").build().__class__.__name__ == "NullType"
    assert TypeSpec.of(sa.Numeric(10, 2)).build().compile() == "NUMERIC(10, 2)"


def test_array_element_types_survive_a_snapshot():
    from sqlalchemy.dialects import postgresql

    loaded = snapshot.from_json(snapshot.to_json(sample()))
    tags = loaded.table("blog.posts").column("tags")
    assert tags.sa_type.item_type == TypeSpec.of(sa.String(20))
    assert tags.sa_type.build().compile(dialect=postgresql.dialect()) == "VARCHAR(20)[]"
