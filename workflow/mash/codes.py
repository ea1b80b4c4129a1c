"""Why a partner agency may be asked for information: the lawful basis or consent position.

DOMAIN.md §4: since 2024 the DfE advises consent is usually not the lawful basis for
sharing safeguarding information, so each request records its basis and who authorised it.
"""

from __future__ import annotations

LAWFUL_BASES = {
    "public_task": "UK GDPR art. 6(1)(e) public task (Children Act 1989 s17/s47, "
                   "Children Act 2004 s10/s11)",
    "legal_obligation": "UK GDPR art. 6(1)(c) legal obligation",
    "vital_interests": "UK GDPR art. 6(1)(d) vital interests",
    "consent_given": "Consent given by the family",
    "consent_not_sought": "Consent not sought: seeking it would put the child at risk, "
                          "delay enquiries or prejudice a criminal investigation",
    "consent_refused_overridden": "Consent refused; shared without it to safeguard the child",
}
