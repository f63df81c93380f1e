"""A project's snapshot: everything the tests need to know about it, made once by
``python -m tests.realworld.refresh`` (which imports the project in its own venv) and
committed as ``tests/realworld/snapshots/<name>.json`` (sorted keys, one-space indent).

Format 1::

    {
      "format": 1,
      "project": "buildbot", "version": "4.3.0",
      "python": "3.11", "sqlalchemy": "2.0.44",
      "distributions": {"buildbot": "4.3.0"},   # sources to pip download --no-deps
      "model_files": ["buildbot/db/model.py"],   # relative to the install root
      "tables": {                                # by table key (schema.name if a schema)
        "builders": {
          "at": "buildbot/db/model.py:120",      # class line, or Table("name" literal line
          "columns": {"id": "buildbot/db/model.py:122", ...},
          "indexes": {"builders_name_hash": "buildbot/db/model.py:130", ...},
          "foreign_keys": {"projectid": "buildbot/db/model.py:127", ...}  # by its columns
        }, ...
      },
      "ddl": {"sqlite": [["CREATE TABLE ...", []], ...], "postgresql": ..., "mysql": ...},
      "timing": {"postgresql": {"alembic": 2.99, "alembic_differences": 0,
                                "schema_lsp": 0.78}, ...}
    }

Locations are ``file:line`` (1-based) or null where the declaration could not be found from
the imported classes (such an object is scored for recall, not for its line). The ground
truth is found by importing: a column's line is the assignment of its attribute in the first
class of the MRO that assigns it (``declared_attr`` functions count), or its
``Column("name"`` in a ``Table``; an index's is its ``Index(`` call (the column's line for
``index=True``), a foreign key's is its ``ForeignKey(`` call, its ``ForeignKeyConstraint(``
call, or the column's line when it is made elsewhere. ``ddl`` holds exactly the statements
``metadata.create_all`` sent to a real database of each dialect, with the driver
parameters, so the tests replay them verbatim. ``timing`` is whole-process seconds (median
of three): Alembic importing the models and running ``compare_metadata``, and
``schema-lsp check --format json`` on the model files, against that database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SNAPSHOTS = Path(__file__).parent / "snapshots"
FORMAT = 1


@dataclass(frozen=True)
class Location:
    file: str
    line: int

    @classmethod
    def parse(cls, text: str | None) -> Location | None:
        if not text:
            return None
        file, _, line = text.rpartition(":")
        return cls(file, int(line))


@dataclass(frozen=True)
class TableTruth:
    at: Location | None
    columns: dict[str, Location | None]
    indexes: dict[str, Location | None]
    foreign_keys: dict[str, Location | None]  # by constrained columns, comma-joined


@dataclass(frozen=True)
class Snapshot:
    project: str
    version: str
    distributions: dict[str, str]
    model_files: tuple[str, ...]
    tables: dict[str, TableTruth]
    ddl: dict[str, list[list[Any]]]
    timing: dict[str, dict[str, float]]
    sqlalchemy: str | None = None  # the version the project ran with

    @property
    def dialects(self) -> tuple[str, ...]:
        return tuple(d for d in ("sqlite", "postgresql", "mysql") if d in self.ddl)


def path_of(name: str) -> Path:
    return SNAPSHOTS / f"{name}.json"


def write(name: str, data: dict[str, Any]) -> Path:
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    target = path_of(name)
    target.write_text(json.dumps({"format": FORMAT, **data}, indent=1, sort_keys=True) + "\n")
    return target


@cache
def load(name: str) -> Snapshot:
    data = json.loads(path_of(name).read_text())
    if data.get("format") != FORMAT:
        raise ValueError(f"{path_of(name)}: format {data.get('format')}, expected {FORMAT}")

    def located(group: dict[str, str | None]) -> dict[str, Location | None]:
        return {key: Location.parse(value) for key, value in group.items()}

    tables = {
        key: TableTruth(
            Location.parse(table["at"]),
            located(table["columns"]),
            located(table["indexes"]),
            located(table["foreign_keys"]),
        )
        for key, table in data["tables"].items()
    }
    return Snapshot(
        project=data["project"],
        version=data["version"],
        distributions=data["distributions"],
        model_files=tuple(data["model_files"]),
        tables=tables,
        ddl=data["ddl"],
        timing=data.get("timing", {}),
        sqlalchemy=data.get("sqlalchemy"),
    )


def available() -> list[str]:
    return sorted(path.stem for path in SNAPSHOTS.glob("*.json"))
