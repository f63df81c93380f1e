"""A workspace folder's settings, merged from every place an editor user may keep them.

Layers, first wins: ``workspace/configuration`` (section ``schemaLsp``), the client's
``initializationOptions``, ``[tool.schema-lsp]`` in the folder's pyproject.toml, then
``SCHEMA_LSP_DATABASE_URL``. Each value is validated against the layer it came from, so an
error names the right place. Unknown keys are errors in pyproject.toml but ignored (logged)
from the editor, whose section also carries the client's own keys (``trace.server``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import (
    DATABASE_URL_ENV,
    TOOL_SECTION,
    Settings,
    find_pyproject,
    read_pyproject_options,
)
from ..errors import ConfigError

#: The configuration section the server asks the client for.
SECTION = "schemaLsp"


@dataclass(frozen=True)
class FolderSettings:
    """What one workspace folder runs with, and whether ``entities`` was configured (when
    it was not, every workspace file importing SQLAlchemy or SQLModel is a model file)."""

    settings: Settings
    entities_configured: bool = False


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


_SETTINGS_KEYS = {f.name for f in dataclasses.fields(Settings)} - {"project_root"}
_log = logging.getLogger(__name__)


def read_folder_settings(
    root: Path,
    *,
    editor_layers: tuple[tuple[str, Mapping[str, Any] | None], ...] = (),
    environ: Mapping[str, str] | None = None,
) -> FolderSettings:
    """Merge the layers for ``root`` (editor layers first, highest priority first).

    Raises ConfigError naming the layer of the first bad value.
    """
    environ = os.environ if environ is None else environ
    # (label, options, directory relative paths are taken from, written by the editor)
    layers: list[tuple[str, Mapping[str, Any], Path, bool]] = []
    for label, options in editor_layers:
        if options is None:
            continue
        if not isinstance(options, Mapping):
            raise ConfigError(f"{label}: expected an object of settings")
        layers.append((label, options, root, True))
    pyproject = find_pyproject(root)
    if pyproject is not None:
        table = read_pyproject_options(pyproject)
        layers.append((f"{pyproject} [tool.{TOOL_SECTION}]", table, pyproject.parent, False))
    if environ.get(DATABASE_URL_ENV, "").strip():
        url = {"database_url": environ[DATABASE_URL_ENV]}
        layers.append((f"${DATABASE_URL_ENV}", url, root, False))

    winners: dict[str, tuple[str, str, Any, Path]] = {}
    for label, options, base_dir, from_editor in reversed(layers):  # lowest priority first
        for key, value in options.items():
            name = _snake(str(key))
            if from_editor and name == "python" and isinstance(value, Mapping):
                # VS Code's ``schemaLsp.python.path``: the interpreter the server runs
                # with is also the one whose sys.path imports are followed on.
                value = value.get("path") or None
            if value is None:
                continue
            if from_editor and name not in _SETTINGS_KEYS:
                # An editor's section also holds the client's own keys (``trace.server``,
                # the interpreter): not ours to reject.
                _log.info("%s: ignoring %r (not a schema-lsp setting)", label, key)
            else:
                winners[name] = (label, str(key), value, base_dir)
    merged: dict[str, Any] = {}
    for name, (label, key, value, base_dir) in winners.items():
        # Validate the winning value where it was written (paths relative to that file).
        single = Settings.from_mapping(
            {key: value}, source=label, base_dir=base_dir, environ=environ
        )
        parsed = getattr(single, name)
        merged[name] = str(parsed) if isinstance(parsed, Path) else parsed
    settings = Settings.from_mapping(merged, source=SECTION, environ=environ)
    project_root = pyproject.parent if pyproject is not None else root
    settings = dataclasses.replace(settings, project_root=project_root)
    return FolderSettings(settings, entities_configured="entities" in merged)
