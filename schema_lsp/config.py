"""Settings: one typed, fully defaulted object, read once from wherever the user keeps them.

The database URL comes from, in order: an explicit value (``--db``), the environment variable
``SCHEMA_LSP_DATABASE_URL``, then ``[tool.schema-lsp]`` in the nearest ``pyproject.toml``.
Any URL may be written ``env:NAME`` to read it from another variable, so a password never has
to live in a committed file. Editors send the same keys in camelCase (``databaseUrl``);
``Settings.from_mapping`` takes either spelling. Every error is a ``ConfigError`` naming the
key and where it came from, and never shows a password.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, InvalidDatabaseUrl
from .url import DatabaseUrl, mask_text

#: Environment variable that supplies the URL when ``--db`` is not given.
DATABASE_URL_ENV = "SCHEMA_LSP_DATABASE_URL"
#: Prefix of a URL value that names an environment variable instead.
ENV_PREFIX = "env:"
PYPROJECT = "pyproject.toml"
TOOL_SECTION = "schema-lsp"


@dataclass(frozen=True)
class Settings:
    """Everything schema-lsp can be told, with the defaults it uses when told nothing.

    Paths are absolute once loaded from a file (relative ones are taken from the directory of
    the ``pyproject.toml`` that names them). ``repr`` masks the database password.
    """

    database_url: DatabaseUrl | None = None
    #: Schemas to read; empty means the connection's default schema only.
    schemas: tuple[str, ...] = ()
    #: Seconds a cached schema stays fresh before the registry re-reads it.
    ttl: float = 300.0
    #: Seconds any one introspection statement may run.
    statement_timeout: float = 10.0
    #: A snapshot file to read the schema from (or keep it in) instead of a live database.
    snapshot: Path | None = None
    #: Globs (relative to ``project_root``) of the files that declare ORM models.
    entities: tuple[str, ...] = ("**/models.py", "**/models/*.py")
    #: Folder of Alembic migrations, relative to ``project_root``.
    migrations: str = "migrations"
    #: Seconds the language server waits after the last edit of a document before it
    #: checks it: a burst of keystrokes costs one check and one publish (0: every edit).
    debounce: float = 0.2
    #: Severity per difference code (``SL111``) or kind (``column_unmapped``): ``error``,
    #: ``warning``, ``info``, ``hint`` or ``off``, as sorted (key, level) pairs.
    severity: tuple[tuple[str, str], ...] = ()
    #: Opt-in comparisons: comments, CHECK constraints, tables that have no entity.
    comments: bool = False
    check_constraints: bool = False
    unmapped_tables: bool = False
    #: The project's interpreter, whose ``sys.path`` imports of model files are followed
    #: on (needed when schema-lsp runs from another environment, e.g. pipx); default: a
    #: ``.venv``/``venv`` in the project, else the interpreter schema-lsp runs in.
    python: Path | None = None
    #: Folders searched for imported modules before the project's own and the interpreter's.
    extra_paths: tuple[Path, ...] = ()
    #: The directory of the pyproject.toml the settings came from, if any.
    project_root: Path | None = None

    def severity_of(self, code: str, kind: str, default: str) -> str:
        """The level configured for a difference (its code wins over its kind)."""
        from .diff import configured_level

        return configured_level(dict(self.severity), code, kind, default)

    @classmethod
    def from_mapping(
        cls,
        options: Mapping[str, Any],
        *,
        source: str = "settings",
        base_dir: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Settings from a plain mapping (pyproject table, editor initializationOptions):
        snake_case or camelCase keys, missing keys defaulted, bad values a ConfigError."""
        values = _parse_options(options, source=source, base_dir=base_dir)
        raw_url = values.pop("database_url", None)
        settings = cls(**values)
        if raw_url is None or isinstance(raw_url, DatabaseUrl):
            return dataclasses.replace(settings, database_url=raw_url)
        url = resolve_database_url(raw_url, where=f"{source}: database_url", environ=environ)
        return dataclasses.replace(settings, database_url=url)


