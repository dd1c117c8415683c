"""Static maps and charts of a diagnosis, drawn server-side with matplotlib from PostGIS.

Every map carries a legend, a scale bar in km, a north arrow, the source and the boundary
vintage. Pictures are PNG bytes; the caller caches them per data version.
"""

from __future__ import annotations

import io
import math
import textwrap

import matplotlib

matplotlib.use("Agg")  # no display on a server; set before pyplot is imported

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import shapely  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from services.db import database_errors  # noqa: E402
from services.diagnosis.texts import number, text  # noqa: E402

DPI = 150
TYPE_COLOURS = {"1": "#d95f0e", "2": "#74c476", "3": "#fdae6b"}
PARTNERSHIP = "#b2182b"


def _frame(conn, sql: str, params: dict) -> gpd.GeoDataFrame:
    rows = conn.execute(sa.text(sql), params).all()
    if not rows:
        return gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs=2180)
    columns = list(rows[0]._fields)
    data = {c: [r[i] for r in rows] for i, c in enumerate(columns) if c != "wkb"}
    geoms = [shapely.from_wkb(bytes(r[columns.index("wkb")])) for r in rows]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=2180)


def _safe(label: str) -> str:
    # matplotlib reads $...$ as mathematics; names are shown as they are written.
    return str(label).replace("$", r"\$")


def _scale_bar(ax) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5 / 1000  # about a fifth of the width, in km
    magnitude = 10 ** math.floor(math.log10(target))
    km = max(m * magnitude for m in (1, 2, 5) if m * magnitude <= target)
    left, base = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    height = (y1 - y0) * 0.012
    for i in range(2):
        ax.add_patch(plt.Rectangle((left + i * km * 500, base), km * 500, height,
                                   facecolor="black" if i == 0 else "white",
                                   edgecolor="black", linewidth=0.6, zorder=5))
    label = f"{km:g} km"
    ax.text(left, base + height * 1.8, "0", fontsize=7, ha="center", va="bottom", zorder=5)
    ax.text(left + km * 1000, base + height * 1.8, label, fontsize=7, ha="center",
            va="bottom", zorder=5)


def _north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.85), xycoords="axes fraction",
                ha="center", va="center", fontsize=10, fontweight="bold",
                arrowprops={"facecolor": "black", "width": 3, "headwidth": 9, "headlength": 8},
                zorder=6)


def _finish(fig, ax, lang: str, vintage: str) -> bytes:
    _scale_bar(ax)
    _north_arrow(ax)
    ax.set_axis_off()
    source = text("map_source", lang, vintage=vintage)
    fig.text(0.01, 0.01, source, fontsize=6.5, color="#444444", ha="left", va="bottom")
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()


def _extent(ax, bounds, margin: float = 0.06) -> None:
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    ax.set_xlim(x0 - dx, x1 + dx)
    ax.set_ylim(y0 - dy * 2.5, y1 + dy)  # room below for the scale bar
    ax.set_aspect("equal")


def locator_map(engine: sa.Engine, pid: str, voivodeship: str, lang: str,
                vintage: str) -> bytes:
    """The partnership within its voivodeship, the other voivodeships around."""
    with database_errors(), engine.connect() as conn:
        voivs = _frame(conn, "SELECT teryt, ST_AsBinary(ST_SimplifyPreserveTopology(geom, 300))"
                             " AS wkb FROM voivodeship", {})
        gminas = _frame(conn, "SELECT ST_AsBinary(ST_SimplifyPreserveTopology(geom, 150)) AS wkb"
                              " FROM gmina WHERE voivodeship_teryt = :v", {"v": voivodeship})
        part = _frame(conn, "SELECT ST_AsBinary(ST_SimplifyPreserveTopology(geom, 50)) AS wkb"
                            " FROM partnership WHERE id = :id AND geom IS NOT NULL", {"id": pid})
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    fig.subplots_adjust(0.01, 0.05, 0.99, 0.99)
    mine = voivs[voivs["teryt"] == voivodeship]
    voivs.plot(ax=ax, facecolor="#eeeeee", edgecolor="#9e9e9e", linewidth=0.6)
    mine.plot(ax=ax, facecolor="white", edgecolor="black", linewidth=1.2)
    if len(gminas):
        gminas.boundary.plot(ax=ax, color="#c8c8c8", linewidth=0.3)
    if len(part):
        part.plot(ax=ax, facecolor=PARTNERSHIP, edgecolor="#67000d", linewidth=0.8, alpha=0.9)
    bounds = (mine if len(mine) else voivs).total_bounds
    _extent(ax, bounds)
    ax.legend(handles=[Patch(facecolor=PARTNERSHIP, label=text("partnership_area", lang)),
                       Patch(facecolor="white", edgecolor="black",
                             label=text("voivodeship_boundary", lang)),
                       Patch(facecolor="white", edgecolor="#c8c8c8",
                             label=text("other_gminas", lang))],
              loc="lower right", fontsize=7, title=text("legend", lang), title_fontsize=7,
              framealpha=0.9)
    return _finish(fig, ax, lang, vintage)


