"""Reference data: administrative boundaries, their loads and the unit listings."""
