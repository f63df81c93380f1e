"""The workspace index: every model file's last good parse and the entities it declares.

Files are parsed one at a time (``update``) and entities built lazily. A file's entities
depend on the workspace modules its names resolve through (its base, mixins, enums, type
aliases); ``dependents`` says which files to re-check after an edit. A file that stops
parsing (a user mid-typing) keeps its last good parse.
"""

from __future__ import annotations

import ast
import dataclasses
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..allocation import collector_paused
from .compiles import CompileOverrides, override_sites
from .declarative import DeclarativeReader, Extension
from .evaluate import Evaluator
from .imperative import read_tables
from .model import EntitySchema, FileProblem, Note, SourceRange, object_key
from .modules import PARSED_MODULES, ModuleFinder, SearchPath, is_modelled, source_roots
from .resolve import Resolver
from .source import (
    NOT_CHECKED_FILE,
    ParsedFile,
    SourceDecodeError,
    imported_modules,
    module_name,
    parse_source,
    read_source,
)
from .tables import TableDraft, finish

_log = logging.getLogger(__name__)


@dataclass
class _Built:
    """What one file declares, finished; its drafts are dropped once finished."""

    touched: set[str]
    entities: list[EntitySchema] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: (table, schema, column) written without a type: SQLAlchemy takes the FK target's
    untyped: set[tuple[str, str | None, str]] = field(default_factory=set)
    #: single-table subclasses' columns, finished: (parent table key, entity)
    extensions: list[tuple[tuple[str, str | None], EntitySchema]] = field(default_factory=list)
    #: the parser failed on the file as a whole: nothing of it was read
    failure: FileProblem | None = None


