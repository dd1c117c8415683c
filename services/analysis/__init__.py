"""Spatial analyses (LISA, Gi*, regions), choropleth data and comparisons."""
