"""Project SQL function classes (``FunctionElement``/``GenericFunction`` subclasses) as
SQLAlchemy elements, without running them.

``class utcnow(FunctionElement)`` has no SQL of its own: the project compiles it per
dialect with ``@compiles`` (``compiles.py``). A ``GenericFunction`` subclass renders as
``name(args)``. A call of such a class in a server default or a generated column becomes an
instance of a class made here: a subclass of the real SQLAlchemy base, holding nothing of
the project's code but its name, its ``name`` attribute and the chain of project classes,
by which its overrides are found. It is never registered with ``func``.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from .compiles import CHAIN, OPAQUE_INIT, class_attribute, class_chain, defines_method
from .values import Unresolvable

if TYPE_CHECKING:
    from .evaluate import Evaluator
    from .resolve import Definition
    from .source import ParsedFile


def project_element(
    evaluator: Evaluator, file: ParsedFile, call: ast.Call | None, definition: Definition
) -> Any:
    """The element ``definition(...)`` (written as ``call`` in ``file``) builds, or None
    when the class is no SQL function; raises Unresolvable for arguments it cannot know."""
    if call is None:
        return None
    chain, base = class_chain(evaluator, definition)
    from sqlalchemy.sql.functions import FunctionElement, GenericFunction

    if base is None or not issubclass(base, FunctionElement):
        return None
    opaque = any(defines_method(d, "__init__") for d in chain)
    namespace: dict[str, Any] = {
        "inherit_cache": True,
        CHAIN: chain,
        OPAQUE_INIT: opaque,
        "__module__": definition.file.module or "__project__",
        "__qualname__": definition.name,
    }
    if issubclass(base, GenericFunction):
        namespace["_register"] = False  # func.<name> must not find it
        for link in chain:
            written = class_attribute(link, "name")
            if written is not None:
                namespace["name"] = _literal(evaluator, link, written, "name")
                break
    element_class = type(definition.name, (base,), namespace)
    if opaque:
        # what the project's __init__ keeps is unknown: only an override can render it
        element = element_class()
        overrides = evaluator.compile_overrides
        if overrides is None or not overrides.specs_of(element):
            raise Unresolvable(f"{definition.name}.__init__ cannot be followed")
        return element
    if call.keywords:
        raise Unresolvable(f"{definition.name}() with keywords")
    args = [evaluator.value(file, argument) for argument in call.args]
    try:
        return element_class(*args)
    except Exception as exc:
        raise Unresolvable(f"{definition.name}(...) rejected: {exc}") from exc


def _literal(evaluator: Evaluator, definition: Definition, node: ast.expr, what: str) -> Any:
    value = evaluator.value(definition.file, node)
    if not isinstance(value, str):
        raise Unresolvable(f"{definition.name}.{what} is not a string")
    return value
