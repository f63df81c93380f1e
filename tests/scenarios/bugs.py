"""Known product bugs the scenarios expose, one precise sentence each (the xfail reasons).

Each names the file and function, the input, and expected vs actual, so the owner can fix it
and the strict xfail then tells us to remove the mark.
"""

from __future__ import annotations

SQLITE_AUTOINCREMENT_FALSE = (
    "diff.py _TableComparison._autoincrement: on SQLite an Integer primary key with "
    "autoincrement=False is created as the same INTEGER PRIMARY KEY (rowid) as with "
    "autoincrement on, yet a database made by create_all of the same model gives SL141 "
    "'not autoincrement in the model, autoincrement in the database'; expected nothing"
)
FOREIGN_DIALECT_WHERE = (
    "entities/constraints.py (Index branch): a postgresql_where= predicate is kept on "
    "SQLite/MariaDB, where SQLAlchemy ignores it and creates a plain index, so a database made "
    "from the same model gives SL162 'where ... in the model, (owner) in the database'; "
    "expected nothing (a dialect keyword applies to its dialect only)"
)
MYSQL_UNIQUE_INDEX_CHANGED = (
    "diff.py _TableComparison._indexes_and_uniques: on MariaDB a unique index is reflected as "
    "a unique constraint (its index marked implicit), so Index('ix', 'name', 'city') in the "
    "model vs the same-named UNIQUE index in the database gives SL160 index_missing + SL171 "
    "unique_unmapped instead of one SL162 index_changed (uniqueness differs) as on "
    "PostgreSQL and SQLite; the index is not missing"
)

TYPE_CHECKS_UNMAPPED = (
    "diff.py _TableComparison._checks: the CHECK constraints SQLAlchemy makes for "
    "Enum(native_enum=False, create_constraint=True) and Boolean(create_constraint=True) are "
    "reported as SL193 check_unmapped on a database made by create_all of the same model "
    "(e.g. ship_mode (mode IN ('air', 'sea')), ck_fragile (fragile IN (0, 1))); expected "
    "nothing: they belong to the column's type (Alembic issue 1859)"
)
MARIADB_COLUMN_CHECK = (
    "introspect.py (check constraints come from SQLAlchemy's MySQL reflection, which parses "
    "only table-level 'CONSTRAINT ... CHECK' lines of SHOW CREATE TABLE): MariaDB prints a "
    "column-level CHECK inline in the column definition, so mapped_column(sa.CheckConstraint("
    "'weight < 1000')) from create_all is reported SL192 check_missing; expected nothing "
    "(read information_schema.CHECK_CONSTRAINTS, which lists LEVEL='Column' checks too)"
)

MARIADB_COMPUTED_NULLABLE = (
    "diff.py _TableComparison._column (nullability): MariaDB refuses NOT NULL on a "
    "generated column (SQLAlchemy's MariaDB DDL leaves it out), so area: Mapped[int] = "
    "mapped_column(sa.Computed('width * height')) from create_all is reflected nullable and "
    "reported SL130 'NOT NULL in the model, nullable in the database'; expected nothing "
    "(skip nullability of computed columns on MariaDB)"
)

FK_DEFERRABLE = (
    "diff.py _TableComparison._foreign_keys compares ON DELETE/ON UPDATE only: "
    "ForeignKey('authors.id', deferrable=True, initially='DEFERRED') in the model against a "
    "NOT DEFERRABLE key in the database (ForeignKeySchema.deferrable/initially differ) is "
    "reported as nothing; expected SL182 foreign_key_changed naming DEFERRABLE"
)

SEQUENCE_KEY_AUTOINCREMENT = (
    "entities column reader (autoincrement) / diff.py _TableComparison._autoincrement: "
    "mapped_column(sa.Sequence('order_number_seq'), primary_key=True) is read as "
    "autoincrement, but create_all on PostgreSQL and MariaDB (which has sequences) makes the "
    "sequence and a plain INTEGER key with no DEFAULT and no AUTO_INCREMENT (SQLAlchemy calls "
    "nextval itself at INSERT), so the same model gives SL141 'autoincrement in the model, not "
    "autoincrement in the database'; expected nothing (a column with a client-side Sequence "
    "is not database-autoincrement)"
)
