"""The partnership's strategy and its project package (issue 13): goals with result indicators,
directions of action linked to projects, areas of strategic intervention, the statutory texts,
schedules, feasibility checklists and financial tables, completeness and monitoring."""
