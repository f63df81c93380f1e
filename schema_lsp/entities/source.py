"""One parsed model file: its syntax tree and the module-level names it defines or imports.

Parsing is pure and per file, so the workspace can re-parse only what changed; everything
that needs other files (bases, mixins, enums defined elsewhere) happens later, through a
``Resolver``.
"""

from __future__ import annotations

import ast
import codecs
import io
import tokenize
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from ..text import code_points
from .model import FileProblem, SourceRange

_new_tuple = tuple.__new__
#: Set on every node copied out of a project helper's body (``inline.py``): its position is
#: the call's, so its text is not what the file has there.
SYNTHETIC = "_schema_lsp_synthetic"
#: The packages whose names ``ParsedFile.original_name`` follows an alias back to.
_ORM_PACKAGES = frozenset({"sqlalchemy", "sqlmodel"})


@dataclass(frozen=True, eq=False)
class ParsedFile:
    """A model file's syntax tree and module-level bindings.

    ``imports`` maps a local name to the dotted name it stands for (``sa`` ->
    ``sqlalchemy``, ``S`` -> ``sqlalchemy.String``, ``Base`` -> ``app.models.base.Base``);
    ``classes`` and ``assignments`` hold the last module-level definition of each name.
    ``error`` is set (and the tree empty) when the text does not parse; ``problem`` says
    where, for the report.
    """

    path: str
    module: str
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    assignments: dict[str, ast.expr] = field(default_factory=dict)
    #: module-level statements in order, for imperative ``Table(...)`` assignments
    statements: tuple[ast.stmt, ...] = ()
    error: str | None = None
    lines: tuple[str, ...] = ()
    #: module-level functions (wrappers such as ``def Table(*args, **kwargs)``)
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    #: ``X.metadata.naming_convention = {...}`` / ``X.metadata = MetaData(...)`` statements:
    #: (X, the assigned value, whether the value is a whole MetaData)
    metadata_assignments: tuple[tuple[ast.expr, ast.expr, bool], ...] = ()
    #: modules imported with ``from module import *``, in order
    star_imports: tuple[str, ...] = ()
    #: the text is ASCII: byte and code point columns are the same
    ascii: bool = True
    problem: FileProblem | None = None
    #: names imported only under ``if TYPE_CHECKING:``: they do not exist when the module
    #: runs, so generated code must not use them
    type_checking_only: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def runtime_imports(self) -> dict[str, str]:
        """``imports`` without the names bound for type checkers only."""
        if not self.type_checking_only:
            return self.imports
        return {k: v for k, v in self.imports.items() if k not in self.type_checking_only}

    def range(self, node: ast.AST) -> SourceRange:
        """The span of a node (0-based lines; columns as code points of the line, where
        ``ast`` counts UTF-8 bytes)."""
        try:  # statements and expressions: every position is set
            start_line = node.lineno - 1  # type: ignore[attr-defined]
            start_col = node.col_offset  # type: ignore[attr-defined]
            end_line = node.end_lineno - 1  # type: ignore[attr-defined]
            end_col = node.end_col_offset  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            start_line = getattr(node, "lineno", 1) - 1
            start_col = getattr(node, "col_offset", 0)
            end_line = getattr(node, "end_lineno", None)
            end_col = getattr(node, "end_col_offset", None)
            end_line = start_line if end_line is None else end_line - 1
            end_col = start_col if end_col is None else end_col
        if self.ascii:  # the named tuple made directly (its __new__ is a Python lambda)
            return _new_tuple(SourceRange, (self.path, start_line, start_col, end_line, end_col))
        return SourceRange(
            self.path,
            start_line,
            self._code_points(start_line, start_col),
            end_line,
            self._code_points(end_line, end_col),
        )

    def text(self, node: ast.AST) -> str:
        """The source text of a node as written (``ast.unparse`` for multi-line nodes and
        for syntax a helper's body was copied into)."""
        if getattr(node, SYNTHETIC, False):
            return ast.unparse(node)
        line = getattr(node, "lineno", 0) - 1
        if line == getattr(node, "end_lineno", -1) - 1 and 0 <= line < len(self.lines):
            start = getattr(node, "col_offset", 0)
            end = getattr(node, "end_col_offset", 0)
            if self.ascii:  # byte offsets are code point offsets
                return self.lines[line][start:end]
            raw = self.lines[line].encode("utf-8")
            return raw[start:end].decode("utf-8", "replace")
        return ast.unparse(node)

    def original_name(self, name: str) -> str:
        """The SQLAlchemy or SQLModel name a module-level name of this file stands for:
        ``Column`` for ``C`` after ``from sqlalchemy import Column as C``, ``mapped_column``
        for ``_Column`` after ``_Column = mapped_column`` (in a ``try``/``if`` block too);
        any other name as it is."""
        local, seen = name, set()
        while local not in seen:
            seen.add(local)
            dotted = self.imports.get(local)
            if dotted is not None:
                top, _, rest = dotted.partition(".")
                return rest.rpartition(".")[2] if rest and top in _ORM_PACKAGES else name
            value = self.assignments.get(local)
            if not isinstance(value, ast.Name):
                break
            local = value.id
        return name

    def class_name_range(self, node: ast.ClassDef) -> SourceRange:
        """The span of the name in ``class Name(...)``: where table diagnostics go."""
        line_index = node.lineno - 1
        line = self.lines[line_index] if line_index < len(self.lines) else ""
        start = line.find(node.name, self._code_points(line_index, node.col_offset))
        if start < 0:
            return self.range(node)
        return SourceRange(self.path, line_index, start, line_index, start + len(node.name))

    def _code_points(self, line_index: int, byte_offset: int) -> int:
        if self.ascii or not 0 <= line_index < len(self.lines):
            return byte_offset
        return code_points(self.lines[line_index], byte_offset)


