"""Every page of the compensation plugin: WCAG 2.1 AA (axe-core) in Swedish and English, at desktop
and phone width, and a claim made with the keyboard-free basics (no JavaScript needed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from meetings import api

from .support import Site, assert_accessible, live_site, open_checked, sign_in_as

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]


def _seed() -> dict:
    from plugins.compensation import claims
    from plugins.compensation.models import PaymentDetails
    from tests.compensation.conftest import build_world

    world = build_world()
    meeting = api.get_meeting(world.meeting)
    red, lotta = api.get_organisation(world.red_cross), api.get_organisation(world.lotta)
    rut, lisa = api.get_person(world.rut), api.get_person(world.lisa)
    api.db.session.add(PaymentDetails(organisation_id=red.id, method="bankgiro", number="73551236"))
    api.db.session.add(PaymentDetails(organisation_id=lotta.id, method="iban", number="SE4550000000058398257466"))
    draft = claims.start(meeting, red, rut)
    claims.add_trip(draft, rut, "Rut Åström", "Kiruna", "Luleå", 680, ["Kalle Kvist"])
    sent = claims.start(meeting, lotta, lisa)
    claims.submit(sent, lisa)
    api.db.session.commit()
    return {"world": world, "sent": sent.id}


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    with live_site(tmp_path_factory, _database_for_session, "compensation", _seed) as served:
        yield served


def pages(site):
    world = site.ids["world"]
    return {
        "claim": (world.claim_page, "Rut Åström"),
        "payment details": (world.payment_page, "Rut Åström"),
        "meeting page panel": (f"/meetings/{world.meeting}", "Rut Åström"),
        "forum queue": (f"/compensation/forums/{world.forum}", "Olle Organisatör"),
        "forum rules": (f"/compensation/forums/{world.forum}/rules", "Olle Organisatör"),
        "meeting's claims": (f"/compensation/meetings/{world.meeting}/handle", "Olle Organisatör"),
        "handling a claim": (f"/compensation/claims/{site.ids['sent']}", "Olle Organisatör"),
    }


PAGE_NAMES = ["claim", "payment details", "meeting page panel", "forum queue", "forum rules", "meeting's claims",
              "handling a claim"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_compensation_page_passes_axe_and_fits_a_phone(new_page, site, name, language):
    path, who = pages(site)[name]
    page = open_checked(new_page, site, site(path), language, signed_in_as=who)
    assert_accessible(page, f"{name} in {language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_errors_beside_the_fields_pass_axe(new_page, site, language):
    world = site.ids["world"]

    def bad_distance(page):
        page.locator("#km").fill("5000")
        page.locator("form[action$='/trips'] button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1

    page = open_checked(new_page, site, site(world.claim_page), language, signed_in_as="Rut Åström",
                        then=bad_distance, status=200)
    assert_accessible(page, f"claim with an error in {language}")


def test_a_journey_is_added_without_javascript(new_page, site):
    world = site.ids["world"]
    page = new_page(language="en", javascript=False)
    sign_in_as(page, site, "Rut Åström")
    page.goto(site(world.claim_page))
    page.get_by_label("Driver").fill("Bo Öberg")
    page.get_by_label("From", exact=True).fill("Gällivare")
    page.get_by_label("To", exact=True).fill("Luleå")
    page.get_by_label("Distance there and back, in whole km").fill("490")
    page.locator("form[action$='/trips'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Mileage: Gällivare – Luleå" in page.content()
