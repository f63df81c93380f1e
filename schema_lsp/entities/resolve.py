"""Name resolution across the workspace: what a name in a model file stands for.

A name is either defined in a workspace file (a class, a module-level assignment) or
something outside the workspace, known only by its dotted name (``sqlalchemy.String``).
Nothing is imported: outside names are compared as text, workspace names as syntax trees.
"""

from __future__ import annotations

import ast
import builtins
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from .source import ParsedFile

_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 24
#: Set on a ``Name`` copied out of another module (a helper's body, see ``inline.py``):
#: the ``ParsedFile`` the name must be resolved in.
SCOPE = "_schema_lsp_scope"


@dataclass(frozen=True)
class External:
    """A name from outside the workspace, e.g. ``sqlalchemy.orm.mapped_column``."""

    name: str

    def is_sqlalchemy(self, *names: str) -> bool:
        """Whether this is one of ``names`` exported by SQLAlchemy (any submodule)."""
        head, _, last = self.name.rpartition(".")
        return last in names and (head == "sqlalchemy" or head.startswith("sqlalchemy."))

    def is_from(self, package: str, *names: str) -> bool:
        head, _, last = self.name.rpartition(".")
        return last in names and (head == package or head.startswith(package + "."))


@dataclass(frozen=True, eq=False)
class Definition:
    """A module-level class or assignment in a workspace file."""

    file: ParsedFile
    name: str
    node: ast.ClassDef | ast.FunctionDef | ast.expr

    @property
    def qualname(self) -> str:
        return f"{self.file.module}.{self.name}" if self.file.module else self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Definition) and (self.file, self.name) == (
            other.file,
            other.name,
        )

    def __hash__(self) -> int:
        return hash((id(self.file), self.name))


#: The mark on a name a helper's result returns for a class it defined (a LocalDefinition)
LOCAL_CLASS = "_schema_lsp_local_class"


@dataclass(frozen=True, eq=False)
class LocalDefinition(Definition):
    """A class a helper function defines each time it runs (with that call's values in
    its body): equal only to itself."""

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


@dataclass(frozen=True, eq=False)
class ModuleRef:
    """A workspace module used as a namespace (``import app.models as m``)."""

    file: ParsedFile


Ref = External | Definition | ModuleRef


@cache
def _sqlalchemy_names(module: str) -> frozenset[str]:
    """What ``from <sqlalchemy module> import *`` binds (SQLAlchemy is ours to import)."""
    try:
        imported = importlib.import_module(module)
    except ImportError:
        return frozenset()
    exported = getattr(imported, "__all__", None)
    names = exported if exported is not None else [n for n in dir(imported) if n[:1] != "_"]
    return frozenset(names)


