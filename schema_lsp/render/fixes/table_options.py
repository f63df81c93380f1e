"""Fixes of what belongs to the table: its primary key, CHECK constraints and comment."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import ClassVar

from ...schema import (
    CheckConstraintSchema,
    ColumnSchema,
)
from ...text import TextEdit
from ..source import (
    Call,
    Dict,
    Pair,
    string,
)
from ..source_edit import (
    keyword_named,
)
from .editor import (
    ModelEdit,
    ModelEditor,
    _automatic_check_name,
    _constant,
    _literal,
    _TableSite,
    _without_backquotes,
)


class TableFixes(ModelEditor):
    #: difference kind -> the method that fixes it
    FIXES: ClassVar[dict[str, str]] = {
        "check_unmapped": "fix_check_unmapped",
        "check_missing": "fix_check_missing",
        "comment": "fix_comment",
        "primary_key": "fix_primary_key",
    }

    def fix_primary_key(self) -> ModelEdit | None:
        """The database's key columns get ``primary_key=True`` and the others lose it; a
        ``PrimaryKeyConstraint`` (written, or added when the key's order is not the columns'
        order) lists them in the database's order. None when a key column is not declared
        in the entity's own class or the database has no key."""
        table, declared = self.table, self.difference.declared_table
        key = table.primary_key if table is not None else None
        if table is None or declared is None or key is None:
            return None
        if not all(c in declared.column_names for c in key.columns):
            return None
        assert self.where is not None
        title = f"Make ({', '.join(key.columns)}) the primary key (as in the database)"
        site = self.table_site()
        written = self.call_at(self.where)
        if written is not None and self.called(written) == "PrimaryKeyConstraint":
            site = self.table_site_of(None, written)
        elif site is None:
            statement, column = self.column_site()
            site = self.table_site_of(statement, column) if column is not None else None
        if site is None:
            return None
        constraint = self.site_constraint(site, "PrimaryKeyConstraint")
        edits: list[TextEdit] = []
        if constraint is not None:  # the constraint says it: its columns follow
            elements = constraint.args
            if [_literal(e) for e in elements] != list(key.columns):
                if not elements or any(_literal(e) is None for e in elements):
                    return None
                start, end = self.span(elements[0]), self.span(elements[-1])
                where = self.stretch(
                    start.start_line, start.start_column, end.end_line, end.end_column
                )
                edits.append(TextEdit(where, ", ".join(string(c) for c in key.columns)))
            return self.fixed(title, edits) if edits else None
        for name in declared.column_names:
            call = self.site_column(site, name)
            flag = keyword_named(call, "primary_key") if call is not None else None
            if (flag is not None and _constant(flag.value) is True) == (name in key.columns):
                continue
            if call is None or self.shared(call):
                return None
            edits += self.flags(call, {"primary_key": name in key.columns})
        if tuple(c for c in declared.column_names if c in key.columns) != key.columns:
            # Flags give the columns' order; the database's order needs the constraint.
            function = self.renderer.use("sqlalchemy", "PrimaryKeyConstraint")
            added = self.add_table_item(site, Call(function, *(string(c) for c in key.columns)))
            if added is None:
                return None
            edits += added
        return self.fixed(title, edits) if edits else None

    def site_constraint(self, site: _TableSite, function: str) -> ast.Call | None:
        """The table's ``function(...)`` item (in ``Table(...)`` or ``__table_args__``)."""
        items: list[ast.expr] = []
        if site.call is not None:
            items = list(site.call.args)
        elif site.klass is not None:
            statement = self.table_args(site.klass)
            value = statement.value if statement is not None else None
            if isinstance(value, (ast.Tuple, ast.List)):
                items = list(value.elts)
        return next(
            (i for i in items if isinstance(i, ast.Call) and self.called(i) == function), None
        )

    def fix_check_unmapped(self) -> ModelEdit | None:
        actual = self.difference.actual
        if not isinstance(actual, CheckConstraintSchema) or self.table is None:
            return None
        site = self.table_site()
        if site is None:
            return None
        check = replace(actual, name=None) if _automatic_check_name(self.table, actual) else actual
        check = replace(check, sqltext=_without_backquotes(check.sqltext))
        edits = self.add_table_item(site, self.renderer.check_constraint(check))
        title = f"Add the check constraint ({actual.sqltext}) to the model"
        return self.fixed(title, edits) if edits else None

    def fix_check_missing(self) -> ModelEdit | None:
        declared = self.difference.declared
        if not isinstance(declared, CheckConstraintSchema):
            return None
        assert self.where is not None
        call = self.call_at(self.where)
        if call is None or self.called(call) != "CheckConstraint" or self.shared(call):
            return None
        edit = self.remove_item(call)
        title = f"Remove the check constraint ({declared.sqltext}) from the model"
        return ModelEdit(title, (edit,)) if edit is not None else None

    def fix_comment(self) -> ModelEdit | None:
        """A column's ``comment=`` (SQLModel: in ``sa_column_kwargs``), or the table's in
        ``__table_args__`` / ``Table(comment=...)``."""
        actual = self.difference.actual
        if self.difference.column is not None:
            if not isinstance(actual, ColumnSchema):
                return None
            statement, call = self.column_site()
            value = string(actual.comment) if actual.comment is not None else None
            title = f"Set the comment of {actual.name} as in the database"
            if call is None:
                bare = self.bare(statement, f"comment={value}") if value else None
                return self.fixed(title, bare) if bare else None
            if self.shared(call):
                return None
            edits = self.column_option(call, "comment", value)
            return ModelEdit(title, tuple(edits)) if edits else None
        table = self.table
        site = self.table_site()
        if table is None or site is None:
            return None
        value = string(table.comment) if table.comment is not None else None
        title = f"Set the comment of table {table.name} as in the database"
        if site.call is not None:
            edits = self.set_keyword(site.call, "comment", value)
            return ModelEdit(title, tuple(edits)) if edits else None
        assert site.klass is not None
        edits = self.table_option(site.klass, "comment", value)
        return ModelEdit(title, tuple(edits)) if edits else None

    def table_option(self, klass: ast.ClassDef, name: str, value: str | None) -> list[TextEdit]:
        """A ``__table_args__`` options-dict entry set, replaced or removed."""
        statement = self.table_args(klass)
        if statement is None:
            if value is None or self.table_args_elsewhere(klass):
                return []
            return [
                self.new_class_attribute(klass, "__table_args__", Dict([Pair(string(name), value)]))
            ]
        container = statement.value
        options: ast.Dict | None = None
        if isinstance(container, ast.Dict):
            options = container
        elif isinstance(container, (ast.Tuple, ast.List)):
            if container.elts and isinstance(container.elts[-1], ast.Dict):
                options = container.elts[-1]
            elif value is None:
                return []
            else:
                return self.insert_element(
                    container, list(container.elts), Dict([Pair(string(name), value)])
                )
        if options is None or None in options.keys:
            return []
        for key, item in zip(options.keys, options.values, strict=True):
            if _literal(key) == name:
                if value is not None:
                    return [self.edit(item, value)]
                if len(options.keys) > 1:
                    pairs = self.pair_spans(options)
                    return self.remove_spans(pairs, [pairs[options.values.index(item)]])
                if options is container:
                    edit = self.remove_statement(statement)
                    return [edit] if edit is not None else []
                assert isinstance(container, (ast.Tuple, ast.List))
                removed = self.remove_item(options)
                return [removed] if removed is not None else []
        if value is None:
            return []
        if not options.keys:
            return [self.edit(options, f"{{{string(name)}: {value}}}")]
        return self.insert_element(options, options.values, Pair(string(name), value))
