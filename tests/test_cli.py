"""The schema-lsp command, run for real: against the example SQLite database, PostgreSQL and
MariaDB, and through every error path a user can hit (one line on stderr, exit code 2, no
password, a traceback only with --debug)."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from schema_lsp import snapshot
from schema_lsp.cli import main
from schema_lsp.config import DATABASE_URL_ENV
from schema_lsp.introspect import introspect_database
from schema_lsp.registry import SchemaRegistry

ROOT = Path(__file__).resolve().parent.parent
SHOP_DB = ROOT / "examples" / "shop.db"
SHOP_URL = f"sqlite:///{SHOP_DB}"
SECRET = "hunter2pw"


@pytest.fixture(autouse=True)
def _isolated(isolated):
    """Every test here runs isolated (``conftest.isolated``)."""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, out: str, err: str, *expected: str) -> str:
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("schema-lsp: error: ")
    assert "Traceback" not in err
    assert SECRET not in err
    for text in expected:
        assert text in lines[0]
    return lines[0]


# -- the example database ---------------------------------------------------------------


def test_readme_command_runs_as_a_module_from_the_repo_root():
    """README step 1: ``schema-lsp inspect --db sqlite:///examples/shop.db``."""
    result = subprocess.run(
        [sys.executable, "-m", "schema_lsp", "inspect", "--db", "sqlite:///examples/shop.db"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != DATABASE_URL_ENV},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "sqlite:examples/shop.db  (sqlite 3." + lines[0].split("3.", 1)[1]
    assert lines[1].startswith("4 tables, 1 view; read ")
    table = {line.split()[0]: line.split() for line in lines[5:]}
    assert table["order_items"] == [
        "order_items",
        "table",
        "4",
        "order_id,",
        "product_id",
        "1",
        "2",
    ]
    assert table["order_totals"][:4] == ["order_totals", "view", "4", "-"]
    assert set(table) == {"customers", "order_items", "order_totals", "orders", "products"}


def test_summary_columns_are_aligned(capsys):
    code, out, _ = run(capsys, "--db", SHOP_URL, "inspect")
    assert code == 0
    lines = out.splitlines()[3:]
    header, rule, *rows = lines
    assert set(rule.replace(" ", "")) == {"-"}
    # Every row's "KIND" column starts where the header's does.
    kind_at = header.index("KIND")
    assert all(row[kind_at : kind_at + 4] in ("tabl", "view") for row in rows)


def test_inspect_table_shows_everything_about_it(capsys):
    code, out, err = run(capsys, "inspect", "order_items", "--db", SHOP_URL)
    assert (code, err) == (0, "")
    assert out.startswith("table order_items  (sqlite:")
    assert "primary key: (order_id, product_id)\n" in out
    columns = {line.split()[0]: line for line in out.splitlines()[3:7]}
    assert columns["quantity"].split() == ["quantity", "INTEGER", "not", "null", "1"]
    assert columns["order_id"].split()[-1] == "PK"
    assert "  ix_order_items_product_id  (product_id)\n" in out
    assert "fk_order_items_order    (order_id)    ->  orders(id)    ON DELETE CASCADE" in out
    assert "fk_order_items_product  (product_id)  ->  products(id)  ON DELETE RESTRICT" in out
    assert "ck_order_items_quantity_positive  quantity > 0" in out


def test_inspect_table_shows_defaults_autoincrement_and_unique(capsys):
    code, out, _ = run(capsys, "--db", SHOP_URL, "inspect", "customers")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines() if line[:1].isalpha()}
    assert "PK, autoincrement" in rows["id"]
    assert "CURRENT_TIMESTAMP" in rows["created_at"]
    assert "uq_customers_email  (email)" in out


def test_inspect_unknown_table_suggests_close_names(capsys):
    code, out, err = run(capsys, "--db", SHOP_URL, "inspect", "order_item")
    line = assert_one_line_error(code, out, err, "unknown table 'order_item'", "did you mean")
    assert "'order_items'" in line


def test_snapshot_round_trip_gives_the_same_inspect_output(capsys, tmp_path):
    target = tmp_path / "shop.json"
    code, out, err = run(capsys, "--db", SHOP_URL, "snapshot", "-o", str(target))
    assert (code, out) == (0, "")
    assert "wrote 5 tables" in err
    assert snapshot.load(target).tables == introspect_database(SHOP_URL).tables

    _, from_db, _ = run(capsys, "--db", SHOP_URL, "inspect", "orders")
    code, from_file, _ = run(capsys, "--snapshot", str(target), "inspect", "orders")
    assert code == 0
    # Same listing; only the header names the other source.
    assert from_file.splitlines()[0].startswith("table orders  (snapshot ")
    assert from_file.splitlines()[1:] == from_db.splitlines()[1:]


