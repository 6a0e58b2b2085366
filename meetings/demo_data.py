"""Example data for the demo, modelled on the Norrbotten mapping report (2019–2021).

The organisations are the twenty that answered the report, with Samforma as their umbrella,
the public bodies of the regional agreement and two municipalities. Forums are the ones the
report names; meetings are placed before and after the day of the first load, so the demo
always has both past and coming meetings.

``load_demo_data`` only ever inserts what is missing, looked up by natural keys, and never
changes a row that exists: running it again changes nothing. Organisation numbers are left
empty on purpose (no real organisation's number is invented), and every address is under
example.se or example.org.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from .extensions import db
from .models import (
    Attendance,
    CheckInMethod,
    Forum,
    ForumMember,
    Invitation,
    InvitationStatus,
    Level,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    OrganisationKind,
    ParticipationLevel,
    ParticipationMode,
    Person,
    Registration,
    RegistrationStatus,
    SubjectArea,
)
from .models.reference import NORRBOTTEN_COUNTY, NORRBOTTEN_MUNICIPALITIES

# The demo's meetings take place in Norrbotten, whatever time zone the site shows.
LOCAL_TIME_ZONE = ZoneInfo("Europe/Stockholm")
COUNTY = NORRBOTTEN_COUNTY
MUNICIPALITIES = NORRBOTTEN_MUNICIPALITIES
ALL_MUNICIPALITIES = tuple(name for _, name in MUNICIPALITIES)

# The subject areas (sakområden) the report names: code, Swedish, English.
SUBJECT_AREAS: tuple[tuple[str, str, str], ...] = (
    ("folkhalsa", "Folkhälsa", "Public health"),
    ("halso-och-sjukvard", "Hälso- och sjukvård", "Health care"),
    ("kultur", "Kultur", "Culture"),
    ("folkbildning", "Folkbildning", "Popular education"),
    ("integration", "Integration", "Integration"),
    ("jamstalldhet", "Jämställdhet", "Gender equality"),
    ("manskliga-rattigheter", "Mänskliga rättigheter", "Human rights"),
    ("barn-och-unga", "Barn och unga", "Children and young people"),
    ("foraldrastod", "Föräldrastöd", "Parenting support"),
    ("nationella-minoriteter", "Nationella minoriteter", "National minorities"),
    ("landsbygd", "Landsbygd", "Rural development"),
    ("digitalisering", "Digitalisering", "Digitalisation"),
    ("samhallsskydd-och-beredskap", "Samhällsskydd och beredskap", "Civil protection and preparedness"),
    ("friluftsliv", "Friluftsliv", "Outdoor recreation"),
    ("turism", "Turism", "Tourism"),
    ("kulturmiljo", "Kulturmiljö", "Cultural heritage"),
    ("naturresurser-och-rennaring", "Naturresurser och rennäring", "Natural resources and reindeer husbandry"),
    ("jakt-och-viltvard", "Jakt och viltvård", "Hunting and wildlife management"),
    ("agenda-2030", "Agenda 2030", "Agenda 2030"),
)

# ICNPO main groups used below: 1 culture and recreation, 2 education and research, 3 health,
# 4 social services (including emergency and relief), 6 development and housing,
# 7 law, advocacy and politics, 8 intermediaries and voluntarism promotion, 10 religion.
SAMFORMA = "Samforma"
REGION = "Region Norrbotten"
LANSSTYRELSEN = "Länsstyrelsen Norrbotten"


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: OrganisationKind
    level: Level
    icnpo_group: int | None
    subject_areas: tuple[str, ...]
    municipalities: tuple[str, ...]
    description: str
    umbrella: str | None = None


def _civil(name: str, level: Level, icnpo: int, areas: tuple[str, ...], places: tuple[str, ...],
           description: str, umbrella: str | None = None) -> OrganisationSpec:
    return OrganisationSpec(name, OrganisationKind.CIVIL_SOCIETY, level, icnpo, areas, places,
                            description, umbrella)


# Samforma comes first so that its members can point to it.
ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    _civil(SAMFORMA, Level.REGIONAL, 8, ("agenda-2030", "folkbildning", "landsbygd", "integration"),
           ALL_MUNICIPALITIES,
           "Samforma är civilsamhällets **parasollorganisation** i Norrbotten, med ett trettiotal "
           "medlemsorganisationer – främst paraplyorganisationer som i sin tur samlar lokala föreningar.\n\n"
           "Samforma är part i överenskommelsen mellan Region Norrbotten, Länsstyrelsen Norrbotten och "
           "civilsamhället och för fram medlemmarnas röst i dialogen med offentlig sektor."),
    _civil("Funktionsrätt Norrbotten", Level.REGIONAL, 7,
           ("folkhalsa", "halso-och-sjukvard", "manskliga-rattigheter"), ALL_MUNICIPALITIES,
           "Samarbetsorgan för funktionsrättsföreningar i länet. Arbetar för att personer med "
           "funktionsnedsättning ska ha samma möjligheter som alla andra att delta i samhället.",
           umbrella=SAMFORMA),
    _civil("Svenska Röda Korset", Level.NATIONAL, 4,
           ("samhallsskydd-och-beredskap", "integration", "folkhalsa"), ("Luleå", "Kiruna", "Gällivare", "Piteå"),
           "Humanitär organisation med lokala kretsar i hela länet. Bidrar med frivilliga vid kriser och "
           "samhällsstörningar, och med mötesplatser, språkstöd och stöd till människor i utsatta lägen."),
    _civil("Frivilliga Radioorganisationen", Level.NATIONAL, 4, ("samhallsskydd-och-beredskap",),
           ("Boden", "Luleå"),
           "Frivillig försvarsorganisation som utbildar i signaltjänst och radiokommunikation. "
           "Frivilliga kan förstärka samhällets sambandsförmåga vid kris och krig."),
    _civil("Kalix folkhögskola", Level.LOCAL, 2, ("folkbildning", "kultur", "integration"), ("Kalix",),
           "Folkhögskola i Kalix med allmän kurs och särskilda kurser. En del av folkbildningen i länet."),
    _civil("Svenska Lottakårens Riksförbund", Level.NATIONAL, 4,
           ("samhallsskydd-och-beredskap", "jamstalldhet"), ("Boden", "Luleå", "Kiruna"),
           "Frivillig försvarsorganisation som utbildar kvinnor för uppgifter inom totalförsvaret "
           "och samhällets krisberedskap."),
    _civil("Bris – Barnens rätt i samhället", Level.NATIONAL, 4,
           ("barn-och-unga", "manskliga-rattigheter", "foraldrastod"), ALL_MUNICIPALITIES,
           "Barnrättsorganisation som ger stöd till barn och unga i chatt, e-post och telefon, "
           "och stöd till vuxna i frågor om barn."),
    _civil("Folkets Hus och Parker", Level.NATIONAL, 1, ("kultur", "landsbygd"),
           ("Kiruna", "Gällivare", "Luleå", "Piteå", "Pajala"),
           "Riksorganisation för allmänna samlingslokaler: folkets hus, parker och biografer som "
           "drivs av föreningar runt om i länet."),
    _civil("Svenska Pistolskytteförbundet", Level.NATIONAL, 1, ("samhallsskydd-och-beredskap", "friluftsliv"),
           ("Boden", "Luleå"),
           "Idrottsförbund för pistolskytte med föreningar i länet."),
    _civil("Medborgarskolan Nord", Level.REGIONAL, 2, ("folkbildning", "kultur", "integration"),
           ("Luleå", "Piteå", "Boden", "Kiruna"),
           "Studieförbund som erbjuder studiecirklar, kurser och kulturarrangemang.", umbrella=SAMFORMA),
    _civil("Distriktsföreningen Autism och Asperger", Level.REGIONAL, 3,
           ("folkhalsa", "halso-och-sjukvard", "foraldrastod", "barn-och-unga"), ALL_MUNICIPALITIES,
           "Intresseförening för personer med autism och deras anhöriga. Ordnar träffar och "
           "föreläsningar och påverkar stöd och vård i länet.", umbrella=SAMFORMA),
    _civil("Riksteatern Norrbotten", Level.REGIONAL, 1, ("kultur", "nationella-minoriteter"), ALL_MUNICIPALITIES,
           "Regional teaterförening som arrangerar scenkonst i hela länet tillsammans med lokala "
           "teaterföreningar, och som arbetar med nationella minoriteters och det samiska folkets scenkonst.",
           umbrella=SAMFORMA),
    _civil("Svenska kyrkan", Level.NATIONAL, 10, ("samhallsskydd-och-beredskap", "agenda-2030", "integration"),
           ALL_MUNICIPALITIES,
           "Trossamfund med församlingar i hela länet. Deltar i länets krisberedskap och i arbetet med "
           "Agenda 2030."),
    _civil("Met Nuoret", Level.REGIONAL, 7, ("nationella-minoriteter", "barn-och-unga", "kultur"),
           ("Haparanda", "Övertorneå", "Pajala", "Kiruna", "Gällivare"),
           "Ungdomsförbund för unga tornedalingar, kväner och lantalaiset. Arbetar för språket "
           "meänkieli och för ungas inflytande."),
    _civil("Coompanion Norrbotten", Level.REGIONAL, 6, ("landsbygd", "integration", "agenda-2030"),
           ALL_MUNICIPALITIES,
           "Ger rådgivning till den som vill starta och utveckla kooperativa och sociala företag.",
           umbrella=SAMFORMA),
    _civil("Rädda Barnen", Level.NATIONAL, 7, ("barn-och-unga", "manskliga-rattigheter", "foraldrastod"),
           ("Luleå", "Piteå", "Boden", "Kiruna"),
           "Barnrättsorganisation som arbetar för barns rättigheter enligt barnkonventionen, bland annat "
           "kring barnrättsdagarna."),
    _civil("SKPF Pensionärerna Norrbotten", Level.REGIONAL, 4, ("folkhalsa", "halso-och-sjukvard"),
           ALL_MUNICIPALITIES,
           "Pensionärsförening som bevakar äldres villkor och deltar i länets pensionärsråd.",
           umbrella=SAMFORMA),
    _civil("Sveriges Konstföreningar Norrbotten", Level.REGIONAL, 1, ("kultur",), ("Luleå", "Piteå", "Kiruna"),
           "Distrikt för konstföreningar i länet. Sprider kunskap om och intresse för bildkonst."),
    _civil("Hela Sverige ska leva Norrbotten", Level.REGIONAL, 6, ("landsbygd", "digitalisering", "agenda-2030"),
           ALL_MUNICIPALITIES,
           "Arbetar för levande landsbygd och stöttar byaföreningar och lokala utvecklingsgrupper.",
           umbrella=SAMFORMA),
    _civil("RF-SISU Norrbotten", Level.REGIONAL, 1, ("folkhalsa", "barn-och-unga", "folkbildning", "friluftsliv"),
           ALL_MUNICIPALITIES,
           "Idrottsrörelsens regionala organisation och studieförbund. Stöttar idrottsföreningar i länet.",
           umbrella=SAMFORMA),
    _civil("Sunderby folkhögskola", Level.LOCAL, 2, ("folkbildning", "integration", "kultur"), ("Luleå",),
           "Folkhögskola i Södra Sunderbyn utanför Luleå med allmän kurs och särskilda kurser."),
    OrganisationSpec(REGION, OrganisationKind.PUBLIC_BODY, Level.REGIONAL, None,
                     ("folkhalsa", "halso-och-sjukvard", "kultur", "folkbildning", "agenda-2030"),
                     ALL_MUNICIPALITIES,
                     "Region Norrbotten ansvarar för hälso- och sjukvård, kultur och regional utveckling "
                     "i länet, och är part i överenskommelsen med civilsamhället."),
    OrganisationSpec(LANSSTYRELSEN, OrganisationKind.PUBLIC_BODY, Level.REGIONAL, None,
                     ("integration", "jamstalldhet", "samhallsskydd-och-beredskap", "friluftsliv",
                      "kulturmiljo", "naturresurser-och-rennaring", "jakt-och-viltvard",
                      "nationella-minoriteter"),
                     ALL_MUNICIPALITIES,
                     "Statens företrädare i länet. Länsstyrelsen samordnar bland annat integration, "
                     "jämställdhet, krisberedskap, friluftsliv och kulturmiljö, och är part i "
                     "överenskommelsen med civilsamhället."),
    OrganisationSpec("Luleå kommun", OrganisationKind.MUNICIPALITY, Level.LOCAL, None,
                     ("kultur", "integration", "barn-och-unga"), ("Luleå",),
                     "Kommunen där Region Norrbotten och Länsstyrelsen Norrbotten har sina huvudkontor."),
    OrganisationSpec("Kiruna kommun", OrganisationKind.MUNICIPALITY, Level.LOCAL, None,
                     ("nationella-minoriteter", "turism", "landsbygd"), ("Kiruna",),
                     "Sveriges nordligaste kommun, förvaltningsområde för finska, meänkieli och samiska."),
)


@dataclass(frozen=True)
class PersonSpec:
    email: str
    name: str
    locale: str
    is_admin: bool = False
    # (organisation name, role, title, shown publicly)
    memberships: tuple[tuple[str, MembershipRole, str, bool], ...] = ()


ORGANISER = MembershipRole.ORGANISER
REPRESENTATIVE = MembershipRole.REPRESENTATIVE

PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("maja.lindqvist@example.org", "Maja Lindqvist", "sv", is_admin=True),
    PersonSpec("anders.nilsson@example.se", "Anders Nilsson", "sv",
               memberships=((REGION, ORGANISER, "Utvecklingsstrateg, regional utveckling", True),)),
    PersonSpec("sara.lundberg@example.se", "Sara Lundberg", "sv",
               memberships=((REGION, ORGANISER, "Folkhälsostrateg, Folkhälsocentrum", True),)),
    PersonSpec("karin.oberg@example.se", "Karin Öberg", "sv",
               memberships=((LANSSTYRELSEN, ORGANISER, "Samordnare för civilsamhällesfrågor", True),)),
    PersonSpec("johan.pekkari@example.se", "Johan Pekkari", "sv",
               memberships=((LANSSTYRELSEN, ORGANISER, "Handläggare, integration", True),)),
    PersonSpec("birgitta.sundstrom@example.org", "Birgitta Sundström", "sv",
               memberships=((SAMFORMA, REPRESENTATIVE, "Verksamhetsledare", True),)),
    PersonSpec("lena.berg@example.org", "Lena Berg", "sv",
               memberships=(("Funktionsrätt Norrbotten", REPRESENTATIVE, "Ordförande", True),)),
    PersonSpec("erik.johansson@example.org", "Erik Johansson", "sv",
               memberships=(("Svenska Röda Korset", REPRESENTATIVE, "Regional beredskapssamordnare", True),)),
    PersonSpec("aino.keskitalo@example.org", "Aino Keskitalo", "sv",
               memberships=(("Met Nuoret", REPRESENTATIVE, "Ordförande", True),)),
    PersonSpec("mikael.strand@example.org", "Mikael Strand", "sv",
               memberships=(("RF-SISU Norrbotten", REPRESENTATIVE, "Idrottskonsulent", False),)),
    PersonSpec("per.holmgren@example.org", "Per Holmgren", "sv",
               memberships=(("Hela Sverige ska leva Norrbotten", REPRESENTATIVE, "Styrelseledamot", False),
                            (SAMFORMA, REPRESENTATIVE, "Styrelseledamot", False))),
    PersonSpec("gunnel.lantto@example.org", "Gunnel Lantto", "sv",
               memberships=(("SKPF Pensionärerna Norrbotten", REPRESENTATIVE, "Distriktsordförande", True),)),
    PersonSpec("amira.haddad@example.org", "Amira Haddad", "en",
               memberships=(("Coompanion Norrbotten", REPRESENTATIVE, "Business adviser", True),)),
)


@dataclass(frozen=True)
class ForumSpec:
    slug: str
    name: str
    organiser: str
    level: ParticipationLevel
    subject_areas: tuple[str, ...]
    members: tuple[str, ...]
    description: str
    membership_open: bool = True
    # None named: the forum is for the whole county.
    municipalities: tuple[str, ...] = ()


FORUMS: tuple[ForumSpec, ...] = (
    ForumSpec("lanspartnerskapet", "Länspartnerskapet", LANSSTYRELSEN, ParticipationLevel.PARTNERSHIP,
              ("agenda-2030", "landsbygd", "samhallsskydd-och-beredskap"),
              (REGION, SAMFORMA, "Svenska kyrkan", "Luleå kommun", "Kiruna kommun"),
              "Länspartnerskapet leds av landshövdingen och träffas **fyra–fem gånger per år**. "
              "Här kraftsamlar länets aktörer kring dagsaktuella frågor och strategiska "
              "hållbarhetsfrågor, till exempel initiativ med koppling till Agenda 2030.",
              membership_open=False),
    ForumSpec("tia-natverket", "TIA-nätverket", LANSSTYRELSEN, ParticipationLevel.DIALOGUE,
              ("integration",),
              ("Svenska Röda Korset", "Medborgarskolan Nord", "Sunderby folkhögskola", "Kalix folkhögskola",
               "Svenska kyrkan", "RF-SISU Norrbotten"),
              "Ett löst sammansatt nätverk av aktörer som ordnar **tidiga insatser för asylsökande** (TIA), "
              "med eller utan bidrag från Länsstyrelsen. Nätverket träffas ett par gånger per år för att "
              "dela erfarenheter och planera.",
              municipalities=("Boden", "Haparanda", "Kalix", "Kiruna", "Luleå", "Piteå")),
    ForumSpec("regional-tankesmedja-friluftsliv", "Regional tankesmedja friluftsliv", LANSSTYRELSEN,
              ParticipationLevel.CONSULTATION, ("friluftsliv", "turism", "folkhalsa"),
              ("RF-SISU Norrbotten", "Hela Sverige ska leva Norrbotten", "Medborgarskolan Nord"),
              "En gång om året samlas föreningar, studieförbund och myndigheter för att diskutera ett "
              "tema inom friluftslivet: leder, tillgänglighet, lokala föreningar och hur vi når nya grupper."),
    ForumSpec("lanspensionarsradet", "Länspensionärsrådet", REGION, ParticipationLevel.CONSULTATION,
              ("folkhalsa", "halso-och-sjukvard"),
              ("SKPF Pensionärerna Norrbotten", "Funktionsrätt Norrbotten"),
              "Rådet är ett forum för samråd mellan Region Norrbotten och pensionärsorganisationerna "
              "i frågor som rör äldre, till exempel vård, kollektivtrafik och hälsa i glesbygd.",
              membership_open=False),
    ForumSpec("samrad-nationella-minoriteter", "Samråd för nationella minoriteter", LANSSTYRELSEN,
              ParticipationLevel.CONSULTATION, ("nationella-minoriteter", "kultur", "manskliga-rattigheter"),
              ("Met Nuoret", "Riksteatern Norrbotten", "Kiruna kommun"),
              "Samråd med företrädare för de nationella minoriteterna i länet – samer, sverigefinnar, "
              "tornedalingar, judar och romer – om språk, kultur och inflytande.",
              # The municipalities of the administrative areas for Sami, Finnish and Meänkieli.
              municipalities=("Arjeplog", "Gällivare", "Haparanda", "Jokkmokk", "Kiruna", "Pajala",
                              "Övertorneå")),
    ForumSpec("jamstalldhetsradet", "Jämställdhetsrådet", LANSSTYRELSEN, ParticipationLevel.DIALOGUE,
              ("jamstalldhet", "manskliga-rattigheter"),
              ("Svenska Lottakårens Riksförbund", "Bris – Barnens rätt i samhället", "Funktionsrätt Norrbotten",
               REGION),
              "Dialog om jämställdhet i länet: jämställd regional utveckling och arbetet mot mäns våld "
              "mot kvinnor."),
    ForumSpec("arlig-motesplats", "Årlig mötesplats civilsamhälle och offentlig sektor", REGION,
              ParticipationLevel.DIALOGUE, ("agenda-2030", "folkbildning", "integration", "landsbygd"),
              (SAMFORMA, LANSSTYRELSEN, "Funktionsrätt Norrbotten", "Svenska Röda Korset", "Coompanion Norrbotten",
               "Hela Sverige ska leva Norrbotten", "RF-SISU Norrbotten", "Rädda Barnen", "Met Nuoret",
               "Sunderby folkhögskola", "Luleå kommun", "Kiruna kommun"),
              "En årlig mötesplats för **samtal, kunskapsspridning och dialog** mellan civilsamhället och "
              "offentlig sektor i Norrbotten. Här följer parterna också upp överenskommelsen och "
              "handlingsplanen.\n\nAlla idéburna organisationer i länet är välkomna – på plats eller digitalt."),
    ForumSpec("regionala-folkbildningsradet", "Regionala folkbildningsrådet", REGION, ParticipationLevel.DIALOGUE,
              ("folkbildning",),
              ("Sunderby folkhögskola", "Kalix folkhögskola", "Medborgarskolan Nord"),
              "Här möts Region Norrbotten och folkbildningen regelbundet för att diskutera gemensamma "
              "frågor och utveckla en modell för dialog och samverkan.",
              membership_open=False),
    ForumSpec("samtal-pa-residenset", "Samtal på residenset", LANSSTYRELSEN, ParticipationLevel.DIALOGUE,
              ("samhallsskydd-och-beredskap", "agenda-2030"),
              (SAMFORMA, "Svenska Röda Korset", "Svenska Lottakårens Riksförbund", "Frivilliga Radioorganisationen"),
              "Landshövdingen bjuder regelbundet in till samtal om dagsaktuella och strategiska frågor för "
              "länet. Deltagarna från civilsamhället väljs efter tema.",
              membership_open=False),
)


# Whom to ask about each forum's meetings: one of the organisers above. The phone numbers are from
# the series that the Swedish Post and Telecom Authority keeps for fiction (070-174 06 05 to 06 99).
CONTACTS: dict[str, tuple[str, str, str]] = {
    "karin": ("Karin Öberg", "karin.oberg@example.se", "070-174 06 11"),
    "johan": ("Johan Pekkari", "johan.pekkari@example.se", "070-174 06 12"),
    "sara": ("Sara Lundberg", "sara.lundberg@example.se", "070-174 06 13"),
    "anders": ("Anders Nilsson", "anders.nilsson@example.se", "070-174 06 14"),
}
FORUM_CONTACTS: dict[str, str] = {
    "lanspartnerskapet": "karin", "tia-natverket": "johan", "regional-tankesmedja-friluftsliv": "karin",
    "lanspensionarsradet": "sara", "samrad-nationella-minoriteter": "johan", "jamstalldhetsradet": "karin",
    "arlig-motesplats": "anders", "regionala-folkbildningsradet": "anders", "samtal-pa-residenset": "karin",
}


@dataclass(frozen=True)
class Venue:
    name: str
    address: str
    municipality: str


# Well-known public places; where a street address is not certain an example street is used.
# The street only: pages add the municipality's name after it.
VENUES = {
    "kulturens-hus": Venue("Kulturens hus", "Skeppsbrogatan 17", "Luleå"),
    "lansstyrelsen": Venue("Länsstyrelsen Norrbotten", "Stationsgatan 5", "Luleå"),
    "regionhuset": Venue("Regionhuset", "Robertsviksgatan 7", "Luleå"),
    "residenset": Venue("Residenset", "Exempelgatan 1", "Luleå"),
    "kiruna": Venue("Folkets hus Kiruna", "Exempelgatan 12", "Kiruna"),
    "gallivare": Venue("Folkets hus Gällivare", "Exempelvägen 4", "Gällivare"),
    "jokkmokk": Venue("Ájtte, Svenskt fjäll- och samemuseum", "Kyrkogatan 3", "Jokkmokk"),
    "haparanda": Venue("Haparanda Stadshotell", "Torget 7", "Haparanda"),
}


@dataclass(frozen=True)
class MeetingSpec:
    forum: str
    title: str
    days_from_anchor: int
    starts: time
    ends: time
    format: MeetingFormat
    venue: str | None
    capacity: int | None
    description: str
    status: MeetingStatus = MeetingStatus.PUBLISHED


ON_SITE, DIGITAL, HYBRID = MeetingFormat.ON_SITE, MeetingFormat.DIGITAL, MeetingFormat.HYBRID

MEETINGS: tuple[MeetingSpec, ...] = (
    MeetingSpec("lanspartnerskapet", "Agenda 2030 i Norrbotten", -70, time(9, 30), time(12, 0), HYBRID,
                "lansstyrelsen", 30,
                "Hur bidrar länets aktörer till de globala målen? Uppföljning av avsiktsförklaringen om "
                "Agenda 2030 och exempel från civilsamhället."),
    MeetingSpec("lanspartnerskapet", "Kompetensförsörjning och samhällsomvandling", 35, time(9, 30), time(12, 0),
                HYBRID, "lansstyrelsen", 30,
                "De stora industrisatsningarna i länet: vad betyder de för föreningslivet, bostäderna och "
                "kompetensförsörjningen?"),
    MeetingSpec("lanspartnerskapet", "Planering inför nästa år", 120, time(9, 30), time(11, 30), DIGITAL, None, None,
                "Utkast: teman och datum för nästa års möten.", status=MeetingStatus.DRAFT),
    MeetingSpec("tia-natverket", "Nätverksträff i Haparanda", -40, time(13, 0), time(16, 0), ON_SITE,
                "haparanda", 40,
                "Erfarenhetsutbyte mellan aktörer som ordnar tidiga insatser för asylsökande. "
                "Länsstyrelsen berättar om årets bidrag.\n\nFika ingår."),
    MeetingSpec("tia-natverket", "Digital nätverksträff", 50, time(13, 0), time(15, 30), DIGITAL, None, None,
                "Vi delar erfarenheter av språkcaféer och samhällsinformation, och planerar vårens aktiviteter."),
    MeetingSpec("regional-tankesmedja-friluftsliv", "Tankesmedja om leder och tillgänglighet", -210,
                time(10, 0), time(16, 0), ON_SITE, "gallivare", 60,
                "Årets tankesmedja handlade om vem som håller lederna i skick och hur fler kan ta del "
                "av friluftslivet."),
    MeetingSpec("regional-tankesmedja-friluftsliv", "Tankesmedja om lokala föreningar och friluftsliv", 80,
                time(10, 0), time(16, 0), HYBRID, "jokkmokk", 60,
                "Hur når vi byaföreningar, lokala idrottsföreningar och föreningar som möter nya svenskar? "
                "Lunch ingår för den som deltar på plats."),
    MeetingSpec("lanspensionarsradet", "Rådets sammanträde", -20, time(10, 0), time(12, 0), HYBRID,
                "regionhuset", 25,
                "Dagordning: information från Region Norrbotten om vårdens tillgänglighet, frågor från "
                "pensionärsorganisationerna."),
    MeetingSpec("lanspensionarsradet", "Äldres hälsa i glesbygd", 25, time(10, 0), time(12, 0), DIGITAL, None, None,
                "Samråd om regionens satsningar på äldre i glesbygd."),
    MeetingSpec("samrad-nationella-minoriteter", "Samråd om minoritetspolitiken i länet", -55, time(13, 0),
                time(16, 0), ON_SITE, "kiruna", 35,
                "Uppföljning av minoritetspolitiken: språk, kultur och ungas inflytande."),
    MeetingSpec("samrad-nationella-minoriteter", "Samråd om samiska, finska och meänkieli", 60, time(13, 0),
                time(16, 0), HYBRID, "jokkmokk", 35,
                "Hur kan offentlig sektor ge service på de nationella minoritetsspråken? Tolkning ordnas vid behov."),
    MeetingSpec("jamstalldhetsradet", "Mäns våld mot kvinnor – läget i länet", -10, time(13, 0), time(15, 0),
                DIGITAL, None, None,
                "Länsstyrelsen presenterar lägesbilden och organisationerna berättar om sitt arbete."),
    MeetingSpec("jamstalldhetsradet", "Jämställd regional utveckling", 14, time(13, 0), time(16, 0), ON_SITE,
                "lansstyrelsen", 30,
                "Mötet är inställt. Ett nytt datum meddelas.", status=MeetingStatus.CANCELLED),
    MeetingSpec("arlig-motesplats", "Uppföljning av överenskommelsen", -240, time(9, 0), time(16, 0), ON_SITE,
                "gallivare", 120,
                "Förra årets mötesplats: hur har överenskommelsen och handlingsplanen följts upp?"),
    MeetingSpec("arlig-motesplats", "Mötesplats civilsamhälle och offentlig sektor", 90, time(9, 0), time(16, 0),
                HYBRID, "kulturens-hus", 150,
                "En dag för samtal, kunskapsspridning och dialog.\n\n"
                "- Hur tas civilsamhällets inspel tillvara i offentlig sektor?\n"
                "- Ersättning för att delta i dialoger\n"
                "- Hur når vi de unga och de små, lokala föreningarna?\n\n"
                "Delta på plats i Luleå eller digitalt."),
    MeetingSpec("regionala-folkbildningsradet", "Folkbildningens roll i regional utveckling", 20, time(13, 0),
                time(15, 0), DIGITAL, None, None,
                "Dialog om överenskommelsen mellan Region Norrbotten och Norrbottens bildningsförbund."),
    MeetingSpec("samtal-pa-residenset", "Frivilliga resurser vid kris", 45, time(17, 0), time(19, 0), ON_SITE,
                "residenset", 20,
                "Samtal om hur frivilligresurser kan komma igång snabbare vid samhällsstörningar."),
)


# Two years of history, so that the yearly follow-up has something to compare: meetings held over
# the last two years, with invitations, registrations, check-ins, walk-ins and no-shows.
HISTORY: tuple[MeetingSpec, ...] = (
    MeetingSpec("lanspartnerskapet", "Länspartnerskapet: vårens möte", -600, time(9, 30), time(12, 0), ON_SITE,
                "lansstyrelsen", 30, "Lägesbild i länet och Agenda 2030."),
    MeetingSpec("lanspartnerskapet", "Länspartnerskapet: höstens möte", -450, time(9, 30), time(12, 0), HYBRID,
                "lansstyrelsen", 30, "Samhällsomvandlingen i Norrbotten och vad den kräver av föreningslivet."),
    MeetingSpec("lanspartnerskapet", "Länspartnerskapet: beredskap", -300, time(9, 30), time(12, 0), HYBRID,
                "lansstyrelsen", 30, "Frivilliga resurser i länets krisberedskap."),
    MeetingSpec("tia-natverket", "Nätverksträff i Kiruna", -520, time(13, 0), time(16, 0), ON_SITE, "kiruna", 40,
                "Erfarenhetsutbyte om tidiga insatser för asylsökande."),
    MeetingSpec("tia-natverket", "Digital träff om språkcaféer", -380, time(13, 0), time(15, 0), DIGITAL, None, None,
                "Vi delar erfarenheter av språkcaféer."),
    MeetingSpec("regional-tankesmedja-friluftsliv", "Tankesmedja om friluftsliv för unga", -560, time(10, 0),
                time(16, 0), ON_SITE, "jokkmokk", 60, "Hur når friluftslivet de unga?"),
    MeetingSpec("lanspensionarsradet", "Rådets vårsammanträde", -640, time(10, 0), time(12, 0), ON_SITE,
                "regionhuset", 25, "Vårdens tillgänglighet för äldre."),
    MeetingSpec("lanspensionarsradet", "Rådets höstsammanträde", -420, time(10, 0), time(12, 0), HYBRID,
                "regionhuset", 25, "Kollektivtrafik och hälsa i glesbygd."),
    MeetingSpec("lanspensionarsradet", "Rådets decembermöte", -345, time(10, 0), time(12, 0), DIGITAL, None, None,
                "Budget och planer för nästa år."),
    MeetingSpec("samrad-nationella-minoriteter", "Samråd i Haparanda", -490, time(13, 0), time(16, 0), ON_SITE,
                "haparanda", 35, "Meänkieli och finska i offentlig service."),
    MeetingSpec("jamstalldhetsradet", "Jämställdhetsrådet: lägesbild", -470, time(13, 0), time(15, 0), DIGITAL,
                None, None, "Lägesbild om mäns våld mot kvinnor."),
    MeetingSpec("arlig-motesplats", "Mötesplats i Luleå", -620, time(9, 0), time(16, 0), HYBRID, "kulturens-hus",
                150, "Förra årets stora mötesplats för civilsamhälle och offentlig sektor."),
    MeetingSpec("regionala-folkbildningsradet", "Folkbildningsrådets årsmöte", -400, time(13, 0), time(15, 0),
                DIGITAL, None, None, "Folkbildningen i regional utveckling."),
    MeetingSpec("samtal-pa-residenset", "Samtal om unga och föreningslivet", -330, time(17, 0), time(19, 0),
                ON_SITE, "residenset", 20, "Hur når vi de unga?"),
)

# Walk-ins of the history: made-up names, for organisations of the register that are not members.
WALK_INS = ("Eva Lind", "Nils Backe", "Aili Niemi", "Tore Vinter", "Elin Mäki", "Jonas Kvist", "Hanna Sirkka",
            "Oskar Lund")


def meeting_day(anchor: date, days_from_anchor: int) -> date:
    """A working day near ``anchor + days_from_anchor``, moved away from the anchor so that a past
    meeting stays past and a coming one stays coming: no weekends, no Christmas break, no July."""
    step = 1 if days_from_anchor >= 0 else -1
    day = anchor + timedelta(days=days_from_anchor)
    while day.weekday() >= 5 or _holiday(day):
        day += timedelta(days=step)
    return day


def _holiday(day: date) -> bool:
    month_day = (day.month, day.day)
    return (day.month == 7 or month_day >= (12, 21) or month_day <= (1, 6)
            or month_day in ((5, 1), (6, 6)))


def local_datetime(day: date, at: time) -> datetime:
    """A wall-clock time in Norrbotten on ``day``, as a timezone-aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=LOCAL_TIME_ZONE).astimezone(UTC)


