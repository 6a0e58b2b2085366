"""Extract messages and update the catalogues of every domain: the core's and each enabled plugin's
(those that ``translation_domains()`` announces, built-in or installed).

English message ids are the English text, so the English catalogue is filled from the ids; new
Swedish messages are added untranslated (and the translation test fails until someone translates
them). Run with ``make translations``; ``MEETINGS_PLUGINS`` chooses the plugins, as for the app.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from meetings import create_app  # noqa: E402
from meetings.plugins import Catalogue, translation_catalogues  # noqa: E402

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "_p": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
LOCALES = ("sv", "en")


def catalogues() -> list[Catalogue]:
    # Only the plugins are needed, never the database or a real secret.
    return translation_catalogues(create_app({"MEETINGS_ENV": "development"}))


def template_for(source: Path, domain: str) -> Catalog:
    template = Catalog(domain=domain, project="dialogue-meetings", charset="utf-8")
    for _filename, _lineno, message, _comments, context in extract_from_dir(source, METHODS, keywords=KEYWORDS):
        template.add(message, context=context)
    return template


def update(catalogue: Catalogue) -> list[str]:
    domain = catalogue.domain
    template = template_for(catalogue.source, domain)
    untranslated = []
    for locale in LOCALES:
        path = catalogue.translations / locale / "LC_MESSAGES" / f"{domain}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as po_file:
                catalogue_file = read_po(po_file, locale=locale, domain=domain)
        else:
            catalogue_file = Catalog(locale=locale, domain=domain, project="dialogue-meetings", charset="utf-8")
        catalogue_file.update(template, no_fuzzy_matching=True)
        catalogue_file.obsolete.clear()
        for message in catalogue_file:
            if not message.id:
                continue
            if locale == "en":
                message.string = message.id
                message.flags.discard("fuzzy")
            elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
                untranslated.append(f"{locale}/{domain}: {message.id!r}")
        with path.open("wb") as po_file:
            write_po(po_file, catalogue_file, sort_output=True, omit_header=False, include_lineno=False, width=100)
        with path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalogue_file)
    return untranslated


if __name__ == "__main__":
    missing = [line for catalogue in catalogues() for line in update(catalogue)]
    if missing:
        print(f"{len(missing)} messages need a translation:")
        print("\n".join(missing))
