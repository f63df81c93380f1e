"""The ``schema-lsp`` command: check models against the database, render the migration,
inspect a database, write snapshots, generate code.

Every command reads the schema through a SchemaRegistry (a live database, or a snapshot file
with ``--snapshot``). Exit codes: 0 success (in sync), 1 differences (``check``, ``diff``),
2 error. An error is one line on stderr, ``schema-lsp: error: ...``, credentials masked;
``--debug`` adds the traceback. ``serve`` runs the language server (schema_lsp.server).
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .config import Settings, load_settings
from .errors import ConfigError, SchemaLspError
from .printable import printable
from .url import mask_text

if TYPE_CHECKING:
    from .diff import SchemaDifference
    from .registry import SchemaRegistry
    from .schema import (
        ColumnSchema,
        DatabaseSchema,
        ForeignKeySchema,
        IndexSchema,
        TableSchema,
    )

PROG = "schema-lsp"
#: A command runs once: its registry never expires, so no background refresh races the exit
#: (``settings.ttl`` is for the long-running server).
_ONE_READ = math.inf
EXIT_OK = 0
EXIT_DIFFERENCES = 1
EXIT_ERROR = 2

Command = Callable[[argparse.Namespace, "Source"], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting (tests call this)."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error argparse printed
        return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
    debug = bool(getattr(args, "debug", False))
    if getattr(args, "command", None) == "serve":
        return _serve(args, debug)
    masking = _MaskingFilter()
    if debug:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        handler.addFilter(masking)
        logging.getLogger("schema_lsp").addHandler(handler)
        logging.getLogger("schema_lsp").setLevel(logging.DEBUG)
    source: Source | None = None
    try:
        settings = load_settings(
            database_url=getattr(args, "db", None),
            schemas=getattr(args, "schema", None),
            statement_timeout=getattr(args, "timeout", None),
            snapshot=getattr(args, "snapshot", None),
        )
        source = Source(settings, prefer_snapshot=getattr(args, "snapshot", None) is not None)
        masking.scrub = source.scrub
        return int(args.run(args, source))
    except SchemaLspError as exc:
        return _report(exc, debug, source, expected=True)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (``| head``) went away: not an error; keep Python from complaining.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        return _report(exc, debug, source, expected=False)
    finally:
        if source is not None:
            source.close()
        if debug:
            logging.getLogger("schema_lsp").removeHandler(handler)


class _MaskingFilter(logging.Filter):
    """Debug log lines pass through the same password scrubbing as error messages."""

    def __init__(self) -> None:
        super().__init__()
        self.scrub: Callable[[str], str] = mask_text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.scrub(record.getMessage())
        record.args = None
        return True


def _report(exc: BaseException, debug: bool, source: Source | None, *, expected: bool) -> int:
    """One line on stderr (plus the traceback with --debug), never a password."""
    scrub = source.scrub if source is not None else mask_text
    if debug:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        sys.stderr.write(scrub(text))
    message = " ".join(str(exc).split()) or type(exc).__name__
    if not expected:
        message = f"unexpected {type(exc).__name__}: {message}"
        if not debug:
            message += " (rerun with --debug for the traceback)"
    print(f"{PROG}: error: {scrub(message)}", file=sys.stderr)
    return EXIT_ERROR


# -- where the schema comes from --------------------------------------------------------


class Source:
    """The registry the settings point at (a snapshot file or a live database), made on
    first use so that commands and ``--help`` need no database."""

    def __init__(self, settings: Settings, *, prefer_snapshot: bool = False) -> None:
        self.settings = settings
        self.prefer_snapshot = prefer_snapshot
        self._registry: SchemaRegistry | None = None

    @property
    def from_snapshot(self) -> bool:
        return self._snapshot_path is not None

    @property
    def _snapshot_path(self) -> Path | None:
        """``--snapshot`` wins; a configured snapshot is used only when no URL is known."""
        settings = self.settings
        if settings.database_url is not None and not self.prefer_snapshot:
            return None
        return settings.snapshot

    @property
    def registry(self) -> SchemaRegistry:
        if self._registry is None:
            from .registry import SchemaRegistry

            settings = self.settings
            path = self._snapshot_path
            if path is not None:
                self._registry = SchemaRegistry.from_snapshot(path, ttl=_ONE_READ)
            elif settings.database_url is None:
                raise ConfigError(
                    "no database configured: give --db URL, set SCHEMA_LSP_DATABASE_URL, "
                    "add database_url to [tool.schema-lsp] in pyproject.toml, "
                    "or read a file with --snapshot"
                )
            else:
                self._registry = SchemaRegistry(
                    settings.database_url,
                    ttl=_ONE_READ,
                    schemas=settings.schemas or None,
                    statement_timeout=settings.statement_timeout,
                )
        return self._registry

    def describe(self) -> str:
        """What the schema is read from, for headers: never with a password."""
        path = self._snapshot_path
        if path is not None:
            return f"snapshot {_display_path(path)}"
        url = self.settings.database_url
        return url.describe() if url is not None else "no database"

    def database(self) -> DatabaseSchema:
        return self.registry.get_database_schema()

    def table(self, name: str) -> TableSchema:
        """A table by name; ``schema.table`` of a schema not configured is read on its
        own (the registry holds the configured schemas only)."""
        from .errors import UnknownTable

        try:
            return self.registry.get_table_schema(name)
        except UnknownTable:
            schema, dot, bare = name.rpartition(".")
            url = self.settings.database_url
            if not dot or self.from_snapshot or url is None or schema in self.settings.schemas:
                raise
        from .introspect import SchemaIntrospector

        introspector = SchemaIntrospector(
            url, schemas=[schema], statement_timeout=self.settings.statement_timeout
        )
        try:
            return introspector.get_table_schema(bare, schema)
        finally:
            introspector.dispose()

    def scrub(self, text: str) -> str:
        url = self.settings.database_url
        return url.scrub(text) if url is not None else mask_text(text)

    def close(self) -> None:
        if self._registry is not None:
            self._registry.dispose()


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# -- commands ----------------------------------------------------------------------------


def _inspect(args: argparse.Namespace, source: Source) -> int:
    out = sys.stdout
    if args.table:
        table = source.table(args.table)
        database = source.database()
        _print_table(out, table, database, source)
    else:
        _print_summary(out, source.database(), source)
    return EXIT_OK


def _snapshot(args: argparse.Namespace, source: Source) -> int:
    from . import snapshot

    database = source.database()
    if args.output == "-":
        sys.stdout.write(snapshot.to_json(database))
        return EXIT_OK
    target = Path(args.output)
    try:
        snapshot.save(database, target)
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc.strerror}") from None
    print(
        f"{PROG}: wrote {len(database)} tables of {source.describe()} to {target}",
        file=sys.stderr,
    )
    return EXIT_OK


def _generate_entity(args: argparse.Namespace, source: Source) -> int:
    from .config import formatter_line_length
    from .generator import SchemaGenerator

    target = Path(args.output).parent if args.output and args.output != "-" else Path.cwd()
    generator = SchemaGenerator(source.registry, line_length=formatter_line_length(target))
    return _write_output(generator.generate_entity_classes(args.tables), args.output)


def _generate_types(args: argparse.Namespace, source: Source) -> int:
    from .generator import SchemaGenerator

    generator = SchemaGenerator(source.registry)
    return _write_output(generator.generate_database_types(), args.output)


def _check(args: argparse.Namespace, source: Source) -> int:
    from .render.report import render_json, render_sarif, render_text

    checked = _differences(args, source)
    differences = checked.differences
    render = {"text": render_text, "json": render_json, "sarif": render_sarif}[args.format]
    sys.stdout.write(render(differences, Path.cwd()))
    counts = {level: sum(d.severity == level for d in differences) for level in _LEVELS}
    shown = any(d.kind == "file_unreadable" for d in differences)
    if checked.unreadable and (shown or checked.unreadable == checked.files):
        print(
            f"{PROG}: {checked.unreadable} of {_plural(checked.files, 'model file')} could not "
            "be read (SL002): what they declare was not checked",
            file=sys.stderr,
        )
        if checked.unreadable == checked.files:
            return EXIT_ERROR  # nothing at all was checked, whatever SL002's level
    if counts["error"] or counts["warning"]:
        summary = ", ".join(_plural(counts[level], level) for level in _LEVELS if counts[level])
        print(f"{PROG}: {summary} against {source.describe()}", file=sys.stderr)
        return EXIT_DIFFERENCES
    unchecked = sum(d.kind == "not_checked" for d in differences)
    if unchecked:
        print(
            f"{PROG}: no differences found against {source.describe()}, but "
            f"{_plural(unchecked, 'part')} of the models could not be checked (the notes above)",
            file=sys.stderr,
        )
        return EXIT_OK
    print(f"{PROG}: models in sync with {source.describe()}", file=sys.stderr)
    return EXIT_OK


def _diff(args: argparse.Namespace, source: Source) -> int:
    from .render.migration import (
        left_out,
        migration_dialect,
        operations_for,
        render_alembic_revision,
        render_sql,
    )

    checked = _differences(args, source)
    unreadable = [d for d in checked.differences if d.kind == "file_unreadable"]
    if unreadable:
        first = unreadable[0]
        where = f"{_display_path(Path(first.range.path))}:{first.line}" if first.range else ""
        raise ConfigError(
            f"no migration written: {_plural(len(unreadable), 'model file')} could not be read, "
            f"so the tables declared there would look dropped ({where}: {first.message}); "
            "fix the file and run again"
        )
    differences = checked.differences
    database = source.database()
    dialect = migration_dialect(database)
    if args.alembic:
        upgrade = operations_for(
            differences, dialect, allow_data_loss=args.allow_data_loss, database=database
        )
        changes, comments = left_out(upgrade)
        if not changes:  # a revision of ``pass`` would only lengthen the history
            print(f"{PROG}: no revision written: it would change nothing", file=sys.stderr)
            for comment in comments:
                print(f"{PROG}: {printable(comment)}", file=sys.stderr)
            return EXIT_DIFFERENCES if comments else EXIT_OK
        text = render_alembic_revision(
            differences,
            dialect,
            message=args.message,
            allow_data_loss=args.allow_data_loss,
            database=database,
        )
    else:
        text = render_sql(
            differences, dialect, allow_data_loss=args.allow_data_loss, database=database
        )
    _write_output(text, args.output)
    needs_migration = any(d.severity != "info" for d in differences)
    return EXIT_DIFFERENCES if needs_migration else EXIT_OK


_LEVELS = ("error", "warning", "info")


@dataclass(frozen=True)
class _Checked:
    """The differences of one check, and how many of its model files could be read."""

    differences: list[SchemaDifference]
    files: int
    unreadable: int


def _differences(args: argparse.Namespace, source: Source) -> _Checked:
    """Parse the models (never importing them) and compare them with the database."""
    from .diff import (
        CompareOptions,
        compare,
        source_order,
        unread_differences,
        unreadable_file_differences,
        with_severities,
    )
    from .entities.discovery import find_entity_files
    from .entities.modules import SearchPath
    from .entities.workspace import read_workspace

    settings = source.settings
    root = settings.project_root or Path.cwd()
    for path in args.paths:
        if not Path(path).exists():
            raise ConfigError(f"no such file or folder: {path}")
    files = find_entity_files(args.paths, globs=settings.entities, root=root)
    if not files:
        where = "in " + ", ".join(args.paths) if args.paths else f"matching {settings.entities}"
        raise ConfigError(
            f"no model files found {where}: name files or folders "
            "(schema-lsp check src/app/models.py) or set entities in [tool.schema-lsp]"
        )
    search_path = SearchPath.for_project(
        root, python=settings.python, extra_paths=settings.extra_paths, files=files
    )
    reading = read_workspace(files, roots=[root], search_path=search_path)
    options = CompareOptions(  # a flag turns an option on; [tool.schema-lsp] may too
        unmapped_tables=args.unmapped_tables or settings.unmapped_tables,
        comments=args.comments or settings.comments,
        check_constraints=args.checks or settings.check_constraints,
    )
    found = (
        compare(reading.entities, source.database(), options)
        + unread_differences(reading.notes)
        + unreadable_file_differences(reading.problems)
    )
    differences = with_severities(sorted(found, key=source_order), dict(settings.severity))
    return _Checked(differences, reading.files, len(reading.problems))


def _write_output(text: str, output: str) -> int:
    if output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(output)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc.strerror}") from None
    print(f"{PROG}: wrote {target}", file=sys.stderr)
    return EXIT_OK


# -- inspect output ----------------------------------------------------------------------


def _print_summary(out: TextIO, database: DatabaseSchema, source: Source) -> None:
    tables = sorted(database.tables, key=lambda t: (t.schema or "", t.name))
    views = sum(1 for table in tables if table.is_view)
    out.write(f"{source.describe()}  ({_server(database)})\n")
    counts = f"{_plural(len(tables) - views, 'table')}, {_plural(views, 'view')}"
    out.write(f"{counts}; read {database.read_at}\n")
    if (limited := database.limited_visibility) is not None:
        names = ", ".join(schema or "the default schema" for schema in limited.schemas)
        out.write(
            f"note: {limited.account} sees only the tables it holds privileges on in {names};"
            " others may exist\n"
        )
    for table in tables:
        if table.incomplete is not None:
            reason = printable(table.incomplete)
            out.write(f"note: {printable(table.key)} was not read in full: {reason}\n")
    out.write("\n")
    if not tables:
        out.write("(no tables)\n")
        return
    rows = [
        (
            table.key,
            "view" if table.is_view else "table",
            str(len(table.columns)),
            ", ".join(table.primary_key.columns) if table.primary_key else "-",
            str(len(table.indexes)),
            str(len(table.foreign_keys)),
        )
        for table in tables
    ]
    header = ("NAME", "KIND", "COLUMNS", "PRIMARY KEY", "INDEXES", "FOREIGN KEYS")
    _write_table(out, header, rows, right=(2, 4, 5))


def _print_table(out: TextIO, table: TableSchema, database: DatabaseSchema, source: Source) -> None:
    kind = "view" if table.is_view else "table"
    out.write(f"{kind} {printable(table.key)}  ({source.describe()}, {_server(database)})\n")
    if table.comment:
        out.write(f"comment: {printable(table.comment)}\n")
    if table.incomplete is not None:
        out.write(f"note: not read in full: {printable(table.incomplete)}\n")
    out.write("\n")
    rows = [
        (
            column.name,
            _column_type(column),
            "null" if column.nullable else "not null",
            column.default if column.default is not None else "",
            _column_extra(column, table),
            column.comment or "",
        )
        for column in table.columns
    ]
    _write_table(out, ("COLUMN", "TYPE", "NULL", "DEFAULT", "EXTRA", "COMMENT"), rows)

    if table.primary_key is not None:
        name = f"{table.primary_key.name} " if table.primary_key.name else ""
        line = f"{name}({', '.join(table.primary_key.columns)})"
        out.write(f"\nprimary key: {printable(line)}\n")
    sections: list[tuple[str, list[str]]] = []
    sections.append(("indexes", _aligned(_index_line(index) for index in table.indexes)))
    sections.append(
        (
            "unique constraints",
            _aligned(
                (unique.name or "(unnamed)", f"({', '.join(unique.columns)})")
                for unique in table.unique_constraints
            ),
        )
    )
    sections.append(
        (
            "foreign keys",
            _aligned(
                (
                    fk.name or "(unnamed)",
                    f"({', '.join(fk.columns)})",
                    "->",
                    f"{_qualified(fk.referred_schema, fk.referred_table)}"
                    f"({', '.join(fk.referred_columns)})",
                    _fk_actions(fk),
                )
                for fk in table.foreign_keys
            ),
        )
    )
    sections.append(
        (
            "check constraints",
            _aligned(
                (check.name or "(unnamed)", check.sqltext) for check in table.check_constraints
            ),
        )
    )
    for title, lines in sections:
        if lines:
            out.write(f"\n{title}:\n")
            for line in lines:
                out.write(f"  {printable(line)}\n")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _server(database: DatabaseSchema) -> str:
    return f"{database.dialect} {database.server_version}".strip()


def _column_type(column: ColumnSchema) -> str:
    text = column.type or column.sa_type.name
    if text == "NullType":
        return "(untyped)"
    if column.collation and "COLLATE" not in text.upper():
        text += f" COLLATE {column.collation}"
    return text


def _column_extra(column: ColumnSchema, table: TableSchema) -> str:
    extras: list[str] = []
    if table.is_primary_key(column.name):
        extras.append("PK")
    if column.identity is not None:
        identity = column.identity
        words = ["identity", "always" if identity.always else "by default"]
        if identity.start is not None:
            words.append(f"start {identity.start}")
        if identity.increment is not None:
            words.append(f"increment {identity.increment}")
        extras.append(" ".join(words))
    elif column.autoincrement:
        extras.append("autoincrement")
    if column.computed is not None:
        persisted = column.computed.persisted
        stored = "" if persisted is None else " stored" if persisted else " virtual"
        extras.append(f"generated as ({column.computed.sqltext}){stored}")
    if column.enum_values and not column.type.upper().startswith("ENUM"):
        extras.append("enum(" + ", ".join(repr(value) for value in column.enum_values) + ")")
    return ", ".join(extras)


def _index_line(index: IndexSchema) -> tuple[str, ...]:
    elements = index.expressions or index.columns
    notes = []
    if index.unique:
        notes.append("unique")
    if index.method:
        notes.append(index.method)
    if index.where:
        notes.append(f"where {index.where}")
    if index.implicit:
        notes.append(f"[implicit: {index.implicit}]")
    return (index.name or "(unnamed)", f"({', '.join(elements)})", " ".join(notes))


def _fk_actions(fk: ForeignKeySchema) -> str:
    words = []
    if fk.on_delete:
        words.append(f"ON DELETE {fk.on_delete.upper()}")
    if fk.on_update:
        words.append(f"ON UPDATE {fk.on_update.upper()}")
    if fk.deferrable:
        initially = f" INITIALLY {fk.initially.upper()}" if fk.initially else ""
        words.append(f"DEFERRABLE{initially}")
    return " ".join(words)


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def _aligned(rows: Iterable[tuple[str, ...]]) -> list[str]:
    """Rows of cells as lines with every column padded to its widest cell."""
    rows = list(rows)
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _write_table(
    out: TextIO,
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    right: tuple[int, ...] = (),
) -> None:
    """A plain-text table: a header, a rule, aligned columns; empty columns are dropped."""
    rows = [tuple(printable(cell) for cell in row) for row in rows]  # one line per row
    keep = [i for i in range(len(header)) if i == 0 or any(row[i] for row in rows)]
    header = tuple(header[i] for i in keep)
    rows = [tuple(row[i] for i in keep) for row in rows]
    right_keep = {keep.index(i) for i in right if i in keep}
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        padded = (
            cell.rjust(width) if i in right_keep else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip() + "\n"

    out.write(line(header))
    out.write(line(tuple("-" * width for width in widths)))
    for row in rows:
        out.write(line(row))


# -- argument parsing --------------------------------------------------------------------


def _global_options() -> argparse.ArgumentParser:
    """Options valid before or after the command (``schema-lsp inspect --db URL``); SUPPRESS
    keeps a subcommand from resetting a value given before it."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("global options")
    unset = argparse.SUPPRESS
    group.add_argument("--db", metavar="URL", default=unset, help="database URL (or env:NAME)")
    group.add_argument(
        "--schema",
        metavar="NAME",
        action="append",
        default=unset,
        help='schema to read, repeatable; "*" for every non-system schema '
        "(default: the connection's default schema)",
    )
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=unset,
        help="statement timeout for introspection (default 10)",
    )
    group.add_argument(
        "--snapshot",
        metavar="FILE",
        default=unset,
        help="read the schema from a snapshot file instead of the database",
    )
    group.add_argument(
        "--debug", action="store_true", default=unset, help="show tracebacks and debug logs"
    )
    return parent


