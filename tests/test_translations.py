"""Every message in the code has a Swedish and an English translation, none of them fuzzy.

Messages are extracted from the source at test time, so a new string that was never added to
the catalogues fails here, not in front of a user.
"""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("sv", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "_p": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]


def domains() -> dict[str, Path]:
    """The core's domain and one per built-in plugin, with the folder its messages come from."""
    found = {"meetings": ROOT / "meetings"}
    for plugin in sorted((ROOT / "plugins").glob("*/__init__.py")):
        found[plugin.parent.name] = plugin.parent
    return found


def extracted_messages(source: Path) -> set[str]:
    messages = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            source, METHODS, keywords=KEYWORDS, options_map={"**/templates/**": {"extensions": "jinja2.ext.do"}}):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def load_catalogue(locale: str, domain: str):
    path = ROOT / "translations" / locale / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("domain", sorted(domains()))
def test_every_message_is_translated(domain, locale):
    catalogue = load_catalogue(locale, domain)
    messages = extracted_messages(domains()[domain])
    assert messages, f"no messages found for {domain}"
    missing = sorted(m for m in messages if m not in catalogue)
    untranslated = sorted(
        m for m in messages if m in catalogue and (
            not catalogue[m].string
            or (isinstance(catalogue[m].string, tuple | list) and not all(catalogue[m].string))))
    fuzzy = sorted(m for m in messages if m in catalogue and catalogue[m].fuzzy)
    problems = [f"not in the {locale} catalogue: {m!r}" for m in missing]
    problems += [f"untranslated in {locale}: {m!r}" for m in untranslated]
    problems += [f"fuzzy in {locale}: {m!r}" for m in fuzzy]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("domain", sorted(domains()))
def test_swedish_really_is_swedish(domain):
    """A Swedish catalogue that copies the English text would pass the test above."""
    catalogue = load_catalogue("sv", domain)
    same = [m.id for m in catalogue if m.id and m.string == m.id and len(str(m.id)) > 12]
    assert len(same) <= len(catalogue) // 20, f"left in English in sv: {same[:10]}"


def test_compiled_catalogues_are_used(app, client):
    response = client.get("/", headers={"Accept-Language": "sv"})
    assert "Hoppa till innehållet" in response.get_data(as_text=True)
