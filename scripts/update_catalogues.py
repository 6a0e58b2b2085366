"""Extract messages and update the catalogues of every domain (the core and each built-in plugin).

English message ids are the English text, so the English catalogue is filled from the ids; new
Swedish messages are added untranslated (and the translation test fails until someone translates
them). Run with ``make translations``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from setup import compile_catalogues  # noqa: E402

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "_p": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
LOCALES = ("sv", "en")


def domains() -> dict[str, Path]:
    found = {"meetings": ROOT / "meetings"}
    for plugin in sorted((ROOT / "plugins").glob("*/__init__.py")):
        found[plugin.parent.name] = plugin.parent
    return found


def template_for(source: Path, domain: str) -> Catalog:
    template = Catalog(domain=domain, project="dialogue-meetings", charset="utf-8")
    for _filename, _lineno, message, _comments, context in extract_from_dir(source, METHODS, keywords=KEYWORDS):
        template.add(message, context=context)
    return template


def update(domain: str, source: Path) -> list[str]:
    template = template_for(source, domain)
    untranslated = []
    for locale in LOCALES:
        path = ROOT / "translations" / locale / "LC_MESSAGES" / f"{domain}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as po_file:
                catalogue = read_po(po_file, locale=locale, domain=domain)
        else:
            catalogue = Catalog(locale=locale, domain=domain, project="dialogue-meetings", charset="utf-8")
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        for message in catalogue:
            if not message.id:
                continue
            if locale == "en":
                message.string = message.id
                message.flags.discard("fuzzy")
            elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
                untranslated.append(f"{locale}/{domain}: {message.id!r}")
        with path.open("wb") as po_file:
            write_po(po_file, catalogue, sort_output=True, omit_header=False, include_lineno=False, width=100)
    return untranslated


if __name__ == "__main__":
    missing = [line for domain, source in domains().items() for line in update(domain, source)]
    compile_catalogues()
    if missing:
        print(f"{len(missing)} messages need a translation:")
        print("\n".join(missing))
