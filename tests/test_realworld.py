"""Real-world models: packages nobody here wrote, checked against databases they built.

For each package (tests/realworld/packages.py) the harness installs the pinned version from
PyPI into its own cached virtual environment, and that environment's Python runs the
package's own ``metadata.create_all`` on a fresh database. Our side never imports the
package: it parses the installed source files, introspects the database and compares.
A clean database must show nothing but the info notes listed per package; each mutation
applied to the database must show up with the right code at the declaring file and line.
"""

from __future__ import annotations

import functools
import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from schema_lsp.diff import SchemaDifference, compare
from schema_lsp.entities import parse_entities
from schema_lsp.entities.model import EntitySchema
from schema_lsp.introspect import introspect_database
from tests.conftest import IN_CI, TestDatabase
from tests.realworld.declarations import find_table, index_line
from tests.realworld.environment import (
    CACHE,
    InstallFailed,
    PackageEnvironment,
    ensure_environment,
)
from tests.realworld.mutations import apply
from tests.realworld.packages import PACKAGES, Mutation, RealWorldPackage
from tests.realworld.workspace import workspace_files

pytestmark = pytest.mark.realworld

BUILD_SCRIPT = Path(__file__).parent / "realworld" / "build_schema.py"
_FIXTURES = {"sqlite": "sqlite_db", "postgresql": "postgres_db", "mysql": "mysql_db"}
_DIALECT_MARKS = {"postgresql": [pytest.mark.postgres], "mysql": [pytest.mark.mysql]}
#: Seconds spent per package and step, written to timings.json in the environments' cache.
TIMINGS: dict[str, dict[str, float]] = {}


def _time(package: RealWorldPackage, step: str, seconds: float) -> None:
    steps = TIMINGS.setdefault(package.key, {})
    steps[step] = round(steps.get(step, 0.0) + seconds, 2)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "timings.json").write_text(json.dumps(TIMINGS, indent=2, sort_keys=True))


Installed = dict[str, PackageEnvironment | InstallFailed]


@pytest.fixture(scope="session")
def environments(request: pytest.FixtureRequest) -> Installed:
    """The environments of the packages the selected tests use, installed side by side
    (a first install is mostly waiting on the network; a cached one is instant)."""
    selected = {
        item.callspec.params["package"].key: item.callspec.params["package"]
        for item in request.session.items
        if hasattr(item, "callspec")
        and isinstance(item.callspec.params.get("package"), RealWorldPackage)
    }

    def install(package: RealWorldPackage) -> PackageEnvironment | InstallFailed:
        try:
            return ensure_environment(package.name, package.version, package.extras)
        except InstallFailed as error:
            return error

    packages = list(selected.values())
    with ThreadPoolExecutor(max_workers=len(packages) or 1) as pool:
        results = list(pool.map(install, packages))
    for package, result in zip(packages, results, strict=True):
        if isinstance(result, PackageEnvironment):
            _time(package, "install", result.install_seconds)
    return {package.key: result for package, result in zip(packages, results, strict=True)}


def _environment(package: RealWorldPackage, environments: Installed) -> PackageEnvironment:
    result = environments[package.key]
    if isinstance(result, InstallFailed):
        if IN_CI:
            pytest.fail(f"{result}; CI=true requires the real-world packages")
        pytest.skip(f"{result} (no network?)")
    return result


@dataclass(frozen=True)
class Built:
    """A package's database, built by the package itself, and the files that declare it."""

    model_files: list[Path]
    workspace: list[Path]
    tables: list[str]


