"""Pure spatial functions: GeoDataFrames, arrays or libpysal Graphs in, new objects out.

No database, no Flask, no files.
"""
