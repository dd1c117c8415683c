"""Use cases over the database. Never imports Flask."""