def module_name(path: str, roots: tuple[str, ...] = ()) -> str:
    """The dotted module a file defines, relative to the first root that contains it
    (``app/models/base.py`` -> ``app.models.base``; a package's ``__init__.py`` is the
    package)."""
    pure = PurePath(path)
    for root in roots:
        try:
            relative = pure.relative_to(root)
        except ValueError:
            continue
        return _dotted(relative)
    return _dotted(PurePath(pure.name))


def _dotted(relative: PurePath) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def parse_source(text: str, path: str, module: str | None = None) -> ParsedFile:
    """Parse one file without running it; never raises (a syntax error gives ``error``)."""
    module = module if module is not None else module_name(path)
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        problem = _parse_problem(exc, text, path)
        return ParsedFile(
            path,
            module,
            ast.Module(body=[], type_ignores=[]),
            error=str(exc) or type(exc).__name__,
            lines=tuple(text.splitlines()),
            problem=problem,
        )
    is_package = PurePath(path).name == "__init__.py"
    imports: dict[str, str] = {}
    classes: dict[str, ast.ClassDef] = {}
    assignments: dict[str, ast.expr] = {}
    functions: dict[str, ast.FunctionDef] = {}
    metadata_assignments: list[tuple[ast.expr, ast.expr, bool]] = []
    star_imports: list[str] = []
    for statement in _module_statements(tree.body):
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    bound = alias.asname
                    imports[bound] = alias.name
                else:
                    bound = alias.name.partition(".")[0]
                    imports[bound] = bound
                _unbind(bound, classes, assignments, functions)
        elif isinstance(statement, ast.ImportFrom):
            source = _absolute_module(module, is_package, statement.module, statement.level)
            if source is None:
                continue
            for alias in statement.names:
                if alias.name == "*":
                    star_imports.append(source)
                    continue
                imports[alias.asname or alias.name] = f"{source}.{alias.name}"
                _unbind(alias.asname or alias.name, classes, assignments, functions)
        elif isinstance(statement, ast.ClassDef):
            classes[statement.name] = statement
            imports.pop(statement.name, None)
            assignments.pop(statement.name, None)
            functions.pop(statement.name, None)
        elif isinstance(statement, ast.FunctionDef):
            functions[statement.name] = statement
            classes.pop(statement.name, None)
            imports.pop(statement.name, None)
            assignments.pop(statement.name, None)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if statement.value is None:
                continue
            for target in targets:
                found = _metadata_assignment(target, statement.value)
                if found is not None:
                    metadata_assignments.append(found)
                if isinstance(target, ast.Name):
                    _keep_previous(target.id, statement.value, imports, assignments, classes)
                    assignments[target.id] = statement.value
                    classes.pop(target.id, None)
                    imports.pop(target.id, None)
                    functions.pop(target.id, None)
        elif type(statement).__name__ == "TypeAlias":  # ``type X = ...`` (3.12)
            name = getattr(statement, "name", None)
            value = getattr(statement, "value", None)
            if isinstance(name, ast.Name) and isinstance(value, ast.expr):
                assignments[name.id] = value
    return ParsedFile(
        path,
        module,
        tree,
        imports,
        classes,
        assignments,
        tuple(_module_statements(tree.body)),
        lines=tuple(text.splitlines()),
        functions=functions,
        metadata_assignments=tuple(metadata_assignments),
        star_imports=tuple(star_imports),
        ascii=text.isascii(),
        type_checking_only=_type_checking_only(tree.body),
    )


