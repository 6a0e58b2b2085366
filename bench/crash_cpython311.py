"""python -m bench.crash_cpython311: the CPython 3.11 fault behind issue 16's crash, without SQLAlchemy.

An object gets a new attribute that its class's shared keys lack, so CPython 3.11 builds a dict
from the object's inline values; that allocation runs a garbage collection, which frees a cyclic
object whose weak-reference callback sets attributes on the first object, building a second dict
from the same values and freeing them. The interrupted store goes on with freed memory. It prints
"survived" on Python 3.10, 3.12 and 3.13 and dies with a segmentation fault on 3.11.7
(``PYTHONMALLOC=debug`` makes it die at the first use of the freed memory).
SQLAlchemy's InstanceState and its ``_cleanup`` callback are the State below (meetings/orm_states.py).
"""

from __future__ import annotations

import gc
import sys
import weakref


class Thing:
    pass


class State:
    def __init__(self, obj: Thing) -> None:
        self.obj = weakref.ref(obj, self._cleanup)

    def _cleanup(self, ref: weakref.ref) -> None:
        for number in range(40):  # names the shared keys lack: a dict from the inline values, grown
            setattr(self, f"gone_{number}", None)


def once() -> State:
    thing = Thing()
    thing.cycle = thing  # only the collector frees it
    state = State(thing)
    del thing
    gc.set_threshold(1)  # the next tracked allocation runs a collection
    state.brand_new = 1  # a name the shared keys lack: the dict built here is that allocation
    gc.set_threshold(700, 10, 10)
    return state


def main() -> None:
    filler = State(Thing())
    for number in range(40):  # use up the class's shared keys (30 names at most)
        setattr(filler, f"shared_{number}", None)
    for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 2000):
        state = once()
        state.more = [1]
        del state
    gc.collect()
    print("survived")


if __name__ == "__main__":
    main()
