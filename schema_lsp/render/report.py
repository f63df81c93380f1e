"""Differences as a report: linter-style text, JSON, or SARIF 2.1.0 for code scanning.

All three are renderings of the same SchemaDifference list (see the diff package); paths are shown
relative to a base directory so reports are stable across machines.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..diff import KINDS, SchemaDifference
from ..printable import printable

_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def render_text(differences: Sequence[SchemaDifference], base: Path | None = None) -> str:
    """``path:line:col: CODE message``, one per line; database tables without an entity
    have no source and are listed as ``<database>: CODE message``."""
    lines = []
    for difference in differences:
        where = difference.range
        if where is None:
            place = "<database>"
        else:
            place = f"{_relative(where.path, base)}:{where.start_line + 1}:{where.start_column + 1}"
        message = printable(difference.message)  # a name holding a newline stays one line
        lines.append(f"{place}: {difference.code} [{difference.severity}] {message}")
    return "".join(line + "\n" for line in lines)


def render_json(differences: Sequence[SchemaDifference], base: Path | None = None) -> str:
    """``{"differences": [...]}``; ``column``/``name``/``expression``/``path``/``line`` are
    null where they do not apply, ``columns`` empty, ``line`` is 1-based. What a difference
    is about is in these fields, never only in ``message``."""
    items = [
        {
            "code": d.code,
            "kind": d.kind,
            "severity": d.severity,
            **subject(d),
            "path": _relative(d.range.path, base) if d.range else None,
            "line": d.line,
            "message": d.message,
        }
        for d in differences
    ]
    return json.dumps({"differences": items}, indent=2, ensure_ascii=False) + "\n"


def subject(difference: SchemaDifference) -> dict[str, Any]:
    """What a difference is about, as JSON fields: table, column, name, columns (of an
    index, key or constraint) and expression (of a check)."""
    return {
        "table": difference.table,
        "column": difference.column,
        "name": difference.name,
        "columns": list(difference.columns),
        "expression": difference.expression,
    }


def render_sarif(differences: Sequence[SchemaDifference], base: Path | None = None) -> str:
    """A SARIF 2.1.0 log with one run; rules are the difference kinds that occur."""
    used = sorted({d.kind for d in differences}, key=lambda kind: KINDS[kind].code)
    rules = [
        {
            "id": KINDS[kind].code,
            "name": kind,
            "shortDescription": {"text": KINDS[kind].facts.title},
            "help": {
                "text": f"{KINDS[kind].facts.title} (see schema_lsp/codes.md, {KINDS[kind].code})"
            },
            "defaultConfiguration": {"level": _SARIF_LEVELS[KINDS[kind].severity]},
        }
        for kind in used
    ]
    rule_index = {KINDS[kind].code: position for position, kind in enumerate(used)}
    results = [_sarif_result(d, rule_index, base) for d in differences]
    log = {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "schema-lsp",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_result(
    difference: SchemaDifference, rule_index: dict[str, int], base: Path | None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": difference.code,
        "ruleIndex": rule_index[difference.code],
        "level": _SARIF_LEVELS[difference.severity],
        "message": {"text": difference.message},
        "properties": {"kind": difference.kind, **subject(difference)},
    }
    where = difference.range
    if where is not None:
        result["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": Path(_relative(where.path, base)).as_posix()},
                    "region": {
                        "startLine": where.start_line + 1,
                        "startColumn": where.start_column + 1,
                        "endLine": where.end_line + 1,
                        "endColumn": where.end_column + 1,
                    },
                }
            }
        ]
    else:
        result["locations"] = [{"logicalLocations": [{"name": difference.table, "kind": "table"}]}]
    return result


def _relative(path: str, base: Path | None) -> str:
    if base is None:
        return path
    try:
        return str(Path(path).resolve().relative_to(base.resolve()))
    except ValueError:
        return path
