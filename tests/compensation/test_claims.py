"""A claim from the panel to paid, through the pages as people use them, with the mail it sends."""

from __future__ import annotations

import re

from meetings.testing import html_part, page_forms, sign_in, submit_form, text_part
from plugins.compensation.models import Claim

from .conftest import PDF, jpeg_with_exif, png


def new_mail(send_mail):
    """The e-mails received since the last look."""
    received = send_mail()
    got = list(received)
    received.clear()
    return got


def save_payment(client, world, number="7355-1236", method="bankgiro"):
    return submit_form(client, world.payment_page, {"method": method, "number": number})


def start_claim(client, world):
    return submit_form(client, world.claim_page, action=world.claim_page)


def add_trip(client, world, **values):
    fields = {"driver": "Rut Åström", "from_place": "Kiruna", "to_place": "Luleå", "km": "680",
              "passengers": ""} | values
    return submit_form(client, world.claim_page, fields, action=f"{world.claim_page}/trips")


def add_cost(client, world, content=PDF, filename="kvitto.pdf", amount="342,50", description="Tåg Kiruna–Luleå"):
    return submit_form(client, world.claim_page, {"kind": "public_transport", "description": description,
                                                  "amount": amount, "receipt": (content, filename)},
                       action=f"{world.claim_page}/expenses")


def send_claim(client, world):
    return submit_form(client, world.claim_page, action=f"{world.claim_page}/submit")


def test_the_meeting_page_tells_a_representative_they_may_claim_and_until_when(client, world):
    sign_in(client, world.rut)
    page = client.get(f"/meetings/{world.meeting}").get_data(as_text=True)
    assert "Svenska Röda Korset Kiruna kan ansöka om ersättning för det här mötet, senast" in page
    assert world.claim_page in page


def test_payment_details_are_checked_beside_the_field_and_shown_masked(client, world):
    sign_in(client, world.rut)
    refused = save_payment(client, world, "7355-1237")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert re.search(r'id="number-error">[^<]*Kontrollsiffran', page)
    assert save_payment(client, world).status_code == 302
    page = client.get(world.payment_page).get_data(as_text=True)
    assert "••••1236" in page and "7355-1236" not in page and "73551236" not in page
    iban = save_payment(client, world, "SE45 5000 0000 0583 9825 7466", method="iban")
    assert iban.status_code == 302
    assert "••••7466" in client.get(world.payment_page).get_data(as_text=True)


def test_a_claim_from_start_to_paid_with_lines_mail_and_trail(app, client, world, send_mail, receipt_dir):
    new_mail(send_mail)  # the registrations' confirmations
    sign_in(client, world.rut)
    assert save_payment(client, world).status_code == 302
    assert start_claim(client, world).status_code == 302
    page = client.get(world.claim_page).get_data(as_text=True)
    # Both were present for the organisation and are claimed for: 500 kr on site, 250 kr online.
    assert "Deltagarersättning: Rut Åström" in page and "Deltagarersättning: Bo Öberg" in page
    assert add_trip(client, world, passengers="Kalle Kvist").status_code == 302
    assert add_cost(client, world).status_code == 302
    page = client.get(world.claim_page).get_data(as_text=True)
    assert "Bilersättning: Kiruna – Luleå" in page and "680 km" in page
    assert "1\u00a0700,00\u00a0kr" in page  # 680 km × 2,50 kr
    assert "342,50\u00a0kr" in page
    assert "Skicka ansökan om 2\u00a0792,50\u00a0kr" in page  # 500 + 250 + 1 700 + 342,50
    assert "avrundas" in page or "rundas" in page or "öre" in page

    assert send_claim(client, world).status_code == 302
    sent = new_mail(send_mail)
    assert {m["To"] for m in sent} == {"rut@example.org", "bo@example.org"}
    to_bo = next(m for m in sent if m["To"] == "bo@example.org")
    assert "Compensation claim sent" in to_bo["Subject"]  # Bo reads English
    assert "SEK2,792.50" in text_part(to_bo)  # amounts in the reader's language
    to_rut = next(m for m in sent if m["To"] == "rut@example.org")
    assert "Ansökan om ersättning skickad" in to_rut["Subject"]
    assert "2\u00a0792,50\u00a0kr" in text_part(to_rut)
    assert world.claim_page in html_part(to_rut)
    # Sent: no longer editable.
    page = client.get(world.claim_page).get_data(as_text=True)
    assert "Skickad" in page and "/trips" not in page

    organiser = app.test_client()
    sign_in(organiser, world.organiser)
    queue = organiser.get(f"/compensation/meetings/{world.meeting}/handle").get_data(as_text=True)
    assert "Svenska Röda Korset Kiruna" in queue and "Rut Åström" in queue and "Bo Öberg" in queue
    with app.app_context():
        claim_id = Claim.query.one().id
    decided = submit_form(organiser, f"/compensation/claims/{claim_id}", button="approve")
    assert decided.status_code == 302
    page = organiser.get(f"/compensation/claims/{claim_id}").get_data(as_text=True)
    assert "Godkänd" in page and "Olle Organisatör" in page and "7355-1236" in page
    approved = new_mail(send_mail)
    assert {m["To"] for m in approved} == {"rut@example.org", "bo@example.org"}
    assert all("godkänd" in m["Subject"] or "approved" in m["Subject"] for m in approved)

    forum = organiser.get(f"/compensation/forums/{world.forum}").get_data(as_text=True)
    assert "2\u00a0792,50\u00a0kr" in forum  # used of the budget
    assert "7\u00a0207,50\u00a0kr" in forum  # left of 10 000 kr
    forms = page_forms(forum)
    [paid_form] = [f for f in forms if f.action.endswith("/paid") or "/paid?" in f.action]
    paid = submit_form(organiser, f"/compensation/forums/{world.forum}", {"claims": str(claim_id)},
                       action=paid_form.action)
    assert paid.status_code == 302
    assert all("betald" in m["Subject"].lower() or "paid" in m["Subject"].lower() for m in new_mail(send_mail))
    trail = client.get(world.claim_page).get_data(as_text=True)
    for words in ("Ansökan påbörjad", "Resa tillagd", "Kostnad tillagd", "Olle Organisatör", "Betald"):
        assert words in trail
    assert len(list(receipt_dir.iterdir())) == 1