def _build_parser() -> argparse.ArgumentParser:
    common = _global_options()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check Python ORM models against a database schema, render the "
        "migration, snapshot the schema, and generate code from it.",
        parents=[common],
        epilog="exit status: 0 success, 1 differences (check, diff), 2 error. "
        "The URL may also come from "
        "SCHEMA_LSP_DATABASE_URL or [tool.schema-lsp] database_url in pyproject.toml.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    inspect = commands.add_parser(
        "inspect", parents=[common], help="summarise the database, or show one table"
    )
    inspect.add_argument("table", nargs="?", metavar="TABLE", help="table or view (schema.name)")
    inspect.set_defaults(run=_inspect)

    snapshot = commands.add_parser(
        "snapshot", parents=[common], help="write the schema as snapshot JSON"
    )
    snapshot.add_argument(
        "-o", "--output", metavar="FILE", default="-", help="file to write, - for stdout"
    )
    snapshot.set_defaults(run=_snapshot)

    generate = commands.add_parser("generate", parents=[common], help="generate Python code")
    kinds = generate.add_subparsers(dest="kind", metavar="KIND", required=True)
    entity = kinds.add_parser(
        "entity", parents=[common], help="SQLAlchemy 2.0 declarative classes for tables"
    )
    entity.add_argument("tables", nargs="+", metavar="TABLE", help="table (schema.name)")
    entity.add_argument("-o", "--output", metavar="FILE", default="-", help="default: stdout")
    entity.set_defaults(run=_generate_entity)
    types = kinds.add_parser(
        "types", parents=[common], help="TypedDict row types for every table and view"
    )
    types.add_argument("-o", "--output", metavar="FILE", default="-", help="default: stdout")
    types.set_defaults(run=_generate_types)

    compared = argparse.ArgumentParser(add_help=False)
    compared.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="model files or folders (default: the entities globs of [tool.schema-lsp])",
    )
    compared.add_argument(
        "--unmapped-tables", action="store_true", help="also list tables that have no entity"
    )
    compared.add_argument("--comments", action="store_true", help="also compare comments")
    compared.add_argument("--checks", action="store_true", help="also compare CHECK constraints")

    check = commands.add_parser(
        "check",
        parents=[common, compared],
        help="compare the models with the database (exit 1 on differences)",
    )
    check.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="default: text"
    )
    check.set_defaults(run=_check)

    diff = commands.add_parser(
        "diff",
        parents=[common, compared],
        help="print the migration that makes the database match the models",
    )
    kind = diff.add_mutually_exclusive_group()
    kind.add_argument("--sql", action="store_true", help="SQL for the database (the default)")
    kind.add_argument("--alembic", action="store_true", help="an Alembic revision file")
    diff.add_argument(
        "--allow-data-loss",
        "--include-drops",
        dest="allow_data_loss",
        action="store_true",
        help="also emit the steps that can lose data: drop columns and tables the models "
        "lack, narrow types, make NULL columns NOT NULL (each after a warning comment with "
        "a query counting the rows it touches); --include-drops is its older name",
    )
    diff.add_argument(
        "-m", "--message", default="match the models", help="the Alembic revision message"
    )
    diff.add_argument("-o", "--output", metavar="FILE", default="-", help="default: stdout")
    diff.set_defaults(run=_diff)

    serve = commands.add_parser(
        "serve",
        help="run the language server (stdio; --tcp HOST:PORT)",
        description="Run the language server. Settings come from the editor "
        "(workspace/configuration section schemaLsp, then initializationOptions), then each "
        "folder's [tool.schema-lsp], then SCHEMA_LSP_DATABASE_URL.",
    )
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="debug logs on stderr"
    )
    return parser


def _serve(args: argparse.Namespace, debug: bool) -> int:
    """``schema-lsp serve``: settings are read per workspace folder once the editor has
    connected, so nothing here touches the database or SQLAlchemy (fast ``initialize``)."""
    from .server import serve

    tcp = args.tcp
    if tcp is not None and not tcp.rpartition(":")[2].isdigit():
        print(f"{PROG}: error: --tcp expects HOST:PORT, got {tcp!r}", file=sys.stderr)
        return EXIT_ERROR
    return serve(tcp, debug=debug)
