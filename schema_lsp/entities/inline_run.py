"""Running a helper's statements symbolically: branches, ``for`` loops over known items
with ``continue``/``break``, ``try`` paths, list/set/dict growth and ``__init__`` bodies,
to the expression the helper returns (``Inliner.inline_body``)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from .inline_copy import _DICT_METHODS, _Budget, _Copier, _function_locals, _returns, _unknown
from .resolve import LOCAL_CLASS, SCOPE, Definition, External, LocalDefinition
from .values import VALUE, ClassValue, Unresolvable, iterate

if TYPE_CHECKING:
    from .inline import Inliner
    from .source import ParsedFile


class _Runner:
    """Walks a helper's statements, keeping its local names as syntax."""

    def __init__(
        self,
        inliner: Inliner,
        site_file: ParsedFile,
        function: Definition,
        copier: _Copier,
        budget: _Budget,
        depth: int,
    ) -> None:
        self.inliner = inliner
        self.site_file = site_file
        self.function = function
        self.copier = copier
        self.budget = budget
        self.depth = depth
        #: what a generator helper yields, in order (None: the helper is no generator)
        self.yielded: list[ast.expr] | None = None

    def run(self, body: list[ast.stmt], env: dict[str, ast.expr]) -> ast.expr:
        result = self._block(body, env)
        if result is None:
            return ast.Constant(value=None)  # fell off the end
        return result

    def _block(self, body: list[ast.stmt], env: dict[str, ast.expr]) -> ast.expr | None:
        for statement in body:
            self.budget.spend()
            done, value = self._statement(statement, env)
            if done:
                return value
        return None

    def _statement(
        self, statement: ast.stmt, env: dict[str, ast.expr]
    ) -> tuple[bool, ast.expr | None]:
        copy = self.copier.copy
        if isinstance(statement, ast.Return):
            value = statement.value
            if value is None:
                return True, ast.Constant(value=None)
            return True, self._fold(copy(value, env))
        if isinstance(statement, ast.Raise):
            raise Unresolvable(f"{self.function.name}() raises for these arguments")
        if isinstance(statement, (ast.Pass, ast.Assert, ast.Global, ast.Nonlocal)):
            return False, None
        if isinstance(statement, ast.Expr):
            self._expression_statement(statement.value, env)
            return False, None
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                self._assign(target, statement.value, env)
            return False, None
        if isinstance(statement, ast.AnnAssign):
            if statement.value is not None:
                self._assign(statement.target, statement.value, env)
            return False, None
        if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            name = statement.target.id
            current = env.get(name) or copy(ast.Name(id=name, ctx=ast.Load()), env)
            env[name] = ast.BinOp(left=current, op=statement.op, right=copy(statement.value, env))
            return False, None
        if isinstance(statement, ast.If):
            test = self._fold(copy(statement.test, env))
            taken = _truth(test)
            if taken is None:
                taken = bool(self._read(test, f"depends on {ast.unparse(statement.test)[:60]}"))
            return self._branch(statement.body if taken else statement.orelse, env)
        if isinstance(statement, ast.For):
            return self._for(statement, env)
        if isinstance(statement, ast.Continue):
            raise _Continue
        if isinstance(statement, ast.Break):
            raise _Break
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            self._import(statement, env)
            return False, None
        if isinstance(statement, ast.ClassDef):
            env[statement.name] = self._local_class(statement, env)
            return False, None
        if isinstance(statement, ast.Try) and not _returns(statement):
            self._try(statement, env)
            return False, None
        raise Unresolvable(
            f"{self.function.name}() has a {type(statement).__name__.lower()} statement"
        )

    def _for(self, statement: ast.For, env: dict[str, ast.expr]) -> tuple[bool, ast.expr | None]:
        """``for name in items:`` unrolled over items known here (a literal, or values the
        evaluator computes: ``dir(cls)``, ``range(3)``), with ``continue``/``break``."""
        items = self._items(self._container(self.copier.copy(statement.iter, env)))
        for item in items:
            self.budget.spend()
            self._bind_target(statement.target, item, env)
            try:
                done, value = self._branch(statement.body, env)
            except _Continue:
                continue
            except _Break:
                return False, None
            if done:
                return done, value
        return self._branch(statement.orelse, env)

    def _items(self, iterable: ast.expr) -> list[ast.expr]:
        if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)) and not any(
            isinstance(e, ast.Starred) for e in iterable.elts
        ):
            return list(iterable.elts)
        loop = f"loops over {ast.unparse(iterable)[:60]}"
        values = self._read(iterable, loop, iterate)
        return [_known(self.copier, value) for value in values]

    def _read(self, node: ast.expr, what: str, then: Callable[[Any], Any] | None = None) -> Any:
        """The value of ``node`` (and ``then`` of it); unknown, the helper is said to
        depend on it (``what``), with the reason."""
        try:
            value = self.inliner.evaluator.value(self.site_file, node)
            return then(value) if then is not None else value
        except Unresolvable as exc:
            raise Unresolvable(f"{self.function.name}() {what} ({exc})") from exc

    def _bind_target(self, target: ast.expr, item: ast.expr, env: dict[str, ast.expr]) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = item
            return
        sequences = (ast.Tuple, ast.List)
        if (
            isinstance(target, sequences)
            and isinstance(item, sequences)
            and len(target.elts) == len(item.elts)
        ):
            for element, part in zip(target.elts, item.elts, strict=True):
                self._bind_target(element, part, env)
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            value = getattr(item, VALUE, None)
            if isinstance(value, (tuple, list)) and len(value) == len(target.elts):
                for element, part in zip(target.elts, value, strict=True):
                    self._bind_target(element, _known(self.copier, part), env)
                return
        raise Unresolvable(f"{self.function.name}() unpacks a loop item it cannot read")

    def _fold(self, node: ast.expr) -> ast.expr:
        """What the helper's syntax reduces to on literals it built, kept as syntax (the
        items may be ``Index(...)`` calls nothing evaluates): ``getattr(cls, name)``,
        ``value[-1]``, ``value[:-1]``, ``tuple(items)``, ``a + b`` of literal sequences,
        ``isinstance(literal, dict)``; anything else as is."""
        if isinstance(node, ast.Subscript):
            container = self._container(node.value)
            if isinstance(container, (ast.Tuple, ast.List)) and not any(
                isinstance(e, ast.Starred) for e in container.elts
            ):
                return _subscript(container, node.slice, self) or node
            return node
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._container(node.left), self._container(node.right)
            sequences = (ast.Tuple, ast.List)
            same = type(left) is type(right)
            if same and isinstance(left, sequences) and isinstance(right, sequences):
                joined = type(left)(elts=[*left.elts, *right.elts], ctx=ast.Load())
                return self.copier._mark(joined)
            return node
        if not isinstance(node, ast.Call) or node.keywords:
            return node
        callee = self.inliner.evaluator.callee(self.site_file, node)
        name = callee.name if isinstance(callee, External) else None
        if name in ("builtins.tuple", "builtins.list") and len(node.args) == 1:
            items = self._container(node.args[0])
            if isinstance(items, (ast.Tuple, ast.List)):
                kind = ast.Tuple if name == "builtins.tuple" else ast.List
                return self.copier._mark(kind(elts=list(items.elts), ctx=ast.Load()))
        if name == "builtins.isinstance" and len(node.args) == 2:
            checked = self._kind(self._fold(node.args[0]))
            kinds = self._builtin_kinds(node.args[1])
            if checked is not None and kinds is not None:
                return self.copier._mark(ast.Constant(value=issubclass(checked, kinds)))
        if name == "builtins.getattr" and len(node.args) == 2:
            return self._getattr(node)
        return node

    def _container(self, node: ast.expr) -> ast.expr:
        """``node`` folded; a project helper's call (``_make_checks(types)``) as the
        literal sequence or dict it returns, when it returns one."""
        folded = self._fold(node)
        if isinstance(folded, ast.Call) and self.inliner.function_of(self.site_file, folded):
            try:
                made = self._fold(self.inliner.inline(self.site_file, folded, self.depth + 1))
            except Unresolvable:
                return folded
            if isinstance(made, (ast.Tuple, ast.List, ast.Dict, ast.Set)):
                return made
        return folded

    def _kind(self, node: ast.expr) -> type | None:
        """The builtin type a literal is, or ``_SQLAlchemyObject`` for a SQLAlchemy
        class's instance (``Index(...)``: never a dict or tuple); None when not known."""
        if isinstance(node, ast.Call) and self.inliner.function_of(self.site_file, node):
            try:  # ``_make_check(...)``: what the helper returns
                node = self.inliner.inline(self.site_file, node, self.depth + 1)
            except Unresolvable:
                return None
        kind = _literal_kind(node)
        if kind is None and isinstance(node, ast.Call):
            callee = self.inliner.evaluator.callee(self.site_file, node)
            last = callee.name.rpartition(".")[2] if isinstance(callee, External) else ""
            if isinstance(callee, External) and callee.is_sqlalchemy(last) and last[:1].isupper():
                return _SQLAlchemyObject
        return kind

    def _builtin_kinds(self, node: ast.expr) -> tuple[type, ...] | None:
        """``dict`` / ``(tuple, list)`` as the builtin types they name."""
        import builtins

        nodes = node.elts if isinstance(node, ast.Tuple) else [node]
        kinds: list[type] = []
        for each in nodes:
            ref = self.inliner.evaluator.resolver.resolve(self.site_file, each)
            if not (isinstance(ref, External) and ref.name.startswith("builtins.")):
                return None
            kind = getattr(builtins, ref.name.partition(".")[2], None)
            if not isinstance(kind, type):
                return None
            kinds.append(kind)
        return tuple(kinds)

    def _getattr(self, node: ast.Call) -> ast.expr:
        """``getattr(cls, name)`` of the class being read: the class body's own syntax
        for it (a class property run for that class)."""
        evaluator = self.inliner.evaluator
        try:
            owner = evaluator.value(self.site_file, node.args[0])
            attr = evaluator.value(self.site_file, node.args[1])
        except Unresolvable:
            return node
        if not isinstance(owner, ClassValue) or owner.syntax is None or not isinstance(attr, str):
            return node
        try:
            found = owner.syntax(attr, self.copier.site, self.site_file)
        except Unresolvable:
            return node  # kept as written: reading it says why (a ``try`` may not need it)
        return self._fold(found)

    def _try(self, statement: ast.Try, env: dict[str, ast.expr]) -> None:
        """``try: a = x  except E: a = None``: whether the block raises is not known, so a
        name the paths bind differently is unknown (reading it says why); one they agree
        on, or bind on one path only (the helper itself fails if it was not bound), is
        kept. A handler that ends in ``raise`` is no path on."""
        if self.yielded is not None and any(
            isinstance(node, (ast.Yield, ast.YieldFrom)) for node in ast.walk(statement)
        ):
            raise Unresolvable(f"{self.function.name}() yields inside a try block")
        paths: list[dict[str, ast.expr]] = []
        succeeded = dict(env)
        self._block([*statement.body, *statement.orelse], succeeded)
        paths.append(succeeded)
        for handler in statement.handlers:
            if handler.body and isinstance(handler.body[-1], ast.Raise):
                continue
            handled = dict(env)
            if handler.name:
                handled[handler.name] = _unknown(self.copier, "the exception caught")
            self._block(handler.body, handled)
            paths.append(handled)
        reason = f"{self.function.name}() depends on whether its try block raises"
        for name in {name for path in paths for name in path}:
            bound = [path[name] for path in paths if name in path]
            if all(value is bound[0] for value in bound[1:]):
                env[name] = bound[0]
            else:
                env[name] = _unknown(self.copier, reason)
        self._block(statement.finalbody, env)

    def _local_class(self, statement: ast.ClassDef, env: dict[str, ast.expr]) -> ast.expr:
        """A class the helper defines (``def UrlString(impl): class _T(TypeDecorator):
        impl = impl ...; return _T``): its copy with the helper's values in place, named
        by a mark the evaluator reads as that class."""
        copier = self.copier
        body: list[ast.stmt] = []
        for member in statement.body:
            if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                own = _function_locals(member)
                kept = {k: v for k, v in env.items() if k not in own}
                body.append(cast(ast.stmt, copier._generic(member, kept)))
            else:
                body.append(cast(ast.stmt, copier._generic(member, env)))
        copied = cast(
            ast.ClassDef,
            copier._generic(
                ast.ClassDef(
                    name=statement.name,
                    bases=statement.bases,
                    keywords=statement.keywords,
                    body=[],
                    decorator_list=statement.decorator_list,
                ),
                env,
            ),
        )
        copied.body = body
        definition = LocalDefinition(self.site_file, statement.name, copied)
        name = ast.Name(id=statement.name, ctx=ast.Load())
        setattr(name, LOCAL_CLASS, definition)
        return copier._mark(name)

    def _import(self, statement: ast.Import | ast.ImportFrom, env: dict[str, ast.expr]) -> None:
        """``from app.models import User`` inside the body: the names it binds resolve as
        a module-level import of the helper's module would (a tiny module of that one
        statement, read in the helper's package)."""
        from .source import parse_source

        owner = self.function.file
        module = parse_source(ast.unparse(statement), owner.path, owner.module)
        for alias in statement.names:
            if alias.name == "*":
                raise Unresolvable(f"{self.function.name}() imports * inside its body")
            bound = alias.asname or alias.name.partition(".")[0]
            name = ast.Name(id=bound, ctx=ast.Load())
            setattr(name, SCOPE, module)
            env[bound] = self.copier._mark(name)

    def _branch(
        self, body: list[ast.stmt], env: dict[str, ast.expr]
    ) -> tuple[bool, ast.expr | None]:
        result = self._block(body, env)
        return (result is not None), result

    def _assign(self, target: ast.expr, value: ast.expr, env: dict[str, ast.expr]) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = self._value(value, env)
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and isinstance(env.get(target.value.id), ast.Dict)
        ):
            key = self._constant_key(target.slice, env)
            bound = env[target.value.id]
            assert isinstance(bound, ast.Dict)
            env[target.value.id] = _dict_set(bound, key, self.copier.copy(value, env))
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            if len(target.elts) != len(value.elts):
                raise Unresolvable("unpacking of another length")
            copied = [self._value(v, env) for v in value.elts]
            for element, item in zip(target.elts, copied, strict=True):
                if not isinstance(element, ast.Name):
                    raise Unresolvable("assignment to a non-name")
                env[element.id] = item
        else:
            raise Unresolvable(f"assignment to {ast.unparse(target)[:40]}")

    def _value(self, value: ast.expr, env: dict[str, ast.expr]) -> ast.expr:
        """An assigned value; ``kwargs.pop("k", d)`` and ``kwargs.get(...)`` read the
        bound dict (``pop`` also removes the key); ``set()`` and ``list()`` are the empty
        literals, so the helper's later ``add``/``append`` can grow them."""
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in ("set", "list")
            and not value.args
            and not value.keywords
            and value.func.id not in env
            and _is_builtin(self.inliner.evaluator.resolver.resolve(self.function.file, value.func))
        ):
            if value.func.id == "set":
                return ast.Set(elts=[])
            return ast.List(elts=[], ctx=ast.Load())
        return self._fold(self._kept(value, env))

    def _kept(self, value: ast.expr, env: dict[str, ast.expr]) -> ast.expr:
        method = _dict_method(value, env)
        if method is not None and method[1] in ("pop", "get"):
            name, operation, call = method
            bound = env[name]
            assert isinstance(bound, ast.Dict)
            key = self._constant_key(call.args[0], env) if call.args else None
            if key is None:
                raise Unresolvable(f"{name}.{operation}() without a key")
            found = _dict_get(bound, key)
            if operation == "pop":
                env[name] = _dict_remove(bound, key)
            if found is not None:
                return found
            if len(call.args) > 1:
                return self.copier.copy(call.args[1], env)
            return ast.Constant(value=None)
        return self.copier.copy(value, env)

    def _expression_statement(self, value: ast.expr, env: dict[str, ast.expr]) -> None:
        if isinstance(value, ast.Constant):
            return  # a docstring
        if isinstance(value, (ast.Yield, ast.YieldFrom)) and self.yielded is not None:
            if isinstance(value, ast.YieldFrom):
                iterable = self._container(self.copier.copy(value.value, env))
                self.yielded.extend(self._items(iterable))
            elif value.value is not None:
                self.yielded.append(self._fold(self.copier.copy(value.value, env)))
            else:
                self.yielded.append(ast.Constant(value=None))
            return
        method = _dict_method(value, env)
        if method is not None:
            name, operation, call = method
            bound = env[name]
            assert isinstance(bound, ast.Dict)
            if operation == "setdefault" and len(call.args) == 2:
                key = self._constant_key(call.args[0], env)
                if _dict_get(bound, key) is None:
                    env[name] = _dict_set(bound, key, self.copier.copy(call.args[1], env))
                return
            if operation == "pop" and call.args:
                env[name] = _dict_remove(bound, self._constant_key(call.args[0], env))
                return
            if operation == "update" and not call.args:
                for keyword in call.keywords:
                    if keyword.arg is None:
                        raise Unresolvable(f"{name}.update(**...)")
                    env[name] = _dict_set(
                        cast(ast.Dict, env[name]), keyword.arg, self.copier.copy(keyword.value, env)
                    )
                return
            if operation == "update" and len(call.args) == 1:
                other = self._fold(self.copier.copy(call.args[0], env))
                if not isinstance(other, ast.Dict):
                    raise Unresolvable(f"{name}.update() of a non-literal")
                for key_node, item in zip(other.keys, other.values, strict=False):
                    if not (isinstance(key_node, ast.Constant) and isinstance(key_node.value, str)):
                        raise Unresolvable(f"{name}.update() with computed keys")
                    env[name] = _dict_set(env[name], key_node.value, item)  # type: ignore[arg-type]
                return
            raise Unresolvable(f"{name}.{operation}(...)")
        if self._list_method(value, env):
            return
        root = _root_name(value.func if isinstance(value, ast.Call) else value)
        if root is not None and root in env:
            # a method call on one of the helper's own values may change it
            raise Unresolvable(f"{ast.unparse(value)[:60]} changes a local value")
        # anything else (logging, warnings) leaves the helper's values as they are

    def _list_method(self, value: ast.expr, env: dict[str, ast.expr]) -> bool:
        """``items.append(x)`` / ``items.extend([...])`` on a list the helper built, and
        ``seen.add(x)`` / ``seen.update([...])`` on a set: the bound value grows (``extend``
        of anything but a literal is unknown)."""
        if not (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name)
            and len(value.args) == 1
            and not value.keywords
        ):
            return False
        name, method = value.func.value.id, value.func.attr
        bound = env.get(name)
        if not (
            (isinstance(bound, ast.List) and method in ("append", "extend"))
            or (isinstance(bound, ast.Set) and method in ("add", "update"))
        ):
            return False
        added = self._fold(self.copier.copy(value.args[0], env))
        if method in ("append", "add"):
            items = [added]
        elif isinstance(added, (ast.List, ast.Tuple, ast.Set)):
            items = list(added.elts)
        else:
            raise Unresolvable(f"{name}.{method}() of a non-literal")
        grown = type(bound)(elts=[*bound.elts, *items])
        if isinstance(grown, ast.List):
            grown.ctx = ast.Load()
        env[name] = grown
        return True

    def _constant_key(self, node: ast.expr, env: dict[str, ast.expr]) -> str:
        copied = self.copier.copy(node, env)
        try:
            key = self.inliner.evaluator.value(self.site_file, copied)
        except Unresolvable as exc:
            raise Unresolvable("a keyword name computed at run time") from exc
        if not isinstance(key, str):
            raise Unresolvable("a keyword name that is not a string")
        return key


