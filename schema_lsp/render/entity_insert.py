"""A new entity class for a table, written into an existing model file: the entity
generator's class (``render.entity``) on the file's own declarative base, with names
written the way the file imports them and the imports it lacks added after its last one
(the same rules the model quick fix follows)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..entities.source import parse_source
from ..schema import TableSchema
from ..text import SourceRange, TextEdit, source_lines
from .entity import CodeStyle, EntityRenderer
from .imports_in_file import after_imports, local_name, rename_in_code
from .source import Import, import_lines, laid_out_at, line_length

#: Base classes that are not declarative SQLAlchemy (a SQLModel class is written otherwise).
_NOT_DECLARATIVE = frozenset({"SQLModel", "object"})


@dataclass(frozen=True)
class EntityInsertion:
    class_name: str
    edits: tuple[TextEdit, ...]


def declarative_base(tree: ast.Module, class_names: set[str]) -> str | None:
    """The base the file's mapped classes use (or a DeclarativeBase subclass it defines)."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in class_names and node.bases:
            first = node.bases[0]
            if isinstance(first, ast.Name) and first.id not in _NOT_DECLARATIVE:
                return first.id
            return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(
            (isinstance(b, ast.Name) and b.id == "DeclarativeBase")
            or (isinstance(b, ast.Attribute) and b.attr == "DeclarativeBase")
            for b in node.bases
        ):
            return node.name
    return None


def entity_insertion(
    path: str,
    text: str,
    table: TableSchema,
    dialect: str,
    class_names: set[str],
    *,
    line_length: int | None = None,
) -> EntityInsertion | None:
    """The edits adding ``table``'s class at the end of the file, or None when the file
    has no declarative base to put it on or does not parse. ``line_length`` is the
    project formatter's."""
    with laid_out_at(line_length):
        return _entity_insertion(path, text, table, dialect, class_names)


def _entity_insertion(
    path: str, text: str, table: TableSchema, dialect: str, class_names: set[str]
) -> EntityInsertion | None:
    parsed = parse_source(text, path)
    if not parsed.ok:
        return None
    tree = parsed.tree
    base = declarative_base(tree, class_names)
    if base is None or table.is_view:
        return None
    renderer = EntityRenderer(dialect, base_name=base, style=CodeStyle(line_length=line_length()))
    name, block = renderer.table_definition(table)
    taken = set(parsed.classes) | set(parsed.assignments) | set(parsed.functions)
    if name in taken:
        return None  # a class or a name of that name exists: not guessed
    code = "\n".join(block)
    missing: list[Import] = []
    for item in sorted(renderer.imports):
        local = local_name(parsed.runtime_imports, item)
        if local is None:
            missing.append(item)
        elif local != item.bound_name:
            code = rename_in_code(code, item.bound_name, local)
    lines = source_lines(text)
    trailing = len(text) - len(text.rstrip("\n"))
    prefix = "\n" * max(0, 3 - trailing) if text.strip() else ""
    end = SourceRange(path, len(lines), 0, len(lines), 0)
    if lines and not lines[-1].endswith(("\n", "\r")):
        end = SourceRange(path, len(lines) - 1, len(lines[-1]), len(lines) - 1, len(lines[-1]))
    edits = [*_import_edits(path, tree, missing), TextEdit(end, f"{prefix}{code}\n")]
    return EntityInsertion(name, tuple(edits))


def _import_edits(path: str, tree: ast.Module, missing: list[Import]) -> list[TextEdit]:
    """The names a file lacks: joined to its ``from module import ...`` of the same module
    (as ruff's isort would write it), else new import lines after its last import."""
    by_module: dict[str, list[Import]] = {}
    for item in missing:
        by_module.setdefault(item.module, []).append(item)
    edits: list[TextEdit] = []
    new: list[Import] = []
    for module_name, items in by_module.items():
        statement = next(
            (
                node
                for node in tree.body
                if isinstance(node, ast.ImportFrom)
                and node.module == module_name
                and not node.level
                and all(alias.asname is None and alias.name != "*" for alias in node.names)
                and all(item.name is not None for item in items)
            ),
            None,
        )
        if statement is None:
            new += items
            continue
        names = [Import(module_name, alias.name) for alias in statement.names]
        text = "".join(f"{line}\n" for line in import_lines([*names, *items]))
        last = statement.end_lineno or statement.lineno
        edits.append(TextEdit(SourceRange(path, statement.lineno - 1, 0, last, 0), text))
    if new:
        at = after_imports(tree)
        text = "".join(f"{line}\n" for line in import_lines(new) if line)
        edits.append(TextEdit(SourceRange(path, at, 0, at, 0), text))
    return edits
