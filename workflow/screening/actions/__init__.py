"""Screening actions (one module each)."""
