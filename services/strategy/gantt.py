"""A project's schedule as a Gantt chart: SVG for pages, PNG for DOCX and PDF.

Drawn with matplotlib, as the diagnosis draws its maps and charts (services/diagnosis/maps.py):
one bar per task from its start to its end, a diamond for each milestone (at its end date), and
a red dashed line at the day the funding source stops paying, labelled with the date.
The SVG keeps its words as text (searchable, translatable on the page), not as paths.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap

import matplotlib

matplotlib.use("Agg")  # no display on a server; set before pyplot is imported

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

TASK = "#2166ac"
LATE = "#b2182b"
MILESTONE = "#111111"
DPI = 150

WORDS = {
    "deadline": ("koniec kwalifikowalności {programme}: {date}",
                 "end of eligibility, {programme}: {date}"),
    "no_tasks": ("Brak zadań w harmonogramie", "No tasks in the schedule"),
    "milestone": ("kamień milowy", "milestone"),
    "task": ("zadanie", "task"),
    "late": ("po terminie źródła finansowania", "past the funding deadline"),
}


def _word(key: str, lang: str, **values) -> str:
    pl, en = WORDS[key]
    return (en if lang == "en" else pl).format(**values)


def _day(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _rows(tasks: list[dict]) -> list[dict]:
    """Tasks with dates, in start order; a task without an end lasts a day."""
    rows = []
    for task in tasks:
        start, end = _day(task.get("start")), _day(task.get("end"))
        start = start or end
        if start is None:
            continue
        rows.append({"name": str(task.get("name") or ""), "start": start,
                     "end": max(end or start, start), "milestone": bool(task.get("milestone"))})
    return sorted(rows, key=lambda r: (r["start"], r["end"], r["name"]))


def _figure(tasks: list[dict], deadline: dict | None, lang: str):
    rows = _rows(tasks)
    limit = _day((deadline or {}).get("eligible_until"))
    height = 1.0 + 0.32 * max(len(rows), 1)
    fig, ax = plt.subplots(figsize=(7.2, height))
    if not rows:
        ax.text(0.5, 0.5, _word("no_tasks", lang), ha="center", va="center", fontsize=9)
        ax.set_axis_off()
        return fig
    for y, row in enumerate(rows):
        start = mdates.date2num(row["start"])
        end = mdates.date2num(row["end"] + dt.timedelta(days=1))
        late = limit is not None and row["end"] > limit
        if row["milestone"]:
            ax.plot([mdates.date2num(row["end"])], [y], marker="D", markersize=7,
                    color=LATE if late else MILESTONE, zorder=4)
        else:
            ax.barh(y, end - start, left=start, height=0.55, color=LATE if late else TASK,
                    edgecolor="white", zorder=3)
    if limit is not None:
        x = mdates.date2num(limit)
        ax.axvline(x, color=LATE, linestyle="--", linewidth=1.2, zorder=5)
        ax.text(x, -0.6, _word(
            "deadline", lang, programme=(deadline or {}).get("programme") or "",
            date=limit.isoformat()) + " ", color=LATE, fontsize=6.5, va="center", ha="right")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(["\n".join(textwrap.wrap(r["name"].replace("$", r"\$"), 34)) or "–"
                        for r in rows], fontsize=7)
    ax.invert_yaxis()
    first = min(r["start"] for r in rows)
    last = max([r["end"] for r in rows] + ([limit] if limit else []))
    pad = max((last - first).days * 0.04, 10)
    ax.set_xlim(mdates.date2num(first) - pad, mdates.date2num(last) + pad)
    ax.set_ylim(len(rows) - 0.3, -0.9)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m.%Y" if lang == "pl" else "%b %Y"))
    ax.tick_params(axis="x", labelsize=6.5)
    ax.grid(axis="x", alpha=0.3, linewidth=0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=TASK, label=_word("task", lang)),
               plt.Line2D([], [], marker="D", color=MILESTONE, linestyle="",
                          label=_word("milestone", lang))]
    if limit is not None and any(r["end"] > limit for r in rows):
        handles.append(plt.Rectangle((0, 0), 1, 1, color=LATE, label=_word("late", lang)))
    # Margins set by hand (tight_layout measures every text: slow): the task names on the
    # left, the dates and the legend below.
    longest = max(min(len(r["name"]), 34) for r in rows)
    fig.subplots_adjust(left=min(0.45, 0.04 + 0.0105 * longest), right=0.98,
                        top=1 - 0.12 / height, bottom=0.62 / height)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.28 / (height - 0.74)),
              ncol=len(handles), fontsize=6.5, frameon=False)
    return fig


def gantt_png(tasks: list[dict], deadline: dict | None = None, lang: str = "pl") -> bytes:
    """The schedule as PNG bytes (for documents)."""
    fig = _figure(tasks, deadline, lang)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()


def gantt_svg(tasks: list[dict], deadline: dict | None = None, lang: str = "pl") -> str:
    """The schedule as an SVG document (for pages), its words kept as text."""
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "gantt"}):
        fig = _figure(tasks, deadline, lang)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]  # without the XML prolog, so that it can sit in HTML
