"""The QR code in a registration's e-mail: scanned by an organiser, it opens the check-in page
for that registration (attendance.check_in_code).

Mail programs block remote images and ``data:`` URIs, so the PNG travels inside the e-mail as an
inline part that the HTML refers to by its Content-ID.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
from flask import current_app

from ..models import Registration
from ..urls import public_url

QR_SCALE = 6  # pixels per module: about 250 px wide, easy to scan from a phone screen


def check_in_url(registration: Registration) -> str:
    """The public address of the registration's check-in page, also outside a request (a job)."""
    return public_url("attendance.check_in_code", meeting_id=registration.meeting_id,
                      code=registration.code)


def qr_code_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=QR_SCALE, border=4)
    return buffer.getvalue()


def check_in_qr_content_id(registration: Registration) -> str:
    """What the HTML puts after ``cid:``; the part's Content-ID header is this in angle brackets."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"check-in-{registration.meeting_id}-{registration.code}@{host}"


def check_in_qr_attachment(registration: Registration) -> dict[str, str]:
    """The QR code as an outbox attachment, shown inline by the HTML of the e-mail."""
    return {
        "filename": f"check-in-{registration.code}.png",
        "content_type": "image/png",
        "qr_code_for": check_in_url(registration),
        "content_id": f"<{check_in_qr_content_id(registration)}>",
    }


def check_in_qr_mail(registration: Registration) -> dict[str, object]:
    """What ``queue_mail`` needs to show the QR code in a confirmed registration's e-mail.

    Nothing for meetings held only online: nobody is checked in at a door there.
    """
    if not registration.meeting.has_venue:
        return {}
    return {"attachments": [check_in_qr_attachment(registration)],
            "qr_content_id": check_in_qr_content_id(registration)}
