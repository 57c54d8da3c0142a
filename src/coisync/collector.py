"""The garbage collector's pace during a large run.

CPython collects its youngest generation of objects every 700 allocations (net) by default,
and each collection also walks the survivors that pile up in the older generations. A sync
allocates millions of short-lived objects (mapped values, models, rows) while it holds a batch's
worth of long-lived ones, so at that pace the collector spent about 30% of the CPU of preparing
a pull batch (measured in one process on the bench's records: 106 µs a record, 75 µs with the
youngest generation collected every 10,000 allocations).

During a run (:func:`relaxed_collection`) the youngest generation is collected every
:data:`YOUNG_THRESHOLD` allocations, and what was alive before the run (modules, compiled
mappings and validators) is frozen out of the collector's walks; worker processes forked during
the run inherit both. Reference counting still frees every object without a cycle at once, so
only cyclic garbage waits a little longer.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 10_000
"""Net allocations between two collections of the youngest generation during a run."""


@contextmanager
def relaxed_collection(young: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Collect the youngest generation every ``young`` allocations (if that is rarer), with the
    objects alive now frozen, while the block runs; the previous settings return after it."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    if gc.isenabled() and young > before[0]:
        gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not frozen:  # objects frozen before the block cannot be told apart: all stay frozen
            gc.unfreeze()
