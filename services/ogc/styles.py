"""Layer styles for QGIS (QML) and other clients (SLD 1.1), coloured like the web map.

The colours repeat ``web/static/js/common.js`` (ColorBrewer YlOrRd for higher-worse
indicators, Blues otherwise; the LISA cluster colours) and ``workspace.js`` (areas, projects).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

RAMPS = {
    "bad": ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
            "#bd0026", "#800026"),
    "good": ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
             "#08519c", "#08306b"),
}
# LISA categories in the map legends' words: "hot spot" is the Gi* term, not LISA's.
LISA = (("HH", "#d7191c", "wysokie–wysokie"),
        ("LL", "#2c7bb6", "niskie–niskie"),
        ("HL", "#fdae61", "wysokie–niskie (odstające)"),
        ("LH", "#abd9e9", "niskie–wysokie (odstające)"),
        ("ns", "#eeeeee", "nieistotne"),
        ("isolated", "#999999", "bez sąsiadów"))
# Project themes get these colours in alphabetical order of the themes present.
THEME_COLOURS = ("#3d405b", "#e07a5f", "#81b29a", "#f2cc8f", "#6d597a", "#b56576",
                 "#2a9d8f", "#e9c46a", "#264653", "#8ab17d")
OUTLINE = "#555555"


def ramp(direction: str, k: int) -> list[str]:
    """The web map's ramp of ``k`` colours (same index rule as common.js)."""
    colours = RAMPS["bad" if direction == "higher-worse" else "good"]
    return [colours[int(i * (len(colours) - 1) / max(k - 1, 1) + 0.5)] for i in range(k)]


@dataclass(frozen=True)
class Symbol:
    kind: str  # fill, line, marker
    colour: str
    outline: str = OUTLINE
    width: float = 0.26
    opacity: float = 1.0


@dataclass(frozen=True)
class Rule:
    label: str
    symbol: Symbol
    value: str | None = None  # categorised: attribute equals this
    lower: float | None = None  # graduated: lower < attribute <= upper
    upper: float | None = None


@dataclass(frozen=True)
class Style:
    name: str
    geometry: str  # fill, line, marker
    attribute: str | None
    kind: str  # single, categorized, graduated
    rules: tuple[Rule, ...]
    description: str = ""


def _rgba(hex_colour: str, opacity: float = 1.0) -> str:
    h = hex_colour.lstrip("#")
    return f"{int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{round(opacity * 255)}"


def _opt(name: str, value) -> str:
    return f'<Option name="{name}" type="QString" value={quoteattr(str(value))}/>'


def _qml_symbol(name: str, s: Symbol) -> str:
    if s.kind == "fill":
        cls, opts = "SimpleFill", [_opt("color", _rgba(s.colour, s.opacity)),
                                   _opt("outline_color", _rgba(s.outline)),
                                   _opt("outline_width", s.width), _opt("outline_width_unit", "MM"),
                                   _opt("style", "solid" if s.opacity > 0 else "no"),
                                   _opt("outline_style", "solid")]
    elif s.kind == "line":
        cls, opts = "SimpleLine", [_opt("line_color", _rgba(s.colour)),
                                   _opt("line_width", s.width), _opt("line_width_unit", "MM"),
                                   _opt("line_style", "solid"), _opt("capstyle", "round")]
    else:
        cls, opts = "SimpleMarker", [_opt("name", "circle"), _opt("color", _rgba(s.colour)),
                                     _opt("outline_color", _rgba(s.outline)),
                                     _opt("size", 3.2), _opt("size_unit", "MM"),
                                     _opt("outline_width", 0.4)]
    return (f'<symbol type="{s.kind}" name="{name}" alpha="1" clip_to_extent="1"'
            f' force_rhr="0"><layer class="{cls}" enabled="1" pass="0" locked="0">'
            f'<Option type="Map">{"".join(opts)}</Option></layer></symbol>')


def qml(style: Style) -> str:
    symbols = "".join(_qml_symbol(str(i), r.symbol) for i, r in enumerate(style.rules))
    if style.kind == "single":
        renderer = (f'<renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0"'
                    f' enableorderby="0"><symbols>{symbols}</symbols></renderer-v2>')
    elif style.kind == "categorized":
        cats = "".join(f'<category value={quoteattr(r.value or "")} symbol="{i}"'
                       f' label={quoteattr(r.label)} render="true"/>'
                       for i, r in enumerate(style.rules))
        renderer = (f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(style.attribute)}'
                    f' symbollevels="0" forceraster="0" enableorderby="0">'
                    f"<categories>{cats}</categories><symbols>{symbols}</symbols></renderer-v2>")
    else:
        ranges = "".join(f'<range lower="{r.lower!r}" upper="{r.upper!r}" symbol="{i}"'
                         f' label={quoteattr(r.label)} render="true"/>'
                         for i, r in enumerate(style.rules))
        renderer = (f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(style.attribute)}'
                    f' graduatedMethod="GraduatedColor" symbollevels="0" forceraster="0"'
                    f' enableorderby="0"><ranges>{ranges}</ranges><symbols>{symbols}</symbols>'
                    f"</renderer-v2>")
    geometry = {"marker": 0, "line": 1, "fill": 2}[style.geometry]
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
            f'<qgis version="3.22.0" styleCategories="Symbology">{renderer}'
            f"<layerGeometryType>{geometry}</layerGeometryType></qgis>")


