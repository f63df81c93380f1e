"""The committed example database is what examples/shop.sql says it is, it still shows
every feature the README promises (composite key, foreign key actions, checks, a view), and
the README's set-up commands are the ones CI runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from schema_lsp.introspect import introspect_database

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SHOP_SQL = EXAMPLES / "shop.sql"
SHOP_DB = EXAMPLES / "shop.db"
ROOT = EXAMPLES.parent
#: The README's two set-up commands; .ci/run must run them verbatim.
INSTALL_AND_INSPECT = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && "
    ".venv/bin/schema-lsp inspect --db sqlite:///examples/shop.db"
)
TEST_COMMAND = ".venv/bin/python -m pytest"
REBUILD = "rm -f examples/shop.db && sqlite3 examples/shop.db < examples/shop.sql"


def build_from_sql(target: Path) -> Path:
    with sqlite3.connect(target) as connection:
        connection.executescript(SHOP_SQL.read_text(encoding="utf-8"))
    connection.close()
    return target


@pytest.fixture(scope="module")
def fresh_db(tmp_path_factory) -> Path:
    return build_from_sql(tmp_path_factory.mktemp("shop") / "shop.db")


def test_committed_db_has_the_schema_of_shop_sql(fresh_db):
    committed = introspect_database(f"sqlite:///{SHOP_DB}")
    rebuilt = introspect_database(f"sqlite:///{fresh_db}")
    assert committed.table_keys == rebuilt.table_keys, f"stale examples/shop.db: {REBUILD}"
    for table in rebuilt:
        assert committed.table(table.name) == table, f"{table.name} differs: {REBUILD}"


def test_committed_db_has_the_rows_of_shop_sql(fresh_db):
    def rows(path: Path) -> dict[str, list[tuple]]:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            names = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            result = {
                name: connection.execute(f'SELECT * FROM "{name}" ORDER BY 1, 2').fetchall()
                for name in names
            }
        connection.close()
        return result

    assert rows(SHOP_DB) == rows(fresh_db), f"stale examples/shop.db: {REBUILD}"


def test_example_shows_the_features_the_readme_promises():
    shop = introspect_database(f"sqlite:///{SHOP_DB}")
    assert set(shop.table_keys) == {
        "customers",
        "products",
        "orders",
        "order_items",
        "order_totals",
    }
    items = shop.table("order_items")
    assert items.primary_key.columns == ("order_id", "product_id")
    assert {fk.referred_table: fk.on_delete for fk in items.foreign_keys} == {
        "orders": "CASCADE",
        "products": "RESTRICT",
    }
    assert [c.name for c in items.check_constraints] == ["ck_order_items_quantity_positive"]
    assert shop.table("orders").foreign_keys[0].on_delete == "CASCADE"
    assert shop.table("orders").column("status").default == "'new'"
    assert [u.columns for u in shop.table("customers").unique_constraints] == [("email",)]
    assert [u.columns for u in shop.table("products").unique_constraints] == [("sku",)]
    assert {i.name for i in shop.table("orders").indexes} == {
        "ix_orders_customer_id",
        "ix_orders_status_placed_at",
    }
    assert shop.table("customers").column("id").autoincrement
    assert shop.table("order_totals").is_view


def test_example_db_stays_tiny():
    assert SHOP_DB.stat().st_size < 64 * 1024


def test_readme_set_up_is_exactly_the_two_commands_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    set_up = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("\n", 1)[1].strip() for block in set_up.split("```sh")[1:]]
    blocks = [block.split("```", 1)[0].strip() for block in blocks]
    assert blocks == [INSTALL_AND_INSPECT, TEST_COMMAND]

    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert INSTALL_AND_INSPECT in ci_lines
    assert TEST_COMMAND in ci_lines


def _library_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Using it as a library", 1)[1].split("\n## ", 1)[0]


def test_every_name_the_readme_documents_imports_from_where_it_says() -> None:
    """Issue 12 (8): library users keep the names the README gives (the registry API, the
    introspector, the schema classes, the errors), from the modules it names."""
    import importlib
    import re

    section = _library_section()
    found: list[tuple[str, str]] = []
    for module, names in re.findall(r"from (schema_lsp[\w.]*) import ([\w, ]+)", section):
        found += [(module, name.strip()) for name in names.split(",")]
    for module, names in re.findall(r"`(schema_lsp[\w.]*)`: ([^)]*)\)", section):
        found += [(module, name) for name in re.findall(r"`(\w+)`", names)]
    found += re.findall(r"`(schema_lsp(?:\.\w+)+)\.([A-Z]\w+)`", section)
    documented = {name for _, name in found}
    for name in ("SchemaRegistry", "SchemaIntrospector", "SchemaGenerator", "SchemaSynchronizer"):
        assert name in documented
    for name in ("TableSchema", "ColumnSchema", "IndexSchema", "ForeignKeySchema"):
        assert name in documented
    assert "SchemaDifference" in documented
    for module, name in found:
        assert hasattr(importlib.import_module(module), name), f"{module}.{name}"


def test_the_readme_library_example_runs_as_written(tmp_path, monkeypatch) -> None:
    """The README's library snippets, run against the example database and models (its
    URL, table and file names swapped for theirs): every call it shows works."""
    import re

    from schema_lsp.registry import SchemaRegistry

    code = "\n".join(re.findall(r"```python\n(.*?)```", _library_section(), re.DOTALL))
    code = code.replace("postgresql://app@localhost/shop", f"sqlite:///{SHOP_DB}")
    code = code.replace('"users"', '"customers"')
    code = code.replace("app/models.py", str(EXAMPLES / "shop_models.py"))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    try:
        exec(compile(code, "README.md", "exec"), namespace)
    finally:
        SchemaRegistry.dispose_instances()
    assert (tmp_path / "schema.snapshot.json").is_file()
    assert "class Customer" in str(namespace["models_py"])
    assert isinstance(namespace["sql"], str)