def test_a_returned_claim_is_changed_and_sent_again_a_rejected_one_stays(app, client, world, send_mail):
    sign_in(client, world.rut)
    save_payment(client, world)
    start_claim(client, world)
    send_claim(client, world)
    new_mail(send_mail)
    organiser = app.test_client()
    sign_in(organiser, world.organiser)
    with app.app_context():
        claim_id = Claim.query.one().id
    page = f"/compensation/claims/{claim_id}"
    no_reason = submit_form(organiser, page, {"reason": ""}, button="return")
    assert no_reason.status_code == 422
    assert re.search(r'id="reason-error">[^<]*Skriv ett skäl', no_reason.get_data(as_text=True))
    returned = submit_form(organiser, page, {"reason": "Bifoga tågbiljetten"}, button="return")
    assert returned.status_code == 302
    mine = client.get(world.claim_page).get_data(as_text=True)
    assert "Returnerad" in mine and "Bifoga tågbiljetten" in mine
    assert "Bifoga tågbiljetten" in text_part(new_mail(send_mail)[0])
    assert add_cost(client, world).status_code == 302  # editable again
    assert send_claim(client, world).status_code == 302
    assert submit_form(organiser, page, {"reason": "Dubbel ansökan"}, button="reject").status_code == 302
    mine = client.get(world.claim_page).get_data(as_text=True)
    assert "Avslagen" in mine and "Dubbel ansökan" in mine and "/expenses" not in mine
    assert any("Dubbel ansökan" in text_part(m) for m in new_mail(send_mail))
    assert 'name="approve"' not in organiser.get(page).get_data(as_text=True)


def test_a_receipt_is_checked_by_its_content_and_a_refused_one_leaves_no_file(client, world, receipt_dir):
    sign_in(client, world.rut)
    start_claim(client, world)
    fake = add_cost(client, world, content=b"MZ this is a program, not a PDF", filename="kvitto.pdf")
    assert fake.status_code == 422
    assert re.search(r'id="receipt-error">[^<]*PDF-, JPEG- eller PNG', fake.get_data(as_text=True))
    too_large = add_cost(client, world, content=PDF[:-7] + b"0" * (1024 * 1024) + b"\n%%EOF\n")
    assert too_large.status_code == 422
    assert "större än 1 MB" in too_large.get_data(as_text=True)
    bad_amount = add_cost(client, world, content=png(), filename="biljett.png", amount="12,345")
    assert bad_amount.status_code == 422
    assert re.search(r'id="amount-error">[^<]*två decimaler', bad_amount.get_data(as_text=True))
    assert not receipt_dir.exists() or list(receipt_dir.iterdir()) == []
    # A photo of a receipt: accepted, without what the camera stored.
    assert add_cost(client, world, content=jpeg_with_exif(), filename="IMG_0001.JPG").status_code == 302
    [stored] = list(receipt_dir.iterdir())
    data = stored.read_bytes()
    assert data.startswith(b"\xff\xd8\xff") and b"SecretCamera" not in data and b"taken at home" not in data
    assert b"Exif" not in data


def test_distances_and_passengers_are_checked_beside_the_field(client, world):
    sign_in(client, world.rut)
    start_claim(client, world)
    for km in ("2001", "-5", "tio"):
        refused = add_trip(client, world, km=km)
        assert refused.status_code == 422
        assert re.search(r'id="km-error">[^<]*(2\u00a0?000|2,000|2 000|hela kilometer)', refused.get_data(as_text=True))
    assert add_trip(client, world, passengers="Bo Öberg").status_code == 302
    twice = add_trip(client, world, driver="Bo Öberg")
    assert twice.status_code == 422
    assert re.search(r'id="passengers-error">[^<]*en bil', twice.get_data(as_text=True))


def test_a_claim_needs_payment_details_and_the_amount_is_stored_when_sent(app, client, world):
    sign_in(client, world.rut)
    start_claim(client, world)
    refused = send_claim(client, world)
    assert "betalningsuppgifter" in client.get(world.claim_page).get_data(as_text=True)
    assert refused.status_code == 302
    with app.app_context():
        assert Claim.query.one().state == "draft"
    save_payment(client, world)
    send_claim(client, world)
    with app.app_context():
        claim = Claim.query.one()
        assert (claim.state, claim.total_ore, claim.fees_ore) == ("submitted", 75_000, 75_000)
