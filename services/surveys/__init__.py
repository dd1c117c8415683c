"""Residents' and youth surveys (issue 12): import of survey exports and, on top, estimates."""
