"""Shared helpers for the project's tests; the fixtures themselves come from meetings.testing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from meetings.testing import make_organisation, make_person, sign_in


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@dataclass
class HtmlForm:
    """A form as a browser sees it: what it sends as it stands, and what a user could change."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radios, checkboxes, selects: offered values
    editable: set[str] = field(default_factory=set)  # text inputs and textareas
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = HtmlForm(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                if kind == "submit":
                    form.buttons.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                form.choices.setdefault(name, []).append(value)
                if "checked" in a:
                    form.fields.append((name, value))
            elif kind != "file":
                form.fields.append((name, a.get("value", "")))
                if kind != "hidden":
                    form.editable.add(name)
        elif tag == "button" and name and (a.get("type") or "submit").lower() == "submit":
            form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in a), []
        elif tag == "option" and self._select:
            self._option, self._text = a, []
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._option is not None or self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value = self._option.get("value", "".join(self._text).strip())
            self._options.append((value, "selected" in self._option))
            self._option = None
        elif tag == "select" and self._select and self._form is not None:
            name, multiple = self._select
            self._form.choices[name] = [value for value, _ in self._options]
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._text).replace("\r\n", "\n")  # browsers drop a textarea's first newline
            self._form.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._form.editable.add(self._textarea)
            self._textarea = None
        elif tag == "form":
            self._form = None


def html_forms(html: str) -> list[HtmlForm]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def submit_form(client, page_url: str, *, action: str | None = None, button: str | None = None,
                follow_redirects: bool = False, environ_base: dict | None = None, **changes):
    """Open ``page_url`` and send one of its forms as a browser would, after the user's ``changes``.

    The form is the one whose action contains ``action``, else the one with the submit button
    ``button``, else the first POST form without an action or posting to the page itself. A change
    may only touch a field the form has: text is typed into a text field or textarea, a radio or
    option is chosen among those offered, a checkbox is ticked with True and cleared with False.
    ``button`` names the submit button pressed; ``environ_base`` sets the request's environment
    (``REMOTE_ADDR`` for another visitor).
    """
    environ_base = environ_base or {}
    page = client.get(page_url, environ_base=environ_base)
    assert page.status_code == 200, f"{page_url} answered {page.status_code}"
    forms = [f for f in html_forms(page.get_data(as_text=True)) if f.method == "post"]
    path = urlsplit(page_url).path
    if action is None and button is not None:
        form = next((f for f in forms if any(name == button for name, _ in f.buttons)), None)
    elif action is None:
        form = next((f for f in forms if f.action in ("", page_url, path)), None)
    else:
        form = next((f for f in forms if action in f.action), None)
    assert form is not None, f"no such form on {page_url}"
    data = MultiDict(form.fields)
    for name, value in changes.items():
        if name in form.editable:
            data.setlist(name, [value])
        elif name in form.choices:
            values = [] if value is False else form.choices[name][:1] if value is True else (
                value if isinstance(value, list) else [value])
            for v in values:
                assert v in form.choices[name], f"{name}={v!r} is not offered; choices: {form.choices[name]}"
            data.setlist(name, values)
        else:
            raise AssertionError(f"the form on {page_url} has no field {name!r}")
    if button is not None:
        assert any(name == button for name, _ in form.buttons), f"no button {button!r}"
        data.add(button, dict(form.buttons)[button])
    return client.post(urljoin(page_url, form.action.split("#")[0]), data=data, follow_redirects=follow_redirects,
                       environ_base=environ_base)


def sign_in_as(client, person_id: int) -> None:
    """Start a session for a person, as following a sign-in link does (meetings.testing.sign_in)."""
    sign_in(client, person_id)


@pytest.fixture
def people(app):
    """An admin, an organiser at the region, and a representative of an association."""
    with app.app_context():
        region = make_organisation("Region Norrbotten", "public_body")
        association = make_organisation("Svenska Röda Korset", "civil_society")
        admin = make_person("admin@example.org", "Ada Admin", is_admin=True)
        organiser = make_person("officer@region.example", "Olle Organisatör", organises_for=region)
        representative = make_person("rep@redcross.example", "Rut Representant", represents=association)
        return {"admin": admin.id, "organiser": organiser.id, "representative": representative.id,
                "region": region.id, "association": association.id}