def load_demo_data(today: date | None = None) -> dict[str, int]:
    """Insert whatever of the demo data is missing and commit; returns how many rows of each kind exist.

    Meetings are dated relative to ``today`` (default: today in Norrbotten). Because existing rows
    are never changed, the dates stay those of the first load.
    """
    today = today or datetime.now(LOCAL_TIME_ZONE).date()
    municipalities = _load_municipalities()
    subject_areas = _load_subject_areas()
    organisations = _load_organisations(municipalities, subject_areas)
    _load_people(organisations)
    forums = _load_forums(organisations, subject_areas, municipalities)
    _load_meetings(forums, municipalities, today)
    db.session.commit()
    return {
        "municipalities": _count(Municipality),
        "subject areas": _count(SubjectArea),
        "organisations": _count(Organisation),
        "people": _count(Person),
        "forums": _count(Forum),
        "meetings": _count(Meeting),
    }


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _load_municipalities() -> dict[str, Municipality]:
    by_name = {}
    for code, name in MUNICIPALITIES:
        municipality = db.session.scalar(select(Municipality).where(Municipality.code == code))
        if municipality is None:
            municipality = Municipality(code=code, name=name, county=COUNTY)
            db.session.add(municipality)
        by_name[name] = municipality
    return by_name


def _load_subject_areas() -> dict[str, SubjectArea]:
    by_code = {}
    for code, name_sv, name_en in SUBJECT_AREAS:
        area = db.session.scalar(select(SubjectArea).where(SubjectArea.code == code))
        if area is None:
            area = SubjectArea(code=code, name_sv=name_sv, name_en=name_en)
            db.session.add(area)
        by_code[code] = area
    return by_code


