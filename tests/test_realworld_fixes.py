"""Quick fixes on real code (issue 12's proof): on every corpus project and all of its
databases, every quick fix offered for a seeded mutation's difference applies to the
project's own model file and makes that difference go away, adding no other claim. The fix
and the diagnostic it fixes agree. Five projects in different styles must be offered fixes
at all (the tiny ones may have none to offer).

Nothing is written to the projects' cached sources: the edited text goes to the workspace
index in memory (as the editor's unsaved text does), and is put back after each fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schema_lsp.diff import CompareOptions, SchemaDifference, compare
from schema_lsp.entities import WorkspaceIndex
from schema_lsp.entities.modules import SearchPath
from schema_lsp.introspect import introspect_database
from schema_lsp.render.fixes import FIXABLE_KINDS, model_edit
from schema_lsp.render.migration import migration_dialect
from schema_lsp.text import apply_edits
from tests.conftest import IN_CI, TestDatabase
from tests.realworld import mutations as seeded
from tests.realworld import snapshot
from tests.realworld.score import _version, files_of, replay, schemas_of
from tests.realworld.sources import DownloadFailed

pytestmark = pytest.mark.realworld

#: Five projects in different styles, which must be offered fixes: imperative
#: ``Table(...)`` (buildbot), SQLAlchemy 2.0 ``Mapped`` classes (fief-server), legacy
#: declarative (jupyterhub, keystone, optuna).
PROJECTS = ("buildbot", "fief-server", "jupyterhub", "keystone", "optuna")
_FIXTURES = {"sqlite": "sqlite_db", "postgresql": "postgres_db", "mysql": "mysql_db"}
_MARKS = {"postgresql": [pytest.mark.postgres], "mysql": [pytest.mark.mysql]}


def _cases():  # type: ignore[no-untyped-def]
    for name in snapshot.available():
        for dialect in snapshot.load(name).dialects:
            yield pytest.param(name, dialect, id=f"{name}-{dialect}", marks=_MARKS.get(dialect, []))


def _what(difference: SchemaDifference) -> tuple[object, ...]:
    """What a difference is about, whatever line it is on (a fix moves lines)."""
    return (difference.kind, difference.table, difference.column, difference.name)


def _claims(differences: list[SchemaDifference]) -> set[tuple[object, ...]]:
    return {_what(d) for d in differences if d.severity in ("error", "warning")}


@pytest.mark.parametrize(("name", "dialect"), list(_cases()))
def test_quick_fixes_of_seeded_mutations_make_them_go_away(name, dialect, request):
    found = snapshot.load(name)
    try:
        files, roots = files_of(found)
    except DownloadFailed as failure:
        if IN_CI:
            pytest.fail(f"{failure}; CI=true requires the real-world sources")
        pytest.skip(f"{failure} (no network?)")
    db: TestDatabase = request.getfixturevalue(_FIXTURES[dialect])
    replay(db, found.ddl[dialect])
    schemas = schemas_of(found)
    index = WorkspaceIndex(roots, SearchPath(tuple(roots), _version(found.sqlalchemy)))
    index.load(files)
    options = CompareOptions(unmapped_tables=True)

    def differences(database) -> list[SchemaDifference]:  # type: ignore[no-untyped-def]
        return compare(index.entities(), database, options)

    clean = differences(introspect_database(db.url, schemas=schemas))
    for mutation in seeded.choose(found, introspect_database(db.url, schemas=schemas)):
        seeded.apply(db, mutation)
    database = introspect_database(db.url, schemas=schemas)
    render_dialect = migration_dialect(database)
    drifted = differences(database)
    seeded_ones = [
        d
        for d in drifted
        if _what(d) not in {_what(c) for c in clean} and d.kind in FIXABLE_KINDS and d.path
    ]
    if name in PROJECTS:
        assert seeded_ones, "the mutations gave no difference a quick fix covers"
    applied, wrong = 0, []
    for difference in seeded_ones:
        assert difference.path is not None
        text = Path(difference.path).read_text(encoding="utf-8")
        fix = model_edit(difference, text, render_dialect)
        if fix is None:
            continue
        index.update(difference.path, apply_edits(text, fix.edits))
        try:
            after = differences(database)
        finally:
            index.update(difference.path, text)
        applied += 1
        if _what(difference) in {_what(d) for d in after}:
            wrong.append(f"{fix.title}: {difference.code} {difference.message} is still there")
        added = _claims(after) - _claims(drifted)
        if added:
            wrong.append(f"{fix.title}: it made {sorted(map(str, added))}")
    assert not wrong, "\n".join(wrong)
    if name in PROJECTS:
        assert applied, "no quick fix was offered for any seeded difference"
