"""The DfE CIN census as a return: its yearly layout, the record it is written from, the XML.

``spec`` reads the year's layout from ``config/cin_census.toml``; ``model`` is the return
as the DfE's elements describe it (one value per element, as written); ``xml`` writes the
model in the year's order and reads a file back; ``build`` makes the model from the
workflow's records. The validation rules (``reporting.cin_rules``) read the model, so they
check exactly what is written.
"""
