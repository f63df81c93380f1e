"""Python statements written by another generator (Alembic's operation renderer), laid out
again the way ``ruff format`` lays them out.

Alembic renders operations in its own hanging-indent style with single quotes; a revision
file should need no formatter run. The statements are parsed with ``ast`` and rebuilt
from the layout nodes of ``render.source``, so the one layout rule of generated code holds
here too. Only what operation renderers produce is supported: expression statements (calls)
and ``with ... as ...:`` blocks; anything else is kept as ``ast.unparse`` prints it.
"""

from __future__ import annotations

import ast

from .source import INDENT, Atom, Call, Dict, Expr, Keyword, List, Pair, Tuple, as_node, string


def layout_statements(code: str, indent: int) -> list[str]:
    """The statements of ``code`` laid out at ``indent`` levels."""
    lines: list[str] = []
    for statement in ast.parse(code).body:
        lines += _statement(statement, indent)
    return lines


def _statement(statement: ast.stmt, indent: int) -> list[str]:
    if isinstance(statement, ast.Expr):
        return as_node(_node(statement.value)).lines(indent)
    if isinstance(statement, ast.With) and len(statement.items) == 1:
        item = statement.items[0]
        suffix = f" as {ast.unparse(item.optional_vars)}:" if item.optional_vars else ":"
        lines = as_node(_node(item.context_expr)).lines(indent, "with ", suffix)
        for inner in statement.body:
            lines += _statement(inner, indent + 1)
        return lines
    return [INDENT * indent + line for line in ast.unparse(statement).splitlines()]


def _node(node: ast.expr) -> Expr:
    if isinstance(node, ast.Call):
        items: list[Expr] = [_node(argument) for argument in node.args]
        for keyword in node.keywords:
            if keyword.arg is None:
                items.append(Atom("**" + ast.unparse(keyword.value)))
            else:
                items.append(Keyword(keyword.arg, _node(keyword.value)))
        return Call(ast.unparse(node.func), *items)
    if isinstance(node, ast.List):
        return List([_node(element) for element in node.elts])
    if isinstance(node, ast.Tuple):
        return Tuple([_node(element) for element in node.elts])
    if isinstance(node, ast.Dict) and all(key is not None for key in node.keys):
        pairs = zip(node.keys, node.values, strict=True)
        return Dict([Pair(_node(key), _node(value)) for key, value in pairs])  # type: ignore[arg-type]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return string(node.value)
    return ast.unparse(node)
