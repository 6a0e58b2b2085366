"""Attendance: the check-in list, codes and QR codes, walk-ins, confirming online, the organisers'
lists and downloads, the sign-in sheet, who may see them, and the QR code in the e-mail."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import segno
from openpyxl import load_workbook
from sqlalchemy import func, select

from meetings import hookimpl
from meetings.domain.attendance import (
    CheckInProblem,
    CheckInRefused,
    add_walk_in,
    check_in,
    check_in_by_code,
    self_confirm_online,
)
from meetings.domain.registration import cancel, register
from meetings.extensions import db
from meetings.models import (
    Attendance,
    CheckInMethod,
    Forum,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    utcnow,
)
from meetings.testing import csrf_token, html_part, sign_in, text_part

ON_SITE, ONLINE = ParticipationMode.ON_SITE, ParticipationMode.ONLINE
MANAGE_LINK = re.compile(r"http://localhost/registrations/([A-Za-z0-9_\-]+)")


@pytest.fixture
def client(app):
    """A browser that asks for English (the people here have not chosen a language)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- Data ------------------------------------------------------------------------------------


def make_meeting(app, organiser_id: int, meeting_format=MeetingFormat.HYBRID, capacity=None, **fields) -> int:
    """A published meeting in a forum of the organisation ``organiser_id``, a week from now."""
    with app.app_context():
        forum = Forum(slug=f"forum-{utcnow().timestamp()}", name="Länspartnerskapet",
                      organiser=db.session.get(Organisation, organiser_id))
        start = utcnow() + timedelta(days=7)
        meeting = Meeting(forum=forum, title="Dialogmöte i Luleå", starts_at=start, ends_at=start + timedelta(hours=3),
                          format=meeting_format, venue_name="Kulturens hus", capacity=capacity,
                          online_url=None if meeting_format == MeetingFormat.ON_SITE else "https://meet.example.org/a",
                          status=MeetingStatus.PUBLISHED, **fields)
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def add_person(app, name: str, email: str, locale: str = "en") -> int:
    with app.app_context():
        person = Person(name=name, email=email, locale=locale)
        db.session.add(person)
        db.session.commit()
        return person.id


def registered(app, meeting_id: int, person_id: int, mode=ON_SITE, notify=False, **kwargs) -> tuple[int, str, str]:
    """Registers; returns (registration id, check-in code, manage token)."""
    with app.app_context():
        result = register(db.session.get(Meeting, meeting_id), db.session.get(Person, person_id), mode,
                          notify=notify, **kwargs)
        return result.registration.id, result.registration.code, result.manage_token


def attendance_rows(app, meeting_id: int) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(Attendance.name, Attendance.mode, Attendance.method, Attendance.registration_id,
                   Attendance.recorded_by_id).where(Attendance.meeting_id == meeting_id).order_by(Attendance.id))]


