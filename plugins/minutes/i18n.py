"""The minutes plugin's own Babel domain ("minutes"), with its catalogues in the project's translations/."""

from pathlib import Path

from flask_babel import Domain

domain = Domain(translation_directories=str(Path(__file__).resolve().parents[2] / "translations"), domain="minutes")
_ = domain.gettext
_l = domain.lazy_gettext
