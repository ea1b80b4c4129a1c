"""Casework pages: one contact's assessment and the managers' authorisation queue."""
