"""The diagnosis as a sequence of blocks (headings, paragraphs, tables, pictures).

HTML, PDF and DOCX are written from the same blocks, so they hold the same sections, tables
and pictures with the same numbers written the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from services.diagnosis import rules
from services.diagnosis.sources import describe
from services.diagnosis.texts import gminas_word, number, percent, text, when, years_word


@dataclass
class Block:
    kind: str  # 'h1', 'h2', 'h3', 'p', 'note', 'list', 'table', 'image', 'meta'
    text: str = ""
    items: list = field(default_factory=list)
    head: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    image: str = ""  # key of a picture
    numeric: list = field(default_factory=list)  # columns aligned right
    css: str = ""


def digits_of(item: dict) -> int:
    """Decimals an indicator is written with: persons whole, thousands to ten persons,
    unitless indices to hundredths, rates to tenths."""
    if "tys." in item["unit"]:
        return 2
    if item["aggregation"] == "sum":
        return 0
    return 2 if item["unit"] == "" else 1


def _note(note: dict, lang: str) -> str:
    values = {k: (v[lang] if isinstance(v, dict) and lang in v else v)
              for k, v in note.items() if k != "key"}
    if note["key"] == "short":
        values["years_word"] = years_word(note["n"], lang, genitive=True)
    if note["key"] == "no_peers":
        values["type"] = text(f"type_{note['type']}", lang)
        values["cls"] = (rules.class_label(note["cls"], lambda n: number(n, 0, lang))
                         if note["cls"] is not None else "–")
    return text(note["key"], lang, **values)


def _trend_text(trend: dict, lang: str) -> str:
    if trend["direction"] is None:
        return text("no_trend", lang)
    word = text(trend["direction"], lang)
    if trend["judged"] in ("improving", "worsening"):
        word += f" ({text(trend['judged'], lang)})"
    years = trend["years"]
    span = f"{years[0]}–{years[-1]}"
    if trend["n"] < rules.TREND_WINDOW:
        span += ", " + text("short_series", lang, n=trend["n"],
                            years_word=years_word(trend["n"], lang))
    return f"{word}; {span}"


def blocks(model: dict, lang: str, images: dict[str, bytes | None]) -> list[Block]:
    """Everything the document says, in order."""
    def n(v, d=1):
        return number(v, d, lang)

    p = model["partnership"]
    out: list[Block] = []
    generated = dt.datetime.fromisoformat(model["generated_at"])
    vintage = ", ".join(model["boundary_vintage"]) or "–"
    out.append(Block("h1", text("title", lang) + ": " + p["name"]))
    out.append(Block("meta", f"{p['id']} · {p['programme']} · {text('generated', lang)} "
                             f"{when(generated, lang)} · partnerstwa {model['product_version']}"))

    # 1. The area
    out.append(Block("h2", text("s_area", lang)))
    pop = model["population"]
    out.append(Block("table", head=["", ""], css="facts", rows=[
        [text("voivodeship", lang), (model["voivodeship"]["name"] or "–").lower()],
        [text("area", lang), f"{n(model['area_km2'], 1)} km²"],
        [text("population_year", lang, year=pop["year"] or "–"), n(pop["value"], 0)],
        [text("members", lang), ", ".join(
            f"{m['name']} ({m['teryt']}{', ' + text('leader', lang) if m['role'] == 'leader' else ''})"
            for m in model["member_units"])],
    ]))
    out.append(Block("image", image="locator", text=text("locator_caption", lang)))
    out.append(Block("image", image="members", text=text("members_caption", lang)))

    def cls(c):
        return rules.class_label(c, lambda v: number(v, 0, lang)) if c is not None else "–"

    out.append(Block("h3", text("member_gminas", lang)))
    out.append(Block("table", head=[text("gmina", lang), text("teryt", lang), text("type", lang),
                                    text("population", lang), text("area", lang) + " (km²)",
                                    text("size_class", lang), text("peers", lang)],
                     numeric=[3, 4, 6],
                     rows=[[m["name"], m["teryt"], text(f"type_{m['gmina_type']}", lang),
                            n(m["population"], 0), n(m["area_km2"], 1), cls(m["size_class"]),
                            n(m["peers"], 0)] for m in model["members"]]))

    # 2. Indicators
    out.append(Block("h2", text("s_indicators", lang)))
    classes = "; ".join(cls(c) for c in range(len(rules.SIZE_BOUNDS) + 1))
    out.append(Block("p", text("group_rule", lang, year=model["group"]["population_year"] or "–",
                               classes=classes)
                     + " " + text("group_size", lang, n=n(model["group"]["size"], 0),
                                  gminas=gminas_word(model["group"]["size"], lang))))
    out.append(Block("p", text("aggregation_rule", lang)))
    out.append(Block("table", css="indicators", numeric=[2, 3, 4, 5, 6], head=[
        text("indicator", lang), text("year", lang), text("partnership", lang),
        text("voivodeship", lang), text("poland", lang), text("group_median", lang),
        text("percentile", lang), text("trend", lang)], rows=[
        [f"{i['name'][lang]} [{i['unit']}]" if i["unit"] else i["name"][lang], str(i["year"]),
         n(i["value"], digits_of(i)), n(i["voivodeship"], digits_of(i)),
         n(i["poland"], digits_of(i)), n(i["group_median"], digits_of(i)),
         n(i["percentile"], 0), _trend_text(i["trend"], lang)]
        for i in model["indicators"]]))

    # 3. Change over time
    out.append(Block("h2", text("s_trends", lang)))
    # The columns are the first and the last year of each series: named by those years when
    # all series share them, else each value carries its year.
    firsts = {i["longest"]["from"] for i in model["indicators"]}
    lasts = {i["longest"]["to"] for i in model["indicators"]}
    same = len(firsts) <= 1 and len(lasts) <= 1

    def at(i, end):
        value = n(i["longest"]["first" if end == "from" else "last"], digits_of(i))
        return value if same else f"{value} ({i['longest'][end]})"

    out.append(Block("table", numeric=[2, 3], head=[
        text("indicator", lang), text("longest", lang),
        text("partnership", lang) + " " + (str(min(firsts)) if same and firsts
                                           else text("first_year", lang)),
        text("partnership", lang) + " " + (str(max(lasts)) if same and lasts
                                           else text("last_year", lang)),
        text("direction", lang)], rows=[
        [i["name"][lang], f"{i['longest']['from']}–{i['longest']['to']} "
         f"({i['longest']['years']})", at(i, "from"), at(i, "to"), text(i["direction"], lang)]
        for i in model["indicators"]]))
    if images.get("trends"):
        out.append(Block("image", image="trends", text=text("trends_caption", lang)))

    # 4. Problems and potentials
    out.append(Block("h2", text("s_problems", lang)))
    out.append(Block("h3", text("rule_heading", lang)))
    out.append(Block("p", text("problem_rule", lang)))
    by_code = {i["code"]: i for i in model["indicators"]}
    for key in ("problems", "potentials"):
        out.append(Block("h3", text(key, lang)))
        chosen = [by_code[c] for c in model[key]]
        if not chosen:
            out.append(Block("p", text("none_found", lang)))
            continue
        out.append(Block("table", css=key, numeric=[1, 2, 3, 4], head=[
            text("indicator", lang), text("partnership", lang), text("voivodeship", lang),
            text("group_median", lang), text("distance_sd", lang), text("trend", lang)], rows=[
            [i["name"][lang], n(i["value"], digits_of(i)), n(i["voivodeship"], digits_of(i)),
             n(i["group_median"], digits_of(i)), n(i["distance_sd"], 2),
             _trend_text(i["trend"], lang)] for i in chosen]))

    # 5. Spatial structure
    out.append(Block("h2", text("s_spatial", lang)))
    spatial = model["spatial"]
    # Two gminas may share a name (a town and the rural gmina around it): the code tells.
    names = {m["teryt"]: f"{m['name']} ({m['teryt']})" for m in model["members"]}
    ind_names = {i["code"]: i["name"][lang] for i in model["indicators"]}
    for key, runs, empty in (("lisa_heading", spatial["lisa"], "no_lisa"),
                             ("gi_heading", spatial["gi"], "no_gi")):
        out.append(Block("h3", text(key, lang)))
        if not runs:
            out.append(Block("p", text(empty, lang)))
            continue
        out.append(Block("table", head=[text("gmina", lang)] + [
            f"{ind_names.get(r['indicator'], r['indicator'])} {r['year']} "
            f"({text('run', lang)} #{r['run_id']})" for r in runs], rows=[
            [names[t]] + [text(r["labels"].get(t) or "–", lang) for r in runs]
            for t in names]))
    if spatial["risk_run"]:
        out.append(Block("p", text("hh_share", lang, share=percent(spatial["hh_share"], lang),
                                   run=f"{text('run', lang)} #{spatial['risk_run']}")))
    else:
        out.append(Block("p", text("no_risk_run", lang)))

    # 6. Functional areas
    out.append(Block("h2", text("s_areas", lang)))
    if not model["functional_areas"]:
        out.append(Block("p", text("no_areas", lang)))
    else:
        codes = [c for c in ("unemployed_per_1000", "dependency_ratio", "density")
                 if any(c in a["indicators"] for a in model["functional_areas"])]
        out.append(Block("table", numeric=list(range(2, 5 + len(codes))), head=[
            text("name", lang), text("kind", lang), text("area", lang) + " (km²)",
            text("population", lang), "gminy" if lang == "pl" else "gminas"]
            + [ind_names.get(c, c) for c in codes], rows=[
            [a["name"], text(a["kind"], lang), n(a["area_km2"], 1), n(a["population"], 0),
             n(a["gminas"], 0)] + [n(a["indicators"][c]["value"], 1)
                                   if c in a["indicators"] else "–" for c in codes]
            for a in model["functional_areas"]]))

    # 7. Projects
    out.append(Block("h2", text("s_projects", lang)))
    projects = model["projects"]
    if not projects["count"]:
        out.append(Block("p", text("no_projects", lang)))
    else:
        out.append(Block("table", css="facts", head=["", ""], rows=[
            [text("projects_count", lang), n(projects["count"], 0)],
            [text("projects_cost", lang), n(projects["cost_pln"], 2)],
            [text("projects_per_resident", lang), n(projects["per_resident"], 2)]]))
        out.append(Block("table", numeric=[1, 2], head=[
            text("theme", lang), text("count", lang), text("cost", lang)], rows=[
            [t["theme"] or text("no_theme", lang), n(t["count"], 0), n(t["cost_pln"], 2)]
            for t in projects["by_theme"]]))

    # Map consultations, where residents answered one (services/consultations/diagnosis.py)
    if model.get("consultations"):
        from services.consultations.diagnosis import blocks as consultation_blocks

        out.extend(consultation_blocks(model["consultations"], lang, n, Block))

    # Surveys of residents and young people (services/surveys/results_files.py)
    if model.get("surveys"):
        from services.surveys.results_files import diagnosis_blocks as survey_blocks

        out.extend(survey_blocks(model["surveys"], lang, n, Block))

    # 8. Sources
    out.append(Block("h2", text("s_sources", lang)))
    out.append(Block("table", css="sources", head=[
        text("indicator", lang), text("producer", lang), text("table_id", lang),
        text("year", lang), text("boundary_vintage", lang), text("loaded", lang)], rows=[
        [i["name"][lang], i["source"] if i["source"] != "derived" else text("derived", lang),
         describe(i, lang, ind_names), str(i["year"]), vintage,
         _load(i)]
        for i in model["indicators"]]))
    out.append(Block("p", text("sources_note", lang, vintage=vintage,
                               date=when(generated, lang), version=model["product_version"])))

    # Missing data
    out.append(Block("h2", text("s_missing", lang)))
    notes = [_note(x, lang) for x in model["notes"]]
    out.append(Block("list", items=notes) if notes else Block("p", text("missing_none", lang)))
    return _numbered(out, text("s_missing", lang))


def _numbered(out: list[Block], unnumbered: str) -> list[Block]:
    """Sections numbered in the order they appear: consultations and surveys come in between
    only when a partnership has them, so the numbers after them are counted, not written."""
    k = 0
    for block in out:
        if block.kind == "h2" and block.text != unnumbered:
            k += 1
            block.text = f"{k}. " + re.sub(r"^\d+\.\s*", "", block.text)
    return out


def _load(item: dict) -> str:
    load = item["load"]
    if not load:
        return "–"
    # Derived values name no file: their inputs are in the previous column.
    return load["loaded_at"] if load["file"] == "derived" else \
        f"{load['file']}, {load['loaded_at']}"
