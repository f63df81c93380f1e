"""Table-level objects: ``Index``, ``UniqueConstraint``, ``CheckConstraint``,
``ForeignKeyConstraint`` and ``PrimaryKeyConstraint`` calls, from ``__table_args__`` or
an imperative ``Table(...)``."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from ..dialects import rules_for
from .columns import Argument, ColumnContext, read_foreign_key_options
from .model import Note
from .resolve import External
from .source import ParsedFile
from .tables import ConstraintDraft, ForeignKeyDraft, IndexDraft, TableDraft
from .values import Unresolvable

_KINDS = (
    "Index",
    "UniqueConstraint",
    "CheckConstraint",
    "ForeignKeyConstraint",
    "PrimaryKeyConstraint",
)

#: Names a class body's own attributes (``Index("ix", email)``) to their column keys.
LocalColumn = Callable[[ast.expr], "str | None"]


def constraint_kind(context: ColumnContext, file: ParsedFile, node: ast.expr) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    ref = context.evaluator.resolver.resolve(file, node.func)
    if isinstance(ref, External) and ref.is_sqlalchemy(*_KINDS):
        return ref.name.rpartition(".")[2]
    if isinstance(ref, External) and ref.is_from("sqlmodel", *_KINDS):
        return ref.name.rpartition(".")[2]
    return None


def read_table_item(
    context: ColumnContext,
    file: ParsedFile,
    node: ast.expr,
    draft: TableDraft,
    local_column: LocalColumn,
) -> bool:
    """Add one table-level object to the draft; False when ``node`` is not one (or is
    made on a condition that cannot be read). A call to a project helper
    (``build_index(...)``) is read as the object it returns."""
    if isinstance(node, ast.Call) and context.evaluator.inliner.function_of(file, node):
        try:
            node = context.evaluator.inliner.inline(file, node)
        except Unresolvable:
            return False
    dialects: tuple[str, ...] | None = None
    if _is_ddl_if(node):
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        dialects = _ddl_if_dialects(context, file, node)
        if dialects is None:
            return False
        node = node.func.value
    kind = constraint_kind(context, file, node)
    if kind is None or not isinstance(node, ast.Call):
        return False
    if dialects is not None and kind == "PrimaryKeyConstraint":
        return False
    evaluator = context.evaluator
    count = (len(draft.indexes), len(draft.constraints), len(draft.foreign_keys))
    where = file.range(node)
    keywords = {k.arg: k.value for k in node.keywords if k.arg}

    def literal(name: str) -> object:
        value_node = keywords.get(name)
        if value_node is None:
            return None
        try:
            return evaluator.value(file, value_node)
        except Unresolvable as exc:
            draft.note(f"{name}= ({exc})", file.range(value_node))
            return None

    def columns_of(nodes: list[ast.expr], unresolved: set[str]) -> tuple[list[str], list[str]]:
        names: list[str] = []
        expressions: list[str] = []
        computed = False
        for element in nodes:
            name = _column_reference(
                context, file, _unordered(context, file, element), local_column
            )
            if name is not None:  # ``x``, ``"x"``, ``cls.x.desc()`` (order is not compared)
                names.append(name)
                expressions.append(name)
                continue
            sql = _expression_sql(context, file, element, draft, local_column)
            ordered = _ORDERED_NAME.fullmatch(sql) if sql is not None else None
            if ordered is not None:  # ``text("version DESC")``: the column, in an order
                names.append(ordered.group(1).strip('"`'))
                expressions.append(names[-1])
                continue
            if sql is None:
                unresolved.add("expressions")
                expressions.append(ast.unparse(element))
            else:
                computed = True
                expressions.append(sql)
        if computed and "expressions" not in unresolved:
            unresolved.add("computed")
        return names, expressions

    args = _spread(evaluator, file, node.args)
    if kind == "Index":
        name = _name_argument(evaluator, file, args.pop(0) if args else None, draft)
        index = IndexDraft(name, [], where, unique=literal("unique") is True)
        index.columns, expressions = columns_of(args, index.unresolved)
        if index.unresolved == {"computed"}:  # ``func.lower(email)``: compiled, compared
            index.unresolved.clear()
            index.expressions = expressions
        elif index.unresolved:
            index.expressions = expressions
            draft.note(
                f"an expression index{f' {name}' if name else ''} (its SQL is compared by "
                "the database side)",
                where,
                name,
            )
        # Dialect keywords apply to their dialect only (EntitySchema.for_dialect).
        for key, value_node in keywords.items():
            dialect, _, option = key.rpartition("_")
            if not dialect or option not in ("using", "where"):
                continue
            value: str | None
            try:
                if option == "where":
                    value_node = _with_columns(context, file, value_node, draft, local_column)
                raw = evaluator.value(file, value_node)
                if option == "using":
                    value = raw.lower() if isinstance(raw, str) else None
                else:  # as CREATE INDEX writes it on that dialect, without table names
                    value = _unqualified_sql(raw, dialect)
            except Unresolvable as exc:
                value = None
                what = f"the {option.upper()} of index {name or '(unnamed)'} on {dialect} ({exc})"
                draft.dialect_notes.append(
                    (dialect, Note(f"not checked: {what}", file.range(value_node), name=name))
                )
            index.dialect_options.append(
                ("method" if option == "using" else "where", dialect, value)
            )
        draft.indexes.append(index)
    elif kind in ("UniqueConstraint", "PrimaryKeyConstraint"):
        constraint = ConstraintDraft(
            "unique" if kind == "UniqueConstraint" else "primary_key",
            _string(literal("name")),
            [],
            where,
        )
        constraint.columns, _ = columns_of(args, constraint.unresolved)
        draft.constraints.append(constraint)
    elif kind == "CheckConstraint":
        # CheckConstraint(sqltext, name=None, ...): the name may be the second argument
        name = _string(literal("name"))
        if name is None and len(args) > 1:
            name = _name_argument(evaluator, file, args[1], draft)
        constraint = ConstraintDraft("check", name, [], where)
        try:
            if args:  # ``CheckConstraint(status.in_([...]))``: built from the table's columns
                bound = _with_columns(context, file, args[0], draft, local_column)
                constraint.sqltext = _unqualified_sql(evaluator.value(file, bound))
            else:
                constraint.sqltext = ""
        except Unresolvable as exc:
            constraint.unresolved.add("sqltext")
            draft.note(f"check constraint text ({exc})", where)
        draft.constraints.append(constraint)
    elif kind == "ForeignKeyConstraint":
        fk = ForeignKeyDraft([], [], None, where)
        local = args[0] if args else keywords.get("columns")
        remote = args[1] if len(args) > 1 else keywords.get("refcolumns")
        if isinstance(local, (ast.List, ast.Tuple)) and isinstance(remote, (ast.List, ast.Tuple)):
            fk.columns, _ = columns_of(list(local.elts), set())
            targets = [_remote(context, file, element) for element in remote.elts]
            if all(targets) and len({(t[0], t[1]) for t in targets if t}) == 1:
                first = targets[0]
                assert first is not None
                fk.referred_schema, fk.referred_table = first[0], first[1]
                fk.referred_columns = [t[2] for t in targets if t]
            else:
                fk.unresolved = True
        else:
            fk.unresolved = True
        if fk.unresolved:
            draft.note("a ForeignKeyConstraint's columns", where)

        def fk_note(message: str, argument: Argument | None) -> None:
            draft.note(message, argument.file.range(argument.node) if argument else where)

        read_foreign_key_options(evaluator, file, node, fk, fk_note)
        if fk.columns:
            draft.foreign_keys.append(fk)
    if dialects is not None:
        indexes, constraints, foreign_keys = count
        for index_ in draft.indexes[indexes:]:
            index_.dialects = dialects
        for constraint_ in draft.constraints[constraints:]:
            constraint_.dialects = dialects
        for fk_ in draft.foreign_keys[foreign_keys:]:
            fk_.dialects = dialects
    return True


def _is_ddl_if(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "ddl_if"
    )


def _ddl_if_dialects(
    context: ColumnContext, file: ParsedFile, call: ast.Call
) -> tuple[str, ...] | None:
    """The dialects ``.ddl_if(dialect=...)`` makes an object on; None when the condition
    is anything else (a ``callable_``, a name that cannot be read)."""
    keywords = {k.arg: k.value for k in call.keywords}
    if call.args or set(keywords) - {"dialect"} or "dialect" not in keywords:
        return None
    try:
        value = context.evaluator.value(file, keywords["dialect"])
    except Unresolvable:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _remote(
    context: ColumnContext, file: ParsedFile, node: ast.expr
) -> tuple[str | None, str, str] | None:
    from .columns import resolve_column_target

    return resolve_column_target(context, file, node)


def _column_reference(
    context: ColumnContext, file: ParsedFile, node: ast.expr, local_column: LocalColumn
) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    local = local_column(node)
    if local is not None:
        return local
    if isinstance(node, ast.Attribute):
        target = _remote(context, file, node)
        if target is not None:
            return target[2]
    return None


_ORDERED_NAME = re.compile(
    r'\s*("[^"]+"|`[^`]+`|\w+)\s+(?:ASC|DESC)(?:\s+NULLS\s+(?:FIRST|LAST))?\s*', re.IGNORECASE
)
_ORDERING = frozenset({"asc", "desc", "nulls_first", "nulls_last", "nullsfirst", "nullslast"})


def _unordered(context: ColumnContext, file: ParsedFile, node: ast.expr) -> ast.expr:
    """``x.desc()`` or ``desc(x)`` as ``x``: an index element's order is not compared."""
    for _ in range(4):
        if not isinstance(node, ast.Call):
            break
        if not node.args and isinstance(node.func, ast.Attribute) and node.func.attr in _ORDERING:
            node = node.func.value
            continue
        callee = context.evaluator.resolver.resolve(file, node.func)
        if (
            len(node.args) == 1
            and isinstance(callee, External)
            and callee.is_sqlalchemy(*_ORDERING)
        ):
            node = node.args[0]
            continue
        break
    return node


