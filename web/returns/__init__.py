"""Statutory returns pages: Ofsted Annex A and the DfE CIN census."""
