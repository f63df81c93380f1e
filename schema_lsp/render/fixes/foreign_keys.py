"""Fixes of foreign keys: a ``ForeignKey`` added, removed or retargeted, its actions and
deferral."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import ClassVar

from ...dialects import rules_for
from ...schema import ForeignKeySchema, TypeSpec
from ...text import TextEdit
from ..source import (
    as_node,
    string,
)
from ..source_edit import (
    keyword_named,
)
from .editor import (
    ModelEdit,
    ModelEditor,
    _action,
    _automatic_fk_name,
    _initially,
    _literal,
    _mapped_argument,
    _target,
)


class ForeignKeyFixes(ModelEditor):
    #: difference kind -> the method that fixes it
    FIXES: ClassVar[dict[str, str]] = {
        "foreign_key_changed": "fix_foreign_key_changed",
        "foreign_key_unmapped": "fix_foreign_key_unmapped",
        "foreign_key_missing": "fix_foreign_key_missing",
    }

    def fix_foreign_key_unmapped(self) -> ModelEdit | None:
        found = self.unmapped_object(ForeignKeySchema)
        if found is None:
            return None
        actual, table, site = found
        fk = replace(actual, name=None) if _automatic_fk_name(table, actual) else actual
        title = f"Add the foreign key ({', '.join(fk.columns)}) -> {_target(fk)} to the model"
        call = self.site_column(site, fk.columns[0]) if len(fk.columns) == 1 else None
        if call is not None and self.called(call) == "Field":
            if fk.on_update or fk.deferrable or fk.initially or fk.name:
                call = None  # SQLModel's foreign_key= takes none of these
            else:
                keywords = {"foreign_key": string(_target(fk))}
                if fk.on_delete:
                    keywords["ondelete"] = string(fk.on_delete)
                return ModelEdit(title, tuple(self.set_keywords(call, keywords)))
        if call is not None:
            edits = self.insert_positional(call, self.renderer.foreign_key(fk))
        else:
            added = self.add_table_item(site, self.renderer.foreign_key_constraint(fk))
            if added is None:
                return None
            edits = added
        return self.fixed(title, edits)

    def fix_foreign_key_missing(self) -> ModelEdit | None:
        declared = self.difference.declared
        if not isinstance(declared, ForeignKeySchema):
            return None
        assert self.where is not None
        title = f"Remove the foreign key ({', '.join(declared.columns)}) -> {_target(declared)}"
        if self.becomes_autoincrement(declared):
            return None
        field = self.foreign_key_keyword()
        if field is not None:
            if self.shared(field[0]):
                return None
            edits = self.set_keywords(field[0], {"foreign_key": None, "ondelete": None})
            return ModelEdit(title, tuple(edits))
        call = self.call_at(self.where)
        if call is None or self.called(call) not in ("ForeignKey", "ForeignKeyConstraint"):
            return None
        if self.shared(call):
            return None
        column = self.parent(call)
        if (
            self.called(call) == "ForeignKey"
            and isinstance(column, ast.Call)
            and self.type_argument(column) is None
        ):
            statement = self.parent(column)
            typed = isinstance(statement, ast.AnnAssign) and _mapped_argument(statement)
            if not typed:
                # The type came from the referenced column: write the database's instead.
                actual = self.table.column(declared.columns[0]) if self.table else None
                if actual is None:
                    return None
                text = as_node(self.renderer.column_type(actual).expression).flat()
                return self.fixed(title, self.edit(call, text))
        edit = self.remove_item(call)
        return ModelEdit(title, (edit,)) if edit is not None else None

    def becomes_autoincrement(self, fk: ForeignKeySchema) -> bool:
        """SQLAlchemy makes a table's single integer key column auto-incrementing unless a
        foreign key is on it: removing the key would make the model's column so where the
        database's is not, a new difference (not written: the fix is left to a human)."""
        declared_table, table = self.difference.declared_table, self.table
        if declared_table is None or table is None or declared_table.primary_key is None:
            return False
        if len(fk.columns) != 1 or declared_table.primary_key.columns != fk.columns:
            return False
        declared = declared_table.column(fk.columns[0])
        actual = table.column(fk.columns[0])
        if declared is None or actual is None or declared.autoincrement or actual.autoincrement:
            return False
        if declared.default is not None:
            return False  # a server default keeps it from auto-incrementing anyway
        call = self.recorded_column(declared.name)
        if call is not None and keyword_named(call, "autoincrement") is not None:
            return False  # said explicitly: the key does not decide
        return declared.sa_type is not None and _integer(declared.sa_type)

    def foreign_key_keyword(self) -> tuple[ast.Call, ast.keyword] | None:
        """SQLModel's ``Field(foreign_key="t.c")`` the difference points at."""
        value = self.node_at(self.where, (ast.expr,))
        keyword = self.parent(value) if value is not None else None
        call = self.parent(keyword) if isinstance(keyword, ast.keyword) else None
        if isinstance(call, ast.Call) and self.called(call) == "Field":
            assert isinstance(keyword, ast.keyword)
            if keyword.arg == "foreign_key":
                return call, keyword
        return None

    def fix_foreign_key_changed(self) -> ModelEdit | None:
        declared, actual = self.difference.declared, self.difference.actual
        if not isinstance(declared, ForeignKeySchema) or not isinstance(actual, ForeignKeySchema):
            return None
        assert self.where is not None
        moved = (declared.referred_table, declared.referred_columns, declared.referred_schema) != (
            actual.referred_table,
            actual.referred_columns,
            actual.referred_schema,
        )
        edits: list[TextEdit] = []
        keywords: dict[str, str | None] = {}
        field = self.foreign_key_keyword()
        if field is not None:
            call, keyword = field
            if actual.on_update or actual.deferrable or actual.initially or self.shared(call):
                return None  # SQLModel's Field takes ondelete= only
            if moved:
                edits.append(self.edit(keyword.value, string(_target(actual))))
            actions = [("ondelete", declared.on_delete, actual.on_delete)]
        else:
            found = self.call_at(self.where)
            if found is None or self.called(found) not in ("ForeignKey", "ForeignKeyConstraint"):
                return None
            call = found
            if self.shared(call):
                return None
            if moved:
                edit = self.retarget(call, actual)
                if edit is None:
                    return None
                edits.append(edit)
            actions = []
            for name, action in (("ondelete", actual.on_delete), ("onupdate", actual.on_update)):
                written = keyword_named(call, name)
                actions.append((name, _literal(written.value) if written else None, action))
            if rules_for(self.renderer.dialect).reports_deferral:
                if bool(declared.deferrable) != bool(actual.deferrable):
                    keywords["deferrable"] = "True" if actual.deferrable else None
                if _initially(declared) != _initially(actual):
                    initially = actual.initially
                    keywords["initially"] = string(initially) if initially else None
        for name, current, action in actions:
            if _action(current) != _action(action):
                keywords[name] = (
                    string(action) if action and _action(action) != "NO ACTION" else None
                )
        edits += self.set_keywords(call, keywords)
        if not edits:
            return None
        if moved:
            title = f"Make the foreign key reference {_target(actual)} (as in the database)"
        else:
            said = f"ON DELETE {actual.on_delete or 'NO ACTION'}"
            if actual.on_update:
                said += f", ON UPDATE {actual.on_update}"
            title = f"Set the foreign key's {said} (as in the database)"
        return self.fixed(title, edits)

    def retarget(self, call: ast.Call, actual: ForeignKeySchema) -> TextEdit | None:
        """The referenced column(s) of a ``ForeignKey``/``ForeignKeyConstraint``."""
        if self.called(call) == "ForeignKey":
            target = call.args[0] if call.args else None
            if target is None:
                keyword = keyword_named(call, "column")
                target = keyword.value if keyword is not None else None
            if target is None or len(actual.referred_columns) != 1:
                return None
            return self.edit(target, string(_target(actual)))
        remote = call.args[1] if len(call.args) > 1 else None
        if remote is None:
            keyword = keyword_named(call, "refcolumns")
            remote = keyword.value if keyword is not None else None
        if remote is None:
            return None
        targets = [string(_target(actual, c)) for c in actual.referred_columns]
        return self.edit(remote, f"[{', '.join(targets)}]")


def _integer(spec: TypeSpec) -> bool:
    """An integer type: the kind SQLAlchemy may make auto-incrementing."""
    import sqlalchemy

    try:
        return isinstance(spec.build(), sqlalchemy.Integer)
    except Exception:  # a type that cannot be built is not assumed one
        return False
