"""Fixes of a column: its type, nullability, server default, generated expression,
auto-increment, and a column missing on either side."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import ClassVar

from ...schema import (
    ColumnSchema,
)
from ...sqltext import unwrapped
from ...text import SourceRange, TextEdit
from ..entity import plain_default
from ..names import attribute_name
from ..python_types import PythonType, python_type
from ..source import (
    Call,
    Dict,
    Expr,
    Keyword,
    Pair,
    as_node,
    string,
)
from ..source_edit import (
    keyword_named,
    shares_source_lines,
)
from .editor import (
    ModelEdit,
    ModelEditor,
    _mapped_argument,
    _target,
    _unwrap_optional,
    _without_backquotes,
)


class ColumnFixes(ModelEditor):
    #: difference kind -> the method that fixes it
    FIXES: ClassVar[dict[str, str]] = {
        "type": "fix_type",
        "nullable": "fix_nullable",
        "server_default": "fix_server_default",
        "computed": "fix_computed",
        "column_missing": "fix_column_missing",
        "column_unmapped": "fix_column_unmapped",
        "autoincrement": "fix_autoincrement",
    }

    def fix_type(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema):
            return None
        statement, call = self.column_site()
        if call is None and self.bare(statement) is None:
            return None
        source = self.renderer.column_type(actual)
        text = as_node(source.expression).flat()
        title = f"Change the type of {actual.name} to {text} (as in the database)"
        existing = self.type_argument(call) if call is not None else None
        edits: list[TextEdit] = []
        if call is None:
            bare = self.bare(statement, text)
            assert bare is not None
            edits.append(bare)
        elif existing is not None:
            edits.append(self.edit(existing, text))
        elif self.called(call) == "Field":
            # SQLModel's Field takes its default first: the type goes in sa_type=.
            edits += self.set_keyword(call, "sa_type", text)
        else:
            # No type argument (the annotation implies it): write one after the name.
            first = call.args[0] if call.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                end = self.span(first)
                edits.append(TextEdit(self.at(end.end_line, end.end_column), f", {text}"))
            else:
                start = self.position(call.func.end_lineno or 0, call.func.end_col_offset or 0)
                separator = ", " if call.args or call.keywords else ""
                edits.append(TextEdit(self.at(start[0], start[1] + 1), f"{text}{separator}"))
        annotation = None
        if statement is not None:
            annotation = self.python_type_edit(statement, call, source.type)
        if annotation is not None:
            edits.append(annotation)
        return self.fixed(title, edits)

    def uncast(self, column: ColumnSchema) -> ColumnSchema:
        """The column with PostgreSQL's cast of a literal default dropped when the
        comparison holds them equal (see ``render.entity.plain_default``)."""
        plain = plain_default(column, self.renderer.dialect)
        return column if plain == column.default else replace(column, default=plain)

    def fix_nullable(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema):
            return None
        statement, call = self.column_site()
        wanted = actual.nullable
        title = f"Make {actual.name} {'nullable' if wanted else 'NOT NULL'} (as in the database)"
        if call is None:
            if statement is not None and isinstance(statement.value, ast.Call):
                return None  # a call this fixer cannot read may say nullable= itself
            mapped = _mapped_argument(statement) if statement is not None else None
            return self.nullable_annotation(title, mapped, wanted) if mapped else None
        keyword = keyword_named(call, "nullable")
        if keyword is not None:
            return self.fixed(title, self.edit(keyword.value, repr(wanted)))
        annotated = self.value_annotation(statement, call) if statement is not None else None
        if annotated is not None:
            return self.nullable_annotation(title, annotated, wanted)
        return self.fixed(title, self.set_keyword(call, "nullable", repr(wanted)))

    def nullable_annotation(self, title: str, inner: ast.expr, wanted: bool) -> ModelEdit | None:
        """``Mapped[X]`` <-> ``Mapped[X | None]`` (or ``Optional[X]`` where the file uses
        ``Optional``)."""
        unwrapped = _unwrap_optional(inner)
        if not wanted:
            if unwrapped is None:
                return None
            return self.fixed(title, self.edit(inner, self.text_of(unwrapped)))
        if unwrapped is not None:
            return None
        text = PythonType(self.text_of(inner)).optional(True, self.renderer.style.optional)
        return self.fixed(title, self.edit(inner, text.annotation))

    def fix_server_default(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema) or self.table is None:
            return None
        actual = self.uncast(actual)
        statement, call = self.column_site()
        value = self.renderer.server_default(self.table, actual) if actual.default else None
        text = as_node(value).flat() if value is not None else None
        if text is None:
            title = f"Remove the server default of {actual.name} (the database has none)"
        else:
            title = f"Set the server default of {actual.name} to {text} (as in the database)"
        if call is None:
            bare = self.bare(statement, f"server_default={text}") if text else None
            return self.fixed(title, bare) if bare else None
        edits = self.column_option(call, "server_default", text)
        return self.fixed(title, edits) if edits else None

    def fix_column_missing(self) -> ModelEdit | None:
        """The database has no such column: remove the attribute from the model (or the
        ``Column(...)`` from its ``Table(...)``)."""
        title = f"Remove {self.difference.column} from the model (the database has no such column)"
        statement, call = self.column_site()
        if statement is None:
            edit = self.remove_item(call) if call is not None else None
            return ModelEdit(title, (edit,)) if edit is not None else None
        if self.column_call(statement) is None and not isinstance(statement, ast.AnnAssign):
            return None
        if shares_source_lines(self.tree, statement) or not self.in_own_class(statement):
            return None
        end_line = statement.end_lineno or statement.lineno
        edit = TextEdit(SourceRange(self.path, statement.lineno - 1, 0, end_line, 0), "")
        return ModelEdit(title, (edit,))

    def fix_column_unmapped(self) -> ModelEdit | None:
        """The database has a column the model lacks: add an attribute after the class's
        last column, written as the entity generator writes one."""
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema) or self.table is None:
            return None
        actual = self.uncast(actual)
        title = f"Add {actual.name} to the model (as in the database)"
        site = self.table_site()
        if site is None:
            return None
        if site.call is not None:  # an imperative Table(...): one more Column(...) item
            items = [a for a in site.call.args if self.called(a) == "Column"]
            if not items:
                return None
            source_type = self.renderer.column_type(actual)
            arguments = self.renderer.column_arguments(self.table, actual, source_type, False)
            column = Call(
                self.renderer.use("sqlalchemy", "Column"), string(actual.name), *arguments
            )
            edits = self.insert_element(site.call, list(site.call.args), column, after=items[-1])
            return self.fixed(title, edits)
        klass = site.klass
        assert klass is not None
        columns = [
            node
            for node in klass.body
            if isinstance(node, (ast.AnnAssign, ast.Assign))
            and (
                (node.value is not None and self.column_call(node) is not None)
                or (isinstance(node, ast.AnnAssign) and _mapped_argument(node) is not None)
            )
        ]
        if not columns:
            return None
        sqlmodel = any(
            (call := self.column_call(node)) is not None and self.called(call) == "Field"
            for node in columns
        )
        last = columns[-1]
        taken = {
            target.id
            for node in klass.body
            if isinstance(node, (ast.AnnAssign, ast.Assign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        attribute = attribute_name(actual.name)
        while attribute in taken:
            attribute += "_"
        legacy = all(isinstance(node, ast.Assign) for node in columns)
        if sqlmodel:
            found = self.sqlmodel_field(actual, attribute)
            if found is None:
                return None
            lines = found
        elif legacy:
            source_type = self.renderer.column_type(actual)
            arguments = self.renderer.column_arguments(self.table, actual, source_type, False)
            function = self.renderer.use("sqlalchemy", "Column")
            named: list[Expr] = [string(actual.name)] if attribute != actual.name else []
            lines = Call(function, *named, *arguments).lines(0, f"{attribute} = ")
        else:
            lines = self.renderer.render_column(self.table, actual, attribute)
            lines = [line.removeprefix("    ") for line in lines]
        indent = " " * last.col_offset
        text = "".join(f"{indent}{line}\n" for line in lines)
        end_line = last.end_lineno or last.lineno
        edit = TextEdit(self.at(end_line, 0), text)
        return self.fixed(title, edit)

    def sqlmodel_field(self, actual: ColumnSchema, attribute: str) -> list[str] | None:
        """``name: T = Field(...)`` for a SQLModel class: the annotation says NULL or NOT
        NULL, ``sa_type=`` the type, ``foreign_key=`` the key, ``sa_column_kwargs`` the
        rest; None for what a field cannot say simply (another name, identity, computed)."""
        table = self.table
        if attribute != actual.name or actual.identity or actual.computed or table is None:
            return None
        source_type = self.renderer.column_type(actual)
        python = python_type(source_type.type).optional(
            actual.nullable, self.renderer.style.optional
        )
        self.renderer.imports.update(python.imports)
        annotation = python.annotation
        items: list[Expr] = [Keyword("default", "None")] if actual.nullable else []
        items.append(Keyword("sa_type", source_type.expression))
        for fk in table.foreign_keys:
            if fk.columns == (actual.name,):
                if fk.on_update or fk.deferrable or fk.initially:
                    return None
                items.append(Keyword("foreign_key", string(_target(fk))))
                if fk.on_delete:
                    items.append(Keyword("ondelete", string(fk.on_delete)))
        options: list[Expr] = []
        default = self.renderer.server_default(table, actual)
        if default is not None:
            options.append(Pair(string("server_default"), default))
        if actual.comment is not None:
            options.append(Pair(string("comment"), string(actual.comment)))
        if options:
            items.append(Keyword("sa_column_kwargs", Dict(options)))
        function = self.renderer.use("sqlmodel", "Field")
        return Call(function, *items).lines(0, f"{attribute}: {annotation} = ")

    def fix_computed(self) -> ModelEdit | None:
        """The column's ``Computed(...)`` as the database generates it: rewritten, added
        after the column's other arguments, or removed for a plain column."""
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema):
            return None
        _, call = self.column_site()
        if call is None or self.called(call) == "Field" or self.shared(call):
            return None  # a bare annotation or a SQLModel Field: no argument to write
        existing = next(
            (a for a in call.args if isinstance(a, ast.Call) and self.called(a) == "Computed"),
            None,
        )
        if actual.computed is None:
            removed = self.remove_item(existing) if existing is not None else None
            title = f"Make {actual.name} a plain column (as in the database)"
            return ModelEdit(title, (removed,)) if removed is not None else None
        expression = _without_backquotes(unwrapped(actual.computed.sqltext))
        computed = replace(actual.computed, sqltext=expression)
        item = self.renderer.computed(replace(actual, computed=computed))
        title = f"Generate {actual.name} as ({expression}) (as in the database)"
        if existing is not None:
            edits = [self.edit(existing, as_node(item).flat())]
        else:
            edits = self.insert_positional(call, item)
        return self.fixed(title, edits)

    def fix_autoincrement(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, ColumnSchema):
            return None
        statement, call = self.column_site()
        said = "auto-incrementing" if actual.autoincrement else "not auto-incrementing"
        title = f"Make {actual.name} {said} (as in the database)"
        if call is None:
            bare = self.bare(statement, f"autoincrement={actual.autoincrement!r}")
            return self.fixed(title, bare) if bare else None
        if self.shared(call):
            return None
        edits = self.column_option(call, "autoincrement", repr(actual.autoincrement))
        return ModelEdit(title, tuple(edits)) if edits else None