def _with_columns(
    context: ColumnContext,
    file: ParsedFile,
    node: ast.expr,
    draft: TableDraft,
    local_column: LocalColumn,
) -> ast.expr:
    """``node`` with every reference to one of the table's columns standing for a column
    of a scratch ``Table`` built from the draft, so SQLAlchemy builds the expression."""
    import sqlalchemy as sa

    from .custom_types import STORED, value_processor
    from .values import VALUE, copy_tree

    columns: dict[str, sa.Column[object]] = {}
    for column in draft.columns:
        try:
            type_ = column.sa_type.build() if column.sa_type is not None else sa.types.NULLTYPE
        except Exception:
            type_ = sa.types.NULLTYPE
        if column.processed_by is not None:
            processor = value_processor(context.evaluator, column.processed_by)
            if processor is not None:
                setattr(type_, STORED, processor)
        columns[column.name] = sa.Column(column.name, type_)
    sa.Table(draft.name, sa.MetaData(), *columns.values())

    class Bind(ast.NodeTransformer):
        def visit_Attribute(self, attribute: ast.Attribute) -> ast.AST:
            return self._column(attribute) or self.generic_visit(attribute)

        def visit_Name(self, name: ast.Name) -> ast.AST:
            return self._column(name) or name

        def _column(self, reference: ast.expr) -> ast.AST | None:
            found = local_column(reference)
            if found is None and isinstance(reference, ast.Attribute):
                target = _remote(context, file, reference)
                found = target[2] if target is not None and target[1] == draft.name else None
            if found is None or found not in columns:
                return None
            bound = ast.Name(id=found, ctx=ast.Load())
            setattr(bound, VALUE, columns[found])
            return ast.copy_location(bound, reference)

    return Bind().visit(copy_tree(node))  # type: ignore[no-any-return]


