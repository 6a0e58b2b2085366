"""The protocol as a PDF/A document, from an HTML template, with WeasyPrint."""

from __future__ import annotations

from flask import current_app
from weasyprint import HTML

from meetings import api

from .i18n import domain


def render(protocol, paragraphs=None) -> bytes:
    """The whole protocol, or an extract (protokollsutdrag) of ``paragraphs``, as PDF/A-3b."""
    html = api.render_plugin_template(domain, "minutes/pdf.html", protocol=protocol, meeting=protocol.meeting,
                                      paragraphs=paragraphs if paragraphs is not None else protocol.paragraphs,
                                      is_extract=paragraphs is not None, markdown=api.render_markdown)
    return HTML(string=str(html), base_url=current_app.root_path).write_pdf(pdf_variant="pdf/a-3b")
