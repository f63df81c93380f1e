"""The real-world corpus's scores: docs/realworld.md, the ratchet, and what to fix.

    python -m tests.realworld.report [NAME...] [--record] [--details] [--dialect D]

Scores every project with a snapshot (or those named) on every dialect it supports, on
scratch databases of the test servers; prints the table and, per project, the false claims
and the missed mutations (``--details``: each one, with code, table, column and message);
rewrites docs/realworld.md (only when every project ran). ``--record`` also writes the
scores to tests/realworld/scores.json, which tests/test_realworld.py holds as a ratchet.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from . import snapshot as snapshots
from .databases import scratch
from .projects import BY_NAME
from .score import Result, run

SCORES = Path(__file__).parent / "scores.json"
DOC = Path(__file__).parents[2] / "docs" / "realworld.md"
TARGETS = {"false_claims": 0, "recall": 0.99, "line": 0.99, "notes_per_table": 0.1, "time": 0.2}


def recorded() -> dict[str, dict[str, object]]:
    return json.loads(SCORES.read_text()) if SCORES.exists() else {}


def _names(recorded: object) -> set[str]:
    """The table names a recorded score lists (none when it lists none)."""
    return {str(name) for name in recorded} if isinstance(recorded, list) else set()


def ratchet(result: Result, before: dict[str, object] | None) -> tuple[list[str], list[str]]:
    """(what got worse, what got better) than the recorded scores."""
    now = result.scores()
    if before is None:
        return [f"{result.key}: no recorded scores (run python -m tests.realworld.report "
                "--record)"], []  # fmt: skip
    worse: list[str] = []
    better: list[str] = []
    for field, sign in (("false_claims", -1), ("notes", -1), ("recall", 1), ("line", 1)):
        old, new = before.get(field), now[field]
        assert isinstance(old, int | float) and isinstance(new, int | float)
        if (new - old) * sign < -1e-9:
            worse.append(f"{result.key}: {field} {old} -> {new}")
        elif (new - old) * sign > 1e-9:
            better.append(f"{result.key}: {field} {old} -> {new}")
    newly_lost = sorted(set(result.lost) - _names(before.get("lost")))
    if newly_lost:
        worse.append(f"{result.key}: tables lost (no entity): {newly_lost}")
    newly_silent = sorted(set(result.silent) - _names(before.get("silent")))
    if newly_silent:
        worse.append(f"{result.key}: tables skipped without a note: {newly_silent}")
    found_again = sorted(_names(before.get("lost")) - set(result.lost))
    if found_again:
        better.append(f"{result.key}: tables no longer lost: {found_again}")
    if before.get("mutations") != now["mutations"]:
        worse.append(
            f"{result.key}: {now['mutations']} mutations, recorded {before.get('mutations')}"
            " (the snapshot or the choice changed: re-record)"
        )
    return worse, better


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _time(result: Result) -> str:
    if result.alembic_seconds and result.whole_seconds:
        ratio = result.whole_seconds / result.alembic_seconds
        return f"{result.whole_seconds:.2f} s / {result.alembic_seconds:.2f} s ({ratio:.2f}x)"
    return "-"


def table(results: list[Result]) -> list[str]:
    lines = [
        "| project | dialect | tables | false claims | notes | lost | mutations | recall "
        "| at the right line | check (in-process) | whole process: ours / Alembic |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r.project} | {r.dialect} | {r.tables} | {len(r.false_claims)} | {r.notes} "
            f"| {len(r.lost)} | {len(r.outcomes)} | {_percent(r.recall)} | {_percent(r.line)} "
            f"| {r.check_seconds:.2f} s | {_time(r)} |"
        )
    return lines


def totals(results: list[Result]) -> list[str]:
    tables = sum(r.tables for r in results)
    claims = sum(len(r.false_claims) for r in results)
    notes = sum(r.notes for r in results)
    mutations = sum(len(r.outcomes) for r in results)
    found = sum(r.found for r in results)
    located = sum(r.located for r in results)
    at_line = sum(r.at_line for r in results)
    big = [r for r in results if r.tables >= 30 and r.alembic_seconds and r.whole_seconds]
    ratios = [r.whole_seconds / r.alembic_seconds for r in big]  # type: ignore[operator]
    worst = max(ratios, default=0.0)
    recall = found / mutations if mutations else 1.0
    line = at_line / located if located else 1.0

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    return [
        "| measure | all projects and dialects | target | |",
        "|---|--:|--:|---|",
        f"| false claims on the clean databases | {claims} | 0 | {verdict(claims == 0)} |",
        f"| seeded changes found (recall) | {found}/{mutations} = {_percent(recall)} | >= 99% "
        f"| {verdict(recall >= 0.99)} |",
        f"| found at the right line | {at_line}/{located} = {_percent(line)} | >= 99% "
        f"| {verdict(line >= 0.99)} |",
        f"| notes on the clean databases | {notes} for {tables} tables "
        f"({notes / max(tables, 1):.2f} per table) | <= 0.1 per table "
        f"| {verdict(notes <= tables / 10)} |",
        f"| whole-process time against Alembic, projects of 30+ tables (worst) | {worst:.2f}x "
        f"| <= 0.2x | {verdict(worst <= 0.2)} |",
        f"| tables lost (no entity) | {sum(len(r.lost) for r in results)} | 0 | "
        f"{verdict(not any(r.lost for r in results))} |",
    ]


def problems(results: list[Result], details: bool) -> list[str]:
    lines: list[str] = []
    for r in results:
        missed = [o for o in r.outcomes if not o.found]
        wrong = [o for o in r.outcomes if o.found and o.at_line is False]
        if not (r.false_claims or missed or wrong or r.lost):
            continue
        lines.append(f"{r.key}: {len(r.false_claims)} false claims, {len(missed)} missed, "
                     f"{len(wrong)} at another line, {len(r.lost)} lost")  # fmt: skip
        counts = Counter(c.code for c in r.false_claims)
        if counts:
            lines.append("  false claims by code: " + ", ".join(
                f"{code} x{n}" for code, n in sorted(counts.items())))  # fmt: skip
        if r.lost:
            lines.append(f"  lost: {', '.join(r.lost)}")
        if r.silent:
            lines.append(f"  lost without a note: {', '.join(r.silent)}")
        if details:
            for c in r.false_claims:
                subject = c.column or c.name or ""
                lines.append(f"  {c.code} {c.severity} {c.table}{'.' if subject else ''}"
                             f"{subject} at {c.where}: {c.message}")  # fmt: skip
        for o in missed:
            lines.append(f"  missed {o.mutation.describe()} ({o.mutation.code}"
                         f" expected at {_at(o)})")  # fmt: skip
        for o in wrong:
            lines.append(f"  {o.mutation.describe()} ({o.mutation.code}) expected at {_at(o)}, "
                         f"reported at {', '.join(o.reported)}")  # fmt: skip
    return lines


def _at(outcome: object) -> str:
    expected = outcome.mutation.expected  # type: ignore[attr-defined]
    return f"{expected.file}:{expected.line}" if expected else "-"


def document(results: list[Result]) -> str:
    from .projects import BY_NAME as projects

    lines = [
        "# Real-world corpus",
        "",
        "schema-lsp checked against the models of open-source projects nobody here wrote "
        "(issue 10's proof). Each project's own `metadata.create_all` built a database on every "
        "dialect it supports (the DDL is replayed from a snapshot); the model sources are "
        "downloaded with `pip download --no-deps` and parsed, never imported. Then seeded "
        "mutations of every kind (dropped/added column, type, NULL flips, dropped/added index, "
        "dropped foreign key, dropped/added table; each on its own table) are applied and the "
        "database is checked again. How it works and how to add a project: "
        "[tests/realworld/](../tests/realworld/__init__.py).",
        "",
        "Regenerate with `python -m tests.realworld.report` (needs the test servers); "
        "`--details` lists every false claim and missed mutation; `--record` updates the "
        "ratchet `tests/realworld/scores.json` that `tests/test_realworld.py` enforces.",
        "",
        "## Against the targets",
        "",
        *totals(results),
        "",
        "False claims are errors and warnings on the clean database (checked with unmapped "
        "tables on); notes are SL001; lost tables are tables no entity declares; the line is "
        "scored for found mutations whose declaration the snapshot located. Whole-process "
        "times (median of three, from the snapshot) are `schema-lsp check` on the model files "
        "and Alembic importing the models and running `compare_metadata`.",
        "",
        "## Per project and dialect",
        "",
        *table(results),
        "",
        "## Projects",
        "",
        "| project | version | tables | dialects | how it writes its models |",
        "|---|---|--:|---|---|",
    ]
    seen: set[str] = set()
    for r in results:
        if r.project in seen:
            continue
        seen.add(r.project)
        style = projects[r.project].style if r.project in projects else ""
        snap = snapshots.load(r.project)
        dialects = ", ".join(snap.dialects)
        lines.append(f"| {r.project} | {snap.version} | {r.tables} | {dialects} | {style} |")
    lines += [
        "",
        "A project supports fewer dialects where its own `create_all` fails on the others "
        "(tests/realworld/projects.py says why for each).",
        "",
        "## What to fix",
        "",
        "```",
        *problems(results, details=False),
        "```",
        "",
    ]
    return "\n".join(lines)


def score_all(names: list[str], dialects: list[str] | None = None) -> list[Result]:
    results = []
    for name in names:
        snap = snapshots.load(name)
        for dialect in snap.dialects:
            if dialects and dialect not in dialects:
                continue
            with scratch(dialect) as db:
                result = run(snap, db)
            print(f"  {result.key}: {len(result.false_claims)} false claims, {result.notes} "
                  f"notes, recall {_percent(result.recall)}, line {_percent(result.line)}",
                  file=sys.stderr)  # fmt: skip
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="projects (default: every snapshot)")
    parser.add_argument("--record", action="store_true", help="write tests/realworld/scores.json")
    parser.add_argument("--details", action="store_true", help="every false claim and miss")
    parser.add_argument("--dialect", action="append", help="only this dialect (repeatable)")
    args = parser.parse_args(argv)
    everything = snapshots.available()
    unknown = [n for n in args.names if n not in everything]
    if unknown:
        parser.error(f"no snapshot for {unknown}; known: {everything}")
    names = args.names or everything
    missing = [n for n in names if n not in BY_NAME]
    if missing:
        print(f"note: {missing} have snapshots but no entry in projects.py", file=sys.stderr)
    results = score_all(names, args.dialect)
    print("\n".join(table(results)))
    print()
    print("\n".join(totals(results)))
    print()
    print("\n".join(problems(results, args.details)))
    complete = not args.names and not args.dialect
    if complete:
        DOC.write_text(document(results))
        print(f"wrote {DOC}", file=sys.stderr)
    if args.record:
        scores = recorded() if not complete else {}
        scores.update({r.key: r.scores() for r in results})
        SCORES.write_text(json.dumps(scores, indent=1, sort_keys=True) + "\n")
        print(f"wrote {SCORES}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
