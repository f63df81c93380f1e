"""What a mapped class is, worked out once per class (``info``): its table name (written,
inherited, or computed by ``__tablename__`` functions), schema, table options and
``__table_args__``, over the class hierarchy."""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from typing import NoReturn

from .bases import (
    BaseInfo,
    MetadataInfo,
    base_from_registry,
    unknown_metadata,
)
from .class_hierarchy import Attribute, ClassHierarchy, MetadataAssignments, _is_declared_attr
from .columns import (
    AnnotationInfo,
    ColumnContext,
)
from .evaluate import Evaluator
from .model import Note
from .resolve import Definition, External
from .source import ParsedFile
from .values import VALUE, ClassValue, TableValue, Unresolvable, with_constants

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


#: Why a name could not be read, and what the user can do about it.
_NOT_FOUND = (
    "it is neither in the files checked nor importable from the project "
    "(set `python` to the project's interpreter, or `extra_paths`)"
)


def _closed(*_: object) -> NoReturn:
    raise RuntimeError("the DeclarativeReader was closed")


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


#: values a class attribute may stand for as itself (not a SQLAlchemy object or a class)
_PLAIN = (str, int, float, bool, type(None), tuple, list, set, frozenset, dict, enum.Enum)


def _is_class_property(decorator: ast.expr) -> bool:
    """A decorator that makes reading the attribute on the class call the function
    (``classproperty``, ``declared_attr``)."""
    text = ast.unparse(decorator.func if isinstance(decorator, ast.Call) else decorator)
    last = text.rpartition(".")[2]
    return last.endswith("classproperty") or "declared_attr" in text


def _documentation(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


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


class ClassInfoReader(ClassHierarchy):
    """Mapped classes' facts (``info``), on their hierarchy."""

    def __init__(
        self, evaluator: Evaluator, metadata_assignments: MetadataAssignments = ()
    ) -> None:
        super().__init__(evaluator, metadata_assignments)
        self.context = ColumnContext(
            evaluator, self.table_of, self.column_name_of, metadata_of=self.metadata_of
        )
        self._infos: dict[Definition, ClassInfo] = {}
        self._annotations: dict[tuple[int, str], AnnotationInfo | Unresolvable] = {}
        #: ``_is_relationship`` by ``id`` of an annotation kept alive in ``_annotations``
        self._relationships: dict[int, bool] = {}
        self._table_args_values: dict[tuple[Definition, int], ast.expr | Unresolvable | None] = {}
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
