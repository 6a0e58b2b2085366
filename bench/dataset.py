"""A register the size of a large county: thousands of associations, hundreds of forums.

Starts from the demo data (the organisations, forums and people of the mapping report) and adds
generated ones that look like Norrbotten's: sports clubs, village and local-history associations,
pensioners' and parents' groups, hunting and fishing clubs, congregations and minority associations
in the county's towns and villages. The same seed always gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from meetings.collation import swedish_sort_key
from meetings.demo_data import load_demo_data
from meetings.extensions import db
from meetings.models import (
    Forum,
    ForumMember,
    Level,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Municipality,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    ParticipationLevel,
    SubjectArea,
    search_key,
)
from meetings.models.forum import forum_municipality, forum_subject_area
from meetings.models.organisation import organisation_municipality, organisation_subject_area

# Towns and villages of each municipality, by SCB's kommunkod.
PLACES: dict[str, tuple[str, ...]] = {
    "2506": ("Arjeplog", "Slagnäs", "Laisvall", "Mellanström", "Jäckvik"),
    "2505": ("Arvidsjaur", "Glommersträsk", "Moskosel", "Abborrträsk"),
    "2582": ("Boden", "Harads", "Gunnarsbyn", "Sävast", "Unbyn", "Svartbyn"),
    "2523": ("Gällivare", "Malmberget", "Koskullskulle", "Nattavaara", "Hakkas", "Ullatti"),
    "2583": ("Haparanda", "Karungi", "Nikkala", "Seskarö", "Vitvattnet"),
    "2510": ("Jokkmokk", "Vuollerim", "Porjus", "Kvikkjokk", "Murjek"),
    "2514": ("Kalix", "Töre", "Båtskärsnäs", "Sangis", "Morjärv", "Rolfs"),
    "2584": ("Kiruna", "Vittangi", "Karesuando", "Svappavaara", "Abisko", "Jukkasjärvi"),
    "2580": ("Luleå", "Gammelstad", "Råneå", "Sunderbyn", "Antnäs", "Persön", "Björkskatan", "Kallax"),
    "2521": ("Pajala", "Korpilombolo", "Tärendö", "Junosuando", "Kangos"),
    "2581": ("Piteå", "Hortlax", "Rosvik", "Norrfjärden", "Öjebyn", "Roknäs", "Sjulsmark"),
    "2560": ("Älvsbyn", "Vidsel", "Vistheden", "Korsträsk"),
    "2513": ("Överkalix", "Lansjärv", "Tallvik", "Bergnäs"),
    "2518": ("Övertorneå", "Svanstein", "Juoksengi", "Hedenäset"),
}


@dataclass(frozen=True)
class Kind:
    """A kind of association: how its name is formed, what it does, and how it describes itself."""

    pattern: str  # {place}, {places} (its genitive) and {word} are filled in
    words: tuple[str, ...]
    icnpo: int
    areas: tuple[str, ...]
    about: tuple[str, ...]


KINDS: tuple[Kind, ...] = (
    Kind("{place} {word}klubb", ("skid", "skytte", "bordtennis", "orienterings", "curling", "brukshunds",
                                 "ryttar", "segel", "golf", "cykel", "bowling", "schack", "kanot", "sim",
                                 "innebandy", "fotbolls", "skoter", "dans", "friidrotts", "boxnings", "handbolls",
                                 "ishockey", "volleyboll", "brottnings", "tennis", "badminton", "gymnastik",
                                 "klätter", "hundsport", "fiske"),
         1, ("friluftsliv", "barn-och-unga", "folkhalsa"),
         ("Vi tränar barn, unga och vuxna i {place} flera kvällar i veckan.",
          "Klubben ordnar tävlingar och läger och har ett hundratal aktiva medlemmar.",
          "Alla är välkomna att prova på – utrustning finns att låna.")),
    Kind("{places} {word}förening", ("hembygds", "konst", "teater", "film", "foto", "trädgårds", "biodlar",
                                     "släktforsknings", "motor", "veteranbils", "astronomi", "natur", "musik",
                                     "byggnadsvårds", "slöjd", "bok", "läs", "kör", "spelmans", "folkdans",
                                     "fågel", "svamp", "radioamatör", "modellflyg", "vandrings"),
         1, ("kultur", "kulturmiljo"),
         ("Föreningen samlar intresserade i {place} med omnejd till möten, kurser och utställningar.",
          "Vi vårdar bygdens historia och håller föreningslokalen öppen sommartid.",
          "Årsmötet hålls i mars; nya medlemmar är alltid välkomna.")),
    Kind("Byaföreningen i {place}", ("",), 6, ("landsbygd",),
         ("Byaföreningen arbetar för att {place} ska vara en levande by med service året runt.",
          "Vi sköter byagården, ordnar midsommarfirande och samlar byn kring gemensamma frågor.")),
    Kind("{place} {word}", ("jaktvårdskrets", "fiskevårdsförening", "viltvårdsområde"), 5,
         ("jakt-och-viltvard", "naturresurser-och-rennaring", "friluftsliv"),
         ("Vi förvaltar vilt och fiske i {place} och ordnar kurser för nya jägare och fiskare.",
          "Föreningen arrenderar vatten och upplåter fiskekort till allmänheten.")),
    Kind("{word} {place}", ("PRO", "SPF Seniorerna", "Röda Korset", "Lottakåren", "Frivilliga resursgruppen",
                            "Rädda Barnen", "Hyresgästföreningen", "Friluftsfrämjandet"),
         4, ("folkhalsa", "samhallsskydd-och-beredskap", "integration"),
         ("Lokalavdelningen i {place} träffas varje vecka och bidrar när kommunen behöver frivilliga.",
          "Vi ordnar besöksverksamhet, språkcaféer och utbildning i första hjälpen.",
          "Vid kriser samverkar vi med kommunen och räddningstjänsten.")),
    Kind("{word} i {place}", ("Föräldraföreningen", "Kvinnojouren", "Integrationsföreningen",
                              "Sverigefinska föreningen", "Tornedalingarnas förening", "Samiska föreningen",
                              "Folkets hus-föreningen", "Bygdegårdsföreningen", "Pingstförsamlingen",
                              "Missionsförsamlingen", "Företagarföreningen", "Ungdomsrådet"),
         7, ("manskliga-rattigheter", "nationella-minoriteter", "jamstalldhet", "foraldrastod"),
         ("Vi är en ideell förening i {place} som arbetar för att alla ska kunna delta i samhällslivet.",
          "Föreningen driver frågor om språk, kultur och rättigheter och samarbetar med andra i länet.",
          "Vi har öppet hus varje torsdag och svarar gärna på frågor.")),
)

LEVEL_WEIGHTS = ((Level.LOCAL, 85), (Level.REGIONAL, 12), (Level.NATIONAL, 3))
FORUM_TOPICS = ("folkhälsa", "kultur", "friluftsliv", "integration", "jämställdhet", "barn och unga",
                "landsbygdsutveckling", "beredskap", "nationella minoriteter", "föräldrastöd",
                "digitalisering", "Agenda 2030", "turism", "kulturmiljö", "jakt och viltvård")
FORUM_FORMS = ("Dialogforum om {topic} i {place}", "Samråd om {topic} – {place}", "Nätverket för {topic}, {place}",
               "Rådet för {topic} i {place}", "Partnerskap för {topic} i {place}")


def _swedish_genitive(name: str) -> str:
    """Piteå becomes Piteås; a name ending in s, x or z stays as it is (Kallax)."""
    return name if name[-1] in "sxz" else f"{name}s"


def _organisation_rows(rng: random.Random, count: int, area_ids: dict[str, int]) -> list[dict]:
    rows, seen = [], set(db.session.scalars(select(Organisation.name)))
    places = [(code, place) for code, names in PLACES.items() for place in names]
    for _attempt in range(count * 50):
        if len(rows) == count:
            return rows
        kind = rng.choice(KINDS)
        code, place = rng.choice(places)
        word = rng.choice(kind.words)
        name = " ".join(kind.pattern.format(place=place, places=_swedish_genitive(place), word=word).split())
        if name in seen:
            continue
        seen.add(name)
        description = " ".join(rng.sample(kind.about, k=min(2, len(kind.about)))).format(place=place)
        level = rng.choices([lv for lv, _ in LEVEL_WEIGHTS], weights=[w for _, w in LEVEL_WEIGHTS])[0]
        # A few are still waiting for approval or e-mail confirmation: the register must leave them out.
        status = rng.choices(list(OrganisationStatus), weights=[1, 2, 97])[0]
        rows.append({
            "name": name, "kind": OrganisationKind.CIVIL_SOCIETY, "level": level, "icnpo_group": kind.icnpo,
            "description": description, "status": status, "search_text": search_key(f"{name} {description}"),
            "sort_key": swedish_sort_key(name),
            "_areas": [area_ids[a] for a in rng.sample(kind.areas, k=rng.randint(1, len(kind.areas)))
                       if a in area_ids],
            "_municipality": code,
        })
    if len(rows) < count:
        raise ValueError(f"only {len(rows)} different names could be made; add words to KINDS")
    return rows


def _add_organisations(rng: random.Random, target: int) -> None:
    existing = db.session.scalar(select(func.count(Organisation.id)))
    area_ids = dict(db.session.execute(select(SubjectArea.code, SubjectArea.id)).tuples().all())
    municipality_ids = dict(db.session.execute(select(Municipality.code, Municipality.id)).tuples().all())
    rows = _organisation_rows(rng, max(0, target - existing), area_ids)
    links = [(row.pop("_areas"), row.pop("_municipality")) for row in rows]
    ids = db.session.scalars(insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True), rows).all()
    area_links, municipality_links = [], []
    for organisation_id, (areas, code) in zip(ids, links, strict=True):
        area_links += [{"organisation_id": organisation_id, "subject_area_id": area} for area in areas]
        # Most work in their own municipality; some in a neighbouring one as well.
        codes = {code, *rng.sample(sorted(PLACES), k=rng.choice((0, 0, 0, 1, 2)))}
        municipality_links += [{"organisation_id": organisation_id, "municipality_id": municipality_ids[c]}
                               for c in codes]
    if area_links:
        db.session.execute(insert(organisation_subject_area), area_links)
    if municipality_links:
        db.session.execute(insert(organisation_municipality), municipality_links)


def _add_forums(rng: random.Random, target: int) -> None:
    existing = db.session.scalar(select(func.count(Forum.id)))
    organisers = list(db.session.scalars(select(Organisation.id).where(
        Organisation.kind != OrganisationKind.CIVIL_SOCIETY)))
    civil = list(db.session.scalars(select(Organisation.id).where(
        Organisation.kind == OrganisationKind.CIVIL_SOCIETY, Organisation.status == OrganisationStatus.APPROVED)))
    area_ids = list(db.session.scalars(select(SubjectArea.id)))
    municipality_ids = dict(db.session.execute(select(Municipality.code, Municipality.id)).tuples().all())
    slugs = set(db.session.scalars(select(Forum.slug)))
    rows = []
    while len(rows) < target - existing:
        code = rng.choice(sorted(PLACES))
        name = rng.choice(FORUM_FORMS).format(topic=rng.choice(FORUM_TOPICS), place=rng.choice(PLACES[code]))
        slug = f"forum-{len(rows) + existing + 1}"
        if slug in slugs:
            continue
        slugs.add(slug)
        rows.append({"slug": slug, "name": name, "organiser_id": rng.choice(organisers),
                     "participation_level": rng.choice(list(ParticipationLevel)),
                     "membership_open": rng.random() < 0.7,
                     "description": f"Ett forum där offentlig sektor och civilsamhället i {PLACES[code][0]} möts.",
                     "_code": code})
    codes = [row.pop("_code") for row in rows]
    ids = db.session.scalars(insert(Forum).returning(Forum.id, sort_by_parameter_order=True), rows).all()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    areas, places, members, meetings = [], [], [], []
    for forum_id, code in zip(ids, codes, strict=True):
        areas += [{"forum_id": forum_id, "subject_area_id": a} for a in rng.sample(area_ids, k=rng.randint(1, 3))]
        places.append({"forum_id": forum_id, "municipality_id": municipality_ids[code]})
        members += [{"forum_id": forum_id, "organisation_id": o} for o in rng.sample(civil, k=rng.randint(3, 15))]
        for days in (-rng.randint(10, 200), rng.randint(5, 120)):
            starts = now + timedelta(days=days, hours=rng.randint(0, 8))
            meetings.append({"forum_id": forum_id, "title": "Dialogmöte", "starts_at": starts,
                             "ends_at": starts + timedelta(hours=2), "format": rng.choice(list(MeetingFormat)),
                             "status": MeetingStatus.PUBLISHED, "municipality_id": municipality_ids[code]})
    db.session.execute(insert(forum_subject_area), areas)
    db.session.execute(insert(forum_municipality), places)
    db.session.execute(insert(ForumMember), members)
    db.session.execute(insert(Meeting), meetings)


def build(organisations: int, forums: int, seed: int = 2027) -> dict[str, int]:
    """Fill an empty database (schema already created): the demo data, then generated rows up to the totals."""
    load_demo_data()
    rng = random.Random(seed)
    _add_organisations(rng, organisations)
    _add_forums(rng, forums)
    db.session.commit()
    return {
        "organisations": db.session.scalar(select(func.count(Organisation.id))),
        "approved": db.session.scalar(select(func.count(Organisation.id)).where(
            Organisation.status == OrganisationStatus.APPROVED)),
        "forums": db.session.scalar(select(func.count(Forum.id))),
        "meetings": db.session.scalar(select(func.count(Meeting.id))),
    }
