"""Swedish organisation numbers are checked by python-stdnum and kept as 10 digits."""

import pytest
from stdnum import luhn

from meetings.domain.orgnumber import format_org_number, normalise_org_number


def valid_number(first_nine: str) -> str:
    """A valid organisation number: nine digits and the Luhn check digit computed for them."""
    return first_nine + luhn.calc_check_digit(first_nine)


ASSOCIATION = valid_number("802002428")  # an ideell förening: numbers in the 802 series
REGION = valid_number("232100023")  # a region: the 2 series


def with_wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.mark.parametrize("typed", [
    f"{ASSOCIATION[:6]}-{ASSOCIATION[6:]}",
    ASSOCIATION,
    f" {ASSOCIATION[:6]} {ASSOCIATION[6:]} ",
    f"16{ASSOCIATION[:6]}-{ASSOCIATION[6:]}",  # Skatteverket's 12-digit form
])
def test_a_valid_number_is_kept_as_ten_digits_however_it_is_typed(typed):
    assert normalise_org_number(typed) == ASSOCIATION


def test_a_public_body_number_is_valid_too():
    assert normalise_org_number(REGION) == REGION


@pytest.mark.parametrize("typed", [
    with_wrong_check_digit(ASSOCIATION),
    ASSOCIATION[:-1],  # too short
    ASSOCIATION + "0",  # too long
    f"19{ASSOCIATION}",  # a 12-digit form that is not Skatteverket's 16 prefix
    "80200A-4280",
    "",
    "   ",
])
def test_a_wrong_number_is_refused_without_a_message_of_its_own(typed):
    with pytest.raises(ValueError) as refused:
        normalise_org_number(typed)
    assert str(refused.value) == ""  # the form gives the message, in the user's language


def test_a_personal_identity_number_is_not_an_organisation_number():
    """Personnummer pass the Luhn check too, but their third digit (the month) is 0 or 1."""
    personnummer = valid_number("811218987")
    assert luhn.is_valid(personnummer)
    with pytest.raises(ValueError):
        normalise_org_number(personnummer)


def test_numbers_are_written_with_a_hyphen_after_six_digits():
    assert format_org_number(ASSOCIATION) == f"{ASSOCIATION[:6]}-{ASSOCIATION[6:]}"
    assert format_org_number("2321000230") == "232100-0230"