def move_meeting(app, meeting_id: int, starts_in: timedelta, hours: int = 2) -> None:
    """Put the meeting at another time without the rules (registration is closed once it started)."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.starts_at = utcnow() + starts_in
        meeting.ends_at = meeting.starts_at + timedelta(hours=hours)
        db.session.commit()


@pytest.fixture
def gathering(app, people):
    """A hybrid meeting of the region with two seats on site: Anna and Björn confirmed on site,
    Cecilia online (with needs), David on the waiting list, Erik cancelled."""
    meeting_id = make_meeting(app, people["region"], capacity=2)
    ids = {"meeting": meeting_id}
    ids["anna"] = add_person(app, "Anna Andersson", "anna@example.org")
    ids["bjorn"] = add_person(app, "Björn Berg", "bjorn@example.org")
    ids["cecilia"] = add_person(app, "Cecilia Ek", "cecilia@example.org")
    ids["david"] = add_person(app, "David Dahl", "david@example.org")
    ids["erik"] = add_person(app, "Erik Ström", "erik@example.org")
    with app.app_context():
        db.session.add(Membership(person_id=ids["anna"], organisation_id=people["association"],
                                  role=MembershipRole.REPRESENTATIVE))
        db.session.commit()
    with app.app_context():
        anna = register(db.session.get(Meeting, meeting_id), db.session.get(Person, ids["anna"]), ON_SITE,
                        organisation=db.session.get(Organisation, people["association"]), notify=False,
                        dietary_needs="Vegetarisk", show_name_publicly=True)
        ids["anna_registration"], ids["anna_code"] = anna.registration.id, anna.registration.code
    ids["bjorn_registration"], ids["bjorn_code"], _ = registered(app, meeting_id, ids["bjorn"])
    ids["cecilia_registration"], ids["cecilia_code"], ids["cecilia_token"] = registered(
        app, meeting_id, ids["cecilia"], ONLINE, access_needs="Teckenspråkstolk")
    ids["david_registration"], ids["david_code"], ids["david_token"] = registered(app, meeting_id, ids["david"])
    ids["erik_registration"], _, _ = registered(app, meeting_id, ids["erik"], ONLINE)
    with app.app_context():
        cancel(db.session.get(Registration, ids["erik_registration"]))
        statuses = dict(db.session.execute(select(Registration.id, Registration.status)).all())
    assert statuses[ids["david_registration"]] == RegistrationStatus.WAITING
    return ids


def signed_in_organiser(client, people):
    sign_in(client, people["organiser"])
    return client


def post_form(client, page_url: str, action: str, **data):
    page = client.get(page_url)
    assert page.status_code == 200
    return client.post(action, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})


# --- The check-in list -------------------------------------------------------------------------


def test_the_check_in_list_shows_confirmed_people_and_checks_them_in(client, app, people, gathering):
    meeting_id = gathering["meeting"]
    signed_in_organiser(client, people)
    page = client.get(f"/meetings/{meeting_id}/check-in")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("Anna Andersson", "Björn Berg", "Cecilia Ek"):
        assert name in html
    assert "David Dahl" not in html  # the waiting list is not checked in
    assert "Erik Ström" not in html  # cancelled
    assert "0 of 3 present" in html

    response = post_form(client, f"/meetings/{meeting_id}/check-in",
                         f"/meetings/{meeting_id}/registrations/{gathering['anna_registration']}/check-in",
                         mode="on_site", q="anna")
    assert response.status_code == 302
    anchor = f"#r-{gathering['anna_registration']}"
    assert response.headers["Location"].endswith(f"/meetings/{meeting_id}/check-in?q=anna{anchor}")
    assert attendance_rows(app, meeting_id) == [
        ("Anna Andersson", ON_SITE, CheckInMethod.LIST, gathering["anna_registration"], people["organiser"])]

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anna Andersson is checked in (On site)." in html
    assert "1 of 3 present" in html
    assert "Björn Berg" not in html  # the search is kept after checking in

    # A second tap (or a second organiser) records nothing more.
    post_form(client, f"/meetings/{meeting_id}/check-in",
              f"/meetings/{meeting_id}/registrations/{gathering['anna_registration']}/check-in", mode="online")
    assert len(attendance_rows(app, meeting_id)) == 1
    assert "Anna Andersson was already checked in at" in client.get(f"/meetings/{meeting_id}/check-in").get_data(
        as_text=True)


def test_organisers_checking_in_the_same_person_at_once_make_one_record(app, people, gathering):
    start = threading.Barrier(8)
    results, errors = [], []

    def tap():
        try:
            with app.app_context():
                registration = db.session.get(Registration, gathering["anna_registration"])
                start.wait(timeout=30)
                results.append(check_in(registration, ON_SITE).already)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=tap) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(results) == [False] + [True] * 7
    assert len(attendance_rows(app, gathering["meeting"])) == 1


def test_someone_taking_part_online_is_checked_in_online(client, app, people, gathering):
    meeting_id = gathering["meeting"]
    signed_in_organiser(client, people)
    post_form(client, f"/meetings/{meeting_id}/check-in",
              f"/meetings/{meeting_id}/registrations/{gathering['cecilia_registration']}/check-in", mode="online")
    ((name, mode, method, _, _),) = attendance_rows(app, meeting_id)
    assert (name, mode, method) == ("Cecilia Ek", ONLINE, CheckInMethod.LIST)


def test_the_search_ignores_case_and_finds_organisations_and_codes(client, app, people, gathering):
    meeting_id = gathering["meeting"]
    signed_in_organiser(client, people)

    def names(query):
        html = client.get(f"/meetings/{meeting_id}/check-in", query_string={"q": query}).get_data(as_text=True)
        return [n for n in ("Anna Andersson", "Björn Berg", "Cecilia Ek") if n in html]

    assert names("BJÖRN") == ["Björn Berg"]
    assert names("svenska röda") == ["Anna Andersson"]  # the organisation she registered for
    assert names(gathering["cecilia_code"].lower()) == ["Cecilia Ek"]
    assert names("") == ["Anna Andersson", "Björn Berg", "Cecilia Ek"]
    assert names("nobody") == []


def test_checking_in_can_be_undone(client, app, people, gathering):
    meeting_id = gathering["meeting"]
    with app.app_context():
        attendance_id = check_in(db.session.get(Registration, gathering["bjorn_registration"]), ON_SITE).attendance.id
    signed_in_organiser(client, people)
    response = post_form(client, f"/meetings/{meeting_id}/check-in",
                         f"/meetings/{meeting_id}/attendance/{attendance_id}/undo")
    assert response.status_code == 302
    assert attendance_rows(app, meeting_id) == []


# --- Codes and the QR code's page ------------------------------------------------------------


def test_a_typed_code_checks_in_whatever_its_case_and_spaces(client, app, people, gathering):
    meeting_id = gathering["meeting"]
    code = gathering["bjorn_code"]
    typed = f" {code[:3].lower()} {code[3:].lower()} "
    signed_in_organiser(client, people)
    response = post_form(client, f"/meetings/{meeting_id}/check-in", f"/meetings/{meeting_id}/check-in-code",
                         code=typed)
    assert response.status_code == 302
    assert attendance_rows(app, meeting_id) == [
        ("Björn Berg", ON_SITE, CheckInMethod.CODE, gathering["bjorn_registration"], people["organiser"])]
    assert "Björn Berg is checked in" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("which, message", [
    ("nonsense", "No registration for this meeting has that code"),
    ("david_code", "is on the waiting list"),
])
def test_a_code_that_cannot_be_checked_in_is_explained_beside_the_field(client, app, people, gathering, which,
                                                                       message):
    meeting_id = gathering["meeting"]
    code = gathering.get(which, "ZZZZZZ")
    signed_in_organiser(client, people)
    response = post_form(client, f"/meetings/{meeting_id}/check-in", f"/meetings/{meeting_id}/check-in-code",
                         code=code)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html and f'value="{code}"' in html  # typed value kept
    assert attendance_rows(app, meeting_id) == []


def test_opening_the_qr_code_link_shows_the_person_and_changes_nothing_until_confirmed(client, app, people,
                                                                                      gathering):
    meeting_id = gathering["meeting"]
    code = gathering["anna_code"]
    signed_in_organiser(client, people)
    url = f"/meetings/{meeting_id}/check-in/{code.lower()}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Check in Anna Andersson" in html and "Svenska Röda Korset" in html
    assert attendance_rows(app, meeting_id) == []  # opening (or a link preview) records nothing

    response = client.post(url, data={"csrf_token": csrf_token(html), "mode": "on_site"})
    assert response.status_code == 302
    assert attendance_rows(app, meeting_id) == [
        ("Anna Andersson", ON_SITE, CheckInMethod.CODE, gathering["anna_registration"], people["organiser"])]

    again = client.get(url).get_data(as_text=True)  # the second scan
    assert "Checked in at" in again
    assert 'name="mode"' not in again
    client.post(url, data={"csrf_token": csrf_token(again), "mode": "on_site"})
    assert len(attendance_rows(app, meeting_id)) == 1


def test_an_unknown_code_in_the_link_is_a_plain_not_found(client, app, people, gathering):
    signed_in_organiser(client, people)
    response = client.get(f"/meetings/{gathering['meeting']}/check-in/XXXXXX")
    assert response.status_code == 404
    assert "No registration for Dialogmöte i Luleå has the code XXXXXX" in response.get_data(as_text=True)


def test_a_code_works_only_for_its_own_meeting(app, people, gathering):
    other_meeting = make_meeting(app, people["region"])
    with app.app_context(), pytest.raises(CheckInRefused) as refused:
        check_in_by_code(db.session.get(Meeting, other_meeting), gathering["anna_code"])
    assert refused.value.problem == CheckInProblem.UNKNOWN_CODE


def test_nothing_is_recorded_for_a_cancelled_meeting_or_registration(app, people, gathering):
    with app.app_context():
        erik = db.session.get(Registration, gathering["erik_registration"])
        with pytest.raises(CheckInRefused) as refused:
            check_in(erik, ONLINE)
        assert refused.value.problem == CheckInProblem.REGISTRATION_CANCELLED
        meeting = db.session.get(Meeting, gathering["meeting"])
        meeting.status = MeetingStatus.CANCELLED
        db.session.commit()
        with pytest.raises(CheckInRefused) as refused:
            check_in(db.session.get(Registration, gathering["anna_registration"]), ON_SITE)
        assert refused.value.problem == CheckInProblem.MEETING_CANCELLED
        with pytest.raises(CheckInRefused):
            add_walk_in(meeting, "Fredrik Falk")
    assert attendance_rows(app, gathering["meeting"]) == []


def test_a_mode_the_meeting_does_not_offer_is_refused(app, people):
    meeting_id = make_meeting(app, people["region"], meeting_format=MeetingFormat.ON_SITE)
    registration_id, _, _ = registered(app, meeting_id, people["representative"])
    with app.app_context(), pytest.raises(CheckInRefused) as refused:
        check_in(db.session.get(Registration, registration_id), ONLINE)
    assert refused.value.problem == CheckInProblem.MODE_NOT_OFFERED


# --- Walk-ins ----------------------------------------------------------------------------------


def test_a_walk_in_is_added_with_an_organisation_from_the_register_or_as_typed(client, app, people, gathering):
    meeting_id = gathering["meeting"]
    signed_in_organiser(client, people)
    page_url = f"/meetings/{meeting_id}/check-in"
    with app.app_context():
        db.session.get(Organisation, people["association"]).status = OrganisationStatus.APPROVED
        db.session.commit()
    assert '<option value="Svenska Röda Korset">' in client.get(page_url).get_data(as_text=True)

    response = post_form(client, page_url, f"/meetings/{meeting_id}/walk-ins", name="  Fredrik   Falk ",
                         organisation="Svenska Röda Korset", mode="on_site")
    assert response.status_code == 302 and response.headers["Location"].endswith("#walk-ins")
    post_form(client, page_url, f"/meetings/{meeting_id}/walk-ins", name="Gun Gran",
              organisation="Byaföreningen i Kåge", mode="online")
    # The same form sent twice is one walk-in.
    post_form(client, page_url, f"/meetings/{meeting_id}/walk-ins", name="gun gran", organisation="", mode="online")

    with app.app_context():
        walk_ins = db.session.scalars(select(Attendance).order_by(Attendance.id)).all()
        assert [(a.name, a.organisation_id, a.organisation_name, a.mode, a.method, a.registration_id)
                for a in walk_ins] == [
            ("Fredrik Falk", people["association"], "", ON_SITE, CheckInMethod.WALK_IN, None),
            ("Gun Gran", None, "Byaföreningen i Kåge", ONLINE, CheckInMethod.WALK_IN, None),
        ]
    html = client.get(page_url).get_data(as_text=True)
    assert "Fredrik Falk" in html and "Byaföreningen i Kåge" in html and "2 walk-ins" in html


def test_a_walk_in_needs_a_name(client, app, people, gathering):
    meeting_id = gathering["meeting"]
    signed_in_organiser(client, people)
    response = post_form(client, f"/meetings/{meeting_id}/check-in", f"/meetings/{meeting_id}/walk-ins",
                         name="   ", organisation="Byaföreningen", mode="on_site")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the name of the person who came." in html
    assert 'value="Byaföreningen"' in html
    assert attendance_rows(app, meeting_id) == []


# --- Confirming one's own attendance online -----------------------------------------------------


def test_an_online_participant_confirms_during_the_meeting_by_their_link(client, app, people, gathering):
    meeting_id, token = gathering["meeting"], gathering["cecilia_token"]
    url = f"/registrations/{token}/present"

    move_meeting(app, meeting_id, timedelta(hours=2))
    page = client.get(url)
    assert page.status_code == 200
    assert "The meeting has not started yet" in page.get_data(as_text=True)
    # The page has no form to send; a valid token from another page shows the rule refuses, not CSRF.
    client.post(url, data={"csrf_token": csrf_token(client.get("/sign-in").get_data(as_text=True))})
    assert attendance_rows(app, meeting_id) == []

    move_meeting(app, meeting_id, timedelta(minutes=10))  # the quarter of an hour before the start
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert "I am taking part" in html and "https://meet.example.org/a" in html
    response = client.post(url, data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert attendance_rows(app, meeting_id) == [
        ("Cecilia Ek", ONLINE, CheckInMethod.SELF, gathering["cecilia_registration"], gathering["cecilia"])]
    assert "Your attendance was recorded at" in client.get(url).get_data(as_text=True)

    client.post(url, data={"csrf_token": csrf_token(html)})  # twice: still one record
    assert len(attendance_rows(app, meeting_id)) == 1


def test_confirming_online_is_closed_after_the_meeting(client, app, people, gathering):
    meeting_id, token = gathering["meeting"], gathering["cecilia_token"]
    move_meeting(app, meeting_id, timedelta(hours=-3), hours=2)
    page = client.get(f"/registrations/{token}/present")
    html = page.get_data(as_text=True)
    assert "The meeting has ended" in html
    client.post(f"/registrations/{token}/present",
                data={"csrf_token": csrf_token(client.get("/sign-in").get_data(as_text=True))})
    assert attendance_rows(app, meeting_id) == []


@pytest.mark.parametrize("minutes, allowed", [(-16, False), (-15, True), (0, True), (119, True), (120, False)])
def test_the_confirmation_window_runs_from_a_quarter_before_the_start_to_the_end(app, people, gathering, minutes,
                                                                                allowed):
    with app.app_context():
        registration = db.session.get(Registration, gathering["cecilia_registration"])
        meeting = registration.meeting
        meeting.ends_at = meeting.starts_at + timedelta(hours=2)
        db.session.commit()
        now = meeting.starts_at + timedelta(minutes=minutes)
        if allowed:
            assert self_confirm_online(registration, now).attendance.method == CheckInMethod.SELF
        else:
            with pytest.raises(CheckInRefused):
                self_confirm_online(registration, now)


def test_only_confirmed_online_participants_confirm_themselves(app, people, gathering):
    move_meeting(app, gathering["meeting"], timedelta(minutes=-5))
    with app.app_context():
        david = db.session.get(Registration, gathering["david_registration"])
        with pytest.raises(CheckInRefused) as refused:
            self_confirm_online(david)
        assert refused.value.problem == CheckInProblem.WAITING_LIST
        anna = db.session.get(Registration, gathering["anna_registration"])
        with pytest.raises(CheckInRefused) as refused:
            self_confirm_online(anna)
        assert refused.value.problem == CheckInProblem.NOT_ONLINE
    assert attendance_rows(app, gathering["meeting"]) == []


def test_nobody_elses_link_works(client, app, people, gathering):
    move_meeting(app, gathering["meeting"], timedelta(minutes=-5))
    assert client.get("/registrations/forged-token-0123456789/present").status_code == 404
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    assert client.post("/registrations/forged-token-0123456789/present",
                       data={"csrf_token": token}).status_code == 404
    # David's link (waiting list) records nothing for him, and nothing for Cecilia either.
    page = client.get(f"/registrations/{gathering['david_token']}/present")
    assert "on the waiting list" in page.get_data(as_text=True)
    client.post(f"/registrations/{gathering['david_token']}/present", data={"csrf_token": token})
    assert attendance_rows(app, gathering["meeting"]) == []


# --- Lists, downloads and the sign-in sheet --------------------------------------------------


def test_the_organisers_list_shows_needs_the_waiting_list_and_attendance(client, app, people, gathering):
    with app.app_context():
        check_in(db.session.get(Registration, gathering["anna_registration"]), ON_SITE)
    signed_in_organiser(client, people)
    html = client.get(f"/meetings/{gathering['meeting']}/participants").get_data(as_text=True)
    confirmed, _, rest = html.partition('id="waiting"')
    waiting, _, _ = rest.partition('id="walk-ins"')
    assert all(n in confirmed for n in ("Anna Andersson", "Björn Berg", "Cecilia Ek"))
    assert "David Dahl" not in confirmed and "David Dahl" in waiting
    assert "Erik Ström" not in html
    assert "Vegetarisk" in confirmed and "Teckenspråkstolk" in confirmed and "anna@example.org" in confirmed
    assert "2 of 2 seats" in html


def read_csv(response) -> list[dict[str, str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def read_xlsx(response) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_participant_list_downloads_as_csv_and_xlsx(client, app, people, gathering):
    with app.app_context():
        check_in(db.session.get(Registration, gathering["anna_registration"]), ON_SITE)
    signed_in_organiser(client, people)
    response = client.get(f"/meetings/{gathering['meeting']}/participants.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert [r["Name"] for r in rows] == ["Anna Andersson", "Björn Berg", "Cecilia Ek", "David Dahl"]
    anna, _, cecilia, david = rows
    assert (anna["Organisation"], anna["Food and allergies"], anna["Present"], anna["Name shown publicly"]) == (
        "Svenska Röda Korset", "Vegetarisk", "Yes", "Yes")
    assert (cecilia["Taking part"], cecilia["Accessibility needs"], cecilia["E-mail"]) == (
        "Online", "Teckenspråkstolk", "cecilia@example.org")
    assert (david["Status"], david["Place on the waiting list"]) == ("On the waiting list", "1")

    rows = read_xlsx(client.get(f"/meetings/{gathering['meeting']}/participants.xlsx"))
    assert [r["Name"] for r in rows] == ["Anna Andersson", "Björn Berg", "Cecilia Ek", "David Dahl"]
    assert rows[3]["Place on the waiting list"] == 1 and rows[0]["Check-in code"] == gathering["anna_code"]
    assert client.get(f"/meetings/{gathering['meeting']}/participants.pdf").status_code == 404


def test_the_attendance_list_downloads_with_walk_ins_and_local_times(client, app, people, gathering):
    with app.app_context():
        meeting = db.session.get(Meeting, gathering["meeting"])
        recorded = check_in(db.session.get(Registration, gathering["bjorn_registration"]), ON_SITE,
                            now=meeting.starts_at).attendance.recorded_at
        add_walk_in(meeting, "Gun Gran", "Byaföreningen i Kåge", ONLINE)
    signed_in_organiser(client, people)
    rows = read_csv(client.get(f"/meetings/{gathering['meeting']}/attendance.csv"))
    assert [(r["Name"], r["Organisation"], r["Taking part"], r["How it was recorded"]) for r in rows] == [
        ("Björn Berg", "", "On site", "Checked in from the list"),
        ("Gun Gran", "Byaföreningen i Kåge", "Online", "Walk-in"),
    ]
    local = recorded.astimezone(ZoneInfo("Europe/Stockholm"))
    assert rows[0]["Recorded at"] == local.strftime("%Y-%m-%d %H:%M")
    xlsx = read_xlsx(client.get(f"/meetings/{gathering['meeting']}/attendance.xlsx"))
    assert [r["Name"] for r in xlsx] == ["Björn Berg", "Gun Gran"]
    assert xlsx[0]["Recorded at"].replace(second=0, microsecond=0) == local.replace(tzinfo=None, second=0,
                                                                                    microsecond=0)


def test_the_sign_in_sheet_lists_those_confirmed_on_site_only(client, app, people, gathering):
    signed_in_organiser(client, people)
    response = client.get(f"/meetings/{gathering['meeting']}/sign-in-sheet")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Anna Andersson" in html and "Björn Berg" in html
    assert "Cecilia Ek" not in html  # online: not at the door
    assert "David Dahl" not in html and "Erik Ström" not in html  # waiting list, cancelled
    assert "Signature" in html and "@media print" not in html  # the print rules are in the stylesheet
    assert "attendance.css" in html


# --- Who may see and do what --------------------------------------------------------------------


MANAGER_PAGES = ["/check-in", "/participants", "/participants.csv", "/participants.xlsx", "/attendance.csv",
                 "/attendance.xlsx", "/sign-in-sheet"]


@pytest.mark.parametrize("suffix", MANAGER_PAGES)
def test_only_the_forums_organisers_see_the_lists(client, app, people, gathering, suffix):
    url = f"/meetings/{gathering['meeting']}{suffix}"
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    sign_in(client, people["representative"])
    assert client.get(url).status_code == 403
    sign_in(client, people["admin"])
    assert client.get(url).status_code == 200


def test_another_public_bodys_organiser_is_turned_away(client, app, people, gathering):
    with app.app_context():
        county = Organisation(name="Länsstyrelsen i Norrbottens län", kind=OrganisationKind.PUBLIC_BODY)
        officer = Person(email="officer@lansstyrelsen.example", name="Lena Länsstyrelsen")
        db.session.add_all([county, officer])
        db.session.flush()
        db.session.add(Membership(person=officer, organisation=county, role=MembershipRole.ORGANISER))
        db.session.commit()
        officer_id = officer.id
    sign_in(client, officer_id)
    assert client.get(f"/meetings/{gathering['meeting']}/check-in").status_code == 403
    assert client.get(f"/meetings/{gathering['meeting']}/check-in/{gathering['anna_code']}").status_code == 403


def test_posts_by_others_change_nothing(client, app, people, gathering):
    meeting_id = gathering["meeting"]
    # The representative takes a CSRF token from a page they may see, then tries the organisers' actions.
    sign_in(client, people["representative"])
    token = csrf_token(client.get("/").get_data(as_text=True))
    attempts = [
        (f"/meetings/{meeting_id}/registrations/{gathering['anna_registration']}/check-in", {"mode": "on_site"}),
        (f"/meetings/{meeting_id}/check-in-code", {"code": gathering["anna_code"]}),
        (f"/meetings/{meeting_id}/check-in/{gathering['anna_code']}", {"mode": "on_site"}),
        (f"/meetings/{meeting_id}/walk-ins", {"name": "Inkräktare", "mode": "on_site"}),
    ]
    for url, data in attempts:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403
    assert attendance_rows(app, meeting_id) == []


def test_a_registration_of_another_meeting_is_not_found(client, app, people, gathering):
    other_meeting = make_meeting(app, people["region"])
    signed_in_organiser(client, people)
    response = post_form(client, f"/meetings/{other_meeting}/check-in",
                         f"/meetings/{other_meeting}/registrations/{gathering['anna_registration']}/check-in",
                         mode="on_site")
    assert response.status_code == 404
    assert attendance_rows(app, gathering["meeting"]) == []


# --- The hook -------------------------------------------------------------------------------------


class AttendanceRecorder:
    def __init__(self):
        self.calls: list[tuple[str, CheckInMethod]] = []

    @hookimpl
    def attendance_recorded(self, attendance):
        self.calls.append((attendance.name, attendance.method))


def test_plugins_hear_of_each_attendance_once(make_app):
    recorder = AttendanceRecorder()
    app = make_app(plugins=[recorder])
    with app.app_context():
        region = Organisation(name="Region Norrbotten", kind=OrganisationKind.PUBLIC_BODY)
        db.session.add(region)
        db.session.commit()
        region_id = region.id
    meeting_id = make_meeting(app, region_id)
    anna = add_person(app, "Anna Andersson", "anna@example.org")
    cecilia = add_person(app, "Cecilia Ek", "cecilia@example.org")
    anna_registration, anna_code, _ = registered(app, meeting_id, anna)
    cecilia_registration, _, _ = registered(app, meeting_id, cecilia, ONLINE)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        check_in_by_code(meeting, anna_code)
        check_in(db.session.get(Registration, anna_registration), ON_SITE)  # again: no second call
        add_walk_in(meeting, "Gun Gran")
        self_confirm_online(db.session.get(Registration, cecilia_registration), now=meeting.starts_at)
    assert recorder.calls == [("Anna Andersson", CheckInMethod.CODE), ("Gun Gran", CheckInMethod.WALK_IN),
                              ("Cecilia Ek", CheckInMethod.SELF)]


# --- The QR code in the e-mail -----------------------------------------------------------------


def inline_images(message) -> list:
    return [part for part in message.walk() if part.get_content_type() == "image/png"]


def test_the_confirmation_carries_a_qr_code_that_opens_the_check_in_page(client, app, people, send_mail):
    meeting_id = make_meeting(app, people["region"], meeting_format=MeetingFormat.HYBRID)
    person_id = add_person(app, "Anna Andersson", "anna@example.org")
    _, code, _ = registered(app, meeting_id, person_id, notify=True)
    (mail,) = send_mail()

    assert code in text_part(mail)
    (image,) = inline_images(mail)
    content_id = image["Content-ID"].strip("<>")
    html = html_part(mail)
    assert f'src="cid:{content_id}"' in html
    assert f"code {code}" in html  # the image's alt text names the code
    png = image.get_content()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # The picture is the QR code of the check-in page's address (segno draws the same one again).
    check_in_url = f"http://localhost/meetings/{meeting_id}/check-in/{code}"
    expected = io.BytesIO()
    segno.make(check_in_url, error="m", micro=False).save(expected, kind="png", scale=6, border=4)
    assert png == expected.getvalue()
    # The multipart/related part keeps the image next to the HTML, so mail programs show it inline.
    related = next(p for p in mail.walk() if p.get_content_type() == "multipart/related")
    assert [p.get_content_type() for p in related.iter_parts()] == ["text/html", "image/png"]

    sign_in(client, people["organiser"])
    assert "Check in Anna Andersson" in client.get(check_in_url.removeprefix("http://localhost")).get_data(
        as_text=True)


def test_the_promotion_email_carries_the_qr_code_too(app, people, send_mail):
    meeting_id = make_meeting(app, people["region"], meeting_format=MeetingFormat.ON_SITE, capacity=1)
    first = add_person(app, "Anna Andersson", "anna@example.org")
    second = add_person(app, "Björn Berg", "bjorn@example.org")
    first_registration, _, _ = registered(app, meeting_id, first)
    _, second_code, _ = registered(app, meeting_id, second)
    with app.app_context():
        cancel(db.session.get(Registration, first_registration))
    # Anna gets the cancellation (without a code); Björn the promotion, with his.
    (mail,) = [m for m in send_mail() if m["To"] == "bjorn@example.org"]
    (image,) = inline_images(mail)
    assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html_part(mail)
    assert second_code in text_part(mail)


def test_online_only_meetings_send_no_qr_code_but_the_link_to_confirm(app, people, send_mail):
    meeting_id = make_meeting(app, people["region"], meeting_format=MeetingFormat.DIGITAL)
    person_id = add_person(app, "Cecilia Ek", "cecilia@example.org")
    _, code, token = registered(app, meeting_id, person_id, ONLINE, notify=True)
    (mail,) = send_mail()
    assert inline_images(mail) == []
    assert "cid:" not in html_part(mail)
    assert f"http://localhost/registrations/{token}/present" in text_part(mail)
    assert code in text_part(mail)


def test_the_qr_code_is_drawn_when_the_mail_is_sent_not_when_queued(app, people):
    from meetings.domain.mail import build_email
    from meetings.models import OutboxMessage

    meeting_id = make_meeting(app, people["region"], meeting_format=MeetingFormat.ON_SITE)
    registered(app, meeting_id, people["representative"], notify=True)
    with app.app_context():
        (message,) = db.session.scalars(select(OutboxMessage)).all()
        (attachment,) = [a for a in message.attachments if a["content_type"] == "image/png"]
        assert attachment["qr_code_for"].startswith(f"http://localhost/meetings/{meeting_id}/check-in/")
        assert "content" not in attachment  # the outbox keeps the address, not the picture
        (png,) = [p for p in build_email(message).walk() if p.get_content_type() == "image/png"]
        assert png.get_payload(decode=True).startswith(b"\x89PNG")
        assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
