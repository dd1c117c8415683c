"""Fetching a BDL variable for gminas and storing it as an indicator."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from core.errors import Amount, BadRequest, Text
from layers.bdl import BdlClient, unit_to_teryt
from layers.indicator_catalogue import IndicatorSpec
from layers.indicator_readers import level_of
from services.config import Settings
from services.db import database_errors
from services.indicators.store import gmina_codes, store_values, upsert_indicator

VALUE_ATTRIBUTE = 1  # 'wartość'; other attributes flag confidential or missing data


def fetch_variable(engine: sa.Engine, settings: Settings, variable_id: int, years: list[int], *,
                   level: int = 6, progress=None, client_id: str | None = None,
                   base_url: str | None = None) -> dict:
    """Download one variable for a range of years and store it as indicator ``bdl_<id>``."""
    if not years or len(years) > 30:
        raise BadRequest("give between 1 and 30 years, e.g. --years 2015-2024")
    say = progress or (lambda _m: None)
    client = BdlClient(settings.cache_dir, base_url=base_url or settings.bdl_url,
                       client_id=client_id or settings.bdl_client_id or None)
    meta = client.variable(variable_id)
    name = " – ".join(meta[k] for k in ("n1", "n2", "n3", "n4", "n5") if meta.get(k))
    spec = IndicatorSpec(f"bdl_{variable_id}", name or f"BDL {variable_id}",
                         name or f"BDL {variable_id}", meta.get("measureUnitName", ""),
                         "GUS BDL API", str(variable_id), "neutral")
    rows, skipped = [], {}
    for n, unit in enumerate(client.data_by_variable(variable_id, years, unit_level=level), 1):
        if n % 500 == 0:
            say(Text("%(count)s units read (%(requests)s requests, %(cached)s cached)",
                     count=Amount(n), requests=client.requests_sent, cached=client.from_cache))
        mapped = unit_to_teryt(unit["id"])
        if mapped is None or (mapped[0] == "gmina" and level_of(mapped[1]) != "gmina"):
            reason = Text("not a gmina, powiat or voivodeship")
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        for value in unit.get("values", []):
            if value.get("attrId") != VALUE_ATTRIBUTE or value.get("val") is None:
                key = Text("attribute %(id)s", id=value.get("attrId"))
                skipped[key] = skipped.get(key, 0) + 1
                continue
            rows.append((mapped[1], mapped[0], int(value["year"]), float(value["val"])))
    frame = pd.DataFrame(rows, columns=["source_code", "level", "year", "value"])
    with database_errors(), engine.begin() as conn:
        by6 = gmina_codes(conn)
        gmina = frame["level"] == "gmina"
        frame["teryt"] = frame["source_code"]
        frame.loc[gmina, "teryt"] = frame.loc[gmina, "source_code"].str[:6].map(by6)
        unmatched = sorted(set(frame.loc[frame["teryt"].isna(), "source_code"]))
        frame = frame[frame["teryt"].notna()].assign(indicator=spec.code)
        upsert_indicator(conn, spec)
        report = {"skipped": skipped, "unmatched": unmatched, "variable": meta}
        load_id = store_values(conn, frame, source=f"BDL API variable {variable_id}",
                               source_format="bdl-api", report=report)
    return {"indicator": spec.code, "name": spec.name_pl, "load_id": load_id,
            "stored": len(frame), "unmatched": unmatched, "skipped": skipped,
            "requests": client.requests_sent, "from_cache": client.from_cache,
            "pages": client.requests_sent + client.from_cache - 1}