def test_snapshot_to_stdout(capsys):
    code, out, err = run(capsys, "--db", SHOP_URL, "snapshot")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["format"] == snapshot.FORMAT
    assert snapshot.from_json(out).table("order_items").primary_key.columns == (
        "order_id",
        "product_id",
    )


def test_snapshot_option_wins_over_the_database(capsys, tmp_path):
    target = tmp_path / "shop.json"
    assert run(capsys, "--db", SHOP_URL, "snapshot", "-o", str(target))[0] == 0
    code, out, _ = run(
        capsys, "--db", "sqlite:///does/not/exist.db", "--snapshot", str(target), "inspect"
    )
    assert code == 0
    assert out.startswith("snapshot ")


def test_database_url_from_pyproject_with_env_indirection(capsys, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schema-lsp]\ndatabase_url = "env:SHOP_DB"\n', encoding="utf-8"
    )
    monkeypatch.setenv("SHOP_DB", SHOP_URL)
    code, out, _ = run(capsys, "inspect", "products")
    assert code == 0
    assert out.startswith("table products  (sqlite:")


def test_env_variable_is_used_and_db_option_wins(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_ENV, SHOP_URL)
    assert run(capsys, "inspect", "orders")[0] == 0
    code, out, err = run(capsys, "--db", "sqlite:///missing.db", "inspect")
    assert_one_line_error(code, out, err, "not found", "missing.db")


def test_pyproject_snapshot_is_used_when_no_url_is_known(capsys, tmp_path):
    snapshot.save(introspect_database(SHOP_URL), tmp_path / "schema.json")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schema-lsp]\nsnapshot = "schema.json"\n', encoding="utf-8"
    )
    code, out, _ = run(capsys, "inspect")
    assert code == 0
    assert out.startswith("snapshot schema.json")


def test_help_and_version_exit_zero(capsys):
    assert main(["--help"]) == 0
    assert "inspect" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("schema-lsp ")


def test_usage_error_exits_2(capsys):
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main([]) == 2


# -- generate ---------------------------------------------------------------------------


def import_file(path: Path, monkeypatch) -> ModuleType:
    """Import a generated module for real (SQLAlchemy resolves ``Mapped`` in its module)."""
    name = f"generated_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def test_generate_entity_module_creates_the_same_tables(capsys, tmp_path, sqlite_db, monkeypatch):
    target = tmp_path / "models.py"
    tables = ["customers", "products", "orders", "order_items"]
    code, out, err = run(capsys, "--db", SHOP_URL, "generate", "entity", *tables, "-o", str(target))
    assert (code, out) == (0, "")
    assert f"wrote {target}" in err
    metadata = import_file(target, monkeypatch).Base.metadata
    assert set(metadata.tables) == set(tables)
    metadata.create_all(sqlite_db.engine)
    created = introspect_database(sqlite_db.url)
    shop = introspect_database(SHOP_URL)
    for name in tables:
        assert created.table(name).primary_key == shop.table(name).primary_key
        assert created.table(name).foreign_keys == shop.table(name).foreign_keys

    code, stdout_text, _ = run(capsys, "--db", SHOP_URL, "generate", "entity", *tables)
    assert code == 0
    assert stdout_text == target.read_text(encoding="utf-8")


def test_generate_entity_unknown_table(capsys):
    code, out, err = run(capsys, "--db", SHOP_URL, "generate", "entity", "orders", "prodcts")
    assert_one_line_error(code, out, err, "unknown table 'prodcts'", "'products'")


def test_generate_types_from_a_snapshot(capsys, tmp_path):
    snapshot.save(introspect_database(SHOP_URL), tmp_path / "shop.json")
    code, out, err = run(capsys, "--snapshot", str(tmp_path / "shop.json"), "generate", "types")
    assert (code, err) == (0, "")
    compile(out, "types.py", "exec")
    assert "class OrderItems(TypedDict):\n    order_id: int\n" in out
    assert "phone: str | None" in out


# -- error paths ------------------------------------------------------------------------


def test_unreachable_server_is_one_line_without_the_password(capsys):
    code, out, err = run(
        capsys, "--db", f"postgresql://u:{SECRET}@127.0.0.1:1/x", "--timeout", "2", "inspect"
    )
    line = assert_one_line_error(code, out, err, "cannot connect to u@127.0.0.1:1/x")
    assert "rerun with --debug" not in line  # an expected error, not a crash