class WorkspaceIndex:
    """Parsed model files of a workspace and the entities they declare.

    ``roots`` are the directories module names are relative to (``app/models/base.py``
    under root ``.`` is ``app.models.base``); an import that matches no module exactly is
    also looked up by its dotted suffix, for projects with a ``src/`` layout, and then on
    ``search_path`` (default: the roots and their ``src/``), where a module found is parsed
    from disk (``modules.py``).
    """

    def __init__(
        self, roots: Iterable[str | Path] = (), search_path: SearchPath | None = None
    ) -> None:
        self.roots = tuple(str(Path(root)) for root in roots)
        if search_path is None:
            search_path = SearchPath(
                tuple(folder for root in self.roots for folder in source_roots(Path(root)))
            )
        self.search_path = search_path
        self._finder = ModuleFinder(search_path)
        #: absolute path -> the key of a workspace file (keys are paths as given)
        self._absolute: dict[str, str] = {}
        #: absolute path -> (module, parse) of the outside modules read from disk
        self._outside: dict[str, tuple[str, ParsedFile]] = {}
        self._files: dict[str, ParsedFile] = {}
        self._modules: dict[str, str] = {}  # module -> path
        #: files whose current text cannot be read or parsed (their last good parse, if
        #: any, stays in use)
        self._errors: dict[str, FileProblem] = {}
        self._built: dict[str, _Built] = {}
        self._merged: list[EntitySchema] | None = None
        self._extension_targets: dict[str, set[str]] = {}
        self._lookups: dict[str, str | None] = {}  # module -> path, cleared on any change
        #: id(entity) -> (entity, its FK target entities, the entity with FK types filled)
        self._filled: dict[int, tuple[EntitySchema, tuple[object, ...], EntitySchema]] = {}
        #: id(parse) -> (parse, its ``@compiles`` sites, the modules it imports): what
        #: ``_compile_overrides`` reads of each file, once per parse
        self._override_sites: dict[int, tuple[ParsedFile, tuple[Any, ...], tuple[str, ...]]] = {}
        #: module -> whether its source mentions ``compiles`` (imports read for overrides)
        self._mentions: dict[str, bool] = {}
        #: the overrides the current builds were made with
        self._overrides: CompileOverrides | None = None

    # -- files ----------------------------------------------------------------------------

    def update(self, path: str | Path, text: str) -> ParsedFile:
        """Parse a file's new text; on a syntax error the last good parse stays in use."""
        key = str(path)
        with collector_paused(promote=True):
            parsed = parse_source(text, key, self._module_of(key))
        if not parsed.ok:
            assert parsed.problem is not None
            self._errors[key] = parsed.problem
            previous = self._files.get(key)
            if previous is not None:
                return previous
        else:
            self._errors.pop(key, None)
        old = self._files.get(key)
        if old is not None:
            self._modules.pop(old.module, None)
        self._files[key] = parsed
        self._modules[parsed.module] = key
        self._absolute[os.path.abspath(key)] = key
        self._invalidate(key, parsed.module)
        if parsed.metadata_assignments or (old is not None and old.metadata_assignments):
            self._built.clear()  # a base's metadata changed: every model may be affected
        return parsed

    def load(self, paths: Iterable[str | Path]) -> None:
        """Read and parse files from disk; a file that cannot be read is a ``problem``."""
        for path in paths:
            self.read(path)

    def read(self, path: str | Path) -> str | None:
        """Read a file from disk, decoded as Python decodes it, and parse it. Returns its
        text, or None when it cannot be read: then it is a ``problem`` (its last good
        parse, if any, stays in use)."""
        key = str(path)
        try:
            text = read_source(key)
        except SourceDecodeError as exc:
            self.unreadable(key, exc.problem)
            return None
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
            self.unreadable(key, FileProblem(f"{NOT_CHECKED_FILE}: {why}", _start(key)))
            return None
        self.update(key, text)
        return text

    def unreadable(self, path: str | Path, problem: FileProblem) -> None:
        """A file whose bytes are not Python source (or cannot be read at all)."""
        key = str(path)
        if key not in self._files:
            self.update(key, "")  # known to the index, declaring nothing
        self._errors[key] = problem

    def remove(self, path: str | Path) -> None:
        key = str(path)
        parsed = self._files.pop(key, None)
        self._errors.pop(key, None)
        self._absolute.pop(os.path.abspath(key), None)
        if parsed is not None:
            if self._modules.get(parsed.module) == key:
                del self._modules[parsed.module]
            self._invalidate(key, parsed.module)
            if parsed.metadata_assignments:
                self._built.clear()

    def parsed(self, path: str | Path) -> ParsedFile | None:
        return self._files.get(str(path))

    def module_changed(self, path: str | Path) -> set[str]:
        """A file that is not a model file changed on disk (or appeared, or went): if an
        entity was built through it (a base, a mixin, a helper module), forget its parse
        and rebuild what used it. Returns the workspace files whose entities may change."""
        absolute = os.path.abspath(str(path))
        PARSED_MODULES.forget(absolute)
        self._finder.forget()
        self._mentions.clear()
        outside = self._outside.pop(absolute, None)
        module = outside[0] if outside is not None else self._module_of(str(path))
        if outside is None and not module:
            return set()
        names = _suffixes(module)
        affected = {p for p, built in self._built.items() if names & built.touched}
        self._invalidate(str(path), module)
        return affected

    def problem(self, path: str | Path) -> FileProblem | None:
        """Why a file's current text was not read (a syntax error, bytes that do not
        decode, the parser failing on it), if it was not; its last good parse, if any, is
        what its entities come from."""
        key = str(path)
        if key in self._errors:
            return self._errors[key]
        self.entities()
        built = self._built.get(key)
        return built.failure if built is not None else None

    def problems(self) -> list[FileProblem]:
        """``problem`` of every file that has one, in the order the files were given."""
        found = (self.problem(path) for path in self._files)
        return [problem for problem in found if problem is not None]

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self._files)

    # -- entities -------------------------------------------------------------------------

    def entities(self) -> list[EntitySchema]:
        """Every entity in the workspace, single-table subclasses merged into their parent."""
        if self._merged is None:
            with collector_paused(promote=True):
                self._build()
                self._merged = self._merge()
        return list(self._merged)

    def entities_in(self, path: str | Path) -> list[EntitySchema]:
        """Entities whose table is declared in ``path``."""
        key = str(path)
        return [e for e in self.entities() if e.range.path == key]

    def notes(self) -> list[Note]:
        """Notes that belong to no entity, in every file: classes that look mapped but
        could not be read, files the parser failed on."""
        self.entities()
        return [note for built in self._built.values() for note in built.notes]

    def notes_in(self, path: str | Path) -> list[Note]:
        """Notes about a file that belong to no entity (a class that looks mapped but
        whose table could not be determined), plus the notes of its entities."""
        key = str(path)
        self.entities()
        built = self._built.get(key)
        own = list(built.notes) if built else []
        return own + [n for e in self.entities() for n in e.notes if n.range.path == key]

    def dependents(self, path: str | Path) -> set[str]:
        """Files whose entities may change when ``path`` changes (``path`` included)."""
        key = str(path)
        self.entities()
        parsed = self._files.get(key)
        module = parsed.module if parsed else self._module_of(key)
        if parsed is not None and parsed.metadata_assignments:
            return set(self._files)
        result = {key}
        names = _suffixes(module)
        for other, built in self._built.items():
            if names & built.touched:
                result.add(other)
        for source in list(result):
            result.update(self._extension_targets.get(source, ()))
        return result

    # -- internals ------------------------------------------------------------------------

    def _module_of(self, path: str) -> str:
        """Relative to a root when the file is under one; else as Python would import it:
        from the first parent directory that is not a package (no ``__init__.py``)."""
        if any(_is_under(path, root) for root in self.roots):
            return module_name(path, self.roots)
        directory = Path(path).parent
        parts = [Path(path).stem] if Path(path).name != "__init__.py" else []
        for _ in range(32):
            if not (directory / "__init__.py").is_file():
                break
            parts.insert(0, directory.name)
            directory = directory.parent
        return ".".join(parts)

    def _metadata_assignments(self) -> list[tuple[ParsedFile, ast.expr, ast.expr, bool]]:
        """``X.metadata.naming_convention = ...`` statements of the workspace's files and
        of the modules read from the search path so far."""
        files = [*self._files.values(), *(parsed for _module, parsed in self._outside.values())]
        return [
            (parsed, target, value, whole)
            for parsed in files
            for target, value, whole in parsed.metadata_assignments
        ]

    def _invalidate(self, path: str, module: str) -> None:
        """Drop the builds of ``path`` and of every file that looked ``module`` up (by its
        full name or, through the suffix fallback, by a suffix of it)."""
        self._lookups.clear()
        self._built.pop(path, None)
        names = _suffixes(module)
        for other, built in list(self._built.items()):
            if names & built.touched:
                del self._built[other]
        self._merged = None

    def _find_module(self, module: str) -> ParsedFile | None:
        if module not in self._lookups:
            self._lookups[module] = self._lookup_module(module)
        path = self._lookups[module]
        if path is None:
            return None
        found = self._files.get(path)
        if found is not None:
            return found
        outside = self._outside.get(path)
        return outside[1] if outside is not None else None

    def _lookup_module(self, module: str) -> str | None:
        """A workspace file (by module name, or by dotted suffix for a ``src/`` layout),
        else a file on the search path, parsed from disk."""
        path = self._modules.get(module)
        if path is not None:
            return path
        if is_modelled(module):
            return None
        suffix = "." + module
        matches = [m for m in self._modules if m.endswith(suffix)]
        if len(matches) == 1:
            return self._modules[matches[0]]
        found = self._finder.find(module)
        if found is None:
            return None
        absolute = os.path.abspath(found)
        if absolute in self._absolute:  # a workspace file under another module name
            return self._absolute[absolute]
        known = self._outside.get(absolute)
        if known is not None and known[0] == module:
            return absolute
        parsed = PARSED_MODULES.get(Path(absolute), module)
        if parsed is None or not parsed.ok:
            return None
        self._outside[absolute] = (module, parsed)
        return absolute

    def _build(self) -> None:
        overrides = self._compile_overrides()
        if self._overrides is None or overrides.key != self._overrides.key:
            self._built.clear()  # overrides apply to every file: all are read again
        self._overrides = overrides
        for _ in range(_MAX_OVERRIDE_ROUNDS):
            stale = [(p, f) for p, f in self._files.items() if p not in self._built]
            if not stale:
                return
            for path, parsed in stale:
                self._built[path] = self._build_file(parsed, overrides)
            # A module first reached while reading (a helper's, a base's) may hold
            # overrides too: then every file is read again with them.
            again = self._compile_overrides()
            if again.key == overrides.key:
                return
            self._overrides = overrides = again
            self._built.clear()

    def _compile_overrides(self) -> CompileOverrides:
        """The ``@compiles`` overrides of every file read: the workspace files, the
        modules their names were resolved in, and the modules they import (read only when
        their source mentions ``compiles``, for overrides registered by importing them)."""
        for parsed in list(self._files.values()):
            for module in self._read_for_overrides(parsed)[2]:
                if self._may_hold_overrides(module):
                    self._find_module(module)
        files = [*self._files.values(), *(parsed for _, parsed in self._outside.values())]
        with_sites = [(parsed, self._read_for_overrides(parsed)[1]) for parsed in files]
        resolver = Resolver(self._find_module)
        overrides = CompileOverrides.collect(Evaluator(resolver), [w for w in with_sites if w[1]])
        live = {id(parsed) for parsed in files}
        for stale in [k for k in self._override_sites if k not in live]:
            del self._override_sites[stale]
        return overrides

    def _read_for_overrides(
        self, parsed: ParsedFile
    ) -> tuple[ParsedFile, tuple[Any, ...], tuple[str, ...]]:
        known = self._override_sites.get(id(parsed))
        if known is None or known[0] is not parsed:
            known = (parsed, override_sites(parsed), imported_modules(parsed))
            self._override_sites[id(parsed)] = known
        return known

    def _may_hold_overrides(self, module: str) -> bool:
        """Whether an imported module outside the workspace is worth parsing for overrides
        (its text mentions ``compiles``); one read per module until a module changes."""
        known = self._mentions.get(module)
        if known is None:
            known = False
            if module not in self._modules and not is_modelled(module):
                found = self._finder.find(module)
                if found is not None:
                    try:
                        known = "compiles" in read_source(str(found))
                    except (OSError, SourceDecodeError):
                        known = False
            self._mentions[module] = known
        return known

    def _build_file(self, parsed: ParsedFile, overrides: CompileOverrides) -> _Built:
        resolver = Resolver(self._find_module)
        evaluator = Evaluator(resolver)
        version = self.search_path.sqlalchemy
        evaluator.legacy_mapping = version is not None and version < (2, 0)
        if overrides:
            evaluator.compile_overrides = overrides
        reader = DeclarativeReader(evaluator, self._metadata_assignments)
        drafts: list[TableDraft | Extension] = []
        failure: FileProblem | None = None
        try:
            drafts.extend(reader.read_file(parsed))
            drafts.extend(read_tables(reader.context, parsed, reader.notes))
        except Exception as exc:  # RecursionError on absurd nesting, or a parser bug
            _log.exception("could not read entities of %s", parsed.path)
            reason = f"schema-lsp failed to read it: {type(exc).__name__}; please report this"
            failure = FileProblem(f"{NOT_CHECKED_FILE}: {reason}", _start(parsed.path))
            drafts.clear()  # what was read before the failure may be partial
        finally:
            reader.close()
        built = _Built(set(resolver.touched) | overrides.modules, notes=list(reader.notes))
        built.failure = failure
        for draft in drafts:
            table = draft.draft if isinstance(draft, Extension) else draft
            if table.reflected is not None:
                built.notes.append(
                    Note(f"not checked: table {table.name} ({table.reflected})", table.range)
                )
                continue
            table_key = draft.table if isinstance(draft, Extension) else (table.name, table.schema)
            built.untyped.update(
                (*table_key, column.name)
                for column in table.columns
                if column.sa_type is None and "type" not in column.unresolved
            )
            if isinstance(draft, Extension):
                try:
                    built.extensions.append((draft.table, finish(draft.draft)))
                except Exception as exc:
                    _log.exception(
                        "could not finish a subclass of %s in %s", table_key, parsed.path
                    )
                    built.notes.append(
                        _failure_note(parsed, f"a subclass of {table_key[0]}", exc, table.range)
                    )
            if isinstance(draft, TableDraft):
                try:
                    built.entities.append(finish(draft))
                except Exception as exc:
                    _log.exception("could not finish table %s in %s", draft.name, parsed.path)
                    built.notes.append(
                        _failure_note(parsed, f"table {draft.name}", exc, draft.range)
                    )
        return built

    def _merge(self) -> list[EntitySchema]:
        entities: list[EntitySchema] = []
        first: dict[tuple[str, str | None], int] = {}
        self._extension_targets = {}
        for path, built in self._built.items():
            for entity in built.entities:
                key = (entity.table.name, entity.table.schema)
                earlier = first.get(key)
                if earlier is not None and (
                    entity.extend_existing or entities[earlier].extend_existing
                ):
                    # ``extend_existing=True``: one Table, the later declaration adding to it
                    parent = entities[earlier]
                    entities[earlier] = _extend(parent, entity)
                    self._extension_targets.setdefault(path, set()).add(parent.range.path)
                    continue
                first.setdefault(key, len(entities))
                entities.append(entity)
        by_table = {(e.table.name, e.table.schema): i for i, e in enumerate(entities)}
        for path, built in self._built.items():
            for table_key, extension in built.extensions:
                index = by_table.get(table_key)
                if index is None:
                    continue
                parent = entities[index]
                entities[index] = _extend(parent, extension)
                self._extension_targets.setdefault(path, set()).add(parent.range.path)
        untyped = {key for built in self._built.values() for key in built.untyped}
        return self._fill_foreign_key_types(entities, untyped)

    def _fill_foreign_key_types(
        self, entities: list[EntitySchema], untyped: set[tuple[str, str | None, str]]
    ) -> list[EntitySchema]:
        """``_fill_foreign_key_types`` for the entities whose referred tables changed; the
        others keep their last result (a one-file edit re-fills only what it touches)."""
        by_table = {(e.table.name, e.table.schema): e for e in entities}
        cache: dict[int, tuple[EntitySchema, tuple[object, ...], EntitySchema]] = {}
        result = []
        for entity in entities:
            targets = tuple(
                by_table.get((fk.referred_table, fk.referred_schema))
                for fk in entity.table.foreign_keys
                if len(fk.columns) == 1
                and (entity.table.name, entity.table.schema, fk.columns[0]) in untyped
            )
            if not targets:
                result.append(entity)
                continue
            previous = self._filled.get(id(entity))
            if (
                previous is not None
                and previous[0] is entity
                and len(previous[1]) == len(targets)
                and all(a is b for a, b in zip(previous[1], targets, strict=True))
            ):
                filled = previous[2]
            else:
                filled = _fill_foreign_key_types([entity], untyped, by_table)[0]
            cache[id(entity)] = (entity, targets, filled)
            result.append(filled)
        self._filled = cache
        return result


