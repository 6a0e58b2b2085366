"""Money rules of the compensation plugin, as pure functions: no database, no request.

Amounts are integer öre throughout (1 krona = 100 öre); nothing is ever a float.

Rounding rule (shown on the claim page): distances are whole kilometres as the claimant enters
them, so mileage is kilometres × the year's rate in öre, exactly; fees and receipts are entered in
kronor with at most two decimals (whole öre), so no amount is ever rounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# The mileage rate for own car, in öre per kilometre, per calendar year: the one place it is kept.
# Source: Skatteverket, "Bilersättning" (tax-free allowance for business travel with one's own
# car): 25 kronor per 10 km (per Swedish "mil") for the income years 2023–2026, i.e. 250 öre per km.
# Add a year here when Skatteverket changes the rate; a year not listed uses the latest earlier one
# (or the earliest listed, for a year before them all).
MILEAGE_ORE_PER_KM: dict[int, int] = {2023: 250, 2024: 250, 2025: 250, 2026: 250}

MAX_DISTANCE_KM = 2000  # a longer trip within the county (and back) is taken to be a typing mistake
MAX_AMOUNT_ORE = 10_000_000  # 100 000 kr: a larger single amount is refused as absurd


def mileage_rate(year: int) -> int:
    """The own-car rate in öre per km for calendar ``year``."""
    known = sorted(MILEAGE_ORE_PER_KM)
    earlier = [y for y in known if y <= year]
    return MILEAGE_ORE_PER_KM[earlier[-1] if earlier else known[0]]


class AmountError(ValueError):
    """An amount or distance that cannot be used; the message key tells which rule."""


def parse_kronor(text: str) -> int:
    """Kronor as typed ("125", "125,50", "1 250.5") → öre. More than two decimals, a negative or
    an absurd amount raises AmountError."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if cleaned.lower().endswith("kr"):
        cleaned = cleaned[:-2]
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError("not_a_number") from None
    if not value.is_finite():
        raise AmountError("not_a_number")
    ore = value * 100
    if ore != ore.to_integral_value():
        raise AmountError("too_many_decimals")
    if ore < 0:
        raise AmountError("negative")
    if ore > MAX_AMOUNT_ORE:
        raise AmountError("too_large")
    return int(ore)


def check_distance(km: int) -> int:
    if km < 0:
        raise AmountError("negative")
    if km > MAX_DISTANCE_KM:
        raise AmountError("too_far")
    return km


def format_kronor(ore: int) -> str:
    """Öre as Swedish kronor for people: "1 250,50 kr" (a non-breaking space between thousands)."""
    sign = "−" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    whole = f"{kronor:,}".replace(",", "\u00a0")
    return f"{sign}{whole},{rest:02d}\u00a0kr"


def kronor_decimal(ore: int) -> str:
    """Öre as kronor with a point and two decimals, for files ("1250.50", "-3.00")."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor}.{rest:02d}"


# --- The amount of a claim, line by line --------------------------------------------------------

FEE, MILEAGE, RECEIPT = "fee", "mileage", "receipt"


@dataclass(frozen=True)
class Attendee:
    name: str
    online: bool


@dataclass(frozen=True)
class Trip:
    driver: str
    from_place: str
    to_place: str
    km: int
    passengers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expense:
    description: str
    amount_ore: int


@dataclass(frozen=True)
class Rates:
    fee_on_site_ore: int
    fee_online_ore: int
    max_representatives: int
    mileage_ore_per_km: int


@dataclass(frozen=True)
class Line:
    kind: str  # FEE, MILEAGE or RECEIPT
    text: str
    quantity: int  # 1 for a fee or receipt, km for mileage
    unit_ore: int
    amount_ore: int
    paid: bool = True  # False: shown but not paid (a representative beyond the allowed number)


def claim_lines(attendees: Sequence[Attendee], trips: Sequence[Trip], expenses: Sequence[Expense],
                rates: Rates) -> list[Line]:
    """Every line of a claim. A fee is paid for at most ``max_representatives`` attendees (on-site
    ones first, being the larger fee when it is); one car is paid once, however many ride in it."""
    lines: list[Line] = []
    ordered = sorted(attendees, key=lambda a: (a.online, a.name))
    if rates.fee_online_ore > rates.fee_on_site_ore:
        ordered = sorted(attendees, key=lambda a: (not a.online, a.name))
    for index, attendee in enumerate(ordered):
        unit = rates.fee_online_ore if attendee.online else rates.fee_on_site_ore
        paid = index < rates.max_representatives
        lines.append(Line(FEE, attendee.name, 1, unit, unit if paid else 0, paid))
    for trip in trips:
        lines.append(Line(MILEAGE, f"{trip.from_place} – {trip.to_place}", trip.km, rates.mileage_ore_per_km,
                          trip.km * rates.mileage_ore_per_km))
    for expense in expenses:
        lines.append(Line(RECEIPT, expense.description, 1, expense.amount_ore, expense.amount_ore))
    return lines


def total(lines: Iterable[Line]) -> int:
    return sum(line.amount_ore for line in lines)


def totals_by_kind(lines: Iterable[Line]) -> dict[str, int]:
    sums = {FEE: 0, MILEAGE: 0, RECEIPT: 0}
    for line in lines:
        sums[line.kind] += line.amount_ore
    return sums


def passengers_also_driving(trips: Sequence[Trip]) -> set[str]:
    """Names recorded both as a passenger and as the driver of another trip of the same claim:
    one car is paid once, so a passenger's own car is not paid as well."""
    drivers = {t.driver.strip().casefold() for t in trips}
    return {p for t in trips for p in t.passengers if p.strip().casefold() in drivers}


def fits_budget(budget_ore: int | None, used_ore: int, amount_ore: int) -> bool:
    """Whether approving ``amount_ore`` keeps the year's approvals within the budget (None: none set)."""
    return budget_ore is None or used_ore + amount_ore <= budget_ore
