"""A forum of Region Norrbotten with a past meeting: agenda, registrations and recorded attendance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from meetings.extensions import db
from meetings.models import AgendaItem
from meetings.testing import (
    make_attendance,
    make_forum,
    make_meeting,
    make_organisation,
    make_person,
    make_registration,
)


def build_world(start: datetime | None = None) -> dict:
    region = make_organisation("Region Norrbotten", "public_body")
    red_cross = make_organisation("Svenska Röda Korset", contact_email="rodakorset@example.org")
    rf_sisu = make_organisation("RF-SISU Norrbotten", contact_email="rfsisu@example.org")
    organiser = make_person("olle@example.org", "Olle Organisatör", organises_for=region)
    chair = make_person("karin@example.org", "Karin Ordförande", represents=region, locale="sv")
    anna = make_person("anna@example.org", "Anna Andersson", represents=red_cross, locale="sv")
    bo = make_person("bo@example.org", "Bo Berg", represents=rf_sisu, locale="en")
    outsider = make_person("eva@example.org", "Eva Utomstående")
    forum = make_forum(region, "Länspartnerskapet", members=[red_cross, rf_sisu])
    start = start or (datetime.now(UTC) - timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    meeting = make_meeting(forum, "Partnerskapsmöte", starts_at=start)
    for position, title in enumerate(["Mötets öppnande", "Regional överenskommelse", "Handlingsplan"]):
        db.session.add(AgendaItem(meeting=meeting, position=position, title=title))
    db.session.commit()
    make_attendance(make_registration(meeting, anna, "on_site", organisation=red_cross))
    make_attendance(make_registration(meeting, bo, "online", organisation=rf_sisu))
    make_attendance(make_registration(meeting, chair, "on_site", organisation=region))
    other_region = make_organisation("Länsstyrelsen Norrbotten", "public_body")
    other_organiser = make_person("lena@example.org", "Lena Länsstyrelsen", organises_for=other_region)
    return {"region": region.id, "red_cross": red_cross.id, "rf_sisu": rf_sisu.id, "organiser": organiser.id,
            "chair": chair.id, "anna": anna.id, "bo": bo.id, "outsider": outsider.id, "forum": forum.id,
            "meeting": meeting.id, "other_organiser": other_organiser.id}


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()
