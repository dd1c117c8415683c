"""Indicators: imports of GUS files, the BDL API, derived indicators."""