def members_map(engine: sa.Engine, pid: str, lang: str, vintage: str) -> bytes:
    """The partnership's gminas by type, named, with the gminas around in grey."""
    with database_errors(), engine.connect() as conn:
        mine = _frame(conn, "SELECT g.teryt, g.name, g.gmina_type,"
                            " ST_X(ST_PointOnSurface(g.geom)) AS x,"
                            " ST_Y(ST_PointOnSurface(g.geom)) AS y,"
                            " ST_AsBinary(ST_SimplifyPreserveTopology(g.geom, 40)) AS wkb"
                            " FROM gmina g JOIN partnership_gmina pg ON pg.gmina_teryt = g.teryt"
                            " WHERE pg.partnership_id = :id ORDER BY g.teryt", {"id": pid})
        around = _frame(conn, "SELECT ST_AsBinary(ST_SimplifyPreserveTopology(g.geom, 60)) AS wkb"
                              " FROM gmina g, partnership p WHERE p.id = :id"
                              " AND ST_DWithin(g.geom, p.geom, 15000) AND g.teryt NOT IN"
                              " (SELECT gmina_teryt FROM partnership_gmina"
                              "  WHERE partnership_id = :id)", {"id": pid})
    fig, ax = plt.subplots(figsize=(6.4, 5.6))
    fig.subplots_adjust(0.01, 0.05, 0.99, 0.99)
    if len(around):
        around.plot(ax=ax, facecolor="#f2f2f2", edgecolor="#bdbdbd", linewidth=0.4)
    handles = []
    for kind in ("1", "3", "2"):
        part = mine[mine["gmina_type"].astype(str) == kind] if len(mine) else mine
        if len(part):
            part.plot(ax=ax, facecolor=TYPE_COLOURS[kind], edgecolor="white", linewidth=0.8)
            handles.append(Patch(facecolor=TYPE_COLOURS[kind], label=text(f"type_{kind}", lang)))
    if len(mine):
        gpd.GeoSeries([mine.union_all()], crs=2180).boundary.plot(ax=ax, color="#222222",
                                                                   linewidth=1.2)
        size = 7 if len(mine) <= 12 else 5.5
        for row in mine.itertuples():
            ax.text(row.x, row.y, "\n".join(textwrap.wrap(_safe(row.name), 16)), fontsize=size,
                    ha="center", va="center", color="#111111", zorder=4)
        _extent(ax, mine.total_bounds, margin=0.12)
    ax.legend(handles=handles + [Patch(facecolor="#f2f2f2", edgecolor="#bdbdbd",
                                       label=text("other_gminas", lang))],
              loc="lower right", fontsize=7, title=text("legend", lang), title_fontsize=7,
              framealpha=0.9)
    return _finish(fig, ax, lang, vintage)


def trend_chart(indicators: list[dict], lang: str) -> bytes | None:
    """Small multiples: the partnership, voivodeship and Poland by year, for each indicator
    with a direction (those the problems and potentials are judged on)."""
    shown = [i for i in indicators if len(i["series"]["years"]) >= 2
             and i["direction"] != "neutral"]
    if not shown:
        return None
    cols = 3
    rows = math.ceil(len(shown) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(7.2, 1.9 * rows + 0.5), squeeze=False)
    for ax, item in zip(axes.flat, shown, strict=False):
        s = item["series"]
        digits = 0 if item["aggregation"] == "sum" else 1
        lines = (("partnership", "-", PARTNERSHIP), ("voivodeship", "--", "#2166ac"),
                 ("poland", ":", "#555555"))
        if item["aggregation"] == "sum":  # totals of Poland would flatten the partnership's
            lines = lines[:1]  # (registered unemployed: a count with a direction)
        for key, style, colour in lines:
            pairs = [(y, v) for y, v in zip(s["years"], s[key], strict=True) if v is not None]
            if pairs:
                ax.plot([p[0] for p in pairs], [p[1] for p in pairs], style, color=colour,
                        linewidth=1.4 if key == "partnership" else 1.0,
                        marker="o" if key == "partnership" else None, markersize=2.5)
        ax.set_title("\n".join(textwrap.wrap(_safe(item["name"][lang]), 34)), fontsize=7)
        ax.tick_params(labelsize=6)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _p, d=digits: number(v, d, lang)))
        ax.grid(alpha=0.3, linewidth=0.5)
    for ax in list(axes.flat)[len(shown):]:
        ax.set_axis_off()
    fig.legend(handles=[plt.Line2D([], [], color=PARTNERSHIP, marker="o", markersize=3,
                                   label=text("value_partnership", lang)),
                        plt.Line2D([], [], color="#2166ac", linestyle="--",
                                   label=text("voivodeship", lang).lower()),
                        plt.Line2D([], [], color="#555555", linestyle=":",
                                   label=text("poland", lang))],
               loc="lower center", ncol=3, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI - 40, metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()
