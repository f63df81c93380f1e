"""Project helper functions, evaluated without running them.

A call to a function of the workspace (or of a module found on the search path) whose body
is straight-line code (local assignments, ``kwargs`` edits, ``if``s the arguments decide,
``raise``, a ``return``) stands for the expression it returns, with the call's arguments in
place of the parameters. The result is ordinary syntax, so whatever reads a ``Column(...)``,
``mapped_column(...)`` or ``Field(...)`` call reads a helper's result the same way, and the
value evaluator computes a helper's string (a snake-cased table name) from it.

Two marks keep such synthetic syntax honest: a copied ``Name`` carries the module it must be
resolved in (``SCOPE``), and every copied node carries ``SYNTHETIC`` and the call's position,
so a difference found in a helper's result is reported where the helper is called. Nodes
that were not copied (the caller's own arguments) keep their file and position.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .inline_copy import _Budget, _Copier, _dict_keywords
from .inline_run import _InitRunner, _is_generator, _Runner
from .resolve import Definition
from .source import SYNTHETIC
from .values import Unresolvable

if TYPE_CHECKING:
    from .evaluate import Evaluator
    from .source import ParsedFile


#: Helpers calling helpers, at most this deep.
MAX_DEPTH = 8


def is_synthetic(node: ast.AST) -> bool:
    return getattr(node, SYNTHETIC, False)


class Inliner:
    """Turns helper calls into the expressions they return (see the module docstring)."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator

    def function_of(self, file: ParsedFile, call: ast.Call) -> Definition | None:
        """The project function a call reaches, if it is one."""
        found = self._callable(file, call)
        return found[0] if found is not None else None

    def _callable(self, file: ParsedFile, call: ast.Call) -> tuple[Definition, ast.Call] | None:
        """The project function a call reaches and the call as that function receives it:
        a module-level function, or a ``classmethod``/``staticmethod`` called on its class
        (``Stage.stages(all=True)``, the class passed first to a classmethod)."""
        resolver = self.evaluator.resolver
        ref = resolver.resolve(file, call.func)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.FunctionDef):
            return ref, call
        if ref is not None or not isinstance(call.func, ast.Attribute):
            return None
        holder = resolver.resolve(file, call.func.value)
        if not (isinstance(holder, Definition) and isinstance(holder.node, ast.ClassDef)):
            return None
        for statement in holder.node.body:
            if not (isinstance(statement, ast.FunctionDef) and statement.name == call.func.attr):
                continue
            kinds = {d.id for d in statement.decorator_list if isinstance(d, ast.Name)}
            method = Definition(holder.file, f"{holder.name}.{statement.name}", statement)
            if "staticmethod" in kinds:
                return method, call
            if "classmethod" in kinds:
                passed = [call.func.value, *call.args]
                return method, ast.Call(func=call.func, args=passed, keywords=call.keywords)
        return None

    def inline(self, file: ParsedFile, call: ast.Call, depth: int = 0) -> ast.expr:
        """The expression ``call`` (written in ``file``) stands for; raises Unresolvable
        with the reason when the helper cannot be followed."""
        if depth > MAX_DEPTH:
            raise Unresolvable("helpers call each other too deeply")
        found = self._callable(file, call)
        if found is None:
            raise Unresolvable(f"{ast.unparse(call.func)} is not a project function")
        function, call = found
        assert isinstance(function.node, ast.FunctionDef)
        budget = _Budget()
        copier = _Copier(function.file, call, budget)
        env = _bind(function.node, call, copier)
        runner = _Runner(self, file, function, copier, budget, depth)
        if _is_generator(function.node):
            runner.yielded = []
        result = runner.run(function.node.body, env)
        if runner.yielded is not None:  # a generator: the list of what it yields
            result = copier._mark(ast.List(elts=runner.yielded, ctx=ast.Load()))
        # A helper returning another helper's call: follow it too.
        if isinstance(result, ast.Call) and self.function_of(file, result) is not None:
            return self.inline(file, result, depth + 1)
        return result

    def inline_body(
        self,
        file: ParsedFile,
        function: ast.FunctionDef,
        bindings: dict[str, ast.expr],
        site: ast.AST,
        own_positions: bool = False,
    ) -> ast.expr:
        """The expression a function of ``file`` returns with its parameters bound to
        ``bindings`` (a ``declared_attr`` body with ``cls`` bound): positioned at ``site``,
        or (``own_positions``) where each part is written."""
        budget = _Budget()
        copier = _Copier(file, site, budget)
        copier.own_positions = own_positions
        definition = Definition(file, function.name, function)
        return _Runner(self, file, definition, copier, budget, 0).run(function.body, dict(bindings))

    def folded(self, file: ParsedFile, node: ast.expr) -> ast.expr:
        """``node`` (a class body's ``tuple(make_checks()) + (Index(...),)``) reduced to
        the literal it builds where the runner can (helpers' results joined), else as is."""
        budget = _Budget()
        copier = _Copier(file, node, budget)
        arguments = ast.arguments(
            posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]
        )
        function = ast.FunctionDef(
            name="__table_args__", args=arguments, body=[], decorator_list=[], returns=None
        )
        definition = Definition(file, function.name, function)
        runner = _Runner(self, file, definition, copier, budget, 0)
        return runner._container(node)

    def expression(
        self, file: ParsedFile, node: ast.expr, site: ast.AST, own_positions: bool = False
    ) -> ast.expr:
        """``node`` of ``file`` as syntax another file's helper can go on with: its names
        still resolve in ``file``; positioned at ``site`` or (``own_positions``) where
        each part is written."""
        copier = _Copier(file, site, _Budget())
        copier.own_positions = own_positions
        return copier.copy(node, {})

    def run_initializer(
        self, file: ParsedFile, function: ast.FunctionDef, call: ast.Call, site: ast.AST
    ) -> tuple[ast.Call | None, dict[str, ast.expr]]:
        """A class's ``__init__`` called as ``call`` (its first argument standing for
        ``self``): the ``super().__init__(...)`` call it makes, with its arguments in
        place, and the ``self.<name> = ...`` values it sets."""
        budget = _Budget()
        copier = _Copier(file, site, budget)
        env = _bind(function, call, copier)
        definition = Definition(file, function.name, function)
        runner = _InitRunner(self, file, definition, copier, budget, 0)
        runner.self_name = function.args.args[0].arg if function.args.args else "self"
        runner.run(function.body, env)
        return runner.super_call, runner.attributes


