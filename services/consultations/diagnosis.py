"""The consultations' section of a partnership's diagnosis: answered consultations only, so
that the diagnosis of a partnership without any stays exactly as it was (same numbers, same
hash)."""

from __future__ import annotations

import sqlalchemy as sa

from services.consultations.kinds import CATEGORIES
from services.consultations.times import last_day, polish

TEXTS = {
    "heading": {"pl": "Konsultacje mapowe (geoankiety)", "en": "Map consultations"},
    "intro": {"pl": "Miejsca wskazane przez mieszkańców; ukryte przez moderację nie są"
                    " liczone w kategoriach. Gorące punkty: Gi* liczby miejsc w sześciokątach"
                    " o boku 1 km (999 permutacji, p ≤ 0,05).",
              "en": "Places marked by residents; places hidden by moderation are not counted"
                    " in the categories. Hot spots: Gi* of the number of places on hexagons"
                    " with 1 km sides (999 permutations, p ≤ 0.05)."},
    "consultation": {"pl": "Konsultacja", "en": "Consultation"},
    "period": {"pl": "Okres (dni według czasu polskiego)", "en": "Period (days in Polish time)"},
    "submissions": {"pl": "Odpowiedzi", "en": "Answers"},
    "hidden": {"pl": "Ukryte miejsca", "en": "Hidden places"},
    "hot_spots": {"pl": "Gorące punkty", "en": "Hot spots"},
    "none": {"pl": "brak istotnych gorących punktów", "en": "no significant hot spots"},
    "places": {"pl": "miejsc", "en": "places"},
}


def versions(conn, pid: str) -> dict:
    """What a new answer or a moderation changes; empty for a partnership without answers."""
    row = conn.execute(sa.text(
        "SELECT max(s.id), max(p.hidden_at), count(*) FILTER (WHERE p.hidden)"
        " FROM consultation c JOIN consultation_submission s ON s.consultation_id = c.id"
        " JOIN consultation_place p ON p.submission_id = s.id WHERE c.partnership_id = :pid"),
        {"pid": pid}).one()
    if row[0] is None:
        return {}
    return {"consultation_submission": row[0], "consultation_moderation":
            f"{row[1].isoformat() if row[1] else '-'}/{row[2]}"}


def section(engine: sa.Engine, pid: str) -> list[dict]:
    """Per answered consultation: counts per category, hidden count, top hot spots."""
    from services.consultations.results import summary

    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.id, c.title, c.slug, c.opens_at, c.closes_at FROM consultation c"
            " WHERE c.partnership_id = :pid AND EXISTS (SELECT 1 FROM consultation_submission s"
            " WHERE s.consultation_id = c.id) ORDER BY c.id"), {"pid": pid}).all()
    out = []
    for row in rows:
        numbers = summary(engine, row.id)
        out.append({"id": row.id, "title": row.title, "slug": row.slug,
                    # Polish days: the first, and the last on which answers were taken.
                    "opens": polish(row.opens_at).date().isoformat(),
                    "closes": last_day(row.closes_at),
                    "submissions": numbers["submissions"], "hidden": numbers["hidden"],
                    "per_category": numbers["per_category"],
                    "hot_spots": numbers["hot_spots"]})
    return out


def blocks(items: list[dict], lang: str, number, block) -> list:
    """The section as diagnosis blocks (``block`` is the Block class, ``number(v, d)``)."""
    def tx(key):
        return TEXTS[key][lang]

    out = [block("h2", tx("heading")), block("p", tx("intro"))]
    for item in items:
        out.append(block("h3", f"{tx('consultation')}: {item['title']}"))
        rows = [[tx("period"), f"{item['opens']} – {item['closes']}"],
                [tx("submissions"), number(item["submissions"], 0)]]
        rows += [[CATEGORIES[code].label(lang), number(count, 0)]
                 for code, count in item["per_category"].items()]
        rows.append([tx("hidden"), number(item["hidden"], 0)])
        out.append(block("table", head=["", ""], css="facts", rows=rows))
        spots = item["hot_spots"]
        out.append(block("p", f"{tx('hot_spots')}: " + ("; ".join(
            f"{s['lat']:.4f} N, {s['lon']:.4f} E ({number(s['count'], 0)} {tx('places')},"
            f" z = {number(s['z'], 2)})" for s in spots) if spots else tx("none"))))
    return out
