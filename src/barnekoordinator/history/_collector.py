"""The cyclic garbage collector held off while a long history is folded (issue 15).

Replaying a case allocates an object or more per event, nearly all of which live
until the replay ends. Every 700 allocations the cyclic collector scans the young
objects, and it scans the old ones ever more often as they pile up: past 10,000
events replay slowed by half. The fold makes no reference cycles (its values are
frozen attrs instances and tuples), so reference counting frees all it discards and
the collector would find nothing to collect.

[`collector_paused()`][barnekoordinator.history._collector.collector_paused] turns
the collector off for the block and back on after it, on errors too, and only if it
was on: what the caller set (off, thresholds, frozen objects) is left as it was.
The switch is process-wide: a thread that turns the collector off while another
thread's replay holds it paused finds it on again when that replay ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off for the block, if it is on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
