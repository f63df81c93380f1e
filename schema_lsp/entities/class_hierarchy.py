"""The workspace's class hierarchy as the declarative reader needs it: each class's MRO
through the workspace, its declarative base and metadata, where an attribute is bound, and
the attributes a class body declares (expanded through helpers)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .bases import (
    BaseInfo,
    base_from_call,
    base_from_class,
    read_convention,
    read_metadata,
)
from .evaluate import Evaluator
from .resolve import Definition, External
from .source import ParsedFile, class_body_scope, runtime_statements, unpacked
from .values import Unresolvable
from .wrappers import sqlalchemy_callee


@dataclass(slots=True)
class Attribute:
    """One attribute statement of a class body."""

    key: str
    file: ParsedFile
    target: ast.AST
    statement: ast.AST
    annotation: ast.expr | None
    value: ast.expr | None
    declared_attr: bool = False
    #: the class body it is written in
    owner: ast.ClassDef | None = None
    #: the value with a project helper call inlined (``inline.py``), once asked
    expanded: ast.expr | None = None
    #: why the helper call could not be followed
    expand_error: str | None = None


def _declared_lambda(statement: ast.Assign) -> ast.FunctionDef | None:
    """``name = declared_attr(lambda cls: value)`` as the decorated function it is."""
    value = statement.value
    if not (
        len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(value, ast.Call)
        and _is_declared_attr(value.func)
        and len(value.args) == 1
        and not value.keywords
        and isinstance(value.args[0], ast.Lambda)
    ):
        return None
    body = ast.copy_location(ast.Return(value=value.args[0].body), value.args[0].body)
    function = ast.FunctionDef(
        name=statement.targets[0].id,
        args=value.args[0].args,
        body=[body],
        decorator_list=[value.func],
        returns=None,
    )
    if sys.version_info >= (3, 12):
        function.type_params = []
    return ast.copy_location(function, statement)


def _is_declared_attr(decorator: ast.expr) -> bool:
    text = ast.unparse(decorator)
    return "declared_attr" in text


def _mangled(class_name: str, name: str) -> str:
    """``__name`` as written in ``class_name``'s body, as the class holds it."""
    if name.startswith("__") and not name.endswith("__") and class_name.strip("_"):
        return f"_{class_name.lstrip('_')}{name}"
    return name


