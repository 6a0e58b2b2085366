"""Every hook a plugin can implement, declared once. Each docstring is that hook's documentation.

A plugin implements hooks with ``meetings.hookimpl``::

    from meetings import hookimpl

    @hookimpl
    def nav_links(person):
        return [NavLink(url_for("hello.index"), "Hello")]

The core calls hooks with keyword arguments; an implementation may accept only the arguments
it needs. Hooks that collect things return a value (or None to add nothing) and the core gathers
the results of all plugins; event hooks return nothing. The core's own organiser pages are
implementations of these hooks too (``meetings/core_hooks.py``, registered as the plugin
``meetings``). ``tests/test_hookspecs.py`` fails when a hook here has no documentation or is
never called by the core.
"""

from __future__ import annotations

import pluggy

PROJECT_NAME = "meetings"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# --- Wiring, called once inside create_app -------------------------------------------------


@hookspec
def register_blueprints(app):
    """Register the plugin's Flask blueprints on ``app``.

    Name the blueprint after the plugin and keep its templates in ``templates/<plugin>/`` so
    that two plugins never collide. Called once per application, after the core's blueprints.
    """


@hookspec
def register_commands(cli):
    """Add ``click`` commands to the ``flask meetings`` command group ``cli``.

    Prefer a sub-group named after the plugin, e.g. ``flask meetings ical …``.
    """


@hookspec
def register_jobs(scheduler, app):
    """Add background jobs to the APScheduler ``scheduler``.

    Jobs run in the worker (``flask meetings worker``), never once per web process. ``app`` is
    the application: wrap the job body in ``with app.app_context():``. Jobs must be idempotent: they may run again after
    a restart and two workers may run at once, so a job sweeps the database for work that is
    due and claims each item before acting on it. A run that comes late (a busy machine) still
    runs, and runs missed meanwhile are done once (the scheduler's defaults: no misfire limit,
    coalesce), unless the job says otherwise.
    """


@hookspec
def translation_domains():
    """Return a list of ``flask_babel.Domain`` objects the plugin translates through.

    This tells tools where a plugin's catalogues are: ``make translations``
    (``scripts/update_catalogues.py``) extracts the messages of the plugin's package into each
    domain's first translation directory and compiles them, and ``tests/test_translations.py``
    fails on a message of the plugin without a Swedish or English translation, as for the core.
    The translating itself is the plugin's: it calls its own domain's ``gettext`` (and renders its
    templates with ``meetings.plugins.render_plugin_template``), so that equal message ids of two
    plugins never override each other.
    """


@hookspec
def plugin_settings():
    """Return a list of ``meetings.plugins.Setting`` the plugin reads from the environment.

    ``Setting(name, type=str, default=None, help="", choices=())``: ``type`` is ``str``, ``int`` or
    ``bool``, ``choices`` limits a ``str`` setting to the values given. Each name starts with the
    plugin's name in capitals and an underscore (``HELLO_GREETING`` for the plugin ``hello``);
    another name stops start-up. The core reads and checks the values at start-up exactly as its
    own settings: a value it cannot use stops start-up with
    ``Configuration error in HELLO_TIMES: expected a whole number, got 'x'``. The values are in
    ``current_app.config["HELLO_GREETING"]`` (parsed: an ``int``, a ``bool``, …), settings given to
    ``create_app`` override the environment, and ``flask meetings plugins --settings`` lists them.
    """


@hookspec
def migration_directories():
    """Return a list of directories holding the plugin's Alembic revisions, or None.

    A plugin's tables are named ``<plugin>_…`` and live in the plugin's own Alembic branch
    (``branch_labels = ("<plugin>",)``, ``depends_on`` a core revision). The core adds these
    directories to Alembic's ``version_locations`` for ``flask db …``, so
    ``flask meetings upgrade`` creates the tables of every enabled plugin and of no other. A
    disabled plugin's revision left in the database is set aside during an upgrade, so turning a
    plugin off never blocks one; see "Tables and migrations" in ``docs/writing-plugins.md``.
    """


# --- Pages -----------------------------------------------------------------------------------


@hookspec
def nav_links(person):
    """Return a list of ``meetings.plugins.NavLink`` to show in the main navigation.

    ``person`` is the signed-in ``Person`` or None. Return only links this person may follow.
    Links are shown in the order of ``MEETINGS_PLUGINS``.
    """


