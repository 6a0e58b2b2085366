"""The money rules as pure functions: integer öre, the mileage rate per year, the lines of a claim."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.compensation import money, payment

names = st.text(alphabet="ÅÄÖåäöabcdefgh ", min_size=1, max_size=12)
attendees = st.lists(st.builds(money.Attendee, names, st.booleans()), max_size=8)
trips = st.lists(st.builds(money.Trip, names, names, names, st.integers(0, money.MAX_DISTANCE_KM)), max_size=4)
expenses = st.lists(st.builds(money.Expense, names, st.integers(0, money.MAX_AMOUNT_ORE)), max_size=4)
rates = st.builds(money.Rates, st.integers(0, 500_000), st.integers(0, 500_000), st.integers(0, 6),
                  st.sampled_from(sorted(set(money.MILEAGE_ORE_PER_KM.values()))))


@settings(max_examples=150, deadline=None)
@given(attendees, trips, expenses, rates)
def test_the_total_is_the_sum_of_its_lines_never_negative_and_fees_limited(people, journeys, costs, rate):
    lines = money.claim_lines(people, journeys, costs, rate)
    total = money.total(lines)
    assert total == sum(line.amount_ore for line in lines) == sum(money.totals_by_kind(lines).values())
    assert total >= 0
    assert all(isinstance(line.amount_ore, int) for line in lines)
    paid_fees = [line for line in lines if line.kind == money.FEE and line.paid]
    assert len(paid_fees) == min(len(people), rate.max_representatives)
    assert money.totals_by_kind(lines)[money.FEE] <= rate.max_representatives * max(rate.fee_on_site_ore,
                                                                                     rate.fee_online_ore)
    assert money.totals_by_kind(lines)[money.MILEAGE] == sum(t.km for t in journeys) * rate.mileage_ore_per_km


@settings(max_examples=100, deadline=None)
@given(st.integers(0, money.MAX_AMOUNT_ORE))
def test_kronor_typed_as_people_write_them_are_exact_ore(ore):
    kronor, rest = divmod(ore, 100)
    assert money.parse_kronor(f"{kronor},{rest:02d}") == ore
    assert money.parse_kronor(f"{kronor:,}.{rest:02d}".replace(",", " ")) == ore
    assert money.parse_kronor(money.format_kronor(ore)) == ore


@settings(max_examples=100, deadline=None)
@given(st.none() | st.integers(0, 10**9), st.lists(st.integers(1, 10**6), max_size=20))
def test_approvals_that_each_fit_the_budget_never_pass_it(budget, amounts):
    used = 0
    for amount in amounts:
        if money.fits_budget(budget, used, amount):
            used += amount
    assert budget is None or used <= budget


@pytest.mark.parametrize(("text", "problem"), [
    ("12,345", "too_many_decimals"), ("-5", "negative"), ("tolv", "not_a_number"), ("200000", "too_large"),
])
def test_amounts_that_cannot_be_used(text, problem):
    with pytest.raises(money.AmountError, match=problem):
        money.parse_kronor(text)


def test_distances_over_2000_km_or_negative_are_refused():
    assert money.check_distance(2000) == 2000
    for km, problem in ((2001, "too_far"), (-1, "negative")):
        with pytest.raises(money.AmountError, match=problem):
            money.check_distance(km)


def test_the_mileage_rate_is_skatteverkets_25_kronor_per_mil_and_kept_per_year():
    assert money.mileage_rate(2024) == money.mileage_rate(2025) == money.mileage_rate(2026) == 250
    assert money.mileage_rate(2030) == money.MILEAGE_ORE_PER_KM[max(money.MILEAGE_ORE_PER_KM)]
    assert money.mileage_rate(1999) == money.MILEAGE_ORE_PER_KM[min(money.MILEAGE_ORE_PER_KM)]


def test_one_car_is_paid_once_a_passenger_driving_too_is_found():
    trips = [money.Trip("Anna", "Kiruna", "Luleå", 340, ("Bo",)), money.Trip("Bo", "Kiruna", "Luleå", 340)]
    assert money.passengers_also_driving(trips) == {"Bo"}
    assert money.passengers_also_driving(trips[:1]) == set()


def test_format_in_swedish():
    assert money.format_kronor(125050) == "1\u00a0250,50\u00a0kr"
    assert money.kronor_decimal(125050) == "1250.50"


@pytest.mark.parametrize(("method", "number", "stored"), [
    ("bankgiro", "5050-1055", "50501055"), ("plusgiro", "410549-0", "4105490"),
    ("iban", "SE45 5000 0000 0583 9825 7466", "SE4550000000058398257466"),
])
def test_payment_numbers_with_right_check_digits(method, number, stored):
    assert payment.normalise(method, number) == stored
    assert payment.masked(method, stored).endswith(stored[-4:])
    assert stored[:-4] not in payment.masked(method, stored)


@pytest.mark.parametrize(("method", "number", "problem"), [
    ("bankgiro", "5050-1056", "check_digit"), ("plusgiro", "410549-1", "check_digit"),
    ("iban", "SE45 5000 0000 0583 9825 7467", "check_digit"), ("bankgiro", "12", "format"),
    ("bankgiro", "5050-105x", "format"), ("iban", "not an iban", "format"),
])
def test_payment_numbers_with_wrong_check_digits_are_refused(method, number, problem):
    with pytest.raises(payment.PaymentError, match=problem):
        payment.normalise(method, number)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789", min_size=6, max_size=7), st.integers(0, 6), st.integers(1, 9))
def test_a_bankgiro_with_its_luhn_digit_is_accepted_and_any_single_digit_changed_is_refused(body, position, shift):
    from stdnum import luhn

    number = body + luhn.calc_check_digit(body)
    assert payment.normalise("bankgiro", f"{number[:-4]}-{number[-4:]}") == number
    position %= len(number)
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    with pytest.raises(payment.PaymentError, match="check_digit"):
        payment.normalise("bankgiro", wrong)
