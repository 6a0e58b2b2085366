"""Long lists shown a page at a time: the register, the forum catalogue, the meetings directory, a
forum's past meetings and member organisations, a plugin's lists. One rule for page numbers, used by
every such page; the page links are drawn by one template macro (``_pagination.html``).

A page costs one count and one ``LIMIT``/``OFFSET`` query, however long the list grows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func

from ..extensions import db

T = TypeVar("T")

# Longer than any page number a list can reach; a longer "number" is not one.
MAX_PAGE_DIGITS = 12


def page_count(total: int, page_size: int) -> int:
    """How many pages ``total`` items fill; an empty list is one (empty) page."""
    return max(1, math.ceil(total / page_size))


def page_links(page: int, pages: int, around: int = 2) -> list[int | None]:
    """Page numbers to link to: the first, the last and a few around ``page``; None for a gap."""
    wanted = {1, pages, *range(page - around, page + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= pages)
    links: list[int | None] = []
    for previous, number in zip([None, *numbers], numbers, strict=False):
        if previous is not None and number - previous == 2:
            links.append(previous + 1)  # a gap of one page is shown as that page, not as "…"
        elif previous is not None and number - previous > 2:
            links.append(None)
        links.append(number)
    return links


def parse_page_number(raw: str | None) -> int | None:
    """The page a query string asks for: 1 when it asks for none, None when it is not a page number
    (not a whole number, or below 1). For pages that explain a wrong number."""
    if raw is None or raw == "":
        return 1
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_PAGE_DIGITS:
        return None
    number = int(text)
    return number if number >= 1 else None


def parse_page(raw: str | None) -> int:
    """The page number asked for in the address; anything that is not a number (``x``, ``0``,
    ``-1``, a number too long to read) is the first page. ``page_of`` brings a number past the end
    back to the last page."""
    return parse_page_number(raw) or 1


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with what the page links need."""

    items: Sequence[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)

    @property
    def first_number(self) -> int:
        """The position in the whole list of the first item on this page (1-based); 0 when empty."""
        return (self.page - 1) * self.page_size + 1 if self.items else 0

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.items) - 1 if self.items else 0

    def page_links(self, around: int = 2) -> list[int | None]:
        return page_links(self.page, self.pages, around)


def page_of(query: Select, page: int, page_size: int) -> Page:
    """One page of the rows of ``query`` (a ``select`` of one entity, in its final order).

    A page past the end shows the last page, so that a shared link to page 9 still shows something
    after the list has shrunk.
    """
    total = db.session.scalar(
        query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)) or 0
    page = min(max(1, page), page_count(total, page_size))
    items = list(db.session.scalars(query.limit(page_size).offset((page - 1) * page_size)))
    return Page(items=items, total=total, page=page, page_size=page_size)
