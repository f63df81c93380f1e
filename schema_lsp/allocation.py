"""Bulk allocation without the cyclic garbage collector getting in the way.

Reading a schema, parsing and building entities allocate many small objects that all live
on (the registry's schema, the workspace's syntax trees and entities) and form no cycles;
left on, the cyclic collector rescans the whole heap several times per pass (a sixth to a
half of the time, measured in bench/). So the collector is paused for one pass.

A pass whose results live long and that leaves no cyclic garbage (the workspace index:
its readers drop their caches after each build) may also ``promote`` what it built straight
to the oldest generation, where it belongs: scanning it once more as young objects would
only find it alive. Cyclic garbage made during such a pass would wait for the next full
collection, which is why promotion is asked for, not the default.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, promote: bool = False) -> Iterator[None]:
    """Pause the cyclic collector for the block; nested and concurrent uses are fine (the
    outermost one that found it running turns it back on, promoting first if asked)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if promote:
                _promote_to_oldest()
            gc.enable()


def _promote_to_oldest() -> None:
    """Every tracked object to the oldest generation, without a scan: ``freeze`` moves
    them to the permanent generation and ``unfreeze`` puts that into the oldest one. Not
    done when the application froze objects itself (``unfreeze`` would undo its freeze)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
