"""Snapshot files: a DatabaseSchema as deterministic, versioned JSON.

The same schema always gives the same bytes (sorted keys, tables in a stable order, two-space
indent, trailing newline), so a snapshot can be committed and reviewed as a diff, and a check
can run in CI against it without a database.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from .errors import SnapshotError
from .schema import DatabaseSchema

FORMAT = "schema-lsp-snapshot"
VERSION = 1


def to_json(schema: DatabaseSchema) -> str:
    """Serialize; DatabaseSchema already keeps its tables in (schema, name) order."""
    document = {"format": FORMAT, "version": VERSION, "database": _encode(schema)}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def from_json(text: str, source: str = "snapshot") -> DatabaseSchema:
    """Parse a snapshot; any problem is a SnapshotError naming ``source``."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{source} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError(f'{source} is not a schema-lsp snapshot (no "format": "{FORMAT}")')
    version = document.get("version")
    if version != VERSION:
        raise SnapshotError(
            f"{source} has snapshot version {version!r}; this schema-lsp reads version {VERSION}"
        )
    try:
        return _decode(DatabaseSchema, document["database"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{source} is damaged: {exc}") from None


def save(schema: DatabaseSchema, path: str | Path) -> None:
    """Write atomically, so an interrupted save never leaves half a file."""
    target = Path(path)
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(to_json(schema), encoding="utf-8")
    temporary.replace(target)


def load(path: str | Path) -> DatabaseSchema:
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except OSError as exc:
        raise SnapshotError(f"cannot read snapshot {target}: {exc.strerror}") from None
    return from_json(text, source=str(target))


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init
        }
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    return value


def _decode(annotation: Any, data: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [option for option in get_args(annotation) if option is not type(None)]
        if data is None:
            return None
        if len(options) == 1:
            return _decode(options[0], data)
        return data  # a union of scalars
    if origin is tuple:
        item_types = get_args(annotation)
        if len(item_types) == 2 and item_types[1] is Ellipsis:
            return tuple(_decode(item_types[0], item) for item in data)
        return tuple(_decode(t, item) for t, item in zip(item_types, data, strict=True))
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        hints = _hints(annotation)
        kwargs = {
            f.name: _decode(hints[f.name], data[f.name])
            for f in dataclasses.fields(annotation)
            if f.init and f.name in data
        }
        return annotation(**kwargs)
    return data


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        import schema_lsp.schema as schema_module

        _HINTS[cls] = typing.get_type_hints(cls, vars(schema_module))
    return _HINTS[cls]


__all__ = ["FORMAT", "VERSION", "from_json", "load", "save", "to_json"]
