"""Imperative tables: ``name = Table("t", metadata, Column(...), Index(...), schema=...)``."""

from __future__ import annotations

import ast

from .bases import read_metadata
from .columns import ColumnCall, ColumnContext, build_column, literal_string, read_call
from .constraints import read_table_item
from .evaluate import Unresolvable
from .resolve import External
from .source import ParsedFile
from .tables import TableDraft


def table_calls(context: ColumnContext, file: ParsedFile) -> list[ast.Call]:
    """Module-level ``Table(...)`` calls, assigned or not."""
    calls: list[ast.Call] = []
    for statement in file.statements:
        value = getattr(statement, "value", None)
        if isinstance(value, ast.Call) and _is_table(context, file, value):
            calls.append(value)
    return calls


def _is_table(context: ColumnContext, file: ParsedFile, call: ast.Call) -> bool:
    ref = context.evaluator.callee(file, call)
    return isinstance(ref, External) and (
        ref.is_sqlalchemy("Table") or ref.is_from("sqlmodel", "Table")
    )


def read_table(context: ColumnContext, file: ParsedFile, call: ast.Call) -> TableDraft | None:
    """A draft of one ``Table(...)`` call; None when its name is not a literal."""
    from .columns import Argument

    if not call.args:
        return None
    name = literal_string(context.evaluator, Argument(file, call.args[0]))
    if name is None:
        return None
    metadata = read_metadata(context.evaluator, file, call.args[1] if len(call.args) > 1 else None)
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
    for item in call.args[2:]:
        if isinstance(item, ast.Call):
            ref = context.evaluator.callee(file, item)
            if isinstance(ref, External) and (
                ref.is_sqlalchemy("Column") or ref.is_from("sqlmodel", "Column")
            ):
                column_call = ColumnCall()
                read_call(context, file, item, column_call)
                column_name = (
                    literal_string(context.evaluator, column_call.name)
                    if column_call.name
                    else None
                )
                if column_name is None:
                    draft.note("a column without a literal name", file.range(item))
                    draft.unresolved.add("table.columns")
                    continue
                assert column_call.name is not None
                column = build_column(
                    context,
                    column_call,
                    key=column_name,
                    key_range=file.range(column_call.name.node),
                    statement_range=file.range(item),
                    annotation=None,
                    annotation_type=None,
                    legacy=True,
                )
                draft.add_column(column)
                continue
        if not read_table_item(context, file, item, draft, lambda node: None):
            draft.note(f"{ast.unparse(item)[:60]} in Table(...)", file.range(item))
            draft.unresolved.update(
                ("table.columns", "table.indexes", "table.unique_constraints", "table.foreign_keys")
            )
    return draft
