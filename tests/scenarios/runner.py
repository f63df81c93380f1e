"""Runs a scenario on a real database: builds the database, parses the models statically,
compares, and asks Alembic (the independent oracle) the same question.

Only the test imports the models (to build the database and to give Alembic its MetaData);
the product under test never does.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlalchemy as sa

from schema_lsp.diff import SchemaDifference, compare
from schema_lsp.entities import parse_entities
from schema_lsp.introspect import introspect_database

from .scenario import ALL, APP, Scenario

Fact = tuple[str, str, str | None]  # (our kind, table key, subject)

_COLUMN_KINDS = {
    "column_missing",
    "column_unmapped",
    "type",
    "nullable",
    "server_default",
    "computed",
}
_OBJECT_KINDS = {
    "index_missing",
    "index_unmapped",
    "index_changed",
    "unique_missing",
    "unique_unmapped",
    "foreign_key_missing",
    "foreign_key_unmapped",
    "foreign_key_changed",
    "check_missing",
    "check_unmapped",
}
#: Our kinds Alembic has no operation for: never part of the comparison.
#: not_checked / type_not_compared / schema_not_read / name (SL190) are notes, not changes;
#: Alembic has no op for primary key or autoincrement changes.
_ALEMBIC_BLIND = {
    "not_checked",
    "type_not_compared",
    "schema_not_read",
    "name",
    "primary_key",
    "autoincrement",
}
_counter = itertools.count()


@dataclass
class Outcome:
    """What one run produced: our differences (as comparable rows) and the oracle's facts."""

    differences: list[SchemaDifference]
    rows: Counter[tuple[str, str, str | None, int | str | None]]
    ours: Counter[Fact]
    alembic: Counter[Fact]
    alembic_raw: list[Any]
    alembic_error: Exception | None = None
    app: str | None = None  # the second schema's name on this server


def app_schema(dialect: str, database_url: str) -> str | None:
    """The second schema's name on this server (None: the dialect has none here)."""
    if dialect == "postgresql":
        return "app"
    if dialect == "mysql":
        return f"{sa.make_url(database_url).database}_app"
    return None


def database_for(scenario: Scenario, dialect: str, request: Any) -> Any:
    """The emptied database a scenario runs on for ``dialect`` (``conftest``'s scenario
    fixtures), or a pytest skip saying why the story does not run there."""
    import pytest

    from tests.conftest import SCENARIO_FIXTURES

    skip = scenario.skip_on.get(dialect) or scenario.skip_on.get(ALL)
    if skip:
        pytest.skip(skip)
    for module in scenario.needs:
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed (it belongs in the dev extra)")
    db = request.getfixturevalue(SCENARIO_FIXTURES[dialect])
    if APP in scenario.models and app_schema(dialect, db.url) is None:
        pytest.skip(f"{dialect}: no second schema in this test setup")
    return db


def run(scenario: Scenario, db: Any, workdir: Path) -> Outcome:
    app = app_schema(db.dialect, db.url)
    substitute = (lambda text: text.replace(APP, app)) if app else (lambda text: text)
    models_path = workdir / f"models_{scenario.name}.py"
    models_path.write_text(substitute(scenario.source()))
    _write_files(workdir, scenario.file_sources(), substitute)

    if scenario.database.create_all or scenario.database.statements("before", db.dialect):
        _prepare_schema(db, scenario, app)
    db.execute(*(substitute(s) for s in scenario.database.statements("before", db.dialect)))
    if scenario.database.create_all:
        variant = workdir / "database"
        variant.mkdir()
        database_path = variant / f"database_{scenario.name}.py"
        database_path.write_text(substitute(scenario.database_source()))
        _write_files(variant, scenario.file_sources(database=True), substitute)
        with _compilers_restored():
            for metadata in _metadatas(_import(database_path, scenario)):
                metadata.create_all(db.engine)
    db.execute(*(substitute(s) for s in scenario.database.statements("after", db.dialect)))

    schemas = [substitute(s) if s else s for s in scenario.schemas]
    paths = [models_path, *(workdir / name for name in scenario.files if scenario.files_given)]
    entities = parse_entities(paths, roots=[workdir])
    database = introspect_database(db.url, schemas=schemas)
    differences = compare(entities, database, scenario.options)
    rows = Counter((d.code, d.table, d.column or d.name, _where(d, workdir)) for d in differences)

    error: Exception | None = None
    raw: list[Any] = []
    with _compilers_restored():
        module = _import(models_path, scenario)
        try:
            raw = _alembic_diffs(db.engine, _metadatas(module), schemas, database.default_schema)
        except Exception as exc:  # the oracle's own bugs: the test decides if it was expected
            error = exc
    return Outcome(
        differences,
        rows,
        Counter(_our_facts(differences, scenario)),
        Counter(_alembic_facts(raw, database.default_schema, scenario)),
        raw,
        error,
        app,
    )