def _type_checking_only(body: list[ast.stmt]) -> frozenset[str]:
    """Names imported in ``if TYPE_CHECKING:`` blocks and nowhere else at module level."""
    guards = [s for s in body if isinstance(s, ast.If) and _is_type_checking(s.test)]
    guarded = _imported_names(_module_statements([n for g in guards for n in g.body]))
    elsewhere = _imported_names(_module_statements([s for s in body if s not in guards]))
    return frozenset(guarded - elsewhere)


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``."""
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
    return name == "TYPE_CHECKING"


def _imported_names(statements: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for node in statements:
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.asname or alias.name.partition(".")[0] for alias in node.names)
    return names


#: Marks the hidden name of an earlier binding that a reassignment refers to.
_EARLIER = "\u2032"


def _keep_previous(
    name: str,
    value: ast.expr,
    imports: dict[str, str],
    assignments: dict[str, ast.expr],
    classes: dict[str, ast.ClassDef],
) -> None:
    """``T = T.with_variant(...)``: the right side means the earlier ``T``. That binding is
    kept under a hidden name and the right side's ``T`` renamed to it, so a name never
    stands for itself."""
    uses = [n for n in ast.walk(value) if isinstance(n, ast.Name) and n.id == name]
    if not uses:
        return
    hidden = f"{name}{_EARLIER}{sum(k.startswith(name + _EARLIER) for k in assignments)}"
    if name in assignments:
        assignments[hidden] = assignments[name]
    elif name in imports:
        imports[hidden] = imports[name]
    elif name in classes:
        classes[hidden] = classes[name]
    else:
        return  # an unknown earlier binding: the name stays unresolved
    for use in uses:
        use.id = hidden


def _unbind(name: str, *bindings: MutableMapping[str, Any]) -> None:
    """A later statement rebinds ``name``: earlier definitions of it no longer count."""
    for binding in bindings:
        binding.pop(name, None)


def _metadata_assignment(
    target: ast.expr, value: ast.expr
) -> tuple[ast.expr, ast.expr, bool] | None:
    if (
        isinstance(target, ast.Attribute)
        and target.attr == "naming_convention"
        and isinstance(target.value, ast.Attribute)
        and target.value.attr == "metadata"
    ):
        return target.value.value, value, False
    if isinstance(target, ast.Attribute) and target.attr == "metadata":
        return target.value, value, True
    return None


def _module_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Top-level statements, looking into ``if TYPE_CHECKING:``/``try:`` blocks, where
    imports of bases and enums often live (``try`` bodies after their handlers)."""
    statements: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.If):
            statements.extend(_module_statements(statement.body))
            statements.extend(_module_statements(statement.orelse))
        elif isinstance(statement, ast.Try):
            # ``try: from sqlalchemy.orm import x / except ImportError: def x(...)``: the
            # handler is the fallback, so the try body comes last and its names win.
            for handler in statement.handlers:
                statements.extend(_module_statements(handler.body))
            statements.extend(_module_statements(statement.body))
            statements.extend(_module_statements(statement.orelse))
        else:
            statements.append(statement)
    return statements