def test_unreachable_server_from_a_subprocess():
    """The real process: exit status 2, one line on stderr, nothing on stdout."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schema_lsp",
            "--db",
            f"mysql://r:{SECRET}@127.0.0.1:1/x",
            "inspect",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert_one_line_error(result.returncode, result.stdout, result.stderr, "cannot connect")


def test_bad_url(capsys):
    code, out, err = run(capsys, "--db", f"postgresql://u:{SECRET}@host:notaport/db", "inspect")
    assert_one_line_error(code, out, err, "--db", "not a database URL")


def test_unknown_dialect(capsys):
    code, out, err = run(capsys, "--db", f"nosuchdb://u:{SECRET}@h/x", "inspect")
    assert_one_line_error(code, out, err, "unknown database dialect 'nosuchdb'")


@pytest.mark.parametrize(
    ("url", "module", "extra"),
    [
        (f"postgresql+pg8000://u:{SECRET}@127.0.0.1/x", "pg8000", "schema-lsp[postgres]"),
        (f"mysql+mysqldb://u:{SECRET}@127.0.0.1/x", "MySQLdb", "schema-lsp[mysql]"),
    ],
)
def test_missing_driver_names_the_extra(capsys, url, module, extra):
    code, out, err = run(capsys, "--db", url, "inspect")
    assert_one_line_error(code, out, err, "not installed", module, extra)


def test_no_database_configured(capsys):
    code, out, err = run(capsys, "inspect")
    assert_one_line_error(code, out, err, "no database configured", "--db", "--snapshot")


def test_env_indirection_to_an_unset_variable(capsys, tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schema-lsp]\ndatabase_url = "env:SHOP_DB_UNSET_FOR_TEST"\n', encoding="utf-8"
    )
    code, out, err = run(capsys, "inspect")
    assert_one_line_error(code, out, err, "SHOP_DB_UNSET_FOR_TEST", "not set")


def test_invalid_pyproject_value(capsys, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.schema-lsp]\nttl = -5\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", SHOP_URL, "inspect")
    assert_one_line_error(code, out, err, "pyproject.toml", "ttl")


def test_invalid_timeout(capsys):
    code, out, err = run(capsys, "--db", SHOP_URL, "--timeout", "0", "inspect")
    assert_one_line_error(code, out, err, "--timeout", "> 0")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read snapshot"),
        ("{not json", "not valid JSON"),
        ('{"format": "something-else"}', "not a schema-lsp snapshot"),
        ('{"format": "schema-lsp-snapshot", "version": 99}', "version 99"),
    ],
)
def test_bad_snapshot_file(capsys, tmp_path, content, expected):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "--snapshot", str(path), "inspect")
    assert_one_line_error(code, out, err, expected)


def test_unwritable_snapshot_target(capsys, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "s.json"
    code, out, err = run(capsys, "--db", SHOP_URL, "snapshot", "-o", str(target))
    assert_one_line_error(code, out, err, "cannot write")


def test_debug_shows_the_traceback_but_not_the_password(capsys):
    code, out, err = run(
        capsys, "--debug", "--db", f"postgresql://u:{SECRET}@127.0.0.1:1/x", "inspect"
    )
    assert code == 2
    assert out == ""
    assert "Traceback (most recent call last)" in err
    assert "DatabaseUnreachable" in err
    assert err.splitlines()[-1].startswith("schema-lsp: error: cannot connect")
    assert SECRET not in err


def test_unexpected_error_is_one_line_and_masked(capsys, monkeypatch):
    """A bug (here: a registry that raises RuntimeError) still gives one masked line."""

    def broken(self):
        logging.getLogger("schema_lsp.registry").debug("reading postgresql://u:%s@db/x", SECRET)
        raise RuntimeError(f"boom while talking to postgresql://u:{SECRET}@db/x")

    monkeypatch.setattr(SchemaRegistry, "get_database_schema", broken)
    code, out, err = run(capsys, "--db", SHOP_URL, "inspect")
    line = assert_one_line_error(code, out, err, "unexpected RuntimeError: boom")
    assert line.endswith("(rerun with --debug for the traceback)")

    code, out, err = run(capsys, "--debug", "--db", SHOP_URL, "inspect")
    assert code == 2
    assert "Traceback (most recent call last)" in err
    assert "schema_lsp.registry: reading postgresql://u:***@db/x" in err  # debug log, masked
    assert SECRET not in err


# -- PostgreSQL and MariaDB -------------------------------------------------------------


def with_password(url: str) -> str:
    """The test servers trust local connections, so a password is accepted and ignored:
    enough to prove it never reaches the output."""
    user, _, rest = url.partition("@")
    return f"{user}:{SECRET}@{rest}"


@pytest.mark.postgres
def test_postgres_inspect(capsys, postgres_db):
    postgres_db.execute(
        "CREATE SCHEMA sales",
        "CREATE TYPE mood AS ENUM ('happy', 'sad')",
        "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        ' email text NOT NULL UNIQUE, mood mood, name varchar(50) COLLATE "C")',
        "COMMENT ON TABLE users IS 'People who log in'",
        "COMMENT ON COLUMN users.email IS 'login name'",
        "CREATE TABLE sales.invoices (id serial PRIMARY KEY,"
        " user_id bigint REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,"
        " total numeric(10, 2) DEFAULT 0 CHECK (total >= 0))",
        "CREATE INDEX ix_invoices_big ON sales.invoices (total) WHERE total > 100",
    )
    url = with_password(postgres_db.url)
    code, out, err = run(capsys, "--db", url, "inspect", "users")
    assert (code, err) == (0, "")
    assert SECRET not in out
    assert "comment: People who log in" in out
    rows = {line.split()[0]: line for line in out.splitlines()[4:9] if line.strip()}
    assert "PK, identity always" in rows["id"]
    assert rows["email"].rstrip().endswith("login name")
    assert "enum('happy', 'sad')" in rows["mood"]
    assert out.count("COLLATE") == 1
    assert "[implicit: unique]" in out

    code, out, _ = run(capsys, "--db", url, "--schema", "public", "--schema", "sales", "inspect")
    assert code == 0
    assert "postgresql " in out.splitlines()[0]
    names = [line.split()[0] for line in out.splitlines()[5:]]
    assert names == ["users", "sales.invoices"]

    code, out, _ = run(capsys, "--db", url, "--schema", "sales", "inspect", "sales.invoices")
    assert code == 0
    assert "ON DELETE SET NULL ON UPDATE CASCADE" in out
    assert "where " in out and "ix_invoices_big" in out
    assert "total >= " in out


@pytest.mark.postgres
def test_postgres_unknown_database_is_one_line(capsys, postgres_db):
    url = with_password(postgres_db.url) + "_missing"
    code, out, err = run(capsys, "--db", url, "inspect")
    assert_one_line_error(code, out, err, "cannot connect")


@pytest.mark.mysql
def test_mariadb_inspect_and_snapshot(capsys, mysql_db, tmp_path):
    mysql_db.execute(
        "CREATE TABLE users (id int AUTO_INCREMENT PRIMARY KEY, email varchar(100) NOT NULL,"
        " kind enum('a', 'b') NOT NULL DEFAULT 'a' COMMENT 'kind of user',"
        " UNIQUE KEY uq_users_email (email))",
        "CREATE TABLE posts (id bigint AUTO_INCREMENT PRIMARY KEY, user_id int,"
        " CONSTRAINT fk_posts_user FOREIGN KEY (user_id) REFERENCES users (id)"
        " ON DELETE CASCADE)",
    )
    url = mysql_db.url
    code, out, err = run(capsys, "--db", url, "inspect", "posts")
    assert (code, err) == (0, "")
    assert "fk_posts_user  (user_id)  ->  users(id)  ON DELETE CASCADE" in out
    assert "[implicit: foreign_key]" in out
    assert "PK, autoincrement" in out

    target = tmp_path / "mysql.json"
    code, _, err = run(capsys, "--db", url, "snapshot", "-o", str(target))
    assert code == 0
    assert SECRET not in err + target.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "--snapshot", str(target), "inspect", "users")
    assert code == 0
    assert "kind of user" in out
    assert "uq_users_email  (email)" in out


@pytest.mark.mysql
def test_mariadb_wrong_password_is_one_line_without_it(capsys, mysql_db):
    code, out, err = run(capsys, "--db", with_password(mysql_db.url), "inspect")
    assert_one_line_error(code, out, err, "cannot connect", "Access denied")


def test_generate_entity_follows_the_projects_line_length(capsys, tmp_path, monkeypatch):
    """Issue 12 (2): the module is laid out to the line length of the formatter configured
    where it is written (black's here), or in the working directory for stdout."""
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 50\n")
    (tmp_path / "app").mkdir()
    target = tmp_path / "app" / "models.py"
    code, _, _ = run(capsys, "--db", SHOP_URL, "generate", "entity", "customers", "-o", str(target))
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= 50
    ruff = str(Path(sys.executable).parent / "ruff")
    checked = subprocess.run(
        [ruff, "format", "--isolated", "--line-length", "50", "--diff", str(target)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    monkeypatch.chdir(tmp_path)
    code, printed, _ = run(capsys, "--db", SHOP_URL, "generate", "entity", "customers")
    assert printed == text
    monkeypatch.chdir(tmp_path.parent)  # no formatter configured: ruff's default, 88
    _, wider, _ = run(capsys, "--db", SHOP_URL, "generate", "entity", "customers")
    assert wider.count("\n") < text.count("\n")
