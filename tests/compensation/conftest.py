"""A forum with compensation switched on, a meeting two days ago and who attended it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from PIL import Image

from meetings import api
from meetings.testing import (
    make_attendance,
    make_forum,
    make_meeting,
    make_organisation,
    make_person,
    make_registration,
)
from plugins.compensation.models import Budget, ForumRules


@dataclass
class World:
    region: int
    red_cross: int
    lotta: int
    organiser: int
    rut: int
    bo: int
    lisa: int
    stranger_organiser: int
    forum: str
    meeting: int

    @property
    def claim_page(self) -> str:
        return f"/compensation/meetings/{self.meeting}/organisations/{self.red_cross}/claim"

    @property
    def payment_page(self) -> str:
        return f"/compensation/organisations/{self.red_cross}/payment"


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(COMPENSATION_RECEIPT_DIR=str(tmp_path / "receipts"), COMPENSATION_MAX_UPLOAD_MB=1)


@pytest.fixture
def receipt_dir(tmp_path):
    return tmp_path / "receipts"


def build_world(budget_ore: int | None = 1_000_000) -> World:
    region = make_organisation("Region Norrbotten", kind="public_body")
    other_body = make_organisation("Länsstyrelsen i Norrbottens län", kind="public_body")
    red_cross = make_organisation("Svenska Röda Korset Kiruna")
    lotta = make_organisation("Lottakåren Älvsbyn")
    organiser = make_person("olle@region.example", "Olle Organisatör", organises_for=region)
    stranger = make_person("sara@lansstyrelsen.example", "Sara Strand", organises_for=other_body)
    rut = make_person("rut@example.org", "Rut Åström", represents=red_cross)
    bo = make_person("bo@example.org", "Bo Öberg", represents=red_cross, locale="en")
    lisa = make_person("lisa@example.org", "Lisa Lind", represents=lotta)
    forum = make_forum(region, "Dialogforum Norrbotten", members=[red_cross, lotta])
    api.db.session.add(ForumRules(forum_id=forum.id, offered=True, kinds="civil_society", fee_on_site_ore=50_000,
                                  fee_online_ore=25_000, max_representatives=2, mileage=True, receipts=True,
                                  deadline_days=30))
    meeting = make_meeting(forum, "Vårmöte i Kiruna", starts_at=api.utcnow().replace(microsecond=0)
                           - timedelta(days=2))
    year = api.local_time(meeting.starts_at).year
    api.db.session.add(Budget(forum_id=forum.id, year=year, amount_ore=budget_ore, used_ore=0))
    api.db.session.commit()
    make_attendance(make_registration(meeting, rut, "on_site", organisation=red_cross))
    make_attendance(make_registration(meeting, bo, "online", organisation=red_cross))
    make_attendance(make_registration(meeting, lisa, "on_site", organisation=lotta))
    return World(region.id, red_cross.id, lotta.id, organiser.id, rut.id, bo.id, lisa.id, stranger.id, forum.slug,
                 meeting.id)


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        return build_world()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x9003] = "2026:03:01 10:00:00"  # DateTimeOriginal
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 200)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