class _Continue(Exception):
    pass


class _Break(Exception):
    pass


def _known(copier: _Copier, value: Any) -> ast.expr:
    """A name standing for a value the evaluator computed (a loop item)."""
    name = ast.Name(id="<item>", ctx=ast.Load())
    setattr(name, VALUE, value)
    return copier._mark(name)  # type: ignore[no-any-return]


def _truth(node: ast.expr) -> bool | None:
    """Whether a test is true, read from literals alone (``not value`` of the tuple a
    class property returned, ``posargs and kwargs``); None: ask the evaluator."""
    if isinstance(node, ast.Constant):
        return bool(node.value)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return True if any(not isinstance(e, ast.Starred) for e in node.elts) else None
        return bool(node.elts)
    if isinstance(node, ast.Dict):
        if any(key is not None for key in node.keys):
            return True
        return None if node.keys else False
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        inner = _truth(node.operand)
        return None if inner is None else not inner
    if isinstance(node, ast.BoolOp):
        values = [_truth(v) for v in node.values]
        if isinstance(node.op, ast.And):
            if False in values:
                return False
            return True if all(v is True for v in values) else None
        if True in values:
            return True
        return False if all(v is False for v in values) else None
    return None


class _SQLAlchemyObject:
    """What ``Index(...)`` is to ``isinstance``: no builtin type."""