def _load_organisations(municipalities: dict[str, Municipality],
                        subject_areas: dict[str, SubjectArea]) -> dict[str, Organisation]:
    by_name: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == spec.name).order_by(Organisation.id).limit(1))
        if organisation is None:
            organisation = Organisation(
                name=spec.name, kind=spec.kind, level=spec.level, icnpo_group=spec.icnpo_group,
                description=spec.description, org_number=None,
                umbrella=by_name[spec.umbrella] if spec.umbrella else None,
                umbrella_confirmed=spec.umbrella is not None,
                subject_areas=[subject_areas[code] for code in spec.subject_areas],
                municipalities=[municipalities[name] for name in spec.municipalities])
            db.session.add(organisation)
        by_name[spec.name] = organisation
    return by_name


def _load_people(organisations: dict[str, Organisation]) -> None:
    for spec in PEOPLE:
        person = db.session.scalar(select(Person).where(Person.email == spec.email))
        if person is None:
            person = Person(email=spec.email, name=spec.name, locale=spec.locale, is_admin=spec.is_admin)
            db.session.add(person)
            db.session.flush()
        for organisation_name, role, title, shown in spec.memberships:
            organisation = organisations[organisation_name]
            exists = db.session.scalar(select(Membership).where(
                Membership.person_id == person.id, Membership.organisation_id == organisation.id))
            if exists is None:
                db.session.add(Membership(person=person, organisation=organisation, role=role, title=title,
                                          shown_publicly=shown))


