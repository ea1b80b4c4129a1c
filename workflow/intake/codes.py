"""The codes a contact is recorded with: where it came from (the CIN census's referral
source list, used as it is), how it arrived, and the consent position at intake."""

from __future__ import annotations

#: CIN census referral sources (DOMAIN.md §5); the returns need these codes exactly.
REFERRAL_SOURCES = {
    "1A": "Family member/relative/carer", "1B": "Acquaintance", "1C": "Self",
    "1D": "Other individual", "2A": "Schools", "2B": "Education services", "3A": "GP",
    "3B": "Health visitor", "3C": "School nurse", "3D": "Other primary health services",
    "3E": "A&E", "3F": "Other health services", "4": "Housing",
    "5A": "LA services – social care", "5B": "LA services – other internal",
    "5C": "LA services – another LA", "5D": "LA services – early help", "6": "Police",
    "7": "Other legal agency", "8": "Other", "9": "Anonymous", "10": "Unknown",
}
CHANNELS = {"phone": "Phone", "email": "Email", "online_form": "Online form",
            "in_person": "In person", "letter": "Letter",
            "police_notification": "Police notification",
            "stepped_up": "Stepped up from early help"}
CONSENT = {"given": "Consent given", "refused": "Consent refused",
           "not_sought_risk": "Not sought: seeking it would put the child at risk",
           "not_recorded": "Not recorded"}
#: The source a stepped-up contact is recorded with (CIN code 5D: LA services, early help).
STEP_UP_SOURCE = "5D"