@hookspec
def meeting_panels(meeting, person):
    """Return a list of ``meetings.plugins.Panel`` (a heading and safe HTML) for a meeting's page.

    ``meeting`` is the ``Meeting`` shown and ``person`` the signed-in ``Person`` or None; the
    panel must show nothing the person may not see. Render the panel with
    ``meetings.plugins.render_plugin_template(domain, "<plugin>/panel.html", …)``: it returns safe
    HTML, and ``_`` in the template translates through the plugin's own Babel ``domain``.
    Panels are shown by ``Panel.order`` (the core's own use 0–99, a panel's default is 100), then
    in the order of ``MEETINGS_PLUGINS``.
    """


@hookspec
def meeting_admin_links(meeting, person):
    """Return a list of ``meetings.plugins.NavLink`` for the organiser's area of ``meeting``.

    The area's links are shown on the meeting's page and on its organiser pages (check-in,
    participant lists, …) to a ``person`` who manages the meeting's forum; return only links this
    person may follow. The core's own pages come through this hook too, with ``NavLink.order``
    10–70 (edit 10, agenda 20, invitations 30, programme 40, check-in 50, participant lists 60,
    sign-in sheet 70); a plugin's link has order 100 unless it says otherwise. Links are shown by
    order, then in the order of ``MEETINGS_PLUGINS``. A plugin's own page in the area shows them
    with ``{% include "_meeting_admin_nav.html" %}`` (``meeting`` in the context), which marks
    the link of the page shown ``aria-current="page"``.
    """


@hookspec
def forum_panels(forum, person):
    """Return a list of ``meetings.plugins.Panel`` for a forum's page.

    ``forum`` is the ``Forum`` shown and ``person`` the signed-in ``Person`` or None; show nothing
    the person may not see. Shown after the forum's meetings, by ``Panel.order``, then in the
    order of ``MEETINGS_PLUGINS``, as on a meeting's page.
    """


@hookspec
def meeting_directory_panels(filters, person):
    """Return a list of ``meetings.plugins.Panel`` for the meetings directory (``/meetings``).

    ``filters`` is the ``MeetingFilters`` the visitor chose (see ``meetings.api.meeting_filters``;
    ``filters.query_args(when=False)`` gives them as query-string arguments) and ``person`` the
    signed-in ``Person`` or None. The built-in ``ical`` plugin offers the same meetings as a
    calendar feed here. Shown after the list, ordered as on a meeting's page.
    """


@hookspec
def organisation_panels(organisation, person):
    """Return a list of ``meetings.plugins.Panel`` for an organisation's page in the register.

    ``organisation`` is the ``Organisation`` shown and ``person`` the signed-in ``Person`` or None
    (the page is public: show nothing the person may not see). Ordered as on a meeting's page.
    """


@hookspec
def account_panels(person):
    """Return a list of ``meetings.plugins.Panel`` for the signed-in person's account page.

    ``person`` is the signed-in ``Person`` (the page needs signing in). Ordered as on a meeting's
    page.
    """


@hookspec
def registration_panels(meeting, person):
    """Return a list of ``meetings.plugins.Panel`` for the pages a person sees once registered.

    Those pages are the registration's own page (signed in, or through the e-mailed link), the page
    after registering without an account, and an invitation's page once it is answered yes; the
    built-in ``ical`` plugin offers the meeting for a calendar there. ``meeting`` is the ``Meeting``
    registered for and ``person`` the registered ``Person``, or None when the page does not know
    who it is. As with ``meeting_panels``, show nothing the person may not see.
    """


@hookspec
def page_head_links(endpoint, view_args):
    """Return a list of dicts of ``<link>`` attributes for the page's ``<head>``.

    ``endpoint`` is the Flask endpoint of the page (``"meetings.detail"``, None on a "not found"
    page) and ``view_args`` its URL arguments (``{"meeting_id": 7}``). Used for example to
    advertise a calendar feed:
    ``{"rel": "alternate", "type": "text/calendar", "href": …, "title": …}``.
    """


# --- Mail ------------------------------------------------------------------------------------


