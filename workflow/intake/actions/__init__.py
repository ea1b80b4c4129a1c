"""Intake's actions (one module each)."""
