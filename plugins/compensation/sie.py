"""Approved claims as an SIE 4 file for the accounts (SIE-Gruppen's format, version 4B).

One voucher (#VER) per claim, dated the day it was approved: the costs by kind in debit, the
whole amount in credit on the payable account, so every voucher balances. The file is PC8 (code
page 437, where Å, Ä and Ö exist) with CRLF line ends, as the format prescribes. Accounts come
from the settings ``COMPENSATION_SIE_ACCOUNT_*``.
"""

from __future__ import annotations

from flask import current_app

from meetings import api

from . import money

ACCOUNTS = (  # setting, default account, the account's name in the file
    ("COMPENSATION_SIE_ACCOUNT_FEES", "6990", "Deltagarersättning till föreningar"),
    ("COMPENSATION_SIE_ACCOUNT_MILEAGE", "5800", "Resekostnader, bilersättning"),
    ("COMPENSATION_SIE_ACCOUNT_RECEIPTS", "5890", "Övriga resekostnader mot kvitto"),
    ("COMPENSATION_SIE_ACCOUNT_PAYABLE", "2440", "Leverantörsskulder"),
)


def account(setting: str) -> str:
    default = next(d for s, d, _n in ACCOUNTS if s == setting)
    return str(current_app.config.get(setting) or default)


def quoted(text: str) -> str:
    return '"' + " ".join(str(text).split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(forum: api.Forum, year: int, claims: list) -> bytes:
    today = api.local_time(api.utcnow()).strftime("%Y%m%d")
    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        f'#PROGRAM {quoted("Dialogmöten, ersättning")} "1.0"',
        f"#GEN {today}",
        f"#FNAMN {quoted(forum.organiser.name)}",
    ]
    if forum.organiser.org_number:
        lines.append(f"#ORGNR {forum.organiser.formatted_org_number}")
    lines.append(f"#RAR 0 {year}0101 {year}1231")
    for setting, _default, name in ACCOUNTS:
        lines.append(f"#KONTO {account(setting)} {quoted(name)}")
    for number, claim in enumerate(claims, start=1):
        moment = claim.decided_at or claim.submitted_at or claim.created_at
        day = api.local_time(moment).strftime("%Y%m%d")
        text = f"Ersättning {claim.organisation.name}, {claim.meeting.title} (ärende {claim.id})"
        lines.append(f'#VER "E" {number} {day} {quoted(text)}')
        lines.append("{")
        for setting, amount in (("COMPENSATION_SIE_ACCOUNT_FEES", claim.fees_ore),
                                ("COMPENSATION_SIE_ACCOUNT_MILEAGE", claim.mileage_ore),
                                ("COMPENSATION_SIE_ACCOUNT_RECEIPTS", claim.receipts_ore)):
            if amount:
                lines.append(f"#TRANS {account(setting)} {{}} {money.kronor_decimal(amount)}")
        lines.append(f"#TRANS {account('COMPENSATION_SIE_ACCOUNT_PAYABLE')} {{}} "
                     f"{money.kronor_decimal(-(claim.fees_ore + claim.mileage_ore + claim.receipts_ore))}")
        lines.append("}")
    return ("\r\n".join(lines) + "\r\n").encode("cp437", errors="replace")
