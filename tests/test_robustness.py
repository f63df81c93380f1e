"""Issue 11's robustness suite, command line and core: bad input is a clear finding or a
clear error, never silence, a crash, a hang or lost data. One section per numbered point
of the issue; the language-server side is in test_robustness_lsp.py."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from schema_lsp.cli import main
from schema_lsp.entities.declarative import DeclarativeReader
from schema_lsp.entities.workspace import WorkspaceIndex
from schema_lsp.errors import UnknownSchema
from schema_lsp.introspect import introspect_database

GOOD = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), comment="{comment}")
"""

#: A second model the database lacks: finding SL100 for it proves the file was read.
ORDERS = """\
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
"""


@pytest.fixture(autouse=True)
def _isolated(isolated):
    """Every test here runs isolated (``conftest.isolated``)."""


@pytest.fixture
def url(tmp_path) -> str:
    database = tmp_path / "app.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50))")
    return f"sqlite:///{database}"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def good(tmp_path: Path) -> Path:
    path = tmp_path / "models.py"
    path.write_text(GOOD.format(comment="name"))
    return path


# -- 1. unparseable model files are findings, never silence -------------------------------

#: name -> (the file's bytes, the 1-based line of the SL002, words its message holds)
BROKEN: dict[str, tuple[bytes, int, str]] = {
    "syntax error": (b"x = 1\nclass A(Base:\n    pass\n", 2, "syntax error"),
    "indentation": (b"x = 1\n  y = 2\n", 2, "indentation error"),
    "latin-1 without a coding line": (b"x = 1\nname = 'caf\xe9'\n", 2, "byte 0xe9 at line 2"),
    "unknown coding": (b"# -*- coding: klingon -*-\nx = 1\n", 1, "Python does not know"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00", 1, "NUL byte"),
    "nesting too deep": (b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n", 1, "nested"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_model_file_python_cannot_read_is_an_error_at_its_line(capsys, tmp_path, url, name):
    data, line, words = BROKEN[name]
    (tmp_path / "broken.py").write_bytes(data)
    good(tmp_path)
    code, out, err = run(capsys, "check", "--db", url, "models.py", "broken.py")
    assert code == 1  # a finding, like a difference
    (reported,) = out.splitlines()
    assert reported.startswith(f"broken.py:{line}:")
    assert " SL002 [error] file not checked: " in reported
    assert words in reported
    assert "models in sync" not in err
    assert "1 of 2 model files could not be read" in err


def test_json_and_sarif_name_the_file_and_the_line(capsys, tmp_path, url):
    (tmp_path / "broken.py").write_text("x = 1\n\nclass A(Base:\n")
    code, out, _ = run(capsys, "check", "--db", url, "--format", "json", "broken.py")
    assert code == 2  # nothing at all could be read
    (item,) = json.loads(out)["differences"]
    assert (item["code"], item["kind"], item["severity"]) == ("SL002", "file_unreadable", "error")
    assert (item["path"], item["line"]) == ("broken.py", 3)
    code, out, _ = run(capsys, "check", "--db", url, "--format", "sarif", "broken.py")
    sarif = json.loads(out)["runs"][0]
    assert [rule["id"] for rule in sarif["tool"]["driver"]["rules"]] == ["SL002"]
    (result,) = sarif["results"]
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("broken.py")
    assert location["region"]["startLine"] == 3


def test_only_unreadable_files_exit_2_and_never_say_in_sync(capsys, tmp_path, url):
    (tmp_path / "a.py").write_text("class A(:\n")
    (tmp_path / "b.py").write_bytes(b"\xff\xfe\x00")
    code, out, err = run(capsys, "check", "--db", url, "a.py", "b.py")
    assert code == 2
    assert len(out.splitlines()) == 2
    assert "2 of 2 model files could not be read" in err
    assert "in sync" not in err


def test_an_unreadable_file_turned_off_still_fails_when_nothing_was_read(capsys, tmp_path, url):
    (tmp_path / "pyproject.toml").write_text('[tool.schema-lsp]\nseverity = { SL002 = "off" }\n')
    (tmp_path / "a.py").write_text("class A(:\n")
    code, out, err = run(capsys, "check", "--db", url, "a.py")
    assert (code, out) == (2, "")
    assert "1 of 1 model file could not be read" in err


@pytest.mark.parametrize(
    ("header", "encoding", "comment"),
    [
        ("# -*- coding: latin-1 -*-\n", "latin-1", "café"),
        ("#!/usr/bin/env python\n# coding=cp1252\n", "cp1252", "café €"),
        ("", "utf-8-sig", "café ‰"),  # a byte order mark, no coding line
    ],
)
def test_source_is_decoded_the_way_python_decodes_it(
    capsys, tmp_path, url, header, encoding, comment
):
    """A file Python runs is a file schema-lsp reads: no SL002, and its models are
    compared (a table named with non-ASCII text, which the database lacks, is found with
    its name read as Python reads it)."""
    orders = ORDERS.split("\n\n\n", 1)[1].replace('"orders"', f'"{comment}"')
    text = header + GOOD.format(comment="name") + "\n\n" + orders
    compile(text.encode(encoding), "models.py", "exec")  # Python reads these bytes
    (tmp_path / "models.py").write_bytes(text.encode(encoding))
    code, out, _ = run(capsys, "check", "--db", url, "models.py")
    assert out.splitlines() == [
        f"models.py:{text.count(chr(10), 0, text.index('class Order')) + 1}:7: SL100 [error] "
        f"table {comment} does not exist in the database"
    ]
    assert code == 1


def test_a_parser_failure_on_a_whole_file_is_an_error_not_a_note(tmp_path, monkeypatch):
    """An internal error of the parser (a bug) on one file: the file is SL002, with what
    failed and a request to report it; the other files are still read."""
    (tmp_path / "a.py").write_text(GOOD.format(comment="x"))
    (tmp_path / "b.py").write_text(ORDERS)
    real = DeclarativeReader.read_file

    def failing(self, parsed):
        if parsed.path.endswith("b.py"):
            raise KeyError("boom")
        return real(self, parsed)

    monkeypatch.setattr(DeclarativeReader, "read_file", failing)
    index = WorkspaceIndex([tmp_path])
    index.load([tmp_path / "a.py", tmp_path / "b.py"])
    assert [e.table.name for e in index.entities()] == ["users"]
    (problem,) = index.problems()
    assert problem.range.path.endswith("b.py")
    assert problem.message == (
        "file not checked: schema-lsp failed to read it: KeyError; please report this"
    )


def test_a_file_that_cannot_be_opened_is_a_problem(tmp_path):
    index = WorkspaceIndex([tmp_path])
    folder = tmp_path / "models.py"
    folder.mkdir()  # a folder named like a module: reading it fails
    index.load([folder])
    (problem,) = index.problems()
    assert problem.message.startswith("file not checked: ")
    assert index.entities() == []


def test_diff_writes_no_migration_while_a_model_file_does_not_read(capsys, tmp_path, url):
    """Its tables would look dropped: refusing is the only safe answer."""
    good(tmp_path)
    (tmp_path / "orders.py").write_text(ORDERS + "\nclass Broken(Base:\n")
    output = tmp_path / "migration.sql"
    code, _, err = run(
        capsys,
        "diff",
        "--db",
        url,
        "--sql",
        "--include-drops",
        "-o",
        str(output),
        "models.py",
        "orders.py",
    )
    assert code == 2
    assert not output.exists()
    assert "no migration written: 1 model file could not be read" in err
    assert "orders.py:11" in err


# -- 4. a password is never printed, whatever the URL's shape -----------------------------

SECRET = "S3cret"
#: URLs as users mistype them, each holding SECRET where a password would be
MALFORMED_URLS = (
    f"user:{SECRET}@host/db",  # no scheme
    f"//user:{SECRET}@host/db",
    f"postgresql:user:{SECRET}@host/db",
    f"postgresql:/user:{SECRET}@host/db",
    f"postgresql://user:{SECRET} x@host/db",  # a space in the password
    f"postgresql://user:p@{SECRET}@host/db",  # an unencoded @
    f"postgresql://user:{SECRET}@host:notaport/db",
    f"postgresql://user:{SECRET}@",
    f"postgresql://:{SECRET}@host/db",
    f"nosuchdb://user:{SECRET}@host/db",
    f"postgresql://user@host/db?password={SECRET}",
    f"host=localhost password={SECRET} dbname=app",  # a libpq DSN, not a URL
    f"postgresql://user:{SECRET}@host/db?application_name=a@b",
)


@pytest.mark.parametrize("text", MALFORMED_URLS)
def test_no_surface_prints_the_password_of_a_malformed_url(capsys, tmp_path, monkeypatch, text):
    (tmp_path / "models.py").write_text(ORDERS)
    monkeypatch.setenv("APP_DB", text)
    (tmp_path / "pyproject.toml").write_text(f"[tool.schema-lsp]\ndatabase_url = {text!r}\n")
    runs = [
        ("inspect", "--db", text),
        ("check", "--db", text, "models.py"),
        ("check", "--db", "env:APP_DB", "models.py"),
        ("check", "models.py"),  # from pyproject.toml
    ]
    for argv in runs:
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, err)
        assert err.startswith("schema-lsp: error: "), err
        assert SECRET not in out + err, (argv, err)


def test_an_empty_environment_variable_is_not_called_unset(capsys, tmp_path, monkeypatch):
    (tmp_path / "models.py").write_text(ORDERS)
    monkeypatch.setenv("APP_DB", "  ")
    _, _, err = run(capsys, "check", "--db", "env:APP_DB", "models.py")
    assert "APP_DB, which is set but empty" in err
    monkeypatch.delenv("APP_DB")
    _, _, err = run(capsys, "check", "--db", "env:APP_DB", "models.py")
    assert "APP_DB, which is not set" in err


# -- 3. a schema the database does not have is an error -----------------------------------


def test_a_schema_the_database_lacks_is_an_error_with_close_matches(any_db, capsys, tmp_path):
    """``--schema pubilc`` once reported every table missing, and ``diff --sql`` wrote a
    CREATE TABLE for each; on every dialect it is an error naming the schema."""
    any_db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50))")
    default = {"sqlite": "main", "postgresql": "public", "mysql": None}[any_db.dialect]
    if default is None:  # MariaDB: a schema is a database, the default one is the URL's
        default = sa_url_database(any_db.url)
    typo = default[:-2] + default[-1] + default[-2]  # the last two letters swapped
    if typo == default:  # a random database name may end in two equal letters
        typo = default[:-1] + ("x" if default[-1] != "x" else "y")
    with pytest.raises(UnknownSchema) as raised:
        introspect_database(any_db.url, schemas=[typo])
    message = str(raised.value)
    assert message.startswith(f"schema '{typo}' does not exist in ")
    assert f"did you mean '{default}'?" in message
    (tmp_path / "models.py").write_text(GOOD.format(comment="x"))
    for argv in (
        ("inspect", "--db", any_db.url, "--schema", typo),
        ("check", "--db", any_db.url, "--schema", typo, "models.py"),
        ("diff", "--db", any_db.url, "--schema", typo, "--sql", "models.py"),
    ):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, ""), argv
        assert f"schema '{typo}' does not exist" in err
    # the default schema by name, and every schema, still read
    assert [t.name for t in introspect_database(any_db.url, schemas=[default])] == ["users"]


