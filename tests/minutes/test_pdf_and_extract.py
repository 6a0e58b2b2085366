"""The protocol as PDF/A, and a protocol extract sent by e-mail with its PDF."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from meetings.testing import sign_in, submit_form, text_part

from . import flows
from .test_approval import approve_all, ready

EN = {"Accept-Language": "en"}


def pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def assert_pdfa(reader: PdfReader):
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part(=\"|>)3", xmp), xmp
    assert re.search(r"pdfaid:conformance(=\"|>)B", xmp)


def published(client, app, world):
    protocol_id = ready(client, app, world)
    with app.app_context():
        paragraph = flows.protocol(world).paragraphs[1].id
    flows.edit_paragraph(client, world, paragraph, case_number="00677-2020",
                         discussion="Samforma framförde inspel.", decision="Överenskommelsen antas.")
    flows.send(client, world)
    approve_all(client, world, protocol_id)
    sign_in(client, world["organiser"])
    submit_form(client, flows.manage_url(world), action=f"{flows.manage_url(world)}/publish")
    return protocol_id


def test_the_published_protocol_is_a_pdfa_that_reads_like_a_swedish_protocol(app, client, world):
    protocol_id = published(client, app, world)
    response = app.test_client().get(f"/minutes/{protocol_id}/protocol.pdf", headers={"Accept-Language": "sv"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text, reader = pdf_text(response.data)
    assert_pdfa(reader)
    flat = " ".join(text.split())
    for expected in ("Region Norrbotten", "Protokoll", "Länspartnerskapet", "Kulturens hus",
                     "§ 2 Regional överenskommelse", "Dnr 00677-2020", "Överenskommelsen antas.",
                     "Anna Andersson, Svenska Röda Korset", "Bo Berg, RF-SISU Norrbotten",
                     "Ordförande: Karin Ordförande", "Justerare: Anna Andersson", "Justerare: Bo Berg"):
        assert expected in flat, expected
    # each signer's approval time in the signature block
    assert len(re.findall(r"Justerat \d{1,2} \w+\.? \d{4} \d\d:\d\d", flat)) == 3


def test_a_protocol_extract_is_mailed_with_its_pdf_and_recorded(app, client, world, send_mail):
    protocol_id = published(client, app, world)
    with app.app_context():
        paragraph = flows.protocol(world).paragraphs[1].id
    before = len(send_mail())
    page = flows.manage_url(world) + "/extract"
    missing = submit_form(client, page, {}, headers=EN)
    assert missing.status_code == 422
    assert "Choose at least one paragraph." in missing.get_data(as_text=True)

    response = submit_form(client, page, {"paragraphs": [str(paragraph)], "people": [str(world["bo"])],
                                          "organisations": [str(world["red_cross"])]})
    assert response.status_code == 302
    mails = send_mail()[before:]
    assert sorted(m["To"] for m in mails) == ["bo@example.org", "rodakorset@example.org"]
    to_bo = next(m for m in mails if m["To"] == "bo@example.org")
    assert "§ 2" in to_bo["Subject"]
    assert "§ 2 Regional överenskommelse" in text_part(to_bo)
    [attachment] = [part for part in to_bo.iter_attachments() if part.get_content_type() == "application/pdf"]
    text, reader = pdf_text(attachment.get_content())
    assert_pdfa(reader)
    flat = " ".join(text.split())
    assert "§ 2 Regional överenskommelse" in flat
    assert "§ 3" not in flat and "§ 1 " not in flat
    shown = app.test_client().get(f"/minutes/{protocol_id}", headers=EN).get_data(as_text=True)
    assert "Protokollsutdrag (§ 2) sent to Bo Berg, Svenska Röda Korset" in shown
