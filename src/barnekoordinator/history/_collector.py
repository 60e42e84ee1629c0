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

**Tenuring a long replay (decision 50).** Held off, the collector still counts what the
block allocates: every object a replay keeps is in the youngest generation when the
block ends, and the first allocation after it scans them all — about 0.65 µs per
object, a seventh of a replay's whole cost, to find nothing. With ``tenure=True`` the
block's survivors go straight to the oldest generation instead, where the next full
collection scans them as it would have anyway: ``gc.freeze()`` then ``gc.unfreeze()``
moves every tracked object there in constant time (two list splices). So that this
moves only what the block made, the caller's young generations are collected first
(``gc.collect(1)``: at most a few thousand objects, what the collector would have
scanned soon anyway) — cyclic garbage the caller left there is freed then, not kept
until a full collection. The tenure is skipped when the caller has frozen objects
(``unfreeze`` would release them) or when the block ends with an error.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, tenure: bool = False) -> Iterator[None]:
    """Hold the cyclic garbage collector off for the block, if it is on.

    Args:
        tenure: Move what the block allocated to the oldest generation when it ends (see
            the module's notes); for blocks that keep many objects, such as a long replay.
    """
    if not gc.isenabled():
        yield
        return
    tenure = tenure and gc.get_freeze_count() == 0
    if tenure:
        gc.collect(1)
    gc.disable()
    try:
        yield
    except BaseException:
        gc.enable()
        raise
    if tenure:
        gc.freeze()
        gc.unfreeze()
    gc.enable()
