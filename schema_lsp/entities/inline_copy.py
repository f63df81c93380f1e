"""Copying a helper's syntax with its arguments in place: the copier, its budget, and the
small facts about functions and statements the inliner and its runner share."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .resolve import SCOPE
from .source import SYNTHETIC
from .values import VALUE, Unresolvable

if TYPE_CHECKING:
    from .source import ParsedFile


#: Statements and copied nodes one inlining may cost, helpers within helpers included.
MAX_STEPS = 5000
_DICT_METHODS = ("setdefault", "update", "pop", "get")


class _Budget:
    def __init__(self) -> None:
        self.steps = 0

    def spend(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > MAX_STEPS:
            raise Unresolvable("the helper is too long to evaluate")


class _Copier:
    """Copies a helper's syntax with its parameters replaced and its names scoped."""

    def __init__(self, scope: ParsedFile, site: ast.AST, budget: _Budget) -> None:
        self.scope = scope
        self.site = site
        self.budget = budget
        #: copies keep the positions of what they copy (the site's file is the source's)
        self.own_positions = False

    def copy(self, node: ast.expr, env: dict[str, ast.expr]) -> ast.expr:
        result = self._copy(node, env)
        assert isinstance(result, ast.expr)
        return result

    def _copy(self, node: ast.AST, env: dict[str, ast.expr]) -> ast.AST:
        self.budget.spend()
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load) and node.id in env:
                return env[node.id]
            name = ast.Name(id=node.id, ctx=ast.Load())
            setattr(name, SCOPE, getattr(node, SCOPE, self.scope))
            return self._mark(name, node)
        if isinstance(node, ast.Call):
            return self._mark(
                ast.Call(
                    func=self.copy(node.func, env),
                    args=self._arguments(node.args, env),
                    keywords=self._keywords(node.keywords, env),
                ),
                node,
            )
        if isinstance(
            node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
        ):
            # their own parameters/targets shadow the helper's names: leave those alone
            shadowed = _bound_names(node)
            inner = {k: v for k, v in env.items() if k not in shadowed}
            return self._generic(node, inner)
        return self._generic(node, env)

    def _generic(self, node: ast.AST, env: dict[str, ast.expr]) -> ast.AST:
        fields: dict[str, Any] = {}
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                fields[name] = [self._copy(v, env) if isinstance(v, ast.AST) else v for v in value]
            elif isinstance(value, ast.AST):
                fields[name] = self._copy(value, env)
            else:
                fields[name] = value
        return self._mark(type(node)(**fields), node)

    def _arguments(self, args: list[ast.expr], env: dict[str, ast.expr]) -> list[ast.expr]:
        result: list[ast.expr] = []
        for arg in args:
            if isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name):
                bound = env.get(arg.value.id)
                if isinstance(bound, (ast.Tuple, ast.List)):
                    result.extend(bound.elts)  # ``*args`` of the helper, spread again
                    continue
            result.append(self.copy(arg, env))
        return result

    def _keywords(self, keywords: list[ast.keyword], env: dict[str, ast.expr]) -> list[ast.keyword]:
        result: list[ast.keyword] = []
        for keyword in keywords:
            if keyword.arg is None and isinstance(keyword.value, ast.Name):
                bound = env.get(keyword.value.id)
                if isinstance(bound, ast.Dict):  # ``**kwargs`` of the helper, spread again
                    result.extend(_dict_keywords(bound))
                    continue
            copied = ast.keyword(arg=keyword.arg, value=self.copy(keyword.value, env))
            result.append(self._mark(copied))
        return _last_keyword_wins(result)

    def _mark(self, node: Any, original: ast.AST | None = None) -> Any:
        site = self.site
        if self.own_positions and original is not None and hasattr(original, "lineno"):
            site = original
        node.lineno = getattr(site, "lineno", 1)
        node.col_offset = getattr(site, "col_offset", 0)
        node.end_lineno = getattr(site, "end_lineno", node.lineno)
        node.end_col_offset = getattr(site, "end_col_offset", node.col_offset)
        setattr(node, SYNTHETIC, True)
        return node


def _returns(statement: ast.Try) -> bool:
    """Whether a ``try`` statement returns from the helper somewhere in it."""
    return any(isinstance(node, ast.Return) for node in ast.walk(statement))


def _unknown(copier: _Copier, reason: str) -> ast.expr:
    """A name standing for a value that cannot be known; reading it raises ``reason``."""
    name = ast.Name(id="<unknown>", ctx=ast.Load())
    setattr(name, VALUE, Unresolvable(reason))
    return copier._mark(name)


def _function_locals(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The names a function binds itself (parameters, assignments): a helper's values of
    the same names do not reach into it."""
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    names = {a.arg for a in every}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _bound_names(node: ast.AST) -> set[str]:
    names: set[str] = set()
    if isinstance(node, ast.Lambda):
        arguments = node.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        names.update(a.arg for a in every)
    else:
        for generator in getattr(node, "generators", ()):
            names.update(n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name))
    return names


def _dict_keywords(bound: ast.Dict) -> list[ast.keyword]:
    result = []
    for key, value in zip(bound.keys, bound.values, strict=False):
        if key is None:
            result.append(ast.keyword(arg=None, value=value))
        elif isinstance(key, ast.Constant) and isinstance(key.value, str):
            result.append(ast.keyword(arg=key.value, value=value))
        else:
            raise Unresolvable("a keyword name that is not a string")
    return result


def _last_keyword_wins(keywords: list[ast.keyword]) -> list[ast.keyword]:
    """``f(a=1, **{"a": 2})`` would be an error at run time; a helper that sets a keyword
    and spreads ``kwargs`` after it means the caller's value: keep the last."""
    seen: dict[str, int] = {}
    result: list[ast.keyword] = []
    for keyword in keywords:
        if keyword.arg is not None and keyword.arg in seen:
            result[seen[keyword.arg]] = keyword
            continue
        if keyword.arg is not None:
            seen[keyword.arg] = len(result)
        result.append(keyword)
    return result
