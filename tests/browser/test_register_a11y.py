"""The organisation register and organisation pages: WCAG 2.1 AA in Swedish and English at desktop and
phone width, with filters chosen, on a later page and with no match; and searching without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import _seed
from .support import (
    PHONE,
    Site,
    assert_accessible,
    live_site,
    open_checked,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en"]
VILLAGES = 30  # with the shared data, more than one page of the register


def _seed_register(ids: dict) -> dict:
    """The shared data, plus what the register's pages show only when it is there."""
    from meetings.extensions import db
    from meetings.models import (
        Forum,
        ForumRepresentative,
        Level,
        Membership,
        MembershipRole,
        Municipality,
        Organisation,
        OrganisationKind,
        OrganisationStatus,
        Person,
        SubjectArea,
    )

    culture = db.session.scalar(db.select(SubjectArea).where(SubjectArea.code == "kultur"))
    lulea = db.session.scalar(db.select(Municipality).where(Municipality.code == "2580"))
    for number in range(1, VILLAGES + 1):
        db.session.add(Organisation(
            name=f"Byaförening nr {number:02d}", kind=OrganisationKind.CIVIL_SOCIETY, level=Level.LOCAL,
            icnpo_group=6, subject_areas=[culture], municipalities=[lulea],
            description="Vi håller **byagården** öppen och ordnar midsommarfirande."))
    association = db.session.get(Organisation, ids["association"])
    association.umbrella_confirmed = True
    membership = db.session.scalar(db.select(Membership).where(Membership.person_id == ids["representative"]))
    membership.shown_publicly, membership.title = True, "Ordförande"
    forum_id = db.session.scalar(db.select(Forum.id).where(Forum.slug == ids["forum"]))
    db.session.add(ForumRepresentative(forum_id=forum_id, organisation_id=association.id,
                                       person_id=ids["representative"]))

    pending = Organisation(name="Väntande byaförening", kind=OrganisationKind.CIVIL_SOCIETY, level=Level.LOCAL,
                           status=OrganisationStatus.PENDING, subject_areas=[culture], municipalities=[lulea],
                           description="Vi har just anmält oss till registret.")
    kim = Person(email="kim@byn.example", name="Kim Bybo")
    db.session.add_all([pending, kim])
    db.session.flush()
    db.session.add(Membership(person=kim, organisation=pending, role=MembershipRole.REPRESENTATIVE))
    db.session.commit()
    return {**ids, "pending": pending.id}


@pytest.fixture(scope="module")
def site(tmp_path_factory, _database_for_session) -> Iterator[Site]:
    """As the shared live server (tests/browser/conftest.py), with the register's extra data."""
    with live_site(tmp_path_factory, _database_for_session, "register",
                   lambda: _seed_register(_seed())) as served:
        yield served


SCREENS = {
    "register": (lambda ids: "/organisations", None, 200),
    "register-filtered": (lambda ids: "/organisations?q=förening&area=kultur&municipality=2580&level=local&icnpo=6",
                          None, 200),
    "register-page-2": (lambda ids: "/organisations?page=2", None, 200),
    "register-no-match": (lambda ids: "/organisations?q=xyzzy", None, 200),
    "association": (lambda ids: f"/organisations/{ids['association']}", None, 200),
    "umbrella-with-members": (lambda ids: f"/organisations/{ids['umbrella']}", None, 200),
    "public-body-organising-forums": (lambda ids: f"/organisations/{ids['region']}", None, 200),
    "pending-for-its-representative": (lambda ids: f"/organisations/{ids['pending']}", "Kim Bybo", 200),
    "pending-for-a-visitor": (lambda ids: f"/organisations/{ids['pending']}", None, 404),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_register_pages_pass_axe_and_fit_a_phone(new_page, site, name, language):
    path, signed_in_as, status = SCREENS[name]
    page = open_checked(new_page, site, site(path(site.ids)), language, signed_in_as=signed_in_as, status=status)
    assert_accessible(page, f"{name} in {language}")


def result_names(page) -> list[str]:
    return page.locator(".results .result-title").all_inner_texts()


def test_searching_and_paging_work_without_javascript(new_page, site):
    page = new_page(language="en", javascript=False, viewport=PHONE)
    page.goto(site("/organisations"))
    page.get_by_label("Name or description contains").fill("BYAFÖRENING")
    page.locator("summary").filter(has_text="Subject areas").click()
    page.get_by_label("Culture").check()
    page.get_by_label("Level").select_option(label="Local")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()

    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["BYAFÖRENING"] and query["area"] == ["kultur"] and query["level"] == ["local"]
    expect(page.get_by_role("heading", level=2, name=re.compile("30 organisations match"))).to_be_visible()
    assert result_names(page) == [f"Byaförening nr {n:02d}" for n in range(1, 26)]
    # The form shows what was chosen, so the search can be changed rather than started again.
    expect(page.get_by_label("Name or description contains")).to_have_value("BYAFÖRENING")
    expect(page.get_by_label("Culture")).to_be_checked()

    page.get_by_role("navigation", name="Pages of the list").get_by_role("link", name="Next page").click()
    assert result_names(page) == [f"Byaförening nr {n:02d}" for n in range(26, 31)]
    assert parse_qs(urlsplit(page.url).query)["area"] == ["kultur"]
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")

    page.get_by_role("link", name="Clear search and filters").click()
    expect(page.get_by_label("Name or description contains")).to_have_value("")
    expect(page.get_by_role("heading", level=2, name=re.compile(r"\d+ organisations in the register"))).to_be_visible()
    expect(page.get_by_role("link", name="Clear search and filters")).to_have_count(0)


def test_an_organisation_page_leads_to_its_umbrella_and_forums(new_page, site):
    page = new_page(language="en")
    page.goto(site(f"/organisations/{site.ids['association']}"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Rut Representant")
    expect(main).not_to_contain_text("rut@laslust.example")
    main.get_by_role("link", name="Norrbottens bildningsförbund").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Norrbottens bildningsförbund")
    page.get_by_role("main").get_by_role("link", name="Föreningen Läslust").click()
    page.get_by_role("main").get_by_role("link", name="Regionalt dialogforum").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regionalt dialogforum")
