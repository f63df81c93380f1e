"""The other direction: the edit to a model's source that makes the entity match the
database (the editor's quick fix "update the model to match the database").

Edits are small and local: a keyword (``nullable=``, ``server_default=``, ``index=True``,
``unique=True``, ``comment=``, ``ondelete=``), the type argument or the annotation, one
argument of a column call or of ``Table(...)``, one ``__table_args__`` element, one statement.
Everything around them is left as the user wrote it; an element on a line of its own is
added or removed as a whole line, and a one-line call or tuple that an addition would push
past the line length (the project formatter's, else 88) is laid out one element per line,
as ruff would. New names are written the way the file imports them (``sa.Index`` after
``import sqlalchemy as sa``, ``C`` after ``from sqlalchemy import Column as C``), never
inside string literals; a name the file does not import yet gets an import line after its
last top-level import. Indexes, constraints and
keys are rendered by ``EntityRenderer``, the generator of new entities.

Covered kinds (``FIXABLE_KINDS``), for declarative classes (``Mapped``/``mapped_column``,
annotation-only ``Mapped[...]``, or ``Column``), ``__table__ = Table(...)`` and imperative
``Table("t", metadata, Column(...), ...)``, and SQLModel ``Field(...)``:

* columns: ``type`` (the annotation's Python type follows; SQLModel: ``sa_type=``),
  ``nullable`` (keyword, or ``Optional``/``| None`` of the annotation), ``server_default``
  (SQLModel: ``sa_column_kwargs``), ``autoincrement`` and ``comment`` (keywords),
  ``column_missing``, ``column_unmapped`` (written like its neighbours: ``mapped_column``,
  ``Column``, or a SQLModel ``Field``);
* ``index_unmapped``: ``index=True`` when the name is the one the file's naming convention
  gives (the convention must be readable in the file: with a base imported from elsewhere
  the name is written out), else ``Index(...)`` in ``__table_args__`` (made, or a dict
  turned into ``(Index(...), {...})``) or in ``Table(...)``; ``index_missing`` removes the
  flag, the item or a standalone ``Index(...)`` statement; ``index_changed`` rewrites the
  columns, ``unique=`` and this dialect's ``_where``/``_using``;
* ``unique_unmapped`` (``unique=True`` when the database's name is its own default, else
  ``UniqueConstraint``), ``unique_missing``;
* ``foreign_key_unmapped`` (``ForeignKey`` after the column's type, SQLModel's
  ``foreign_key=``, or ``ForeignKeyConstraint``), ``foreign_key_missing`` (a ``ForeignKey``
  that gave its column's type leaves the database's type behind), ``foreign_key_changed``
  (target, actions, PostgreSQL deferral);
* ``computed``: the column's ``Computed(...)`` rewritten, added or removed;
* ``check_unmapped``/``check_missing``, and a table's ``comment`` (``__table_args__``
  options or ``Table(comment=...)``);
* ``primary_key``: ``primary_key=True`` flags, or the columns of a ``PrimaryKeyConstraint``
  (one is added when the key's column order is not the table's).

Anything else gives None: ``table_missing``/``table_unmapped`` (the server offers
"Generate entity class" through ``render.entity`` instead), ``name`` and notes. So does what
a mixin or base shares with other entities (a flag, a key, an inherited ``__table_args__`` a
new one would hide), and any edit this module cannot place exactly: it is never guessed.

``model_edit`` returns a ``ModelEdit`` (a title and the ``TextEdit`` values to apply together:
the change itself and, when needed, an import line) rather than a single ``TextEdit``, so a
type whose name the file does not import yet still gives code that runs. The editing that
knows nothing of SQLAlchemy (spans, elements of calls and containers, keywords, statements,
``TextEdit``, ``apply_edits``) is ``source_edit.SourceEditor``, which ``editor.ModelEditor``
extends; each kind's fixer is a method of a mixin in ``columns.py``, ``indexes.py``,
``foreign_keys.py`` or ``table_options.py``, registered in its ``FIXES``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from ...diff import SchemaDifference
from ...entities.source import ParsedFile, parse_source
from ...text import SourceRange, TextEdit
from ..source import laid_out_at
from .columns import ColumnFixes
from .editor import ModelEdit
from .foreign_keys import ForeignKeyFixes
from .indexes import IndexFixes
from .table_options import TableFixes


class _Editor(ColumnFixes, IndexFixes, ForeignKeyFixes, TableFixes):
    """One difference's editor, with every kind's fixer."""


_FIXES: dict[str, Callable[[_Editor], ModelEdit | None]] = {
    kind: getattr(_Editor, method)
    for fixes in (ColumnFixes, IndexFixes, ForeignKeyFixes, TableFixes)
    for kind, method in fixes.FIXES.items()
}
#: The difference kinds a model edit can fix (for a client that offers the quick fix).
FIXABLE_KINDS = frozenset(_FIXES)


def model_edit(
    difference: SchemaDifference,
    source_text: str,
    dialect: str,
    *,
    line_length: int | None = None,
    parsed: ParsedFile | None = None,
) -> ModelEdit | None:
    """The edit that makes the model declare what the database has, or None when this
    kind is not covered or the declaration cannot be found exactly. ``source_text`` is the
    file at ``difference.range.path``; ``dialect`` is the database's (it decides which
    SQLAlchemy type reproduces the database's type); ``line_length`` is the project
    formatter's (``config.formatter_line_length``); ``parsed`` is the parser's reading of
    that text when the caller holds it (the workspace index), else the text is parsed."""
    with laid_out_at(line_length):
        return _model_edit(difference, source_text, dialect, parsed)


def _model_edit(
    difference: SchemaDifference, source_text: str, dialect: str, parsed: ParsedFile | None
) -> ModelEdit | None:
    if difference.range is None:
        return None
    handler = _FIXES.get(difference.kind)
    if handler is None:
        return None
    path = difference.range.path
    if parsed is None or parsed.path != path or parsed.lines != tuple(source_text.splitlines()):
        parsed = parse_source(source_text, path)  # not the text the caller's parse read
    if not parsed.ok:
        return None
    editor = _Editor(difference, source_text, parsed, dialect)
    fix = handler(editor)
    if fix is None or not fix.edits:
        return None
    shared = _in_repeated_code(editor, fix.edits) or _in_shared_class(editor, fix.edits)
    if shared and not editor.alike_everywhere():
        return None  # right for this table, wrong for others the same code makes
    if "\r\n" in source_text:  # new lines end the way the file's lines end
        edits = tuple(
            TextEdit(e.range, re.sub(r"(?<!\r)\n", "\r\n", e.new_text)) for e in fix.edits
        )
        fix = ModelEdit(fix.title, edits)
    return fix


def _in_shared_class(editor: _Editor, edits: tuple[TextEdit, ...]) -> bool:
    """Whether an edit falls in a class that does not map the entity's table (by the
    parser's ``EntitySchema.classes``): a mixin or a base (``created_on`` of an audit
    mixin, a settings base every schema's ``settings`` table derives from), where editing
    changes every table that inherits it. Checked once here for every kind's fixer."""
    for edit in edits:
        holder = _innermost_class(editor, (edit.range.start_line, edit.range.start_column))
        if holder is not None and not editor.own_class(holder):
            return True
    return False


