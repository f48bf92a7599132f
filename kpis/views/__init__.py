"""Pages of KPI reporting: dashboard, definitions, reports, targets, measures, wallboard."""
