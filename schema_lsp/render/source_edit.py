"""Layout-preserving edits of a parsed Python module, apart from what they are for.

The quick fixes of ``model_edit`` change a model file in small, local ways: one argument,
keyword, element or statement, with everything around it left as the user wrote it (an
element on a line of its own is added or removed as a whole line, trailing commas are kept,
a one-line call or tuple that an addition would push past 88 columns is laid out one element
per line, as ruff would). None of that knows about SQLAlchemy, SQLModel or schema
differences, so it lives here: ``SourceEditor`` (positions and spans of ast nodes, and the
edits to calls, tuples, lists, dicts and statements), ``TextEdit`` and ``apply_edits``.
``model_edit`` subclasses the editor with the fixes themselves.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence

from ..text import SourceRange, TextEdit, code_points, source_lines
from .imports_in_file import after_imports, local_name, rename_in_code
from .source import INDENT, Atom, Expr, Import, as_node, line_length


class SourceEditor:
    """Positions of a parsed module's nodes and layout-preserving edits of its text."""

    def __init__(
        self, source: str, tree: ast.Module, path: str, bindings: Mapping[str, str]
    ) -> None:
        self.source = source
        self.lines = source_lines(source)
        self.tree = tree
        self.path = path
        #: the module-level names the file binds (local name -> the dotted name it stands
        #: for), as the parser read them: how the file already spells what it imports
        self.bindings = bindings
        self._parents: dict[int, ast.AST] = {}
        self._by_span: dict[SourceRange, list[ast.AST]] | None = None

    # -- positions -----------------------------------------------------------------------

    def position(self, lineno: int, col_offset: int) -> tuple[int, int]:
        """ast's (1-based line, UTF-8 byte column) as (0-based line, code-point column)."""
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        return lineno - 1, code_points(line, col_offset)

    def span(self, node: ast.AST) -> SourceRange:
        start = self.position(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.position(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return SourceRange(self.path, start[0], start[1], end[0], end[1])

    def at(self, line: int, column: int) -> SourceRange:
        return SourceRange(self.path, line, column, line, column)

    def stretch(self, line: int, column: int, end_line: int, end_column: int) -> SourceRange:
        return SourceRange(self.path, line, column, end_line, end_column)

    def edit(self, node: ast.AST, text: str) -> TextEdit:
        return TextEdit(self.span(node), text)

    # -- finding nodes --------------------------------------------------------------------

    def node_at(self, where: SourceRange | None, kinds: tuple[type, ...]) -> ast.AST | None:
        """The node of one of ``kinds`` spanning exactly ``where`` in this file."""
        if where is None or where.path != self.path:
            return None
        if self._by_span is None:
            self._by_span = {}
            for node in ast.walk(self.tree):
                if isinstance(node, (ast.stmt, ast.expr)):
                    self._by_span.setdefault(self.span(node), []).append(node)
        return next((n for n in self._by_span.get(where, ()) if isinstance(n, kinds)), None)

    def call_at(self, where: SourceRange) -> ast.Call | None:
        found = self.node_at(where, (ast.Call,))
        return found if isinstance(found, ast.Call) else None

    def parent(self, node: ast.AST) -> ast.AST | None:
        if not self._parents:
            for outer in ast.walk(self.tree):
                for inner in ast.iter_child_nodes(outer):
                    self._parents[id(inner)] = outer
        return self._parents.get(id(node))

    # -- text -----------------------------------------------------------------------------

    def text_of(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.source, node)
        return segment if segment is not None else ast.unparse(node)

    def text_between(self, where: SourceRange) -> str:
        lines = self.lines
        if where.start_line == where.end_line:
            return lines[where.start_line][where.start_column : where.end_column]
        middle = lines[where.start_line + 1 : where.end_line]
        return (
            lines[where.start_line][where.start_column :]
            + "".join(middle)
            + lines[where.end_line][: where.end_column]
        )

    # -- names and imports ------------------------------------------------------------------

    def references(self, text: str, imports: Iterable[Import]) -> tuple[str, list[TextEdit]]:
        """``text`` with each imported name written the way this file imports it, plus
        the import lines the file still lacks."""
        added: list[str] = []
        for item in sorted(set(imports)):
            local = local_name(self.bindings, item)
            if local is None:
                if item.name is None:
                    added.append(f"import {item.module}")
                else:
                    added.append(f"from {item.module} import {item.name}")
                continue
            if local != item.bound_name:
                text = rename_in_code(text, item.bound_name, local)
        edits: list[TextEdit] = []
        if added:
            line = after_imports(self.tree)
            edits.append(TextEdit(self.at(line, 0), "".join(f"{a}\n" for a in added)))
        return text, edits

    # -- elements of calls, tuples and dicts ------------------------------------------------

    def insert_element(
        self,
        container: ast.expr,
        elements: Sequence[ast.AST],
        item: Expr,
        *,
        after: ast.AST | None = None,
        before: ast.AST | None = None,
    ) -> list[TextEdit]:
        """``item`` added among ``elements`` of a call, tuple or dict (after ``after``,
        by default the last, or before ``before``), one per line where they are."""
        anchor = before if before is not None else (after or elements[-1])
        where = self.span(anchor)
        own_line = self.lines[where.start_line][: where.start_column].strip() == ""
        if own_line:
            indent = self.lines[where.start_line][: where.start_column]
            block = "".join(f"{line}\n" for line in block_lines(item, indent, suffix=","))
            if before is not None:
                return [TextEdit(self.at(where.start_line, 0), block)]
            line = self.lines[where.end_line]
            rest = line[where.end_column :]
            if rest.lstrip().startswith(","):
                comma = where.end_column + rest.index(",") + 1
                tail = line[comma:]
                if tail.strip() == "" or tail.strip().startswith("#"):
                    return [TextEdit(self.at(where.end_line + 1, 0), block)]
                return [TextEdit(self.at(where.end_line, comma), "\n" + block.rstrip("\n"))]
            return [TextEdit(self.at(where.end_line, where.end_column), ",\n" + block[:-2])]
        flat = as_node(item).flat()
        if len(self.lines[where.end_line].rstrip("\r\n")) + len(flat) + 2 > line_length():
            broken = self.broken(container, [item], before or after or elements[-1], before is None)
            if broken is not None:
                return [broken]
        if before is not None:
            return [TextEdit(self.at(where.start_line, where.start_column), f"{flat}, ")]
        line = self.lines[where.end_line]
        rest = line[where.end_column :]
        if (
            isinstance(container, ast.Tuple)
            and len(elements) == 1
            and rest.startswith(",")
            and rest[1:].lstrip().startswith(")")
        ):
            return [
                TextEdit(
                    SourceRange(
                        self.path,
                        where.end_line,
                        where.end_column,
                        where.end_line,
                        where.end_column + 1,
                    ),
                    f", {flat}",
                )
            ]
        return [TextEdit(self.at(where.end_line, where.end_column), f", {flat}")]

    def insert_positional(self, call: ast.Call, item: Expr) -> list[TextEdit]:
        """A positional argument after the call's others (a ``ForeignKey`` after the type)."""
        if call.args:
            return self.insert_element(call, call_arguments(call), item, after=call.args[-1])
        if call.keywords:
            first = min(call.keywords, key=lambda k: (k.lineno, k.col_offset))
            return self.insert_element(call, call_arguments(call), item, before=first)
        line, column = self.position(call.end_lineno or 0, (call.end_col_offset or 1) - 1)
        return [TextEdit(self.at(line, column), as_node(item).flat())]

    def broken(
        self,
        container: ast.expr,
        items: Sequence[Expr],
        anchor: ast.AST | None,
        after: bool,
        inner: tuple[SourceRange, str] | None = None,
    ) -> TextEdit | None:
        """A one-line call, tuple, list or dict laid out one element per line, as ruff
        lays out what does not fit, with ``items`` added next to ``anchor``: for when adding
        them on the line would pass the line length. A container inside another on the same
        line is rewritten in place and the outer one laid out (``inner``: that rewrite).
        None for other layouts."""
        layout = self.layout(container)
        if layout is None:
            return None
        head, spans, closing = layout
        outer = self.enclosing(container)
        if outer is not None:
            text = self.text_of(container)
            start = self.span(container).start_column
            changes: list[tuple[int, int, str]] = []
            if anchor is not None and items:
                here = self.span(anchor)
                flat = ", ".join(as_node(item).flat() for item in items)
                if after:
                    changes.append((here.end_column, here.end_column, f", {flat}"))
                else:
                    changes.append((here.start_column, here.start_column, f"{flat}, "))
            if inner is not None:
                changes.append((inner[0].start_column, inner[0].end_column, inner[1]))
            for first, last, new in sorted(changes, reverse=True):
                text = text[: first - start] + new + text[last - start :]
            return self.broken(outer, [], None, True, (self.span(container), text))
        lines = []
        position = len(spans)
        base = re.match(r"\s*", self.lines[container.lineno - 1])
        indent = base.group(0) if base else ""
        for number, span in enumerate(spans):
            text = self.text_between(span)
            if inner is not None and span.start_column <= inner[0].start_column < span.end_column:
                first = inner[0].start_column - span.start_column
                last = inner[0].end_column - span.start_column
                text = text[:first] + inner[1] + text[last:]
            if anchor is not None and span == self.span(anchor):
                position = number + 1 if after else number
            lines.append(f"{indent}{INDENT}{text},")
        lines[position:position] = [
            line for item in items for line in block_lines(item, indent + INDENT, suffix=",")
        ]
        return self.edit(container, "\n".join([head, *lines, indent + closing]))

    def layout(self, container: ast.expr) -> tuple[str, list[SourceRange], str] | None:
        """A one-line bracketed container's opening (``func(``, ``(``, ...), its elements'
        spans in order, and its closing bracket; None for anything else."""
        if container.lineno != container.end_lineno:
            return None
        text = self.text_of(container)
        closing = text[-1:]
        if isinstance(container, ast.Call):
            spans = [self.span(a) for a in call_arguments(container)]
            head = self.text_of(container.func) + "("
        elif isinstance(container, (ast.Tuple, ast.List)) and text[:1] + closing in ("()", "[]"):
            spans = [self.span(e) for e in container.elts]
            head = text[0]
        elif isinstance(container, ast.Dict) and None not in container.keys:
            spans = self.pair_spans(container)
            head = "{"
        else:
            return None
        spans.sort(key=lambda r: (r.start_line, r.start_column))
        return head, spans, closing

    def enclosing(self, container: ast.expr) -> ast.expr | None:
        """The bracketed container this one is an element of, when both are on one line."""
        parent = self.parent(container)
        if isinstance(parent, ast.keyword):
            parent = self.parent(parent)
        if (
            isinstance(parent, (ast.Call, ast.Tuple, ast.List, ast.Dict))
            and not (isinstance(parent, ast.Call) and parent.func is container)
            and parent.lineno == parent.end_lineno == container.lineno
            and self.layout(parent) is not None
        ):
            return parent
        return None

    def remove_element(self, elements: Sequence[ast.AST], node: ast.AST) -> TextEdit:
        """Remove one element of a call, tuple or list with its separator."""
        spans = [self.span(e) for e in elements]
        return self.remove_spans(spans, [self.span(node)])[0]

    def remove_spans(
        self, spans: Sequence[SourceRange], removed: Sequence[SourceRange]
    ) -> list[TextEdit]:
        """Remove some of a container's elements (``removed`` among ``spans``), each run of
        neighbours with one separator: whole lines where they have lines of their own,
        else the separator before them (after them, when first)."""
        ordered = sorted(spans, key=lambda r: (r.start_line, r.start_column))
        gone = set(removed)
        runs: list[list[int]] = []
        for position, here in enumerate(ordered):
            if here in gone:
                if runs and runs[-1][-1] == position - 1:
                    runs[-1].append(position)
                else:
                    runs.append([position])
        edits = []
        for run in runs:
            first, last = ordered[run[0]], ordered[run[-1]]
            previous = ordered[run[0] - 1] if run[0] > 0 else None
            following = ordered[run[-1] + 1] if run[-1] + 1 < len(ordered) else None
            before = self.lines[first.start_line][: first.start_column]
            after = self.lines[last.end_line][last.end_column :]
            if (
                before.strip() == ""
                and re.fullmatch(r"\s*,?\s*(#.*)?\s*", after)
                and (following is None or following.start_line > last.end_line)
            ):
                where = self.stretch(first.start_line, 0, last.end_line + 1, 0)
            elif previous is not None:
                where = self.stretch(
                    previous.end_line, previous.end_column, last.end_line, last.end_column
                )
            elif following is not None:
                where = self.stretch(
                    first.start_line,
                    first.start_column,
                    following.start_line,
                    following.start_column,
                )
            else:
                where = self.stretch(
                    first.start_line, first.start_column, last.end_line, last.end_column
                )
            edits.append(TextEdit(where, ""))
        return edits

    def remove_argument(self, call: ast.Call, argument: ast.AST) -> TextEdit:
        """Remove one argument with the separator before it (or after it, if first)."""
        return self.remove_element(call_arguments(call), argument)

    def pair_spans(self, options: ast.Dict) -> list[SourceRange]:
        """Each ``key: value`` of a dict literal (``**x`` entries are not expected)."""
        spans = []
        for key, value in zip(options.keys, options.values, strict=True):
            assert key is not None
            start, end = self.span(key), self.span(value)
            spans.append(
                self.stretch(start.start_line, start.start_column, end.end_line, end.end_column)
            )
        return spans

    # -- keywords and statements ------------------------------------------------------------

    def set_keywords(self, call: ast.Call, wanted: Mapping[str, str | None]) -> list[TextEdit]:
        """Keywords of one call replaced, added (after the last argument kept) or removed
        (value None) together, as edits that never overlap; none when nothing changes."""
        arguments = call_arguments(call)
        removed: list[ast.AST] = []
        added: list[str] = []
        edits: list[TextEdit] = []
        for name, value in wanted.items():
            keyword = keyword_named(call, name)
            if value is None:
                if keyword is not None:
                    removed.append(keyword)
            elif keyword is None:
                added.append(f"{name}={value}")
            elif self.text_of(keyword.value) != value:
                edits.append(self.edit(keyword.value, value))
        kept = [a for a in arguments if a not in removed]
        if added:
            if kept:
                last = max(kept, key=lambda node: (node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]
                end = self.span(last)
                text = "".join(f", {a}" for a in added)
                width = len(self.lines[end.end_line].rstrip("\r\n")) + len(text)
                if not edits and not removed and width > line_length():
                    broken = self.broken(call, [Atom(a) for a in added], last, True)
                    if broken is not None:
                        return [broken]
                edits.append(TextEdit(self.at(end.end_line, end.end_column), text))
            else:
                line, column = self.position(call.end_lineno or 0, (call.end_col_offset or 1) - 1)
                edits.append(TextEdit(self.at(line, column), ", ".join(added)))
        if removed:
            spans = [self.span(a) for a in arguments]
            edits += self.remove_spans(spans, [self.span(r) for r in removed])
        return _merge_touching(edits)

    def set_keyword(self, call: ast.Call, name: str, value: str | None) -> list[TextEdit]:
        return self.set_keywords(call, {name: value})

    def remove_statement(self, statement: ast.stmt) -> TextEdit | None:
        if shares_source_lines(self.tree, statement):
            return None
        end_line = statement.end_lineno or statement.lineno
        return TextEdit(SourceRange(self.path, statement.lineno - 1, 0, end_line, 0), "")


def keyword_named(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def call_arguments(call: ast.Call) -> list[ast.AST]:
    return [*call.args, *call.keywords]


def block_lines(item: Expr, indent: str, prefix: str = "", suffix: str = "") -> list[str]:
    """``prefix + item + suffix`` laid out at ``indent`` (ruff's way where it can)."""
    if indent.strip(" ") == "" and len(indent) % len(INDENT) == 0:
        return as_node(item).lines(len(indent) // len(INDENT), prefix, suffix)
    return [indent + line for line in as_node(item).lines(0, prefix, suffix)]


def _merge_touching(edits: list[TextEdit]) -> list[TextEdit]:
    """An insertion where a deletion starts becomes that deletion's replacement text, so
    no two edits share a position (clients reject overlapping edits)."""
    deletions = {
        (e.range.start_line, e.range.start_column): e
        for e in edits
        if e.new_text == "" and e.range != SourceRange(e.range.path, *_start(e), *_start(e))
    }
    out: list[TextEdit] = []
    merged: dict[int, TextEdit] = {}
    for edit in edits:
        empty = (edit.range.start_line, edit.range.start_column) == (
            edit.range.end_line,
            edit.range.end_column,
        )
        target = deletions.get(_start(edit)) if empty and edit.new_text else None
        if target is not None and id(target) not in merged:
            merged[id(target)] = TextEdit(target.range, edit.new_text)
            continue
        out.append(edit)
    return [merged.get(id(e), e) for e in out]


def _start(edit: TextEdit) -> tuple[int, int]:
    return edit.range.start_line, edit.range.start_column


def shares_source_lines(tree: ast.Module, statement: ast.stmt) -> bool:
    """Another statement on the same lines (``a = 1; b = 2``): whole-line removal would
    take it too."""
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.stmt)
            and node is not statement
            and not isinstance(
                node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)
            )
        ):
            node_last = node.end_lineno or node.lineno
            if (
                node.lineno <= last
                and node_last >= first
                and not (node.lineno < first and node_last > last)
            ):
                return True
    return False
