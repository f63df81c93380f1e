"""Mapped classes: SQLAlchemy declarative (2.0 ``Mapped``/``mapped_column`` and legacy
``Column``), SQLModel ``table=True`` models, mixins, abstract bases and inheritance.

A class gets its own table when it (or a mixin's ``declared_attr``) names one; a subclass
of a mapped class without a table name adds its columns to the parent's table (single-table
inheritance). Columns come from the class body first, then from mixins and abstract bases
in MRO order, each pointing at the line where it is written.
"""

from __future__ import annotations

import ast
import enum
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from .bases import (
    BaseInfo,
    MetadataInfo,
    base_from_call,
    base_from_class,
    base_from_registry,
    read_convention,
    read_metadata,
    unknown_metadata,
)
from .columns import (
    NOT_COLUMNS,
    AnnotationInfo,
    ColumnCall,
    ColumnContext,
    build_column,
    read_annotation,
    read_call,
)
from .constraints import constraint_kind, read_table_item
from .evaluate import Evaluator
from .model import Note, NoteReason
from .resolve import Definition, External
from .source import ParsedFile, class_body_scope, runtime_statements, unpacked
from .sqlmodel import field_column
from .tables import ColumnDraft, TableDraft
from .values import VALUE, ClassValue, TableValue, Unresolvable, with_constants
from .wrappers import sqlalchemy_callee

_log = logging.getLogger(__name__)
#: Outside packages whose classes are never a model's unknown declarative base.
_KNOWN_OUTSIDE = frozenset(
    {"sqlalchemy", "sqlmodel", "builtins", "typing", "abc", "enum", "dataclasses", "pydantic"}
)
_DECLARATIVE_BASES = ("DeclarativeBase", "DeclarativeBaseNoMeta")
_SKIPPED_ATTRIBUTES = frozenset(
    {
        "__tablename__",
        "__table_args__",
        "__mapper_args__",
        "__abstract__",
        "__table__",
        "metadata",
        "registry",
        "type_annotation_map",
        "model_config",
        "__allow_unmapped__",
        "__slots__",
        "__sa_dataclass_metadata_key__",
    }
)


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


@dataclass
class ClassInfo:
    definition: Definition
    base: BaseInfo | None = None
    is_base: bool = False
    abstract: bool = False
    #: (name, schema) of the table this class maps to (its own or, for single-table
    #: inheritance, its parent's); None when not mapped or unknown.
    table: tuple[str, str | None] | None = None
    own_table: bool = False
    parent: ClassInfo | None = None
    attributes: list[Attribute] = field(default_factory=list)
    unmapped_reason: str | None = None
    #: ``__table__ = Table(...)`` in the class body: read as an imperative table
    table_call: ast.Call | None = None
    #: set when the base is outside the workspace: said once on the entity
    base_note: str | None = None
    #: bases written in the class that could not be found (nor known as a library's)
    unknown_bases: list[str] = field(default_factory=list)


@dataclass
class Extension:
    """Columns a single-table-inheritance subclass adds to its parent's table."""

    table: tuple[str, str | None]
    draft: TableDraft


