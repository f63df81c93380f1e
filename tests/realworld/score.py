"""Score schema-lsp on one real-world project and dialect: replay the project's DDL into a
fresh database, check the model sources (downloaded, never imported), seed mutations, check
again, and count.

``check`` is the only place that calls the parser and the comparison, so their API can
change in one place. A project is parsed once per process (cached by its files).

Definitions (docs/realworld.md shows them per project):

* false claim: an error or warning on the clean database (checked with unmapped tables on);
* note: an SL001 ("not checked") on the clean database;
* lost: a table of the snapshot that no entity declares;
* a mutation is found when a difference with its code on its table (and its column or index
  name) appears that the clean database did not show, and at the right line when one of
  those is at the declaration the snapshot located (mutations without one are not scored
  for the line); recall = found / mutations, line = at the right line / found and located.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schema_lsp.diff import (
    CompareOptions,
    SchemaDifference,
    compare,
    mapped_table,
    unread_differences,
)
from schema_lsp.entities.model import EntitySchema, Note
from schema_lsp.entities.modules import SearchPath
from schema_lsp.entities.workspace import parse_workspace
from schema_lsp.introspect import introspect_database
from schema_lsp.schema import DatabaseSchema
from tests.conftest import TestDatabase

from . import mutations as seeded
from .snapshot import Snapshot
from .sources import locate, source_roots


@dataclass(frozen=True)
class Checked:
    differences: list[SchemaDifference]
    database: DatabaseSchema
    tables: frozenset[str]  # the table keys some entity declares
    seconds: float


@functools.cache
def _entities(
    model_files: tuple[str, ...], roots: tuple[str, ...], sqlalchemy: tuple[int, int] | None = None
) -> tuple[list[EntitySchema], list[Note]]:
    """The model files parsed as ``schema-lsp check`` parses them, imports followed on the
    distributions' folders only (our own environment is no project's), with the SQLAlchemy
    version the project ran (``schema-lsp`` reads it from the project's environment)."""
    search_path = SearchPath(tuple(map(Path, roots)), sqlalchemy)
    return parse_workspace(model_files, roots=roots, search_path=search_path)


def check(
    model_files: Iterable[Path],
    source_roots: Iterable[Path],
    url: str,
    *,
    unmapped_tables: bool = True,
    schemas: tuple[str | None, ...] = (None,),
    sqlalchemy: tuple[int, int] | None = None,
) -> Checked:
    """Our whole check of ``model_files`` against the database at ``url`` (the ``schemas``
    read: None is the connection's default schema)."""
    started = time.perf_counter()
    files, roots = tuple(map(str, model_files)), tuple(map(str, source_roots))
    entities, notes = _entities(files, roots, sqlalchemy)
    database = introspect_database(url, schemas=schemas)
    options = CompareOptions(unmapped_tables=unmapped_tables)
    differences = compare(entities, database, options) + unread_differences(notes)
    tables = {entity.table.key for entity in entities}
    # a computed schema: compared with the table compare matches it to
    tables.update(t.key for e in entities if (t := mapped_table(e, database)) is not None)
    return Checked(differences, database, frozenset(tables), time.perf_counter() - started)


def _version(text: str | None) -> tuple[int, int] | None:
    """``"1.4.54"`` -> (1, 4): the SQLAlchemy the snapshot was made with."""
    parts = (text or "").split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return None


def replay(db: TestDatabase, statements: list[list[object]]) -> None:
    """Run the recorded DDL verbatim through the same driver as it was recorded with."""
    with db.engine.begin() as connection:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            for statement, parameters in statements:
                if parameters is None:
                    cursor.execute(statement)
                else:
                    given: Any = parameters
                    cursor.execute(statement, given if isinstance(given, dict) else tuple(given))
        finally:
            cursor.close()


@dataclass(frozen=True)
class Claim:
    code: str
    severity: str
    table: str
    column: str | None
    name: str | None
    message: str
    where: str | None

    @classmethod
    def of(cls, difference: SchemaDifference, roots: list[Path]) -> Claim:
        return cls(
            difference.code,
            difference.severity,
            difference.table,
            difference.column,
            difference.name,
            difference.message,
            _where(difference, roots),
        )


@dataclass(frozen=True)
class Outcome:
    mutation: seeded.Mutation
    found: bool
    at_line: bool | None  # None: not scored for its line
    reported: tuple[str, ...]  # where the matching differences were reported


@dataclass
class Result:
    project: str
    dialect: str
    tables: int
    false_claims: list[Claim] = field(default_factory=list)
    notes: int = 0
    lost: list[str] = field(default_factory=list)
    #: lost tables without a "not checked" note in the file that declares them (issue 10:
    #: a class or table the parser could not read is said, never skipped silently; held by
    #: the ratchet: none may be added to what scores.json records, which is none for the
    #: projects whose parser work is done)
    silent: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    check_seconds: float = 0.0
    alembic_seconds: float | None = None
    whole_seconds: float | None = None  # our whole process, from the snapshot

    @property
    def key(self) -> str:
        return f"{self.project}/{self.dialect}"

    @property
    def found(self) -> int:
        return sum(o.found for o in self.outcomes)

    @property
    def recall(self) -> float:
        return self.found / len(self.outcomes) if self.outcomes else 1.0

    @property
    def located(self) -> int:
        return sum(o.found and o.at_line is not None for o in self.outcomes)

    @property
    def at_line(self) -> int:
        return sum(bool(o.found and o.at_line) for o in self.outcomes)

    @property
    def line(self) -> float:
        return self.at_line / self.located if self.located else 1.0

    def scores(self) -> dict[str, object]:
        """What the ratchet (scores.json) records."""
        return {
            "tables": self.tables,
            "false_claims": len(self.false_claims),
            "notes": self.notes,
            "lost": sorted(self.lost),
            "silent": sorted(self.silent),
            "mutations": len(self.outcomes),
            "recall": round(self.recall, 4),
            "line": round(self.line, 4),
        }


def _where(difference: SchemaDifference, roots: list[Path]) -> str | None:
    if difference.path is None:
        return None
    path = Path(difference.path)
    for root in roots:
        if path.is_relative_to(root):
            return f"{path.relative_to(root).as_posix()}:{difference.line}"
    return f"{path}:{difference.line}"


def _key(d: SchemaDifference) -> tuple[str, str, str | None, str | None, str | None, int | None]:
    return (d.code, d.table, d.column, d.name, d.path, d.line)


def _matches(mutation: seeded.Mutation, difference: SchemaDifference) -> bool:
    return (
        difference.code == mutation.code
        and difference.table == mutation.table
        and (mutation.column is None or difference.column == mutation.column)
        and (mutation.name is None or difference.name == mutation.name)
    )


def schemas_of(snapshot: Snapshot) -> tuple[str | None, ...]:
    """The default schema and every other schema the project's tables are in (as a user
    with such a project sets ``schemas``)."""
    named = sorted({key.rpartition(".")[0] for key in snapshot.tables} - {""})
    return (None, *named)


def files_of(snapshot: Snapshot) -> tuple[list[Path], list[Path]]:
    """The model files on disk and the source roots (downloading them if needed)."""
    roots = source_roots(snapshot.distributions, snapshot.model_files)
    files = []
    for relative in snapshot.model_files:
        path = locate(relative, roots)
        if path is None:
            raise FileNotFoundError(f"{relative} is in none of {[str(r) for r in roots]}")
        files.append(path)
    return files, roots


def run(snapshot: Snapshot, db: TestDatabase) -> Result:
    """Score one project on one dialect, on the fresh database ``db``."""
    files, roots = files_of(snapshot)
    replay(db, snapshot.ddl[db.dialect])
    schemas = schemas_of(snapshot)
    version = _version(snapshot.sqlalchemy)
    clean = check(files, roots, db.url, schemas=schemas, sqlalchemy=version)
    timing = snapshot.timing.get(db.dialect, {})
    result = Result(
        snapshot.project,
        db.dialect,
        len(snapshot.tables),
        check_seconds=round(clean.seconds, 2),
        alembic_seconds=timing.get("alembic"),
        whole_seconds=timing.get("schema_lsp"),
    )
    result.false_claims = [
        Claim.of(d, roots) for d in clean.differences if d.severity in ("error", "warning")
    ]
    result.notes = sum(d.code == "SL001" for d in clean.differences)
    result.lost = sorted(set(snapshot.tables) - clean.tables)
    noted = {
        str(_where(d, roots)).partition(":")[0] for d in clean.differences if d.code == "SL001"
    }
    result.silent = [
        table
        for table in result.lost
        if (at := snapshot.tables[table].at) is None or str(at.file) not in noted
    ]
    chosen = seeded.choose(snapshot, clean.database)
    for mutation in chosen:
        seeded.apply(db, mutation)
    mutated = check(files, roots, db.url, schemas=schemas, sqlalchemy=version)
    baseline = {_key(d) for d in clean.differences}
    new = [d for d in mutated.differences if _key(d) not in baseline]
    for mutation in chosen:
        matching = [d for d in new if _matches(mutation, d)]
        reported = tuple(str(_where(d, roots)) for d in matching)
        at_line = None
        if mutation.expected is not None and matching:
            at_line = str(mutation.expected.file) + f":{mutation.expected.line}" in reported
        result.outcomes.append(Outcome(mutation, bool(matching), at_line, reported))
    return result
