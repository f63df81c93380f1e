"""Settings: where the database URL comes from, env: indirection, editor (camelCase) options,
validation messages that name the key and file, and a password that never shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from schema_lsp.config import DATABASE_URL_ENV, Settings, find_pyproject, load_settings
from schema_lsp.errors import ConfigError, InvalidDatabaseUrl, SchemaLspError
from schema_lsp.url import DatabaseUrl

SECRET = "s3cr3t-pw"


def write_pyproject(directory: Path, body: str) -> Path:
    path = directory / "pyproject.toml"
    path.write_text('[project]\nname = "app"\n\n[tool.schema-lsp]\n' + body, encoding="utf-8")
    return path


def test_defaults_without_any_configuration(tmp_path):
    settings = load_settings(start=tmp_path, environ={})
    assert settings.database_url is None
    assert settings.schemas == ()
    assert settings.ttl == 300.0
    assert settings.statement_timeout == 10.0
    assert settings.snapshot is None
    assert settings.migrations == "migrations"
    assert settings.entities  # a default glob list for the entity parser
    assert settings == Settings(project_root=settings.project_root)


def test_pyproject_is_found_from_a_subdirectory(tmp_path):
    write_pyproject(
        tmp_path,
        'database_url = "sqlite:///app.db"\nschemas = ["sales", "audit"]\n'
        'ttl = 60\nstatement_timeout = 2.5\nsnapshot = "schema/snapshot.json"\n'
        'entities = ["app/models/*.py"]\nmigrations = "alembic"\n',
    )
    nested = tmp_path / "app" / "models"
    nested.mkdir(parents=True)
    settings = load_settings(start=nested, environ={})
    assert settings.database_url is not None
    assert settings.database_url.dialect == "sqlite"
    assert settings.schemas == ("sales", "audit")
    assert settings.ttl == 60.0
    assert settings.statement_timeout == 2.5
    assert settings.snapshot == tmp_path / "schema" / "snapshot.json"
    assert settings.entities == ("app/models/*.py",)
    assert settings.migrations == "alembic"
    assert settings.project_root == tmp_path


def test_nearest_pyproject_wins(tmp_path):
    write_pyproject(tmp_path, 'database_url = "sqlite:///outer.db"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    write_pyproject(inner, 'database_url = "sqlite:///inner.db"\n')
    assert find_pyproject(inner) == inner / "pyproject.toml"
    settings = load_settings(start=inner, environ={})
    assert settings.database_url.sqlalchemy_url.database == "inner.db"


def test_precedence_db_option_then_env_then_pyproject(tmp_path):
    write_pyproject(tmp_path, 'database_url = "sqlite:///from_pyproject.db"\n')
    env = {DATABASE_URL_ENV: "sqlite:///from_env.db"}

    def database(**kwargs):
        return load_settings(start=tmp_path, **kwargs).database_url.sqlalchemy_url.database

    assert database(environ={}) == "from_pyproject.db"
    assert database(environ=env) == "from_env.db"
    assert database(environ=env, database_url="sqlite:///from_option.db") == "from_option.db"


def test_empty_env_variable_counts_as_unset(tmp_path):
    write_pyproject(tmp_path, 'database_url = "sqlite:///from_pyproject.db"\n')
    settings = load_settings(start=tmp_path, environ={DATABASE_URL_ENV: "  "})
    assert settings.database_url.sqlalchemy_url.database == "from_pyproject.db"


def test_explicit_options_override_pyproject(tmp_path):
    write_pyproject(tmp_path, 'schemas = ["a"]\nstatement_timeout = 30\nsnapshot = "s.json"\n')
    settings = load_settings(
        start=tmp_path,
        environ={},
        schemas=["b", "c", "b"],
        statement_timeout=3,
        snapshot=tmp_path / "other.json",
    )
    assert settings.schemas == ("b", "c")
    assert settings.statement_timeout == 3.0
    assert settings.snapshot == tmp_path / "other.json"


def test_env_indirection_in_pyproject(tmp_path):
    write_pyproject(tmp_path, 'database_url = "env:DATABASE_URL"\n')
    url = f"postgresql://app:{SECRET}@db.internal:5433/shop"
    settings = load_settings(start=tmp_path, environ={"DATABASE_URL": url})
    assert settings.database_url.sqlalchemy_url.host == "db.internal"
    assert settings.database_url.password == SECRET
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.database_url)


def test_env_indirection_with_unset_variable_names_it(tmp_path):
    pyproject = write_pyproject(tmp_path, 'database_url = "env:DATABASE_URL"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(start=tmp_path, environ={})
    message = str(caught.value)
    assert "DATABASE_URL" in message
    assert "not set" in message
    assert str(pyproject) in message
    assert "\n" not in message


def test_unset_env_indirection_does_not_matter_when_db_is_given(tmp_path):
    write_pyproject(tmp_path, 'database_url = "env:DATABASE_URL"\n')
    settings = load_settings(start=tmp_path, environ={}, database_url="sqlite:///x.db")
    assert settings.database_url.dialect == "sqlite"


def test_env_indirection_works_in_the_db_option_too():
    settings = load_settings(
        database_url="env:MY_DB", environ={"MY_DB": "sqlite:///via_env.db"}, start=Path("/")
    )
    assert settings.database_url.sqlalchemy_url.database == "via_env.db"


def test_camel_case_mapping_from_an_editor(tmp_path):
    settings = Settings.from_mapping(
        {
            "databaseUrl": f"postgresql://app:{SECRET}@localhost/shop",
            "schemas": "sales",
            "ttl": 5,
            "statementTimeout": 1.5,
            "snapshot": "snap.json",
            "entities": ["models.py"],
            "migrations": None,  # null from an editor means: keep the default
        },
        source="initializationOptions",
        base_dir=tmp_path,
    )
    assert settings.database_url.sqlalchemy_url.database == "shop"
    assert settings.schemas == ("sales",)
    assert settings.ttl == 5.0
    assert settings.statement_timeout == 1.5
    assert settings.snapshot == tmp_path / "snap.json"
    assert settings.entities == ("models.py",)
    assert settings.migrations == "migrations"
    assert SECRET not in repr(settings)


def test_snake_case_mapping_and_env_indirection():
    settings = Settings.from_mapping(
        {"database_url": "env:APP_DB"}, environ={"APP_DB": "sqlite:///app.db"}
    )
    assert settings.database_url.dialect == "sqlite"


def test_mapping_accepts_an_already_parsed_url():
    url = DatabaseUrl.parse("sqlite:///x.db")
    assert Settings.from_mapping({"databaseUrl": url}).database_url is url


def test_both_spellings_of_one_key_is_an_error():
    with pytest.raises(ConfigError, match="same setting"):
        Settings.from_mapping({"statement_timeout": 1, "statementTimeout": 2})


@pytest.mark.parametrize(
    ("body", "key", "expected"),
    [
        ("ttl = -1\n", "ttl", ">= 0"),
        ('ttl = "soon"\n', "ttl", "number of seconds"),
        ("ttl = true\n", "ttl", "number of seconds"),
        ("statement_timeout = 0\n", "statement_timeout", "> 0"),
        ("schemas = [1, 2]\n", "schemas", "list of schema names"),
        ('schemas = [""]\n', "schemas", "list of schema names"),
        ("snapshot = 3\n", "snapshot", "file path"),
        ("entities = {a = 1}\n", "entities", "glob patterns"),
        ('migrations = ""\n', "migrations", "folder"),
        ("database_url = 5\n", "database_url", "URL string"),
        ('databse_url = "sqlite://"\n', "databse_url", "did you mean 'database_url'"),
    ],
)
def test_invalid_values_name_the_key_and_the_file(tmp_path, body, key, expected):
    pyproject = write_pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_settings(start=tmp_path, environ={})
    message = str(caught.value)
    assert str(pyproject) in message
    assert key in message
    assert expected in message


def test_invalid_toml_is_a_config_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.schema-lsp\nttl = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(start=tmp_path, environ={})


def test_invalid_option_values():
    with pytest.raises(ConfigError, match="--timeout"):
        load_settings(statement_timeout=-2, environ={}, start=Path("/"))
    with pytest.raises(ConfigError, match="--schema"):
        load_settings(schemas=["ok", " "], environ={}, start=Path("/"))


def test_bad_url_in_pyproject_names_key_and_file_but_not_the_password(tmp_path):
    pyproject = write_pyproject(
        tmp_path, f'database_url = "postgresql://u:{SECRET}@host:port/db"\n'
    )
    with pytest.raises(InvalidDatabaseUrl) as caught:
        load_settings(start=tmp_path, environ={})
    message = str(caught.value)
    assert str(pyproject) in message
    assert "database_url" in message
    assert SECRET not in message


def test_bad_url_from_env_names_the_variable_not_the_password():
    with pytest.raises(SchemaLspError) as caught:
        load_settings(
            environ={DATABASE_URL_ENV: f"mysql://root:{SECRET}@h:notaport/x"}, start=Path("/")
        )
    assert DATABASE_URL_ENV in str(caught.value)
    assert SECRET not in str(caught.value)


def test_password_never_in_repr_even_url_encoded():
    settings = Settings.from_mapping({"databaseUrl": "postgresql://u:p%40ss%2Fw0rd@h/db"})
    assert settings.database_url.password == "p@ss/w0rd"
    text = repr(settings) + str(settings)
    assert "p@ss/w0rd" not in text
    assert "p%40ss%2Fw0rd" not in text
    assert "***" in text


def test_severity_and_opt_in_comparisons_from_an_editor_mapping():
    settings = Settings.from_mapping(
        {"severity": {"SL111": "Information", "comment": "off"}, "checkConstraints": True}
    )
    assert settings.severity == (("SL111", "info"), ("comment", "off"))
    assert settings.check_constraints and not settings.comments
    assert settings.severity_of("SL111", "column_unmapped", "warning") == "info"
    assert settings.severity_of("SL191", "comment", "info") == "off"
    assert settings.severity_of("SL120", "type", "error") == "error"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"severity": {"SL111": "loud"}}, r"severity: SL111: expected one of error, warning"),
        ({"severity": {"colum_unmapped": "off"}}, r"did you mean 'column_unmapped'"),
        ({"severity": "off"}, r"severity: expected a table of code -> level"),
        ({"comments": "yes"}, r"comments: expected true or false"),
    ],
)
def test_bad_severity_and_flags_say_what_is_wrong(options, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_mapping(options, source="pyproject.toml [tool.schema-lsp]")


def test_debounce_is_a_setting_in_seconds():
    assert Settings().debounce == 0.2
    assert Settings.from_mapping({"debounce": 0}).debounce == 0
    with pytest.raises(ConfigError, match=r"debounce: expected a number of seconds >= 0"):
        Settings.from_mapping({"debounce": -1})


# -- the project formatter's line length (issue 12, point 2) ----------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, None),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, None),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 120\n"}, 120),
        ({"pyproject.toml": "[tool.black]\nline-length = 79\n"}, 79),
        (
            {"pyproject.toml": "[tool.ruff]\nline-length = 100\n[tool.black]\nline-length = 79\n"},
            100,
        ),
        ({"pyproject.toml": "[tool.ruff.lint]\nselect = ['E']\n"}, 88),  # ruff's default
        (
            {
                "ruff.toml": "line-length = 110\n",
                "pyproject.toml": "[tool.ruff]\nline-length = 99\n",
            },
            110,
        ),
        ({".ruff.toml": "line-length = 72\n"}, 72),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 'wide'\n"}, 88),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100000\n"}, 88),
        ({"pyproject.toml": "[tool.ruff\nline-length = 100\n"}, None),  # not TOML
        ({"pyproject.toml": b"[tool.ruff]\nline-length = 100 # \xff\n"}, None),  # not UTF-8
    ],
)
def test_the_formatters_line_length_is_read_from_the_nearest_configuration(
    tmp_path, files, expected
):
    from schema_lsp.config import formatter_line_length

    for name, content in files.items():
        target = tmp_path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    package = tmp_path / "src" / "app"
    package.mkdir(parents=True)
    assert formatter_line_length(package) == expected


def test_the_nearest_formatter_configuration_wins(tmp_path):
    """A package's own ruff.toml beats the project's pyproject.toml above it, as in ruff."""
    from schema_lsp.config import formatter_line_length

    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    package = tmp_path / "legacy"
    package.mkdir()
    (package / "ruff.toml").write_text("line-length = 79\n")
    assert formatter_line_length(package) == 79
    assert formatter_line_length(tmp_path) == 100
