"""The compensation plugin's own Babel domain ("compensation")."""

from meetings import api

domain = api.translation_domain("compensation")
_ = domain.gettext
_l = domain.lazy_gettext
ngettext = domain.ngettext
