"""What the strategy holds of the statutory elements (art. 10e ust. 3 of the act on gmina
self-government, applied to a supra-local strategy by its art. 10g ust. 3) and of art. 29 of
Regulation 2021/1060, with where to fill in what is missing."""

from __future__ import annotations

from services.strategy.kinds import DIMENSIONS, STATUTORY_ELEMENTS


def _fill_url(pid: str, anchor: str) -> str:
    if anchor == "model":
        return f"/partnerships/{pid}/strategy/model"
    if anchor == "members":
        return f"/partnerships/{pid}"
    return f"/partnerships/{pid}/strategy#{anchor}"


def _missing(model: dict, functional_areas: int) -> dict[str, str]:
    """Element code -> what is missing (Polish), '' when present."""
    goals, texts = model["goals"], model["texts"]
    out = {}
    for dim in DIMENSIONS:
        out[f"goals_{dim.code}"] = ("" if any(g["dimension"] == dim.code for g in goals)
                                    else f"brak celu w wymiarze: {dim.pl}")
    no_dir = [g["title"] for g in goals if not g["directions"]]
    out["directions"] = ("brak celów" if not goals else
                         f"cele bez kierunków działań: {'; '.join(no_dir)}" if no_dir else "")
    no_ind = [g["title"] for g in goals if not g["indicators"]]
    out["results"] = ("brak celów" if not goals else
                      f"cele bez wskaźników: {'; '.join(no_ind)}" if no_ind else "")
    for code in ("diagnosis_conclusions", "spatial_policy", "implementation_system",
                 "financial_frame"):
        out[code] = "" if texts[code].strip() else "tekst nie jest wypełniony"
    out["eu_needs"] = out["diagnosis_conclusions"]
    out["eu_partners"] = ("" if texts["partners_involvement"].strip()
                          else "tekst nie jest wypełniony")
    out["spatial_model"] = ("" if functional_areas or model["intervention_areas"]
                            else "brak obszarów funkcjonalnych do modelu")
    no_reason = [a["name"] for a in model["intervention_areas"] if not a["rationale"].strip()]
    out["intervention_areas"] = (
        "nie wskazano obszarów strategicznej interwencji" if not model["intervention_areas"]
        else f"obszary bez uzasadnienia: {'; '.join(no_reason)}" if no_reason else "")
    out["eu_area"] = "" if model["partnership"]["members"] else "partnerstwo nie ma członków"
    linked = {p for g in goals for d in g["directions"] for p in d["project_ids"]}
    out["eu_operations"] = "" if linked else "żaden projekt nie jest powiązany z kierunkiem"
    dims = {g["dimension"] for g in goals}
    out["eu_integrated"] = (
        "" if len(dims) == len(DIMENSIONS) and linked else
        "podejście zintegrowane wymaga celów we wszystkich wymiarach i projektów"
        " powiązanych z kierunkami działań")
    return out


def check(model: dict, *, functional_areas: int) -> list[dict]:
    pid = model["partnership"]["id"]
    missing = _missing(model, functional_areas)
    return [{"element": e.code, "label": e.pl, "label_en": e.en, "legal_basis": e.legal_basis,
             "present": not missing[e.code], "missing": missing[e.code],
             "fill_url": _fill_url(pid, e.anchor)} for e in STATUTORY_ELEMENTS]
