"""Example minutes for ``flask meetings demo``: in the demo forums' past meetings, one published,
one published and corrected (revision 2), and one draft. Inserted only where missing."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from meetings import api

from . import rules
from .models import ADJUSTER, CHAIR, ON_SITE, ONLINE, PENDING, Attendee, Signer

db = api.db

TEXTS = [
    ("Regional överenskommelse mellan Region Norrbotten, Länsstyrelsen och civilsamhället", "00677-2020",
     "Förslaget till överenskommelse presenterades. **Samforma** framförde inspel från sina "
     "medlemsorganisationer om hur inspel från civilsamhället tas tillvara i offentlig sektor.",
     "Forumet ställer sig bakom förslaget till överenskommelse."),
    ("Handlingsplan och årlig uppföljning", "",
     "Handlingsplanen ska följas upp årligen och rapporteras till relevanta politiska forum.\n\n"
     "- en årlig mötesplats\n- ersättning till föreningar för deltagande",
     "Handlingsplanen antas. Uppföljningen redovisas vid nästa möte."),
]


def _people(meeting):
    forum = meeting.forum
    organisers = [m.person for m in forum.organiser.memberships if m.role == api.MembershipRole.ORGANISER]
    representatives = [(m.person, member.organisation) for member in api.forum_members(forum)
                       for m in member.organisation.memberships if m.role == api.MembershipRole.REPRESENTATIVE]
    return organisers, representatives


def _fill(meeting, corrected: bool, approved: bool) -> bool:
    organisers, representatives = _people(meeting)
    if not organisers or len(representatives) < 2:
        return False
    secretary = organisers[0]
    protocol = rules.start_minutes(meeting, secretary)
    if not protocol.attendees:
        for person, organisation in representatives[:6]:
            protocol.attendees.append(Attendee(person_id=person.id, name=person.display_name,
                                               organisation_id=organisation.id, organisation_name=organisation.name,
                                               mode=ONLINE if person.id % 2 else ON_SITE))
    chair = organisers[-1]
    adjusters = [p for p, _o in representatives if p.id != chair.id][:2]
    protocol.signers.append(Signer(person_id=chair.id, name=chair.display_name, role=CHAIR))
    for person in adjusters:
        protocol.signers.append(Signer(person_id=person.id, name=person.display_name, role=ADJUSTER))
    for title, dnr, discussion, decision in TEXTS:
        paragraph = rules.add_paragraph(protocol, title)
        paragraph.case_number, paragraph.discussion, paragraph.decision = dnr, discussion, decision
        paragraph.speakers = [representatives[0][1]]
    last = protocol.paragraphs[-1]
    last.actions.append(rules.Action(what="Sammanställa civilsamhällets inspel till den årliga uppföljningen",
                                     organisation_id=representatives[0][1].id, who_name=representatives[0][1].name,
                                     due=date.today() + timedelta(days=30)))
    db.session.flush()
    if not approved:
        # The draft's last paragraph was approved at once at the meeting (omedelbar justering).
        last.immediate = True
        for signer in protocol.signers:
            rules.approve_paragraph(last, api.get_person(signer.person_id))
        return True
    _approve(protocol)
    rules.publish(protocol)
    if corrected:
        rules.start_correction(protocol, "Rättelse av beslutstexten i den sista paragrafen.", secretary)
        protocol.paragraphs[-1].decision += " Beslutet förklaras omedelbart justerat."
        _approve(protocol)
    return True


def _approve(protocol):
    protocol.status = PENDING
    protocol.sent_at = api.utcnow()
    db.session.flush()
    for signer in protocol.signers:
        rules.approve(protocol, api.get_person(signer.person_id))


def load(app) -> dict[str, int]:
    now = api.utcnow()
    with_minutes = set(db.session.scalars(select(rules.Protocol.meeting_id)))
    past = [m for forum in api.forums_in_order() for m in forum.meetings
            if m.starts_at < now and m.status == api.MeetingStatus.PUBLISHED]
    past.sort(key=lambda m: (m.starts_at, m.id))
    plan = [(False, True), (True, True), (False, False)]  # published, corrected, draft
    if not with_minutes:
        for meeting in past:
            if not plan:
                break
            corrected, approved = plan[0]
            if _fill(meeting, corrected, approved):
                plan.pop(0)
        db.session.commit()
    return {"minutes": rules.count(rules.Protocol)}
