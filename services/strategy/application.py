"""The preliminary funding application for one project, as blocks (see render_strategy.py).

Its sections follow what an EU or national call's pre-application asks: the applicant (the
partnership's leader) and the partners with TERYT, the title, the location (gminas, a map and
who it serves), the problem addressed with the diagnosis's numbers, the goals and consistency
with the strategy, output and result indicators, the schedule, the budget with co-financing
and each partner's own contribution, feasibility and the data sources; and what is missing.
"""

from __future__ import annotations

import datetime as dt

from services.diagnosis.texts import number, when
from services.diagnosis.view import Block, digits_of
from services.strategy.render_strategy import (
    dimension_label,
    feasibility_block,
    finance_blocks,
    indicator_table,
    reach_blocks,
    schedule_blocks,
    w,
)

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Wstępny wniosek o dofinansowanie", "Preliminary funding application"),
    "s_applicant": ("1. Wnioskodawca i partnerzy", "1. Applicant and partners"),
    "s_title": ("2. Tytuł przedsięwzięcia", "2. Title of the project"),
    "s_location": ("3. Lokalizacja", "3. Location"),
    "s_problem": ("4. Problem, na który odpowiada przedsięwzięcie",
                  "4. The problem the project addresses"),
    "s_goals": ("5. Cele i zgodność ze strategią", "5. Goals and consistency with the strategy"),
    "s_indicators": ("6. Wskaźniki produktu i rezultatu", "6. Output and result indicators"),
    "s_schedule": ("7. Harmonogram", "7. Schedule"),
    "s_budget": ("8. Budżet", "8. Budget"),
    "s_feasibility": ("9. Gotowość do realizacji", "9. Feasibility"),
    "s_sources": ("10. Źródła danych", "10. Data sources"),
    "s_missing": ("11. Braki wniosku", "11. What the application still lacks"),
    "applicant": ("Wnioskodawca (lider partnerstwa)", "Applicant (the partnership's leader)"),
    "partners": ("Partnerzy", "Partners"),
    "no_leader": ("Partnerstwo nie ma wskazanego lidera.", "The partnership has no leader."),
    "location_caption": ("Lokalizacja przedsięwzięcia i bufor 10 km",
                         "The project's location and its 10 km buffer"),
    "area_facts": ("Obszar partnerstwa: {area} km², ludność {population} ({year}).",
                   "The partnership's area: {area} km², population {population} ({year})."),
    "problems_intro": ("Problemy obszaru wskazane w diagnozie (wskaźniki odbiegające"
                       " niekorzystnie od grupy porównawczej):",
                       "The area's problems found by the diagnosis (indicators unfavourably far"
                       " from the comparison group):"),
    "no_problems": ("Diagnoza nie wskazała problemów na podstawie dostępnych danych.",
                    "The diagnosis found no problems in the data held."),
    "partnership": ("Partnerstwo", "Partnership"),
    "voivodeship": ("Województwo", "Voivodeship"),
    "group_median": ("Mediana grupy", "Group median"),
    "no_goal": ("Przedsięwzięcie nie jest powiązane z celem strategii.",
                "The project is not linked to a goal of the strategy."),
    "direction": ("Kierunek działań", "Direction of action"),
    "goal": ("Cel strategiczny", "Strategic goal"),
    "dimension": ("Wymiar", "Dimension"),
    "outputs": ("Wskaźniki produktu", "Output indicators"),
    "results": ("Wskaźniki rezultatu (cele strategii, do których przedsięwzięcie się"
                " przyczynia)", "Result indicators (the strategy's goals the project serves)"),
    "output_rows": ("Ludność w zasięgu {km} km od przedsięwzięcia (osoby)",
                    "Population within {km} km of the project (persons)"),
    "outputs_note": ("Wskaźniki produktu programu (np. długość wybudowanej drogi rowerowej)"
                     " należy dobrać z listy wskaźników naboru; powyżej — zasięg obliczony"
                     " z danych.", "The call's output indicators (e.g. length of the cycle path"
                     " built) are chosen from the call's list; above, the reach computed from"
                     " the data."),
    "no_results": ("Brak wskaźników rezultatu (przedsięwzięcie nie jest powiązane z celem"
                   " mającym wskaźniki).", "No result indicators (the project is not linked to"
                   " a goal with indicators)."),
    "value": ("Wartość", "Value"),
    "missing_none": ("Wniosek zawiera wszystkie elementy.",
                     "The application holds every element."),
    "incomplete_strategy": ("Strategia jest niekompletna ({n} brakujących elementów):",
                            "The strategy is incomplete ({n} missing elements):"),
    "sources": ("Diagnoza: wskaźniki GUS (Bank Danych Lokalnych, tablice powierzchni i"
                " ludności), granice GUGiK PRG ({vintage}); zasięg: interpolacja"
                " powierzchniowa ludności gmin (PostGIS); harmonogram, budżet i gotowość:"
                " wpisane przez partnerstwo.",
                "Diagnosis: GUS indicators (Local Data Bank, area and population tables),"
                " GUGiK PRG boundaries ({vintage}); reach: areal interpolation of the gminas'"
                " population (PostGIS); schedule, budget and feasibility: entered by the"
                " partnership."),
}


def a(key: str, lang: str, **values) -> str:
    pl, en = WORDS[key]
    chosen = en if lang == "en" else pl
    return chosen.format(**values) if values else chosen


