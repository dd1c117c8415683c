"""The strategy document as a sequence of blocks (services.diagnosis.view.Block), so that its
HTML, PDF and DOCX are written by the diagnosis's machinery and hold the same numbers.

The sections follow art. 10e ust. 3 of the act on gmina self-government (applied by its
art. 10g ust. 3 to a supra-local strategy), then
what art. 29 of Regulation 2021/1060 adds; an element that is missing is said to be missing in
its place, and the completeness list closes the document. Money is written to the grosz from
Decimal, indicator values exactly as the data hold them (Decimal, up to four decimals).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from services.diagnosis.texts import number, when
from services.diagnosis.view import Block
from services.strategy.kinds import (
    BUDGET_CATEGORIES,
    DIMENSIONS,
    FEASIBILITY_STATUSES,
    INDICATOR_STATUSES,
    SPLIT_METHODS,
    label_of,
)
from services.strategy.spatial_model import word as model_word

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Strategia rozwoju ponadlokalnego", "Supra-local development strategy"),
    "generated": ("Wygenerowano", "Generated"),
    "incomplete": ("Strategia jest niekompletna: brakuje {n} z {total} elementów wymaganych"
                   " prawem (lista w rozdziale „Kompletność”).",
                   "The strategy is incomplete: {n} of {total} required elements are missing"
                   " (listed under “Completeness”)."),
    "complete": ("Strategia zawiera wszystkie elementy wymagane prawem.",
                 "The strategy holds every element the law requires."),
    "s_area": ("1. Obszar i partnerzy", "1. The area and the partners"),
    "s_conclusions": ("2. Wnioski z diagnozy", "2. Conclusions from the diagnosis"),
    "s_goals": ("3. Cele strategiczne", "3. Strategic goals"),
    "s_directions": ("4. Kierunki działań", "4. Directions of action"),
    "s_results": ("5. Oczekiwane rezultaty i wskaźniki", "5. Expected results and indicators"),
    "s_model": ("6. Model struktury funkcjonalno-przestrzennej",
                "6. Model of the functional-spatial structure"),
    "s_policy": ("7. Ustalenia i rekomendacje w zakresie polityki przestrzennej",
                 "7. Spatial policy recommendations"),
    "s_intervention": ("8. Obszary strategicznej interwencji",
                       "8. Areas of strategic intervention"),
    "s_implementation": ("9. System realizacji strategii", "9. Implementation system"),
    "s_partners": ("10. Zaangażowanie partnerów", "10. Involvement of partners"),
    "s_finance": ("11. Ramy finansowe i źródła finansowania",
                  "11. Financial frame and sources"),
    "s_projects": ("12. Przedsięwzięcia (lista operacji)", "12. Projects (list of operations)"),
    "s_monitoring": ("13. Monitorowanie", "13. Monitoring"),
    "s_completeness": ("14. Kompletność", "14. Completeness"),
    "s_sources": ("15. Źródła danych", "15. Data sources"),
    "missing_text": ("[Brak — do uzupełnienia]", "[Missing — to be filled in]"),
    "no_goals": ("Nie określono celów strategicznych.", "No strategic goals are set."),
    "no_directions": ("Brak kierunków działań.", "No directions of action."),
    "no_indicators": ("Cel nie ma wskaźników rezultatu.", "The goal has no result indicators."),
    "no_areas": ("Nie wskazano obszarów strategicznej interwencji.",
                 "No areas of strategic intervention are named."),
    "no_projects": ("Brak przedsięwzięć.", "No projects."),
    "goal": ("Cel {n}: {title} (wymiar {dimension})", "Goal {n}: {title} ({dimension})"),
    "member": ("Jednostka", "Unit"),
    "teryt": ("TERYT", "TERYT"),
    "kind": ("Rodzaj", "Kind"),
    "role": ("Rola", "Role"),
    "leader": ("lider", "leader"),
    "partner": ("partner", "partner"),
    "gmina": ("gmina", "gmina"),
    "powiat": ("powiat", "powiat"),
    "indicator": ("Wskaźnik", "Indicator"),
    "unit": ("Jednostka", "Unit"),
    "baseline_year": ("Rok bazowy", "Baseline year"),
    "baseline": ("Wartość bazowa", "Baseline"),
    "target": ("Wartość docelowa", "Target"),
    "target_year": ("Rok docelowy", "Target year"),
    "source": ("Źródło", "Source"),
    "latest_year": ("Rok najnowszej wartości", "Latest year"),
    "latest": ("Najnowsza wartość", "Latest value"),
    "status": ("Ocena", "Status"),
    "projects_of": ("Przedsięwzięcia", "Projects"),
    "name": ("Nazwa", "Name"),
    "rationale": ("Uzasadnienie", "Rationale"),
    "project": ("Przedsięwzięcie", "Project"),
    "theme": ("Temat", "Theme"),
    "gminas": ("Gminy", "Gminas"),
    "funding": ("Źródło finansowania", "Funding source"),
    "cost": ("Koszt (zł)", "Cost (PLN)"),
    "total": ("Koszt całkowity (zł)", "Total cost (PLN)"),
    "eligible": ("Koszt kwalifikowalny (zł)", "Eligible cost (PLN)"),
    "cofinancing": ("Dofinansowanie (zł)", "Co-financing (PLN)"),
    "own": ("Wkład własny (zł)", "Own contribution (PLN)"),
    "rate": ("Poziom dofinansowania", "Co-financing rate"),
    "sum": ("Razem", "Total"),
    "year": ("Rok", "Year"),
    "category": ("Kategoria", "Category"),
    "share": ("Udział (%)", "Share (%)"),
    "split": ("Podział wkładu własnego: {method}", "Own contribution split: {method}"),
    "goals_of": ("Cele", "Goals"),
    "schedule": ("Harmonogram", "Schedule"),
    "task": ("Zadanie", "Task"),
    "start": ("Początek", "Start"),
    "end": ("Koniec", "End"),
    "milestone": ("Kamień milowy", "Milestone"),
    "yes": ("tak", "yes"),
    "no": ("nie", "no"),
    "deadline": ("Termin kwalifikowalności ({programme}): {date}; harmonogram kończy się: {end}.",
                 "Eligibility deadline ({programme}): {date}; the schedule ends: {end}."),
    "no_deadline": ("Źródło finansowania nie ma terminu programowego.",
                    "The funding source has no programme deadline."),
    "no_tasks": ("Brak harmonogramu: przedsięwzięcie nie ma zadań.",
                 "No schedule: the project has no tasks."),
    "gantt_caption": ("Harmonogram: {title}", "Schedule: {title}"),
    "feasibility": ("Gotowość do realizacji", "Feasibility"),
    "item": ("Element", "Item"),
    "date": ("Data", "Date"),
    "note": ("Uwagi", "Note"),
    "finance": ("Tabela finansowa", "Financial table"),
    "reach": ("Kogo obsługuje (ludność w zasięgu)", "Who it serves (population within reach)"),
    "radius": ("Odległość", "Distance"),
    "population": ("Ludność", "Population"),
    "members_reached": ("Gminy partnerstwa w zasięgu", "Partner gminas reached"),
    "reach_method": ("Metoda: {method}. Dane o ludności: {indicator}, {year}.",
                     "Method: {method}. Population data: {indicator}, {year}."),
    "warnings": ("Uwagi do przedsięwzięcia", "Warnings"),
    "model_caption": ("Model struktury funkcjonalno-przestrzennej partnerstwa",
                      "Model of the partnership's functional-spatial structure"),
    "monitoring_caption": ("Wskaźniki rezultatu: ścieżka od wartości bazowej do docelowej i"
                           " najnowsza wartość", "Result indicators: the path from baseline to"
                           " target and the latest value"),
    "element": ("Element", "Element"),
    "basis": ("Podstawa prawna", "Legal basis"),
    "present": ("jest", "present"),
    "absent": ("brak", "missing"),
    "what_missing": ("Czego brakuje", "What is missing"),
    "fill": ("Gdzie uzupełnić", "Where to fill in"),
    "sources_text": ("Granice: GUGiK PRG; wskaźniki: GUS (Bank Danych Lokalnych, tablice"
                     " powierzchni i ludności) w magazynie wskaźników partnerstwa; wartości"
                     " partnerstwa to agregacja wartości jego gmin (sumy dla liczebności,"
                     " średnie ważone dla wskaźników względnych). Cele, kierunki, przedsięwzięcia,"
                     " harmonogramy i budżety: wpisane przez partnerstwo.",
                     "Boundaries: GUGiK PRG; indicators: GUS (Local Data Bank, area and"
                     " population tables) in the indicator store; the partnership's values"
                     " aggregate its gminas' (counts summed, rates as weighted means). Goals,"
                     " directions, projects, schedules and budgets: entered by the partnership."),
}


def w(key: str, lang: str, **values) -> str:
    pl, en = WORDS[key]
    chosen = en if lang == "en" else pl
    return chosen.format(**values) if values else chosen


def money(value, lang: str) -> str:
    """An amount in PLN to the grosz, from Decimal (never through float)."""
    if value is None:
        return "–"
    return number(Decimal(value).quantize(Decimal("0.01")), 2, lang)


def exact(value, lang: str) -> str:
    """An indicator value with the decimals it has (at most four)."""
    if value is None:
        return "–"
    value = Decimal(value)
    digits = min(max(-value.normalize().as_tuple().exponent, 0), 4) if value else 0
    return number(value, digits, lang)


def day(value) -> str:
    if value in (None, ""):
        return "–"
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def percent(value, lang: str) -> str:
    return "–" if value is None else exact(value, lang) + "\u00a0%"


def text_or_missing(value: str | None, lang: str) -> Block:
    value = (value or "").strip()
    return Block("p", value) if value else Block("p", w("missing_text", lang), css="missing")


def dimension_label(code: str, lang: str) -> str:
    return label_of(DIMENSIONS, code, lang)


def indicator_table(indicators: list[dict], lang: str) -> Block:
    return Block("table", css="strategy-indicators", numeric=[3, 4], head=[
        w("indicator", lang), w("unit", lang), w("baseline_year", lang), w("baseline", lang),
        w("target", lang), w("target_year", lang), w("source", lang)], rows=[
        [i["name"], i["unit"] or "–", i["baseline_year"] or "–",
         exact(i["baseline_value"], lang), exact(i["target_value"], lang),
         i["target_year"] or "–", i["baseline_source"] or "–"] for i in indicators])


def schedule_blocks(package: dict, lang: str, images: dict) -> list[Block]:
    out = [Block("h3", w("schedule", lang) + ": " + package["title"])]
    key = f"gantt_{package['id']}"
    if images.get(key) and package["tasks"]:
        out.append(Block("image", image=key,
                         text=w("gantt_caption", lang, title=package["title"])))
    if package["tasks"]:
        out.append(Block("table", css="schedule", head=[
            w("task", lang), w("start", lang), w("end", lang), w("milestone", lang)], rows=[
            [t["name"], day(t["start"]), day(t["end"]),
             w("yes" if t["milestone"] else "no", lang)] for t in package["tasks"]]))
    else:
        out.append(Block("p", w("no_tasks", lang), css="missing"))
    deadline = package["deadline"]
    if deadline["eligible_until"]:
        out.append(Block("p", w("deadline", lang, programme=deadline["programme"],
                                date=day(deadline["eligible_until"]),
                                end=day(deadline.get("schedule_end")))))
    else:
        out.append(Block("p", w("no_deadline", lang)))
    return out


def feasibility_block(package: dict, lang: str) -> Block:
    return Block("table", css="feasibility", head=[
        w("item", lang), w("status", lang), w("date", lang), w("note", lang)], rows=[
        [f["label"], label_of(FEASIBILITY_STATUSES, f["status"], lang), day(f["date"]),
         f["note"] or ""] for f in package["feasibility"]])


def finance_blocks(package: dict, lang: str) -> list[Block]:
    money_ = package["finance"]
    out = [Block("h3", w("finance", lang) + ": " + package["title"])]
    rows = [[line["year"], label_of(BUDGET_CATEGORIES, line["category"], lang),
             money(line["total"], lang), money(line["eligible"], lang)]
            for line in money_["lines"]]
    rows.append([w("sum", lang), "", money(money_["total"], lang),
                 money(money_["eligible"], lang)])
    out.append(Block("table", css="budget", numeric=[2, 3], head=[
        w("year", lang), w("category", lang), w("total", lang), w("eligible", lang)],
        rows=rows))
    out.append(Block("table", css="facts", numeric=[1], head=["", ""], rows=[
        [w("rate", lang), percent(Decimal(money_["cofinancing_rate"]) * 100, lang)],
        [w("cofinancing", lang), money(money_["cofinancing"], lang)],
        [w("own", lang), money(money_["own_contribution"], lang)]]))
    out.append(Block("p", w("split", lang, method=label_of(SPLIT_METHODS,
                                                            money_["split_method"], lang))))
    shares = [[s["name"], s["teryt"], percent(s["share"], lang), money(s["amount"], lang)]
              for s in money_["shares"]]
    shares.append([w("sum", lang), "", "",
                   money(sum((s["amount"] for s in money_["shares"]), Decimal("0.00")),
                         lang)])
    out.append(Block("table", css="shares", numeric=[2, 3], head=[
        w("gmina", lang).capitalize(), w("teryt", lang), w("share", lang), w("own", lang)],
        rows=shares))
    return out


def reach_blocks(reach: dict | None, lang: str) -> list[Block]:
    if not reach or not reach.get("buffers"):
        return []
    return [Block("table", css="reach", numeric=[1], head=[
        w("radius", lang), w("population", lang), w("members_reached", lang)], rows=[
        [f"{b['radius_km']} km", number(round(b["population"]), 0, lang),
         ", ".join(f"{g['name']} ({g['teryt']})" for g in b["gminas"] if g["member"]) or "–"]
        for b in reach["buffers"]]),
        Block("p", w("reach_method", lang, method=reach["method"],
                     indicator=reach["population_indicator"] or "–",
                     year=reach["population_year"] or "–"), css="note")]


def project_blocks(package: dict, lang: str, images: dict, reach: dict | None,
                   goal_titles: dict[int, str]) -> list[Block]:
    out = [Block("h3", package["title"])]
    out.append(Block("table", css="facts", head=["", ""], rows=[
        [w("theme", lang), package["theme"] or "–"],
        [w("gminas", lang), ", ".join(f"{g['name']} ({g['teryt']})"
                                      for g in package["gminas"]) or "–"],
        [w("funding", lang), package["funding_label"] or package["funding_source"]],
        [w("cost", lang), money(package["cost_pln"], lang)],
        [w("goals_of", lang), "; ".join(goal_titles.get(g, str(g))
                                        for g in package["goal_ids"]) or "–"]]))
    if package.get("description"):
        out.append(Block("p", package["description"]))
    out += schedule_blocks(package, lang, images)
    out.append(Block("h3", w("feasibility", lang) + ": " + package["title"]))
    out.append(feasibility_block(package, lang))
    out += finance_blocks(package, lang)
    reach_part = reach_blocks(reach, lang)
    if reach_part:
        out.append(Block("h3", w("reach", lang) + ": " + package["title"]))
        out += reach_part
    if package["warnings"]:
        out.append(Block("h3", w("warnings", lang) + ": " + package["title"]))
        out.append(Block("list", items=[x["message"] for x in package["warnings"]]))
    return out


def completeness_block(items: list[dict], lang: str) -> Block:
    return Block("table", css="completeness", head=[
        w("element", lang), w("basis", lang), w("status", lang), w("what_missing", lang),
        w("fill", lang)], rows=[
        [i["label_en"] if lang == "en" else i["label"], i["legal_basis"],
         w("present" if i["present"] else "absent", lang), i["missing"] or "",
         "" if i["present"] else i["fill_url"]] for i in items])


def monitoring_block(rows: list[dict], lang: str) -> Block:
    return Block("table", css="monitoring", numeric=[2, 3, 5], head=[
        w("indicator", lang), w("baseline_year", lang), w("baseline", lang), w("target", lang),
        w("latest_year", lang), w("latest", lang), w("status", lang)], rows=[
        [r["name"], r["baseline_year"] or "–", exact(r["baseline_value"], lang),
         exact(r["target_value"], lang), r["latest_year"] or "–",
         exact(r["latest_value"], lang), label_of(INDICATOR_STATUSES, r["status"], lang)]
        for r in rows])


def strategy_blocks(model: dict, lang: str, images: dict, reach: dict[int, dict],
                    generated: dt.datetime, population_year: int | None = None) -> list[Block]:
    """Everything the strategy document says, in the statutory order."""
    p = model["partnership"]
    texts = model["texts"]
    missing = [c for c in model["completeness"] if not c["present"]]
    out = [Block("h1", w("title", lang) + ": " + p["name"]),
           Block("meta", f"{p['id']} · {w('generated', lang)} {when(generated, lang)}"
                         f" · v. {model.get('version', 1)}"),
           Block("p", w("incomplete", lang, n=len(missing), total=len(model["completeness"]))
                 if missing else w("complete", lang))]

    out.append(Block("h2", w("s_area", lang)))
    out.append(Block("table", css="members", head=[
        w("member", lang), w("teryt", lang), w("kind", lang), w("role", lang)], rows=[
        [m["name"], m["teryt"], w(m["kind"], lang) if m["kind"] in ("gmina", "powiat")
         else m["kind"], w("leader" if m["role"] == "leader" else "partner", lang)]
        for m in p["members"]]))

    out.append(Block("h2", w("s_conclusions", lang)))
    out.append(text_or_missing(texts.get("diagnosis_conclusions"), lang))

    goals = model["goals"]
    out.append(Block("h2", w("s_goals", lang)))
    if not goals:
        out.append(Block("p", w("no_goals", lang), css="missing"))
    for n, goal in enumerate(goals, 1):
        out.append(Block("h3", w("goal", lang, n=n, title=goal["title"],
                                 dimension=dimension_label(goal["dimension"], lang))))
        if goal.get("description"):
            out.append(Block("p", goal["description"]))

    titles = {pk["id"]: pk["title"] for pk in model["projects"]}
    out.append(Block("h2", w("s_directions", lang)))
    if not goals:
        out.append(Block("p", w("no_goals", lang), css="missing"))
    for n, goal in enumerate(goals, 1):
        out.append(Block("h3", w("goal", lang, n=n, title=goal["title"],
                                 dimension=dimension_label(goal["dimension"], lang))))
        if not goal["directions"]:
            out.append(Block("p", w("no_directions", lang), css="missing"))
            continue
        out.append(Block("table", css="directions", head=[
            w("name", lang), w("projects_of", lang)], rows=[
            [d["title"] + (f" — {d['description']}" if d.get("description") else ""),
             "; ".join(titles.get(i, f"#{i}") for i in d["project_ids"]) or "–"]
            for d in goal["directions"]]))

    out.append(Block("h2", w("s_results", lang)))
    if not goals:
        out.append(Block("p", w("no_goals", lang), css="missing"))
    for n, goal in enumerate(goals, 1):
        out.append(Block("h3", w("goal", lang, n=n, title=goal["title"],
                                 dimension=dimension_label(goal["dimension"], lang))))
        if goal["indicators"]:
            out.append(indicator_table(goal["indicators"], lang))
        else:
            out.append(Block("p", w("no_indicators", lang), css="missing"))

    out.append(Block("h2", w("s_model", lang)))
    if images.get("spatial_model"):
        out.append(Block("image", image="spatial_model", text=w("model_caption", lang)))
    out.append(Block("p", model_word("rule", lang, year=population_year or "–"),
                     css="note"))

    out.append(Block("h2", w("s_policy", lang)))
    out.append(text_or_missing(texts.get("spatial_policy"), lang))

    out.append(Block("h2", w("s_intervention", lang)))
    if model["intervention_areas"]:
        out.append(Block("table", css="intervention", head=[
            w("name", lang), w("kind", lang), w("rationale", lang)], rows=[
            [a["name"], a["kind"], a["rationale"] or w("missing_text", lang)]
            for a in model["intervention_areas"]]))
    else:
        out.append(Block("p", w("no_areas", lang), css="missing"))

    out.append(Block("h2", w("s_implementation", lang)))
    out.append(text_or_missing(texts.get("implementation_system"), lang))
    out.append(Block("h2", w("s_partners", lang)))
    out.append(text_or_missing(texts.get("partners_involvement"), lang))

    out.append(Block("h2", w("s_finance", lang)))
    out.append(text_or_missing(texts.get("financial_frame"), lang))
    projects = model["projects"]
    if projects:
        rows = [[pk["title"], pk["funding_label"] or pk["funding_source"],
                 money(pk["finance"]["total"], lang), money(pk["finance"]["cofinancing"], lang),
                 money(pk["finance"]["own_contribution"], lang)] for pk in projects]
        rows.append([w("sum", lang), "",
                     money(sum((pk["finance"]["total"] for pk in projects), Decimal(0)), lang),
                     money(sum((pk["finance"]["cofinancing"] for pk in projects), Decimal(0)),
                           lang),
                     money(sum((pk["finance"]["own_contribution"] for pk in projects),
                               Decimal(0)), lang)])
        out.append(Block("table", css="frame", numeric=[2, 3, 4], head=[
            w("project", lang), w("funding", lang), w("total", lang), w("cofinancing", lang),
            w("own", lang)], rows=rows))

    out.append(Block("h2", w("s_projects", lang)))
    if not projects:
        out.append(Block("p", w("no_projects", lang), css="missing"))
    goal_titles = {g["id"]: g["title"] for g in goals}
    for package in projects:
        out += project_blocks(package, lang, images, reach.get(package["id"]), goal_titles)

    out.append(Block("h2", w("s_monitoring", lang)))
    monitoring = model.get("monitoring") or []
    if monitoring:
        out.append(monitoring_block(monitoring, lang))
        if images.get("monitoring"):
            out.append(Block("image", image="monitoring", text=w("monitoring_caption", lang)))
    else:
        out.append(Block("p", w("no_goals", lang), css="missing"))

    out.append(Block("h2", w("s_completeness", lang)))
    out.append(completeness_block(model["completeness"], lang))
    out.append(Block("h2", w("s_sources", lang)))
    out.append(Block("p", w("sources_text", lang)))
    return out