def sa_url_database(url: str) -> str:
    import sqlalchemy as sa

    name = sa.make_url(url).database
    assert name is not None
    return name


# -- 7. every bad setting is a typed, one-line message -----------------------------------

SETTINGS = (
    "database_url",
    "schemas",
    "ttl",
    "statement_timeout",
    "snapshot",
    "entities",
    "migrations",
    "debounce",
    "severity",
    "comments",
    "check_constraints",
    "unmapped_tables",
    "python",
    "extra_paths",
)
BAD_VALUES = (
    float("nan"),
    float("inf"),  # TOML's inf, and what 1e400 parses as
    -float("inf"),
    -1,
    10**30,
    [1],
    [None],
    {"a": 1},
    "\0",
    ["\0"],
    "\udce9",  # a lone surrogate: text that was not decoded
    ["\udce9"],
    "x" * 100_000,
    {"SL1": "loud"},
    {"SL111": 3},
    b"bytes",
    object(),
)


@pytest.mark.parametrize("key", SETTINGS)
def test_every_setting_refuses_bad_values_with_one_line(key):
    """Huge, negative, NaN, wrong type, not text: accepted only when the setting means
    it (a string is a fine folder name), else a ConfigError of one short line. Never
    another exception (``statement_timeout = 1e400`` was an OverflowError)."""
    from schema_lsp.config import Settings
    from schema_lsp.errors import SchemaLspError

    refused = 0
    for value in BAD_VALUES:
        try:
            settings = Settings.from_mapping({key: value}, source="pyproject.toml")
        except SchemaLspError as exc:
            message = str(exc)
            assert message.startswith(f"pyproject.toml: {key}: "), message
            assert "\n" not in message and len(message) < 300, message
            refused += 1
            continue
        accepted = getattr(settings, key)
        assert "\0" not in repr(accepted) and "\\udce9" not in repr(accepted), (key, value)
        assert accepted == accepted, (key, value)  # never NaN
    assert refused >= len(BAD_VALUES) - 3


