"""The collector pause around bulk work: nesting, promotion of what was built, and that
nothing is leaked (a replaced model file's syntax tree is freed without the collector)."""

from __future__ import annotations

import gc
import weakref

import pytest

from schema_lsp.allocation import collector_paused
from schema_lsp.entities.source import ParsedFile
from schema_lsp.entities.workspace import WorkspaceIndex

MODELS = """\
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String({length}))


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
"""


class Node:
    """A tracked object that can be weakly referenced."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_nested_pauses_turn_the_collector_back_on_once(collector_on):
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause found it off: it leaves it off
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(collector_on):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_what_a_pass_builds_goes_to_the_oldest_generation_when_asked(collector_on):
    with collector_paused(promote=True):
        built = [Node() for _ in range(50)]
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(node) in oldest for node in built)


def test_an_applications_own_freeze_is_left_alone(collector_on):
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with collector_paused(promote=True):
            Node()
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_cycles_made_during_a_promoting_pass_are_still_collected(collector_on):
    with collector_paused(promote=True):
        first, second = Node(), Node()
        first.other, second.other = second, first
        watch = weakref.ref(first)
        del first, second
    assert watch() is not None  # promoted, not yet collected
    gc.collect()
    assert watch() is None


def test_without_promotion_young_cycles_go_at_the_next_young_collection(collector_on):
    with collector_paused():
        first, second = Node(), Node()
        first.other, second.other = second, first
        watch = weakref.ref(first)
        del first, second
    gc.collect(0)
    assert watch() is None


def test_a_replaced_files_tree_is_freed_without_the_collector(tmp_path, collector_on):
    """The reader's caches point at the files they read; they are dropped after each
    build, so an edited file's old tree goes as soon as the index lets go of it."""
    path = tmp_path / "models.py"
    index = WorkspaceIndex([tmp_path])
    index.update(path, MODELS.format(length=50))
    assert sorted(e.table.name for e in index.entities()) == ["posts", "users"]
    old = index.parsed(path)
    assert isinstance(old, ParsedFile)
    watch = weakref.ref(old.tree)
    del old
    gc.disable()  # prove it is freed by reference counting alone
    try:
        index.update(path, MODELS.format(length=80))
        index.entities()
        assert watch() is None
    finally:
        gc.enable()
