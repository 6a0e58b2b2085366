"""A pytest plugin for the project and for authors of third-party plugins.

Installed with the project (entry point ``pytest11``), it offers:

``make_app(plugins=..., **config)``
    builds an app in testing mode with a fresh database. ``plugins`` is a list of plugin
    module objects to register directly, beside the built-in plugins, or use
    ``MEETINGS_PLUGINS=...`` to load by entry point. ``MEETINGS_PLUGINS`` of the environment is
    ignored. A plugin's tests override ``app`` with ``make_app(plugins=[their_plugin])``.
``app``, ``client``
    an app with the built-in plugins, and a test client for it.
``mail_server``
    a real SMTP server (aiosmtpd) on a free loopback port; the app's MAIL_* settings point to it.
``send_mail``
    runs the outbox job once and returns the messages the SMTP server received.

The database is SQLite in a temporary folder, or PostgreSQL when ``MEETINGS_TEST_DATABASE_URL``
is set (for example ``postgresql://127.0.0.1:5432/test``); PostgreSQL tables are emptied after
each test.

Functions for a test's data and requests (see docs/writing-plugins.md, "Testing a plugin"):
``make_organisation``, ``make_person``, ``make_forum``, ``make_meeting``, ``make_registration``,
``make_attendance`` build what a test needs through the core's own rules; ``sign_in`` starts a
session in a test client; ``submit_form`` fills in and sends a page's form as a browser does;
``page_forms``, ``find_form`` and ``send_form`` read a page's forms and send one already in hand;
``csrf_token`` reads a page's token for a request made by hand; ``sql_statements`` counts what a
request asks of the database. ``build_test_app`` and ``empty_tables`` serve a module that builds
its data once for all its tests.
"""

from __future__ import annotations

import email
import email.policy
import io
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from werkzeug.datastructures import MultiDict

if TYPE_CHECKING:
    from flask.testing import FlaskClient
    from werkzeug.test import TestResponse

    from .models import Attendance, Forum, Meeting, Organisation, Person, Registration

TEST_DATABASE_ENV = "MEETINGS_TEST_DATABASE_URL"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """In CI a missing component fails the test; on a developer's machine it is skipped."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: nothing may be skipped)")
    pytest.skip(reason)


def database_url_for_tests() -> str | None:
    return os.environ.get(TEST_DATABASE_ENV) or None


def uses_postgres() -> bool:
    url = database_url_for_tests()
    return bool(url and url.startswith("postgresql"))


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(_psycopg_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def _database_for_session() -> Iterator[str | None]:
    url = database_url_for_tests()
    if url and url.startswith("postgresql"):
        try:
            reset_postgres_schema(url)
        except Exception as exc:  # pragma: no cover - depends on the machine
            pytest.exit(f"Cannot reach the test database {url}: {exc}", returncode=3)
    yield url


def _empty_all_tables(app: Flask) -> None:
    from .extensions import db

    with app.app_context():
        tables = [table.name for table in db.metadata.sorted_tables]
        if db.engine.dialect.name == "postgresql":
            existing = set(db.inspect(db.engine).get_table_names())
            names = ", ".join(f'"{t}"' for t in tables if t in existing)
            if names:
                with db.engine.begin() as connection:
                    connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.remove()
        db.engine.dispose()


def build_test_app(database_url: str | None, directory: Any, plugins: list[Any] | None = None,
                   create_schema: bool = True, **config: Any) -> Flask:
    """An app in testing mode on ``database_url`` (the session's test database, see
    ``database_url_for_tests``), or on a new SQLite file in ``directory`` when that is None.

    ``make_app`` builds its apps with this; a test module that builds its data once for all its
    tests (a ``scope="module"`` fixture) calls it directly, and empties the tables at the end.
    """
    from . import create_app
    from .extensions import db

    settings: dict[str, Any] = {
        "MEETINGS_ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url or f"sqlite:///{directory / 'test.sqlite3'}",
        "BASE_URL": "http://localhost",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,  # nothing listens here unless a test starts mail_server
        "RATELIMIT_STORAGE_URI": "memory://",
        "EXTRA_PLUGINS": list(plugins or ()),
    }
    if settings["DATABASE_URL"].startswith("postgresql://"):
        settings["DATABASE_URL"] = _psycopg_url(settings["DATABASE_URL"])
    if "MEETINGS_PLUGINS" not in config:
        # The environment's MEETINGS_PLUGINS is not the test's: the built-in plugins run,
        # except one given in ``plugins`` (registering it twice would stop start-up).
        settings["MEETINGS_PLUGINS"] = _builtin_plugins_except(settings["EXTRA_PLUGINS"])
    settings.update(config)
    app = create_app(settings)
    if create_schema:
        with app.app_context():
            db.create_all()
    return app


def empty_tables(app: Flask) -> None:
    """Empty every table of ``app``'s database (PostgreSQL; a SQLite file is simply left behind)."""
    _empty_all_tables(app)


