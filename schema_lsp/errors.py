"""Typed errors with messages a user can act on. The CLI and the server decide how to show
them; every message is already free of credentials."""

from __future__ import annotations

from collections.abc import Sequence


class SchemaLspError(Exception):
    """Base of every error schema-lsp reports to a user (one line, no traceback needed)."""


class ConfigError(SchemaLspError):
    """The settings are missing or contradictory (no database URL, a bad pyproject value)."""


class InvalidDatabaseUrl(SchemaLspError):
    """The database URL cannot be parsed or names an unknown dialect."""


class MissingDriver(SchemaLspError):
    """The URL needs a DBAPI driver that is not installed; says which pip extra brings it."""


class DatabaseUnreachable(SchemaLspError):
    """Connecting failed: server down, wrong host or port, bad credentials, no such database."""


class IntrospectionError(SchemaLspError):
    """Connected, but reading the schema failed (statement timeout, missing privileges)."""


class UnknownSchema(IntrospectionError, LookupError):
    """A schema to read that the database does not have (or does not show this account):
    reading it would say every table is missing."""


class SnapshotError(SchemaLspError):
    """A snapshot file is unreadable, damaged, or of another format version."""


class UnknownTable(SchemaLspError, LookupError):
    """A table the database does not have; carries the closest names it does have."""

    def __init__(self, name: str, suggestions: Sequence[str] = (), where: str = "") -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        place = f" in {where}" if where else ""
        hint = ""
        if self.suggestions:
            hint = "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(f"unknown table {name!r}{place}{hint}")
