"""A child's identifiers and characteristics as the DfE and the NHS define them.

Pure rules, no framework and no database (the architecture test holds ``workflow/`` to
that): the person record and its forms call them, and the CIN census export writes what
they accept. ``identifiers`` holds the UPN, UPN-unknown, NHS number and consistent
identifier rules; ``codes`` the DfE code lists for sex, ethnicity, disability and UPN-unknown
reasons by collection year, read from ``config/codes/``. Nothing is loaded at import time.
"""
