"""Screening: the first look at a contact, its RAG rating, and where it goes next (the MASH's
information gathering, or straight to the threshold decision)."""
