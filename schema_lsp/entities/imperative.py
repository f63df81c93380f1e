"""Imperative tables: ``name = Table("t", metadata, Column(...), Index(...), schema=...)``
at module level or as class attributes (a namespace class), through forwarding wrappers
too, plus standalone ``Index("ix", name.c.col)`` statements next to them."""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass, field

from .bases import MetadataInfo, read_metadata
from .columns import (
    Argument,
    ColumnCall,
    ColumnContext,
    build_column,
    literal_string,
    read_call,
    written_call,
)
from .constraints import constraint_kind, read_table_item
from .model import Note
from .resolve import Definition, External
from .source import ParsedFile
from .tables import TableDraft
from .values import Unresolvable, bind_target, iterate, with_constants
from .wrappers import sqlalchemy_callee


@dataclass
class Scope:
    """Statements of a module or a class body, with the names they assign there."""

    statements: list[ast.stmt]
    names: dict[str, ast.expr] = field(default_factory=dict)


def tables_made_in_functions(
    context: ColumnContext, file: ParsedFile, is_table: dict[str, bool]
) -> list[Note]:
    """``Table(...)`` calls inside functions and methods: made when the code runs, with
    names and columns the parser cannot know; each is said, never silently skipped."""
    notes: list[Note] = []
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef)
    functions = [s for s in file.statements if isinstance(s, kinds)]
    for statement in file.statements:
        if isinstance(statement, ast.ClassDef):
            functions.extend(s for s in statement.body if isinstance(s, kinds))
    for function in functions:
        lines = file.lines[function.lineno - 1 : function.end_lineno]
        if not any("Table(" in line or "type(" in line for line in lines):
            continue  # the common case, without walking the body
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            if _maps_a_class(context, file, node):
                message = (
                    f"not checked: a mapped class made by type() when {function.name}() runs "
                    "(its table is known only then)"
                )
                notes.append(Note(message, file.range(node)))
                continue
            callee = file.text(node.func)
            if callee.rpartition(".")[2] != "Table":
                continue
            if callee not in is_table:
                is_table[callee] = is_table_call(context, file, node)
            if is_table[callee]:
                name = ast.unparse(node.args[0])[:40] if node.args else "?"
                message = (
                    f"not checked: table {name} (made when {function.name}() runs; declare it "
                    "at module level to have it checked)"
                )
                notes.append(Note(message, file.range(node)))
    return notes


#: Items a module-level loop that makes tables may run over before it is not unrolled.
MAX_LOOP_ITEMS = 64


def loop_scopes(context: ColumnContext, file: ParsedFile, notes: list[Note]) -> list[Scope]:
    """Module-level ``for x in ("a", "b"): Table(f"{x}_map", ...)``: one scope per item,
    the loop variable standing for that item (a loop over anything else is a note)."""
    result: list[Scope] = []
    for statement in file.statements:
        if not isinstance(statement, ast.For) or not any(
            "Table(" in line for line in file.lines[statement.lineno - 1 : statement.end_lineno]
        ):
            continue
        try:
            items = iterate(context.evaluator.value(file, statement.iter))
            if len(items) > MAX_LOOP_ITEMS:
                raise Unresolvable(f"more than {MAX_LOOP_ITEMS} items")
            for item in items:
                bound: dict[str, object] = {}
                bind_target(statement.target, item, bound)
                result.append(Scope([with_constants(s, bound) for s in statement.body]))
        except Unresolvable as exc:
            message = f"not checked: tables made in a loop over {ast.unparse(statement.iter)[:40]}"
            notes.append(Note(f"{message} ({exc})", file.range(statement.iter)))
    return result


def _maps_a_class(context: ColumnContext, file: ParsedFile, call: ast.Call) -> bool:
    """``type(name, (Mixin, Base), namespace)`` with a declarative base among the bases:
    a mapped class made at run time (Kombu's queue and message tables)."""
    if not (isinstance(call.func, ast.Name) and call.func.id == "type" and len(call.args) == 3):
        return False
    bases = call.args[1]
    if not isinstance(bases, ast.Tuple):
        return False
    for element in bases.elts:
        ref = context.evaluator.resolver.resolve(file, element)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.Call):
            callee = context.evaluator.callee(ref.file, ref.node)
            if isinstance(callee, External) and callee.is_sqlalchemy(
                "declarative_base", "generate_base"
            ):
                return True
        if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
            base_names = {ast.unparse(b) for b in ref.node.bases}
            if any("DeclarativeBase" in b or b.endswith("Model") for b in base_names):
                return True
    return False