#: Rounds of reading every file again when reading reached new overrides (each round
#: can only add modules, so this bounds a pathological chain, not a normal project).
_MAX_OVERRIDE_ROUNDS = 3


def _failure_note(
    parsed: ParsedFile, what: str, error: Exception, where: SourceRange | None = None
) -> Note:
    """A parser failure is said where it happened, never turned into silence (a check
    that read nothing must not say the models are in sync)."""
    where = where or SourceRange(parsed.path, 0, 0, 0, 0)
    reason = f"schema-lsp failed to read them: {type(error).__name__}; please report this"
    return Note(f"not checked: {what} ({reason})", where)


def _start(path: str) -> SourceRange:
    return SourceRange(path, 0, 0, 0, 0)


def _is_under(path: str, root: str) -> bool:
    try:
        Path(path).relative_to(root)
    except ValueError:
        return False
    return True


def _suffixes(module: str) -> set[str]:
    """``a.b.c`` -> ``{a.b.c, b.c, c}``: the names an import may have used for it."""
    parts = module.split(".")
    return {".".join(parts[i:]) for i in range(len(parts))}


def _extend(parent: EntitySchema, extension: EntitySchema) -> EntitySchema:
    """A parent entity with a single-table subclass's columns and their objects."""
    known = set(parent.table.column_names)
    columns = parent.table.columns + tuple(
        c for c in extension.table.columns if c.name not in known
    )
    table = dataclasses.replace(
        parent.table,
        columns=columns,
        indexes=parent.table.indexes + extension.table.indexes,
        unique_constraints=parent.table.unique_constraints + extension.table.unique_constraints,
        foreign_keys=parent.table.foreign_keys + extension.table.foreign_keys,
        check_constraints=parent.table.check_constraints + extension.table.check_constraints,
    )
    ranges = dict(parent.ranges)
    for key, where in extension.ranges:
        if key not in ("table", "primary_key"):
            ranges.setdefault(key, where)
    return dataclasses.replace(
        parent,
        table=table,
        ranges=tuple(ranges.items()),
        unresolved=parent.unresolved | extension.unresolved,
        notes=parent.notes + extension.notes,
        classes=parent.classes + extension.classes,
    )


