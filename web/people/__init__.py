"""Pages for people: the search box, a person's record and its history, family, addresses
and warnings."""