class Resolver:
    """Resolves names through imports and aliases; records every workspace module it
    looked for, so the workspace knows which files depend on which."""

    def __init__(self, find_module: Callable[[str], ParsedFile | None]) -> None:
        self._find_module = find_module
        self.touched: set[str] = set()
        self._names: dict[tuple[int, str], Ref | None] = {}
        self._dotted: dict[str, Ref | None] = {}

    def close(self) -> None:
        """Drop the caches (see ``DeclarativeReader.close``); ``touched`` stays."""
        self._names.clear()
        self._dotted.clear()

    def resolve(self, file: ParsedFile, expr: ast.AST, _depth: int = 0) -> Ref | None:
        """What a ``Name`` or dotted ``Attribute`` expression refers to, or None."""
        if _depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Name):
            return self.resolve_name(getattr(expr, SCOPE, file), expr.id, _depth + 1)
        if isinstance(expr, ast.Subscript):
            # a generic class with its parameters (``TypeDecorator[uuid.UUID]``,
            # ``Generic[T]``, ``Base[Model]``): the class itself
            return self.resolve(file, expr.value, _depth + 1)
        if isinstance(expr, ast.Attribute):
            base = self.resolve(file, expr.value, _depth + 1)
            if isinstance(base, External):
                return External(f"{base.name}.{expr.attr}")
            if isinstance(base, ModuleRef):
                return self.resolve_name(base.file, expr.attr, _depth + 1)
            if isinstance(base, Definition) and self.is_flask_db(base, _depth + 1):
                # Flask-SQLAlchemy's ``db`` re-exports SQLAlchemy (``db.Column``,
                # ``db.String``...); ``db.Model`` is the declarative base the call makes.
                if expr.attr == "Model":
                    return base
                own = self._flask_attribute(base, expr.attr, _depth + 1)
                return own if own is not None else External(f"sqlalchemy.{expr.attr}")
            return None
        return None

    def is_flask_db(self, definition: Definition, _depth: int = 0) -> bool:
        """Whether a definition is ``db = SQLAlchemy(...)`` from Flask-SQLAlchemy, or from a
        project subclass of it."""
        node = definition.node
        if not isinstance(node, ast.Call):
            return False
        return self.flask_class(definition.file, node.func, _depth + 1) is not None

    def flask_class(
        self, file: ParsedFile, func: ast.expr, _depth: int = 0
    ) -> External | Definition | None:
        """Flask-SQLAlchemy's ``SQLAlchemy`` or the project subclass ``func`` names."""
        callee = self.resolve(file, func, _depth + 1)
        for _ in range(8):
            if isinstance(callee, External):
                return callee if callee.is_from("flask_sqlalchemy", "SQLAlchemy") else None
            node = callee.node if isinstance(callee, Definition) else None
            if not isinstance(callee, Definition) or not isinstance(node, ast.ClassDef):
                return None
            subclass = callee
            parents = [self.resolve(subclass.file, b, _depth + 1) for b in node.bases]
            found = [p for p in parents if p is not None]
            if not found:
                return None
            callee = found[0]
            if isinstance(callee, External) and callee.is_from("flask_sqlalchemy", "SQLAlchemy"):
                return subclass
        return None

    def _flask_attribute(self, db: Definition, attr: str, _depth: int) -> Ref | None:
        """``db.Timestamp`` of a project subclass: a class attribute, or what its
        ``__getattr__`` returns for that name (``if name == "Timestamp": return Timestamp``)."""
        assert isinstance(db.node, ast.Call)
        owner = self.flask_class(db.file, db.node.func, _depth + 1)
        if not isinstance(owner, Definition) or not isinstance(owner.node, ast.ClassDef):
            return None
        for statement in owner.node.body:
            if (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == attr for t in statement.targets)
                and isinstance(statement.value, (ast.Name, ast.Attribute))
            ):
                return self.resolve(owner.file, statement.value, _depth + 1)
            if isinstance(statement, ast.FunctionDef) and statement.name == "__getattr__":
                for node in ast.walk(statement):
                    if (
                        isinstance(node, ast.If)
                        and isinstance(node.test, ast.Compare)
                        and len(node.test.comparators) == 1
                        and isinstance(node.test.comparators[0], ast.Constant)
                        and node.test.comparators[0].value == attr
                        and node.body
                        and isinstance(node.body[0], ast.Return)
                        and isinstance(node.body[0].value, ast.Name)
                    ):
                        return self.resolve(owner.file, node.body[0].value, _depth + 1)
        return None

    def resolve_name(self, file: ParsedFile, name: str, _depth: int = 0) -> Ref | None:
        key = (id(file), name)
        if key in self._names:
            return self._names[key]
        result = self._resolve_name(file, name, _depth)
        if _depth <= 1 or result is not None:
            self._names[key] = result
        return result

    def _resolve_name(self, file: ParsedFile, name: str, _depth: int) -> Ref | None:
        if _depth > _MAX_DEPTH:
            return None
        if name in file.classes:
            return Definition(file, name, file.classes[name])
        if name in file.functions:
            return Definition(file, name, file.functions[name])
        if name in file.assignments:
            value = file.assignments[name]
            if isinstance(value, (ast.Name, ast.Attribute)):
                aliased = self.resolve(file, value, _depth + 1)
                if aliased is not None:
                    return aliased
            return Definition(file, name, value)
        if name in file.imports:
            return self.resolve_dotted(file.imports[name], _depth + 1)
        for module in reversed(file.star_imports):
            found = self._star_name(module, name, _depth + 1)
            if found is not None:
                return found
        if name in _BUILTINS:
            return External(f"builtins.{name}")
        return None

    def _star_name(self, module: str, name: str, _depth: int) -> Ref | None:
        """A name a ``from module import *`` may have bound: looked up in the workspace
        module, or, for SQLAlchemy itself, in its real namespace."""
        if name.startswith("_"):
            return None
        self.touched.add(module)
        file = self._find_module(module)
        if file is not None:
            return self.resolve_name(file, name, _depth)
        is_sqlalchemy = module == "sqlalchemy" or module.startswith("sqlalchemy.")
        if is_sqlalchemy and name in _sqlalchemy_names(module):
            return External(f"{module}.{name}")
        return None

    def resolve_dotted(self, dotted: str, _depth: int = 0) -> Ref | None:
        """A dotted name: a workspace module, a name in one, or an outside name."""
        if dotted in self._dotted:
            return self._dotted[dotted]
        if _depth > _MAX_DEPTH:
            return None
        result = self._resolve_dotted(dotted, _depth)
        self._dotted[dotted] = result
        return result

    def _resolve_dotted(self, dotted: str, _depth: int) -> Ref | None:
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            self.touched.add(module)
            file = self._find_module(module)
            if file is None:
                continue
            rest = parts[cut:]
            if not rest:
                return ModuleRef(file)
            ref = self.resolve_name(file, rest[0], _depth + 1)
            for attr in rest[1:]:
                if isinstance(ref, External):
                    ref = External(f"{ref.name}.{attr}")
                elif isinstance(ref, ModuleRef):
                    ref = self.resolve_name(ref.file, attr, _depth + 1)
                else:
                    return None
            return ref
        return External(dotted)