def _expression_sql(
    context: ColumnContext,
    file: ParsedFile,
    node: ast.expr,
    draft: TableDraft,
    local_column: LocalColumn,
) -> str | None:
    """The SQL of an index element SQLAlchemy builds from the table's columns
    (``func.lower(email)``, ``sa.text("...")``), or None when it cannot be built."""
    from sqlalchemy.sql.elements import ClauseElement

    try:
        value = context.evaluator.value(
            file, _with_columns(context, file, node, draft, local_column)
        )
    except Unresolvable:
        return None
    if not isinstance(value, ClauseElement):
        return None
    try:
        return _unqualified_sql(value)
    except Unresolvable:
        return None


def _unqualified_sql(value: Any, dialect: str | None = None) -> str:
    """SQL as DDL writes it: column names without their table (``lower(email)``), on
    ``dialect`` when it is for one (``sqlite_where``: SQLite writes ``false`` as ``0``)."""
    from sqlalchemy.sql.elements import ClauseElement

    from .columns import _dialect
    from .custom_types import real_dialect

    if isinstance(value, str):
        return value
    if not isinstance(value, ClauseElement):
        raise Unresolvable(f"{type(value).__name__} is not SQL")
    value = _stored_values(value, dialect)
    try:
        # SQLAlchemy's dialect of the options' prefix (MariaDB's SQL is MySQL's here)
        prefix = rules_for(dialect or "").option_prefix
        target = real_dialect(prefix) if prefix else _dialect()
        compiled = value.compile(
            dialect=target, compile_kwargs={"literal_binds": True, "include_table": False}
        )
    except Exception as exc:
        raise Unresolvable(f"cannot render {type(value).__name__}") from exc
    return str(compiled)


