"""Mapped classes: SQLAlchemy declarative (2.0 ``Mapped``/``mapped_column`` and legacy
``Column``), SQLModel ``table=True`` models, mixins, abstract bases and inheritance.

A class gets its own table when it (or a mixin's ``declared_attr``) names one; a subclass
of a mapped class without a table name adds its columns to the parent's table (single-table
inheritance). Columns come from the class body first, then from mixins and abstract bases
in MRO order, each pointing at the line where it is written.
"""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass

from .bases import (
    BaseInfo,
)
from .class_hierarchy import Attribute
from .class_info import _NOT_FOUND, _SKIPPED_ATTRIBUTES, ClassInfo, ClassInfoReader
from .columns import (
    NOT_COLUMNS,
    AnnotationInfo,
    ColumnCall,
    build_column,
    read_annotation,
    read_call,
    written_call,
)
from .constraints import constraint_kind, read_table_item
from .evaluate import Evaluator
from .model import TABLE_ARGS, Note, NoteReason
from .resolve import Definition, External
from .source import ParsedFile
from .sqlmodel import field_column
from .tables import ColumnDraft, TableDraft
from .values import Unresolvable
from .wrappers import sqlalchemy_callee

_log = logging.getLogger(__name__)


@dataclass
class Extension:
    """Columns a single-table-inheritance subclass adds to its parent's table."""

    table: tuple[str, str | None]
    draft: TableDraft


_TABLE_LEVEL = (
    "table.indexes",
    "table.unique_constraints",
    "table.foreign_keys",
    "table.check_constraints",
    "table.primary_key",
)


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(item in remaining for item in part)


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


class DeclarativeReader(ClassInfoReader):
    """Reads mapped classes; one instance per workspace build (it caches class facts)."""

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
                    table.class_range = file.range(node)
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
            class_range=file.range(node),
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
            call_range=written_call(file, value) if is_column_call else None,
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
        if attribute is None:
            return
        # where SQLAlchemy takes the arguments from (this class, a mixin or base in any
        # module, a method computing them): a fix must never write a second, hiding one
        draft.extra_ranges[TABLE_ARGS] = attribute.file.range(attribute.statement)
        if attribute.value is None:
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
