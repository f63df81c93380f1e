"""Which installed files our parser reads: the model files and the package modules they
import, transitively (a base re-exported by ``__init__``, a shared type or a constant
module), as an editor's workspace holds them. Found with ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path


def _imported_modules(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # submodules
    return names


def _module_file(site: Path, module: str) -> Path | None:
    path = site.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(site: Path, path: Path) -> str:
    parts = list(path.relative_to(site).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def workspace_files(model_files: list[Path], site: Path) -> list[Path]:
    """``model_files`` and every module of the same top-level packages they import."""
    tops = {path.relative_to(site).parts[0] for path in model_files}
    seen: set[Path] = set()
    pending = list(model_files)
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        module = _module_name(site, path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in _imported_modules(tree, module, path.name == "__init__.py"):
            if name.partition(".")[0] in tops:
                found = _module_file(site, name)
                if found is not None and found not in seen:
                    pending.append(found)
    return sorted(seen)
