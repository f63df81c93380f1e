"""What each database does, as data: the rules every layer asks instead of comparing a
dialect's name (the way Alembic keeps ``DefaultImpl`` and ``MySQLImpl``).

``DialectRules`` holds what a database does with the DDL ``create_all`` sends it (merges,
ignores or rewrites) and how it stores what it is given, each fact found by experiment on
the database itself (tests/test_dialect_rules.py, tests/scenarios/stories_create_all.py).
``rules_for(dialect)`` looks them up once; MariaDB shares MySQL's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DialectRules:
    """What one database does with the DDL SQLAlchemy's ``create_all`` sends it, where the
    result differs from the metadata (each fact found by creating and reading back; see
    tests/scenarios/stories_create_all.py)."""

    #: Identical UNIQUE constraints in one CREATE TABLE become one, the first
    #: (``unique=True`` beside ``UniqueConstraint`` on the same column).
    merges_identical_uniques: bool = False
    #: Referential actions the database treats as another: ``RESTRICT`` is ``NO ACTION``
    #: on InnoDB, and MariaDB parses ``SET DEFAULT`` and keeps no action.
    same_actions: Mapping[str, str] = field(default_factory=dict)
    #: Whether the database keeps and reports ``DEFERRABLE``/``INITIALLY`` (MariaDB
    #: rejects the clause, SQLite keeps it but does not report it).
    reports_deferral: bool = False
    #: Whether a primary key's name is kept (MySQL's is always ``PRIMARY``).
    names_primary_key: bool = True
    #: Identical foreign keys (same columns and target, one named ``ForeignKeyConstraint``
    #: beside an inline ``ForeignKey``) read back as one (SQLite's reflection merges them).
    merges_identical_foreign_keys: bool = False
    #: Whether a column's declared type bounds what it stores: SQLite keeps any value in
    #: any column (a shorter VARCHAR or a narrower integer cuts nothing there).
    enforces_column_types: bool = True
    #: Digits after the second a time type keeps when its DDL says none (``TIMESTAMP``:
    #: microseconds on PostgreSQL, whole seconds for MySQL's ``DATETIME``).
    default_fraction_digits: int = 6
    #: Whether every primary key column is NOT NULL whatever the DDL says (SQLite keeps a
    #: key column nullable when declared so, but for its rowid).
    key_columns_not_null: bool = True
    #: Whether the database auto-assigns exactly a lone INTEGER PRIMARY KEY (SQLite's
    #: rowid), whatever the model says, and nothing else.
    rowid_autoincrement: bool = False
    #: Whether a column can hold a comment (SQLite keeps none).
    keeps_comments: bool = True
    #: Whether a generated column is stored when the DDL does not say: VIRTUAL on SQLite
    #: and MySQL; on PostgreSQL it depends on the server version (STORED before 18), so None.
    stores_generated: bool | None = False
    #: Whether a generated column refuses NOT NULL (MariaDB), so its nullability says nothing.
    generated_nullability_fixed: bool = False
    #: How the database names an unnamed primary key and unique constraint: the label
    #: after the table's name and columns (PostgreSQL: ``users_pkey``, ``users_email_key``,
    #: each part cut in turn, the longer first, to fit 63 characters, as its
    #: ``makeObjectName`` does); None when it keeps no name.
    primary_key_label: str | None = None
    unique_label: str | None = None
    #: MySQL's way instead: the primary key is ``PRIMARY``; an unnamed unique constraint
    #: takes its first column's name, then ``_2``, ``_3``... when that is taken.
    names_like_mysql: bool = False
    #: The longest identifier (PostgreSQL counts bytes).
    identifier_length: int = 64

    def automatic_primary_key_name(self, table: str) -> str | None:
        """The name an unnamed primary key of ``table`` gets, if the database names it."""
        if self.names_like_mysql:
            return "PRIMARY"
        if self.primary_key_label is None:
            return None
        return self._object_name(table, "", self.primary_key_label)

    def is_automatic_unique_name(self, name: str, table: str, columns: Sequence[str]) -> bool:
        """Whether ``name`` is what the database calls an unnamed unique constraint."""
        if not columns:
            return False
        if self.names_like_mysql:
            return re.fullmatch(rf"{re.escape(columns[0])}(_\d+)?", name) is not None
        if self.unique_label is None:
            return False
        # a name already taken gets a number after the label (``_key1``), cut anew
        number = re.search(r"\d*$", name)
        labels = {self.unique_label, f"{self.unique_label}{number.group()}" if number else ""}
        joined = "_".join(columns)
        return any(name == self._object_name(table, joined, label) for label in labels if label)

    def _object_name(self, first: str, second: str, label: str) -> str:
        """``first_second_label``, the longer of the two parts cut a byte at a time (never
        inside a character) until the whole fits the identifier length in bytes."""
        head, tail = first.encode(), second.encode()
        overhead = len(label) + 1 + (1 if second else 0)
        keep_head, keep_tail = len(head), len(tail)
        while keep_head + keep_tail > self.identifier_length - overhead:
            if keep_head > keep_tail:
                keep_head -= 1
            else:
                keep_tail -= 1
        parts = [head[:keep_head].decode("utf-8", "ignore")]
        if second:
            parts.append(tail[:keep_tail].decode("utf-8", "ignore"))
        return "_".join([*parts, label])


RULES: Mapping[str, DialectRules] = {
    # SQLite keeps CHECK text verbatim, and keeps DEFERRABLE without reporting it.
    "sqlite": DialectRules(
        merges_identical_uniques=True,
        merges_identical_foreign_keys=True,
        enforces_column_types=False,
        key_columns_not_null=False,
        rowid_autoincrement=True,
        keeps_comments=False,
    ),
    "postgresql": DialectRules(
        merges_identical_uniques=True,
        reports_deferral=True,
        stores_generated=None,
        primary_key_label="pkey",
        unique_label="key",
        identifier_length=63,
    ),
    "mysql": DialectRules(
        same_actions={"RESTRICT": "NO ACTION", "SET DEFAULT": "NO ACTION"},
        names_primary_key=False,
        default_fraction_digits=0,
        generated_nullability_fixed=True,
        names_like_mysql=True,
    ),
}


def rules_for(dialect: str) -> DialectRules:
    """The rules of a dialect (``mariadb`` shares MySQL's); none for an unknown one."""
    return RULES.get("mysql" if dialect == "mariadb" else dialect, _NO_RULES)


_NO_RULES = DialectRules()
