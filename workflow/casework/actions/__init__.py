"""Casework actions (one module each)."""
