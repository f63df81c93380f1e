"""``schema-lsp check`` and ``schema-lsp diff`` run for real on the example shop: in sync,
drifted, each output format, the migration applied, and the error paths."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from schema_lsp import snapshot
from schema_lsp.cli import main
from schema_lsp.introspect import introspect_database

ROOT = Path(__file__).resolve().parent.parent
SHOP_DB = ROOT / "examples" / "shop.db"
SHOP_MODELS = ROOT / "examples" / "shop_models.py"


@pytest.fixture(autouse=True)
def _isolated(isolated):
    """Every test here runs isolated (``conftest.isolated``)."""


@pytest.fixture
def drifted(tmp_path) -> Path:
    """A copy of the shop whose database lost an index and gained a column."""
    database = tmp_path / "shop.db"
    shutil.copy(SHOP_DB, database)
    with sqlite3.connect(database) as connection:
        connection.executescript(
            "DROP INDEX ix_products_name; ALTER TABLE customers ADD COLUMN nickname TEXT;"
        )
    shutil.copy(SHOP_MODELS, tmp_path / "models.py")
    return database


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_example_models_are_in_sync(capsys):
    code, out, err = run(capsys, "check", str(SHOP_MODELS), "--db", f"sqlite:///{SHOP_DB}")
    assert (code, out) == (0, "")
    assert err == "schema-lsp: models in sync with sqlite:" + str(SHOP_DB) + "\n"


def test_drift_is_reported_like_a_linter(capsys, drifted, tmp_path):
    models = tmp_path / "models.py"
    code, out, err = run(capsys, "check", "models.py", "--db", f"sqlite:///{drifted}")
    assert code == 1
    index_line = line_of(models, 'Index("ix_products_name"')
    class_line = line_of(models, "class Customers(Base)")
    assert out.splitlines() == [
        f"models.py:{class_line}:7: SL111 [warning] column customers.nickname (TEXT) is in the "
        "database but not in the model",
        f"models.py:{index_line}:9: SL160 [error] table products: index ix_products_name "
        "(name) does not exist in the database",
    ]
    assert err == "schema-lsp: 1 error, 1 warning against sqlite:" + str(drifted) + "\n"


def test_pyproject_sets_severities_and_opt_in_comparisons(capsys, drifted, tmp_path):
    """[tool.schema-lsp] severity turns a code off or changes its level (the code wins
    over the kind), and the opt-in comparisons can be switched on there too."""
    (tmp_path / "pyproject.toml").write_text(
        "[tool.schema-lsp]\n"
        f'database_url = "sqlite:///{drifted}"\n'
        "unmapped_tables = true\n"
        'severity = { SL111 = "off", index_missing = "warning", SL160 = "info", '
        'table_unmapped = "hint" }\n'
    )
    with sqlite3.connect(drifted) as connection:
        connection.execute("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)")
    code, out, err = run(capsys, "check", "models.py")
    assert code == 0  # what is left is information only
    lines = out.splitlines()
    assert not any("SL111" in line for line in lines)
    assert any("SL160 [info]" in line for line in lines)
    assert any("SL101 [info] table audit_log has no entity" in line for line in lines)
    assert err.startswith("schema-lsp: models in sync")


def test_a_bad_severity_in_pyproject_names_the_key(capsys, drifted, tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.schema-lsp]\ndatabase_url = "sqlite:///{drifted}"\nseverity = {{ SL999 = "off" }}\n'
    )
    code, _, err = run(capsys, "check", "models.py")
    assert code == 2
    assert "severity: unknown difference code or kind 'SL999'" in err


def test_json_format(capsys, drifted):
    code, out, _ = run(
        capsys, "check", "models.py", "--db", f"sqlite:///{drifted}", "--format", "json"
    )
    assert code == 1
    document = json.loads(out)
    assert [(d["code"], d["table"], d["column"], d["name"]) for d in document["differences"]] == [
        ("SL111", "customers", "nickname", None),
        ("SL160", "products", None, "ix_products_name"),
    ]
    assert {d["path"] for d in document["differences"]} == {"models.py"}
    assert all(isinstance(d["line"], int) and d["line"] > 0 for d in document["differences"])


def test_sarif_format(capsys, drifted):
    code, out, _ = run(
        capsys, "check", "models.py", "--db", f"sqlite:///{drifted}", "--format", "sarif"
    )
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    [run_] = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["SL111", "SL160"]
    results = run_["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("SL111", "warning"),
        ("SL160", "error"),
    ]
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "models.py"
        assert location["region"]["startLine"] >= 1
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_diff_sql_applied_brings_the_database_in_sync(capsys, drifted):
    code, sql, _ = run(capsys, "diff", "models.py", "--db", f"sqlite:///{drifted}", "--sql")
    assert code == 1
    assert "CREATE INDEX ix_products_name ON products (name);" in sql
    assert "nickname" in sql  # named in the header, and not dropped without --include-drops
    statements = [line for line in sql.splitlines() if not line.startswith("--")]
    assert not [line for line in statements if "DROP" in line.upper()]
    with sqlite3.connect(drifted) as connection:
        connection.executescript(sql)
    code, out, _ = run(capsys, "check", "models.py", "--db", f"sqlite:///{drifted}")
    assert (code, out.splitlines()[0].split(": ")[1]) == (
        1,
        "SL111 [warning] column customers.nickname (TEXT) is in the database but not in the model",
    )

    code, sql, _ = run(
        capsys, "diff", "models.py", "--db", f"sqlite:///{drifted}", "--include-drops"
    )
    with sqlite3.connect(drifted) as connection:
        connection.executescript(sql)
    code, out, _ = run(capsys, "check", "models.py", "--db", f"sqlite:///{drifted}")
    assert (code, out) == (0, "")


def test_diff_alembic_revision_is_python(capsys, drifted, tmp_path):
    target = tmp_path / "revision.py"
    code, out, _ = run(
        capsys,
        "diff",
        "models.py",
        "--db",
        f"sqlite:///{drifted}",
        "--alembic",
        "-m",
        "add products name index",
        "-o",
        str(target),
    )
    assert code == 1 and out == ""
    source = target.read_text()
    compile(source, str(target), "exec")
    assert "def upgrade() -> None:" in source and "def downgrade() -> None:" in source
    assert "ix_products_name" in source
    assert '"""add products name index' in source


