"""Lists shown a page at a time: the register, the forum catalogue and the meetings directory.

The page links are drawn by one template macro (``_pagination.html``) from what is here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")

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
    (not a whole number, or below 1)."""
    if raw is None or raw == "":
        return 1
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_PAGE_DIGITS:
        return None
    number = int(text)
    return number if number >= 1 else None


@dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of a list, with what the page links need."""

    items: Sequence[Item]
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
