"""Bad input never causes a server error: every route and every form, with the classes of bad values
an attacker (or a paste from Word) sends. Runs on SQLite, and on PostgreSQL when the suite does.

The site is the demo's data with a registration, an invitation and an agenda item, so that every
route has something real to show; an administrator (who sees every form) and a visitor try it.
Each form is taken from its rendered page and posted as a browser would, with one field at a time
replaced by a bad value; then once more as JSON and once with a file in place of a field."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from meetings.demo_data import load_demo_data
from meetings.domain.invitations import invitation_token, invite_emails
from meetings.domain.registration import register
from meetings.extensions import db
from meetings.models import (
    AgendaItem,
    Attendance,
    Forum,
    Invitation,
    Meeting,
    MeetingStatus,
    Membership,
    Organisation,
    OutboxMessage,
    ParticipationMode,
    Person,
)
from meetings.testing import page_forms

# Longer than any column and than the longest LIKE pattern SQLite takes (50,000 bytes).
LONG = "Föreningen " * 6_000
TEXT_VALUES = ["a\x00b", "Word\x0bpaste\ufffe", "line\r\nbreak\u2028", LONG]
NUMBER_VALUES = ["2147483648", "-99999999999999999999", "", "٣"]
DATE_VALUES = ["0001-01-01T00:00", "9999-12-31T23:59", "", "2026-02-30T10:00"]
PATH_NUMBERS = ["2147483648", "99999999999999999999999"]  # past PostgreSQL's integer, and SQLite's
QUERY_NAMES = ["q", "page", "area", "municipality", "lang", "next"]  # besides the fields of GET forms
QUERY_VALUES = ["a\x00b", "\r\n", "x" * 300_000, "2147483648"]
# Forms whose successful submission ends the session under test; they are still tried as JSON and files.
NOT_FUZZED = {"/account/delete", "/sign-out", "/account/sign-out-everywhere"}


@pytest.fixture
def site(app):
    app.config.update(DEMO_MODE=False, PROPAGATE_EXCEPTIONS=False)  # a 500 is counted, not raised
    with app.app_context():
        load_demo_data()
        admin = Person(email="fuzz-admin@example.org", name="Fuzz Admin", is_admin=True, locale="sv")
        db.session.add(admin)
        db.session.commit()
        meeting = db.session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.PUBLISHED)
                                     .order_by(Meeting.starts_at.desc())).first()
        registered = register(meeting, admin, ParticipationMode.ON_SITE, dietary_needs="Vegan\x0bglutenfri\x01")
        invite_emails(meeting, ["guest@example.org"], by=admin)
        invitation = db.session.scalar(select(Invitation).where(Invitation.email == "guest@example.org"))
        item = AgendaItem(meeting=meeting, title="Välkommen", position=1) if hasattr(AgendaItem, "position") \
            else AgendaItem(meeting=meeting, title="Välkommen")
        db.session.add(item)
        db.session.commit()
        organisation = db.session.scalar(select(Organisation).order_by(Organisation.id))
        values = {
            "meeting_id": meeting.id, "forum_id": meeting.forum_id, "slug": meeting.forum.slug,
            "organisation_id": organisation.id, "member_id": organisation.id,
            "registration_id": registered.registration.id, "code": registered.registration.code,
            "item_id": item.id, "session_id": 1, "invitation_id": invitation.id,
            "membership_id": db.session.scalar(select(Membership.id)),
            "attendance_id": db.session.scalar(select(Attendance.id)) or 1,
            "message_id": db.session.scalar(select(OutboxMessage.id)) or 1,
            "person_id": admin.id, "fmt": "xlsx", "answer": "confirm",
        }
        tokens = {"manage": registered.manage_token, "invitation": invitation_token(invitation)}
        assert db.session.scalar(select(Forum.id)) is not None
        return {"admin": admin.id, "values": values, "tokens": tokens}


def route_urls(app, site) -> list[str]:
    """Every GET route with real values, and with numbers beyond any column in its number parts."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = dict(site["values"])
        token = site["tokens"]["invitation" if rule.endpoint.startswith("invitations") else "manage"]
        values["token"] = token
        try:
            urls.append(_build(rule, values))
        except KeyError:
            continue
        for name, converter in rule._converters.items():
            if type(converter).__name__.lower().startswith(("integer", "number", "bounded")):
                for number in PATH_NUMBERS:
                    urls.append(_build(rule, {**values, name: number}))
            else:
                urls.append(_build(rule, {**values, name: "a%00b"}))
    return urls


def _build(rule, values) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", str(values[name]))
        for converter in ("int", "any(confirm, decline)", "path", "string"):
            path = path.replace(f"<{converter}:{name}>", str(values[name]))
    if "<" in path:
        raise KeyError(path)
    return path