def test_a_timeout_of_1e400_and_a_pyproject_not_in_utf8_are_clear(capsys, tmp_path, url):
    good(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.schema-lsp]\nstatement_timeout = 1e400\n")
    code, _, err = run(capsys, "check", "--db", url, "models.py")
    assert code == 2
    assert "statement_timeout: expected a number of seconds > 0 and at most 86400, got inf" in err
    pyproject.write_bytes(b"[tool.schema-lsp]\n# caf\xe9\nstatement_timeout = 5\n")
    code, _, err = run(capsys, "check", "--db", url, "models.py")
    assert code == 2
    assert err == (
        f"schema-lsp: error: {pyproject} is not UTF-8 (byte 0xe9 at line 2), as TOML files "
        "must be: save it as UTF-8\n"
    )


@pytest.mark.mysql
def test_a_driver_failing_on_a_url_option_is_a_clear_error(capsys, mysql_db):
    """PyMySQL raises AttributeError for an unknown charset: said as the URL's fault."""
    code, _, err = run(capsys, "inspect", "--db", mysql_db.url + "?charset=nonexist")
    assert code == 2
    assert "the pymysql driver failed on the URL's options (charset=nonexist)" in err
    assert "unexpected" not in err


# -- 11. async driver URLs are read with the database's synchronous driver ---------------

ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg", "mysql": "aiomysql"}