def imported_modules(parsed: ParsedFile) -> tuple[str, ...]:
    """Every module a file's module-level imports may run: ``import a.b`` runs ``a`` and
    ``a.b``; ``from a.b import c`` runs ``a``, ``a.b`` and ``a.b.c`` when that is a
    submodule (whether it is, only a search can tell)."""
    is_package = PurePath(parsed.path).name == "__init__.py"
    named: set[str] = set()
    for statement in parsed.statements:
        if isinstance(statement, ast.Import):
            named.update(alias.name for alias in statement.names)
        elif isinstance(statement, ast.ImportFrom):
            source = _absolute_module(parsed.module, is_package, statement.module, statement.level)
            if source is not None:
                named.add(source)
                named.update(f"{source}.{a.name}" for a in statement.names if a.name != "*")
    modules: set[str] = set()
    for name in named:
        parts = name.split(".")
        modules.update(".".join(parts[:cut]) for cut in range(1, len(parts) + 1))
    return tuple(sorted(modules))


def _absolute_module(module: str, is_package: bool, target: str | None, level: int) -> str | None:
    if level == 0:
        return target
    package = module.split(".") if module else []
    if not is_package:
        package = package[:-1]
    if level > 1:
        if level - 1 > len(package):
            return None
        package = package[: len(package) - (level - 1)]
    parts = [*package, *([target] if target else [])]
    return ".".join(parts) if parts else None


def single_assignment(statement: ast.stmt) -> tuple[str | None, ast.expr | None]:
    """``name = value`` or ``name: T = value`` with one plain name: (name, value)."""
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return statement.targets[0].id, statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id, statement.value
    return None, None


def unpacked(target: ast.expr, value: ast.expr) -> list[tuple[ast.Name, ast.expr]]:
    """The names an assignment target binds and the value each gets: ``A, B = range(2)``
    binds ``A`` to ``range(2)[0]`` (the literal's element when the value is a literal of
    that length); a target that is no name nor tuple of names binds nothing here."""
    if isinstance(target, ast.Name):
        return [(target, value)]
    if not (
        isinstance(target, (ast.Tuple, ast.List))
        and all(isinstance(element, ast.Name) for element in target.elts)
    ):
        return []
    if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
        return list(zip(target.elts, value.elts, strict=True))  # type: ignore[arg-type]
    return [
        (element, ast.copy_location(ast.Subscript(value, ast.Constant(i), ast.Load()), value))
        for i, element in enumerate(target.elts)
        if isinstance(element, ast.Name)
    ]


def runtime_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """A class body as it runs: ``if TYPE_CHECKING:`` keeps its ``else`` branch; other
    ``if`` statements contribute both branches (the later definition wins)."""
    result: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.If):
            test = statement.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                result.extend(runtime_statements(statement.orelse))
            else:
                result.extend(runtime_statements(statement.body))
                result.extend(runtime_statements(statement.orelse))
        else:
            result.append(statement)
    return result


def class_body_scope(node: ast.ClassDef) -> dict[str, ast.expr]:
    """The names a class body binds as it runs, for reading its other statements: a
    plain assignment's value, a nested class's ``ClassDef`` (a name in a class body means
    what the body bound before it, else the module's)."""
    scope: dict[str, Any] = {}
    for statement in runtime_statements(node.body):
        target, value = single_assignment(statement)
        if target is not None and value is not None:
            scope[target] = value
        elif isinstance(statement, ast.Assign):  # ``A, B, C = range(1, 4)``
            for written in statement.targets:
                scope.update((name.id, bound) for name, bound in unpacked(written, statement.value))
        elif isinstance(statement, ast.ClassDef):  # a nested enum, a nested impl type
            scope[statement.name] = statement
    return scope