def application_blocks(model: dict, package: dict, diagnosis: dict, reach: dict | None,
                       lang: str, images: dict, generated: dt.datetime) -> list[Block]:
    """Everything the application says about ``package`` (one of ``model``'s projects)."""
    p = model["partnership"]
    out = [Block("h1", a("title", lang) + ": " + package["title"]),
           Block("meta", f"{p['name']} ({p['id']}) · {w('generated', lang)}"
                         f" {when(generated, lang)}")]

    out.append(Block("h2", a("s_applicant", lang)))
    leader = [m for m in p["members"] if m["role"] == "leader"]
    partners = [m for m in p["members"] if m["role"] != "leader"]
    head = [w("member", lang), w("teryt", lang), w("kind", lang)]
    out.append(Block("h3", a("applicant", lang)))
    if leader:
        out.append(Block("table", css="applicant", head=head, rows=[
            [m["name"], m["teryt"], w(m["kind"], lang)] for m in leader]))
    else:
        out.append(Block("p", a("no_leader", lang), css="missing"))
    out.append(Block("h3", a("partners", lang)))
    out.append(Block("table", css="partners", head=head, rows=[
        [m["name"], m["teryt"], w(m["kind"], lang)] for m in partners]))

    out.append(Block("h2", a("s_title", lang)))
    out.append(Block("p", package["title"]))
    if package.get("description"):
        out.append(Block("p", package["description"]))

    out.append(Block("h2", a("s_location", lang)))
    out.append(Block("table", css="located", head=[w("gmina", lang).capitalize(),
                                                   w("teryt", lang)],
                     rows=[[g["name"], g["teryt"]] for g in package["gminas"]]))
    if images.get("location"):
        out.append(Block("image", image="location", text=a("location_caption", lang)))
    reach_part = reach_blocks(reach, lang)
    if reach_part:
        out.append(Block("h3", w("reach", lang)))
        out += reach_part

    out.append(Block("h2", a("s_problem", lang)))
    population = diagnosis["population"]
    out.append(Block("p", a("area_facts", lang, area=number(diagnosis["area_km2"], 1, lang),
                            population=number(population["value"], 0, lang),
                            year=population["year"] or "–")))
    by_code = {i["code"]: i for i in diagnosis["indicators"]}
    problems = [by_code[c] for c in diagnosis["problems"] if c in by_code]
    if problems:
        out.append(Block("p", a("problems_intro", lang)))
        out.append(Block("table", css="problems", numeric=[2, 3, 4], head=[
            w("indicator", lang), w("year", lang), a("partnership", lang),
            a("voivodeship", lang), a("group_median", lang)], rows=[
            [i["name"][lang], i["year"], number(i["value"], digits_of(i), lang),
             number(i["voivodeship"], digits_of(i), lang),
             number(i["group_median"], digits_of(i), lang)] for i in problems]))
    else:
        out.append(Block("p", a("no_problems", lang)))

    out.append(Block("h2", a("s_goals", lang)))
    goals = [g for g in model["goals"] if g["id"] in package["goal_ids"]]
    if goals:
        rows = []
        for g in goals:
            directions = [d["title"] for d in g["directions"] if d["id"] in
                          package["direction_ids"]]
            rows.append([g["title"], dimension_label(g["dimension"], lang),
                         "; ".join(directions) or "–"])
        out.append(Block("table", css="goals", head=[
            a("goal", lang), a("dimension", lang), a("direction", lang)], rows=rows))
    else:
        out.append(Block("p", a("no_goal", lang), css="missing"))

    out.append(Block("h2", a("s_indicators", lang)))
    out.append(Block("h3", a("outputs", lang)))
    if reach and reach.get("buffers"):
        out.append(Block("table", css="outputs", numeric=[1], head=[
            w("indicator", lang), a("value", lang)], rows=[
            [a("output_rows", lang, km=b["radius_km"]), number(round(b["population"]), 0, lang)]
            for b in reach["buffers"]]))
    out.append(Block("p", a("outputs_note", lang), css="note"))
    out.append(Block("h3", a("results", lang)))
    indicators = [i for g in goals for i in g["indicators"]]
    if indicators:
        out.append(indicator_table(indicators, lang))
    else:
        out.append(Block("p", a("no_results", lang), css="missing"))

    out.append(Block("h2", a("s_schedule", lang)))
    out += schedule_blocks(package, lang, images)
    out.append(Block("h2", a("s_budget", lang)))
    out += finance_blocks(package, lang)
    out.append(Block("h2", a("s_feasibility", lang)))
    out.append(feasibility_block(package, lang))

    out.append(Block("h2", a("s_sources", lang)))
    out.append(Block("p", a("sources", lang,
                            vintage=", ".join(diagnosis["boundary_vintage"]) or "–")))

    out.append(Block("h2", a("s_missing", lang)))
    lacking = [x["message"] for x in package["warnings"]]
    if not indicators:
        lacking.append(a("no_results", lang))
    if lacking:
        out.append(Block("list", items=lacking))
    else:
        out.append(Block("p", a("missing_none", lang)))
    absent = [c for c in model["completeness"] if not c["present"]]
    if absent:
        out.append(Block("p", a("incomplete_strategy", lang, n=len(absent))))
        out.append(Block("list", items=[
            f"{c['label_en'] if lang == 'en' else c['label']} ({c['legal_basis']}):"
            f" {c['missing']}" for c in absent]))
    return out