@pytest.fixture
def make_app(tmp_path, _database_for_session) -> Iterator[Callable[..., Flask]]:
    apps: list[Flask] = []

    def factory(plugins: list[Any] | None = None, create_schema: bool = True, **config: Any) -> Flask:
        app = build_test_app(_database_for_session, tmp_path, plugins, create_schema, **config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        scheduler = app.extensions.get("meetings.scheduler")
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    if apps:
        _empty_all_tables(apps[0])


def _builtin_plugins_except(modules: list[Any]) -> tuple[str, ...]:
    from .plugins import enabled_plugin_names, installed_plugins

    available = installed_plugins()
    given = {getattr(module, "__name__", None) for module in modules}
    return tuple(name for name in enabled_plugin_names(None, available) if available[name].module not in given)


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class MailServer:
    """A real SMTP server on loopback that keeps what it receives."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[EmailMessage] = field(default_factory=list)
    _controller: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.received.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if not self.port:
            self.port = _free_port()
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server(app) -> Iterator[MailServer]:
    """Starts an SMTP server and points ``app`` at it."""
    server = MailServer()
    server.start()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=server.port, MAIL_BACKEND="smtp")
    yield server
    server.stop()


@pytest.fixture
def send_mail(app, mail_server) -> Callable[[], list[EmailMessage]]:
    """Run the outbox job now; returns everything the SMTP server has received so far."""
    from .domain.mail import send_due_mail

    def run() -> list[EmailMessage]:
        with app.app_context():
            send_due_mail()
        return mail_server.received

    return run


def text_part(message: EmailMessage) -> str:
    """The plain-text body of a received e-mail."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


# --- Building a test's data through the core's own rules ------------------------------------------
#
# Each needs an application context (``with app.app_context():``), commits, and returns the
# model object; pass ids (``meeting.id``) from one context to the next.


def make_organisation(name: str = "Svenska Röda Korset", kind: str = "civil_society",
                      **attributes: Any) -> Organisation:
    """An approved organisation in the register; ``kind`` is civil_society, public_body or municipality."""
    from .extensions import db
    from .models import Organisation, OrganisationKind

    organisation = Organisation(name=name, kind=OrganisationKind(kind), **attributes)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_person(email: str = "rut@example.org", name: str = "Rut Representant", *,
                represents: Any = (), organises_for: Any = (), is_admin: bool = False,
                locale: str | None = None) -> Person:
    """A person, with a representative membership of each organisation in ``represents`` and an
    organiser membership of each in ``organises_for`` (one organisation or a list of them)."""
    from .extensions import db
    from .models import Membership, MembershipRole, Person

    person = Person(email=email.lower(), name=name, is_admin=is_admin, locale=locale)
    db.session.add(person)
    for organisations, role in ((represents, MembershipRole.REPRESENTATIVE),
                                (organises_for, MembershipRole.ORGANISER)):
        for organisation in _as_list(organisations):
            db.session.add(Membership(person=person, organisation=organisation, role=role))
    db.session.commit()
    return person


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def make_forum(organiser: Organisation, name: str = "Dialogforum", *, members: Any = (),
               **attributes: Any) -> Forum:
    """A forum run by the public body ``organiser``, with ``members`` (organisations) as members."""
    from .domain.forums import unique_slug
    from .extensions import db
    from .models import Forum, ForumMember

    forum = Forum(name=name, slug=attributes.pop("slug", None) or unique_slug(name), organiser=organiser,
                  **attributes)
    db.session.add(forum)
    for organisation in _as_list(members):
        db.session.add(ForumMember(forum=forum, organisation=organisation))
    db.session.commit()
    return forum


def make_meeting(forum: Forum, title: str = "Vårmöte", *, starts_at: datetime | None = None, hours: float = 3,
                 format: str = "hybrid", status: str = "published", **attributes: Any) -> Meeting:
    """A meeting of ``forum``: published, hybrid (on site and online, with a meeting link), a week
    from now unless ``starts_at`` (an aware datetime) says when, lasting ``hours``."""
    from datetime import timedelta

    from .extensions import db
    from .models import Meeting, MeetingFormat, MeetingStatus, utcnow

    starts_at = starts_at or (utcnow() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    meeting_format = MeetingFormat(format)
    defaults: dict[str, Any] = {}
    if meeting_format != MeetingFormat.DIGITAL:
        defaults.update(venue_name="Kulturens hus", venue_address="Skeppsbrogatan 17, Luleå")
    if meeting_format != MeetingFormat.ON_SITE:
        defaults.update(online_url="https://meet.example.org/varmote")
    status_value = MeetingStatus(status)
    meeting = Meeting(forum=forum, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
                      format=meeting_format, status=status_value,
                      published_at=utcnow() if status_value != MeetingStatus.DRAFT else None,
                      **{**defaults, **attributes})
    db.session.add(meeting)
    db.session.commit()
    return meeting


def make_registration(meeting: Meeting, person: Person, mode: str | None = None, *,
                      organisation: Organisation | None = None, **options: Any) -> Registration:
    """Register ``person`` for ``meeting`` as the registration form does (capacity, waiting list,
    confirmation e-mail, the ``registration_changed`` hook): ``mode`` is on_site or online
    (default: on site when the meeting has a venue). For a meeting that has already started, the
    registration is made as if an hour before the start. Returns the ``Registration``."""
    from datetime import timedelta

    from .domain.attendance import default_mode
    from .domain.registration import register
    from .models import ParticipationMode, utcnow

    now = min(utcnow(), meeting.starts_at - timedelta(hours=1))
    chosen = ParticipationMode(mode) if mode else default_mode(meeting)
    return register(meeting, person, chosen, organisation=organisation, now=now, **options).registration


def make_attendance(registration: Registration | None = None, *, meeting: Meeting | None = None,
                    walk_in: str | None = None, organisation: Organisation | str | None = None,
                    mode: str | None = None, by: Person | None = None) -> Attendance:
    """Record someone present as the check-in list does (the ``attendance_recorded`` hook runs):
    a ``registration`` (in its own mode unless ``mode`` says otherwise), or a walk-in named
    ``walk_in`` at ``meeting`` for ``organisation`` (one from the register, or a name). Returns the
    ``Attendance``."""
    from .domain.attendance import add_walk_in, check_in
    from .models import ParticipationMode

    chosen = ParticipationMode(mode) if mode else None
    if registration is not None:
        return check_in(registration, chosen or registration.mode, by=by).attendance
    if meeting is None or not walk_in:
        raise TypeError("make_attendance needs a registration, or a meeting and a walk_in name")
    return add_walk_in(meeting, walk_in, organisation, mode=chosen, by=by).attendance


# --- Requests as a person would make them ------------------------------------------------------------


@contextmanager
def sql_statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements ``app`` sends to its database while the block runs, in order: a test
    that a page costs no more statements as the data grows (no query per row) counts them."""
    from sqlalchemy import event

    from .extensions import db

    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def note(connection, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def sign_in(client: FlaskClient, person: Person | int) -> None:
    """Sign ``person`` (a ``Person`` or its id) in for the requests of the test ``client``, as
    following a sign-in link does."""
    from .auth import SESSION_PERSON_KEY

    if isinstance(person, int):
        person_id = person
    else:  # the id, even of a Person from an application context that has ended
        from sqlalchemy import inspect

        person_id = inspect(person).identity[0]
    with client.session_transaction() as session:
        session[SESSION_PERSON_KEY] = person_id


class FormError(AssertionError):
    """The page has no such form, or the test tried to send what the form cannot send."""


@dataclass
class _Control:
    name: str
    kind: str  # text, hidden, checkbox, radio, submit, select, textarea, …
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # select: (value, selected)
    multiple: bool = False


@dataclass
class PageForm:
    """A form as rendered: where it goes and the controls it has."""

    action: str
    method: str
    attributes: dict[str, str]
    controls: list[_Control] = field(default_factory=list)

    def names(self) -> set[str]:
        return {control.name for control in self.controls if control.name}

    def field_names(self) -> list[str]:
        """The names of the form's fields in page order, once each, without its submit buttons."""
        return list(dict.fromkeys(c.name for c in self.controls if c.name and c.kind not in ("submit", "image")))

    def buttons(self) -> list[str]:
        """The names of the form's submit buttons, in page order."""
        return [c.name for c in self.controls if c.name and c.kind in ("submit", "image")]

    def kind(self, name: str) -> str:
        """The kind of the field ``name``: its input type (text, hidden, checkbox, …), select or textarea."""
        for control in self.controls:
            if control.name == name:
                return control.kind
        raise FormError(f"the form has no field {name!r}; its fields are {sorted(self.names())}")

    def fields(self, button: str | None = None) -> list[tuple[str, str]]:
        """What a browser sends when ``button`` (a submit button's name; default the first) is pressed."""
        sent: list[tuple[str, str]] = []
        buttons = [c for c in self.controls if c.kind in ("submit", "image")]
        if button is not None and button not in {c.name for c in buttons if c.name}:
            raise FormError(f"the form has no submit button named {button!r}; it has "
                            f"{sorted(c.name for c in buttons if c.name)}")
        pressed = next((c for c in buttons if c.name == button), None) if button else \
            (buttons[0] if buttons else None)
        for control in self.controls:
            if control.kind in ("submit", "image", "button", "reset", "file"):
                if control is pressed and control.name:  # a button without a name sends nothing
                    sent.append((control.name, control.value))
            elif control.kind in ("checkbox", "radio"):
                if control.checked:
                    sent.append((control.name, control.value or "on"))
            elif control.kind == "select":
                chosen = [value for value, selected in control.options if selected]
                if not chosen and control.options and not control.multiple:
                    chosen = [control.options[0][0]]
                sent.extend((control.name, value) for value in chosen)
            else:
                sent.append((control.name, control.value))
        return sent

    def allowed_values(self, name: str) -> set[str] | None:
        """The values a browser can send for ``name``, or None when it can be any text."""
        controls = [c for c in self.controls if c.name == name]
        if any(c.kind not in ("checkbox", "radio", "select") for c in controls):
            return None
        values: set[str] = set()
        for control in controls:
            if control.kind == "select":
                values.update(value for value, _selected in control.options)
            else:
                values.add(control.value or "on")
        return values

    def filled_in(self, values: dict[str, Any], button: str | None = None) -> list[tuple[str, str]]:
        """The fields sent with ``values`` changed: a str (or a list of them for several boxes or a
        multiple choice) replaces what the page had, True ticks a box, None or False leaves the
        field out (an unticked box).
        A name the form does not have, or a value its choices do not offer, raises FormError."""
        unknown = sorted(set(values) - self.names())
        if unknown:
            raise FormError(f"the form has no field {', '.join(map(repr, unknown))}; "
                            f"its fields are {sorted(self.names())}")
        sent = [(name, value) for name, value in self.fields(button) if name not in values]
        for name, value in values.items():
            if any(c.name == name and c.kind == "file" for c in self.controls):
                # A file: (content as bytes, file name), sent only by a form that can send files.
                if self.attributes.get("enctype", "").lower() != "multipart/form-data":
                    raise FormError(f"the form cannot send the file {name!r}: it is not multipart/form-data")
                content, filename = value
                sent.append((name, (io.BytesIO(content), filename)))  # type: ignore[arg-type]
                continue
            if value is True:  # tick the box(es) of this name
                value = [c.value or "on" for c in self.controls if c.name == name and c.kind == "checkbox"]
            if value is None or value is False:
                given = []
            elif isinstance(value, list | tuple):
                given = [str(v) for v in value]
            else:
                given = [str(value)]
            allowed = self.allowed_values(name)
            if allowed is not None and not set(given) <= allowed:
                raise FormError(f"the form cannot send {name}={given!r}; its choices are {sorted(allowed)}")
            sent.extend((name, v) for v in given)
        return sent


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: _Control | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: _Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = PageForm(action=a.get("action", ""), method=a.get("method", "get").lower(), attributes=a)
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        if tag == "input" and (a.get("name") or a.get("type", "").lower() in ("submit", "image")):
            kind = a.get("type", "text").lower()
            self._form.controls.append(_Control(a.get("name", ""), kind, a.get("value", ""), "checked" in a))
        elif tag == "button" and a.get("name") is not None and a.get("type", "submit").lower() == "submit":
            self._form.controls.append(_Control(a["name"], "submit", a.get("value", "")))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._form.controls.append(_Control("", "submit"))
        elif tag == "select" and a.get("name"):
            self._select = _Control(a["name"], "select", multiple="multiple" in a)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = (a.get("value"), "selected" in a), ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = _Control(a["name"], "textarea")
            self._form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "option":
            self._close_option()
        elif tag == "textarea" and self._textarea is not None:
            # A browser reads a line break (CR LF, or CR) as LF, and drops the one that directly
            # follows <textarea> (WTForms writes "\r\n" there).
            text = self._textarea.value.replace("\r\n", "\n").replace("\r", "\n")
            self._textarea.value = text.removeprefix("\n")
            self._textarea = None

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value, selected = self._option
            self._select.options.append((value if value is not None else self._option_text.strip(), selected))
        self._option = None


def page_forms(html: str) -> list[PageForm]:
    """The forms of a page, in their order."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


# Forms of the layout that every page has: the language switcher and signing out.
_LAYOUT_FORMS = ("/language", "/sign-out")


def _target(form: PageForm, page: str) -> str:
    """Where the form sends to: its action without a #fragment, or the page itself."""
    return form.action.split("#")[0] or page


def find_form(html: str, page: str = "", *, action: str | None = None, form_id: str | None = None,
              button: str | None = None) -> PageForm:
    """The one form of ``html`` (the page at ``page``) that ``submit_form`` would send.

    That is the page's only form besides the layout's language switcher and sign-out, or the
    one whose ``action`` (without a #fragment; a form without an action sends to ``page``) or
    ``id`` is given; of several, the one with the submit button ``button``. None or several
    raise FormError."""
    forms = page_forms(html)
    if form_id is not None:
        candidates = [f for f in forms if f.attributes.get("id") == form_id]
    elif action is not None:
        candidates = [f for f in forms if _target(f, page) == action]
    else:
        candidates = [f for f in forms if not f.action.endswith(_LAYOUT_FORMS)]
    if len(candidates) > 1 and button is not None:
        candidates = [f for f in candidates if button in f.buttons()]
    if len(candidates) != 1:
        found = [f.attributes.get("id") or f.action or page for f in forms]
        raise FormError(f"{len(candidates)} forms on {page} match (action={action!r}, form_id={form_id!r}, "
                        f"button={button!r}); the page's forms: {found}")
    return candidates[0]


def csrf_token(html: str) -> str:
    """The CSRF token of a page (a page with a form that needs one; a signed-in person's every page
    has one, in the layout's sign-out form), for a test that sends a request by hand: one no form of
    the page offers, to check that it is refused."""
    for form in page_forms(html):
        for name, value in form.fields():
            if name == "csrf_token":
                return value
    raise FormError("the page has no CSRF token")


def submit_form(client: FlaskClient, page: str, values: dict[str, Any] | None = None, *,
                action: str | None = None, form_id: str | None = None, button: str | None = None,
                follow_redirects: bool = False, headers: dict[str, str] | None = None,
                environ_base: dict[str, Any] | None = None) -> TestResponse:
    """Open ``page`` with the test ``client``, fill in one of its forms and send it as a browser does.

    The form is the page's only one (besides the layout's language switcher and sign-out), or
    the one whose ``action`` or ``id`` is given, or of several the one with the button ``button``
    (see ``find_form``). Sent are the fields the page rendered: hidden
    inputs (the CSRF token among them), text and text areas, ticked boxes and radios, selected
    options, and the pressed submit button (``button``, by name; default the first). ``values``
    change fields the form has (a file input takes ``(content_bytes, filename)``, for a form with
    ``enctype="multipart/form-data"``); a name it does not have, or a choice it does not offer, raises
    FormError, because no browser could send it. ``headers`` and ``environ_base`` (for example
    ``{"REMOTE_ADDR": …}``) go with both requests. Returns the response to the form's request.
    """
    environ_base = environ_base or {}
    opened = client.get(page, headers=headers, environ_base=environ_base)
    if opened.status_code != 200:
        raise FormError(f"GET {page} answered {opened.status_code}, not a page with a form")
    form = find_form(opened.get_data(as_text=True), page, action=action, form_id=form_id, button=button)
    return send_form(client, form, values, page=page, button=button, follow_redirects=follow_redirects,
                     headers=headers, environ_base=environ_base)


def send_form(client: FlaskClient, form: PageForm, values: dict[str, Any] | None = None, *, page: str,
              button: str | None = None, follow_redirects: bool = False, headers: dict[str, str] | None = None,
              environ_base: dict[str, Any] | None = None) -> TestResponse:
    """Send ``form`` (from ``page_forms`` or ``find_form``), found on ``page``, with ``values`` changed,
    as ``submit_form`` does: for a form of a page already in hand, such as the one a refused post
    answered with."""
    sent = form.filled_in(dict(values or {}), button)
    target = _target(form, page)
    environ_base = environ_base or {}
    data = MultiDict(sent)
    if form.method == "post":
        return client.post(target, data=data, follow_redirects=follow_redirects, headers=headers,
                           environ_base=environ_base)
    return client.get(target, query_string=data, follow_redirects=follow_redirects, headers=headers,
                      environ_base=environ_base)
