"""The calendar plugin's own Babel domain ("ical"), so its messages never collide with the core's.

Python code uses ``_``/``_l``; templates use ``_p(...)``, which the plugin passes to its templates,
because ``_`` in a template is the core's domain (the base layout needs it).
"""

from meetings.plugins import translation_domain

domain = translation_domain("ical")
_ = domain.gettext
_l = domain.lazy_gettext
_p = domain.gettext
