"""The kinds of analyses, weights, Gi* weights and regionalisation methods: one table each,
which the service dispatches through and the CLI choices and the OpenAPI enums read.

Importing this module is cheap (the statistics are imported when a run needs them), so the
CLI can build its choices without loading the scientific stack. ``tests/services`` checks that
the spatial functions accept exactly these names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import BadRequest, InvalidInput

if TYPE_CHECKING:
    import pandas as pd

    from spatial.weights import Weights

WEIGHTS = {
    "queen": "gminas sharing a boundary point",
    "rook": "gminas sharing a boundary line",
    "knn": "the k nearest gminas (representative points; k)",
    "distance": "gminas within a distance band (representative points; threshold in metres)",
}
GI_WEIGHTS = {
    "binary": "binary weights, each gmina in its own neighbourhood (Ord and Getis 1995)",
    "row": "row-standardised weights, each gmina in its own neighbourhood (esda's default)",
}
REGION_METHODS = {
    "skater": "SKATER: a minimum spanning tree cut into n regions",
    "maxp": "max-p: as many regions as reach a floor (e.g. population)",
}
WEIGHT_KINDS = tuple(WEIGHTS)
GI_VARIANTS = tuple(GI_WEIGHTS)


@dataclass(frozen=True)
class Job:
    """One analysis to compute: the scope's units with values, weights and options."""

    conn: object  # the run's connection (regions read their floor indicator)
    scope: str
    year: int
    units: pd.DataFrame  # indexed by TERYT, with 'value' (and the geometry)
    weights: Weights
    options: dict
    seed: int


def _lisa_parameters(o: dict) -> dict:
    from spatial.permutation import RULE

    return {"permutations": o["permutations"], "p_values": RULE}


def _lisa(job: Job) -> tuple[pd.DataFrame, dict]:
    from spatial.lisa import moran_local
    from spatial.moran import moran_global

    y = job.units["value"]
    lisa = moran_local(y, job.weights, permutations=job.options["permutations"], seed=job.seed,
                       alpha=job.options["alpha"])
    glob = moran_global(y, job.weights, permutations=job.options["permutations"],
                        seed=job.seed)
    frame = lisa.frame()[["std_value", "Is", "quadrant", "p_sim", "fdr_significant", "label"]]
    tested = lisa.quadrant > 0
    summary = {"moran_i": glob.I, "moran": glob.as_dict(),
               "p_values": {"exact": int((lisa.exact & tested).sum()),
                            "permutation": int((~lisa.exact & tested).sum())}}
    return frame.rename(columns={"Is": "statistic", "p_sim": "p_value"}), summary


def _gi_parameters(o: dict) -> dict:
    return {"gi_weights": o["gi_weights"]}


def _gi(job: Job) -> tuple[pd.DataFrame, dict]:
    from spatial.getis import UNDEFINED, gi_star

    gi = gi_star(job.units["value"], job.weights, variant=job.options["gi_weights"],
                 alpha=job.options["alpha"])
    if len(gi.reasons) == len(gi.ids):
        raise InvalidInput("scope %(scope)s: Gi* is undefined for every gmina: the"
                           " %(undefined)s (take a larger scope or narrower weights)",
                           scope=job.scope, undefined=UNDEFINED)
    frame = gi.frame()[["z_score", "p_norm", "fdr_significant", "label"]]
    frame = frame.rename(columns={"p_norm": "p_value"})
    frame["statistic"] = frame["z_score"]
    summary = {"gi_weights": gi.variant}
    if gi.reasons:
        summary["undefined"] = {"reason": UNDEFINED, "units": sorted(gi.reasons)}
    return frame, summary


def _regions_parameters(o: dict) -> dict:
    if o["method"] == "maxp":
        if o["floor"] is None:
            raise BadRequest("max-p needs --floor (e.g. the minimum population)")
        return {"method": "maxp", "floor": o["floor"], "floor_indicator": o["floor_indicator"]}
    return {"method": o["method"], "n_regions": o["n_regions"]}


def _regions(job: Job) -> tuple[pd.DataFrame, dict]:
    import pandas as pd

    from services.indicators.store import gmina_values
    from spatial.regions import regions

    o = job.options
    units = job.units.copy()
    if o["method"] == "maxp":
        units["floor"] = gmina_values(job.conn, o["floor_indicator"], job.year).reindex(
            units.index)
        if units["floor"].isna().any():
            raise InvalidInput("scope %(scope)s: %(floor_indicator)s is missing for"
                               " some gminas in %(year)s", scope=job.scope,
                               floor_indicator=o['floor_indicator'], year=job.year)
    elif not 1 <= o["n_regions"] < len(units):
        raise InvalidInput("scope %(scope)s: %(count)s gminas cannot form"
                           " %(n_regions)s regions", scope=job.scope, count=len(units),
                           n_regions=o['n_regions'])
    try:
        labels = regions(units, job.weights.graph, ["value"], method=o["method"],
                         n_regions=o["n_regions"],
                         floor_column="floor" if o["method"] == "maxp" else None,
                         floor=o["floor"] or 0.0, seed=job.seed)
    except ValueError as exc:
        raise InvalidInput("scope %(scope)s: %(exc)s", scope=job.scope, exc=exc) from exc
    frame = pd.DataFrame({"region_id": labels}, index=units.index)
    return frame, {"regions": int(labels[labels > 0].nunique())}


@dataclass(frozen=True)
class AnalysisKind:
    name: str
    description: str
    parameters: Callable[[dict], dict]  # the options that apply, as stored with the run
    run: Callable[[Job], tuple[pd.DataFrame, dict]]  # per-unit results, summary


ANALYSES: dict[str, AnalysisKind] = {kind.name: kind for kind in (
    AnalysisKind("lisa", "local Moran's I clusters with global Moran's I and its inference",
                 _lisa_parameters, _lisa),
    AnalysisKind("gi", "Getis-Ord Gi* hot and cold spots", _gi_parameters, _gi),
    AnalysisKind("regions", "contiguous regions (SKATER or max-p)", _regions_parameters,
                 _regions),
)}
KINDS = tuple(ANALYSES)

