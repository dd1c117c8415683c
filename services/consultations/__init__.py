"""Map consultations (geoankieta): experts open them, residents answer on a public page."""