def load_settings(
    *,
    database_url: str | None = None,
    schemas: tuple[str, ...] | list[str] | None = None,
    statement_timeout: float | None = None,
    snapshot: str | Path | None = None,
    start: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings for a command run from ``start`` (default: the working directory).

    Explicit arguments win over ``SCHEMA_LSP_DATABASE_URL`` (URL only), which wins over the
    nearest pyproject.toml. A pyproject ``env:`` URL is only resolved when it is the one used.
    """
    environ = os.environ if environ is None else environ
    pyproject = find_pyproject(Path.cwd() if start is None else Path(start))
    options: dict[str, Any] = {}
    source = "settings"
    base_dir: Path | None = None
    if pyproject is not None:
        options = dict(read_pyproject_options(pyproject))
        source = f"{pyproject} [tool.{TOOL_SECTION}]"
        base_dir = pyproject.parent
    values = _parse_options(options, source=source, base_dir=base_dir)
    raw_url = values.pop("database_url", None)
    settings = Settings(**values)
    if pyproject is not None:
        settings = dataclasses.replace(settings, project_root=pyproject.parent)

    if database_url is not None:
        url = resolve_database_url(database_url, where="--db", environ=environ)
    elif environ.get(DATABASE_URL_ENV, "").strip():
        url = resolve_database_url(
            environ[DATABASE_URL_ENV], where=f"${DATABASE_URL_ENV}", environ=environ
        )
    elif raw_url is not None:
        url = resolve_database_url(raw_url, where=f"{source}: database_url", environ=environ)
    else:
        url = None
    settings = dataclasses.replace(settings, database_url=url)

    overrides: dict[str, Any] = {}
    if schemas:
        overrides["schemas"] = _parse_schemas(list(schemas), "--schema", "")
    if statement_timeout is not None:
        overrides["statement_timeout"] = _parse_seconds(
            statement_timeout, "--timeout", "", positive=True
        )
    if snapshot is not None:
        overrides["snapshot"] = Path(snapshot).absolute()
    return dataclasses.replace(settings, **overrides)


def resolve_database_url(
    text: str, *, where: str, environ: Mapping[str, str] | None = None
) -> DatabaseUrl:
    """Parse a URL value, following one ``env:NAME`` indirection."""
    environ = os.environ if environ is None else environ
    if not isinstance(text, str):
        raise ConfigError(f"{where}: expected a database URL string, got {type(text).__name__}")
    text = text.strip()
    if text.startswith(ENV_PREFIX):
        name = text[len(ENV_PREFIX) :].strip()
        if not name:
            raise ConfigError(f"{where}: 'env:' must be followed by an environment variable name")
        if name not in environ:
            raise ConfigError(
                f"{where} reads the environment variable {name}, which is not set; "
                f"export {name}=<database URL> or give --db"
            )
        value = environ[name].strip()
        if not value:
            raise ConfigError(
                f"{where} reads the environment variable {name}, which is set but empty; "
                f"export {name}=<database URL> or give --db"
            )
        where = f"{where} (from ${name})"
        text = value
    if not text:
        raise ConfigError(f"{where}: the database URL is empty")
    try:
        return DatabaseUrl.parse(text)
    except InvalidDatabaseUrl as exc:
        raise InvalidDatabaseUrl(f"{where}: {exc}") from None


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml in ``start`` or a parent directory: the project's own."""
    start = start.absolute()
    for directory in (start, *start.parents):
        candidate = directory / PYPROJECT
        if candidate.is_file():
            return candidate
    return None


def read_pyproject_options(path: Path) -> Mapping[str, Any]:
    """The ``[tool.schema-lsp]`` table of a pyproject.toml (empty when absent)."""
    toml = _toml_module(path)
    try:
        with path.open("rb") as stream:
            document = toml.load(stream)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except toml.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {mask_text(str(exc))}") from None
    except UnicodeDecodeError as exc:
        data = exc.object if isinstance(exc.object, bytes) else b""
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path} is not UTF-8 (byte 0x{data[exc.start]:02x} at line {line}), as TOML "
            "files must be: save it as UTF-8"
        ) from None
    table = document.get("tool", {}).get(TOOL_SECTION, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TOOL_SECTION}] must be a table")
    return table


#: ruff's own configuration files, tried before pyproject.toml in each directory (ruff's
#: order); their settings are top-level keys.
_RUFF_FILES = (".ruff.toml", "ruff.toml")
#: The widest line length ruff accepts.
_MAX_LINE_LENGTH = 320


