"""Small pictures of the strategy documents: the monitoring chart and a project's location map.

Drawn with matplotlib like the diagnosis's (services/diagnosis/maps.py), as PNG bytes.
"""

from __future__ import annotations

import io
import math
import textwrap

import matplotlib

matplotlib.use("Agg")  # no display on a server; set before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from services.db import database_errors  # noqa: E402
from services.diagnosis import maps as diagnosis_maps  # noqa: E402

STATUS_COLOURS = {"on_track": "#1a9850", "off_track": "#d73027", "no_data": "#969696"}
WORDS = {
    "path": ("ścieżka od wartości bazowej do docelowej", "path from baseline to target"),
    "latest": ("najnowsza wartość", "latest value"),
    "on_track": ("zgodnie z planem", "on track"),
    "off_track": ("poniżej ścieżki do celu", "off track"),
    "no_data": ("brak nowszych danych", "no data"),
    "project": ("przedsięwzięcie", "project"),
    "gminas": ("gminy partnerstwa", "the partnership's gminas"),
    "buffer": ("{km} km od przedsięwzięcia", "{km} km from the project"),
    "legend": ("Legenda", "Legend"),
}


def word(key: str, lang: str, **values) -> str:
    pl, en = WORDS[key]
    return (en if lang == "en" else pl).format(**values)


def monitoring_png(rows: list[dict], lang: str = "pl") -> bytes | None:
    """Small multiples, one per result indicator with a baseline and a target: the straight
    path from the baseline to the target (dashed) and the latest value, coloured by status."""
    shown = [r for r in rows if r.get("baseline_value") is not None
             and r.get("target_value") is not None and r.get("baseline_year")
             and r.get("target_year")]
    if not shown:
        return None
    cols = min(3, len(shown))
    nrows = math.ceil(len(shown) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(7.2, 1.9 * nrows + 0.5), squeeze=False)
    for ax, row in zip(axes.flat, shown, strict=False):
        years = [row["baseline_year"], row["target_year"]]
        values = [float(row["baseline_value"]), float(row["target_value"])]
        ax.plot(years, values, "--", color="#2166ac", linewidth=1.0, marker="o", markersize=3)
        if row.get("latest_value") is not None and row.get("latest_year"):
            ax.plot([row["latest_year"]], [float(row["latest_value"])], marker="D",
                    markersize=6, color=STATUS_COLOURS.get(row["status"], "#969696"),
                    linestyle="")
        title = diagnosis_maps._safe(row["name"]) + (f" [{row['unit']}]" if row["unit"] else "")
        ax.set_title("\n".join(textwrap.wrap(title, 34)), fontsize=7)
        ax.tick_params(labelsize=6)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.grid(alpha=0.3, linewidth=0.5)
    for ax in list(axes.flat)[len(shown):]:
        ax.set_axis_off()
    handles = [plt.Line2D([], [], color="#2166ac", linestyle="--", marker="o", markersize=3,
                          label=word("path", lang))]
    handles += [plt.Line2D([], [], color=c, marker="D", linestyle="", label=word(s, lang))
                for s, c in STATUS_COLOURS.items()]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=6.5, frameon=False)
    # Margins set by hand (tight_layout measures every text: slow).
    height = 1.9 * nrows + 0.5
    fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.35 / height, bottom=0.55 / height,
                        hspace=0.75, wspace=0.3)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=diagnosis_maps.DPI - 40, metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()


def location_png(engine: sa.Engine, pid: str, project_id: int, lang: str = "pl",
                 radius_km: int = 10) -> bytes:
    """The project on the partnership's gminas, with the buffer the reach is counted in."""
    frame = diagnosis_maps._frame
    with database_errors(), engine.connect() as conn:
        gminas = frame(conn, (
            "SELECT g.name, ST_AsBinary(ST_SimplifyPreserveTopology(g.geom, 40)) AS wkb"
            " FROM gmina g JOIN partnership_gmina pg ON pg.gmina_teryt = g.teryt"
            " WHERE pg.partnership_id = :pid"), {"pid": pid})
        project = frame(conn, "SELECT ST_AsBinary(geom) AS wkb FROM project WHERE id = :id",
                        {"id": project_id})
        buffer = frame(conn, ("SELECT ST_AsBinary(ST_Buffer(geom, :r)) AS wkb FROM project"
                              " WHERE id = :id"), {"id": project_id, "r": radius_km * 1000.0})
        vintage = ", ".join(str(v) for v in conn.execute(sa.text(
            "SELECT DISTINCT g.as_of FROM gmina g JOIN partnership_gmina pg"
            " ON pg.gmina_teryt = g.teryt WHERE pg.partnership_id = :pid ORDER BY 1"),
            {"pid": pid}).scalars()) or "–"
    fig, ax = plt.subplots(figsize=(5.6, 4.8))
    fig.subplots_adjust(0.01, 0.05, 0.99, 0.99)
    if len(gminas):
        gminas.plot(ax=ax, facecolor="#f7f4ea", edgecolor="#9e9e9e", linewidth=0.6)
    if len(buffer):
        buffer.plot(ax=ax, facecolor="#fdd0a2", alpha=0.35, edgecolor="#e6550d",
                    linestyle="--", linewidth=0.8)
    if len(project):
        kind = project.geometry.iloc[0].geom_type
        if "Point" in kind:
            project.plot(ax=ax, color="#b2182b", markersize=40, marker="s", zorder=5)
        else:
            project.plot(ax=ax, color="#b2182b", facecolor="#b2182b", linewidth=2.2, zorder=5)
    bounds = (buffer if len(buffer) else gminas).total_bounds
    if len(gminas):
        g0 = gminas.total_bounds
        bounds = (min(bounds[0], g0[0]), min(bounds[1], g0[1]), max(bounds[2], g0[2]),
                  max(bounds[3], g0[3]))
    diagnosis_maps._extent(ax, bounds, margin=0.06)
    ax.legend(handles=[Patch(facecolor="#b2182b", label=word("project", lang)),
                       Patch(facecolor="#fdd0a2", edgecolor="#e6550d",
                             label=word("buffer", lang, km=radius_km)),
                       Patch(facecolor="#f7f4ea", edgecolor="#9e9e9e",
                             label=word("gminas", lang))],
              loc="lower right", fontsize=6.5, title=word("legend", lang), title_fontsize=7,
              framealpha=0.9)
    return diagnosis_maps._finish(fig, ax, lang, vintage)
