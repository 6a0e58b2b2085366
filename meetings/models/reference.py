"""Reference data: subject areas and municipalities, used to describe and find organisations."""

from flask_babel import get_locale
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class SubjectArea(db.Model):
    """A subject area (sakområde) such as folkhälsa or friluftsliv.

    Names are data that admins can add to, so both languages are stored with the row.
    """

    __tablename__ = "subject_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_sv: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))

    @property
    def name(self) -> str:
        locale = get_locale()
        return self.name_en if locale is not None and locale.language == "en" else self.name_sv

    def __repr__(self) -> str:
        return f"<SubjectArea {self.code}>"


class Municipality(db.Model):
    """A municipality (kommun); names are proper nouns and are not translated."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)  # SCB's four-digit kommunkod
    name: Mapped[str] = mapped_column(String(80), unique=True)
    county: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Municipality {self.name}>"


# SCB's kommunkoder for the 14 municipalities of Norrbotten, the county the service was made for.
# The demo loads them; the yearly follow-up lists each of them, zeros included.
NORRBOTTEN_COUNTY = "Norrbottens län"
NORRBOTTEN_MUNICIPALITIES: tuple[tuple[str, str], ...] = (
    ("2506", "Arjeplog"),
    ("2505", "Arvidsjaur"),
    ("2582", "Boden"),
    ("2523", "Gällivare"),
    ("2583", "Haparanda"),
    ("2510", "Jokkmokk"),
    ("2514", "Kalix"),
    ("2584", "Kiruna"),
    ("2580", "Luleå"),
    ("2521", "Pajala"),
    ("2581", "Piteå"),
    ("2560", "Älvsbyn"),
    ("2513", "Överkalix"),
    ("2518", "Övertorneå"),
)
