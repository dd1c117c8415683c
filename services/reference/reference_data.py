"""Loading the reference boundaries of all levels: from a data mirror, or from GUGiK's PRG."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from core.errors import InvalidInput, Text
from layers.archive import safe_extract
from layers.catalogue import (
    DEMO_RISK_INDEX,
    LEVELS,
    MIRROR_AS_OF,
    MIRROR_BOUNDARIES,
    MIRROR_FLOWS,
    MIRROR_INDICATORS,
    MIRROR_PARTNERSHIPS,
)
from layers.download import download
from services.config import Settings
from services.reference.boundaries import LoadSummary, Progress, load_boundaries

# Parents first, so that every level's parent codes are checked.
LOAD_ORDER = ("voivodeship", "powiat", "gmina")


def mirror_paths(data_dir: Path) -> dict[str, Path]:
    paths = {lvl: data_dir / rel for lvl, rel in MIRROR_BOUNDARIES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise InvalidInput("the data mirror lacks %(missing)s", where=str(data_dir),
                           missing=', '.join(missing))
    return paths


def fetch_prg(settings: Settings, *, show_progress: bool = True) -> Path:
    """Download and unpack GUGiK's PRG package once; returns the folder of its Shapefiles."""
    folder = settings.cache_dir / "prg"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    archive = settings.cache_dir / "prg.zip"
    if not archive.exists():
        download(settings.prg_url, archive, show_progress=show_progress)
    safe_extract(archive, folder)
    marker.write_text(settings.prg_url)
    return folder


def load_reference_boundaries(engine: sa.Engine, settings: Settings, *,
                              progress: Progress | None = None,
                              show_progress: bool = True) -> list[LoadSummary]:
    """Load voivodeships, powiats and gminas from the mirror if given, else from PRG."""
    say = progress or (lambda _m: None)
    summaries = []
    if settings.data_dir:
        paths = mirror_paths(settings.data_dir)
        for name in LOAD_ORDER:
            summaries.append(load_boundaries(engine, paths[name], name, as_of=MIRROR_AS_OF,
                                             progress=say))
        return summaries
    say(Text("no data mirror given: downloading the PRG from %(url)s", url=settings.prg_url))
    folder = fetch_prg(settings, show_progress=show_progress)
    for name in LOAD_ORDER:
        summaries.append(load_boundaries(engine, folder, name, layer=LEVELS[name].prg_layer,
                                         progress=say))
    return summaries


def load_reference_indicators(engine: sa.Engine, settings: Settings, *,
                              progress: Progress | None = None) -> list:
    """Import the mirror's indicator files and derive the demo's indicators and risk index.

    Returns the import and derivation reports; an empty list without a mirror.
    """
    from services.indicators import derived
    from services.indicators.store import import_indicators

    say = progress or (lambda _m: None)
    if not settings.data_dir:
        say(Text("no data mirror: indicators not loaded (fetch them with `partnerstwa fetch"
                 " bdl`)"))
        return []
    reports = []
    for relative, fmt in MIRROR_INDICATORS:
        say(Text("importing %(file)s", file=str(relative)))
        reports.append(import_indicators(engine, settings.data_dir / relative, fmt))
    say(Text("deriving unemployed per 1,000, population change, net migration, density"))
    reports.append(derived.unemployed_per_1000(engine))
    reports.append(derived.population_change(engine, 2021, 2024))
    flows, year = MIRROR_FLOWS
    reports.append(derived.net_migration(engine, settings.data_dir / flows, year))
    reports.append(derived.density(engine, 2022))
    say(Text("deriving the demographic dependency ratio and the share of post-working age"))
    reports.append(derived.dependency_ratio(engine))
    reports.append(derived.post_working_share(engine))
    reports.append(derived.composite(engine, DEMO_RISK_INDEX["code"], DEMO_RISK_INDEX["name"],
                                     DEMO_RISK_INDEX["year"], DEMO_RISK_INDEX["components"],
                                     groups="gmina-type", name_en=DEMO_RISK_INDEX["name_en"]))
    return reports


def load_reference_partnerships(engine: sa.Engine, settings: Settings):
    """The mirror's example partnerships (replaced on every run); None without a mirror."""
    from services.planning.partnerships import import_partnerships

    if not settings.data_dir:
        return None
    return import_partnerships(engine, settings.data_dir / MIRROR_PARTNERSHIPS)
