"""Text that users write (descriptions, minutes) is Markdown, rendered to sanitised HTML."""

from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code",
    "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
# Rendered texts kept per process, by their text: the same description is shown on every request
# for its page, and rendering a meeting's texts took about as much CPU as all the queries of its
# page (bench/README.md). An edited text is a new key; the old one falls out as others come in. Long
# texts (whole minutes) are rendered each time, so the cache stays within about 25 MB at worst.
RENDERED_CACHE_SIZE = 2048
CACHED_TEXT_LENGTH = 4000


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    return _rendered(text) if len(text) <= CACHED_TEXT_LENGTH else _render(text)


def _render(text: str) -> Markup:
    html = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    # Headings start at h2 because the page already has its h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
    return Markup(cleaned)  # noqa: S704 - sanitised by nh3 just above


_rendered = lru_cache(maxsize=RENDERED_CACHE_SIZE)(_render)