def changed(form, values: dict) -> MultiDict:
    """What the form sends with ``values`` in place of what the page had: any value, even one its
    choices do not offer (the point of fuzzing), but only in fields the form has."""
    assert set(values) <= form.names(), sorted(set(values) - form.names())
    data = MultiDict(form.fields())
    for name, value in values.items():
        data.setlist(name, [value])
    return data


def fuzz_site(client, app, site, sign_in, seen: set) -> list[str]:
    """Returns the requests answered with a server error; ``seen`` holds the forms already tried."""
    failures: list[str] = []

    def check(response, what):
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {what}")
            if len(failures) == 1:
                print(response.get_data(as_text=True)[-3000:])
        return response

    pages: dict[str, str] = {}
    plain_urls = {rule.rule for rule in app.url_map.iter_rules() if not rule.arguments}
    for url in route_urls(app, site):
        bad_address = any(number in url for number in PATH_NUMBERS) or "%00" in url
        if bad_address and ("GET", url) in seen:
            continue  # an address no route matches answers the same to everyone
        seen.add(("GET", url))
        sign_in()
        response = check(client.get(url), f"GET {url[:120]}")
        if response.status_code == 200 and response.mimetype == "text/html":
            pages[url] = response.get_data(as_text=True)
        if url in plain_urls and ("query", url) not in seen:
            seen.add(("query", url))
            for name in QUERY_NAMES:
                for value in QUERY_VALUES:
                    check(client.get(f"{url}?{name}={quote(value)}"), f"GET {url}?{name}={value[:20]!r}")

    for url, html in pages.items():
        for form in page_forms(html):
            if form.method == "get" and (form.action or url) not in seen:
                seen.add(form.action or url)
                for name in form.field_names():
                    for value in QUERY_VALUES:
                        check(client.get(form.action or url, query_string=changed(form, {name: value})),
                              f"GET {form.action or url}?{name}={value[:20]!r}")
            if form.method != "post":
                continue
            action = form.action or url
            key = (action.split("?")[0], tuple(form.field_names()))
            if key in seen:
                continue
            seen.add(key)
            sign_in()
            check(client.post(action, data=json.dumps(dict(form.fields())), content_type="application/json"),
                  f"POST {action} as JSON")
            names = [n for n in form.field_names() if n != "csrf_token"]
            if names:
                sign_in()
                data = changed(form, {names[0]: (io.BytesIO(b"%PDF-1.4 not a field"), "paper.pdf")})
                check(client.post(action, data=data, content_type="multipart/form-data"),
                      f"POST {action} with a file as {names[0]}")
            if action.split("?")[0] in NOT_FUZZED:
                continue
            for name in names:
                kind = form.kind(name)
                if kind in ("number", "select", "radio", "checkbox", "hidden") or name.endswith("_id"):
                    bad_values = NUMBER_VALUES + TEXT_VALUES[:1]
                elif kind in ("datetime-local", "date", "time"):
                    bad_values = DATE_VALUES
                else:
                    bad_values = TEXT_VALUES
                for value in bad_values:
                    sign_in()
                    check(client.post(action, data=changed(form, {name: value})),
                          f"POST {action} {name}={value[:20]!r}")
    return failures


def test_no_route_or_form_answers_with_a_server_error(app, site):
    client = app.test_client()

    def as_admin():
        with client.session_transaction() as session:
            session["person_id"] = site["admin"]

    tried: set = set()
    failures = fuzz_site(client, app, site, as_admin, tried)
    visitor = app.test_client()  # every route again, and the forms only a visitor sees
    failures += fuzz_site(visitor, app, site, lambda: None, tried)
    assert not failures, f"{len(failures)} server errors, for example:\n" + "\n".join(
        sorted({failure[:110] for failure in failures})[:60])


MARKUP = '<img src=x onerror="pwn()">'


def test_what_users_type_is_never_shown_as_html(app, site):
    """Every text field of every form, and every search, gets HTML; no page shows it as HTML."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["person_id"] = site["admin"]
    shown_raw = []
    seen = set()
    for url in route_urls(app, site):
        if any(number in url for number in PATH_NUMBERS) or "%00" in url:
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for form in page_forms(response.get_data(as_text=True)):
            action = form.action or url
            key = (action, tuple(form.field_names()))
            if key in seen or action in NOT_FUZZED:
                continue
            seen.add(key)
            text_fields = {name: MARKUP for name in form.field_names()
                           if form.kind(name) in ("text", "textarea", "search", "email", "url")}
            if not text_fields:
                continue
            data = changed(form, text_fields)
            answer = (client.get(action, query_string=data) if form.method == "get"
                      else client.post(action, data=data, follow_redirects=True))
            if MARKUP in answer.get_data(as_text=True):
                shown_raw.append(f"{form.method.upper()} {action}")
    assert shown_raw == []
