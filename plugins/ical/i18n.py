"""The calendar plugin's own Babel domain ("ical"), so its messages never collide with the core's.

Python code uses ``_``/``_l``; templates are rendered with ``meetings.plugins.render_plugin_template``,
so that ``_`` in them is this domain too.
"""

from meetings.plugins import translation_domain

domain = translation_domain("ical")
_ = domain.gettext
_l = domain.lazy_gettext
