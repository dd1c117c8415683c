"""Open standards for GIS desktops: OGC API – Features, vector tiles and styled GeoPackages.

``collections`` is the one table of feature collections; ``features`` answers items queries
with PostGIS doing filtering, paging, reprojection and GeoJSON; ``tiles`` builds Mapbox
vector tiles; ``package`` and ``styles`` write a QGIS-ready GeoPackage per partnership.
"""