def scopes(file: ParsedFile) -> list[Scope]:
    """The module and every class body (tables are often class attributes)."""
    result = [Scope(list(file.statements))]
    for statement in file.statements:
        if isinstance(statement, ast.ClassDef):
            scope = Scope(list(statement.body))
            for item in statement.body:
                if isinstance(item, ast.Assign):
                    for target in item.targets:
                        if isinstance(target, ast.Name):
                            scope.names[target.id] = item.value
            result.append(scope)
    return result


def read_tables(
    context: ColumnContext, file: ParsedFile, notes: list[Note] | None = None
) -> list[TableDraft]:
    """Every imperative table of a file with the standalone indexes that name it; a
    ``Table(...)`` whose name cannot be known, or that a function makes when it runs, is a
    note in ``notes`` (never silence)."""
    notes = notes if notes is not None else []
    drafts: list[TableDraft] = []
    # A callee's text means the same anywhere in the module (``mapped_column`` on every
    # line of a models file): resolve each once.
    table_callee: dict[str, bool] = {}
    notes.extend(tables_made_in_functions(context, file, table_callee))
    for scope in [*scopes(file), *loop_scopes(context, file, notes)]:
        by_variable: dict[str, TableDraft] = {}
        for statement in scope.statements:
            value = getattr(statement, "value", None)
            if not isinstance(value, ast.Call):
                continue
            func = value.func
            callee = func.id if isinstance(func, ast.Name) else file.text(func)
            is_table = table_callee.get(callee)
            if is_table is None:
                is_table = table_callee[callee] = is_table_call(context, file, value)
            if not is_table:
                continue
            targets = _targets(statement)
            if "__table__" in targets:
                continue
            draft = read_table(context, file, value, scope.names)
            if draft is None:
                if value.args:
                    why = f"its name {ast.unparse(value.args[0])[:40]} is computed"
                    notes.append(Note(f"not checked: a table ({why})", file.range(value)))
                continue
            drafts.append(draft)
            for target in targets:
                by_variable[target] = draft
        if not by_variable:
            continue  # a standalone Index(...) can only name a table of this scope
        for statement in scope.statements:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                _standalone_index(context, file, statement.value, by_variable)
    return drafts


def _targets(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []


def is_table_call(context: ColumnContext, file: ParsedFile, call: ast.Call) -> bool:
    callee = sqlalchemy_callee(context.evaluator.resolver, file, call)
    return callee is not None and (
        callee[0].is_sqlalchemy("Table") or callee[0].is_from("sqlmodel", "Table")
    )


def _standalone_index(
    context: ColumnContext, file: ParsedFile, call: ast.Call, tables: dict[str, TableDraft]
) -> None:
    """``Index("ix", users.c.email)`` outside the Table call: it joins ``users``."""
    if constraint_kind(context, file, call) != "Index":
        return
    for argument in call.args[1:]:
        if (
            isinstance(argument, ast.Attribute)
            and isinstance(argument.value, ast.Attribute)
            and argument.value.attr in ("c", "columns")
            and isinstance(argument.value.value, ast.Name)
            and argument.value.value.id in tables
        ):
            draft = tables[argument.value.value.id]

            def column_of(node: ast.expr) -> str | None:
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Attribute)
                    and node.value.attr in ("c", "columns")
                ):
                    return node.attr
                return None

            read_table_item(context, file, call, draft, column_of)
            return


