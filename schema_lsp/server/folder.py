"""One workspace folder: its settings, its schema source, its model index and the single
worker thread that owns the index.

``WorkspaceIndex`` is not thread-safe, so every index operation (load, update, remove,
compare) runs on the folder's one worker thread, in submission order. The database is
never read on that thread: schema reads run elsewhere, and a check uses whichever schema
the session hands it. Each file's text carries a revision number chosen by the session;
results carry the revision they were computed from, so the session can drop stale ones.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from ..entities.discovery import IgnoreRules, imports_orm
from ..entities.modules import SearchPath
from ..entities.source import SourceDecodeError, read_source
from ..entities.workspace import WorkspaceIndex
from ..text import source_lines
from .diagnostics import note_diagnostic, problem_diagnostic, to_diagnostic
from .settings import FolderSettings

if TYPE_CHECKING:
    from ..diff import CompareOptions, SchemaDifference
    from ..entities.model import EntitySchema
    from ..registry import SchemaRegistry
    from ..schema import DatabaseSchema

_log = logging.getLogger(__name__)
T = TypeVar("T")

#: Folders whose files are never the user's models (environments, caches, build output).
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "env",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        "build",
        "dist",
    }
)


@dataclass(frozen=True)
class FileResult:
    """A file's diagnostics, computed from the text of ``revision``."""

    revision: int
    version: int | None
    diagnostics: list[types.Diagnostic]


#: How a file's diagnostics are marked while its text does not parse (SL002 says why).
NOT_PARSING = "from the last version of this file that parsed"


