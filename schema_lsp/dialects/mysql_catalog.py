"""MySQL's and MariaDB's part of a schema read: per-grant visibility of tables, MariaDB's
column-level CHECKs, and the indexes InnoDB makes by itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..schema import IndexSchema, LimitedVisibility
from .catalog import Catalog

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection

    from ..schema import ForeignKeySchema
    from ..url import DatabaseUrl


class MysqlCatalog(Catalog):
    widest_tables_query = (
        "SELECT TABLE_NAME, count(*) FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() GROUP BY TABLE_NAME ORDER BY 2 DESC, 1 LIMIT 3"
    )

    @classmethod
    def engine_target(cls, url: DatabaseUrl, statement_timeout: float) -> tuple[URL, dict]:
        return url.sqlalchemy_url, {"connect_timeout": max(1, int(statement_timeout))}

    @classmethod
    def make_read_only(cls, connection: Connection, statement_timeout: float) -> None:
        # The connection is never pooled (NullPool), so session settings die with it.
        if getattr(connection.dialect, "is_mariadb", False):
            connection.exec_driver_sql(f"SET SESSION max_statement_time = {statement_timeout:g}")
        else:
            milliseconds = max(1, int(statement_timeout * 1000))
            connection.exec_driver_sql(f"SET SESSION max_execution_time = {milliseconds}")

    def sees_every_schema(self) -> bool:
        """An account lists only the databases it holds a privilege on, unless it has a
        global one (other than USAGE) or SHOW DATABASES."""
        grantee = self._grantee()
        return grantee is not None and self._has_global_privilege(grantee)

    def limited_visibility(self, schemas: Sequence[str | None]) -> LimitedVisibility | None:
        """``information_schema`` (so reflection) lists only the tables an account holds
        some privilege on, unless it has a global privilege (other than USAGE) or one on
        the schema; then it sees them all. Read from the catalog's privilege tables for
        the current user, in the same pass. The privileges of an active role are not
        listed there, so with a role enabled nothing is claimed (a missing table stays an
        error)."""
        from sqlalchemy import text

        grantee = self._grantee()
        if grantee is None or self._role_enabled() or self._has_global_privilege(grantee):
            return None
        limited: list[str | None] = []
        for schema in schemas:
            database = schema if schema is not None else self.default_schema
            if database is None:
                continue
            # A schema grant may name a pattern (GRANT ... ON `app\_%`.*): match it with LIKE.
            schema_privilege = self.connection.execute(
                text(
                    "SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES "
                    "WHERE GRANTEE = :grantee AND :schema LIKE TABLE_SCHEMA LIMIT 1"
                ),
                {"grantee": grantee, "schema": database},
            ).first()
            if schema_privilege is None:
                limited.append(schema)
        if not limited:
            return None
        return LimitedVisibility(account=self.url.account, schemas=tuple(limited))

    def _grantee(self) -> str | None:
        """The current account as the privilege tables spell it: ``'name'@'host'``."""
        from sqlalchemy import text

        user = self.connection.execute(text("SELECT CURRENT_USER()")).scalar()
        if not isinstance(user, str):
            return None
        name, _, host = user.rpartition("@")
        return f"'{name}'@'{host}'"

    def _has_global_privilege(self, grantee: str) -> bool:
        from sqlalchemy import text

        found = self.connection.execute(
            text(
                "SELECT 1 FROM information_schema.USER_PRIVILEGES "
                "WHERE GRANTEE = :grantee AND PRIVILEGE_TYPE <> 'USAGE' LIMIT 1"
            ),
            {"grantee": grantee},
        ).first()
        return found is not None

    def _role_enabled(self) -> bool:
        """Whether a role is active (MariaDB: a name, MySQL 8: not ``NONE``); servers
        without roles have no CURRENT_ROLE()."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            role = self.connection.execute(text("SELECT CURRENT_ROLE()")).scalar()
        except DBAPIError:
            return False
        return role is not None and role != "NONE"

    def column_checks(
        self, schema: str | None, filter_names: Sequence[str] | None
    ) -> dict[str, list[dict[str, str]]]:
        """MariaDB prints a column's own CHECK inside the column definition, where
        SQLAlchemy's reflection does not look; the catalog lists it (``LEVEL = 'Column'``).
        The ``json_valid(col)`` check MariaDB adds to every JSON column is the type's own."""
        if not getattr(self.dialect, "is_mariadb", False):
            return {}
        from sqlalchemy import text

        rows = self.connection.execute(
            text(
                "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE "
                "FROM information_schema.CHECK_CONSTRAINTS "
                "WHERE CONSTRAINT_SCHEMA = :schema AND LEVEL = 'Column'"
            ),
            {"schema": schema or self.default_schema},
        )
        found: dict[str, list[dict[str, str]]] = {}
        for table, name, clause in rows:
            if filter_names is not None and table not in filter_names:
                continue
            if clause == f"json_valid(`{name}`)":
                continue
            found.setdefault(table, []).append({"name": name, "sqltext": clause})
        return found

    def implicit_index(self, index: IndexSchema, fks: Sequence[ForeignKeySchema]) -> str | None:
        """InnoDB creates an index for a foreign key that has none, named after the
        constraint (or its first column); unique indexes are also reported as unique
        constraints."""
        if index.unique:
            return "unique"
        for fk in fks:
            if index.columns == fk.columns and _named_after(index.name, (fk.name, fk.columns[0])):
                return "foreign_key"
        return None


def _named_after(name: str | None, bases: tuple[str | None, ...]) -> bool:
    """InnoDB names a key's index after the constraint or its first column, with ``_2``,
    ``_3``... when that name is taken (a unique index on the same column, say)."""
    if name is None:
        return False
    stem, _, number = name.rpartition("_")
    return any(name == base or (stem == base and number.isdigit()) for base in bases if base)
