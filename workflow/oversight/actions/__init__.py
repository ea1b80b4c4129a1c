"""Oversight actions (one module each)."""
