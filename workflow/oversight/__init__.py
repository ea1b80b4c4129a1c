"""Oversight: allocation, escalation of breached timescales, and who hears about them."""