@contextmanager
def _compilers_restored() -> Iterator[None]:
    """Undo the ``@compiles`` registrations importing a scenario's models makes on
    SQLAlchemy's own classes (``DateTime``, ``now``): they are process-wide, and the product
    never imports models, so nothing after the import may compile with them."""
    from sqlalchemy.sql.visitors import Visitable

    def every_class() -> list[type]:
        found: list[type] = []
        pending: list[type] = [Visitable]
        while pending:
            klass = pending.pop()
            found.append(klass)
            pending.extend(klass.__subclasses__())
        return found

    before = {
        klass: klass.__dict__.get("_compiler_dispatch")
        for klass in every_class()
        if "_compiler_dispatcher" not in klass.__dict__
    }
    try:
        yield
    finally:
        for klass, dispatch in before.items():
            if "_compiler_dispatcher" not in klass.__dict__:
                continue
            delattr(klass, "_compiler_dispatcher")
            if dispatch is None:
                delattr(klass, "_compiler_dispatch")
            else:
                klass._compiler_dispatch = dispatch  # type: ignore[attr-defined]


def _where(difference: SchemaDifference, workdir: Path) -> int | str | None:
    """The 1-based line; ``"file.py:line"`` when it is in another file of the scenario."""
    if difference.range is None or difference.path is None:
        return None
    path = Path(difference.path)
    if path.name.startswith("models_") and path.parent == workdir:
        return difference.line
    return f"{path.relative_to(workdir).as_posix()}:{difference.line}"


def _write_files(root: Path, files: dict[str, str], substitute: Any) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(substitute(text))
        for package in target.relative_to(root).parents:
            if package != Path("."):
                (root / package / "__init__.py").touch()


def _prepare_schema(db: Any, scenario: Scenario, app: str | None) -> None:
    if app is None or (APP not in scenario.models and not any(scenario.schemas)):
        return
    if db.dialect == "postgresql":
        db.execute(f"CREATE SCHEMA {app}")
    else:
        db.execute(f"CREATE DATABASE {app}")


def _import(path: Path, scenario: Scenario) -> ModuleType:
    """Import a models file under a unique name (tests only: the product never imports)."""
    if "sqlmodel" in scenario.needs:
        from sqlmodel import SQLModel  # type: ignore[import-not-found,unused-ignore]

        SQLModel.metadata.clear()  # one global MetaData: forget the previous scenario's
    name = f"_scenario_{path.stem}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    # The scenario's other files import as top-level modules from the file's folder;
    # forget them afterwards so the database variant and the models get their own copies.
    tops = {Path(f).parts[0].removesuffix(".py") for f in scenario.files}
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
        sys.path.remove(str(path.parent))
        for loaded in list(sys.modules):
            if loaded.split(".")[0] in tops:
                del sys.modules[loaded]
    return module


def _metadatas(module: ModuleType) -> list[sa.MetaData]:
    """Every MetaData the module's names lead to (a MetaData, a Base, a mapped class)."""
    found: dict[int, sa.MetaData] = {}
    for value in vars(module).values():
        candidate = value if isinstance(value, sa.MetaData) else getattr(value, "metadata", None)
        if isinstance(candidate, sa.MetaData) and candidate.tables:
            found[id(candidate)] = candidate
    assert found, f"{module.__name__}: no MetaData with tables"
    return list(found.values())


def _alembic_diffs(
    engine: sa.Engine,
    metadatas: list[sa.MetaData],
    schemas: list[str | None],
    default_schema: str | None,
) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    wanted = {default_schema if s is None else s for s in schemas}

    def include_name(name: str | None, type_: str, parent: dict[str, Any]) -> bool:
        if type_ == "schema":
            return name is None or name in wanted
        return True

    opts: dict[str, Any] = {
        "compare_type": True,
        "compare_server_default": True,
        "include_schemas": len(schemas) > 1,
        "include_name": include_name,
    }
    with engine.connect() as connection, warnings.catch_warnings():
        # Alembic's and SQLAlchemy's reflection warnings (expression indexes, unknown
        # types) are the oracle's business; its answers are checked, not its chatter.
        warnings.simplefilter("ignore")
        context = MigrationContext.configure(connection, opts=opts)
        target = metadatas[0] if len(metadatas) == 1 else metadatas
        return list(compare_metadata(context, target))  # type: ignore[arg-type]


