"""The page where an organisation chooses its news by e-mail: WCAG 2.1 AA in Swedish and English,
at desktop and phone width, as it opens, after saving and with an error."""

from __future__ import annotations

import pytest

from .support import (
    assert_accessible,
    open_checked,
    sign_in_as,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]


def interests_path(site) -> str:
    return f"/organisations/{site.ids['association']}/interests"


def save(page) -> None:
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def as_opened(page) -> None:
    """Nothing to do: the page as it first opens."""


def after_saving(page) -> None:
    page.get_by_label("Luleå").check()
    save(page)
    assert page.locator(".messages").count() == 1, "no confirmation was shown"


def with_an_error(page) -> None:
    # Only a tampered form can choose something that is not offered; the page must still explain it.
    page.locator("input[name=subject_areas]").first.evaluate("box => { box.value = '999999'; box.checked = true; }")
    save(page)
    assert page.locator(".error-summary").count() == 1, "the form showed no error"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", [as_opened, after_saving, with_an_error], ids=lambda state: state.__name__)
def test_interests_page_passes_axe_and_fits_a_phone(new_page, site, state, language):
    page = open_checked(new_page, site, site(interests_path(site)), language, signed_in_as="Rut Representant",
                        then=state)
    assert page.locator("main fieldset legend").count() == 2, "subject areas and municipalities each need a legend"

    assert_accessible(page, f"interests page ({state.__name__}) in {language}")


def test_choices_are_made_with_labels_and_kept_without_javascript(new_page, site):
    page = new_page(language="en", javascript=False)
    sign_in_as(page, site, "Rut Representant")
    page.goto(site(interests_path(site)))
    page.get_by_label("Culture").check()
    page.get_by_label("Piteå").check()
    save(page)

    page.goto(site(interests_path(site)))
    assert page.get_by_label("Culture").is_checked()
    assert page.get_by_label("Piteå").is_checked()
    assert not page.get_by_label("Public health").is_checked()
