"""Which files are models: folders searched for ORM imports, skipping environments, hidden
folders and what the project's .gitignore files leave out (git's rules, by pathspec)."""

from __future__ import annotations

import os
from pathlib import Path

from schema_lsp.entities.discovery import IgnoreRules, find_entity_files, imports_orm

MODEL = "from sqlalchemy.orm import DeclarativeBase\n"
PLAIN = "import os\n"


def write(root: Path, relative: str, text: str = MODEL) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def names(paths: list[Path], root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in paths}


def test_imports_orm_reads_text_and_bytes():
    assert imports_orm("import sqlalchemy as sa\n")
    assert imports_orm(b"from sqlmodel import SQLModel\n")
    assert imports_orm("x = 1\nfrom flask_sqlalchemy import SQLAlchemy\n")
    assert not imports_orm("import sqlalchemy_utils\n")
    assert not imports_orm("# from sqlalchemy import x\n")


def test_a_folder_search_follows_gitignore_files_like_git(tmp_path):
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("scratch/\n")
    (tmp_path / ".gitignore").write_text("# generated code\ngenerated/\n*_old.py\n!keep_old.py\n")
    write(tmp_path, "app/models.py")
    write(tmp_path, "app/users_old.py")
    write(tmp_path, "app/keep_old.py")
    write(tmp_path, "app/util.py", PLAIN)
    write(tmp_path, "generated/models.py")
    write(tmp_path, "scratch/models.py")
    write(tmp_path, "app/.gitignore", "legacy.py\n")
    write(tmp_path, "app/legacy.py")
    write(tmp_path, "app/sub/legacy.py")  # a .gitignore pattern without / matches below too
    write(tmp_path, "lib/legacy.py")  # app's rules stop at app/
    write(tmp_path, "env1/pyvenv.cfg", "home = /usr\n")
    write(tmp_path, "env1/lib/site.py")
    write(tmp_path, ".hidden/models.py")

    found = find_entity_files([tmp_path])

    assert names(found, tmp_path) == {"app/models.py", "app/keep_old.py", "lib/legacy.py"}


def test_an_ignored_folder_cannot_be_reopened_from_inside(tmp_path):
    (tmp_path / ".gitignore").write_text("vendor/\n!vendor/models.py\n")
    write(tmp_path, "vendor/models.py")
    write(tmp_path, "models.py")
    assert names(find_entity_files([tmp_path]), tmp_path) == {"models.py"}


def test_a_named_subfolder_keeps_the_rules_of_its_work_tree(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("**/migrations_backup/\n")
    write(tmp_path, "src/app/models.py")
    write(tmp_path, "src/app/migrations_backup/models.py")
    found = find_entity_files([tmp_path / "src"])
    assert names(found, tmp_path) == {"src/app/models.py"}


def test_paths_are_spelled_as_the_folder_was_named(tmp_path, monkeypatch):
    write(tmp_path, "pkg/models.py")
    monkeypatch.chdir(tmp_path)
    assert find_entity_files(["pkg"]) == [Path("pkg/models.py")]


def test_ignore_rules_for_single_paths_follow_an_edited_gitignore(tmp_path):
    gitignore = tmp_path / ".gitignore"
    gitignore.write_text("build_models/\n")
    rules = IgnoreRules(tmp_path)
    assert rules.ignored(tmp_path / "build_models" / "models.py")
    assert not rules.ignored(tmp_path / "app" / "models.py")
    assert not rules.ignored(Path("/elsewhere/models.py"))  # outside the tree

    gitignore.write_text("app/\n")
    stamp = gitignore.stat().st_mtime_ns + 1_000_000_000
    os.utime(gitignore, ns=(stamp, stamp))  # a new mtime even on a coarse clock
    assert rules.ignored(tmp_path / "app" / "models.py")
    assert not rules.ignored(tmp_path / "build_models" / "models.py")