def formatter_line_length(start: Path) -> int | None:
    """The line length the project's formatter keeps, for generated source to match it:
    ruff's ``line-length`` (``.ruff.toml``, ``ruff.toml`` or ``[tool.ruff]``), else black's
    (``[tool.black]``), from the nearest configuration in ``start`` or above it. A ruff or
    black table without one means their default, 88; None when no configuration is found
    or it cannot be read (generated source then uses 88 too)."""
    start = start.absolute()
    for directory in (start, *start.parents):
        for name in _RUFF_FILES:
            if (directory / name).is_file():
                return _line_length(_read_toml(directory / name))
        pyproject = directory / PYPROJECT
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool")
            tool = tool if isinstance(tool, dict) else {}
            for section in ("ruff", "black"):
                if isinstance(tool.get(section), dict):
                    return _line_length(tool[section])
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's table, or an empty one when it cannot be read."""
    try:
        with path.open("rb") as stream:
            found = _toml_module(path).load(stream)
    except (OSError, ValueError, ConfigError, UnicodeDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def _line_length(table: Mapping[str, Any]) -> int:
    value = table.get("line-length", table.get("line_length", 88))
    if isinstance(value, bool) or not isinstance(value, int):
        return 88
    return value if 1 <= value <= _MAX_LINE_LENGTH else 88


def _toml_module(path: Path) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:
        import tomli  # type: ignore[import-not-found]
    except ImportError:
        raise ConfigError(
            f"reading {path} on Python 3.10 needs the 'tomli' package: pip install tomli"
        ) from None
    return tomli


# -- parsing and validation -------------------------------------------------------------


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


#: Keys a user may set (``project_root`` is where the file was found, not a setting).
_KEYS = tuple(f.name for f in dataclasses.fields(Settings) if f.name != "project_root")
_ALIASES = {**{key: key for key in _KEYS}, **{_camel(key): key for key in _KEYS}}


def _parse_options(
    options: Mapping[str, Any], *, source: str, base_dir: Path | None
) -> dict[str, Any]:
    """Validate each known key into its Settings type; the URL stays raw (see callers)."""
    if not isinstance(options, Mapping):
        raise ConfigError(f"{source}: expected a table of settings, got {type(options).__name__}")
    values: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    for key, value in options.items():
        field_name = _ALIASES.get(key)
        if field_name is None:
            close = difflib.get_close_matches(str(key), list(_ALIASES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{source}: unknown setting {_shown(key)}{hint}")
        if field_name in spelled:
            raise ConfigError(f"{source}: {key!r} and {spelled[field_name]!r} are the same setting")
        spelled[field_name] = key
        if value is None:
            continue  # an editor sending null means "use the default"
        values[field_name] = _PARSERS[field_name](value, key, source, base_dir)
    return values


def _parse_url(value: Any, key: str, source: str, base_dir: Path | None) -> str | DatabaseUrl:
    if isinstance(value, DatabaseUrl):
        return value
    if not isinstance(value, str):
        raise ConfigError(
            f"{source}: {key}: expected a database URL string, got {type(value).__name__}"
        )
    if "\0" in value:
        raise ConfigError(f"{source}: {key}: the database URL holds a NUL character")
    return value


def _parse_schemas(value: Any, key: str, source: str, *_: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(
        isinstance(item, str) and item.strip() for item in items
    ):
        raise ConfigError(_where(source, key) + "expected a list of schema names")
    names = (_plain_text(item.strip(), key, source, "a schema name") for item in items)
    return tuple(dict.fromkeys(names))


#: The longest time a setting may name (a day): longer is a typo, and ``inf`` or ``1e400``
#: would overflow the drivers' integer milliseconds.
MAX_SECONDS = 86400


def _parse_seconds(value: Any, key: str, source: str, *_: Any, positive: bool = False) -> float:
    bound = ("> 0" if positive else ">= 0") + f" and at most {MAX_SECONDS}"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ConfigError(_where(source, key) + f"expected a number of seconds {bound}")
    try:
        seconds = float(value)
    except ValueError:
        raise ConfigError(
            _where(source, key) + f"expected a number of seconds {bound}, got {_shown(value)}"
        ) from None
    if math.isnan(seconds) or seconds < 0 or (positive and seconds == 0) or seconds > MAX_SECONDS:
        raise ConfigError(
            _where(source, key) + f"expected a number of seconds {bound}, got {_shown(value)}"
        )
    return seconds


def _parse_timeout(value: Any, key: str, source: str, *_: Any) -> float:
    return _parse_seconds(value, key, source, positive=True)


def _parse_path(value: Any, key: str, source: str, base_dir: Path | None) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(_where(source, key) + "expected a file path")
    path = Path(_plain_text(value.strip(), key, source, "the path")).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path.absolute()


def _parse_paths(value: Any, key: str, source: str, base_dir: Path | None) -> tuple[Path, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(
        isinstance(item, (str, Path)) and str(item).strip() for item in items
    ):
        raise ConfigError(_where(source, key) + "expected a list of folder paths")
    return tuple(_parse_path(str(item), key, source, base_dir) for item in items)


def _parse_globs(value: Any, key: str, source: str, *_: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(
        isinstance(item, str) and item.strip() for item in items
    ):
        raise ConfigError(_where(source, key) + "expected a list of glob patterns")
    return tuple(_plain_text(item.strip(), key, source, "a glob pattern") for item in items)


def _parse_folder(value: Any, key: str, source: str, *_: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(_where(source, key) + "expected a folder path")
    return _plain_text(value.strip(), key, source, "the folder path")


#: Levels a code or kind may be given in ``severity`` ("information" is VS Code's word).
SEVERITY_LEVELS = ("error", "warning", "info", "information", "hint", "off")


def _parse_severity(value: Any, key: str, source: str, *_: Any) -> tuple[tuple[str, str], ...]:
    from .diff import KINDS

    example = 'e.g. {"SL111" = "info", "comment" = "off"}'
    if isinstance(value, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        value = dict(value)  # already parsed (settings merged from several places)
    if not isinstance(value, Mapping):
        raise ConfigError(_where(source, key) + f"expected a table of code -> level, {example}")
    known = {kind.code: name for name, kind in KINDS.items()} | {name: name for name in KINDS}
    levels: dict[str, str] = {}
    for name, level in value.items():
        if not isinstance(name, str) or name not in known:
            close = difflib.get_close_matches(str(name), list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                _where(source, key) + f"unknown difference code or kind {_shown(name)}{hint}"
            )
        if not isinstance(level, str) or level.lower() not in SEVERITY_LEVELS:
            raise ConfigError(
                _where(source, key)
                + f"{name}: expected one of {', '.join(SEVERITY_LEVELS)}, got {_shown(level)}"
            )
        chosen = level.lower()
        levels[name] = "info" if chosen == "information" else chosen
    return tuple(sorted(levels.items()))


def _parse_flag(value: Any, key: str, source: str, *_: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(_where(source, key) + f"expected true or false, got {_shown(value)}")
    return value


def _where(source: str, key: str) -> str:
    return f"{source}: {key}: " if source else f"{key}: "


def _shown(value: Any, limit: int = 60) -> str:
    """A bad value as a message quotes it: its repr, cut short (a message is one line)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _plain_text(value: str, key: str, source: str, what: str) -> str:
    """Names and paths hold neither NUL (no database or file system takes one) nor
    characters that are not Unicode text (a lone surrogate from a mis-decoded file)."""
    if "\0" in value:
        raise ConfigError(_where(source, key) + f"{what} holds a NUL character: {_shown(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(
            _where(source, key) + f"{what} is not valid Unicode text: {_shown(value)}"
        ) from None
    return value


_Parser = Callable[[Any, str, str, Path | None], Any]
_PARSERS: dict[str, _Parser] = {
    "database_url": _parse_url,
    "schemas": _parse_schemas,
    "ttl": _parse_seconds,
    "statement_timeout": _parse_timeout,
    "snapshot": _parse_path,
    "entities": _parse_globs,
    "migrations": _parse_folder,
    "severity": _parse_severity,
    "debounce": _parse_seconds,
    "comments": _parse_flag,
    "check_constraints": _parse_flag,
    "unmapped_tables": _parse_flag,
    "python": _parse_path,
    "extra_paths": _parse_paths,
}
assert set(_PARSERS) == set(_KEYS), "every setting needs a parser"