def read_table(
    context: ColumnContext,
    file: ParsedFile,
    call: ast.Call,
    local_names: dict[str, ast.expr] | None = None,
) -> TableDraft | None:
    """A draft of one ``Table(...)`` call; None when its name is not a literal.
    ``local_names`` are the class-body names a class-attribute table may use."""
    if not call.args:
        return None
    if local_names:
        context = dataclasses.replace(context, local_names=local_names)
    name = literal_string(context.evaluator, Argument(file, call.args[0]))
    if name is None:
        return None
    metadata_node = call.args[1] if len(call.args) > 1 else None
    items_from = 2
    metadata = None
    if isinstance(metadata_node, ast.Call) and _is_schema_item(context, file, metadata_node):
        # Flask-SQLAlchemy's ``db.Table("name", db.Column(...))``: the db's own MetaData
        metadata_node, items_from = None, 1
        metadata = _flask_metadata(context, file, call)
    if isinstance(metadata_node, ast.Name) and local_names and metadata_node.id in local_names:
        metadata_node = local_names[metadata_node.id]
    if isinstance(metadata_node, ast.Attribute) and metadata_node.attr == "metadata":
        owner = context.evaluator.resolver.resolve(file, metadata_node.value)
        if isinstance(owner, Definition):
            metadata = context.metadata_of(owner)
    if metadata is None:
        metadata = read_metadata(context.evaluator, file, metadata_node)
    draft = TableDraft(
        name=name,
        range=file.range(call.args[0]),
        schema=metadata.schema,
        convention=dict(metadata.convention),
    )
    if not metadata.schema_known:
        draft.unresolved.add("table.schema")
    for keyword in call.keywords:
        if keyword.arg in ("schema", "comment"):
            try:
                value = context.evaluator.value(file, keyword.value)
            except Unresolvable:
                draft.unresolved.add(f"table.{keyword.arg}")
                continue
            setattr(draft, keyword.arg, value if isinstance(value, str) else None)
        elif keyword.arg in ("autoload_with", "autoload"):
            draft.reflected = f"Table({keyword.arg}=...) reads it from the database"
        elif keyword.arg == "extend_existing":
            draft.extend_existing = _is_true(keyword.value)
        elif keyword.arg is None:
            draft.note("Table(**...) options", file.range(keyword.value))
            draft.unresolved.update(("table.schema", "table.comment"))
    for item in call.args[items_from:]:
        if isinstance(item, ast.Call):
            callee = sqlalchemy_callee(context.evaluator.resolver, file, item)
            if callee is not None and (
                callee[0].is_sqlalchemy("Column") or callee[0].is_from("sqlmodel", "Column")
            ):
                _read_column(context, file, item, callee[1], draft)
                continue
        if not read_table_item(context, file, item, draft, lambda node: None):
            draft.note(f"{ast.unparse(item)[:60]} in Table(...)", file.range(item))
            draft.unresolved.update(
                ("table.columns", "table.indexes", "table.unique_constraints", "table.foreign_keys")
            )
    return draft


def _is_schema_item(context: ColumnContext, file: ParsedFile, node: ast.Call) -> bool:
    """A ``Column(...)`` or a constraint: no MetaData argument was written before it."""
    callee = sqlalchemy_callee(context.evaluator.resolver, file, node)
    if callee is not None and (
        callee[0].is_sqlalchemy("Column") or callee[0].is_from("sqlmodel", "Column")
    ):
        return True
    return constraint_kind(context, file, node) is not None


def _flask_metadata(
    context: ColumnContext, file: ParsedFile, call: ast.Call
) -> MetadataInfo | None:
    """The MetaData of the db whose ``db.Table`` this is."""
    if not isinstance(call.func, ast.Attribute):
        return None
    db = context.evaluator.resolver.resolve(file, call.func.value)
    if isinstance(db, Definition) and context.evaluator.resolver.is_flask_db(db):
        return context.metadata_of(db)
    return None


def _read_column(
    context: ColumnContext,
    file: ParsedFile,
    item: ast.Call,
    wrapper: object,
    draft: TableDraft,
) -> None:
    from .wrappers import Wrapper

    column_call = ColumnCall()
    read_call(context, file, item, column_call, wrapper if isinstance(wrapper, Wrapper) else None)
    column_name = literal_string(context.evaluator, column_call.name) if column_call.name else None
    if column_name is None or column_call.name is None:
        draft.note("a column whose name cannot be known", file.range(item))
        # it may be a key or indexed column: nothing it could explain is claimed
        draft.unresolved.update(
            ("table.columns", "table.primary_key", "table.foreign_keys", "table.indexes")
        )
        draft.unresolved.add("table.unique_constraints")
        return
    column = build_column(
        context,
        column_call,
        key=column_name,
        key_range=file.range(column_call.name.node),
        statement_range=file.range(item),
        annotation=None,
        annotation_type=None,
        legacy=True,
        call_range=written_call(file, item),
    )
    draft.add_column(column)


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True
