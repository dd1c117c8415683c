"""CLI command ``export package ID --out FILE.gpkg``: a partnership's QGIS-ready GeoPackage."""

from __future__ import annotations

from scripts.common import engine
from scripts.language import tell


def cmd_export_package(args) -> int:
    from core.errors import BadRequest
    from services.ogc.package import build_package

    if not args.id:
        raise BadRequest("export package: name the partnership, e.g. export package P01"
                         " --out p01.gpkg")
    result = build_package(engine(), args.id, args.out)
    layers = ", ".join(f"{name} {count}" for name, count in result["layers"].items())
    tell("wrote the package of %(partnership)s to %(path)s (%(layers)s; %(styles)s styles)",
         partnership=result["partnership"], path=result["path"], layers=layers,
         styles=result["styles"])
    return 0