def test_an_async_driver_url_is_read_with_the_synchronous_driver(any_db, capsys, tmp_path):
    import sqlalchemy as sa

    metadata = sa.MetaData()  # what the model declares, as create_all makes it
    sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), comment="x"),
    )
    metadata.create_all(any_db.engine)
    url = sa.make_url(any_db.url)
    backend = url.get_backend_name()
    asynchronous = url.set(drivername=f"{backend}+{ASYNC_DRIVERS[any_db.dialect]}")
    text = asynchronous.render_as_string(hide_password=False)
    (tmp_path / "models.py").write_text(GOOD.format(comment="x"))
    code, out, err = run(capsys, "check", "--db", text, "models.py")
    assert (code, out) == (0, ""), err
    assert "models in sync" in err
    if any_db.dialect == "postgresql":  # asyncpg's ssl option is libpq's sslmode
        code, _, err = run(capsys, "check", "--db", text + "?ssl=disable", "models.py")
        assert code == 0, err


# -- 2. steps that can lose data are never silent -----------------------------------------

PEOPLE = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Person(Base):
    __tablename__ = "people"
    id = Column(Integer, primary_key=True)
    full_name = Column(String(100))
    age = Column(Integer, nullable=False)
"""


def _rows(engine, query: str) -> int:
    import sqlalchemy as sa

    with engine.connect() as connection:
        return connection.execute(sa.text(query)).scalar_one()


def test_narrowing_and_drops_are_left_out_with_a_query_for_the_rows(any_db, capsys, tmp_path):
    """``ALTER ... TYPE VARCHAR(100) USING CAST(...)`` cut a 115-character value on
    PostgreSQL. By default such steps are comments holding a query that counts the rows
    they would touch (run here: it finds them); ``--allow-data-loss`` (alias
    ``--include-drops``) emits them after a warning."""
    any_db.execute(
        "CREATE TABLE people (id INTEGER PRIMARY KEY, full_name VARCHAR(115), "
        "age BIGINT, note VARCHAR(20))",
        f"INSERT INTO people VALUES (1, '{'x' * 115}', NULL, 'kept')",
        "INSERT INTO people VALUES (2, 'short', 40, NULL)",
    )
    (tmp_path / "models.py").write_text(PEOPLE)
    code, script, _ = run(capsys, "diff", "--db", any_db.url, "models.py")
    assert code == 1
    skipped = [line for line in script.splitlines() if "skipped (it can lose data)" in line]
    queries = {
        line.split(": ", 2)[1]: line.split("would touch: ")[1].split("; emit")[0]
        for line in skipped
    }
    lossy = any_db.dialect != "sqlite"  # SQLite keeps any value in any column
    expected = {"people.age NULL -> NOT NULL", "drop column people.note"}
    if lossy:
        expected |= {
            "people.full_name VARCHAR(115) -> VARCHAR(100)",
            "people.age BIGINT -> INTEGER",
        }
    queries = {re.sub(r"BIGINT\(\d+\)", "BIGINT", k): v for k, v in queries.items()}  # MariaDB
    assert set(queries) == expected
    counts = {step: _rows(any_db.engine, query) for step, query in queries.items()}
    assert counts["people.age NULL -> NOT NULL"] == 1  # the row whose age is NULL
    assert counts["drop column people.note"] == 1  # the row with a note
    if lossy:
        assert counts["people.full_name VARCHAR(115) -> VARCHAR(100)"] == 1
        assert counts["people.age BIGINT -> INTEGER"] == 0
    statements = [line for line in script.splitlines() if line and not line.startswith("--")]
    if lossy:
        assert not any("full_name" in line or "note" in line for line in statements), statements
    else:  # the rebuild keeps the column and copies it
        assert any("note VARCHAR(20)" in line for line in statements), statements

    for flag in ("--allow-data-loss", "--include-drops"):
        code, script, _ = run(capsys, "diff", "--db", any_db.url, "models.py", flag)
        warnings = [line for line in script.splitlines() if "warning, this loses data" in line]
        assert len(warnings) == len(expected)
        assert "skipped (it can lose data)" not in script
        body = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
        # dropped: by ALTER, or on SQLite by a rebuild without it
        assert ("DROP COLUMN note" in body) if lossy else ("note VARCHAR(20)" not in body)


# -- 5. identifiers travel as exact strings ------------------------------------------------

WEIRD = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Weird(Base):
    __tablename__ = "weird"
    id = Column(Integer, primary_key=True, autoincrement=False)
    ab = Column("a\\nb", String(20))
    a_b = Column("a b", String(10))
"""


