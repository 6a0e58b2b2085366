"""Figures for the yearly follow-up report: aggregates per forum, never a person."""

from __future__ import annotations

from meetings import api

from . import money
from .claims import budget_figures, claims_of_forum, forum_rules
from .i18n import _, domain
from .models import APPROVED, DRAFT, PAID


def sections(year: int, forum_ids) -> list[api.ReportSection]:
    found = []
    for forum in api.forums_in_order():
        if forum_ids is not None and forum.id not in forum_ids:
            continue
        year_claims = claims_of_forum(forum, year=year)
        budget, used, _left = budget_figures(forum, year)
        if not year_claims and budget is None and not forum_rules(forum).offered:
            continue
        sent = [c for c in year_claims if c.state != DRAFT]
        granted = [c for c in year_claims if c.state in (APPROVED, PAID)]
        figures = {
            _("Claims sent"): len(sent),
            _("Organisations compensated"): len({c.organisation_id for c in granted}),
            _("Participation fees (kr)"): sum(c.fees_ore for c in granted) / 100,
            _("Mileage (kr)"): sum(c.mileage_ore for c in granted) / 100,
            _("Costs against receipts (kr)"): sum(c.receipts_ore for c in granted) / 100,
            _("Budget used (kr)"): used / 100,
        }
        if budget is not None:
            figures[_("Budget (kr)")] = budget / 100
        html = api.render_plugin_template(domain, "compensation/followup.html", forum=forum, year=year,
                                          figures=figures, money=money)
        found.append(api.ReportSection(heading=_("Compensation: %(forum)s", forum=forum.name), html=html,
                                       figures=figures))
    return found
