"""One entity compared with its table: the column steps and the key steps, in order."""

from __future__ import annotations

from .columns import ColumnComparison
from .keys import KeyComparison
from .kinds import SchemaDifference


class TableComparison(ColumnComparison, KeyComparison):
    """Compares one entity with its table; a small object so each step reads alone."""

    def run(self) -> list[SchemaDifference]:
        names = set(self.declared.column_names)
        for note in self.entity.notes:
            single = note.subjects[0] if len(note.subjects) == 1 else None
            self.add(
                "not_checked",
                note.message,
                range_=note.range,
                column=single if single in names else None,
                name=note.name,
                columns=note.subjects,
            )
        if self.actual is None:
            self._missing_table()
            return self.found
        if self.actual.incomplete is not None:
            self.add(
                "not_checked",
                f"table {self.key}: not checked (the database's definition of it could not be "
                f"read in full; {self.actual.incomplete})",
                range_=self.entity.range,
            )
            return self.found
        self._columns()
        if not self.actual.is_view:
            self._primary_key()
            self._indexes_and_uniques()
            self._foreign_keys()
            if self.options.check_constraints:
                self._checks()
        if self._comments() and self.declared.comment != self.actual.comment:
            self.add(
                "comment",
                f"table {self.key}: comment {self.declared.comment!r} in the model, "
                f"{self.actual.comment!r} in the database",
                range_=self.entity.range,
            )
        return self.found
