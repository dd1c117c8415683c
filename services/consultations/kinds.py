"""The one table of consultation categories, question kinds, geometry kinds, limits and
export formats: the service, the CLI, the OpenAPI document and the pages read these."""

from __future__ import annotations

from dataclasses import dataclass

from services.planning.export_formats import EXPORT_FORMATS


@dataclass(frozen=True)
class Category:
    code: str
    label_pl: str
    label_en: str
    colour: str  # of its map layer and legend

    def label(self, locale: str = "pl") -> str:
        return self.label_pl if locale == "pl" else self.label_en


CATEGORIES = {c.code: c for c in (
    Category("problem", "problem", "problem", "#b2182b"),
    Category("idea", "pomysł", "idea", "#2166ac"),
    Category("valued_place", "cenne miejsce", "valued place", "#1b7837"),
)}


@dataclass(frozen=True)
class GeometryKind:
    code: str
    geojson: tuple[str, ...]  # GeoJSON types a resident may send
    flag: str | None  # the consultation's switch that allows it (None: always)


GEOMETRY_KINDS = {k.code: k for k in (
    GeometryKind("point", ("Point",), None),
    GeometryKind("line", ("LineString",), "allow_lines"),
    GeometryKind("area", ("Polygon",), "allow_areas"),
)}
KIND_OF_GEOJSON = {t: k.code for k in GEOMETRY_KINDS.values() for t in k.geojson}

QUESTION_KINDS = ("single", "multiple", "text")
STATUSES = ("open", "closed")

# Consultation exports: the planning exports' table, the formats a consultation offers.
EXPORTS = {code: EXPORT_FORMATS[code] for code in ("gpkg", "shp", "csv")}


@dataclass(frozen=True)
class Limits:
    """Bounds on what one submission holds and how often one may be sent."""

    places: int = 20  # places in one submission
    comment: int = 1000  # characters of a place's comment
    answer: int = 500  # characters of an open answer
    vertices: int = 500  # of a drawn line or area
    questions: int = 5
    options: int = 10
    per_client: int = 10  # submissions of one client (keyed hash of its address) per window
    per_client_window_s: int = 3600
    per_consultation: int = 1000  # submissions of everybody to one consultation per window
    per_consultation_window_s: int = 600
    tolerance_m: float = 50.0  # how far beyond the partnership's outline a place may lie
    # bytes of one submission's JSON: 20 places × 500 vertices and 1,000-character comments
    # (escaped) come to about half of it; anything larger is refused before it is parsed
    body_bytes: int = 1024 * 1024


LIMITS = Limits()
HONEYPOT = "website"  # a field people never see or fill in; programs do
