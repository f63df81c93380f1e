"""SQLModel fields: ``name: T = Field(...)`` and SQLModel's own annotation-to-type rules
(``str`` is an ``AutoString``, a VARCHAR; ``Optional`` means NULL unless a primary key)."""

from __future__ import annotations

import ast
import datetime
import decimal
import enum
import ipaddress
import pathlib
import uuid
from typing import Any

from ..schema import TypeSpec
from .columns import (
    AnnotationInfo,
    Argument,
    ColumnCall,
    ColumnContext,
    build_column,
    is_placeholder,
    read_call,
    spec_of,
    written_call,
)
from .model import SourceRange
from .resolve import External
from .source import ParsedFile
from .tables import ColumnDraft
from .values import Unresolvable

_STRING_LIKE = (
    str,
    ipaddress.IPv4Address,
    ipaddress.IPv4Network,
    ipaddress.IPv6Address,
    ipaddress.IPv6Network,
    pathlib.Path,
)


def is_field_call(context: ColumnContext, file: ParsedFile, node: ast.expr | None) -> bool:
    if not isinstance(node, ast.Call):
        return False
    ref = context.evaluator.callee(file, node)
    return isinstance(ref, External) and ref.is_from("sqlmodel", "Field")


def field_column(
    context: ColumnContext,
    file: ParsedFile,
    *,
    key: str,
    annotation: AnnotationInfo | None,
    value: ast.expr | None,
    key_range: SourceRange,
    statement_range: SourceRange,
) -> ColumnDraft:
    """The column SQLModel's ``get_column_from_field`` makes for one field."""
    keywords: dict[str, ast.expr] = {}
    field_call: ast.Call | None = None  # ``Field(...)``, when the value is one
    if isinstance(value, ast.Call) and is_field_call(context, file, value):
        field_call = value
        keywords = {k.arg: k.value for k in value.keywords if k.arg}
        default_node = value.args[0] if value.args else keywords.get("default")
        sa_column = keywords.get("sa_column")
        if isinstance(sa_column, ast.Call) and (
            context.evaluator.inliner.function_of(file, sa_column) is not None
        ):
            try:  # ``sa_column=make_column(...)``: a project helper
                sa_column = context.evaluator.inliner.inline(file, sa_column)
            except Unresolvable as exc:
                return _opaque(key, key_range, statement_range, f"sa_column= ({exc})")
        if isinstance(sa_column, ast.Call):
            call = ColumnCall()
            read_call(context, file, sa_column, call)
            return build_column(
                context,
                call,
                key=key,
                key_range=key_range,
                statement_range=statement_range,
                annotation=None,
                annotation_type=None,
                legacy=True,
                call_range=written_call(file, sa_column),
            )
    else:
        default_node = value
    call = ColumnCall()
    for name in ("primary_key", "nullable", "index", "unique"):
        if name in keywords:
            call.keywords[name] = Argument(file, keywords[name])
    if "sa_type" in keywords:
        call.type = Argument(file, keywords["sa_type"])
    extra_kwargs = keywords.get("sa_column_kwargs")
    if isinstance(extra_kwargs, ast.Dict):
        for k, v in zip(extra_kwargs.keys, extra_kwargs.values, strict=False):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                call.keywords[k.value] = Argument(file, v)
            else:
                call.keywords["**"] = Argument(file, extra_kwargs)
    elif extra_kwargs is not None:
        call.keywords["**"] = Argument(file, extra_kwargs)
    extra_args = keywords.get("sa_column_args")
    if isinstance(extra_args, (ast.List, ast.Tuple)):
        for element in extra_args.elts:
            call.items.append(Argument(file, element))
    if default_node is not None and not (
        isinstance(default_node, ast.Constant) and default_node.value is None
    ):
        call.keywords.setdefault("default", Argument(file, default_node))
    elif "default_factory" in keywords:
        call.keywords.setdefault("default", Argument(file, keywords["default_factory"]))

    def sqlmodel_type(
        info: AnnotationInfo,
    ) -> TypeSpec | tuple[TypeSpec, dict[str, TypeSpec]] | None:
        return _sqlmodel_type(context, file, info, keywords)

    draft = build_column(
        context,
        call,
        key=key,
        key_range=key_range,
        statement_range=statement_range,
        annotation=annotation,
        annotation_type=sqlmodel_type,
        legacy=True,
        call_range=written_call(file, field_call),
    )
    if call.type is None and annotation is not None and draft.sa_type is not None:
        draft.type_text = "AutoString" if draft.sa_type.name == "String" else draft.type_text
    # nullable = not primary_key and is_field_noneable(field), unless given explicitly.
    if "nullable" not in keywords and "nullable" not in call.keywords:
        draft.nullable = not draft.primary_key and annotation is not None and annotation.optional
    foreign_key = keywords.get("foreign_key")
    if foreign_key is not None:
        from .columns import read_foreign_key

        ondelete = value.keywords if isinstance(value, ast.Call) else []
        fk_call = ast.Call(
            func=ast.Name("ForeignKey"),
            args=[foreign_key],
            keywords=[k for k in ondelete if k.arg == "ondelete"],
        )
        ast.copy_location(fk_call, foreign_key)
        fk_call.end_lineno = foreign_key.end_lineno
        fk_call.end_col_offset = foreign_key.end_col_offset
        fk = read_foreign_key(context, Argument(file, fk_call), lambda m, a: None)
        if fk is not None:
            draft.foreign_keys.append(fk)
    return draft


