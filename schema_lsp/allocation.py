"""Bulk allocation without the cyclic garbage collector getting in the way.

Reading a schema, building entities and comparing them allocate many small objects that
all live on and form no cycles; left on, the cyclic collector rescans the whole heap several
times per pass (a sixth to a half of the time, measured in bench/). Pausing it for one pass
is safe: nothing is freed late except cycles, and they go at the next collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; nested and concurrent uses are fine (the
    outermost one that found it running turns it back on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
