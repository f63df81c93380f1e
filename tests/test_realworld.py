"""Real-world models: projects nobody here wrote, scored against databases they built.

Each project of the corpus (tests/realworld/projects.py) has a committed snapshot made by
``python -m tests.realworld.refresh`` in the project's own venv: the DDL its own
``metadata.create_all`` ran on each dialect, the model files and where each table, column,
index and foreign key is declared. Here nothing of the project is installed or imported:
its sources are fetched with ``pip download --no-deps`` (cached), the DDL is replayed into
a fresh database, the model files are checked, seeded mutations are applied and the
database is checked again (tests/realworld/score.py).

The scores are a ratchet (tests/realworld/scores.json): a project and dialect fails when it
gets worse than recorded (more false claims or notes, lower recall or line accuracy, a
table lost, a lost table without a "not checked" note in its file) or when the parser
raises; an improvement is reported as a warning, to be recorded with
``python -m tests.realworld.report --record``. docs/realworld.md has the table.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import IN_CI, TestDatabase
from tests.realworld import snapshot
from tests.realworld.projects import PROJECTS
from tests.realworld.report import ratchet, recorded
from tests.realworld.score import files_of, run
from tests.realworld.sources import DownloadFailed

pytestmark = pytest.mark.realworld

_FIXTURES = {"sqlite": "sqlite_db", "postgresql": "postgres_db", "mysql": "mysql_db"}
_DIALECT_MARKS = {"postgresql": [pytest.mark.postgres], "mysql": [pytest.mark.mysql]}


def _cases():  # type: ignore[no-untyped-def]
    for name in snapshot.available():
        for dialect in snapshot.load(name).dialects:
            marks = _DIALECT_MARKS.get(dialect, [])
            yield pytest.param(name, dialect, id=f"{name}-{dialect}", marks=marks)


@pytest.fixture(scope="session")
def downloaded(request: pytest.FixtureRequest) -> dict[str, Exception | None]:
    """The sources of the selected projects, fetched side by side (cached: instant)."""
    names = sorted(
        {
            item.callspec.params["name"]
            for item in request.session.items
            if hasattr(item, "callspec")
            and "name" in item.callspec.params
            and item.path == Path(__file__)  # other test files have a "name" too
        }
    )

    def fetch(name: str) -> Exception | None:
        try:
            files_of(snapshot.load(name))
        except DownloadFailed as error:
            return error
        return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(names, pool.map(fetch, names), strict=True))


def test_every_project_has_a_snapshot() -> None:
    assert len(PROJECTS) >= 15, "the corpus holds at least 15 projects (issue 10)"
    missing = [p.name for p in PROJECTS if not snapshot.path_of(p.name).exists()]
    assert not missing, f"run python -m tests.realworld.refresh {' '.join(missing)}"
    for project in PROJECTS:
        snap = snapshot.load(project.name)
        assert snap.version == project.version, f"{project.name}: refresh its snapshot"
        assert set(snap.dialects) == set(project.dialects), project.name


def test_every_snapshot_is_scored() -> None:
    scores = recorded()
    names = snapshot.available()
    expected = {f"{name}/{d}" for name in names for d in snapshot.load(name).dialects}
    assert expected == set(scores), "run python -m tests.realworld.report --record"


@pytest.mark.parametrize(("name", "dialect"), list(_cases()))
def test_project_scores_hold(
    name: str,
    dialect: str,
    downloaded: dict[str, Exception | None],
    request: pytest.FixtureRequest,
) -> None:
    """Clean database, then every seeded mutation at once: no worse than recorded. An
    exception from the parser fails here too."""
    failure = downloaded[name]
    if failure is not None:
        if IN_CI:
            pytest.fail(f"{failure}; CI=true requires the real-world sources")
        pytest.skip(f"{failure} (no network?)")
    db: TestDatabase = request.getfixturevalue(_FIXTURES[dialect])
    result = run(snapshot.load(name), db)
    worse, better = ratchet(result, recorded().get(result.key))
    if better:
        warnings.warn(
            "better than recorded (python -m tests.realworld.report --record): "
            + "; ".join(better),
            stacklevel=1,
        )
    assert not worse, "worse than recorded in tests/realworld/scores.json:\n" + "\n".join(worse)