def _sld_symbolizer(s: Symbol) -> str:
    def p(name, value):
        return f'<se:SvgParameter name="{name}">{escape(str(value))}</se:SvgParameter>'

    stroke = (f"<se:Stroke>{p('stroke', s.outline)}{p('stroke-width', s.width)}</se:Stroke>")
    if s.kind == "fill":
        return (f"<se:PolygonSymbolizer><se:Fill>{p('fill', s.colour)}"
                f"{p('fill-opacity', s.opacity)}</se:Fill>{stroke}</se:PolygonSymbolizer>")
    if s.kind == "line":
        return (f"<se:LineSymbolizer><se:Stroke>{p('stroke', s.colour)}"
                f"{p('stroke-width', s.width)}</se:Stroke></se:LineSymbolizer>")
    return (f"<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle"
            f"</se:WellKnownName><se:Fill>{p('fill', s.colour)}</se:Fill>{stroke}</se:Mark>"
            f"<se:Size>9</se:Size></se:Graphic></se:PointSymbolizer>")


def _sld_filter(style: Style, r: Rule) -> str:
    def prop():
        return f"<ogc:PropertyName>{escape(style.attribute or '')}</ogc:PropertyName>"

    if style.kind == "categorized":
        return (f"<ogc:Filter><ogc:PropertyIsEqualTo>{prop()}<ogc:Literal>"
                f"{escape(r.value or '')}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>")
    if style.kind == "graduated":
        return (f"<ogc:Filter><ogc:And><ogc:PropertyIsGreaterThan>{prop()}<ogc:Literal>"
                f"{r.lower!r}</ogc:Literal></ogc:PropertyIsGreaterThan>"
                f"<ogc:PropertyIsLessThanOrEqualTo>{prop()}<ogc:Literal>{r.upper!r}"
                f"</ogc:Literal></ogc:PropertyIsLessThanOrEqualTo></ogc:And></ogc:Filter>")
    return ""


def sld(layer: str, style: Style) -> str:
    rules = "".join(f"<se:Rule><se:Name>{escape(r.label)}</se:Name>{_sld_filter(style, r)}"
                    f"{_sld_symbolizer(r.symbol)}</se:Rule>" for r in style.rules)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" version="1.1.0"'
            ' xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc"'
            ' xmlns:xlink="http://www.w3.org/1999/xlink">'
            f"<NamedLayer><se:Name>{escape(layer)}</se:Name><UserStyle>"
            f"<se:Name>{escape(style.name)}</se:Name><se:FeatureTypeStyle>{rules}"
            "</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>")


def choropleth_style(attribute: str, breaks: list[float], low: float, direction: str,
                     title: str) -> Style:
    colours = ramp(direction, len(breaks))
    # The lowest class starts just below the minimum so that the minimum itself is drawn.
    lowers = [low - max(abs(low), 1.0) * 1e-9, *breaks[:-1]]
    rules = tuple(Rule(f"{lo:.2f} – {hi:.2f}", Symbol("fill", c, width=0.2), lower=lo, upper=hi)
                  for lo, hi, c in zip(lowers, breaks, colours, strict=True))
    return Style(f"choropleth: {attribute}", "fill", attribute, "graduated", rules, title)


def lisa_style(attribute: str = "lisa_label") -> Style:
    rules = tuple(Rule(label, Symbol("fill", colour, width=0.2), value=code)
                  for code, colour, label in LISA)
    return Style("LISA", "fill", attribute, "categorized", rules, "klastry LISA")


def single_style(name: str, geometry: str, colour: str, *, outline: str = OUTLINE,
                 width: float = 0.5, opacity: float = 1.0) -> Style:
    return Style(name, geometry, None, "single",
                 (Rule(name, Symbol(geometry, colour, outline, width, opacity)),))


def theme_style(geometry: str, themes: list[str]) -> Style:
    width = {"line": 0.8, "fill": 0.5, "marker": 0.4}[geometry]
    rules = tuple(Rule(theme or "(bez tematu)",
                       Symbol(geometry, THEME_COLOURS[i % len(THEME_COLOURS)], "#3d405b",
                              width, 0.6 if geometry == "fill" else 1.0), value=theme)
                  for i, theme in enumerate(sorted(set(themes))))
    if not rules:  # an empty layer still opens styled
        rules = (Rule("(bez tematu)", Symbol(geometry, THEME_COLOURS[0], "#3d405b", width),
                      value=""),)
    return Style("projects by theme", geometry, "theme", "categorized", rules,
                 "przedsięwzięcia według tematu")