def _load_forums(organisations: dict[str, Organisation], subject_areas: dict[str, SubjectArea],
                 municipalities: dict[str, Municipality]) -> dict[str, Forum]:
    by_slug = {}
    for spec in FORUMS:
        forum = db.session.scalar(select(Forum).where(Forum.slug == spec.slug))
        if forum is None:
            forum = Forum(slug=spec.slug, name=spec.name, description=spec.description,
                          organiser=organisations[spec.organiser], participation_level=spec.level,
                          membership_open=spec.membership_open,
                          subject_areas=[subject_areas[code] for code in spec.subject_areas],
                          municipalities=[municipalities[name] for name in spec.municipalities])
            db.session.add(forum)
            db.session.flush()
        for organisation_name in spec.members:
            organisation = organisations[organisation_name]
            if db.session.get(ForumMember, (forum.id, organisation.id)) is None:
                db.session.add(ForumMember(forum=forum, organisation=organisation))
        by_slug[spec.slug] = forum
    return by_slug


def _load_meetings(forums: dict[str, Forum], municipalities: dict[str, Municipality], today: date) -> None:
    numbered = list(enumerate(MEETINGS, start=1)) + list(enumerate(HISTORY, start=len(MEETINGS) + 1))
    for number, spec in numbered:
        forum = forums[spec.forum]
        exists = db.session.scalar(select(Meeting.id).where(Meeting.forum_id == forum.id,
                                                            Meeting.title == spec.title).limit(1))
        if exists is not None:
            continue
        day = meeting_day(today, spec.days_from_anchor)
        venue = VENUES[spec.venue] if spec.venue else None
        contact_name, contact_email, contact_phone = CONTACTS[FORUM_CONTACTS[spec.forum]]
        meeting = Meeting(
            forum=forum, title=spec.title, description=spec.description,
            starts_at=local_datetime(day, spec.starts), ends_at=local_datetime(day, spec.ends),
            format=spec.format, status=spec.status, capacity=spec.capacity,
            venue_name=venue.name if venue else "", venue_address=venue.address if venue else "",
            municipality=municipalities[venue.municipality] if venue else None,
            online_url=(f"https://meet.example.org/{spec.forum}-{number}"
                        if spec.format in (DIGITAL, HYBRID) else None),
            contact_name=contact_name, contact_email=contact_email, contact_phone=contact_phone)
        db.session.add(meeting)
        if spec.status == MeetingStatus.PUBLISHED and spec.days_from_anchor < 0:
            db.session.flush()
            _load_attendance(meeting, random.Random(spec.title))


