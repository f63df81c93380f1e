"""What a scenario is: a models file, a database state and the differences expected.

Expected lines are written as tags: a model line ending in ``# [tag]`` is line ``"tag"``,
so a scenario reads like the file a user has open and survives edits above the line.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

from schema_lsp.diff import CODES, KINDS, CompareOptions

DIALECTS = ("sqlite", "postgresql", "mysql")
ALL = "*"  # a key in per-dialect mappings: every dialect

#: Placeholder for the second schema: ``app`` on PostgreSQL, ``<database>_app`` on MariaDB.
APP = "__APP__"

_TAG = re.compile(r"#\s*\[(\w+)\]\s*$")


@dataclass(frozen=True)
class Expect:
    """One expected difference: (code, table, column or object name, line or line tag)."""

    code: str
    table: str
    subject: str | None
    line: int | str | None  # None: nowhere in the models (a table no entity maps)
    severity: str | None = None  # when given, the difference's severity is asserted too

    def __post_init__(self) -> None:
        assert self.code in CODES, f"unknown code {self.code}"


@dataclass(frozen=True)
class Database:
    """How the scenario's database is built.

    By default ``create_all`` of the scenario's own models. ``models`` (or ``replace``
    applied to the scenario's source) builds it from another version of the models, the
    portable way to say "the database has VARCHAR(100)". ``before``/``after`` are DDL
    statements per dialect (or ``ALL``) run before/after ``create_all``; ``create_all=False``
    with ``after`` gives an explicit database.
    """

    models: str | None = None
    replace: tuple[tuple[str, str], ...] = ()
    before: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    after: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    create_all: bool = True

    def statements(self, when: str, dialect: str) -> tuple[str, ...]:
        chosen = self.before if when == "before" else self.after
        return tuple(chosen.get(ALL, ())) + tuple(chosen.get(dialect, ()))


SAME = Database()


def changed(*pairs: tuple[str, str], **ddl: tuple[str, ...]) -> Database:
    """The database made from the models with each ``old -> new`` text replacement."""
    return Database(replace=pairs, after={(ALL if k == "all" else k): v for k, v in ddl.items()})


def then(**ddl: tuple[str, ...]) -> Database:
    """``create_all`` of the models, then DDL per dialect (``all=`` for every dialect)."""
    return Database(after={(ALL if k == "all" else k): v for k, v in ddl.items()})


@dataclass(frozen=True)
class Oracle:
    """A documented disagreement with Alembic's ``compare_metadata``.

    ``side="extra"``: Alembic reports it and we do not (its false positive, or something we
    report under another kind); ``side="miss"``: we report it and Alembic does not. The
    key is (our kind, table, subject) where subject is the column for column-level kinds
    and the comma-joined columns for indexes, constraints and foreign keys.
    """

    side: str
    kind: str
    table: str
    subject: str | None
    reason: str
    dialects: tuple[str, ...] = DIALECTS

    def __post_init__(self) -> None:
        assert self.side in ("extra", "miss")
        assert self.kind in KINDS, self.kind


def alembic_fp(kind: str, table: str, subject: str | None, reason: str, *dialects: str) -> Oracle:
    return Oracle("extra", kind, table, subject, reason, dialects or DIALECTS)


def alembic_miss(kind: str, table: str, subject: str | None, reason: str, *dialects: str) -> Oracle:
    return Oracle("miss", kind, table, subject, reason, dialects or DIALECTS)


@dataclass(frozen=True)
class Scenario:
    """A user's story: models, a database, and every difference the check must report."""

    name: str
    story: str
    models: str
    expect: tuple[Expect, ...] = ()
    expect_on: Mapping[str, tuple[Expect, ...]] = field(default_factory=dict)
    database: Database = SAME
    options: CompareOptions = field(default_factory=CompareOptions)
    schemas: tuple[str | None, ...] = (None,)
    skip_on: Mapping[str, str] = field(default_factory=dict)
    xfail_on: Mapping[str, str] = field(default_factory=dict)
    oracle: tuple[Oracle, ...] = ()
    #: dialect -> why Alembic's compare_metadata raises here (then only that is asserted)
    alembic_fails: Mapping[str, str] = field(default_factory=dict)
    needs: tuple[str, ...] = ()  # importable modules the models need (e.g. "sqlmodel")
    #: other files of the workspace ("shared/base.py": source), importable by the models
    files: Mapping[str, str] = field(default_factory=dict)
    #: whether ``files`` are given to the parser; False: only the models file is, and the
    #: others are found as a type checker finds imports (``entities/modules.py``)
    files_given: bool = True

    def source(self) -> str:
        return textwrap.dedent(self.models).lstrip("\n")

    def database_source(self) -> str:
        if self.database.models is not None:
            return textwrap.dedent(self.database.models).lstrip("\n")
        text = self.source()
        others = self.file_sources().values()
        for old, new in self.database.replace:
            found = old in text or any(old in other for other in others)
            assert found, f"{self.name}: {old!r} is not in the models"
            text = text.replace(old, new)
        return text

    def file_sources(self, database: bool = False) -> dict[str, str]:
        """The other files; for the database variant with ``replace`` applied where found."""
        sources = {name: textwrap.dedent(text).lstrip("\n") for name, text in self.files.items()}
        if database:
            for name, text in sources.items():
                for old, new in self.database.replace:
                    text = text.replace(old, new)
                sources[name] = text
        return sources

    def expected(self, dialect: str) -> tuple[Expect, ...]:
        return self.expect_on.get(dialect, self.expect)

    def tags(self) -> dict[str, int | str]:
        """Tag -> line; in another file of the scenario, ``"path:line"``."""
        found: dict[str, int | str] = {}
        texts = [(None, self.source()), *self.file_sources().items()]
        for name, text in texts:
            for number, line in enumerate(text.splitlines(), start=1):
                match = _TAG.search(line)
                if match:
                    assert match[1] not in found, f"{self.name}: tag [{match[1]}] used twice"
                    found[match[1]] = number if name is None else f"{name}:{number}"
        return found

    def line(self, where: int | str | None) -> int | str | None:
        if where is None or isinstance(where, int):
            return where
        tags = self.tags()
        assert where in tags, f"{self.name}: no line tagged [{where}]"
        return tags[where]


ORM_HEADER = """\
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass
"""


def orm(body: str) -> str:
    """A SQLAlchemy 2.0 models file: the usual imports and ``Base``, then ``body``."""
    return ORM_HEADER + "\n\n" + textwrap.dedent(body).lstrip("\n")
