"""Fixes of indexes and unique constraints: a flag on the column, an ``Index(...)`` or
``UniqueConstraint(...)`` item, or its columns and options rewritten."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from ...dialects import rules_for
from ...schema import (
    IndexSchema,
    UniqueConstraintSchema,
)
from ...text import TextEdit
from ..source import (
    Atom,
    Call,
    Keyword,
    as_node,
)
from ..source_edit import (
    call_arguments,
    keyword_named,
)
from .editor import (
    ModelEdit,
    ModelEditor,
    _automatic_unique_name,
    _constant,
    _describe,
)


class IndexFixes(ModelEditor):
    #: difference kind -> the method that fixes it
    FIXES: ClassVar[dict[str, str]] = {
        "index_unmapped": "fix_index_unmapped",
        "index_missing": "fix_index_missing",
        "index_changed": "fix_index_changed",
        "unique_unmapped": "fix_unique_unmapped",
        "unique_missing": "fix_unique_missing",
    }

    def fix_index_unmapped(self) -> ModelEdit | None:
        found = self.unmapped_object(IndexSchema)
        if found is None:
            return None
        actual, table, site = found
        title = f"Add index {actual.name} to the model (as in the database)"
        plain = not (actual.expressions or actual.where or actual.method)
        if plain and len(actual.columns) == 1:
            known, name = self.flag_name("ix", table, actual.columns[0])
            call = self.site_column(site, actual.columns[0])
            unique = keyword_named(call, "unique") if call is not None else None
            if unique is not None and not actual.unique:
                call = None  # with unique=True, index=True would make the index unique
            if known and name == actual.name and call is not None:
                edits = self.flags(call, {"index": True, "unique": actual.unique})
                return self.fixed(title, edits) if edits else None
        added = self.add_table_item(site, self.renderer.index(table, actual))
        return self.fixed(title, added) if added else None

    def fix_index_missing(self) -> ModelEdit | None:
        declared = self.difference.declared
        if not isinstance(declared, IndexSchema):
            return None
        title = f"Remove index {declared.name or ''} from the model (the database has none)"
        return self.remove_declared(title, "Index", ("index", "unique"))

    def fix_index_changed(self) -> ModelEdit | None:
        declared, actual, table = self.difference.declared, self.difference.actual, self.table
        if not isinstance(declared, IndexSchema) or not isinstance(actual, IndexSchema):
            return None
        if table is None:
            return None
        assert self.where is not None
        title = f"Make index {actual.name} {_describe(actual)} (as in the database)"
        call = self.call_at(self.where)
        edits: list[TextEdit] = []
        if call is not None and self.shared(call):
            return None
        if call is not None and self.called(call) == "Index":
            elements = call.args[1:]
            rendered = self.renderer.index(table, actual)
            assert isinstance(rendered, Call)
            wanted = [i for i in rendered.items[1:] if not isinstance(i, Keyword)]
            written = self.index_elements(elements, actual, wanted)
            if written is None:
                return None
            if elements:
                start, end = self.span(elements[0]), self.span(elements[-1])
                where = self.stretch(
                    start.start_line, start.start_column, end.end_line, end.end_column
                )
                if self.text_between(where) != written:
                    edits.append(TextEdit(where, written))
            else:
                edits += self.insert_element(call, call_arguments(call), Atom(written))
            options = {
                k.name: as_node(k.value).flat()
                for k in self.renderer.index_dialect_options(actual)
                if isinstance(k, Keyword)
            }
            prefix = rules_for(self.renderer.dialect).option_prefix or self.renderer.dialect
            keywords: dict[str, str | None] = {
                "unique": "True" if actual.unique else None,
                f"{prefix}_where": options.get(f"{prefix}_where"),
                f"{prefix}_using": options.get(f"{prefix}_using"),
            }
            unique = keyword_named(call, "unique")
            if unique is not None and _constant(unique.value) is actual.unique:
                del keywords["unique"]  # unique=False stays as written
            edits += self.set_keywords(call, keywords)
            return self.fixed(title, edits) if edits else None
        statement, column = self.column_site()
        if column is None or self.shared(column):
            return None
        plain = not (actual.expressions or actual.where or actual.method)
        if plain and actual.columns == declared.columns and len(actual.columns) == 1:
            edits = self.flags(column, {"unique": actual.unique})
            return self.fixed(title, edits) if edits else None
        site = self.table_site_of(statement, column)
        if site is None:
            return None
        added = self.add_table_item(site, self.renderer.index(table, actual))
        if added is None:
            return None
        edits = self.flags(column, {"index": False, "unique": False}) + added
        return self.fixed(title, edits)

    def fix_unique_unmapped(self) -> ModelEdit | None:
        found = self.unmapped_object(UniqueConstraintSchema)
        if found is None:
            return None
        actual, table, site = found
        title = f"Add the unique constraint on ({', '.join(actual.columns)}) to the model"
        automatic = _automatic_unique_name(self.renderer.dialect, table, actual)
        if len(actual.columns) == 1:
            known, name = self.flag_name("uq", table, actual.columns[0])
            call = self.site_column(site, actual.columns[0])
            fits = name == actual.name or (name is None and automatic)
            if known and fits and call is not None and keyword_named(call, "index") is None:
                edits = self.flags(call, {"unique": True})
                return self.fixed(title, edits) if edits else None
            known, name = self.flag_name("ix", table, actual.columns[0])
            if known and name == actual.name and call is not None:
                # MySQL reports a unique index as a constraint: index=True, unique=True.
                edits = self.flags(call, {"index": True, "unique": True})
                return self.fixed(title, edits) if edits else None
        unique = replace(actual, name=None) if automatic else actual
        added = self.add_table_item(site, self.renderer.unique_constraint(unique))
        return self.fixed(title, added) if added else None

    def fix_unique_missing(self) -> ModelEdit | None:
        declared = self.difference.declared
        if not isinstance(declared, UniqueConstraintSchema):
            return None
        title = f"Remove the unique constraint on ({', '.join(declared.columns)}) from the model"
        return self.remove_declared(title, "UniqueConstraint", ("unique",))