def _name_argument(evaluator, file: ParsedFile, node: ast.expr | None, draft: TableDraft):  # type: ignore[no-untyped-def]
    if node is None:
        return None
    try:
        value = evaluator.value(file, node)
    except Unresolvable as exc:
        draft.note(f"an index name ({exc})", file.range(node))
        return None
    return value if isinstance(value, str) else None


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _stored_values(value: Any, dialect: str | None) -> Any:
    """``value`` with each value it binds replaced by what the column's type stores for
    it: a project ``TypeDecorator`` its ``process_bind_param`` reads for it (``value.name``
    of an enum member); an ``Enum`` column a member's name (or its value, when those are
    the labels); any other type passes a member through processing not read: unknown."""
    import enum

    from sqlalchemy import Enum
    from sqlalchemy.sql import visitors

    from .custom_types import STORED

    def stored(item: Any, type_: Any) -> Any:
        processor = getattr(type_, STORED, None)
        if processor is not None:
            return processor(item, dialect)
        if not isinstance(item, enum.Enum):
            return item
        if not isinstance(type_, Enum):
            raise Unresolvable(
                f"how {type(item).__name__}.{item.name} is stored in a "
                f"{type(type_).__name__} column is the column type's own processing"
            )
        labels = [label for label in (item.name, item.value) if label in type_.enums]
        if len(set(labels)) != 1:
            raise Unresolvable(f"{type(item).__name__}.{item.name} is no label of its Enum")
        return labels[0]

    def replace(bind: Any) -> None:
        if isinstance(bind.value, (list, tuple)):
            bind.value = type(bind.value)(stored(item, bind.type) for item in bind.value)
        else:
            bind.value = stored(bind.value, bind.type)

    return visitors.cloned_traverse(value, {}, {"bindparam": replace})


def _spread(evaluator, file: ParsedFile, args: list[ast.expr]) -> list[ast.expr]:  # type: ignore[no-untyped-def]
    """The arguments with ``*cls.unique_columns`` spread into the column names it holds
    (a literal sequence, or names the evaluator reads); one it cannot read stays, so
    the object's columns are unknown rather than short."""
    result: list[ast.expr] = []
    for arg in args:
        if isinstance(arg, ast.Starred):
            if isinstance(arg.value, (ast.Tuple, ast.List)):
                result.extend(arg.value.elts)
                continue
            try:
                values = evaluator.value(file, arg.value)
            except Unresolvable:
                values = None
            if isinstance(values, (set, frozenset)) and len(values) == 1:
                values = tuple(values)  # larger sets have no order to spread in
            if isinstance(values, (tuple, list)) and all(isinstance(v, str) for v in values):
                # a ``(str, Enum)`` member as the column name it holds
                result.extend(
                    ast.copy_location(ast.Constant(value=str.__str__(v)), arg) for v in values
                )
                continue
        result.append(arg)
    return result