@hookspec
def mail_attachments(kind, meeting, recipient):
    """Return a list of attachments for an e-mail about to be queued, or None.

    ``kind`` names the e-mail (``"invitation"``, ``"registration_confirmed"``, …), ``meeting`` is
    the ``Meeting`` it concerns (or None) and ``recipient`` the address. An attachment is a dict
    ``{"filename": str, "content_type": str, "content": str}``; for calendar invitations use
    ``content_type="text/calendar; method=REQUEST"``. Binary content (an image) is given as base64
    text with ``"encoding": "base64"``; adding ``"content_id": "<name@host>"`` makes it an inline
    part that the HTML body shows with ``<img src="cid:name@host">``.
    """


# --- Domain events: called after the change is flushed, inside its transaction -------------
#
# An implementation that raises rolls the change back. Send mail by queuing it in the outbox
# (meetings.api.queue_mail) so it is committed together with the change.


@hookspec
def meeting_changed(meeting, changes):
    """``meeting`` was created, published or edited.

    ``changes`` is a dict of attribute name to ``(old, new)``; a new meeting has every attribute
    with ``old`` None.
    """


@hookspec
def meeting_cancelled(meeting):
    """``meeting`` was cancelled."""


@hookspec
def registration_changed(registration, previous_status):
    """``registration`` was created, confirmed, moved to or from the waiting list, or cancelled.

    ``previous_status`` is its status before the change, or None for a new registration.
    """


@hookspec
def attendance_recorded(attendance):
    """``attendance`` records that someone was present at a meeting, on site or online."""


@hookspec
def attendance_removed(attendance):
    """A check-in was undone: ``attendance`` is about to be deleted.

    Called inside the transaction, before the row is deleted, so ``attendance`` (its meeting,
    registration, person and mode) can still be read; undo here what ``attendance_recorded`` did.
    """


# --- Personal data (GDPR) ------------------------------------------------------------------


@hookspec
def person_data(person):
    """Return a dict of what the plugin holds about ``person``, for their data export.

    Keys are section names; values must be JSON-serialisable. Return None if the plugin holds
    nothing about the person. The export shows the sections under the plugin's name
    (``{"plugins": {"<plugin>": {…}}}``), so a plugin's section never replaces one of the core's
    or another plugin's.
    """


@hookspec
def erase_person(person):
    """Erase or anonymise what the plugin holds about ``person``.

    Called inside the erasure transaction, before the person row is removed. Keep what the law
    requires (for example approved payments) but strip it of the person's identity.
    """


@hookspec
def privacy_notice(locale):
    """Return a list of ``meetings.plugins.Panel`` for the privacy notice (``/privacy``), or None.

    Each panel is a section of the notice about what the plugin keeps: what, why, for how long and
    who sees it, in plain words. ``locale`` is the language of the page (``"sv"`` or ``"en"``); the
    request is already in it, so the plugin's ``_`` translates as usual. The core shows the sections
    after its own, under their headings (``<h2>``; start the ``html`` with paragraphs or ``<h3>``),
    by ``Panel.order`` and then in the order of ``MEETINGS_PLUGINS``.
    """


# --- Demo ------------------------------------------------------------------------------------


@hookspec
def demo_data(app):
    """Add the plugin's example data to the demo database (``flask meetings demo``).

    Called by the demo command inside ``app``'s application context, after the core's demo data
    (organisations, people, forums and meetings) is loaded, so the plugin can build on it. Like the
    core's, it inserts only what is missing, so that running the command again changes nothing,
    and commits. Return a dict of what to count (``{"minutes": 3}``) for the command's summary, or
    None.
    """


# --- Reports --------------------------------------------------------------------------------


@hookspec
def followup_sections(year, forum_ids):
    """Return a list of ``meetings.plugins.ReportSection`` for the yearly follow-up report.

    The agreement between region, county board and civil society is followed up every year;
    each plugin contributes what it knows (compensation paid, minutes kept, …) for the calendar
    ``year``. ``forum_ids`` limits the report to those forums (an organiser's report of their own
    forums), or is None for every forum. A section holds aggregate figures only, never a person:
    ``figures`` maps a label to a number, in the order the report shows them; the report sets
    each figure beside last year's by calling the hook for ``year - 1`` too, and pairs the two
    years' sections by ``heading`` (keep headings the same from year to year; a label missing
    last year is shown as "–"). ``html`` is ``markupsafe.Markup``, shown as it is on the page and
    in the PDF for the committee; ``figures`` also go into the XLSX and CSV files. The public
    summary does not show plugin sections. A plugin that raises is logged and its section is
    replaced by a short note; the rest of the report is made as usual.
    """
