"""The yearly follow-up: a public summary for anyone, the full report for admins and organisers,
and the full report as PDF, XLSX and CSV. The figures come from ``meetings.domain.followup``."""

from __future__ import annotations

from babel.numbers import format_percent
from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..auth import login_required
from ..charts import bar_chart
from ..domain import followup as domain
from ..exports import table_response, workbook_response

bp = Blueprint("followup", __name__, url_prefix="/followup")

DOWNLOADS = ("pdf", "xlsx", "csv")


@bp.app_template_filter("share")
def share(value: float) -> str:
    """A share as a percentage with one decimal, in the visitor's language: 66.7% or 66,7 %."""
    return format_percent(round(value, 3), locale=get_locale(), decimal_quantization=False)


def _charts(report: domain.Report, tables: list[domain.Table]) -> dict[str, str]:
    series_names = (str(report.previous_year), str(report.year))
    return {
        table.key: bar_chart(
            [row.label for row in table.rows],
            [(series_names[0], [row.previous for row in table.rows]),
             (series_names[1], [row.current for row in table.rows])],
            horizontal=len(table.rows) > 6)
        for table in tables if table.chart
    }


def _year_or_notice():
    raw = request.args.get("year")
    year = domain.parse_year(raw)
    notice = None
    if year is None:
        choices = domain.year_choices()
        notice = _("There is no report for the year “%(year)s”. Choose a year from %(first)s to %(last)s.",
                   year=raw, first=choices[-1], last=choices[0])
    return year, notice


@bp.get("")
def summary():
    """What anyone may see: meetings, and totals of people and organisations with small counts hidden."""
    year, notice = _year_or_notice()
    context = {"year": year, "notice": notice, "years": domain.year_choices(), "report": None}
    if year is not None:
        report = domain.build_report(year, None, with_sections=False)
        tables = domain.public_tables(report)
        context.update(report=report, tables=tables, charts=_charts(report, tables))
    return render_template("followup/summary.html", **context)


def _full_report_request():
    """The year, the forums and a notice for the full report, from the query and the person's scope."""
    if not domain.may_see_full_report(g.person):
        abort(403)
    scope = domain.report_scope(g.person)
    year, notice = _year_or_notice()
    forum_ids = scope
    raw_forum = request.args.get("forum", "")
    chosen = None
    if raw_forum:
        visible = {forum.id for forum in domain.forums_in_scope(scope)}
        if raw_forum.isdigit() and int(raw_forum) in visible:
            chosen = int(raw_forum)
            forum_ids = [chosen]
        else:
            notice = _("You do not organise that forum, so the report shows the forums you organise.")
    return year, scope, forum_ids, chosen, notice


@bp.get("/report")
@login_required
def report():
    year, scope, forum_ids, chosen, notice = _full_report_request()
    context = {"year": year, "notice": notice, "years": domain.year_choices(), "report": None,
               "scope_forums": domain.forums_in_scope(scope), "chosen_forum": chosen, "all_forums": scope is None}
    if year is not None:
        report = domain.build_report(year, forum_ids)
        context.update(report=report, tables=report.tables, charts=_charts(report, report.tables))
    return render_template("followup/report.html", **context)


@bp.get("/report.<fmt>")
@login_required
def report_file(fmt: str):
    if fmt not in DOWNLOADS:
        abort(404)
    year, _scope, forum_ids, chosen, notice = _full_report_request()
    if year is None or notice:
        return redirect(url_for(".report", **request.args))
    report = domain.build_report(year, forum_ids)
    filename = _("follow-up-%(year)s", year=year)
    if fmt == "pdf":
        return _pdf(report, filename)
    if fmt == "xlsx":
        return workbook_response(filename, [
            (table.title, [table.label_heading, str(report.year), str(report.previous_year)],
             [(row.label, _cell(row, row.current), _cell(row, row.previous)) for row in table.rows])
            for table in _all_tables(report)])
    return table_response("csv", filename, [_("Table"), _("Figure"), str(report.year), str(report.previous_year)],
                          [(table.title, row.label, _cell(row, row.current), _cell(row, row.previous))
                           for table in _all_tables(report) for row in table.rows])


def _all_tables(report: domain.Report) -> list[domain.Table]:
    """The core's tables and a table for each plugin section's figures."""
    return report.tables + [domain.Table(f"plugin_{section.plugin}", section.heading, section.rows,
                                         label_heading=_("Figure"))
                            for section in report.sections if not section.failed and section.rows]


def _cell(row: domain.Row, value):
    if value is None:
        return None
    if row.percent:
        return share(value)
    return value


def _pdf(report: domain.Report, filename: str) -> Response:
    from weasyprint import HTML

    html = render_template("followup/report_pdf.html", report=report, tables=report.tables,
                           charts=_charts(report, report.tables))
    # PDF/A-3b: the committee's papers are archived (DESIGN.md, "Real parts").
    body = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")  # no links: charts are data: URLs
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
