"""Intake: recording a contact, one per child, and the known-child checks made as it arrives."""
