"""Every message in the code has a Swedish and an English translation, none of them fuzzy.

Messages are extracted from the source at test time, so a new string that was never added to
the catalogues fails here, not in front of a user.
"""

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from meetings import create_app
from meetings.plugins import Catalogue, translation_catalogues

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("sv", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "_p": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]


def catalogues() -> dict[str, Catalogue]:
    """The core's domain and each enabled plugin's (``translation_domains()``), by domain name:
    with ``MEETINGS_PLUGINS=builtin,yours`` a third-party plugin is checked here too."""
    app = create_app({"MEETINGS_ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production"})
    return {catalogue.domain: catalogue for catalogue in translation_catalogues(app)}


def domains() -> dict[str, Path]:
    return {name: catalogue.source for name, catalogue in catalogues().items()}


def extracted_messages(source: Path) -> set[str]:
    messages = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            source, METHODS, keywords=KEYWORDS, options_map={"**/templates/**": {"extensions": "jinja2.ext.do"}}):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def load_catalogue(locale: str, domain: str, translations: Path | None = None):
    path = (translations or catalogues()[domain].translations) / locale / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"{path} is missing"
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def translation_problems(domain: str, locale: str, source: Path, translations: Path) -> list[str]:
    catalogue = load_catalogue(locale, domain, translations)
    messages = extracted_messages(source)
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
    return problems


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("domain", sorted(domains()))
def test_every_message_is_translated(domain, locale):
    catalogue = catalogues()[domain]
    problems = translation_problems(domain, locale, catalogue.source, catalogue.translations)
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


# --- A third-party plugin's catalogues: made by `make translations`, checked as the core's -----------

GREETER = {
    "greeter_plugin/__init__.py": (
        "from pathlib import Path\n\n"
        "from flask_babel import Domain\n\n"
        "from meetings import hookimpl\n\n"
        "domain = Domain(translation_directories=str(Path(__file__).parent / 'translations'), domain='greeter')\n"
        "_ = domain.gettext\n\n\n"
        "@hookimpl\n"
        "def translation_domains():\n"
        "    return [domain]\n\n\n"
        "def greeting():\n"
        "    return _('Good morning from the greeter')\n"),
    "greeter_plugin/templates/greeter/panel.html": "<p>{{ _('Welcome to the greeter') }}</p>\n",
}


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_third_party_plugins_catalogues_are_made_and_checked_like_the_cores(make_app, tmp_path, monkeypatch):
    for relative, content in GREETER.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(content, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "greeter_plugin", raising=False)
    plugin = importlib.import_module("greeter_plugin")
    app = make_app(plugins=[plugin])

    greeter = {c.domain: c for c in translation_catalogues(app)}["greeter"]
    assert greeter.source == tmp_path / "greeter_plugin"
    assert greeter.translations == tmp_path / "greeter_plugin" / "translations"

    update_catalogues = load_script("update_catalogues")
    assert sorted(update_catalogues.update(greeter)) == ["sv/greeter: 'Good morning from the greeter'",
                                                         "sv/greeter: 'Welcome to the greeter'"]
    assert translation_problems("greeter", "en", greeter.source, greeter.translations) == []
    assert translation_problems("greeter", "sv", greeter.source, greeter.translations) == [
        "untranslated in sv: 'Good morning from the greeter'", "untranslated in sv: 'Welcome to the greeter'"]

    po_path = greeter.translations / "sv" / "LC_MESSAGES" / "greeter.po"
    with po_path.open("rb") as po_file:
        swedish = read_po(po_file, locale="sv")
    swedish["Good morning from the greeter"].string = "God morgon från hälsaren"
    swedish["Welcome to the greeter"].string = "Välkommen till hälsaren"
    with po_path.open("wb") as po_file:
        write_po(po_file, swedish)
    assert update_catalogues.update(greeter) == []
    assert translation_problems("greeter", "sv", greeter.source, greeter.translations) == []
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert plugin.greeting() == "God morgon från hälsaren"  # the .mo was compiled too