def _table_not_read_in_full(capsys, any_db, code: int, out: str) -> None:
    """SQLAlchemy's MySQL reflection parses SHOW CREATE TABLE line by line and skips the
    column whose name holds a line break: the table is one note, never a claim that the
    column is missing from the database, nor a model "in sync"."""
    assert code == 0, out
    assert "SL110" not in out and "SL111" not in out
    (note,) = [line for line in out.splitlines() if "SL001" in line]
    assert "table weird: not checked (the database's definition of it could not be read" in note
    assert "models.py:7:" in note  # on the class
    _, shown, _ = run(capsys, "inspect", "--db", any_db.url, "weird")
    assert "note: not read in full: SQLAlchemy's reflection could not parse" in shown
    _, listed, _ = run(capsys, "inspect", "--db", any_db.url)
    assert "note: weird was not read in full" in listed
    _, entity, _ = run(capsys, "generate", "entity", "weird", "--db", any_db.url)
    assert "# Incomplete: SQLAlchemy's reflection could not parse" in entity
    _, script, _ = run(capsys, "diff", "--db", any_db.url, "models.py", "--allow-data-loss")
    assert "ALTER" not in script  # nothing is migrated on a definition not read in full


def test_a_newline_in_a_name_is_kept_in_sql_and_escaped_in_text(any_db, capsys, tmp_path):
    """``diff --sql`` once altered the column "a b" for "a\\nb"; text output broke lines."""
    import sqlalchemy as sa

    metadata = sa.MetaData()
    sa.Table(
        "weird",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("a\nb", sa.String(10)),
        sa.Column("a b", sa.String(10)),
    )
    metadata.create_all(any_db.engine)
    (tmp_path / "models.py").write_text(WEIRD)
    code, out, _ = run(capsys, "check", "--db", any_db.url, "models.py")
    if any_db.dialect == "mysql":
        _table_not_read_in_full(capsys, any_db, code, out)
        return
    if any_db.dialect != "sqlite":  # SQLite does not enforce lengths: not an error there
        assert code == 1
    (line,) = [line for line in out.splitlines() if "SL120" in line]
    assert "column weird.a\\nb: declared String(20)" in line
    _, script, _ = run(capsys, "diff", "--db", any_db.url, "models.py", "--allow-data-loss")
    with any_db.engine.begin() as connection:
        for statement in script.split(";\n"):
            body = "\n".join(x for x in statement.splitlines() if not x.startswith("--"))
            if body.strip():
                connection.exec_driver_sql(body.replace("%", "%%"))
    columns = {c["name"]: c["type"] for c in sa.inspect(any_db.engine).get_columns("weird")}
    assert columns["a\nb"].length == 20
    assert columns["a b"].length == 10  # never the other one
    code, out, _ = run(capsys, "inspect", "--db", any_db.url, "weird")
    rows = [line for line in out.splitlines() if line.startswith("a")]
    assert [row.split()[0] for row in rows] == ["a\\nb", "a"]  # one line each


