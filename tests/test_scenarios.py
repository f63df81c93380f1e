"""The scenario suite (tests/scenarios): every story on SQLite, PostgreSQL and MariaDB.

Each run asserts two things: our differences are exactly the expected ones (code, table,
column or name, line), and they agree with Alembic's ``compare_metadata`` on the same
database except where the scenario documents why (an Alembic issue, or a comparison Alembic
does not make).
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.scenarios.catalog import SCENARIOS
from tests.scenarios.runner import Outcome, database_for, run
from tests.scenarios.scenario import ALL, APP, DIALECTS, Scenario


def _cases():  # type: ignore[no-untyped-def]
    for scenario in SCENARIOS:
        for dialect in DIALECTS:
            marks = []
            reason = scenario.xfail_on.get(dialect) or scenario.xfail_on.get(ALL)
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            if dialect == "postgresql":
                marks.append(pytest.mark.postgres)
            elif dialect == "mysql":
                marks.append(pytest.mark.mysql)
            yield pytest.param(scenario, dialect, id=f"{scenario.name}-{dialect}", marks=marks)


def _explain(outcome: Outcome) -> str:
    lines = [
        f"  {d.code} {d.kind} {d.table} {d.column or d.name!r} L{d.line}: {d.message}"
        for d in outcome.differences
    ]
    return "reported:\n" + ("\n".join(lines) or "  nothing")


@pytest.mark.parametrize(("scenario", "dialect"), list(_cases()))
def test_scenario(scenario: Scenario, dialect: str, request, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = database_for(scenario, dialect, request)
    outcome = run(scenario, db, tmp_path)
    app = outcome.app or APP

    expected = Counter(
        (e.code, e.table.replace(APP, app), e.subject, scenario.line(e.line))
        for e in scenario.expected(dialect)
    )
    assert outcome.rows == expected, _explain(outcome)
    for e in scenario.expected(dialect):
        if e.severity is not None:
            found = [
                d
                for d in outcome.differences
                if (d.code, d.table, d.column or d.name)
                == (e.code, e.table.replace(APP, app), e.subject)
            ]
            assert {d.severity for d in found} == {e.severity}, _explain(outcome)

    failure = scenario.alembic_fails.get(dialect)
    if failure:
        assert outcome.alembic_error is not None, f"Alembic no longer fails: {failure}"
        return
    if outcome.alembic_error is not None:
        raise outcome.alembic_error

    documented = {
        side: Counter(
            (o.kind, o.table.replace(APP, app), o.subject)
            for o in scenario.oracle
            if o.side == side and dialect in o.dialects
        )
        for side in ("extra", "miss")
    }
    alembic_only = outcome.alembic - outcome.ours
    ours_only = outcome.ours - outcome.alembic
    assert (alembic_only, ours_only) == (documented["extra"], documented["miss"]), (
        f"Alembic disagrees: Alembic only {dict(alembic_only)}, ours only {dict(ours_only)}; "
        f"Alembic said {outcome.alembic_raw!r}\n{_explain(outcome)}"
    )


#: Codes no database state produces, so no scenario can: where they are tested instead.
_NOT_SCENARIOS = {"SL002": "a model file Python cannot read: tests/test_robustness.py"}


def test_every_difference_kind_has_a_scenario() -> None:
    """The suite's coverage claim: each code in diff.KINDS is expected somewhere."""
    from schema_lsp.diff import CODES

    expected = {
        e.code
        for s in SCENARIOS
        for e in (*s.expect, *(x for v in s.expect_on.values() for x in v))
    }
    assert set(CODES) - expected == set(_NOT_SCENARIOS)


def test_scenario_suite_size() -> None:
    """Issue 3 asks for at least 60 scenarios on each dialect."""
    for dialect in DIALECTS:
        runnable = [s for s in SCENARIOS if dialect not in s.skip_on and ALL not in s.skip_on]
        assert len(runnable) >= 60, dialect


@pytest.mark.postgres
def test_serial_and_identity_keys_stable_across_runs(postgres_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SERIAL and identity keys: the same (empty) answer ten times in a row (Alembic issue
    1454 was nondeterministic here)."""
    from schema_lsp.diff import compare
    from schema_lsp.entities import parse_entities
    from schema_lsp.introspect import introspect_database

    postgres_db.execute(
        "CREATE TABLE jobs (id SERIAL PRIMARY KEY, name VARCHAR(30) NOT NULL)",
        "CREATE TABLE runs (id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY)",
    )
    models = tmp_path / "models.py"
    models.write_text(
        "import sqlalchemy as sa\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class Job(Base):\n    __tablename__ = 'jobs'\n\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    name: Mapped[str] = mapped_column(sa.String(30))\n\n\n"
        "class Run(Base):\n    __tablename__ = 'runs'\n\n"
        "    id: Mapped[int] = mapped_column(sa.Identity(always=True), primary_key=True)\n"
    )
    answers = [
        compare(parse_entities([models], roots=[tmp_path]), introspect_database(postgres_db.url))
        for _ in range(10)
    ]
    assert answers == [[]] * 10