def _build(package: RealWorldPackage, db: TestDatabase, environments: Installed) -> Built:
    environment = _environment(package, environments)
    spec = {"modules": list(package.modules), "metadata": package.metadata, "url": db.url}
    started = time.perf_counter()
    result = subprocess.run(
        [str(environment.python), str(BUILD_SCRIPT), json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    _time(package, f"build-{db.dialect}", time.perf_counter() - started)
    assert result.returncode == 0, f"{package.key} create_all failed:\n{result.stderr[-3000:]}"
    output = json.loads(result.stdout.strip().splitlines()[-1])
    model_files = [Path(path) for path in output["files"]]
    workspace = _workspace(tuple(model_files), output["site"])
    return Built(model_files, list(workspace), output["tables"])


@functools.cache
def _workspace(model_files: tuple[Path, ...], site: str) -> tuple[Path, ...]:
    return tuple(workspace_files(list(model_files), Path(site)))


@functools.cache
def _entities(workspace: tuple[Path, ...], site: str) -> list[EntitySchema]:
    return parse_entities(workspace, roots=[site])


def _check(package: RealWorldPackage, built: Built, db: TestDatabase) -> list[SchemaDifference]:
    site = str(_site(built))
    started = time.perf_counter()
    entities = _entities(tuple(built.workspace), site)
    database = introspect_database(db.url)
    differences = compare(entities, database)
    _time(package, f"check-{db.dialect}", time.perf_counter() - started)
    declared = {entity.table.name for entity in entities}
    assert set(built.tables) <= declared, (
        f"tables the parser missed: {set(built.tables) - declared}"
    )
    return differences


def _site(built: Built) -> Path:
    top = built.model_files[0]
    return next(p for p in top.parents if p.name in ("site-packages", "dist-packages"))


def _key(difference: SchemaDifference) -> tuple[str, str, str | None, str | None, int | None]:
    subject = difference.column or difference.name
    return (difference.code, difference.table, subject, difference.path, difference.line)


def _show(differences: list[SchemaDifference]) -> str:
    return "\n".join(
        f"  {d.severity} {d.code} {d.table}.{d.column or d.name or ''} "
        f"{Path(d.path).name if d.path else '-'}:{d.line} {d.message}"
        for d in differences
    )


def _cases(with_false_positives: bool):  # type: ignore[no-untyped-def]
    for package in PACKAGES:
        for dialect in package.dialects:
            marks = list(_DIALECT_MARKS.get(dialect, []))
            reason = package.known_false_positives.get(dialect)
            if with_false_positives and reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            yield pytest.param(package, dialect, id=f"{package.key}-{dialect}", marks=marks)


@pytest.mark.parametrize(("package", "dialect"), list(_cases(with_false_positives=True)))
def test_clean_database_shows_only_listed_notes(
    package: RealWorldPackage,
    dialect: str,
    environments: Installed,
    request: pytest.FixtureRequest,
) -> None:
    db: TestDatabase = request.getfixturevalue(_FIXTURES[dialect])
    built = _build(package, db, environments)
    differences = _check(package, built, db)
    unexpected = [d for d in differences if (d.code, d.table) not in package.notes]
    assert not unexpected, f"false positives on a clean {dialect} database:\n{_show(unexpected)}"
    assert all(d.severity == "info" for d in differences), _show(differences)
    assert {(d.code, d.table) for d in differences} == set(package.notes), _show(differences)


def _expected(mutation: Mutation, built: Built) -> tuple[str, str, str | None, str, int]:
    """The difference a mutation must cause: (code, table, column or object name, file,
    line). A foreign key is named by its declared name (None when it has none)."""
    table = find_table(built.model_files, mutation.table)
    subject: str | None = mutation.subject
    if mutation.action == "add_column":
        line = table.line
    elif mutation.action == "drop_index":
        path, line = index_line(built.model_files, mutation.table, mutation.subject)
        return (mutation.code, mutation.table, subject, str(path), line)
    elif mutation.action == "drop_foreign_key":
        line, subject = table.foreign_key(mutation.subject)
    else:
        line = table.column_line(mutation.subject)
    return (mutation.code, mutation.table, subject, str(table.path), line)


@pytest.mark.parametrize(("package", "dialect"), list(_cases(with_false_positives=False)))
def test_mutations_are_found_at_their_declaration(
    package: RealWorldPackage,
    dialect: str,
    environments: Installed,
    request: pytest.FixtureRequest,
) -> None:
    """Every mutation at once (each on its own column, index or key): the differences that
    appear beyond the clean database's are exactly the expected ones."""
    db: TestDatabase = request.getfixturevalue(_FIXTURES[dialect])
    built = _build(package, db, environments)
    baseline = {_key(d) for d in _check(package, built, db)}
    for mutation in package.mutations:
        apply(db, mutation)
    differences = _check(package, built, db)
    new = [d for d in differences if _key(d) not in baseline]
    expected = {_expected(mutation, built) for mutation in package.mutations}
    found = {_key(d) for d in new}
    assert found == expected, (
        f"missed: {sorted(expected - found)}\nunexpected:\n"
        f"{_show([d for d in new if _key(d) not in expected])}"
    )