# -- 10. what a newcomer trips on ---------------------------------------------------------


def test_a_relative_or_folder_sqlite_path_is_explained(capsys, tmp_path):
    code, _, err = run(capsys, "inspect", "--db", "sqlite:///data/app.db")
    assert code == 2
    assert err == (
        "schema-lsp: error: SQLite database file not found: data/app.db (a relative path, "
        f"taken from the working directory {tmp_path}; an absolute path takes four slashes: "
        "sqlite:////path/to/app.db)\n"
    )
    (tmp_path / "app.db").mkdir()
    code, _, err = run(capsys, "inspect", "--db", f"sqlite:///{tmp_path}/app.db")
    assert code == 2
    assert err.endswith("app.db is a folder, not a database file\n")


@pytest.mark.postgres
def test_inspect_schema_dot_table_reads_that_schema(capsys, postgres_db):
    """As the README says: ``inspect app.things`` without ``--schema app``."""
    postgres_db.execute("CREATE SCHEMA app", "CREATE TABLE app.things (id INTEGER PRIMARY KEY)")
    code, out, _ = run(capsys, "inspect", "--db", postgres_db.url, "app.things")
    assert code == 0
    assert out.startswith("table app.things  (")
    code, _, err = run(capsys, "inspect", "--db", postgres_db.url, "app.thing")
    assert code == 2
    assert "unknown table 'app.thing'" in err and "did you mean 'app.things'?" in err


def test_an_alembic_revision_that_changes_nothing_is_not_written(capsys, tmp_path, url):
    (tmp_path / "models.py").write_text(GOOD.format(comment="x"))
    output = tmp_path / "0001.py"
    code, out, err = run(capsys, "diff", "--alembic", "--db", url, "-o", str(output), "models.py")
    assert (code, out) == (0, "")
    assert not output.exists()
    assert err == "schema-lsp: no revision written: it would change nothing\n"