def test_check_against_a_snapshot_needs_no_database(capsys, tmp_path):
    path = tmp_path / "shop.json"
    snapshot.save(introspect_database(f"sqlite:///{SHOP_DB}"), path)
    code, out, err = run(capsys, "check", str(SHOP_MODELS), "--snapshot", str(path))
    assert (code, out) == (0, "")
    assert "snapshot" in err


def test_folders_are_searched_for_model_files(capsys, tmp_path):
    (tmp_path / "app").mkdir()
    shutil.copy(SHOP_MODELS, tmp_path / "app" / "tables.py")
    (tmp_path / "app" / "unrelated.py").write_text("print('not a model')\n")
    venv = tmp_path / "app" / ".venv"
    venv.mkdir()
    (venv / "broken.py").write_text("import sqlalchemy\nclass Nope(\n")
    code, out, _ = run(capsys, "check", "app", "--db", f"sqlite:///{SHOP_DB}")
    assert (code, out) == (0, "")


def test_missing_path_and_no_models_are_one_line_errors(capsys, tmp_path):
    code, out, err = run(capsys, "check", "nowhere.py", "--db", f"sqlite:///{SHOP_DB}")
    assert (code, out, err) == (2, "", "schema-lsp: error: no such file or folder: nowhere.py\n")
    code, out, err = run(capsys, "check", "--db", f"sqlite:///{SHOP_DB}")
    assert code == 2 and out == ""
    assert err.startswith("schema-lsp: error: no model files found matching")


def test_exit_code_of_the_real_process(drifted):
    result = subprocess.run(
        [sys.executable, "-m", "schema_lsp", "check", "models.py", "--db", f"sqlite:///{drifted}"],
        capture_output=True,
        text=True,
        cwd=drifted.parent,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.count("\n") == 2


def test_a_class_that_cannot_be_read_is_never_silently_in_sync(capsys, tmp_path):
    """A mapped class whose table name the parser cannot compute is said, with the reason,
    and the run is not "in sync" with nothing checked (issue 10, point 1)."""
    models = tmp_path / "models.py"
    models.write_text(
        "from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column\n"
        "from app.naming import table_name_of\n\n\n"
        "class Base(DeclarativeBase):\n"
        "    @declared_attr.directive\n"
        "    def __tablename__(cls) -> str:\n"
        "        return table_name_of(cls)\n\n\n"
        "class Order(Base):\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    database = tmp_path / "empty.db"
    sqlite3.connect(database).close()
    code, out, err = run(capsys, "check", str(models), "--db", f"sqlite:///{database}")
    assert code == 0  # information only: nothing is claimed
    assert (
        "models.py:11:7: SL001 [info] not checked: class Order (its __tablename__ is computed"
        in out
    )
    assert "table_name_of" in out
    assert "models in sync" not in err
