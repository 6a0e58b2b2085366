"""One word for each thing, in every catalogue: the glossary of docs/language.md, enforced.

Each rule is a whole-word, case-aware pattern, so that "eller" or "Pensionärer" do not trip the
rule against "er". A message that breaks a rule fails with its domain, language and msgid.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from werkzeug.datastructures import MultiDict

from meetings import create_app
from meetings.plugins import translation_catalogues
from meetings.testing import find_form

# (pattern, what to write instead). Patterns look at the translation with its %(placeholders)s removed.
# Only "mejl" and "e-postmeddelande" match inside words: they hide in compounds (bekräftelsemejlet).
SWEDISH = [
    (r"(?i)mejl", "e-post (not mejl)"),
    (r"(?i)e-postmeddelande", "e-post, or meddelande (not e-postmeddelande)"),
    (r"(?i)(?<![-\w])e-?mail|\bmail\b", "e-post (not mail or e-mail)"),
    (r"\b(?:[Nn]i|[Ee]r|[Ee]ra|[Ee]rt|[Ee]der)\b", "du, din, ditt, dina (never ni, er, era, ert)"),
    (r"\bVälkomna\b", "Välkommen: the reader is du"),
    (r"https-adress", "webbadressen, som börjar med https://"),
    (r"Google Calendar", "Google Kalender"),
    (r"(?i)\binte ett giltigt val\b", "say what to do, e.g. Välj ett av alternativen i listan."),
    (r"\b[Hh]ar (?:redan |fått )?plats\b", "har en plats"),
    (r"(?i)\bavbok", "avanmäla, avanmäld, avanmälan (a registration); ställa in (a meeting)"),
    (r"(?i)\banmälan (?:är |blev )?inställ", "avanmäld: a registration is not inställd"),
    (r"(?i)\brepresent(?:ant|era)", "företrädare, företräda"),
    (r"(?i)\bvalfritt\b", "frivilligt (for an optional field)"),
    (r"(?i)\bredigera", "ändra"),
    (r"(?i)\bladda ned\b", "ladda ner"),
    (r"(?i)\bkolla\b", "titta i, kontrollera"),
    (r"(?i)\bi kön\b", "på väntelistan"),
    (r"(?i)\bbok(?:a|ad|at|ade|ning\w*)\b", "anmäla, anmälan"),
    (r"(?i)\bbegära?\b", "ansöka om (ersättning)"),
    (r"(?i)\bkategori", "verksamhetsområde (the ICNPO group)"),
    (r"(?i)\borganisatör", "arrangör"),
    (r"(?i)\bsammanträd", "möte"),
    (r"(?i)\bdistans", "digitalt"),
]
ENGLISH = [
    (r"(?i)\bemails?\b", "e-mail"),
    (r"(?i)\blog ?(?:in|out)\b|\blogin\b", "sign in, sign out"),
    (r"(?i)https address", "the web address, which starts with https://"),
    (r"(?i)\bnot a valid choice\b", "say what to do, e.g. Choose one of the options in the list."),
]
# Jargon that may appear only with its plain explanation in the same message.
EXPLAINED = {
    "sv": [("Markdown", "enkel formatering"), ("ICNPO", r"internationell\w* indelning")],
    "en": [("Markdown", "simple formatting"), ("ICNPO", "international classification")],
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalogues():
    app = create_app({"MEETINGS_ENV": "testing", "SECRET_KEY": "test-secret-key-not-for-production"})
    return translation_catalogues(app)


CATALOGUES = {catalogue.domain: catalogue for catalogue in _catalogues()}


def messages(domain: str, locale: str):
    """(msgid, each text of the translation) for every message of the catalogue."""
    path = CATALOGUES[domain].translations / locale / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as po_file:
        catalogue = read_po(po_file, locale=locale)
    for message in catalogue:
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, tuple | list) else (message.string,)
        yield message.id, [PLACEHOLDER.sub("", text or "") for text in texts]


def glossary_problems(domain: str, locale: str) -> list[str]:
    rules = SWEDISH if locale == "sv" else ENGLISH
    problems = []
    for msgid, texts in messages(domain, locale):
        for text in texts:
            for pattern, instead in rules:
                found = re.search(pattern, text)
                if found:
                    problems.append(f"{locale}/{domain} {msgid!r}: “{found.group(0)}” – write {instead}")
            for word, explanation in EXPLAINED[locale]:
                if re.search(rf"\b{word}\b", text) and not re.search(explanation, text, re.IGNORECASE):
                    problems.append(f"{locale}/{domain} {msgid!r}: “{word}” without “{explanation}”")
    return problems


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("domain", sorted(CATALOGUES))
def test_every_message_keeps_to_the_glossary(domain, locale):
    problems = glossary_problems(domain, locale)
    assert not problems, "\n".join(problems)


def test_the_rules_match_whole_words_only():
    innocent = "Pensionärer eller föreningar, generellt: Nils, Erik och Nina på mejeriet, i köket"
    assert [instead for pattern, instead in SWEDISH if re.search(pattern, innocent)] == []
    caught = "Vi meddelar er via bekräftelsemejlet; era svar"
    assert len([instead for pattern, instead in SWEDISH if re.search(pattern, caught)]) == 2


def test_a_cancelled_registration_is_avanmald_and_a_cancelled_meeting_installt():
    swedish = {msgid: texts for msgid, texts in messages("meetings", "sv")}
    assert swedish["Registration cancelled"] == ["Avanmäld"]
    assert swedish["Cancelled"] == ["Inställt"]  # the meeting's status


def test_a_choice_the_form_does_not_offer_is_answered_in_plain_swedish(client):
    """WTForms' own message ("Inte ett giltigt val") is replaced by one that says what to do, as
    when a page opened long ago, or a tampered request, sends a choice the form no longer offers."""
    page = client.get("/organisations/new", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    form = find_form(page, "/organisations/new")
    # submit_form refuses a choice the page does not offer, as a browser would: the page's own fields
    # are sent by hand with one value changed.
    sent = [(name, "galaxy" if name == "level" else value) for name, value in form.fields()]
    assert ("level", "galaxy") in sent
    response = client.post("/organisations/new", data=MultiDict(sent), headers={"Accept-Language": "sv"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Välj ett av alternativen i listan." in html
    assert "giltigt val" not in html


def test_the_calendar_instructions_say_google_kalender_in_swedish(client):
    html = client.get("/calendar", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Google Kalender" in html and "Google Calendar" not in html
    english = client.get("/calendar", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Google Calendar" in english