def _opaque(
    key: str, key_range: SourceRange, statement_range: SourceRange, reason: str
) -> ColumnDraft:
    """A column made by code we cannot follow: its details, name and keys unknown."""
    from .model import Note, NoteReason

    draft = ColumnDraft(key=key, name=key, range=key_range, statement_range=statement_range)
    draft.unresolved.update(
        {"type", "nullable", "default", "autoincrement", "comment", "definition"}
    )
    draft.notes.append(Note.about((key,), NoteReason("column {}", reason), key_range))
    return draft


def _sqlmodel_type(
    context: ColumnContext, file: ParsedFile, info: AnnotationInfo, keywords: dict[str, ast.expr]
) -> TypeSpec | tuple[TypeSpec, dict[str, TypeSpec]] | None:
    from sqlalchemy import (
        Boolean,
        Date,
        DateTime,
        Enum,
        Float,
        Integer,
        Interval,
        LargeBinary,
        Numeric,
        String,
        Time,
        Uuid,
    )

    def keyword(name: str) -> Any:
        node = keywords.get(name)
        return None if node is None else context.evaluator.value(file, node)

    type_ = info.plain
    if is_placeholder(type_):
        name = type_.__sa_qualname__
        if name.endswith("EmailStr"):
            type_ = str
        else:
            raise Unresolvable(f"{name} has no SQLModel column type")
    if not isinstance(type_, type):
        raise Unresolvable(f"{type_!r} has no SQLModel column type")
    if issubclass(type_, enum.Enum):
        return spec_of(Enum(type_))
    if issubclass(type_, _STRING_LIKE):
        max_length = keyword("max_length")
        if max_length:
            return spec_of(String(max_length))
        # an AutoString without a length is VARCHAR(255) on MySQL/MariaDB
        return spec_of(String()), {"mysql": spec_of(String(255))}
    ordered: list[tuple[type, Any]] = [
        (float, Float),
        (bool, Boolean),
        (int, Integer),
        (datetime.datetime, DateTime),
        (datetime.date, Date),
        (datetime.timedelta, Interval),
        (datetime.time, Time),
        (bytes, LargeBinary),
    ]
    for python_type, sql_type in ordered:
        if issubclass(type_, python_type):
            return spec_of(sql_type())
    if issubclass(type_, decimal.Decimal):
        return spec_of(Numeric(precision=keyword("max_digits"), scale=keyword("decimal_places")))
    if issubclass(type_, uuid.UUID):
        return spec_of(Uuid())
    raise Unresolvable(f"{type_.__name__} has no SQLModel column type")