class SourceDecodeError(Exception):
    """Bytes that are not Python source text: ``problem`` says which and where."""

    def __init__(self, problem: FileProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


#: What every message about an unreadable file starts with (the report's SL002 lines).
NOT_CHECKED_FILE = "file not checked"


def read_source(path: str) -> str:
    """A Python file's text decoded the way Python decodes it (a BOM, a PEP 263 coding
    line, else UTF-8); raises ``SourceDecodeError`` saying which byte fails, or ``OSError``."""
    with open(path, "rb") as stream:
        data = stream.read()
    return decode_source(data, path)


def decode_source(data: bytes, path: str) -> str:
    """``read_source`` for bytes already read."""
    nul = data.find(b"\0")
    if nul >= 0:  # Python refuses these after decoding; say it before a decoding error
        line = data.count(b"\n", 0, nul)
        column = nul - (data.rfind(b"\n", 0, nul) + 1)
        raise SourceDecodeError(_nul_problem(path, line, column))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if exc.msg.startswith("unknown encoding"):
            why = f"its coding line names an encoding Python does not know ({exc.msg})"
        elif exc.msg.startswith("encoding problem"):
            why = "it starts with a UTF-8 byte order mark but its coding line names another"
        else:  # the first lines do not decode as UTF-8: say which byte, below
            why = None
        if why is not None:
            raise SourceDecodeError(
                FileProblem(f"{NOT_CHECKED_FILE}: {why}", SourceRange(path, 0, 0, 0, 0))
            ) from None
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start)
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode(encoding, "replace"))
        byte = data[exc.start]
        declared = "utf-8" if encoding in ("utf-8", "utf-8-sig") else encoding
        advice = (
            "save the file as UTF-8 or declare its encoding on the first or second line "
            "(# -*- coding: latin-1 -*-), as Python requires"
            if declared == "utf-8"
            else "the encoding its coding line declares is not the one it is saved in"
        )
        raise SourceDecodeError(
            FileProblem(
                f"{NOT_CHECKED_FILE}: byte 0x{byte:02x} at line {line + 1}, column "
                f"{column + 1} is not {codecs.lookup(declared).name}; {advice}",
                SourceRange(path, line, column, line, column + 1),
            )
        ) from None
    if encoding == "utf-8-sig" and text.startswith("\ufeff"):
        text = text[1:]
    return text


def _parse_problem(exc: BaseException, text: str, path: str) -> FileProblem:
    """Where and why ``ast.parse`` refused a text, in the report's words."""
    nul = text.find("\0")
    if (nul >= 0 and not isinstance(exc, SyntaxError)) or "null bytes" in str(exc):
        line = text.count("\n", 0, nul) if nul >= 0 else 0
        column = nul - (text.rfind("\n", 0, nul) + 1) if nul >= 0 else 0
        return _nul_problem(path, line, column)
    if isinstance(exc, SyntaxError):
        line = max((exc.lineno or 1) - 1, 0)
        column = max((exc.offset or 1) - 1, 0)
        end_line = max((exc.end_lineno or 0) - 1, line)
        end_column = (exc.end_offset or 0) - 1
        if end_line == line and end_column <= column:
            end_column = column + 1
        kind = type(exc).__name__.replace("Error", " error").lower()  # IndentationError too
        return FileProblem(
            f"{NOT_CHECKED_FILE}: {kind}: {exc.msg} (line {line + 1})",
            SourceRange(path, line, column, end_line, max(end_column, 0)),
        )
    if isinstance(exc, (RecursionError, MemoryError)):
        why = f"its expressions are nested too deeply for Python's parser ({type(exc).__name__})"
    else:
        why = f"Python's parser refused it: {exc}"
    return FileProblem(f"{NOT_CHECKED_FILE}: {why}", SourceRange(path, 0, 0, 0, 0))


def _nul_problem(path: str, line: int, column: int) -> FileProblem:
    return FileProblem(
        f"{NOT_CHECKED_FILE}: it holds a NUL byte (line {line + 1}), so it is not Python "
        "source (a binary file?)",
        SourceRange(path, line, column, line, column + 1),
    )