def _load_attendance(meeting: Meeting, rng: random.Random) -> None:
    """Invitations, registrations and attendance of a past meeting that has just been added: the
    forum's members are invited, their representatives register and mostly come, and a few people
    from other organisations walk in. The same title always gives the same history."""
    forum = meeting.forum
    # Sorted here, not by the database, so that SQLite and PostgreSQL get the same history.
    members = sorted((member.organisation for member in forum.members), key=lambda o: o.name)
    representatives = {m.organisation_id: m.person for m in db.session.scalars(
        select(Membership).where(Membership.role == REPRESENTATIVE).order_by(Membership.id))}
    invited_at = meeting.starts_at - timedelta(days=21)
    modes = {ON_SITE: (ParticipationMode.ON_SITE,), DIGITAL: (ParticipationMode.ONLINE,),
             HYBRID: (ParticipationMode.ON_SITE, ParticipationMode.ONLINE)}[meeting.format]
    seen_people: set[int] = set()
    for organisation in members:
        answer = rng.choice((InvitationStatus.YES, InvitationStatus.YES, InvitationStatus.NO, InvitationStatus.SENT))
        invitation = Invitation(
            meeting=meeting, organisation=organisation, status=answer, sent_at=invited_at,
            answered_at=invited_at + timedelta(days=3) if answer in (InvitationStatus.YES, InvitationStatus.NO)
            else None,
            token_hash=hashlib.sha256(f"demo-invitation-{meeting.id}-{organisation.id}".encode()).hexdigest())
        db.session.add(invitation)
        person = representatives.get(organisation.id)
        if answer != InvitationStatus.YES or person is None or person.id in seen_people:
            continue
        seen_people.add(person.id)
        mode = rng.choice(modes)
        registration = Registration(
            meeting=meeting, person=person, organisation=organisation, invitation=invitation, mode=mode,
            status=RegistrationStatus.CONFIRMED, code=f"D{meeting.id:04d}{person.id:03d}"[:12],
            manage_token_hash=hashlib.sha256(f"demo-registration-{meeting.id}-{person.id}".encode()).hexdigest(),
            created_at=invited_at + timedelta(days=4))
        db.session.add(registration)
        if mode == ParticipationMode.ON_SITE:
            meeting.confirmed_on_site += 1
        else:
            meeting.confirmed_online += 1
        if rng.random() < 0.75:  # the rest did not come
            method = CheckInMethod.SELF if mode == ParticipationMode.ONLINE else CheckInMethod.LIST
            db.session.add(Attendance(
                meeting=meeting, registration=registration, person_id=person.id, name=person.name,
                organisation=organisation, mode=mode, method=method, recorded_at=meeting.starts_at))
    others = sorted((o for o in db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.CIVIL_SOCIETY)) if o not in members),
        key=lambda o: o.name)
    for name in rng.sample(WALK_INS, rng.randint(1, 3)):
        organisation = rng.choice(others) if others else None
        db.session.add(Attendance(
            meeting=meeting, name=name, organisation=organisation, mode=modes[0], method=CheckInMethod.WALK_IN,
            recorded_at=meeting.starts_at))
