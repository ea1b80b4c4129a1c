"""Mash actions (one module each)."""
