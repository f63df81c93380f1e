"""Bulk allocation without the cyclic garbage collector getting in the way.

Reading a schema, parsing and building entities allocate many small objects that all live
on (the registry's schema, the workspace's syntax trees and entities) and form no cycles;
left on, the cyclic collector rescans the whole heap several times per pass (a sixth to a
half of the time, measured in bench/). So the collector is paused for one pass, and what
the pass built is then moved straight to the oldest generation, where it belongs: scanning
it once more as young objects would only find it alive. Nothing is lost: cyclic garbage
made during the pass goes at the next full collection instead of the next young one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; nested and concurrent uses are fine (the
    outermost one that found it running promotes what was built and turns it back on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            _promote_to_oldest()
            gc.enable()


def _promote_to_oldest() -> None:
    """Every tracked object to the oldest generation, without a scan: ``freeze`` moves
    them to the permanent generation and ``unfreeze`` puts that into the oldest one. Not
    done when the application froze objects itself (``unfreeze`` would undo its freeze)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