class DeclarativeReader:
    """Reads mapped classes; one instance per workspace build (it caches class facts)."""

    def __init__(
        self,
        evaluator: Evaluator,
        metadata_assignments: Sequence[tuple[ParsedFile, ast.expr, ast.expr, bool]]
        | Callable[[], Sequence[tuple[ParsedFile, ast.expr, ast.expr, bool]]] = (),
    ) -> None:
        """``metadata_assignments`` are the module-level ``X.metadata.naming_convention =
        ...`` statements (they change X's metadata): of the workspace, and (as a callable)
        of the modules read so far, where a base and its convention often live."""
        self.evaluator = evaluator
        self.context = ColumnContext(
            evaluator, self.table_of, self.column_name_of, metadata_of=self.metadata_of
        )
        self._infos: dict[Definition, ClassInfo] = {}
        self._bases: dict[Definition, BaseInfo | None] = {}
        self._metadata_assignments = metadata_assignments
        self._sqlmodel_base: BaseInfo | None = None
        self._annotations: dict[tuple[int, str], AnnotationInfo | Unresolvable] = {}
        #: ``_is_relationship`` by ``id`` of an annotation kept alive in ``_annotations``
        self._relationships: dict[int, bool] = {}
        self._mros: dict[Definition, list[Definition]] = {}
        self._tablename_errors: dict[Definition, str] = {}
        self._table_args_values: dict[tuple[Definition, int], ast.expr | Unresolvable | None] = {}
        #: a class body's plain assignments, by id of its ClassDef (``_scope_of``)
        self._scopes: dict[int, dict[str, ast.expr]] = {}
        #: classes that look mapped but could not be read (no entity to attach them to)
        self.notes: list[Note] = []
        evaluator.class_attribute = self._class_attribute

    def close(self) -> None:
        """Drop every cache. The reader's caches and callbacks refer to each other and to
        the files read; cleared, a replaced file's syntax tree is freed at once rather than
        waiting for the cyclic collector."""
        for cache in (self._infos, self._bases, self._annotations, self._relationships):
            cache.clear()
        self._mros.clear()
        self._scopes.clear()
        self._tablename_errors.clear()
        self._table_args_values.clear()
        self.evaluator.close()
        self.context.local_names.clear()
        self.context._kinds.clear()
        self.context.table_of = _closed  # these were bound to self: a cycle
        self.context.column_name_of = _closed
        self.context.metadata_of = _closed
        self.evaluator.class_attribute = None
        self.evaluator.class_scope = None
        self.context.current_class = None

    # -- facts about classes ------------------------------------------------------------

    def info(self, definition: Definition) -> ClassInfo:
        if definition in self._infos:
            return self._infos[definition]
        info = ClassInfo(definition)
        self._infos[definition] = info  # cycles end here
        node = definition.node
        assert isinstance(node, ast.ClassDef)
        info.attributes = list(self._attributes(definition.file, node))
        own = {a.key: a for a in info.attributes}
        info.abstract = _is_true(own.get("__abstract__"))
        is_sqlmodel_table = any(
            k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        )
        unknown_bases = info.unknown_bases
        for base_node in node.bases:
            ref = self.evaluator.resolver.resolve(definition.file, base_node)
            if ref is None or (
                isinstance(ref, External) and ref.name.partition(".")[0] not in _KNOWN_OUTSIDE
            ):
                unknown_bases.append(ast.unparse(base_node))
            if isinstance(ref, External):
                if ref.is_sqlalchemy(*_DECLARATIVE_BASES):
                    info.is_base = True
                    info.base = self._base_of_class(definition)
                elif ref.is_from("sqlmodel", "SQLModel"):
                    info.base = info.base or self._sqlmodel()
            elif isinstance(ref, Definition):
                if isinstance(ref.node, ast.ClassDef):
                    parent = self.info(ref)
                    if parent.base is not None and info.base is None:
                        info.base = parent.base
                    if parent.table is not None and info.parent is None:
                        info.parent = parent
                elif isinstance(ref.node, ast.Call):
                    base = self._base_of_call(ref)
                    if base is not None:
                        info.base = base
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            ref = self.evaluator.resolver.resolve(definition.file, target)
            if isinstance(ref, External) and ref.is_sqlalchemy("as_declarative"):
                info.is_base = True
                info.base = BaseInfo("sqlalchemy")
            elif (
                isinstance(target, ast.Attribute)
                and target.attr in ("mapped", "mapped_as_dataclass")
                and info.base is None
            ):
                registry_ref = self.evaluator.resolver.resolve(definition.file, target.value)
                if isinstance(registry_ref, Definition) and isinstance(registry_ref.node, ast.Call):
                    info.base = base_from_registry(
                        self.evaluator, registry_ref.file, registry_ref.node
                    )
        if (
            info.base is None
            and unknown_bases
            and not info.abstract
            and ("__tablename__" in own or "__table__" in own)
        ):
            # A model whose base lives outside the workspace: what is written explicitly
            # is still checked; the base's conventions and type map are unknown.
            info.base = BaseInfo("sqlalchemy", metadata=unknown_metadata(), outside=True)
            info.base_note = (
                f"what the base class {', '.join(unknown_bases)} decides (constraint names, "
                f"types from annotations, columns and keys it adds): {_NOT_FOUND}"
            )
        if info.base is None or info.is_base or info.abstract:
            return info
        if info.base.kind == "sqlmodel" and not is_sqlmodel_table:
            return info
        info.table = self._table_name(info, own, is_sqlmodel_table)
        if info.table is not None and info.own_table:
            try:
                info.table = self._init_subclass_name(info.definition, info.table)
            except Unresolvable as exc:
                info.table = None
                info.unmapped_reason = f"its __tablename__ is changed by __init_subclass__ ({exc})"
        return info

    def _init_subclass_name(
        self, definition: Definition, table: tuple[str, str | None]
    ) -> tuple[str, str | None]:
        """A base's ``__init_subclass__`` that sets ``cls.__tablename__`` (Fief prefixes
        every name) runs for each subclass: its assignment evaluated with ``cls`` standing
        for the class and the name it had."""
        name = table[0]
        for ancestor in self._mro(definition)[1:]:
            node = ancestor.node
            assert isinstance(node, ast.ClassDef)
            hook = next(
                (
                    s
                    for s in node.body
                    if isinstance(s, ast.FunctionDef) and s.name == "__init_subclass__"
                ),
                None,
            )
            if hook is None or not hook.args.args:
                continue
            cls = hook.args.args[0].arg
            for statement in ast.walk(hook):
                if not (
                    isinstance(statement, ast.Assign)
                    and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Attribute)
                    and statement.targets[0].attr == "__tablename__"
                    and isinstance(statement.targets[0].value, ast.Name)
                    and statement.targets[0].value.id == cls
                ):
                    continue
                current = name

                def attribute(attr: str, current: str = current) -> object:
                    if attr == "__tablename__":
                        return current
                    return self._class_attribute(definition, attr)

                stand_in = ClassValue(definition.name, definition.qualname, attribute)
                value = self.evaluator.value(
                    ancestor.file, with_constants(statement.value, {cls: stand_in})
                )
                if not isinstance(value, str):
                    raise Unresolvable("it is not a string")
                name = value
        return name, table[1]

    def _table_name(
        self, info: ClassInfo, own: dict[str, Attribute], sqlmodel_table: bool
    ) -> tuple[str, str | None] | None:
        node = info.definition.node
        assert isinstance(node, ast.ClassDef)
        schema = self._schema(info)
        explicit = own.get("__tablename__")
        table_attribute = own.get("__table__")
        if explicit is None and table_attribute is not None:
            if isinstance(table_attribute.value, ast.Call):
                info.table_call = table_attribute.value
            info.unmapped_reason = "__table__ is read as an imperative Table"
            return None
        if explicit is not None:
            name = self._tablename_value(explicit, info.definition)
            if name is None:
                info.unmapped_reason = self._tablename_reason(info.definition)
                return None
            info.own_table = True
            return name, schema
        inherited = self._inherited_tablename(info.definition)
        if inherited is not None:
            attribute, from_mapped = inherited
            if attribute.declared_attr or not from_mapped:
                own_columns = [a for a in info.attributes if a.key not in _SKIPPED_ATTRIBUTES]
                if info.parent is None or own_columns:
                    name = self._tablename_value(attribute, info.definition)
                    if name is None:
                        info.unmapped_reason = self._tablename_reason(info.definition)
                        return None
                    info.own_table = True
                    return name, schema
        if sqlmodel_table and info.parent is None:
            info.own_table = True
            return node.name.lower(), schema
        # Flask-SQLAlchemy names the table after the class unless the class only extends
        # a mapped parent (no primary key of its own: single-table inheritance).
        if (
            info.base is not None
            and info.base.kind == "flask"
            and (inherited is None or (inherited[1] and not inherited[0].declared_attr))
            and (info.parent is None or _declares_primary_key(info.attributes))
        ):
            info.own_table = True
            return _snake_case(node.name), schema
        if info.parent is not None:
            return info.parent.table
        info.unmapped_reason = "it has no __tablename__"
        return None

    def _inherited_tablename(self, definition: Definition) -> tuple[Attribute, bool] | None:
        for ref in self._parents(definition):
            parent = self.info(ref)
            for attribute in parent.attributes:
                if attribute.key == "__tablename__":
                    return attribute, parent.table is not None
            found = self._inherited_tablename(ref)
            if found is not None:
                return found[0], found[1] or parent.table is not None
        return None

    def _tablename_value(self, attribute: Attribute, definition: Definition) -> str | None:
        """A ``__tablename__``: a value, or a ``declared_attr`` function evaluated with
        ``cls`` standing for the mapped class (its name, a regex from another module...)."""
        try:
            return self._tablename(attribute, definition)
        except Unresolvable as exc:
            self._tablename_errors[definition] = str(exc)
            return None

    def _tablename(self, attribute: Attribute, definition: Definition) -> str | None:
        node = definition.node
        assert isinstance(node, ast.ClassDef)
        function = attribute.statement
        if attribute.declared_attr and isinstance(function, ast.FunctionDef):
            cls = self._cls_name(definition, function)
            expression = self.evaluator.inliner.inline_body(
                attribute.file, function, {cls.id: cls}, function
            )
            value = self.evaluator.value(attribute.file, expression)
        elif attribute.value is None:
            return None
        else:
            value = self._class_value(attribute)
        if not isinstance(value, str):
            raise Unresolvable(f"it is a {type(value).__name__}, not a string")
        return value

    def _cls_name(self, definition: Definition, function: ast.FunctionDef) -> ast.Name:
        """The first parameter of a ``declared_attr`` (``cls``) as a name standing for the
        mapped class being read."""
        node = definition.node
        assert isinstance(node, ast.ClassDef)
        parameters = [*function.args.posonlyargs, *function.args.args]
        name = ast.Name(id=parameters[0].arg if parameters else "cls", ctx=ast.Load())

        def attribute(attr: str) -> object:
            return self._class_attribute(definition, attr)

        def names() -> list[str]:
            return self._dir(definition)

        def syntax(attr: str, site: ast.AST, site_file: ParsedFile) -> ast.expr:
            return self._attribute_syntax(definition, attr, site, site_file)

        stand_in = ClassValue(node.name, definition.qualname, attribute, names, syntax)
        setattr(name, VALUE, stand_in)
        return name

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

    def _class_property(
        self,
        definition: Definition,
        owner: Definition,
        function: ast.FunctionDef,
        site: ast.AST,
        own_positions: bool = False,
    ) -> ast.expr:
        """What a class property (``@classproperty @classmethod def f(cls)``) returns for
        the class ``definition``, as syntax."""
        name = function.name
        if not any(_is_class_property(d) for d in function.decorator_list):
            raise Unresolvable(f"{definition.name}.{name} is a method")
        parameters = [*function.args.posonlyargs, *function.args.args]
        bindings: dict[str, ast.expr] = {}
        if parameters:
            bindings[parameters[0].arg] = self._cls_name(definition, function)
        inliner = self.evaluator.inliner
        return inliner.inline_body(owner.file, function, bindings, site, own_positions)

    def _attribute_syntax(
        self, definition: Definition, attr: str, site: ast.AST, site_file: ParsedFile
    ) -> ast.expr:
        """``getattr(cls, attr)`` as syntax: the value a class body of the MRO assigns,
        or what a class property there returns for the class being read. Written in the
        file being read (``site_file``), each part keeps its own line; else the site's."""
        found = self._binding(definition, attr)
        if found is None:
            raise Unresolvable(f"getattr(cls, {attr!r}): no class body of its MRO binds it")
        owner, bound = found
        own = owner.file is site_file
        if isinstance(bound, ast.FunctionDef):
            return self._class_property(definition, owner, bound, site, own)
        return self.evaluator.inliner.expression(owner.file, bound, site, own)

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

    def _class_attribute(self, definition: Definition, attr: str) -> object:
        """``Model.attr`` / ``cls.attr`` as a value: ``__tablename__`` is the table the
        class maps to; another attribute, a plain value assigned in the class or a base."""
        if attr in ("__tablename__", "__table__"):
            info = self.info(definition)
            if info.table is None:
                raise Unresolvable(f"the table of {definition.name}")
            return info.table[0] if attr == "__tablename__" else TableValue(*info.table)
        bound = self._binding(definition, attr, mangle=False)
        if bound is not None and isinstance(bound[1], ast.FunctionDef):
            # ``unique_columns`` a class property computes: its value for this class (a
            # base's plain ``unique_columns = None`` is shadowed by it)
            owner, function = bound[0], bound[1]
            if any(_is_declared_attr(d) for d in function.decorator_list):
                raise Unresolvable(f"{definition.name}.{attr}")
            expression = self._class_property(definition, owner, function, function)
            value = self.evaluator.value(owner.file, expression)
            if isinstance(value, _PLAIN):
                return value
            raise Unresolvable(f"{definition.name}.{attr} is not a plain value")
        found = self._find_attribute(definition, attr)
        if found is None or found.value is None or found.declared_attr:
            raise Unresolvable(f"{definition.name}.{attr}")
        if isinstance(found.value, (ast.Name, ast.Attribute)):
            # ``question_class = Question``: another mapped class, for its ``__table__``
            ref = self.evaluator.resolver.resolve(found.file, found.value)
            if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
                target = ref

                def attribute(name: str) -> object:
                    return self._class_attribute(target, name)

                return ClassValue(ref.name, ref.qualname, attribute)
        value = self._class_value(found)
        if isinstance(value, _PLAIN):
            return value
        raise Unresolvable(f"{definition.name}.{attr} is not a plain value")

    def _tablename_reason(self, definition: Definition) -> str:
        why = self._tablename_errors.get(definition)
        return f"its __tablename__ is computed: {why}" if why else "its __tablename__ is computed"

    def _schema(self, info: ClassInfo) -> str | None:
        options = self._table_options(info.definition)
        if "schema" in options:
            return options["schema"]
        return info.base.metadata.schema if info.base else None

    def _table_options(self, definition: Definition) -> dict[str, str | None]:
        attribute = self._table_args(definition)
        if attribute is None or attribute.value is None:
            return {}
        try:
            value = self._computed_table_args(definition, attribute)
        except Unresolvable:
            return {}  # reading the items notes it, with the schema unknown
        if isinstance(value, (ast.Tuple, ast.List)) and value.elts:
            value = value.elts[-1]
        if not isinstance(value, ast.Dict):
            return {}
        options: dict[str, str | None] = {}
        for key, item in zip(value.keys, value.values, strict=False):
            if isinstance(key, ast.Constant) and key.value in ("schema", "comment"):
                try:
                    result = self.evaluator.value(attribute.file, item)
                except Unresolvable:
                    continue
                options[key.value] = result if isinstance(result, str) else None
        return options

    def _reflected(self, info: ClassInfo) -> str | None:
        """Why a class's table is read from the database, if it is."""
        for current in self._mro(info.definition):
            node = current.node
            assert isinstance(node, ast.ClassDef)
            for base_node in node.bases:
                ref = self.evaluator.resolver.resolve(current.file, base_node)
                if isinstance(ref, External) and ref.is_sqlalchemy("DeferredReflection"):
                    return "it uses DeferredReflection"
        attribute = self._table_args(info.definition)
        value = attribute.value if attribute else None
        if isinstance(value, (ast.Tuple, ast.List)) and value.elts:
            value = value.elts[-1]
        if isinstance(value, ast.Dict):
            for key in value.keys:
                if isinstance(key, ast.Constant) and key.value in ("autoload_with", "autoload"):
                    return f"__table_args__ has {key.value}"
        return None

    def _table_args(self, definition: Definition) -> Attribute | None:
        """``__table_args__`` as SQLAlchemy finds it: on the class or an unmapped ancestor
        (mixin, abstract base); a mapped parent's counts only as a ``declared_attr``."""
        for current in self._mro(definition):
            mapped_parent = current is not definition and self.info(current).table is not None
            for attribute in self.info(current).attributes:
                if attribute.key == "__table_args__" and (
                    not mapped_parent or attribute.declared_attr
                ):
                    return attribute
        return None

    def _find_attribute(self, definition: Definition, key: str) -> Attribute | None:
        for current in self._mro(definition):
            for attribute in self.info(current).attributes:
                if attribute.key == key:
                    return attribute
        return None

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

    def metadata_of(self, definition: Definition) -> MetadataInfo | None:
        """The MetaData of a declarative base or mapped class defined in the workspace
        (``Base.metadata``), with ``Base.metadata.naming_convention = ...`` applied; None
        when this reader does not know it."""
        if isinstance(definition.node, ast.ClassDef):
            base = self.info(definition).base
        elif isinstance(definition.node, ast.Call):
            base = self._base_of_call(definition)
        else:
            return None
        if base is None or base.outside or base.kind not in ("sqlalchemy", "flask"):
            return None
        return base.metadata

    def table_of(self, definition: Definition) -> tuple[str, str | None] | None:
        if not isinstance(definition.node, ast.ClassDef):
            return None
        return self.info(definition).table

    def column_name_of(self, definition: Definition, key: str) -> str:
        attribute = self._find_attribute(definition, key)
        if attribute is None:
            return key
        call = self._expanded(attribute)
        if not isinstance(call, ast.Call):
            return key
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
        for keyword in call.keywords:
            value = keyword.value
            if keyword.arg == "name" and isinstance(value, ast.Constant):
                return value.value if isinstance(value.value, str) else key
        return key

    # -- reading a file -------------------------------------------------------------------

    def read_file(self, file: ParsedFile) -> list[TableDraft | Extension]:
        results: list[TableDraft | Extension] = []
        for name, node in file.classes.items():
            definition = Definition(file, name, node)
            info = self.info(definition)
            if info.table_call is not None:
                from .imperative import read_table

                table = read_table(self.context, file, info.table_call)
                if table is not None:
                    table.class_name = name
                    table.range = file.class_name_range(node)
                    results.append(table)
                continue
            if info.table is None:
                if (
                    info.base is not None
                    and not info.is_base
                    and not info.abstract
                    and info.unmapped_reason is not None
                    and info.table_call is None
                ):
                    self.notes.append(
                        Note(
                            f"not checked: class {name} ({info.unmapped_reason})",
                            file.class_name_range(node),
                        )
                    )
                elif info.base is None and self._names_a_table(info):
                    # Kombu's models: plain classes mapped by ``type(name, (base, cls), ...)``
                    # when the code runs
                    reason = "it names a table but no declarative base maps it where it is written"
                    self.notes.append(
                        Note(f"not checked: class {name} ({reason})", file.class_name_range(node))
                    )
                continue
            try:
                draft = self._read_class(info)
            except Unresolvable as exc:
                self.notes.append(
                    Note(f"not checked: class {name} ({exc})", file.class_name_range(node))
                )
                continue
            except Exception as exc:  # a parser bug must cost one class, never the whole check
                _log.exception("could not read class %s in %s", name, file.path)
                self.notes.append(
                    Note(
                        f"not checked: class {name} (schema-lsp failed to read it: "
                        f"{type(exc).__name__}; please report this)",
                        file.class_name_range(node),
                    )
                )
                continue
            if info.own_table:
                results.append(draft)
            else:
                results.append(Extension(info.table, draft))
        results.extend(self._standalone_indexes(file))
        results.extend(self._created_by_listeners(file))
        return results

    def _names_a_table(self, info: ClassInfo) -> bool:
        """A plain ``__tablename__ = "..."`` beside ``Column``/``mapped_column`` attributes."""
        names = any(
            a.key == "__tablename__" and isinstance(a.value, ast.Constant) and not a.declared_attr
            for a in info.attributes
        )
        return names and any(
            isinstance(a.value, ast.Call)
            and isinstance(callee := self.evaluator.callee(a.file, a.value), External)
            and callee.is_sqlalchemy("Column", "mapped_column")
            for a in info.attributes
        )

    def _created_by_listeners(self, file: ParsedFile) -> list[Extension]:
        """Module-level code that makes DDL when a table is created: ``event.listen(
        Model.__table__, "after_create", ...)``, or a call to a project function that
        registers such a listener (``define_unaccented_lowercase_index(User.name)``). What
        it creates is not read, so nothing is claimed missing from that table's model."""
        extensions: list[Extension] = []
        calls: list[ast.stmt | ast.expr] = list(file.statements)
        for statement in file.statements:
            if isinstance(statement, ast.FunctionDef):  # ``@listens_for(T, "after_create")``
                calls.extend(d for d in statement.decorator_list if isinstance(d, ast.Call))
        for item in calls:
            call = item if isinstance(item, ast.Call) else getattr(item, "value", None)
            if not isinstance(call, ast.Call):
                continue
            function = self.evaluator.inliner.function_of(file, call)
            if function is not None:
                if not _registers_ddl(function.node):
                    continue
                made_by = f"{function.name}()"
            elif _is_ddl_listen(self.evaluator, file, call):
                made_by = "an after_create listener"
            else:
                continue
            for argument in call.args[:2]:
                owner = self._mapped_owner(file, argument) or self._mapped_class(file, argument)
                if owner is None:
                    continue
                info = self.info(owner)
                if info.table is None or info.base is None:
                    continue
                draft = TableDraft(name=info.table[0], range=file.range(call), schema=info.table[1])
                draft.unresolved.update(("table.indexes", "table.unique_constraints"))
                draft.note(
                    f"indexes and constraints {made_by} creates with the table (not read)",
                    file.range(call),
                )
                extensions.append(Extension(info.table, draft))
        return extensions

    def _mapped_class(self, file: ParsedFile, node: ast.expr) -> Definition | None:
        """``Model`` or ``Model.__table__``."""
        if isinstance(node, ast.Attribute) and node.attr == "__table__":
            node = node.value
        ref = self.evaluator.resolver.resolve(file, node)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
            return ref
        return None

    def _standalone_indexes(self, file: ParsedFile) -> list[Extension]:
        """``Index("ix", User.email)`` (or ``User.__table__.c.email``) written after the
        class, at module level: it joins the class's table, wherever the class is."""
        extensions: list[Extension] = []
        for statement in file.statements:
            call = getattr(statement, "value", None)
            if not isinstance(statement, (ast.Expr, ast.Assign)) or not isinstance(call, ast.Call):
                continue
            if constraint_kind(self.context, file, call) not in ("Index", "UniqueConstraint"):
                continue
            owner = next(
                (d for d in map(lambda a: self._mapped_owner(file, a), call.args) if d), None
            )
            if owner is None:
                continue
            info = self.info(owner)
            if info.table is None or info.base is None:
                continue
            draft = TableDraft(
                name=info.table[0],
                range=file.range(call),
                schema=info.table[1],
                convention=dict(info.base.metadata.convention),
            )

            def local_column(node: ast.expr) -> str | None:
                found = self._mapped_owner(file, node)
                if found is None or not isinstance(node, ast.Attribute):
                    return None
                return self.column_name_of(found, node.attr)

            read_table_item(self.context, file, call, draft, local_column)
            extensions.append(Extension(info.table, draft))
        return extensions

    def _mapped_owner(self, file: ParsedFile, node: ast.expr) -> Definition | None:
        """The mapped class of ``Model.attr`` / ``Model.__table__.c.attr``."""
        if not isinstance(node, ast.Attribute):
            return None
        owner = node.value
        if (
            isinstance(owner, ast.Attribute)
            and owner.attr in ("c", "columns")
            and isinstance(owner.value, ast.Attribute)
            and owner.value.attr == "__table__"
        ):
            owner = owner.value.value
        ref = self.evaluator.resolver.resolve(file, owner)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
            return ref
        return None

    def _read_class(self, info: ClassInfo) -> TableDraft:
        definition = info.definition
        node = definition.node
        assert isinstance(node, ast.ClassDef) and info.table is not None and info.base
        file = definition.file
        draft = TableDraft(
            name=info.table[0],
            range=file.class_name_range(node),
            class_name=node.name,
            schema=info.table[1],
            convention=dict(info.base.metadata.convention),
        )
        if not info.base.metadata.schema_known:
            draft.unresolved.add("table.schema")
        draft.reflected = self._reflected(info)
        unknown = [
            name
            for source in self._column_sources(info)
            if source is not info.definition
            for name in self.info(source).unknown_bases
        ] + ([] if info.base_note else info.unknown_bases)
        if info.base_note is not None:
            draft.note(info.base_note, draft.range)
        elif unknown:
            names = ", ".join(dict.fromkeys(unknown))
            draft.note(f"the columns, keys and indexes {names} may add: {_NOT_FOUND}", draft.range)
        if info.base_note is not None or unknown:
            # a class we cannot read may add to the table: nothing is missing from the model
            draft.unresolved.update(("table.columns", *_TABLE_LEVEL))
        sqlmodel = info.base.kind == "sqlmodel"
        chosen: dict[str, Attribute] = {}
        sources = self._column_sources(info)
        if sqlmodel:
            # pydantic: inherited fields first; a subclass's redefinition wins in place
            for source in reversed(sources):
                for attribute in self.info(source).attributes:
                    chosen[attribute.key] = attribute
        else:
            # SQLAlchemy: the class's own attributes, then mixins'; the first one wins. A
            # plain hint (``id: int`` in an abstract base) maps nothing: a column a later
            # mixin declares for that name still counts.
            for source in sources:
                for attribute in self._declaration_order(self.info(source).attributes):
                    if not _plain_hint(attribute):
                        chosen.setdefault(attribute.key, attribute)
        self.context.current_class = definition
        for key, attribute in chosen.items():
            if key in _SKIPPED_ATTRIBUTES:
                continue
            column = self._column(info.base, attribute, sqlmodel)
            if column is not None:
                draft.add_column(column)
        self._read_table_args(info, draft)
        self.context.current_class = None
        return draft

    def _column_sources(self, info: ClassInfo) -> list[Definition]:
        """The class, then its unmapped ancestors (mixins, abstract bases, the base itself)
        in MRO order, leaving out mapped parents and everything above them: their columns
        live in the parent's table."""
        order = self._mro(info.definition)
        excluded: set[Definition] = set()
        for ancestor in order[1:]:
            if self.info(ancestor).table is not None:
                excluded.update(self._mro(ancestor))
        return [d for d in order if d is info.definition or d not in excluded]

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

    def _declared_value(
        self, attribute: Attribute, function: ast.FunctionDef, definition: Definition | None = None
    ) -> ast.expr | None:
        """What a ``declared_attr`` returns for the class being read (``definition``, by
        default the current one): ``cls`` stands for it (``nullable=not cls.file_required``,
        ``if not cls.add_date: return None``). A lone ``return`` keeps its own syntax (and
        positions); a longer body is inlined."""
        definition = definition or self.context.current_class
        if definition is None:
            return attribute.value
        parameters = [*function.args.posonlyargs, *function.args.args]
        cls = parameters[0].arg if parameters else "cls"
        stand_in = self._cls_name(definition, function)
        body = [s for s in function.body if not _documentation(s)]
        if len(body) == 1 and isinstance(body[0], ast.Return):
            if body[0].value is None:
                return None
            return with_constants(body[0].value, {cls: getattr(stand_in, VALUE)})
        site = attribute.value if attribute.value is not None else function
        result = self.evaluator.inliner.inline_body(attribute.file, function, {cls: stand_in}, site)
        if isinstance(result, ast.Constant) and result.value is None:
            return None
        return result

    def _column(self, base: BaseInfo, attribute: Attribute, sqlmodel: bool) -> ColumnDraft | None:
        previous = self.evaluator.class_scope
        self.evaluator.class_scope = self._scope_of(attribute)
        try:
            return self._read_column(base, attribute, sqlmodel)
        finally:
            self.evaluator.class_scope = previous

    def _read_column(
        self, base: BaseInfo, attribute: Attribute, sqlmodel: bool
    ) -> ColumnDraft | None:
        file = attribute.file
        if attribute.declared_attr and isinstance(attribute.statement, ast.FunctionDef):
            returned = attribute.value
            if isinstance(returned, ast.Call):
                kind = self.evaluator.callee(file, returned)
                if isinstance(kind, External) and kind.name.rpartition(".")[2] in NOT_COLUMNS:
                    return None  # ``return relationship(...)``, whatever comes before
            try:
                value = self._declared_value(attribute, attribute.statement)
            except Unresolvable as exc:
                reason = f"its declared_attr {attribute.key}() ({exc})"
                return self._unknown_column(attribute, reason, opaque=True)
            if value is None:
                return None  # the function gives this class no column
        else:
            value = self._expanded(attribute)
        key_range = file.range(attribute.target)
        statement_range = file.range(attribute.statement)
        callee = self.evaluator.callee(file, value) if isinstance(value, ast.Call) else None
        wrapper = None
        if isinstance(value, ast.Call) and isinstance(callee, Definition):
            through = sqlalchemy_callee(self.evaluator.resolver, file, value)
            if through is not None:
                callee, wrapper = through
        if (
            isinstance(callee, External)
            and callee.is_sqlalchemy("deferred", "column_property")
            and isinstance(value, ast.Call)
            and len(value.args) == 1
            and isinstance(value.args[0], ast.Call)
        ):
            # ``deferred(Column(...))``: a column loaded later, still a column of the table
            inner = self.evaluator.callee(file, value.args[0])
            if isinstance(inner, External) and inner.is_sqlalchemy("Column", "mapped_column"):
                value, callee = value.args[0], inner
        if isinstance(callee, External) and callee.name.rpartition(".")[2] in NOT_COLUMNS:
            return None
        if attribute.expand_error is not None and not attribute.declared_attr:
            # a helper we cannot follow: a column we cannot see, never an absent one
            if attribute.annotation is None and sqlmodel:
                return None  # pydantic makes fields of annotated names only
            if attribute.annotation is not None and _is_classvar(attribute.annotation):
                return None
            return self._unknown_column(attribute, attribute.expand_error, opaque=True)
        annotation: AnnotationInfo | None = None
        annotation_error: str | None = None
        advice: str | None = None  # what the user can do about annotation_error
        if attribute.annotation is not None:
            if _is_classvar(attribute.annotation):
                return None
            try:
                annotation = self._annotation(file, attribute.annotation)
            except Unresolvable as exc:
                annotation_error, advice = str(exc), exc.advice
            column_call = isinstance(callee, External) and callee.is_sqlalchemy(
                "mapped_column", "Column"
            )
            # ``user_id: Mapped["User"] = mapped_column(ForeignKey(...))`` is a column: its
            # type comes from the key, its nullability from the annotation
            if annotation is not None and not column_call and self._is_relationship(annotation):
                return None
        is_field = isinstance(callee, External) and callee.is_from("sqlmodel", "Field")
        if sqlmodel and (callee is None or is_field):
            if attribute.annotation is None or attribute.declared_attr:
                return None
            column = field_column(
                self.context,
                file,
                key=attribute.key,
                annotation=annotation,
                value=value,
                key_range=key_range,
                statement_range=statement_range,
            )
            if annotation is None and "type" not in column.unresolved and column.sa_type is None:
                column.unresolved.add("type")
                why = NoteReason("the type of {}", str(annotation_error), advice)
                column.notes.append(Note.about((attribute.key,), why, key_range))
            return column
        is_column_call = isinstance(callee, External) and callee.is_sqlalchemy(
            "mapped_column", "Column"
        )
        # Under SQLAlchemy 1.x a ``mapped_column`` can only be a project's fallback to
        # ``Column`` (Flask-AppBuilder's): ``Mapped[...]`` then decides nothing
        legacy = isinstance(callee, External) and (
            callee.is_sqlalchemy("Column")
            or (self.evaluator.legacy_mapping and callee.is_sqlalchemy("mapped_column"))
        )
        if not is_column_call:
            if annotation is None or not annotation.mapped:
                if annotation_error is not None and value is None and _looks_mapped(attribute):
                    return self._unknown_column(attribute, annotation_error, advice)
                return None
            if value is not None:
                # by the callee alone, so the columns one helper makes share one note
                made_by = ast.unparse(value)[:60]
                if isinstance(value, ast.Call):
                    made_by = f"{ast.unparse(value.func)[:60]}(...)"
                return self._unknown_column(attribute, f"made by {made_by}", opaque=True)
        call = ColumnCall()
        if annotation is not None and not legacy:
            for meta in annotation.metas:
                read_call(self.context, meta.file, meta.node, call)
        if isinstance(value, ast.Call) and is_column_call:
            read_call(self.context, file, value, call, wrapper)
        column = build_column(
            self.context,
            call,
            key=attribute.key,
            key_range=key_range,
            statement_range=statement_range,
            annotation=None if legacy else annotation,
            annotation_type=base.annotation_type,
            legacy=legacy,
        )
        if column.sa_type is None and annotation is None and not legacy and annotation_error:
            column.unresolved.add("type")
        if call.type is None and annotation is not None and not legacy and attribute.annotation:
            column.type_text = file.text(attribute.annotation)
            column.type_range = file.range(attribute.annotation)
        if annotation_error and not legacy and call.type is None:
            column.unresolved.update({"type", "nullable"})
            why = NoteReason("the annotation of {}", annotation_error, advice)
            column.notes.append(Note.about((attribute.key,), why, key_range))
        return column

    def _annotation(self, file: ParsedFile, node: ast.expr) -> AnnotationInfo:
        """Annotations mean the same wherever they appear in one module: read each once."""
        key = (id(file), file.text(node))
        cached = self._annotations.get(key)
        if cached is None:
            try:
                cached = read_annotation(self.evaluator, file, node)
            except Unresolvable as exc:
                cached = exc
            self._annotations[key] = cached
        if isinstance(cached, Unresolvable):
            raise cached
        return cached

    def _unknown_column(
        self,
        attribute: Attribute,
        reason: str,
        advice: str | None = None,
        *,
        opaque: bool = False,
    ) -> ColumnDraft:
        """A column whose details are unknown; ``opaque``: made by code the parser cannot
        follow, so even its name, keys and indexes are (``definition`` unresolved)."""
        file = attribute.file
        column = ColumnDraft(
            key=attribute.key,
            name=attribute.key,
            range=file.range(attribute.target),
            statement_range=file.range(attribute.statement),
        )
        column.unresolved.update({"type", "nullable", "default", "autoincrement", "comment"})
        if opaque:
            column.unresolved.add("definition")
        why = NoteReason("column {}", reason, advice)
        column.notes.append(Note.about((attribute.key,), why, file.range(attribute.target)))
        return column

    def _is_relationship(self, annotation: AnnotationInfo) -> bool:
        """``Mapped[list["Child"]]``/``Mapped["Parent"]``: a relationship, not a column."""
        known = self._relationships.get(id(annotation))
        if known is None:
            known = self._relationships[id(annotation)] = self._reads_as_relationship(annotation)
        return known

    def _reads_as_relationship(self, annotation: AnnotationInfo) -> bool:
        import typing

        from .values import Placeholder

        plain = annotation.plain
        origin = typing.get_origin(plain)
        if origin in (list, set, frozenset) or getattr(origin, "__name__", "") in (
            "List",
            "Set",
            "FrozenSet",
        ):
            args = typing.get_args(plain)
            plain = args[0] if args else None
        if not (isinstance(plain, type) and issubclass(plain, Placeholder)):
            return False
        ref = self.evaluator.resolver.resolve_dotted(plain.__sa_qualname__)
        if isinstance(ref, Definition) and isinstance(ref.node, ast.ClassDef):
            info = self.info(ref)
            return info.base is not None or info.table is not None
        return False

    def _read_table_args(self, info: ClassInfo, draft: TableDraft) -> None:
        attribute = self._table_args(info.definition)
        if attribute is None or attribute.value is None:
            return
        previous = self.evaluator.class_scope
        self.evaluator.class_scope = self._scope_of(attribute)
        try:
            self._read_table_items(info, draft, attribute)
        finally:
            self.evaluator.class_scope = previous

    def _read_table_items(self, info: ClassInfo, draft: TableDraft, attribute: Attribute) -> None:
        assert attribute.value is not None
        value: ast.expr | None = attribute.value
        file = attribute.file
        why = "computed"
        try:
            value = self._computed_table_args(info.definition, attribute)
        except Unresolvable as exc:
            # what it gives depends on what could not be followed: none of it is read
            why = str(exc)
            value = ast.copy_location(ast.Constant(value=...), attribute.value)
        if value is None:
            return  # the declared_attr gives this class no table arguments
        if isinstance(value, ast.Name):
            ref = self.evaluator.resolver.resolve(file, value)
            if isinstance(ref, Definition) and isinstance(ref.node, ast.expr):
                value, file = ref.node, ref.file
        items: list[ast.expr] = []
        options: ast.expr | None = None
        value = self._dict_literal(file, value)
        if isinstance(value, ast.Call) and self._options_helper(file, value):
            value = ast.Tuple(elts=[value], ctx=ast.Load())
        if isinstance(value, (ast.Tuple, ast.List)):
            items = list(value.elts)
            if items:
                items[-1] = self._dict_literal(file, items[-1])
            last = items[-1] if items else None
            if isinstance(last, ast.Call) and self._options_helper(file, last):
                # ``table_args()``, a dict or None (engine options, maybe from a
                # configuration): read it if it can be, else only table options are unknown
                items.pop()
                try:
                    last = self.evaluator.inliner.inline(file, last)
                except Unresolvable:
                    draft.unresolved.update(("table.schema", "table.comment"))
                    last = None
                if isinstance(last, ast.Dict):
                    items.append(last)
            if items and isinstance(items[-1], ast.Dict):
                options = items.pop()
        elif isinstance(value, ast.Dict):
            options = value
        else:
            draft.note(f"__table_args__ ({why})", file.range(attribute.value))
            # its options may name the schema too
            draft.unresolved.update((*_TABLE_LEVEL, "table.schema", "table.comment"))
            return
        keys = {a.key for d in self._mro(info.definition) for a in self.info(d).attributes}

        def local_column(node: ast.expr) -> str | None:
            if isinstance(node, ast.Name) and node.id in keys:
                return node.id
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "cls"
                and node.attr in keys
            ):
                return node.attr
            return None

        for item in items:
            if not read_table_item(self.context, file, item, draft, local_column):
                draft.note(f"{ast.unparse(item)[:60]} in __table_args__", file.range(item))
                draft.unresolved.update(_TABLE_LEVEL)
        if isinstance(options, ast.Dict):
            for key, item in zip(options.keys, options.values, strict=False):
                if isinstance(key, ast.Constant) and key.value == "extend_existing":
                    draft.extend_existing = isinstance(item, ast.Constant) and item.value is True
                if isinstance(key, ast.Constant) and key.value == "comment":
                    try:
                        comment = self.evaluator.value(file, item)
                        draft.comment = str.__str__(comment) if isinstance(comment, str) else None
                    except Unresolvable:
                        draft.unresolved.add("table.comment")
                elif isinstance(key, ast.Constant) and key.value == "schema":
                    try:
                        self.evaluator.value(file, item)
                    except Unresolvable:
                        draft.unresolved.add("table.schema")
                elif key is None:
                    draft.unresolved.update(_TABLE_LEVEL)

    def _computed_table_args(self, definition: Definition, attribute: Attribute) -> ast.expr | None:
        """``__table_args__`` as the class ``definition`` gets it: a ``declared_attr`` is
        run with ``cls`` standing for the class and a project helper it returns inlined
        (``return auto_table_args(cls, schema="events")``, ``inline.py``); a class-body
        value joined from helpers (``tuple(checks()) + (...)``) folded; anything else as
        written. Read once per class (its options and its items both ask)."""
        key = (definition, id(attribute))
        if key not in self._table_args_values:
            try:
                self._table_args_values[key] = self._run_table_args(definition, attribute)
            except Unresolvable as exc:
                self._table_args_values[key] = exc
        found = self._table_args_values[key]
        if isinstance(found, Unresolvable):
            raise found
        return found

    def _run_table_args(self, definition: Definition, attribute: Attribute) -> ast.expr | None:
        value = attribute.value
        function = attribute.statement
        if not (attribute.declared_attr and isinstance(function, ast.FunctionDef)):
            if isinstance(value, (ast.BinOp, ast.Call)):  # ``tuple(checks()) + (...)``
                return self.evaluator.inliner.folded(attribute.file, value)
            return value
        inliner = self.evaluator.inliner
        try:
            value = self._declared_value(attribute, function, definition)
        except Unresolvable:
            # a body the runner cannot follow (a ``with``, a nested ``def``) whose ``return``
            # uses none of its own names: that return, as before the runner existed
            returned = _independent_return(function)
            if returned is None:
                raise
            value = self._declared_value(attribute, returned, definition)
        if (
            isinstance(value, ast.Call)
            and inliner.function_of(attribute.file, value) is not None
            and not self._options_helper(attribute.file, value)
        ):
            value = inliner.inline(attribute.file, value)
        return value

    def _dict_literal(self, file: ParsedFile, node: ast.expr) -> ast.expr:
        """``dict(sqlite_autoincrement=True)`` (the builtin, keywords or one dict literal)
        as the literal ``{"sqlite_autoincrement": True}`` it makes; any other node as is."""
        if not (
            isinstance(node, ast.Call)
            and len(node.args) <= 1
            and all(isinstance(a, ast.Dict) for a in node.args)
            and self.evaluator.resolver.resolve(file, node.func) == External("builtins.dict")
        ):
            return node
        keys: list[ast.expr | None] = []
        values: list[ast.expr] = []
        for literal in node.args:
            assert isinstance(literal, ast.Dict)
            keys.extend(literal.keys)
            values.extend(literal.values)
        for keyword in node.keywords:
            keys.append(None if keyword.arg is None else ast.Constant(keyword.arg))
            values.append(keyword.value)
        return ast.copy_location(ast.Dict(keys=keys, values=values), node)

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

    # -- class bodies ---------------------------------------------------------------------

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

    @staticmethod
    def _declaration_order(attributes: list[Attribute]) -> list[Attribute]:
        """SQLAlchemy's order: ``vars(cls)`` (attributes with a value) merged with
        ``__annotations__`` by ``merge_lists_w_ordering``, so annotation-only columns may
        move after assigned ones."""
        from sqlalchemy.util import merge_lists_w_ordering

        valued = [a.key for a in attributes if a.value is not None or a.declared_attr]
        annotated = [a.key for a in attributes if a.annotation is not None and not a.declared_attr]
        if _is_subsequence(annotated, valued):
            return attributes  # the merge keeps ``valued``, which is the source order
        by_key = {a.key: a for a in attributes}
        try:
            order = merge_lists_w_ordering(valued, annotated)
        except Exception:  # its internals changed: keep the source order
            return attributes
        result = [by_key[key] for key in dict.fromkeys(order) if key in by_key]
        return result if len(result) == len(attributes) else attributes


