"""Static evaluation: turn model-source expressions into Python objects without running
user code.

Only literals, SQLAlchemy/SQLModel callables (called with evaluated arguments) and a few
standard-library names are ever evaluated; a workspace enum becomes a look-alike
``enum.Enum`` built from its literal members, another workspace class a named placeholder.
Anything else raises ``Unresolvable`` with the reason, which the caller turns into a note.
"""

from __future__ import annotations

import ast
import enum
import typing
from dataclasses import dataclass
from typing import Any

from .resolve import LOCAL_CLASS, Definition, External, ModuleRef, Resolver
from .source import ParsedFile, class_body_scope
from .values import (
    _ENUM_BASES,
    _ENUM_MIXINS,
    _MAX_DEPTH,
    _MISSING,
    _PYTHON_ERRORS,
    _REPR_ENUM,
    _REPR_ENUMS,
    _TYPE_LIBRARIES,
    MAX_LENGTH,
    MAX_STEPS,
    PARTIAL_PARAMETERS,
    UNKNOWN_PARAMETERS,
    VALUE,
    ColumnMeta,
    Placeholder,
    StaticObject,
    Unresolvable,
    _attribute,
    _binary,
    _bounded,
    _compare,
    _dir,
    _formatted_alike,
    _is_named,
    _is_sql,
    _is_type_class,
    _method,
    _Opaque,
    _plain,
    _pure_function,
    _returns_of,
    _sql_bool,
    _sql_operation,
    _text,
    _values_callable,
    bind_target,
    import_external,
    iterate,
    with_constants,
)

if typing.TYPE_CHECKING:
    from .compiles import CompileOverrides


