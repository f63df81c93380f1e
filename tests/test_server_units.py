"""The server's pure pieces, without a process: settings layering per folder, and ranges in
the client's position encoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from schema_lsp.entities.model import SourceRange
from schema_lsp.errors import ConfigError
from schema_lsp.server.diagnostics import to_range
from schema_lsp.server.settings import read_folder_settings
from tests.test_server_support import write


def test_editor_settings_win_over_pyproject_which_wins_over_the_environment(tmp_path: Path):
    write(
        tmp_path / "pyproject.toml",
        '[tool.schema-lsp]\ndatabase_url = "sqlite:///from-pyproject.db"\nttl = 60\n'
        'snapshot = "schema.json"\n',
    )
    environ = {"SCHEMA_LSP_DATABASE_URL": "sqlite:///from-env.db"}
    plain = read_folder_settings(tmp_path, environ=environ)
    assert plain.settings.database_url is not None
    assert plain.settings.database_url.sqlalchemy_url.database == "from-pyproject.db"
    assert plain.settings.ttl == 60
    assert plain.settings.snapshot == tmp_path / "schema.json"  # relative to the file
    assert plain.settings.project_root == tmp_path
    assert not plain.entities_configured

    editor = read_folder_settings(
        tmp_path,
        editor_layers=(
            ("workspace/configuration", {"databaseUrl": "sqlite:///from-editor.db"}),
            ("initializationOptions", {"databaseUrl": "ignored", "severity": {"SL111": "off"}}),
        ),
        environ=environ,
    )
    assert editor.settings.database_url is not None
    assert editor.settings.database_url.sqlalchemy_url.database == "from-editor.db"
    assert editor.settings.ttl == 60
    assert dict(editor.settings.severity) == {"SL111": "off"}

    only_env = read_folder_settings(tmp_path / "elsewhere", environ=environ)
    assert only_env.settings.database_url is not None  # the pyproject above still applies


def test_the_client_s_own_keys_in_the_editor_section_are_ignored(tmp_path: Path):
    options = {"databaseUrl": "sqlite:///x.db", "trace": {"server": "verbose"}}
    read = read_folder_settings(
        tmp_path, editor_layers=(("workspace/configuration", options),), environ={}
    )
    assert read.settings.database_url is not None
    write(tmp_path / "pyproject.toml", '[tool.schema-lsp]\ntrace = "on"\n')
    with pytest.raises(ConfigError, match=r"unknown setting 'trace'"):
        read_folder_settings(tmp_path, environ={})


def test_a_bad_value_names_the_layer_it_came_from(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"initializationOptions: ttl"):
        read_folder_settings(
            tmp_path, editor_layers=(("initializationOptions", {"ttl": -1}),), environ={}
        )
    with pytest.raises(ConfigError, match=r"severity"):
        read_folder_settings(
            tmp_path,
            editor_layers=(("initializationOptions", {"severity": {"SL111": "loud"}}),),
            environ={},
        )


@pytest.mark.parametrize(
    ("encoding", "start", "end"),
    [
        (types.PositionEncodingKind.Utf16, 10, 18),
        (types.PositionEncodingKind.Utf8, 12, 20),
        (types.PositionEncodingKind.Utf32, 9, 17),
    ],
)
def test_ranges_are_converted_to_the_client_encoding(encoding, start, end):
    line = 'x = "😀"; nickname = 1\n'  # the emoji is 1 code point, 2 UTF-16 units, 4 bytes
    column = line.index("nickname")
    where = SourceRange("m.py", 0, column, 0, column + len("nickname"))
    converted = to_range(where, [line], PositionCodec(encoding))
    assert (converted.start.character, converted.end.character) == (start, end)


MIXIN_BASE = """\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Audit:
    created_by: Mapped[str] = mapped_column(String(64))
"""


def _part(table: str, length: int) -> str:
    return (
        "from sqlalchemy import String\n"
        "from sqlalchemy.orm import Mapped, mapped_column\n\n"
        "from app.base import Audit, Base\n\n\n"
        f"class {table.title()}(Audit, Base):\n"
        f'    __tablename__ = "{table}"\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        f"    code: Mapped[str] = mapped_column(String({length}))\n"
    )


def test_an_edit_recompares_only_what_it_changed_and_shared_files_stay_whole(tmp_path):
    """Every part uses a mixin whose column reports in the base module; after one part is
    edited, the base module's list still holds every part's difference (those of unchanged
    entities come from their last comparison), exactly as a fresh full check says."""
    from schema_lsp.introspect import introspect_database
    from schema_lsp.server.folder import Folder

    tables = ["alpha", "beta", "gamma"]
    database = tmp_path / "db.sqlite"
    statements = [
        f"CREATE TABLE {t} (id INTEGER NOT NULL PRIMARY KEY, code VARCHAR(10) NOT NULL, "
        "created_by VARCHAR(99) NOT NULL)"
        for t in tables
    ]
    import sqlite3

    with sqlite3.connect(database) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
    schema = introspect_database(f"sqlite:///{database}")
    root = tmp_path / "ws"
    files = {str(root / "app" / "base.py"): MIXIN_BASE}
    files |= {str(root / "app" / f"{t}.py"): _part(t, 10) for t in tables}

    def loaded() -> Folder:
        folder = Folder(root.as_uri(), root, None, PositionCodec(types.PositionEncodingKind.Utf16))
        for path, text in files.items():
            folder.apply(path, text, 1, 1)
        return folder

    def lists(results: dict) -> dict[str, list[str]]:
        return {p: [d.message for d in r.diagnostics] for p, r in results.items()}

    warm = loaded()
    try:
        first = warm.check(None, schema, None)
        base = str(root / "app" / "base.py")
        assert len(first[base].diagnostics) == 3  # created_by, reported in the mixin's file
        edited = str(root / "app" / "beta.py")
        files[edited] = _part("beta", 20)
        warm.apply(edited, files[edited], 2, 2)
        again = warm.check(warm.affected([edited]), schema, None)
        assert base in again and edited in again
        fresh = loaded()
        try:
            expected = lists(fresh.check(None, schema, None))
        finally:
            fresh.close()
        assert lists(again) == {p: expected[p] for p in again}
        assert any("String(20)" in m for m in lists(again)[edited])
    finally:
        warm.close()
