"""Pages for recording a contact: the intake form and its known-child step."""
