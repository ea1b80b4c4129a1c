"""The MASH: information requests to partner agencies and the daily multi-agency meeting."""