class Folder:
    """A workspace folder's state; see the module docstring for the threading rule."""

    def __init__(
        self,
        uri: str,
        root: Path,
        folder_settings: FolderSettings | None,
        codec: PositionCodec,
        *,
        error: str | None = None,
    ) -> None:
        self.uri = uri
        self.root = root
        self.folder_settings = folder_settings
        self.settings_error = error
        self.codec = codec
        settings = folder_settings.settings if folder_settings else None
        self.project_root = (settings.project_root if settings else None) or root
        self.registry: SchemaRegistry | None = None
        #: The schema checks use: the last good read, or a snapshot fallback.
        self.schema: DatabaseSchema | None = None
        #: Why ``schema`` may be out of date (shown on every diagnostic), or None.
        self.stale: str | None = None
        self.read_attempted = False
        #: the workspace's .gitignore rules, for files the watcher reports
        self._ignore_rules = IgnoreRules(root)
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="schema-lsp-index")
        # Worker-only state below.
        self._index = WorkspaceIndex(
            [self.project_root],
            SearchPath.for_project(
                self.project_root,
                python=settings.python if settings else None,
                extra_paths=settings.extra_paths if settings else (),
            ),
        )
        self._texts: dict[str, str] = {}
        self._revisions: dict[str, tuple[int, int | None]] = {}
        #: The differences last shown per file, for features that act on them (code actions).
        self._shown: dict[str, list[SchemaDifference]] = {}
        #: Each entity's differences, by id of the (unchanged, still indexed) entity object
        #: with the schema and options they were found against: an edit re-compares only
        #: the entities it changed, even when its file's mixin reports in a shared module.
        self._compared: dict[int, tuple[object, object, object, list[SchemaDifference]]] = {}

    # -- schema source --------------------------------------------------------------------

    def describe(self) -> str:
        """The schema source without a password, for messages and progress."""
        settings = self.folder_settings.settings if self.folder_settings else None
        if settings is None:
            return "no database"
        if settings.database_url is not None:
            return settings.database_url.describe()
        if settings.snapshot is not None:
            return f"snapshot {settings.snapshot.name}"
        return "no database"

    def make_registry(self) -> SchemaRegistry | None:
        """The folder's own registry (a live URL, else a configured snapshot file)."""
        from ..registry import SchemaRegistry

        if self.folder_settings is None:
            return None
        settings = self.folder_settings.settings
        if settings.database_url is not None:
            self.registry = SchemaRegistry(
                settings.database_url,
                ttl=settings.ttl,
                schemas=settings.schemas or None,
                statement_timeout=settings.statement_timeout,
            )
        elif settings.snapshot is not None:
            self.registry = SchemaRegistry.from_snapshot(settings.snapshot, ttl=settings.ttl)
        return self.registry

    def scrub(self, text: str) -> str:
        from ..url import mask_text

        settings = self.folder_settings.settings if self.folder_settings else None
        if settings is not None and settings.database_url is not None:
            return settings.database_url.scrub(text)
        return mask_text(text)

    # -- files ----------------------------------------------------------------------------

    def contains(self, path: str) -> bool:
        try:
            Path(path).relative_to(self.root)
        except ValueError:
            return False
        return True

    def in_migrations(self, path: str) -> bool:
        """Is ``path`` in the configured migrations folder (Alembic's ``versions/``)?"""
        if self.folder_settings is None:
            return False
        folder = self.project_root / self.folder_settings.settings.migrations
        try:
            Path(path).relative_to(folder)
        except ValueError:
            return False
        return True

    def wants(self, path: str, text: str | None) -> bool:
        """Is ``path`` a model file: matched by the configured globs or, with none
        configured, a Python file importing SQLAlchemy or SQLModel."""
        if not path.endswith(".py") or not self.contains(path):
            return False
        parts = Path(path).relative_to(self.root).parts[:-1]
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts):
            return False  # e.g. SQLAlchemy's own source, opened from a virtualenv
        fs = self.folder_settings
        if fs is not None and fs.entities_configured:
            try:
                relative = Path(path).relative_to(self.project_root).as_posix()
            except ValueError:
                return False
            return any(
                fnmatch.fnmatchcase(relative, pattern)
                or (pattern.startswith("**/") and fnmatch.fnmatchcase(relative, pattern[3:]))
                for pattern in fs.settings.entities
            )
        if self._ignore_rules.ignored(Path(path)):
            return False
        if text is None:
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace")[: 256 * 1024]
            except OSError:
                return False
        return imports_orm(text)

    def submit(self, work: Callable[[], T]) -> Future[T]:
        """Run ``work`` on the folder's worker thread (the only thread touching the index)."""
        return self._worker.submit(work)

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
        if self.registry is not None:
            self.registry.dispose()

    # -- worker-only ----------------------------------------------------------------------

    def discover(self) -> list[str]:
        """Find the model files and load those no editor has sent yet. Worker only."""
        from ..entities.discovery import find_entity_files

        fs = self.folder_settings
        if fs is not None and fs.entities_configured:
            files = find_entity_files(globs=fs.settings.entities, root=self.project_root)
            files = [f for f in files if self.contains(str(f))]
        else:
            files = find_entity_files([self.root])
        loaded = []
        for file in files:
            path = str(file)
            if path in self._revisions:
                continue  # the editor's text wins
            if self._read(path, 0, None):
                loaded.append(path)
        return loaded

    def apply(self, path: str, text: str | None, revision: int, version: int | None) -> bool:
        """Give the index a file's new text (None: read it from disk; a missing file is
        removed). Returns whether the file is in the index afterwards. Worker only."""
        if text is None:
            return self._read(path, revision, version)
        self._set(path, text, revision, version)
        return True

    def remove(self, path: str) -> None:
        """Forget a file (deleted, or closed and not a model file). Worker only."""
        self._index.remove(path)
        self._shown.pop(path, None)
        self._texts.pop(path, None)
        self._revisions.pop(path, None)

    @property
    def index(self) -> WorkspaceIndex:
        """The folder's model index, for features reading entities. Worker only: use it
        inside a job given to ``submit``."""
        return self._index

    def indexed(self, path: str) -> bool:
        return path in self._revisions

    def _read(self, path: str, revision: int, version: int | None) -> bool:
        """``apply`` from disk: a file that is gone is removed; one whose bytes are not
        Python source stays, as a file that does not read (SL002)."""
        try:
            text = read_source(path)
        except SourceDecodeError as exc:
            self._index.unreadable(path, exc.problem)
            try:  # for placing the diagnostic: the text as near as it decodes
                self._texts[path] = Path(path).read_bytes().decode("utf-8", "replace")
            except OSError:
                self._texts[path] = ""
            self._revisions[path] = (revision, version)
            return True
        except OSError:
            self.remove(path)
            return False
        self._set(path, text, revision, version)
        return True

    def _set(self, path: str, text: str, revision: int, version: int | None) -> None:
        try:
            self._index.update(path, text)
        except Exception:  # a parser bug must not take the server down
            _log.exception("could not parse %s", path)
        self._texts[path] = text
        self._revisions[path] = (revision, version)

    def module_changed(self, path: str) -> set[str]:
        """A Python file that is no model file changed on disk: the model files whose
        entities were built through it (a base, mixin or helper module). Worker only."""
        try:
            return self._index.module_changed(path) & set(self._revisions)
        except Exception:  # a parser bug must not take the server down
            _log.exception("could not re-read %s", path)
            return set()

    def affected(self, changed: Iterable[str]) -> set[str]:
        """Files whose diagnostics may change when ``changed`` change: their dependents,
        and every file those files' entities point into (a mixin's column reports in the
        mixin's file). Worker only."""
        result: set[str] = set()
        for path in changed:
            if path in self._revisions:
                result |= self._index.dependents(path)
            else:
                result.add(path)
        for entity in self._index.entities():
            if entity.range.path in result:
                result.update(where.path for _key, where in entity.ranges)
        return result & set(self._revisions) | (set(changed) - set(self._revisions))

    def check(
        self,
        paths: Iterable[str] | None,
        schema: DatabaseSchema | None,
        stale: str | None,
    ) -> dict[str, FileResult]:
        """Diagnostics for ``paths`` (None: every file) against ``schema``. Worker only.

        A file's list holds every difference located in it, whichever entity it comes
        from (a mixin's column reports in the mixin's file), so the entities compared are
        those of every file that depends on a target.
        """
        from ..diff import CompareOptions

        targets = set(self._revisions) if paths is None else set(paths) & set(self._revisions)
        results: dict[str, FileResult] = {}
        if schema is None:
            return results
        settings = self.folder_settings.settings if self.folder_settings is not None else None
        try:
            sources: set[str] = set()
            for target in targets:
                sources |= self._index.dependents(target)
            every = self._index.entities()
            entities = [e for e in every if e.range.path in sources]
            options = CompareOptions(
                comments=bool(settings and settings.comments),
                check_constraints=bool(settings and settings.check_constraints),
            )
            differences = self._differences_of(entities, schema, options, every)
        except Exception:
            _log.exception("could not compare the models of %s", self.root)
            return results
        by_path: dict[str, list[SchemaDifference]] = {}
        for difference in differences:
            if difference.path is not None:
                by_path.setdefault(difference.path, []).append(difference)
        severity = dict(settings.severity) if settings is not None else {}
        # compare reports entity notes itself; the index's other notes are per file
        entity_notes = {n for e in every for n in e.notes}
        for path in targets:
            revision, version = self._revisions[path]
            lines = source_lines(self._texts[path])
            found: list[types.Diagnostic] = []
            marked = stale
            problem = self._index.problem(path)
            if problem is not None:
                # said on the failing line; the rest is what the last good parse (if any)
                # found, placed by that parse's text and marked as such
                diagnostic = problem_diagnostic(problem, lines, self.codec, severity=severity)
                if diagnostic is not None:
                    found.append(diagnostic)
                last_good = self._index.parsed(path)
                lines = list(last_good.lines) if last_good is not None else []
                marked = f"{stale}; {NOT_PARSING}" if stale else NOT_PARSING
            for difference in by_path.get(path, ()):
                diagnostic = to_diagnostic(
                    difference, lines, self.codec, severity=severity, stale=marked
                )
                if diagnostic is not None:
                    found.append(diagnostic)
            for note in self._index.notes_in(path):
                if note not in entity_notes and note.range.path == path:
                    diagnostic = note_diagnostic(note, lines, self.codec, severity=severity)
                    if diagnostic is not None:
                        found.append(diagnostic)
            results[path] = FileResult(revision, version, found)
            # quick fixes edit the current text: none from a parse of another one
            self._shown[path] = by_path.get(path, []) if problem is None else []
        return results

    def _differences_of(
        self,
        entities: list[EntitySchema],
        schema: DatabaseSchema,
        options: CompareOptions,
        every: list[EntitySchema],
    ) -> list[SchemaDifference]:
        """``compare`` of the entities, reusing each unchanged entity's last result (the
        same entity object against the same schema object and options); ``every`` is the
        index's whole list, to forget replaced entities by. Worker only."""
        from ..diff import compare, notes_once, source_order, with_sharers

        found: list[SchemaDifference] = []
        for entity in entities:  # in order: ties sort as a whole compare would
            cached = self._compared.get(id(entity))
            if (
                cached is not None
                and cached[0] is entity
                and cached[1] is schema
                and cached[2] == options
            ):
                found.extend(cached[3])
                continue
            own = compare([entity], schema, options)
            self._compared[id(entity)] = (entity, schema, options, own)
            found.extend(own)
        if len(self._compared) > 2 * len(every) + 64:  # replaced entities pile up: drop them
            live = {id(e) for e in every}
            self._compared = {k: v for k, v in self._compared.items() if k in live}
        return notes_once(sorted(with_sharers(found, every), key=source_order))

    def differences_in(self, path: str) -> list[SchemaDifference]:
        """The differences behind a file's last diagnostics. Worker only."""
        return list(self._shown.get(path, ()))