def _body_names(node: ast.ClassDef) -> list[str]:
    names: list[str] = []
    for statement in runtime_statements(node.body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(statement.name)
        names.extend(target for target, _ in _assignments(statement))
    return names


def _assignments(statement: ast.stmt) -> list[tuple[str, ast.expr]]:
    """The plain ``name = value`` bindings of a class-body statement."""
    if isinstance(statement, ast.Assign):
        return [(t.id, statement.value) for t in statement.targets if isinstance(t, ast.Name)]
    if (
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and statement.value is not None
    ):
        return [(statement.target.id, statement.value)]
    return []


def _returned(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    for statement in reversed(function.body):
        if isinstance(statement, ast.Return):
            return statement.value
    return None


#: The module-level ``X.metadata.naming_convention = ...`` statements (file, target, value,
#: whether it is a whole assignment), or a callable giving those of the modules read so far.
MetadataAssignments = (
    Sequence[tuple[ParsedFile, ast.expr, ast.expr, bool]]
    | Callable[[], Sequence[tuple[ParsedFile, ast.expr, ast.expr, bool]]]
)


class ClassHierarchy:
    """Classes of the workspace, with their hierarchy worked out once."""

    def __init__(
        self, evaluator: Evaluator, metadata_assignments: MetadataAssignments = ()
    ) -> None:
        """``metadata_assignments`` are the module-level ``X.metadata.naming_convention =
        ...`` statements (they change X's metadata): of the workspace, and (as a callable)
        of the modules read so far, where a base and its convention often live."""
        self.evaluator = evaluator
        self._bases: dict[Definition, BaseInfo | None] = {}
        self._metadata_assignments = metadata_assignments
        self._sqlmodel_base: BaseInfo | None = None
        self._mros: dict[Definition, list[Definition]] = {}
        self._tablename_errors: dict[Definition, str] = {}
        #: a class body's plain assignments, by id of its ClassDef (``_scope_of``)
        self._scopes: dict[int, dict[str, ast.expr]] = {}

    def _dir(self, definition: Definition) -> list[str]:
        """``dir(cls)`` as far as the workspace says: every name the class bodies of its
        MRO bind, a private ``__name`` mangled as Python does (``_Mixin__name``)."""
        found: set[str] = set()
        for current in self._mro(definition):
            node = current.node
            assert isinstance(node, ast.ClassDef)
            for bound in _body_names(node):
                found.add(_mangled(node.name, bound))
        return sorted(found)

    def _binding(
        self, definition: Definition, attr: str, mangle: bool = True
    ) -> tuple[Definition, ast.FunctionDef | ast.expr] | None:
        """Where ``attr`` of a class is bound: the first class body of its MRO that binds
        it, and its last binding there (a method or the value assigned)."""
        for current in self._mro(definition):
            node = current.node
            assert isinstance(node, ast.ClassDef)
            last: ast.FunctionDef | ast.expr | None = None
            for statement in runtime_statements(node.body):
                if isinstance(statement, ast.FunctionDef):
                    held = _mangled(node.name, statement.name) if mangle else statement.name
                    if held == attr:
                        last = statement
                    continue
                for target, value in _assignments(statement):
                    if (_mangled(node.name, target) if mangle else target) == attr:
                        last = value
            if last is not None:
                return current, last
        return None

    def _class_value(self, attribute: Attribute) -> object:
        """The value of a class-body expression: names assigned earlier in the same body
        (``source=__tablename__``) mean those values, as in a class namespace."""
        previous = self.evaluator.class_scope
        self.evaluator.class_scope = self._scope_of(attribute)
        try:
            assert attribute.value is not None
            return self.evaluator.value(attribute.file, attribute.value)
        finally:
            self.evaluator.class_scope = previous

    def _scope_of(self, attribute: Attribute) -> dict[str, ast.expr]:
        owner = attribute.owner
        if owner is None:
            return {}
        scope = self._scopes.get(id(owner))
        if scope is None:
            scope = class_body_scope(owner)
            self._scopes[id(owner)] = scope
        return scope

    def _tablename_reason(self, definition: Definition) -> str:
        why = self._tablename_errors.get(definition)
        return f"its __tablename__ is computed: {why}" if why else "its __tablename__ is computed"

    def _mro(self, definition: Definition) -> list[Definition]:
        """Workspace classes in (approximate, depth-first) method resolution order."""
        cached = self._mros.get(definition)
        if cached is None:
            cached = self._mros[definition] = self._compute_mro(definition)
        return cached

    def _compute_mro(self, definition: Definition) -> list[Definition]:
        order: list[Definition] = []
        stack = [definition]
        while stack and len(order) < 200:
            current = stack.pop(0)
            if current in order:
                continue
            order.append(current)
            stack = self._parents(current) + stack
        return order

    def _parents(self, definition: Definition) -> list[Definition]:
        """Workspace classes a class derives from, including the ``cls=`` class of a
        ``declarative_base(cls=...)`` base (its attributes reach every model)."""
        node = definition.node
        assert isinstance(node, ast.ClassDef)
        parents: list[Definition] = []
        for base_node in node.bases:
            ref = self.evaluator.resolver.resolve(definition.file, base_node)
            if not isinstance(ref, Definition):
                continue
            if isinstance(ref.node, ast.ClassDef):
                parents.append(ref)
            elif isinstance(ref.node, ast.Call):
                for keyword in ref.node.keywords:
                    if keyword.arg != "cls":
                        continue
                    mixin = self.evaluator.resolver.resolve(ref.file, keyword.value)
                    if isinstance(mixin, Definition) and isinstance(mixin.node, ast.ClassDef):
                        parents.append(mixin)
        return parents

    def _base_of_class(self, definition: Definition) -> BaseInfo:
        if definition not in self._bases:
            base = base_from_class(self.evaluator, definition)
            self._apply_metadata_assignments(base, definition)
            self._bases[definition] = base
        found = self._bases[definition]
        assert found is not None
        return found

    def _base_of_call(self, definition: Definition) -> BaseInfo | None:
        if definition not in self._bases:
            assert isinstance(definition.node, ast.Call)
            base = base_from_call(self.evaluator, definition.file, definition.node)
            if base is not None:
                self._apply_metadata_assignments(base, definition)
            self._bases[definition] = base
        return self._bases[definition]

    def _sqlmodel(self) -> BaseInfo:
        if self._sqlmodel_base is None:
            self._sqlmodel_base = BaseInfo("sqlmodel")
            self._apply_metadata_assignments(self._sqlmodel_base, None)
        return self._sqlmodel_base

    def _apply_metadata_assignments(self, base: BaseInfo, owner: Definition | None) -> None:
        """``Base.metadata.naming_convention = {...}`` anywhere in the workspace (``owner``
        None: SQLModel's own metadata)."""
        found = self._metadata_assignments
        for file, target, value, whole in found() if callable(found) else found:
            ref = self.evaluator.resolver.resolve(file, target)
            if owner is None:
                matches = isinstance(ref, External) and ref.is_from("sqlmodel", "SQLModel")
            else:
                matches = ref == owner
            if not matches:
                continue
            if whole:
                base.metadata = read_metadata(self.evaluator, file, value)
            else:
                base.metadata.convention = read_convention(self.evaluator, file, value)

    def _expanded(self, attribute: Attribute) -> ast.expr | None:
        """The attribute's value, with a call to a project helper replaced by the
        expression it returns (``inline.py``); a helper that cannot be followed leaves the
        call and records why in ``expand_error``."""
        value = attribute.value
        if attribute.expanded is not None or attribute.expand_error is not None:
            return attribute.expanded or value
        if (
            not isinstance(value, ast.Call)
            or self.evaluator.inliner.function_of(attribute.file, value) is None
        ):
            return value
        if sqlalchemy_callee(self.evaluator.resolver, attribute.file, value) is not None:
            return value  # a forwarding wrapper: read as the call it forwards to
        previous = self.evaluator.class_scope
        self.evaluator.class_scope = self._scope_of(attribute)
        try:
            attribute.expanded = self.evaluator.inliner.inline(attribute.file, value)
        except Unresolvable as exc:
            attribute.expand_error = f"made by {ast.unparse(value.func)[:40]}(...): {exc}"
            return value
        finally:
            self.evaluator.class_scope = previous
        return attribute.expanded

    def _options_helper(self, file: ParsedFile, call: ast.Call) -> bool:
        """Whether ``call`` is a project function that returns only dict literals or None:
        table options (``mysql_engine``...), never a constraint or index."""
        function = self.evaluator.inliner.function_of(file, call)
        if function is None:
            return False
        returns = [n for n in ast.walk(function.node) if isinstance(n, ast.Return)]
        return bool(returns) and all(
            r.value is None
            or isinstance(r.value, ast.Dict)
            or (isinstance(r.value, ast.Constant) and r.value.value is None)
            for r in returns
        )

    def _attributes(self, file: ParsedFile, node: ast.ClassDef) -> list[Attribute]:
        attributes: list[Attribute] = []
        for statement in runtime_statements(node.body):
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                attributes.append(
                    Attribute(
                        statement.target.id,
                        file,
                        statement.target,
                        statement,
                        statement.annotation,
                        statement.value,
                        owner=node,
                    )
                )
            elif isinstance(statement, ast.Assign):
                function = _declared_lambda(statement)
                if function is not None:  # ``__tablename__ = declared_attr(lambda cls: ...)``
                    statement = function
                else:
                    for target in statement.targets:
                        for name, value in unpacked(target, statement.value):
                            attributes.append(
                                Attribute(name.id, file, name, statement, None, value, owner=node)
                            )
                    continue
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if not any(_is_declared_attr(d) for d in statement.decorator_list):
                    continue
                returned = _returned(statement)
                attributes.append(
                    Attribute(
                        statement.name,
                        file,
                        statement,
                        statement,
                        statement.returns,
                        returned,
                        declared_attr=True,
                        owner=node,
                    )
                )
        # A later statement for the same name replaces an earlier one in its first place,
        # as in a class namespace.
        last: dict[str, Attribute] = {}
        for attribute in attributes:
            last[attribute.key] = attribute
        return list(last.values())