def _fill_foreign_key_types(
    entities: list[EntitySchema],
    untyped: set[tuple[str, str | None, str]],
    by_table: dict[tuple[str, str | None], EntitySchema],
) -> list[EntitySchema]:
    """A column declared only by its ``ForeignKey`` (``untyped``: table, schema, column)
    takes the referred column's type and variants, as SQLAlchemy does when it creates the
    table."""
    result: list[EntitySchema] = []
    for entity in entities:
        changed = False
        columns = list(entity.table.columns)
        unresolved = set(entity.unresolved)
        dialect_types = list(entity.dialect_types)
        for i, column in enumerate(columns):
            key = object_key("column", column.name)
            if f"{key}.type" not in unresolved:
                continue
            fk = next(
                (
                    fk
                    for fk in entity.table.foreign_keys
                    if fk.columns == (column.name,) and len(fk.referred_columns) == 1
                ),
                None,
            )
            if fk is None:
                continue
            target = by_table.get((fk.referred_table, fk.referred_schema))
            referred = target.table.column(fk.referred_columns[0]) if target else None
            if target is None or referred is None:
                continue
            if (entity.table.name, entity.table.schema, column.name) not in untyped:
                continue  # a type was written but could not be read: it stays unknown
            variants = [
                (column.name, dialect, spec)
                for name, dialect, spec in target.dialect_types
                if name == referred.name
            ]
            if f"{object_key('column', referred.name)}.type" in target.unresolved and not variants:
                continue
            columns[i] = dataclasses.replace(
                column,
                type=referred.type,
                sa_type=referred.sa_type,
                enum_values=referred.enum_values,
            )
            if not variants:
                unresolved.discard(f"{key}.type")
            dialect_types.extend(variants)
            changed = True
        if changed:
            table = dataclasses.replace(entity.table, columns=tuple(columns))
            entity = dataclasses.replace(
                entity,
                table=table,
                unresolved=frozenset(unresolved),
                dialect_types=tuple(dialect_types),
            )
        result.append(entity)
    return result