def _innermost_class(editor: _Editor, position: tuple[int, int]) -> ast.ClassDef | None:
    """The innermost class whose statement spans ``position`` (0-based line, column)."""
    found = None
    for node in ast.walk(editor.tree):
        if isinstance(node, ast.ClassDef):
            where = editor.span(node)
            first, last = (where.start_line, where.start_column), (where.end_line, where.end_column)
            if first <= position <= last and (found is None or node.lineno > found.lineno):
                found = node
    return found


#: Code that may run more than once, each time for another table.
_REPEATING = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def _in_repeated_code(editor: _Editor, edits: tuple[TextEdit, ...]) -> bool:
    """Whether an edit starts in code that may declare several tables: a loop or
    comprehension (``for entity in (...): Table(f"{entity}_map", ...)``), or a function
    outside a class body (a helper called per table), where editing changes every table it
    makes (a method of the entity's class is its own)."""
    spans: list[SourceRange] = []

    def visit(node: ast.AST, in_class_body: bool) -> None:
        for child in ast.iter_child_nodes(node):
            function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            repeating = isinstance(child, _REPEATING) or (function and not in_class_body)
            if repeating and isinstance(child, (ast.stmt, ast.expr)):
                spans.append(editor.span(child))
            else:
                visit(child, isinstance(child, ast.ClassDef))

    visit(editor.tree, False)
    return any(
        (where.start_line, where.start_column)
        <= (edit.range.start_line, edit.range.start_column)
        < (where.end_line, where.end_column)
        for edit in edits
        for where in spans
    )


__all__ = ["FIXABLE_KINDS", "ModelEdit", "model_edit"]
