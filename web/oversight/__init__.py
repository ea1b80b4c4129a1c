"""Oversight pages: the breach dashboard, KPIs, threshold consistency and notifications."""
