"""A guard against a segmentation fault of CPython 3.11 under SQLAlchemy (issue 16).

CPython 3.11 keeps a new object's attributes in "inline values" and turns them into a real dict
the first time an attribute that the class's shared keys lack is set. Building that dict allocates
a tracked object, and in 3.11 an allocation may run a garbage collection there and then (3.12 and
later wait for a safe point; 3.10 has no inline values). SQLAlchemy gives every ORM object an
``InstanceState`` holding a weak reference to it, whose callback (``InstanceState._cleanup``) sets
attributes on that same state. ``Session.close()`` detaches the states of objects that may already
be cyclic garbage (a forum and its meetings point at each other). When the collection runs inside
such a store and frees the state's own object, the callback builds a second dict from the same
inline values and frees them; the interrupted store then goes on with freed memory, and the
process dies some time later. Rendering the forum page of a forum with 5,000 meetings again and
again in one process hit it within about a dozen requests (bench/crash_forum_page.py).

The guard gives each state its dict when the state is made, while its object is certainly alive,
so no later attribute store on a state allocates, and none can run a collection midway.
"""

from __future__ import annotations

import sys

from sqlalchemy.orm.state import InstanceState

_GUARD = "_meetings_gives_dict"


def needs_guard() -> bool:
    return sys.version_info[:2] == (3, 11)


def install_guard() -> None:
    """Make every InstanceState keep its attributes in a dict from the start (on CPython 3.11)."""
    if not needs_guard() or getattr(InstanceState.__init__, _GUARD, False):
        return
    made = InstanceState.__init__
    unpickled = InstanceState.__setstate__

    def __init__(self, obj, manager):  # noqa: N807 - replaces the constructor
        made(self, obj, manager)
        _ = self.__dict__  # reading __dict__ turns the inline values into a dict, once

    def __setstate__(self, state_dict):  # noqa: N807
        unpickled(self, state_dict)
        _ = self.__dict__

    setattr(__init__, _GUARD, True)
    InstanceState.__init__ = __init__
    InstanceState.__setstate__ = __setstate__