def _bind(function: ast.FunctionDef, call: ast.Call, copier: _Copier) -> dict[str, ast.expr]:
    """The helper's parameters bound to the call's arguments (defaults copied from the
    helper); an argument list Python would reject is unresolvable."""
    arguments = function.args
    positional_params = [*arguments.posonlyargs, *arguments.args]
    positional: list[ast.expr] = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            if isinstance(arg.value, (ast.Tuple, ast.List)):
                positional.extend(arg.value.elts)
                continue
            raise Unresolvable("arguments passed with *")
        positional.append(arg)
    keywords: dict[str, ast.expr] = {}
    for keyword in call.keywords:
        if keyword.arg is None:
            if isinstance(keyword.value, ast.Dict):
                for entry in _dict_keywords(keyword.value):
                    if entry.arg is None:
                        raise Unresolvable("arguments passed with **")
                    keywords[entry.arg] = entry.value
                continue
            raise Unresolvable("arguments passed with **")
        keywords[keyword.arg] = keyword.value
    env: dict[str, ast.expr] = {}
    for param, value in zip(positional_params, positional, strict=False):
        env[param.arg] = value
    extra = positional[len(positional_params) :]
    if extra and arguments.vararg is None:
        raise Unresolvable(f"{function.name}() takes fewer arguments")
    if arguments.vararg is not None:
        env[arguments.vararg.arg] = ast.Tuple(elts=list(extra), ctx=ast.Load())
    defaults = dict(
        zip(
            [p.arg for p in positional_params[len(positional_params) - len(arguments.defaults) :]],
            arguments.defaults,
            strict=True,
        )
    )
    for param, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if default is not None:
            defaults[param.arg] = default
    named = [p.arg for p in positional_params[len(positional) :]] + [
        p.arg for p in arguments.kwonlyargs
    ]
    posonly = {p.arg for p in arguments.posonlyargs}
    for name in named:
        if name in keywords and name not in posonly:
            env[name] = keywords.pop(name)
        elif name in defaults:
            env[name] = copier.copy(defaults[name], {})
        else:
            raise Unresolvable(f"{function.name}() is missing its argument {name}")
    if keywords and arguments.kwarg is None:
        unexpected = next(iter(keywords))
        raise Unresolvable(f"{function.name}() got an unexpected keyword {unexpected}")
    if arguments.kwarg is not None:
        env[arguments.kwarg.arg] = ast.Dict(
            keys=[ast.Constant(value=k) for k in keywords],
            values=list(keywords.values()),
        )
    return env