#: Why a name could not be read, and what the user can do about it.
_NOT_FOUND = (
    "it is neither in the files checked nor importable from the project "
    "(set `python` to the project's interpreter, or `extra_paths`)"
)
_TABLE_LEVEL = (
    "table.indexes",
    "table.unique_constraints",
    "table.foreign_keys",
    "table.check_constraints",
    "table.primary_key",
)


def _closed(*_: object) -> NoReturn:
    raise RuntimeError("the DeclarativeReader was closed")


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(item in remaining for item in part)


def _is_true(attribute: Attribute | None) -> bool:
    return (
        attribute is not None
        and isinstance(attribute.value, ast.Constant)
        and attribute.value.value is True
    )


def _independent_return(function: ast.FunctionDef) -> ast.FunctionDef | None:
    """The function reduced to its final ``return`` when that uses no name the body binds
    (so what comes before cannot change it); None otherwise."""
    last = function.body[-1] if function.body else None
    if not isinstance(last, ast.Return) or last.value is None:
        return None
    bound = {
        node.id
        for statement in function.body[:-1]
        for node in ast.walk(statement)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    bound |= {
        statement.name
        for statement in function.body[:-1]
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    used = {node.id for node in ast.walk(last.value) if isinstance(node, ast.Name)}
    if used & bound:
        return None
    reduced = ast.FunctionDef(
        name=function.name,
        args=function.args,
        body=[last],
        decorator_list=function.decorator_list,
        returns=function.returns,
    )
    return ast.copy_location(reduced, function)


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


#: values a class attribute may stand for as itself (not a SQLAlchemy object or a class)
_PLAIN = (str, int, float, bool, type(None), tuple, list, set, frozenset, dict, enum.Enum)


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


def _is_class_property(decorator: ast.expr) -> bool:
    """A decorator that makes reading the attribute on the class call the function
    (``classproperty``, ``declared_attr``)."""
    text = ast.unparse(decorator.func if isinstance(decorator, ast.Call) else decorator)
    last = text.rpartition(".")[2]
    return last.endswith("classproperty") or "declared_attr" in text


def _returned(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    for statement in reversed(function.body):
        if isinstance(statement, ast.Return):
            return statement.value
    return None


def _is_classvar(annotation: ast.expr) -> bool:
    node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    if isinstance(node, ast.Name):
        return node.id == "ClassVar"
    return isinstance(node, ast.Attribute) and node.attr == "ClassVar"


def _registers_ddl(function: ast.AST) -> bool:
    """A function whose body listens for a table's creation (it may create indexes)."""
    return any(
        isinstance(node, ast.Constant) and node.value in ("after_create", "before_create")
        for node in ast.walk(function)
    )


def _is_ddl_listen(evaluator: Evaluator, file: ParsedFile, call: ast.Call) -> bool:
    callee = evaluator.callee(file, call)
    return (
        isinstance(callee, External)
        and callee.is_sqlalchemy("listen", "listens_for")
        and any(
            isinstance(a, ast.Constant) and a.value in ("after_create", "before_create")
            for a in call.args
        )
    )


def _documentation(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _plain_hint(attribute: Attribute) -> bool:
    """``name: int`` without a value and without ``Mapped``: a type hint SQLAlchemy's
    declarative mapping ignores (``__allow_unmapped__``, abstract bases, mixins)."""
    if attribute.value is not None or attribute.declared_attr or attribute.annotation is None:
        return False
    return "Mapped" not in attribute.file.text(attribute.annotation)


def _looks_mapped(attribute: Attribute) -> bool:
    return attribute.annotation is not None and ast.unparse(attribute.annotation).startswith(
        "Mapped"
    )


def _snake_case(name: str) -> str:
    """Flask-SQLAlchemy's ``camel_to_snake_case``."""
    import re

    snake = re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name)
    return snake.lower().lstrip("_")


def _declares_primary_key(attributes: list[Attribute]) -> bool:
    for attribute in attributes:
        value = attribute.value
        if isinstance(value, ast.Call) and any(
            k.arg == "primary_key" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in value.keywords
        ):
            return True
    return False
