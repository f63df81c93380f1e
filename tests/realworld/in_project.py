"""Run by the refresh script with a project's own Python (never by the tests): import the
project's models and say what they are.

Usage: ``python in_project.py '<json spec>'``. The spec has ``modules`` (imported so every
table is defined), ``metadata`` (``module:expression``, evaluated in that module; usually an
attribute path such as ``Base.metadata``) and ``urls`` (dialect -> URL of an empty scratch
database). Prints one JSON object: versions, the model files and the ground truth for
locations (see ``tests/realworld/snapshot.py``), and per dialect the exact DDL statements
``metadata.create_all`` sent to that database (DDL only, with the driver parameters, so the
tests can replay them verbatim without the project installed).

Only the standard library, SQLAlchemy and the project are imported here.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import json
import re
import sys
import sysconfig
import warnings
from pathlib import Path
from typing import Any

SITE = Path(sysconfig.get_paths()["purelib"]).resolve()


def _resolve(target: str) -> Any:
    module_name, _, expression = target.partition(":")
    module = importlib.import_module(module_name)
    return eval(expression, vars(module))  # the project's own spec, written here


def _indexes_without_columns(metadata: Any) -> None:
    for table in metadata.tables.values():
        for index in [i for i in table.indexes if not i.expressions]:
            table.indexes.discard(index)


def _duplicate_column_indexes(metadata: Any) -> None:
    """Drop an ``index=True`` index when an explicit ``Index`` has the same name."""
    for table in metadata.tables.values():
        explicit = {i.name for i in table.indexes if not getattr(i, "_column_flag", False)}
        for index in list(table.indexes):
            if getattr(index, "_column_flag", False) and index.name in explicit:
                table.indexes.discard(index)


#: Changes to a project's MetaData before ``create_all``, where its own fails.
FIXES = {
    "indexes_without_columns": _indexes_without_columns,
    "duplicate_column_indexes": _duplicate_column_indexes,
}


def _mappers(metadata: Any) -> list[Any]:
    """Mappers of every registry whose tables are in ``metadata``."""
    from sqlalchemy.orm import mapperlib

    registries = list(getattr(mapperlib, "_mapper_registries", ()))
    found = [m for r in registries for m in r.mappers]
    return [m for m in found if m.local_table is not None and m.local_table.metadata is metadata]


def _relative(path: str | Path | None) -> str | None:
    if not path:
        return None
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(SITE).as_posix()
    except ValueError:
        return None  # not an installed file (a built-in, a generated class)


# -- ast helpers ---------------------------------------------------------------------------

_TREES: dict[str, ast.Module | None] = {}


def _tree(relative: str) -> ast.Module | None:
    if relative not in _TREES:
        try:
            _TREES[relative] = ast.parse((SITE / relative).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            _TREES[relative] = None
    return _TREES[relative]


def _called(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _calls(node: ast.AST, *names: str) -> list[ast.Call]:
    found = [n for n in ast.walk(node) if isinstance(n, ast.Call) and _called(n) in names]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def _identifier(node: ast.expr) -> str | None:
    """``"a"``, ``a``, ``cls.a``, ``table.c.a`` -> ``a``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _class_node(relative: str, qualname: str) -> ast.ClassDef | None:
    tree = _tree(relative)
    if tree is None:
        return None

    def visit(body: list[ast.stmt], prefix: str) -> ast.ClassDef | None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                name = f"{prefix}{node.name}"
                if name == qualname:
                    return node
                found = visit(node.body, f"{name}.")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found = visit(node.body, f"{prefix}{node.name}.<locals>.")
            elif isinstance(node, ast.If | ast.Try | ast.With):
                inner = list(node.body) + list(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    inner += handler.body
                found = visit(inner, prefix)
            else:
                continue
            if found is not None:
                return found
        return None

    return visit(tree.body, "")


def _class_statements(node: ast.ClassDef) -> list[ast.stmt]:
    """The class body, with the bodies of ``if``/``try`` at class level."""
    statements: list[ast.stmt] = []
    pending = list(node.body)
    while pending:
        statement = pending.pop(0)
        statements.append(statement)
        if isinstance(statement, ast.If | ast.Try):
            pending[:0] = [*statement.body, *statement.orelse]
    return statements


def _attribute(node: ast.ClassDef, key: str) -> ast.AST | None:
    """The statement assigning ``key`` in a class body (or its ``declared_attr`` def): the
    last one, as Python keeps the last."""
    found: ast.AST | None = None
    for statement in _class_statements(node):
        if isinstance(statement, ast.Assign):
            targets = [t for t in statement.targets if isinstance(t, ast.Name)]
            if any(t.id == key for t in targets):
                found = statement
        elif isinstance(statement, ast.AnnAssign):
            if isinstance(statement.target, ast.Name) and statement.target.id == key:
                found = statement
        elif isinstance(statement, ast.FunctionDef) and statement.name == key:
            found = statement
    return found


def _target_line(statement: ast.AST) -> int:
    if isinstance(statement, ast.Assign):
        return statement.targets[0].lineno
    if isinstance(statement, ast.AnnAssign):
        return statement.target.lineno
    return statement.lineno  # type: ignore[attr-defined]


# -- ground truth ----------------------------------------------------------------------------


class Located:
    """Where something is declared: its file (relative to the install root), 1-based line,
    and the ast node (to look inside it for a ForeignKey)."""

    def __init__(self, file: str, line: int, node: ast.AST | None) -> None:
        self.file, self.line, self.node = file, line, node

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def _class_location(cls: type) -> tuple[str, ast.ClassDef] | None:
    module = sys.modules.get(cls.__module__)
    relative = _relative(getattr(module, "__file__", None))
    if relative is None:
        return None
    node = _class_node(relative, cls.__qualname__)
    return (relative, node) if node is not None else None


def _table_calls(files: list[str], name: str) -> list[tuple[str, ast.Call]]:
    found = []
    for relative in files:
        tree = _tree(relative)
        if tree is not None:
            found += [(relative, c) for c in _calls(tree, "Table") if _first_string(c) == name]
    return found


def _is_declarative(cls: type) -> bool:
    try:
        if getattr(cls, "__tablename__", None) is not None:
            return True
    except Exception:
        pass
    location = _class_location(cls)
    return location is not None and _attribute(location[1], "__table__") is not None


def _table_calls_by_columns(files: list[str], table: Any) -> list[tuple[str, ast.Call]]:
    """``Table(name_variable, ...)`` calls whose ``Column("name"`` set is the table's."""
    wanted = {c.name for c in table.columns}
    found = []
    for relative in files:
        tree = _tree(relative)
        for call in _calls(tree, "Table") if tree is not None else []:
            names = {_first_string(c) for c in _calls(call, "Column")}
            if call.args and names == wanted:
                found.append((relative, call))
    return found if len(found) == 1 else []


class TableTruth:
    def __init__(self, table: Any, mapper: Any, files: list[str], others: list[Any]) -> None:
        self.table, self.mapper, self.files = table, mapper, files
        self.others = others  # further mappers of this table (subclasses), to search last
        self.declaration: Located | None = None  # the class or the Table(...) call
        self.mro: list[tuple[str, ast.ClassDef]] = []
        self.table_call: tuple[str, ast.Call] | None = None
        if mapper is not None and _is_declarative(mapper.class_):
            for cls in mapper.class_.__mro__:
                if cls is not object and (location := _class_location(cls)) is not None:
                    self.mro.append(location)
        # A declarative class has a ``__tablename__`` (written, computed or given by its
        # base) or assigns ``__table__`` itself; an imperative mapping (``map_imperatively``
        # of a ``Table``) has neither: the Table declares the table.
        declarative = mapper is not None and _is_declarative(mapper.class_)
        own = _class_location(mapper.class_) if declarative else None
        if own is not None:
            file, node = own
            if _attribute(node, "__table__") is not None:
                inside = [c for c in _calls(node, "Table") if _first_string(c) == table.name]
                if inside:
                    self.table_call = (file, inside[0])
            if self.table_call is None:
                self.declaration = Located(file, node.lineno, node)
        if self.declaration is None and self.table_call is None:
            calls = _table_calls(files, table.name) or _table_calls_by_columns(files, table)
            if calls:
                self.table_call = calls[0]
        if self.table_call is not None:
            file, call = self.table_call
            self.declaration = Located(file, call.args[0].lineno, call)

    def column(self, column: Any) -> Located | None:
        if self.mro and self.table_call is None:
            prop = self.mapper._columntoproperty.get(column)
            key = getattr(prop, "key", None) or column.key
            for file, node in self.mro:
                statement = _attribute(node, key)
                if statement is not None:
                    return Located(file, _target_line(statement), statement)
            for other in self.others:
                location = _class_location(other.class_)
                statement = _attribute(location[1], column.key) if location else None
                if location is not None and statement is not None:
                    return Located(location[0], _target_line(statement), statement)
        if self.declaration is not None and self.declaration.node is not None:
            for call in _calls(self.declaration.node, "Column", "mapped_column"):
                if _first_string(call) == column.name:
                    return Located(self.declaration.file, call.args[0].lineno, call)
        return None

    def _scopes(self) -> list[tuple[str, ast.AST]]:
        """Where table-level objects of this table are written: the class bodies (their
        ``__table_args__``), the ``Table(...)`` call, then the model files."""
        scopes: list[tuple[str, ast.AST]] = list(self.mro)
        if self.table_call is not None:
            scopes.insert(0, self.table_call)
        return scopes

    def index(self, index: Any, columns: dict[str, Located | None]) -> Located | None:
        if getattr(index, "_column_flag", False) and len(index.columns) == 1:
            return columns.get(next(iter(index.columns)).name)
        scopes = self._scopes()
        wide = [(f, t) for f in [*dict.fromkeys(s[0] for s in scopes), *self.files]
                if (t := _tree(f)) is not None]  # fmt: skip
        for file, scope in [*scopes, *wide]:
            for call in _calls(scope, "Index"):
                if index.name is not None and _first_string(call) == index.name:
                    return Located(file, call.lineno, call)
        wanted = [c.name for c in index.columns]
        keys = [c.key for c in index.columns]
        for file, scope in scopes:
            matches = [
                call
                for call in _calls(scope, "Index")
                if [_identifier(a) for a in call.args[1:]] in (wanted, keys)
            ]
            if len(matches) == 1:
                return Located(file, matches[0].lineno, matches[0])
        return None

    def foreign_key(self, constraint: Any, columns: dict[str, Located | None]) -> Located | None:
        names = [c.name for c in constraint.columns]
        column = columns.get(names[0]) if len(names) == 1 else None
        if column is not None and column.node is not None:
            calls = _calls(column.node, "ForeignKey")
            if calls:
                return Located(column.file, calls[0].lineno, calls[0])
        for file, scope in self._scopes():
            for call in _calls(scope, "ForeignKeyConstraint"):
                first = call.args[0] if call.args else None
                elements = first.elts if isinstance(first, ast.List | ast.Tuple) else []
                if [_identifier(e) for e in elements] == names:
                    return Located(file, call.lineno, call)
        if len(names) == 1:
            return columns.get(names[0])
        return None


def _declaring_mapper(table: Any, mappers: list[Any]) -> Any:
    candidates = [
        m
        for m in mappers
        if m.local_table is table and (m.inherits is None or m.inherits.local_table is not table)
    ]
    candidates.sort(key=lambda m: "__tablename__" not in m.class_.__dict__)
    return candidates[0] if candidates else None


def _text(location: Located | None) -> str | None:
    return str(location) if location is not None else None


def ground_truth(metadata: Any, mappers: list[Any], files: list[str]) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for key, table in sorted(metadata.tables.items()):
        declaring = _declaring_mapper(table, mappers)
        others = [m for m in mappers if m.local_table is table and m is not declaring]
        others.sort(key=lambda m: m.class_.__qualname__)
        truth = TableTruth(table, declaring, files, others)
        columns = {c.name: truth.column(c) for c in table.columns}
        indexes = {
            i.name: _text(truth.index(i, columns))
            for i in sorted(table.indexes, key=lambda i: str(i.name))
            if i.name is not None
        }
        keys: dict[str, str | None] = {}
        for constraint in sorted(
            table.foreign_key_constraints, key=lambda c: [col.name for col in c.columns]
        ):
            name = ",".join(c.name for c in constraint.columns)
            keys.setdefault(name, _text(truth.foreign_key(constraint, columns)))
        tables[key] = {
            "at": _text(truth.declaration),
            "columns": {name: _text(location) for name, location in columns.items()},
            "indexes": indexes,
            "foreign_keys": keys,
        }
    return tables


# -- DDL -------------------------------------------------------------------------------------


def _json_parameters(parameters: Any) -> Any:
    if parameters is None:
        return None
    if isinstance(parameters, dict):
        return {str(k): v for k, v in parameters.items()}
    return list(parameters)


def _kind(statement: list[Any]) -> str | None:
    """Statements that may run in any order among their neighbours of the same kind."""
    text = " ".join(statement[0].split()).upper()
    if text.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
        return "index"
    if text.startswith("ALTER TABLE") and " ADD CONSTRAINT " in text and "FOREIGN KEY" in text:
        return "foreign key"
    return None


def canonical(statements: list[list[Any]]) -> list[list[Any]]:
    """A table's indexes, and the foreign keys added after the tables of a cycle, come out
    of sets, in an order that changes between runs: sort each run of consecutive statements
    of one of those kinds (they never depend on each other), so that a snapshot changes
    only when the DDL does."""
    ordered: list[list[Any]] = []
    run: list[list[Any]] = []
    for statement in [*statements, ["", None]]:
        if run and _kind(statement) == _kind(run[0]):
            run.append(statement)
            continue
        ordered += sorted(run, key=lambda s: s[0])
        run = [statement] if _kind(statement) else []
        if not run:
            ordered.append(statement)
    return _schemas_sorted(ordered[:-1])


def _schemas_sorted(statements: list[list[Any]]) -> list[list[Any]]:
    """A listener that makes the schemas of the tables (Indico's ``before_create``) walks
    them in a set's order, with the functions it puts in them: in each run of ``CREATE
    SCHEMA`` and ``CREATE FUNCTION`` statements, the schemas sorted, then the functions
    sorted (a function needs only its schema)."""

    def kind(statement: list[Any]) -> str | None:
        text = " ".join(str(statement[0]).split()).upper()
        if text.startswith("CREATE SCHEMA "):
            return "schema"
        return (
            "function"
            if text.startswith(("CREATE FUNCTION ", "CREATE OR REPLACE FUNCTION "))
            else None
        )

    ordered: list[list[Any]] = []
    run: list[list[Any]] = []
    for statement in [*statements, ["", None]]:
        if kind(statement) is not None:
            run.append(statement)
            continue
        if any(kind(s) == "schema" for s in run):
            run = sorted(run, key=lambda s: (kind(s) == "function", str(s[0])))
        ordered += run
        run = []
        ordered.append(statement)
    return ordered[:-1]


def _engine(url: str) -> Any:
    """An engine without a pool; SQLAlchemy 1.4 (Indico's) has no psycopg 3 dialect, so
    its projects connect through psycopg2 (installed beside them)."""
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    if sa.__version__.startswith("1.") and url.startswith("postgresql+psycopg:"):
        url = "postgresql+psycopg2:" + url.removeprefix("postgresql+psycopg:")
    return sa.create_engine(url, poolclass=NullPool)


def create_all(metadata: Any, url: str, setup: list[str]) -> list[list[Any]]:
    """``metadata.create_all`` on an empty database (after the ``setup`` SQL); the
    statements it ran (setup and DDL), as ``[statement, parameters]``."""
    import sqlalchemy as sa

    statements: list[list[Any]] = [[statement, None] for statement in setup]

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if context is not None and context.isddl:
            statements.append([statement, _json_parameters(parameters)])

    engine = _engine(url)
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.begin() as connection:
            for statement in setup:
                connection.exec_driver_sql(statement)
        metadata.create_all(engine)
    finally:
        engine.dispose()
    return canonical(statements)


def _is_table(value: Any) -> bool:
    import sqlalchemy as sa

    return isinstance(value, sa.Table)


def _distributions(files: list[str]) -> dict[str, str]:
    """The installed distributions that ship ``files``: name -> version."""
    owners = importlib.metadata.packages_distributions()
    shipped: dict[str, set[str]] = {}  # distribution -> its files (from its RECORD)
    found: dict[str, str] = {}
    for relative in files:
        top = relative.split("/")[0].removesuffix(".py")
        for name in owners.get(top, []):
            if name not in shipped:
                listed = importlib.metadata.files(name) or []
                shipped[name] = {path.as_posix() for path in listed}
            if relative in shipped[name]:  # a namespace package has several owners
                found[re.sub(r"[-_.]+", "-", name).lower()] = importlib.metadata.version(name)
    return found


#: Packages the checker models itself: never among the sources it is given.
_MODELLED = ("sqlalchemy", "sqlmodel", "flask_sqlalchemy", "sqlalchemy_utils", "pydantic")


def _used_files(modules: list[Any], mappers: list[Any], metadata: Any) -> set[str]:
    """The files of what the models use, as a user's environment has them installed:
    every class in a mapped class's MRO (bases, mixins), each column's type class, and
    the classes, functions and modules the model modules import."""
    import inspect

    objects: list[Any] = []
    for mapper in mappers:
        objects.extend(mapper.class_.__mro__)
    for table in metadata.tables.values():
        objects.extend(type(column.type) for column in table.columns)
    for module in modules:
        objects.extend(
            value
            for value in vars(module).values()
            if inspect.isclass(value) or inspect.isfunction(value) or inspect.ismodule(value)
        )
    found: set[str] = set()
    for value in objects:
        try:
            path = inspect.getsourcefile(value)
        except (TypeError, OSError):
            continue
        relative = _relative(path)
        if relative is not None and not relative.startswith(_MODELLED):
            found.add(relative)
    return found


def _add_paths(spec: dict[str, Any]) -> None:
    for folder in reversed(spec.get("paths", ())):
        sys.path.insert(0, str(SITE / folder))


def alembic(spec: dict[str, Any]) -> None:
    """What the refresh script times as Alembic's whole process: import the models and run
    ``compare_metadata`` against ``spec["url"]``; prints the number of differences."""
    _add_paths(spec)
    for name in spec["modules"]:
        importlib.import_module(name)
    metadata = _resolve(spec["metadata"])
    for fix in spec.get("fixes", ()):
        FIXES[fix](metadata)
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = _engine(spec["url"])
    try:
        with engine.connect() as connection:
            found = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    print(json.dumps({"differences": len(found)}))


def main() -> None:
    if sys.argv[1] == "--alembic":
        warnings.simplefilter("ignore")
        alembic(json.loads(sys.argv[2]))
        return
    spec = json.loads(sys.argv[1])
    warnings.simplefilter("ignore")
    _add_paths(spec)
    import sqlalchemy as sa

    modules = [importlib.import_module(name) for name in spec["modules"]]
    metadata = _resolve(spec["metadata"])
    for fix in spec.get("fixes", ()):
        FIXES[fix](metadata)
    mappers = _mappers(metadata)
    files: set[str | None] = {_relative(getattr(module, "__file__", None)) for module in modules}
    for mapper in mappers:
        defining = sys.modules.get(mapper.class_.__module__)
        files.add(_relative(getattr(defining, "__file__", None)))
    tables = set(metadata.tables.values())
    for module in list(sys.modules.values()):  # where imperative tables are assigned
        relative = _relative(getattr(module, "__file__", None))
        if relative is not None and relative not in files:
            try:
                if any(value in tables for value in vars(module).values() if _is_table(value)):
                    files.add(relative)
            except Exception:  # a module whose namespace is unusual
                continue
    model_files = sorted(f for f in files if f is not None)
    model_modules = [
        m for m in list(sys.modules.values()) if _relative(getattr(m, "__file__", None)) in files
    ]
    truth = ground_truth(metadata, mappers, model_files)
    declared_in = {
        location.rpartition(":")[0]
        for table in truth.values()
        for group in (table["columns"], table["indexes"], table["foreign_keys"])
        for location in [table["at"], *group.values()]
        if location
    }
    setup = spec.get("setup", [])
    ddl = {
        dialect: create_all(metadata, url, [sql for d, sql in setup if d == dialect])
        for dialect, url in spec["urls"].items()
    }
    print(
        json.dumps(
            {
                "sqlalchemy": sa.__version__,
                "python": ".".join(map(str, sys.version_info[:2])),
                "distributions": _distributions(
                    [*model_files, *declared_in, *_used_files(model_modules, mappers, metadata)]
                ),
                "model_files": model_files,
                "tables": truth,
                "ddl": ddl,
            }
        )
    )


if __name__ == "__main__":
    main()