def parse_entities(
    paths: Iterable[str | Path],
    roots: Iterable[str | Path] = (),
    search_path: SearchPath | None = None,
) -> list[EntitySchema]:
    """Entities declared by the given files (a one-shot WorkspaceIndex); imports that
    leave them are followed on ``search_path`` (see ``WorkspaceIndex``)."""
    return parse_workspace(paths, roots, search_path)[0]


def parse_workspace(
    paths: Iterable[str | Path],
    roots: Iterable[str | Path] = (),
    search_path: SearchPath | None = None,
) -> tuple[list[EntitySchema], list[Note]]:
    """``parse_entities`` and the notes that belong to no entity (what was skipped)."""
    reading = read_workspace(paths, roots, search_path)
    return reading.entities, reading.notes


@dataclass(frozen=True)
class WorkspaceReading:
    """What a one-shot read of model files found: their entities, the notes that belong
    to no entity, and the files that could not be read at all."""

    entities: list[EntitySchema]
    notes: list[Note]
    problems: list[FileProblem]
    files: int


def read_workspace(
    paths: Iterable[str | Path],
    roots: Iterable[str | Path] = (),
    search_path: SearchPath | None = None,
) -> WorkspaceReading:
    """Read the given model files (never importing them): what ``check`` compares."""
    index = WorkspaceIndex(roots, search_path)
    index.load(paths)
    entities = index.entities()
    return WorkspaceReading(entities, index.notes(), index.problems(), len(index.paths))
