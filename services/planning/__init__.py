"""Partnerships, functional areas, projects, their versions, imports and exports."""
