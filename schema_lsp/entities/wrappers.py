"""Forwarding wrappers: project functions that pass ``*args, **kwargs`` on to a SQLAlchemy
callable, optionally setting keywords first (``def Table(*args, **kwargs):
kwargs["mysql_charset"] = "utf8"; return sa.Table(*args, **kwargs)``).

Only that exact shape is followed; a wrapper doing anything else is not a known callable.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .resolve import Definition, External, Resolver
from .source import ParsedFile


@dataclass(frozen=True)
class Wrapper:
    """What a call through the wrapper becomes: ``target`` with ``forced`` keywords set
    and ``defaults`` set unless the caller gave them (expressions in the wrapper's file)."""

    target: External
    file: ParsedFile
    forced: dict[str, ast.expr] = field(default_factory=dict)
    defaults: dict[str, ast.expr] = field(default_factory=dict)


def sqlalchemy_callee(
    resolver: Resolver, file: ParsedFile, call: ast.Call
) -> tuple[External, Wrapper | None] | None:
    """The outside callable a call reaches, directly or through one forwarding wrapper."""
    ref = resolver.resolve(file, call.func)
    if isinstance(ref, External):
        return ref, None
    if isinstance(ref, Definition) and isinstance(ref.node, ast.FunctionDef):
        wrapper = read_wrapper(resolver, ref.file, ref.node)
        if wrapper is not None:
            return wrapper.target, wrapper
    return None


def read_wrapper(resolver: Resolver, file: ParsedFile, function: ast.FunctionDef) -> Wrapper | None:
    arguments = function.args
    if (
        arguments.vararg is None
        or arguments.kwarg is None
        or arguments.args
        or arguments.posonlyargs
        or arguments.kwonlyargs
    ):
        return None
    star, double_star = arguments.vararg.arg, arguments.kwarg.arg
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body.pop(0)  # docstring
    if not body or not isinstance(body[-1], ast.Return):
        return None
    returned = body[-1].value
    if not (
        isinstance(returned, ast.Call)
        and len(returned.args) == 1
        and isinstance(returned.args[0], ast.Starred)
        and _is_name(returned.args[0].value, star)
        and len(returned.keywords) == 1
        and returned.keywords[0].arg is None
        and _is_name(returned.keywords[0].value, double_star)
    ):
        return None
    target = resolver.resolve(file, returned.func)
    if not isinstance(target, External):
        return None
    wrapper = Wrapper(target, file)
    for statement in body[:-1]:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Subscript)
            and _is_name(statement.targets[0].value, double_star)
            and isinstance(statement.targets[0].slice, ast.Constant)
            and isinstance(statement.targets[0].slice.value, str)
        ):
            wrapper.forced[statement.targets[0].slice.value] = statement.value
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and statement.value.func.attr == "setdefault"
            and _is_name(statement.value.func.value, double_star)
            and len(statement.value.args) == 2
            and isinstance(statement.value.args[0], ast.Constant)
            and isinstance(statement.value.args[0].value, str)
        ):
            wrapper.defaults[statement.value.args[0].value] = statement.value.args[1]
        else:
            return None
    return wrapper


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name