def _literal_kind(node: ast.expr) -> type | None:
    kinds: dict[type, type] = {ast.Dict: dict, ast.Tuple: tuple, ast.List: list, ast.Set: set}
    if type(node) in kinds:
        return kinds[type(node)]
    if isinstance(node, ast.Constant):
        return type(node.value)
    return None


def _subscript(
    container: ast.Tuple | ast.List, index: ast.expr, runner: _Runner
) -> ast.expr | None:
    """``items[-1]`` / ``items[:-1]`` of a literal sequence, with constant bounds."""

    def constant(node: ast.expr | None) -> int | None:
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
            and isinstance(node.operand.value, int)
        ):
            return -node.operand.value
        raise LookupError

    elts = container.elts
    try:
        if isinstance(index, ast.Slice):
            if index.step is not None:
                return None
            part = elts[constant(index.lower) : constant(index.upper)]
            return runner.copier._mark(type(container)(elts=part, ctx=ast.Load()))  # type: ignore[no-any-return]
        position = constant(index)
        return elts[position] if position is not None else None
    except (LookupError, TypeError):
        return None


def _is_generator(function: ast.FunctionDef) -> bool:
    """Whether the function's own body yields (nested functions and lambdas aside)."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _is_builtin(ref: object) -> bool:
    return isinstance(ref, External) and ref.name in ("builtins.set", "builtins.list")


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dict_method(value: ast.expr, env: dict[str, ast.expr]) -> tuple[str, str, ast.Call] | None:
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and isinstance(value.func.value, ast.Name)
        and value.func.attr in _DICT_METHODS
        and isinstance(env.get(value.func.value.id), ast.Dict)
    ):
        return value.func.value.id, value.func.attr, value
    return None


def _dict_index(bound: ast.Dict, key: str) -> int | None:
    for position, key_node in enumerate(bound.keys):
        if key_node is None:
            raise Unresolvable("a dict spread with ** inside the helper")
        if isinstance(key_node, ast.Constant) and key_node.value == key:
            return position
    return None


def _dict_get(bound: ast.Dict, key: str) -> ast.expr | None:
    position = _dict_index(bound, key)
    return None if position is None else bound.values[position]


def _dict_set(bound: ast.Dict, key: str, value: ast.expr) -> ast.Dict:
    keys: list[ast.expr | None] = list(bound.keys)
    values = list(bound.values)
    position = _dict_index(bound, key)
    if position is None:
        keys.append(ast.Constant(value=key))
        values.append(value)
    else:
        values[position] = value
    return ast.Dict(keys=keys, values=values)


def _dict_remove(bound: ast.Dict, key: str) -> ast.Dict:
    position = _dict_index(bound, key)
    if position is None:
        return bound
    keys = [k for i, k in enumerate(bound.keys) if i != position]
    values = [v for i, v in enumerate(bound.values) if i != position]
    return ast.Dict(keys=keys, values=values)


InlineHook = Callable[["ParsedFile", ast.Call], ast.expr]


class _InitRunner(_Runner):
    """Walks an ``__init__``: records ``super().__init__(...)`` and ``self.x = ...``."""

    self_name = "self"
    super_call: ast.Call | None = None

    def run(self, body: list[ast.stmt], env: dict[str, ast.expr]) -> ast.expr:
        self.attributes: dict[str, ast.expr] = {}
        return super().run(body, env)

    def _expression_statement(self, value: ast.expr, env: dict[str, ast.expr]) -> None:
        if isinstance(value, ast.Call) and _is_super_init(value, self.self_name):
            args = [a for a in value.args if not _is_name(a, self.self_name)]
            copied = self.copier.copy(
                ast.Call(func=value.func, args=args, keywords=value.keywords), env
            )
            assert isinstance(copied, ast.Call)
            self.super_call = copied
            return
        super()._expression_statement(value, env)

    def _assign(self, target: ast.expr, value: ast.expr, env: dict[str, ast.expr]) -> None:
        if isinstance(target, ast.Attribute) and _is_name(target.value, self.self_name):
            self.attributes[target.attr] = self.copier.copy(value, env)
            return
        super()._assign(target, value, env)


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_super_init(call: ast.Call, self_name: str) -> bool:
    """``super().__init__(...)``, ``super(C, self).__init__(...)`` or
    ``Base.__init__(self, ...)``."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__"):
        return False
    owner = func.value
    if isinstance(owner, ast.Call) and _is_name(owner.func, "super"):
        return True
    return bool(call.args) and _is_name(call.args[0], self_name)
