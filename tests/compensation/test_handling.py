"""Handling claims: permissions, the budget (also under concurrent approvals), exports and SIE."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from meetings import api
from meetings.domain.attendance import undo_check_in
from meetings.testing import make_attendance, make_organisation, make_person, make_registration, sign_in, submit_form
from plugins.compensation import claims
from plugins.compensation.models import Budget, Claim, PaymentDetails

from .conftest import PDF
from .test_claims import add_cost, new_mail, save_payment, send_claim, start_claim


def sent_claim(client, world):
    sign_in(client, world.rut)
    save_payment(client, world)
    start_claim(client, world)
    send_claim(client, world)


def test_another_organisation_never_sees_a_claim_or_payment_details(app, client, world):
    sent_claim(client, world)
    with app.app_context():
        claim = Claim.query.one()
        claim_id = claim.id
    lisa = app.test_client()
    sign_in(lisa, world.lisa)
    for page in (world.claim_page, world.payment_page, f"/compensation/claims/{claim_id}",
                 f"/compensation/claims/{claim_id}/receipts/1", f"/compensation/meetings/{world.meeting}/handle",
                 f"/compensation/forums/{world.forum}", f"/compensation/forums/{world.forum}/rules"):
        assert lisa.get(page).status_code == 404, page
    assert lisa.post(f"{world.claim_page}/submit").status_code in (400, 404)
    # Lisa's own organisation's claim page is hers; it shows nothing of the Red Cross.
    own = lisa.get(f"/compensation/meetings/{world.meeting}/organisations/{world.lotta}/claim")
    assert own.status_code == 200 and "Röda Korset" not in own.get_data(as_text=True)
    # The meeting page shows Lisa only her own organisation.
    panel = lisa.get(f"/meetings/{world.meeting}").get_data(as_text=True)
    assert "Lottakåren Älvsbyn kan ansöka om ersättning" in panel and "Röda Korset Kiruna kan" not in panel


def test_only_the_forums_organisers_handle_claims(app, client, world):
    sent_claim(client, world)
    with app.app_context():
        claim_id = Claim.query.one().id
    stranger = app.test_client()
    sign_in(stranger, world.stranger_organiser)  # an organiser, but of another public body
    assert stranger.get(f"/compensation/claims/{claim_id}").status_code == 404
    assert stranger.get(f"/compensation/meetings/{world.meeting}/handle").status_code == 404
    # The representative cannot approve their own claim either.
    assert client.get(f"/compensation/claims/{claim_id}").status_code == 404
    with app.test_request_context():
        claim = Claim.query.one()
        with pytest.raises(claims.ClaimError):
            claims.approve(claim, api.get_person(world.stranger_organiser))
        assert Claim.query.one().state == "submitted"


def test_an_approval_over_the_budget_is_refused_clearly(app, client, world):
    with app.app_context():
        Budget.query.one().amount_ore = 50_000  # 500 kr; the claim is 750 kr
        api.db.session.commit()
    sent_claim(client, world)
    organiser = app.test_client()
    sign_in(organiser, world.organiser)
    with app.app_context():
        claim_id = Claim.query.one().id
    refused = submit_form(organiser, f"/compensation/claims/{claim_id}", button="approve", follow_redirects=True)
    page = refused.get_data(as_text=True).replace("\u00a0", " ")
    assert "Att godkänna 750,00 kr skulle överskrida budgeten" in page and "500,00 kr återstår" in page
    with app.app_context():
        assert Claim.query.one().state == "submitted"
        assert Budget.query.one().used_ore == 0


def test_an_organiser_approving_an_already_handled_claim_is_told_so(app, client, world, send_mail):
    sent_claim(client, world)
    with app.app_context():
        claim_id = Claim.query.one().id
    first, second = app.test_client(), app.test_client()
    sign_in(first, world.organiser)
    sign_in(second, world.organiser)
    stale = second.get(f"/compensation/claims/{claim_id}")  # second opened the page first…
    assert stale.status_code == 200
    assert submit_form(first, f"/compensation/claims/{claim_id}", button="approve").status_code == 302
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', stale.get_data(as_text=True)).group(1)
    again = second.post(f"/compensation/claims/{claim_id}", data={"csrf_token": token, "reason": "", "approve": "1"},
                        follow_redirects=True)
    assert "Någon annan har redan handlagt den här ansökan." in again.get_data(as_text=True)
    with app.app_context():
        assert Budget.query.one().used_ore == Claim.query.one().total_ore == 75_000


def _submitted_claims(count: int) -> list[int]:
    """``count`` submitted claims of 750 kr each, from different organisations of one meeting."""
    meeting = api.get_meeting(1)
    ids = []
    for n in range(count):
        organisation = make_organisation(f"Förening {n} i Jokkmokk")
        person = make_person(f"rep{n}@example.org", f"Rep {n}", represents=organisation)
        make_attendance(make_registration(meeting, person, "on_site", organisation=organisation))
        api.db.session.add(PaymentDetails(organisation_id=organisation.id, method="bankgiro", number="73551236"))
        claim = claims.start(meeting, organisation, person)
        claims.submit(claim, person)
        api.db.session.commit()
        ids.append(claim.id)
    return ids


def test_concurrent_approvals_never_pass_the_budget_and_approve_a_claim_once(app, world):
    with app.app_context():
        Budget.query.one().amount_ore = 150_000  # room for three claims of 500 kr, not four
        api.db.session.commit()
        ids = _submitted_claims(4)
        # Claims of 500 kr: one representative on site each.
        assert {c.total_ore for c in Claim.query} == {50_000}
    barrier = threading.Barrier(8)
    outcomes = []

    def approve(claim_id):
        with app.test_request_context():  # as from the queue's button: the refusal is worded for a person
            claim = api.db.session.get(Claim, claim_id)
            organiser = api.get_person(world.organiser)
            barrier.wait()
            try:
                claims.approve(claim, organiser)
                api.db.session.commit()
                outcomes.append("approved")
            except claims.ClaimError:
                api.db.session.rollback()
                outcomes.append("refused")
            finally:
                api.db.session.remove()

    threads = [threading.Thread(target=approve, args=(claim_id,)) for claim_id in ids + ids]  # each twice
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        approved = [c for c in Claim.query if c.state == "approved"]
        assert outcomes.count("approved") == len(approved) == 3
        assert outcomes.count("refused") == 5  # every other press told why, none lost to an error
        assert Budget.query.one().used_ore == sum(c.total_ore for c in approved) == 150_000
        assert sum(1 for e in (ev for c in Claim.query for ev in c.events) if e.new == "approved") == 3


def _approved_and_paid(app, client, world):
    sign_in(client, world.rut)
    save_payment(client, world)
    start_claim(client, world)
    add_cost(client, world, content=PDF, description="Buss Kiruna–Luleå, Övertorneå", amount="342,50")
    send_claim(client, world)
    organiser = app.test_client()
    sign_in(organiser, world.organiser)
    with app.app_context():
        claim_id = Claim.query.one().id
    submit_form(organiser, f"/compensation/claims/{claim_id}", button="approve")
    return organiser


def test_the_sie_file_parses_back_balanced_with_swedish_letters(app, client, world):
    organiser = _approved_and_paid(app, client, world)
    with app.app_context():
        year = api.local_time(api.get_meeting(world.meeting).starts_at).year
        api.get_organisation(world.red_cross).name = "Östra Ängsby Åkerförening"
        api.db.session.commit()
    response = organiser.get(f"/compensation/forums/{world.forum}/approved-{year}.si")
    assert response.status_code == 200
    text = response.data.decode("cp437")
    lines = text.split("\r\n")
    assert lines[:3] == ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4"]
    # PC8 is code page 437: Å, Ä and Ö are the bytes 0x8F, 0x8E and 0x99.
    assert "Östra Ängsby Åkerförening".encode("cp437") in response.data
    assert {b"\x8f", b"\x8e", b"\x99"} <= {bytes([b]) for b in response.data}
    accounts = {m.group(1) for m in re.finditer(r'^#KONTO (\d+) "', text, re.M)}
    assert accounts == {"6990", "5800", "5890", "2440"}
    vouchers = re.findall(r'^#VER "E" (\d+) (\d{8}) "([^"]*)"\r\n\{\r\n((?:#TRANS .*\r\n)+)\}', text, re.M)
    assert len(vouchers) == 1
    [(_number, _day, title, body)] = vouchers
    assert "Östra Ängsby Åkerförening" in title and "Vårmöte i Kiruna" in title
    amounts = {}
    for account, amount in re.findall(r"#TRANS (\d+) \{\} (-?\d+\.\d\d)", body):
        amounts[account] = amounts.get(account, 0) + round(float(amount) * 100)
        assert account in accounts
    assert sum(amounts.values()) == 0
    assert amounts == {"6990": 75_000, "5890": 34_250, "2440": -109_250}


def test_approved_claims_as_csv_and_xlsx_for_payment(app, client, world):
    organiser = _approved_and_paid(app, client, world)
    with app.app_context():
        year = api.local_time(api.get_meeting(world.meeting).starts_at).year
    csv_file = organiser.get(f"/compensation/forums/{world.forum}/approved-{year}.csv")
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][3] == "Organisation" and rows[1][3] == "Svenska Röda Korset Kiruna"
    assert "7355-1236" in rows[1] and rows[1][-1] == "Godkänd"
    xlsx = organiser.get(f"/compensation/forums/{world.forum}/approved-{year}.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [cell.value for cell in sheet[2]]
    assert values[3] == "Svenska Röda Korset Kiruna" and values[10] == 1092.5
    assert organiser.get(f"/compensation/forums/{world.forum}/approved-{year}.pdf").status_code == 404


def test_an_undone_check_in_leaves_no_claim_resting_on_it(app, client, world):
    sent_claim(client, world)
    with app.app_context():
        bo = api.get_person(world.bo)
        undo_check_in(api.attendance_for(api.get_meeting(world.meeting), bo))
        claim = Claim.query.one()
        assert [a.name for a in claim.attendees] == ["Rut Åström"]
        assert claim.total_ore == 50_000
        assert any(e.action == "attendance_removed" and e.old == "Bo Öberg" for e in claim.events)


def test_approval_reads_attendance_again(app, client, world):
    sent_claim(client, world)
    with app.test_request_context():
        claim = Claim.query.one()
        # An attendance gone without the hook (a database fix by hand): approval still reads it again.
        from plugins.compensation.models import ClaimAttendee
        api.db.session.add(ClaimAttendee(claim_id=claim.id, attendance_id=9999, name="Ingen Alls", online=False))
        api.db.session.commit()
        with pytest.raises(claims.ClaimError, match="Ingen Alls"):
            claims.approve(claim, api.get_person(world.organiser))


def test_no_claim_after_the_deadline_nor_without_attendance(app, client, world):
    with app.test_request_context():
        meeting = api.get_meeting(world.meeting)
        rules = claims.effective_rules(meeting)
        late = rules.deadline + timedelta(days=1)
        rut = api.get_person(world.rut)
        red = api.get_organisation(world.red_cross)
        assert "Sista dag att ansöka var" in str(claims.why_not(meeting, red, rut, on=late))
        assert claims.why_not(meeting, red, rut, on=rules.deadline) is None
        quiet = make_organisation("Tysta föreningen")
        nobody = make_person("tyst@example.org", "Tyst Person", represents=quiet)
        assert "Ingen registrerades som närvarande" in str(claims.why_not(meeting, quiet, nobody))
        region = api.get_organisation(world.region)
        assert claims.why_not(meeting, region, nobody) is not None
        # An organisation still awaiting approval in the register cannot claim, even if it came.
        pending = make_organisation("Nya byaföreningen", status=api.OrganisationStatus.PENDING)
        newcomer = make_person("ny@example.org", "Ny Person", represents=pending)
        api.record_walk_in(meeting, "Ny Person", pending)
        assert claims.why_not(meeting, pending, newcomer) is not None
    sign_in(client, world.rut)
    nothing = client.get(f"/compensation/meetings/{world.meeting}/organisations/{world.lotta}/claim")
    assert nothing.status_code == 404  # Rut does not represent Lottakåren


def test_rules_are_set_by_the_forums_organisers_with_meeting_exceptions(app, client, world):
    organiser = app.test_client()
    sign_in(organiser, world.organiser)
    page = f"/compensation/forums/{world.forum}/rules"
    bad = submit_form(organiser, page, {"fee_on_site": "fem", "deadline_days": "0"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert re.search(r'id="fee_on_site-error">[^<]*Skriv beloppet', html)
    assert re.search(r'id="deadline_days-error">[^<]*heltal från 1 till 365', html)
    assert submit_form(organiser, page, {"fee_on_site": "600", "budget": "20 000"}).status_code == 302
    meeting_page = f"/compensation/meetings/{world.meeting}/handle"
    assert submit_form(organiser, meeting_page, {"fee_on_site": "800", "max_representatives": "1"},
                       action=meeting_page).status_code == 302
    with app.app_context():
        rules = claims.effective_rules(api.get_meeting(world.meeting))
        assert (rules.rates.fee_on_site_ore, rules.rates.fee_online_ore, rules.rates.max_representatives) == \
            (80_000, 25_000, 1)
        assert Budget.query.one().amount_ore == 2_000_000
    # One representative paid now: the online one is shown but not paid.
    sign_in(client, world.rut)
    start_claim(client, world)
    claim_page = client.get(world.claim_page).get_data(as_text=True)
    assert "Betalas inte" in claim_page and "800,00\u00a0kr" in claim_page
    link = client.get(f"/meetings/{world.meeting}").get_data(as_text=True)
    assert meeting_page not in link  # the organiser's link is not shown to a representative


def test_reminders_before_the_deadline_go_once_to_those_who_have_not_claimed(app, client, world, send_mail):
    from plugins.compensation.notify import send_reminders

    new_mail(send_mail)
    sent_claim(client, world)  # the Red Cross has claimed; Lottakåren has not
    new_mail(send_mail)
    with app.app_context():
        meeting = api.get_meeting(world.meeting)
        deadline = claims.effective_rules(meeting).deadline
        from datetime import datetime, time
        from zoneinfo import ZoneInfo
        near = datetime.combine(deadline - timedelta(days=3), time(9), ZoneInfo("Europe/Stockholm"))
        assert send_reminders(now=near) == 1
        assert send_reminders(now=near) == 0
    mails = new_mail(send_mail)
    assert [m["To"] for m in mails] == ["lisa@example.org"]
    assert "Sista dag att ansöka om ersättning" in mails[0]["Subject"]


def test_the_reminder_runs_daily_in_the_worker(app, world):
    from meetings.scheduler import build_scheduler

    jobs = {job.id: job for job in build_scheduler(app, blocking=False).get_jobs()}
    job = jobs["compensation.reminders"]
    job.func(*job.args)  # nothing due two days after the meeting: it runs and sends nothing
    with app.app_context():
        from plugins.compensation.models import Reminder
        assert Reminder.query.count() == 0


def test_the_plugin_uses_only_the_plugin_api_of_the_core():
    import ast
    from pathlib import Path

    allowed = {"meetings", "meetings.api", "meetings.hookimpl"}
    used = set()
    for path in Path(claims.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "meetings":
                used |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
            elif isinstance(node, ast.Import):
                used |= {alias.name for alias in node.names if alias.name.split(".")[0] == "meetings"}
    assert used - allowed == set()
    assert "meetings.api" in used


def test_one_claim_per_organisation_and_meeting_and_drafts_stay_with_the_organisation(app, client, world):
    sign_in(client, world.rut)
    start_claim(client, world)
    bo = app.test_client()
    sign_in(bo, world.bo)
    with app.app_context():
        claim_id = Claim.query.one().id
        # Bo represents the same organisation: starting again gives the same claim.
        again = claims.start(api.get_meeting(world.meeting), api.get_organisation(world.red_cross),
                             api.get_person(world.bo))
        assert again.id == claim_id and Claim.query.count() == 1
    assert "Draft" in bo.get(world.claim_page).get_data(as_text=True)  # Bo reads English
    organiser = app.test_client()
    sign_in(organiser, world.organiser)
    assert "Svenska Röda Korset Kiruna" not in organiser.get(
        f"/compensation/meetings/{world.meeting}/handle").get_data(as_text=True)
    assert organiser.get(f"/compensation/claims/{claim_id}").status_code == 404
