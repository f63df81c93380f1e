"""Where an imported module's source lives, found the way Python (and a type checker) would.

A model's base, mixins, helpers and naming convention often live in another module of the
package, or in an installed library. The search path is, in order: ``extra_paths``, the
project's source roots (the project root, its ``src/``), the import roots of the files
given, then the ``sys.path`` of the project's interpreter (a configured ``python``, else a
``.venv``/``venv`` in the project, else the interpreter schema-lsp runs in). What is found
is parsed, never imported, and kept per file version (path, mtime, size), so a module that
many files import is read once.

SQLAlchemy, SQLModel, Flask-SQLAlchemy, sqlalchemy-utils, pydantic and the standard library
are *modelled* (the evaluator knows them as the real library): they are never searched.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .source import ParsedFile, SourceDecodeError, parse_source, read_source

_log = logging.getLogger(__name__)

#: Top-level packages the evaluator models from the real library: never parsed
#: (sqlalchemy-utils when it is installed beside schema-lsp; else it is parsed like any
#: library of the project's).
MODELLED = frozenset(
    {
        "sqlalchemy",
        "sqlmodel",
        "flask_sqlalchemy",
        *(["sqlalchemy_utils"] if importlib.util.find_spec("sqlalchemy_utils") else []),
        "pydantic",
        "pydantic_core",
        "typing_extensions",
        "alembic",
        "__future__",
    }
    | set(getattr(sys, "stdlib_module_names", ()))
)
#: Files larger than this are not parsed as imported modules (generated code, vendored blobs).
MAX_MODULE_BYTES = 8 * 1024 * 1024
#: Seconds a configured interpreter may take to print its ``sys.path``.
INTERPRETER_TIMEOUT = 10.0


def is_modelled(module: str) -> bool:
    """Whether ``module`` belongs to a package the evaluator models (never searched)."""
    return module.partition(".")[0] in MODELLED


@dataclass(frozen=True)
class SearchPath:
    """The folders imports are searched in, first match wins (like ``sys.path``), and the
    SQLAlchemy version the project runs with when it is known (None: this one's)."""

    folders: tuple[Path, ...] = ()
    sqlalchemy: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.sqlalchemy is None:
            object.__setattr__(self, "sqlalchemy", installed_sqlalchemy(self.folders))

    @classmethod
    def for_project(
        cls,
        root: Path | None,
        *,
        python: Path | None = None,
        extra_paths: Iterable[Path] = (),
        files: Iterable[Path] = (),
    ) -> SearchPath:
        """The search path of a project rooted at ``root`` whose model files are
        ``files``; see the module docstring for the order."""
        folders: list[Path] = [Path(p) for p in extra_paths]
        if root is not None:
            folders.extend(source_roots(root))
        folders.extend(import_roots(files))
        folders.extend(interpreter_paths(python, root))
        return cls(_unique_folders(folders))


_VERSION = re.compile(r"""^__version__\s*=\s*["'](\d+)\.(\d+)""", re.MULTILINE)


def installed_sqlalchemy(folders: Iterable[Path]) -> tuple[int, int] | None:
    """The (major, minor) version of the first SQLAlchemy on the search path, read from
    its ``__init__.py`` (never imported); None when none is there."""
    for folder in folders:
        init = Path(folder) / "sqlalchemy" / "__init__.py"
        try:
            text = init.read_text(encoding="utf-8", errors="replace")[:20000]
        except OSError:
            continue
        match = _VERSION.search(text)
        if match is not None:
            return int(match.group(1)), int(match.group(2))
    return None


def source_roots(root: Path) -> list[Path]:
    """The project root and, for a ``src/`` layout, its ``src`` folder."""
    roots = [root]
    src = root / "src"
    if src.is_dir() and not (src / "__init__.py").is_file():
        roots.append(src)
    return roots


def import_roots(files: Iterable[Path]) -> list[Path]:
    """For each file, the first parent folder that is not a package: where Python would
    have to start for the file's package imports to work."""
    found: dict[Path, None] = {}
    for file in files:
        directory = Path(file).absolute().parent
        for _ in range(32):
            if not (directory / "__init__.py").is_file():
                break
            directory = directory.parent
        found[directory] = None
    return list(found)


def interpreter_paths(python: Path | None, root: Path | None = None) -> list[Path]:
    """The ``sys.path`` folders of the project's interpreter: a configured one, else a
    virtualenv in the project (read from its files, not run), else our own."""
    if python is not None and Path(python).is_file():
        return _configured_interpreter(Path(python))
    if root is not None:
        for name in (".venv", "venv"):
            environment = root / name
            if (environment / "pyvenv.cfg").is_file():
                return venv_site_folders(environment) + _own_paths()
    return _own_paths()


def _own_paths() -> list[Path]:
    return [Path(entry) for entry in sys.path if entry and Path(entry).is_dir()]


def _configured_interpreter(python: Path) -> list[Path]:
    """A virtualenv's interpreter is read from its files; another is asked for its
    ``sys.path`` (``python -I -c``, which runs no project code)."""
    environment = python.parent.parent
    if (environment / "pyvenv.cfg").is_file():
        return venv_site_folders(environment)
    try:
        result = subprocess.run(
            [str(python), "-I", "-c", "import json, sys; print(json.dumps(sys.path))"],
            capture_output=True,
            text=True,
            timeout=INTERPRETER_TIMEOUT,
            check=False,
        )
        entries = json.loads(result.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as exc:
        _log.warning("could not ask %s for its sys.path: %s", python, exc)
        return []
    return [Path(entry) for entry in entries if isinstance(entry, str) and entry]


def venv_site_folders(environment: Path) -> list[Path]:
    """A virtualenv's site-packages and the folders its ``.pth`` files add (editable
    installs), read from disk."""
    candidates = sorted(environment.glob("lib/python3*/site-packages"))
    candidates += [environment / "Lib" / "site-packages"]
    folders: list[Path] = []
    for site in candidates:
        if not site.is_dir():
            continue
        folders.append(site)
        for pth in sorted(site.glob("*.pth")):
            folders.extend(_pth_folders(pth))
    return folders


def _pth_folders(pth: Path) -> list[Path]:
    """The folder lines of a ``.pth`` file (``import`` lines are code: never run)."""
    try:
        lines = pth.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    folders = []
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith(("#", "import ", "import\t")):
            continue
        path = Path(entry) if Path(entry).is_absolute() else pth.parent / entry
        if path.is_dir():
            folders.append(path)
    return folders


def _unique_folders(folders: Iterable[Path]) -> tuple[Path, ...]:
    seen: dict[str, Path] = {}
    for folder in folders:
        try:
            resolved = Path(os.path.abspath(folder))
        except (OSError, ValueError):
            continue
        seen.setdefault(str(resolved), resolved)
    return tuple(seen.values())


class ModuleFinder:
    """Finds a dotted module's source file on a search path (regular packages shadow later
    folders, namespace packages span them, as in Python's path finder)."""

    def __init__(self, search_path: SearchPath | Sequence[Path]) -> None:
        folders = search_path.folders if isinstance(search_path, SearchPath) else search_path
        self.folders = tuple(Path(f) for f in folders)
        self._found: dict[str, Path | None] = {}

    def find(self, module: str) -> Path | None:
        """The ``.py`` file of ``module`` (a package's ``__init__.py``), or None when it is
        modelled, compiled, or not on the search path."""
        if not module or is_modelled(module):
            return None
        if module not in self._found:
            self._found[module] = self._find(module.split("."))
        return self._found[module]

    def forget(self) -> None:
        """Files were added or removed: look again."""
        self._found.clear()

    def _find(self, parts: list[str]) -> Path | None:
        if not all(part.isidentifier() for part in parts):
            return None
        locations = list(self.folders)
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            namespace: list[Path] = []
            for folder in locations:
                package = folder / part
                init = package / "__init__.py"
                if init.is_file():
                    if last:
                        return init
                    namespace = [package]  # a regular package ends the search
                    break
                module_file = folder / f"{part}.py"
                if module_file.is_file():
                    return module_file if last else None
                if package.is_dir():
                    namespace.append(package)
            if not namespace:
                return None
            if last:
                return None  # a namespace package: nothing to parse
            locations = namespace
        return None


class ParsedModules:
    """Parsed outside modules, one parse per file version (path, mtime, size), shared by
    every index in the process (site-packages rarely change; the workspace's do, and a new
    mtime means a new parse)."""

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._parsed: dict[tuple[str, str], tuple[int, int, ParsedFile]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path, module: str) -> ParsedFile | None:
        """The parse of ``path`` as ``module``; None when it cannot be read."""
        key = (str(path), module)
        try:
            stat = path.stat()
        except OSError:
            return None
        with self._lock:
            cached = self._parsed.get(key)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        if stat.st_size > MAX_MODULE_BYTES:
            return None
        try:
            text = read_source(str(path))  # decoded as Python does (coding line, BOM)
        except (OSError, SourceDecodeError):
            return None
        parsed = parse_source(text, str(path), module)
        with self._lock:
            if len(self._parsed) >= self._limit:
                self._parsed.pop(next(iter(self._parsed)))
            self._parsed[key] = (stat.st_mtime_ns, stat.st_size, parsed)
        return parsed

    def forget(self, path: str | Path) -> None:
        """Drop every parse of ``path`` (it changed on disk)."""
        name = str(path)
        with self._lock:
            for key in [k for k in self._parsed if k[0] == name]:
                del self._parsed[key]


#: The process's parsed outside modules.
PARSED_MODULES = ParsedModules()