# -- 6. concurrent reads of one database ----------------------------------------------------

#: a column type SQLAlchemy does not know (read through its reflection warning)
UNKNOWN_TYPE = {"sqlite": "FANCY", "postgresql": "point", "mysql": "GEOMETRY"}


@pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")  # none may escape a read
def test_eight_threads_reading_one_database_fifty_times_agree(any_db):
    """Introspection shares no mutable state: 8 threads x 50 reads of the same URL, on one
    introspector and on one each, all give the first read's schema (its unknown type
    included: that one comes from a reflection warning, captured one read at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    from schema_lsp import snapshot
    from schema_lsp.introspect import SchemaIntrospector

    any_db.execute(
        f"CREATE TABLE shapes (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, "
        f"area {UNKNOWN_TYPE[any_db.dialect]})",
        "CREATE INDEX ix_shapes_name ON shapes (name)",
        "CREATE TABLE tags (id INTEGER PRIMARY KEY, shape_id INTEGER REFERENCES shapes (id))",
    )

    def text(database) -> str:
        return snapshot.to_json(database).split('"read_at"')[0] + str(
            [t.name for t in database.tables]
        )

    shared = SchemaIntrospector(any_db.url)
    try:
        first = shared.introspect()
        assert (
            first.table("shapes")
            .column("area")
            .type.upper()
            .startswith(UNKNOWN_TYPE[any_db.dialect].upper())
        )
        expected = text(first)

        def reads(own: bool) -> set[str]:
            introspector = SchemaIntrospector(any_db.url) if own else shared
            try:
                return {text(introspector.introspect()) for _ in range(50)}
            finally:
                if own:
                    introspector.dispose()

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(reads, [False, True] * 4))
    finally:
        shared.dispose()
    assert all(result == {expected} for result in results)


# -- 9. wide tables ----------------------------------------------------------------------


@pytest.mark.postgres
def test_a_read_past_the_timeout_names_the_step_and_the_widest_tables(capsys, postgres_db):
    """PostgreSQL deparses each default with the whole table's columns: a 1,000-column
    table with defaults takes seconds. A read cut by the timeout says where and why."""
    columns = ", ".join(f"c{i} integer DEFAULT {i}" for i in range(1000))
    postgres_db.execute(
        f"CREATE TABLE wide ({columns})", "CREATE TABLE narrow (id integer PRIMARY KEY)"
    )
    code, _, err = run(capsys, "inspect", "--db", postgres_db.url, "--timeout", "0.05")
    assert code == 2
    assert err.startswith(
        "schema-lsp: error: reading the columns of every table of postgres@127.0.0.1"
    )
    assert "took longer than the statement timeout (0.05 s)" in err
    assert "(the widest tables: wide (1000 columns), narrow (1 columns))" in err
    assert "allow more with --timeout SECONDS" in err
    code, out, _ = run(capsys, "inspect", "--db", postgres_db.url, "--timeout", "60")
    assert code == 0 and "wide " in out


def test_an_imported_module_with_a_coding_line_is_read_as_python_reads_it(capsys, tmp_path, url):
    """A mixin the model imports from another module is decoded the way Python decodes it
    too (a Latin-1 file with its coding line was not read before: its column was unseen)."""
    (tmp_path / "mixins.py").write_bytes(
        "# -*- coding: latin-1 -*-\n# café\nfrom sqlalchemy import Column, Integer\n\n\n"
        "class Stamped:\n    stamp = Column(Integer)\n".encode("latin-1")
    )
    (tmp_path / "models.py").write_text(
        GOOD.format(comment="name")
        .replace("from sqlalchemy.orm", "from mixins import Stamped\nfrom sqlalchemy.orm")
        .replace("class User(Base):", "class User(Stamped, Base):")
    )
    code, out, _ = run(capsys, "check", "--db", url, "models.py")
    assert code == 1
    assert "column users.stamp" in out and "SL110" in out, out