class Evaluator:
    """Evaluates expressions of workspace files through a Resolver."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._enums: dict[str, type[enum.Enum] | None] = {}
        self._placeholders: dict[str, type] = {}
        self._aliases: dict[Definition, Any] = {}
        self._decorators: dict[Definition, Any] = {}
        #: per-module results keyed by (kind, id(file), expression text): see columns._memo
        self.memo: dict[tuple[str, int, str], Any] = {}
        #: ``Model.attr`` of a mapped class (``Other.__tablename__``), answered by the
        #: declarative reader; raises Unresolvable
        self.class_attribute: Any = None
        #: names assigned in the class body being read (a class namespace is searched
        #: before the module), set by the declarative reader while it reads one
        self.class_scope: dict[str, ast.expr] | None = None
        #: the project's ``@compiles`` overrides (``compiles.py``), None when it has none;
        #: set by the workspace before a file is read
        self.compile_overrides: CompileOverrides | None = None
        from .inline import Inliner

        self.inliner = Inliner(self)
        self._active = 0
        self._steps = 0
        #: the project runs SQLAlchemy 1.x (``modules.installed_sqlalchemy``)
        self.legacy_mapping = False

    def close(self) -> None:
        """Drop every cache (see ``DeclarativeReader.close``)."""
        for kept in (self._enums, self._placeholders, self._aliases, self._decorators, self.memo):
            kept.clear()
        self.resolver.close()

    # -- values -------------------------------------------------------------------------

    def value(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        """The value of a literal, a constant name, a SQLAlchemy call, or what a project
        helper computes from such values (within a step budget)."""
        if self._active == 0:
            self._steps = 0
        self._active += 1
        try:
            return self._value(file, expr, depth)
        except _PYTHON_ERRORS as exc:  # what the code would raise when run: unknown here
            raise Unresolvable(f"{_text(expr)} ({type(exc).__name__})") from exc
        finally:
            self._active -= 1

    def _spend(self) -> None:
        self._steps += 1
        if self._steps > MAX_STEPS:
            raise Unresolvable("too long to evaluate")

    def _value(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise Unresolvable("expression too deep")
        self._spend()
        if isinstance(expr, ast.Constant):
            return expr.value
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            items = [self.value(file, element, depth + 1) for element in expr.elts]
            if isinstance(expr, ast.Tuple):
                return tuple(items)
            return items if isinstance(expr, ast.List) else set(items)
        if isinstance(expr, ast.Dict):
            result: Any = {}
            for key_node, item in zip(expr.keys, expr.values, strict=False):
                if key_node is None:
                    merged = self.value(file, item, depth + 1)
                    if not isinstance(merged, dict):
                        raise Unresolvable("** of a non-dict")
                    result.update(merged)
                else:
                    result[self.value(file, key_node, depth + 1)] = self.value(
                        file, item, depth + 1
                    )
            return result
        if isinstance(expr, ast.UnaryOp):
            operand = self.value(file, expr.operand, depth + 1)
            if _is_sql(operand) and isinstance(expr.op, (ast.Not, ast.Invert, ast.USub)):
                return -operand if isinstance(expr.op, ast.USub) else ~operand
            if isinstance(expr.op, ast.Not):
                return not _plain(operand)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                if isinstance(expr.op, ast.USub):
                    return -operand
                if isinstance(expr.op, ast.UAdd):
                    return operand
                if isinstance(expr.op, ast.Invert) and isinstance(operand, int):
                    return ~operand
            raise Unresolvable("unary operator on a non-number")
        if isinstance(expr, ast.BinOp):
            left = self.value(file, expr.left, depth + 1)
            right = self.value(file, expr.right, depth + 1)
            return _binary(expr.op, left, right)
        if isinstance(expr, ast.BoolOp):
            result = None
            for position, operand_node in enumerate(expr.values):
                result = self.value(file, operand_node, depth + 1)
                if _is_sql(result):  # ``a == 1 and b == 2`` on columns: and_(...)
                    rest = [self.value(file, n, depth + 1) for n in expr.values[position + 1 :]]
                    return _sql_bool(expr.op, [result, *rest])
                truth = bool(_plain(result))
                if truth is isinstance(expr.op, ast.Or):
                    return result
            return result
        if isinstance(expr, ast.Compare):
            left = self.value(file, expr.left, depth + 1)
            if _is_sql(left) and len(expr.ops) == 1:  # ``state == "running"`` on a column
                return _sql_operation(expr.ops[0], left, self.value(file, expr.comparators[0]))
            for op, right_node in zip(expr.ops, expr.comparators, strict=True):
                right = self.value(file, right_node, depth + 1)
                if not _compare(op, left, right):
                    return False
                left = right
            return True
        if isinstance(expr, ast.IfExp):
            test = self.value(file, expr.test, depth + 1)
            return self.value(file, expr.body if _plain(test) else expr.orelse, depth + 1)
        if isinstance(expr, ast.JoinedStr):
            return self._joined(file, expr, depth + 1)
        if isinstance(expr, ast.Subscript):
            container = self.value(file, expr.value, depth + 1)
            if isinstance(expr.slice, ast.Slice):
                bounds = [
                    None if part is None else self.value(file, part, depth + 1)
                    for part in (expr.slice.lower, expr.slice.upper, expr.slice.step)
                ]
                key: Any = slice(*bounds)
            else:
                key = self.value(file, expr.slice, depth + 1)
            if isinstance(container, (str, tuple, list, dict, range)):
                return container[key]
            raise Unresolvable(f"indexing {type(container).__name__}")
        if isinstance(expr, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            items = self._comprehension(file, expr, depth + 1)
            return set(items) if isinstance(expr, ast.SetComp) else items
        if isinstance(expr, ast.DictComp):
            return dict(self._comprehension(file, expr, depth + 1))
        if isinstance(expr, ast.Name):
            return self.named_value(file, expr, depth + 1)
        if isinstance(expr, ast.Attribute):
            if self.resolver.resolve(file, expr) is not None:
                return self.named_value(file, expr, depth + 1)
            member = self._enum_member(file, expr)
            if member is not None:
                return getattr(member, expr.attr)
            holder = self.resolver.resolve(file, expr.value)
            if isinstance(holder, Definition) and isinstance(holder.node, ast.ClassDef):
                member = self.member(holder, expr.attr)
                if member is not None:
                    return member
                if self.class_attribute is None:
                    raise Unresolvable(f"{_text(expr)}")
                return self.class_attribute(holder, expr.attr)
            owner = self.value(file, expr.value, depth + 1)
            return _attribute(owner, expr.attr)
        if isinstance(expr, ast.Call):
            return self.call(file, expr, depth + 1)
        if isinstance(expr, ast.Lambda):
            return _values_callable(expr)
        raise Unresolvable(f"{type(expr).__name__} expression")

    def _enum_member(self, file: ParsedFile, expr: ast.Attribute) -> enum.Enum | None:
        """The member in ``Status.DRAFT.value`` / ``.name`` of a workspace enum (a
        ``str``-mixed one too, whose bare member reads as its value elsewhere)."""
        if expr.attr not in ("value", "name") or not isinstance(expr.value, ast.Attribute):
            return None
        holder = self.resolver.resolve(file, expr.value.value)
        if not (isinstance(holder, Definition) and isinstance(holder.node, ast.ClassDef)):
            return None
        return self.member(holder, expr.value.attr)

    def member(self, holder: Definition, attr: str) -> enum.Enum | None:
        """``Status.DONE`` of a workspace enum: the look-alike's member, not the literal
        its body assigns (how SQL stores a member depends on the column's type)."""
        synthetic = self.enum_class(holder)
        if synthetic is None or attr not in synthetic.__members__:
            return None
        return synthetic[attr]

    def _joined(self, file: ParsedFile, expr: ast.JoinedStr, depth: int) -> str:
        parts: list[str] = []
        for part in expr.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
                continue
            if not isinstance(part, ast.FormattedValue):
                raise Unresolvable("an f-string part")
            value = self.value(file, part.value, depth + 1)
            value = _formatted_alike(_plain(value))
            if not isinstance(value, (str, int, float)):
                raise Unresolvable(f"{type(value).__name__} in an f-string")
            if part.conversion == ord("r"):
                value = repr(value)
            elif part.conversion == ord("s"):
                value = str(value)
            elif part.conversion == ord("a"):
                value = ascii(value)
            spec = ""
            if part.format_spec is not None:
                spec = self._joined(file, part.format_spec, depth + 1)  # type: ignore[arg-type]
            parts.append(format(value, spec))
        return _bounded("".join(parts))

    def _comprehension(
        self,
        file: ParsedFile,
        expr: ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp,
        depth: int,
    ) -> list[Any]:
        """A comprehension over bounded values: each item is put in place of the target
        name as a constant, and the element (a dict's (key, value) pair) evaluated (no code
        runs)."""
        results: list[Any] = []

        def element(bindings: dict[str, Any]) -> Any:
            if isinstance(expr, ast.DictComp):
                key = self.value(file, with_constants(expr.key, bindings), depth + 1)
                return key, self.value(file, with_constants(expr.value, bindings), depth + 1)
            return self.value(file, with_constants(expr.elt, bindings), depth + 1)

        def walk(index: int, bindings: dict[str, Any]) -> None:
            if index == len(expr.generators):
                results.append(element(bindings))
                if len(results) > MAX_LENGTH:
                    raise Unresolvable("too many items")
                return
            generator = expr.generators[index]
            if generator.is_async:
                raise Unresolvable("an async comprehension")
            iterable = self.value(file, with_constants(generator.iter, bindings), depth + 1)
            for item in iterate(iterable):
                bound = dict(bindings)
                bind_target(generator.target, item, bound)
                if all(
                    _plain(self.value(file, with_constants(test, bound), depth + 1))
                    for test in generator.ifs
                ):
                    walk(index + 1, bound)

        walk(0, {})
        return results

    def value_in_class(self, owner: Definition, expr: ast.expr) -> Any:
        """The value of ``expr`` written in the body of the class ``owner``: a bare name
        means what that body bound before it (``impl = UUIDChar``, a nested class)."""
        assert isinstance(owner.node, ast.ClassDef)
        previous = self.class_scope
        self.class_scope = class_body_scope(owner.node)
        try:
            return self.value(owner.file, expr)
        finally:
            self.class_scope = previous

    def _nested_class(self, file: ParsedFile, expr: ast.AST) -> Definition | None:
        """A class defined in the body of the class being read (``class Kind(enum.Enum)``
        nested in a model), named bare in that body."""
        scope = self.class_scope
        if isinstance(expr, ast.Name) and scope:
            node = scope.get(expr.id)
            if isinstance(node, ast.ClassDef):
                return Definition(file, node.name, node)
        return None

    def named_value(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        known = getattr(expr, VALUE, _MISSING)
        if isinstance(known, Unresolvable):  # a value known not to be knowable, and why
            raise known
        if known is not _MISSING:
            return known
        local = getattr(expr, LOCAL_CLASS, None)
        if local is not None:  # a class a helper defined, named bare
            return self.project_type(local.file, None, local)
        ref = self._nested_class(file, expr) or self.resolver.resolve(file, expr)
        if isinstance(ref, External):
            return import_external(ref.name)
        if isinstance(ref, Definition):
            if isinstance(ref.node, ast.ClassDef):
                synthetic = self.enum_class(ref)
                if synthetic is None:
                    return self.project_type(ref.file, None, ref)
                return synthetic
            if isinstance(ref.node, ast.FunctionDef):
                raise Unresolvable(f"{ref.name} is a function")
            return self.value(ref.file, ref.node, depth + 1)
        if isinstance(ref, ModuleRef):
            raise Unresolvable("a module is not a value")
        scope = self.class_scope
        if isinstance(expr, ast.Name) and scope and expr.id in scope:
            # read in the class body too (``{"A": A}`` after ``A, B = range(2)``), but
            # not as itself: ``x = x + 1`` reads the module's ``x``
            self.class_scope = {k: v for k, v in scope.items() if k != expr.id}
            try:
                return self.value(file, scope[expr.id], depth + 1)
            finally:
                self.class_scope = scope
        if isinstance(expr, ast.Attribute) and self.class_attribute is not None:
            owner = self.resolver.resolve(file, expr.value)
            if isinstance(owner, Definition) and isinstance(owner.node, ast.ClassDef):
                member = self.member(owner, expr.attr)
                if member is not None:
                    return member
                return self.class_attribute(owner, expr.attr)
        raise Unresolvable(f"unknown name {_text(expr)}")

    def callee(self, file: ParsedFile, call: ast.Call) -> External | Definition | None:
        ref = self.resolver.resolve(file, call.func)
        return ref if isinstance(ref, (External, Definition)) else None

    def call(self, file: ParsedFile, expr: ast.Call, depth: int = 0) -> Any:
        ref = self.callee(file, expr)
        function: Any
        bound = getattr(expr.func, VALUE, _MISSING)
        if isinstance(bound, StaticObject):  # ``super()`` inside a type's method
            return bound.method("__call__")()
        if (isinstance(ref, Definition) and isinstance(ref.node, ast.FunctionDef)) or (
            ref is None and self.inliner.function_of(file, expr) is not None
        ):
            # a project helper (or a class's classmethod): the expression it returns, with
            # the arguments in place
            return self.value(file, self.inliner.inline(file, expr), depth + 1)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
            return self.project_type(file, expr, ref)
        if isinstance(expr.func, ast.Call) and self.inliner.function_of(file, expr.func):
            # ``UrlString(String)(length=512)``: a class the helper defines, called
            made = self.inliner.inline(file, expr.func)
            local = getattr(made, LOCAL_CLASS, None)
            if local is None:
                raise Unresolvable(f"{_text(expr.func)} does not return a class of its own")
            return self.project_type(file, expr, local)
        if ref is None and isinstance(expr.func, ast.Attribute):
            # a method of a value we built: ``String(5).with_variant(...)``, ``"x".lower()``,
            # ``PATTERN.sub(...)``
            owner = self.value(file, expr.func.value, depth + 1)
            function = _method(owner, expr.func.attr)
        elif isinstance(ref, External) and ref.name.partition(".")[0] in _TYPE_LIBRARIES:
            function = import_external(ref.name)
        elif isinstance(ref, External) and ref.name == "builtins.dir":
            function = _dir
        elif isinstance(ref, External) and _pure_function(ref.name):
            function = _pure_function(ref.name)
        else:
            raise Unresolvable(f"call to {_text(expr.func)}")
        args = []
        for arg in expr.args:
            if isinstance(arg, ast.Starred):
                args.extend(self.value(file, arg.value, depth + 1))
            else:
                args.append(self.value(file, arg, depth + 1))
        kwargs: dict[str, Any] = {}
        unknown: dict[str, str] = {}  # a type parameter only a spread could set: why not known
        for keyword in expr.keywords:
            if keyword.arg is None:
                try:
                    kwargs.update(self.value(file, keyword.value, depth + 1))
                except Unresolvable as exc:
                    keys = self.possible_keys(file, keyword.value)
                    if not (_is_type_class(function) and keys and keys <= PARTIAL_PARAMETERS):
                        raise
                    unknown.update(dict.fromkeys(sorted(keys), str(exc)))
            else:
                kwargs[keyword.arg] = self.value(file, keyword.value, depth + 1)
        try:
            result = function(*args, **kwargs)
        except Unresolvable:
            raise
        except Exception as exc:
            raise Unresolvable(f"{_text(expr.func)}(...) rejected: {exc}") from exc
        if unknown:
            # ``String(250, **COLLATION_ARGS)`` with a collation from run-time configuration:
            # the type is known but for that parameter (``columns.py`` compares the rest)
            setattr(
                result, UNKNOWN_PARAMETERS, {**getattr(result, UNKNOWN_PARAMETERS, {}), **unknown}
            )
        return _bounded(result)

    def possible_keys(self, file: ParsedFile, node: ast.expr, depth: int = 0) -> set[str] | None:
        """The keys a dict spread (``**COLLATION_ARGS``) can hold whatever runs: those of
        the dict literals the name or helper gives on every path; None when not known."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Dict):
            keys: set[str] = set()
            for key, item in zip(node.keys, node.values, strict=False):
                if key is None:
                    inner = self.possible_keys(file, item, depth + 1)
                    if inner is None:
                        return None
                    keys |= inner
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys.add(key.value)
                else:
                    return None
            return keys
        if isinstance(node, (ast.Name, ast.Attribute)):
            ref = self.resolver.resolve(file, node)
            if isinstance(ref, Definition) and isinstance(ref.node, ast.expr):
                return self.possible_keys(ref.file, ref.node, depth + 1)
            return None
        if isinstance(node, ast.Call):
            ref = self.resolver.resolve(file, node.func)
            if not (isinstance(ref, Definition) and isinstance(ref.node, ast.FunctionDef)):
                return None
            found: set[str] = set()
            for returned in _returns_of(ref.node):
                if returned is None:
                    return None
                keys_here = self.possible_keys(ref.file, returned, depth + 1)
                if keys_here is None:
                    return None
                found |= keys_here
            return found
        return None

    # -- classes ------------------------------------------------------------------------

    def project_type(self, file: ParsedFile, call: ast.Call | None, definition: Definition) -> Any:
        """What a project ``TypeDecorator`` subclass creates in the database (``call``
        None: the class named bare), a type or SQL function the project compiles itself
        (``compiles.py``, ``sql_functions.py``), a plain subclass of a SQLAlchemy type;
        any other project class is unknown."""
        from .custom_types import decorator_chain, instantiate
        from .sql_functions import project_element

        if self.compile_overrides is not None:
            compiled = self.compile_overrides.project_type(self, file, call, definition)
            if compiled is not None:
                return compiled
        chain = decorator_chain(self, definition)
        if chain is None:
            element = project_element(self, file, call, definition)
            if element is not None:
                return element
            return self._subclassed_type(file, call, definition)
        if call is not None:
            return instantiate(self, file, call, definition, chain)
        cached = self._decorators.get(definition)
        if cached is None:
            try:
                cached = instantiate(self, file, None, definition, chain)
            except Unresolvable as exc:
                cached = exc
            self._decorators[definition] = cached
        if isinstance(cached, Unresolvable):
            raise cached
        return cached

    def _subclassed_type(
        self, file: ParsedFile, call: ast.Call | None, definition: Definition
    ) -> Any:
        """A project subclass of a SQLAlchemy type that changes only how values are
        processed (``class GalaxyLargeBinary(LargeBinary)`` overriding a processor): the
        database holds the SQLAlchemy type it extends, built with the same arguments."""
        from .custom_types import plain_type_base

        base = plain_type_base(self, definition)
        if base is None:
            raise Unresolvable(f"{definition.name} is a custom class")
        args = [self.value(file, a) for a in call.args] if call is not None else []
        kwargs = {
            k.arg: self.value(file, k.value) for k in (call.keywords if call else ()) if k.arg
        }
        try:
            return base(*args, **kwargs)
        except Exception as exc:
            raise Unresolvable(f"{definition.name}(...) rejected: {exc}") from exc

    def enum_class(self, definition: Definition, depth: int = 0) -> type[enum.Enum] | None:
        """A look-alike of a workspace ``enum.Enum`` subclass (same name, member names and
        literal values), or None when the class is not an enum."""
        key = definition.qualname
        if key in self._enums:
            return self._enums[key]
        self._enums[key] = None  # cycles
        node = definition.node
        if not isinstance(node, ast.ClassDef) or depth > _MAX_DEPTH:
            return None
        is_enum = False
        mixin: type | None = None  # ``class Status(str, Enum)``: members are strings too
        formats_as_value = False
        flag = False  # ``Flag``/``IntFlag``: members combine with ``|``
        for base in node.bases:
            ref = self.resolver.resolve(definition.file, base)
            if isinstance(ref, External) and ref.is_from("enum", *_ENUM_BASES):
                is_enum = True
                mixin = mixin or _ENUM_MIXINS.get(ref.name.rpartition(".")[2])
                formats_as_value = formats_as_value or ref.is_from("enum", *_REPR_ENUMS)
                flag = flag or ref.is_from("enum", "Flag", "IntFlag")
            elif isinstance(ref, External) and ref.name in ("builtins.str", "builtins.int"):
                mixin = str if ref.name == "builtins.str" else int
            elif isinstance(base, ast.Name) and base.id in ("str", "int") and ref is None:
                mixin = str if base.id == "str" else int
            elif isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
                parent = self.enum_class(ref, depth + 1)
                is_enum = is_enum or parent is not None
                if parent is not None and issubclass(parent, (str, int)):
                    mixin = mixin or (str if issubclass(parent, str) else int)
                if parent is not None and issubclass(parent, _REPR_ENUM):
                    formats_as_value = True
                flag = flag or (parent is not None and issubclass(parent, enum.Flag))
        if not is_enum:
            return None
        members: list[tuple[str, Any]] = []
        counter = 0
        for statement in node.body:
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
                continue
            target = statement.targets[0]
            if not isinstance(target, ast.Name) or target.id.startswith("_"):
                continue
            counter += 1
            try:
                member_value = self.value(definition.file, statement.value)
            except Unresolvable:
                member_value = _Opaque(target.id, counter)
            if isinstance(statement.value, ast.Call) and ast.unparse(statement.value.func).endswith(
                "auto"
            ):
                member_value = self._auto_value(definition, target.id, counter)
                if flag and type(member_value) is int:
                    member_value = 1 << (counter - 1)  # a Flag's auto() counts in bits
            members.append((target.id, member_value))
        if mixin is not None and not all(type(v) is mixin for _, v in members):
            mixin = None  # a member the look-alike cannot hold as that type
        try:
            synthetic = _look_alike(node.name, members, mixin, formats_as_value, flag)
        except (TypeError, ValueError):
            return None
        synthetic.__qualname__ = node.name
        self._enums[key] = synthetic
        return synthetic

    def _auto_value(self, definition: Definition, name: str, counter: int) -> Any:
        """What ``auto()`` gives member ``name``: the enum's own ``_generate_next_value_``
        when it returns the name (or ``name.lower()``), ``StrEnum``'s lowercase name, else
        the running number; another generator is not read."""
        current: Definition | None = definition
        for _ in range(_MAX_DEPTH):
            if current is None or not isinstance(current.node, ast.ClassDef):
                break
            node = current.node
            for statement in node.body:
                if (
                    isinstance(statement, ast.FunctionDef)
                    and statement.name == "_generate_next_value_"
                ):
                    return _generated_value(statement, name, counter)
            parent: Definition | None = None
            for base in node.bases:
                ref = self.resolver.resolve(current.file, base)
                if isinstance(ref, External) and ref.is_from("enum", "StrEnum"):
                    return name.lower()
                if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
                    parent = parent or ref
            current = parent
        return counter

    def placeholder(self, name: str) -> type:
        """A stand-in class for a workspace class or an unknown outside type, one per name,
        so type maps keyed by it still match."""
        if name not in self._placeholders:
            self._placeholders[name] = type(
                name.rpartition(".")[2], (Placeholder,), {"__sa_qualname__": name}
            )
        return self._placeholders[name]

    # -- annotations --------------------------------------------------------------------

    def python_type(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        """The typing object an annotation spells (``Mapped[Optional[str]]``, aliases,
        ``Annotated[...]`` with ``mapped_column`` metadata kept as ``ColumnMeta``)."""
        try:
            return self._python_type(file, expr, depth)
        except _PYTHON_ERRORS as exc:
            raise Unresolvable(f"annotation {ast.unparse(expr)[:60]}") from exc

    def _python_type(self, file: ParsedFile, expr: ast.AST, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise Unresolvable("annotation too deep")
        if isinstance(expr, ast.Constant):
            if expr.value is None:
                return type(None)
            if isinstance(expr.value, str):
                try:
                    parsed = ast.parse(expr.value.strip(), mode="eval").body
                except SyntaxError as exc:
                    raise Unresolvable("unparsable string annotation") from exc
                return self.python_type(file, parsed, depth + 1)
            raise Unresolvable("literal annotation")
        if isinstance(expr, (ast.Name, ast.Attribute)):
            ref = self._nested_class(file, expr) or self.resolver.resolve(file, expr)
            if isinstance(ref, External):
                try:
                    return import_external(ref.name)
                except Unresolvable:
                    return self.placeholder(ref.name)
            if isinstance(ref, Definition):
                if isinstance(ref.node, ast.ClassDef):
                    return self.enum_class(ref) or self._class_placeholder(ref)
                if ref in self._aliases:
                    return self._aliases[ref]
                if isinstance(ref.node, ast.Call):
                    alias = self._call_type(ref.file, ref.node, depth + 1)
                else:
                    alias = self.python_type(ref.file, ref.node, depth + 1)
                self._aliases[ref] = alias
                return alias
            raise Unresolvable(f"unknown name {ast.unparse(expr)}")
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            left = self.python_type(file, expr.left, depth + 1)
            right = self.python_type(file, expr.right, depth + 1)
            return typing.Union[left, right]  # noqa: UP007
        if isinstance(expr, ast.Subscript):
            origin = self.python_type(file, expr.value, depth + 1)
            elements = expr.slice.elts if isinstance(expr.slice, ast.Tuple) else [expr.slice]
            if origin is typing.Literal or _is_named(origin, "Literal"):
                args = tuple(self.value(file, element) for element in elements)
            elif origin is typing.Annotated or _is_named(origin, "Annotated"):
                first = self.python_type(file, elements[0], depth + 1)
                metadata = tuple(self._metadata(file, element) for element in elements[1:])
                args = (first, *metadata)
            else:
                args = tuple(self.python_type(file, element, depth + 1) for element in elements)
            try:
                return origin[args if len(args) > 1 else args[0]]
            except Exception as exc:
                raise Unresolvable(f"annotation {ast.unparse(expr)}") from exc
        if isinstance(expr, ast.Call):
            return self._call_type(file, expr, depth + 1)
        raise Unresolvable(f"annotation {ast.unparse(expr)}")

    def _call_type(self, file: ParsedFile, call: ast.Call, depth: int) -> Any:
        """``NewType("Name", base)`` is the only call that makes a type statically; like
        SQLAlchemy, a type map must name it (it does not fall back to its base)."""
        ref = self.callee(file, call)
        if isinstance(ref, External) and ref.is_from("typing", "NewType") and len(call.args) == 2:
            name = self.value(file, call.args[0])
            base = self.python_type(file, call.args[1], depth + 1)
            return typing.NewType(str(name), base)
        raise Unresolvable(f"type made by {ast.unparse(call.func)}(...)")

    def _metadata(self, file: ParsedFile, expr: ast.expr) -> Any:
        if isinstance(expr, ast.Call):
            ref = self.callee(file, expr)
            if isinstance(ref, External) and ref.is_sqlalchemy("mapped_column"):
                return ColumnMeta(file.path, expr.lineno, expr.col_offset, file, expr)
        try:
            value = self.value(file, expr)
            hash(value)
            return value
        except (Unresolvable, TypeError):
            return _SourceMeta(file.path, ast.unparse(expr))

    def _class_placeholder(self, definition: Definition) -> type:
        return self.placeholder(definition.qualname)


@dataclass(frozen=True)
class _SourceMeta:
    """Annotated metadata we cannot evaluate, compared by its source text."""

    path: str
    text: str


def _generated_value(function: ast.FunctionDef, name: str, counter: int) -> Any:
    """A ``_generate_next_value_(name, ...)`` that returns its name, or its lowercase."""
    parameters = [*function.args.posonlyargs, *function.args.args]
    first = parameters[0].arg if parameters else None
    body = [s for s in function.body if not _is_docstring(s)]
    if len(body) == 1 and isinstance(body[0], ast.Return) and first is not None:
        returned = body[0].value
        if isinstance(returned, ast.Name) and returned.id == first:
            return name
        if (
            isinstance(returned, ast.Call)
            and isinstance(returned.func, ast.Attribute)
            and returned.func.attr in ("lower", "upper")
            and isinstance(returned.func.value, ast.Name)
            and returned.func.value.id == first
            and not returned.args
        ):
            return getattr(name, returned.func.attr)()
    return _Opaque(name, counter)


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _look_alike(
    name: str,
    members: list[tuple[str, Any]],
    mixin: type | None,
    formats_as_value: bool,
    flag: bool = False,
) -> type[enum.Enum]:
    """An enum of ``members`` that formats as the workspace enum does: an ``IntEnum``
    (or ``StrEnum``) member as its value, a member of ``(str, Enum)`` as ``Name.MEMBER``;
    a ``Flag``'s members combine."""
    if flag:
        return enum.IntFlag(name, members) if mixin is int else enum.Flag(name, members)  # type: ignore[return-value]
    if formats_as_value and mixin is int:
        return enum.IntEnum(name, members)  # type: ignore[return-value]
    if formats_as_value and mixin is str and hasattr(enum, "StrEnum"):
        return enum.StrEnum(name, members)  # type: ignore[no-any-return]
    return enum.Enum(name, members, type=mixin)  # type: ignore[return-value]
