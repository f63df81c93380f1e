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

#: The current time as every database spells it in a default.
_NOW = frozenset({"now()", "current_timestamp", "current_timestamp()"})


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
    #: Whether the database is a file, named by a path (SQLite), not a server.
    file_database: bool = False

    # -- types: what the database stores for a declared type (see stored_types.py) --------
    #: The database's name in messages ("which SQLite does not enforce").
    title: str = "the database"
    #: Whether ``VARCHAR`` without a length is ``TEXT`` (PostgreSQL).
    varchar_without_length_is_text: bool = False
    #: The character set ``NCHAR``/``NVARCHAR`` columns are created in, if one of its own.
    national_charset: str | None = None
    #: Whether reflection reports every column's collation (MySQL prints one only where
    #: it differs from the table's default; SQLite's reflection reads none).
    reports_column_collation: bool = True
    #: The length a VARCHAR without one is given (MySQL requires one: SQLModel's 255).
    default_string_length: int | None = None
    #: Whether an Enum is a named type created apart from its tables (PostgreSQL).
    named_enum_types: bool = False

    # -- server defaults: how the database prints one back ----------------------------------
    #: Spellings of the current time that are one function there.
    now_spellings: frozenset[str] = _NOW
    #: Spellings of the current date that are one function there.
    today_spellings: frozenset[str] = frozenset({"current_date"})
    #: Whether ``current_timestamp(6)`` is the current time at the column's precision
    #: (MySQL and MariaDB store ``now()`` on a ``DATETIME(6)`` so).
    precise_now: bool = False
    #: Whether a column's default may carry an ``ON UPDATE`` clause (MySQL).
    on_update_defaults: bool = False
    #: Whether a binary default prints as hex (PostgreSQL's ``'\\x78'::bytea``).
    binary_defaults_in_hex: bool = False
    #: Whether SQLAlchemy's reflection reads a BIT column's default (not on MySQL).
    reads_bit_defaults: bool = True

    # -- SQL expressions: what the normaliser of SQL text (sqltext.py) reads alike --------
    #: Whether a backslash escapes in a string literal (MySQL: a stored ``a\b`` prints
    #: as ``'a\\b'``).
    backslash_escapes: bool = False
    #: Whether unquoted and quoted names are one name whatever their case.
    case_insensitive_identifiers: bool = False
    #: Whether TRUE is 1 and NOT x is ``x = 0``: MySQL has no boolean type (its BOOL is
    #: ``TINYINT(1)``).
    booleans_are_integers: bool = False
    #: The display width each integer type has when the DDL gives none, (signed,
    #: unsigned): MySQL 5.7 and MariaDB print ``int(11)``.
    display_widths: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    #: Functions that are another under a second name (MySQL's ``ucase`` is ``upper``).
    function_synonyms: Mapping[str, str] = field(default_factory=dict)
    #: Whether ``LOCATE(a, b)`` is ``POSITION(a IN b)``.
    locate_is_position: bool = False
    #: Whether ``&&`` is AND (MySQL) rather than an operator of its own.
    double_ampersand_is_and: bool = False

    # -- SQLAlchemy's dialect keywords -----------------------------------------------------
    #: The prefix of SQLAlchemy's dialect-specific keywords (``mysql_length``): MariaDB
    #: takes MySQL's.
    option_prefix: str = ""
    #: Whether an index has an access method (``USING gin``); SQLite's have none.
    index_methods: bool = True
    #: The method an index has unless its DDL names another (not written back).
    default_index_method: str | None = None
    #: Index kinds written as a prefix (MySQL's ``CREATE FULLTEXT INDEX``).
    index_prefix_methods: frozenset[str] = frozenset()
    #: Whether an index can have a WHERE predicate.
    partial_indexes: bool = False

    # -- migrations: what ALTER can do there -----------------------------------------------
    #: Whether ALTER TABLE cannot change a column or drop a constraint, so the table is
    #: rebuilt (copy, drop, rename: SQLite, through Alembic's batch mode).
    alters_by_rebuild: bool = False
    #: Whether changing a column restates all of it (MySQL's MODIFY), so what is kept
    #: (its auto-increment) must be said again.
    restates_column_on_alter: bool = False
    #: Whether a type change needs a ``USING`` cast (PostgreSQL).
    alter_type_using: bool = False
    #: Whether the database indexes a foreign key by itself (InnoDB), leaving an index
    #: behind when the key is dropped.
    indexes_foreign_keys: bool = False

    def index_keywords(self, method: str | None, where: str | None) -> dict[str, str]:
        """SQLAlchemy's keywords creating an index with this method and predicate here
        (``mysql_prefix="FULLTEXT"``, ``postgresql_using="gin"``, ``sqlite_where=...``),
        each with its value as text."""
        found: dict[str, str] = {}
        if not self.option_prefix:
            return found
        if method and self.index_methods:
            if method in self.index_prefix_methods:
                found[f"{self.option_prefix}_prefix"] = method.upper()
            elif method != self.default_index_method:
                found[f"{self.option_prefix}_using"] = method
        if where and self.partial_indexes:
            found[f"{self.option_prefix}_where"] = where
        return found

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
        file_database=True,
        title="SQLite",
        reports_column_collation=False,
        option_prefix="sqlite",
        now_spellings=_NOW | {"datetime('now')"},
        case_insensitive_identifiers=True,
        today_spellings=frozenset({"current_date", "date('now')"}),
        index_methods=False,
        partial_indexes=True,
        alters_by_rebuild=True,
    ),
    "postgresql": DialectRules(
        merges_identical_uniques=True,
        reports_deferral=True,
        stores_generated=None,
        primary_key_label="pkey",
        unique_label="key",
        identifier_length=63,
        title="PostgreSQL",
        varchar_without_length_is_text=True,
        named_enum_types=True,
        option_prefix="postgresql",
        now_spellings=_NOW | {"transaction_timestamp()"},
        binary_defaults_in_hex=True,
        default_index_method="btree",
        partial_indexes=True,
        alter_type_using=True,
    ),
    "mysql": DialectRules(
        same_actions={"RESTRICT": "NO ACTION", "SET DEFAULT": "NO ACTION"},
        names_primary_key=False,
        default_fraction_digits=0,
        generated_nullability_fixed=True,
        names_like_mysql=True,
        title="MySQL",
        national_charset="utf8mb3",
        reports_column_collation=False,
        default_string_length=255,
        option_prefix="mysql",
        now_spellings=_NOW | {"localtimestamp", "localtimestamp()", "localtime", "localtime()"},
        today_spellings=frozenset({"current_date", "current_date()", "curdate()"}),
        precise_now=True,
        on_update_defaults=True,
        backslash_escapes=True,
        case_insensitive_identifiers=True,
        booleans_are_integers=True,
        function_synonyms={
            "ucase": "upper",
            "lcase": "lower",
            "octet_length": "length",
            "substring": "substr",
            "mid": "substr",
        },
        locate_is_position=True,
        display_widths={
            "TINYINT": (4, 3),
            "SMALLINT": (6, 5),
            "MEDIUMINT": (9, 8),
            "INTEGER": (11, 10),
            "BIGINT": (20, 20),
        },
        double_ampersand_is_and=True,
        reads_bit_defaults=False,
        index_prefix_methods=frozenset({"fulltext", "spatial"}),
        restates_column_on_alter=True,
        indexes_foreign_keys=True,
    ),
}


def option_dialects(dialect: str) -> frozenset[str]:
    """The dialect names whose SQLAlchemy options (``mysql_*``, ``mariadb_*``) apply on
    ``dialect``: MariaDB honours MySQL's and MySQL MariaDB's."""
    if dialect in ("mysql", "mariadb"):
        return frozenset({"mysql", "mariadb"})
    return frozenset({dialect})


def server_dialect(dialect: str, server_version: str) -> str:
    """``mariadb`` for a MariaDB server reached through a ``mysql://`` URL (its versions
    start at 10; MySQL's are 5, 8 and 9), else ``dialect``."""
    if dialect == "mysql":
        major = server_version.partition(".")[0]
        if major.isdigit() and int(major) >= 10:
            return "mariadb"
    return dialect


def rules_for(dialect: str) -> DialectRules:
    """The rules of a dialect (``mariadb`` shares MySQL's); none for an unknown one."""
    return RULES.get("mysql" if dialect == "mariadb" else dialect, _NO_RULES)


_NO_RULES = DialectRules()