def _key(schema: str | None, name: str, default_schema: str | None) -> str:
    return f"{schema}.{name}" if schema and schema != default_schema else name


def _our_facts(differences: Iterable[SchemaDifference], scenario: Scenario) -> Iterable[Fact]:
    for d in differences:
        if d.kind in _ALEMBIC_BLIND:
            continue
        if d.kind == "comment" or d.kind == "table_unmapped" or d.kind in _COLUMN_KINDS:
            yield (d.kind, d.table, d.column)
        elif d.kind.startswith("check_"):
            yield (d.kind, d.table, None)
        elif d.kind in _OBJECT_KINDS:
            obj: Any = d.declared if d.declared is not None else d.actual
            yield (d.kind, d.table, ",".join(obj.columns) if obj is not None else None)
        else:
            yield (d.kind, d.table, None)


def _alembic_facts(raw: list[Any], default_schema: str | None, scenario: Scenario) -> list[Fact]:
    """Alembic's ops in our vocabulary; a remove+add of the same index name or of a foreign
    key on the same columns is one "changed" (that is how Alembic spells a change)."""
    facts: list[Fact] = []
    added_index: dict[tuple[str, str], Fact] = {}
    removed_index: dict[tuple[str, str], Fact] = {}
    added_fk: dict[tuple[str, str], Fact] = {}
    removed_fk: dict[tuple[str, str], Fact] = {}
    for item in raw:
        if isinstance(item, list):
            for op, schema, table, column, *_ in item:
                kind = {
                    "modify_type": "type",
                    "modify_nullable": "nullable",
                    "modify_default": "server_default",
                    "modify_comment": "comment",
                }[op]
                if kind == "comment" and not scenario.options.comments:
                    continue  # our comments are opt-in
                facts.append((kind, _key(schema, table, default_schema), column))
            continue
        op = item[0]
        if op in ("add_table", "remove_table"):
            table = item[1]
            key = _key(table.schema, table.name, default_schema)
            if op == "remove_table" and not scenario.options.unmapped_tables:
                continue  # tables without entities are reported on request only
            facts.append(("table_missing" if op == "add_table" else "table_unmapped", key, None))
        elif op in ("add_column", "remove_column"):
            _, schema, table, column = item
            kind = "column_missing" if op == "add_column" else "column_unmapped"
            facts.append((kind, _key(schema, table, default_schema), column.name))
        elif op in ("add_index", "remove_index"):
            index = item[1]
            table = _key(index.table.schema, index.table.name, default_schema)
            columns = ",".join(
                c.name if isinstance(c, sa.Column) else str(c) for c in index.expressions
            )
            bucket = added_index if op == "add_index" else removed_index
            bucket[(table, str(index.name))] = (
                "index_missing" if op == "add_index" else "index_unmapped",
                table,
                columns,
            )
        elif op in ("add_constraint", "remove_constraint"):
            constraint = item[1]
            table = _key(constraint.table.schema, constraint.table.name, default_schema)
            family = "check" if isinstance(constraint, sa.CheckConstraint) else "unique"
            if family == "check" and not scenario.options.check_constraints:
                continue  # our check comparison is opt-in
            kind = f"{family}_missing" if op == "add_constraint" else f"{family}_unmapped"
            subject = ",".join(c.name for c in constraint.columns) if family == "unique" else None
            facts.append((kind, table, subject))
        elif op in ("add_fk", "remove_fk"):
            fk = item[1]
            table = _key(fk.table.schema, fk.table.name, default_schema)
            columns = ",".join(c.name for c in fk.columns)
            bucket = added_fk if op == "add_fk" else removed_fk
            kind = "foreign_key_missing" if op == "add_fk" else "foreign_key_unmapped"
            bucket[(table, columns)] = (kind, table, columns)
        elif op in ("add_table_comment", "remove_table_comment"):
            if scenario.options.comments:
                table = item[1]
                facts.append(("comment", _key(table.schema, table.name, default_schema), None))
        else:
            raise AssertionError(f"unmapped Alembic op {op}: {item!r}")
    pairs = (
        (added_index, removed_index, "index_changed"),
        (added_fk, removed_fk, "foreign_key_changed"),
    )
    for added, removed, changed in pairs:
        for pair_key, fact in added.items():
            if pair_key in removed:
                del removed[pair_key]
                facts.append((changed, fact[1], fact[2]))
            else:
                facts.append(fact)
        facts.extend(removed.values())
    return facts
