"""The outcomes of a threshold decision, and which of them accept a referral.

The same six outcomes as the levels-of-need catalogues (``thresholds.model.OUTCOMES``; a
test keeps the two lists equal): the catalogue says which a level allows, the engine says
where each takes the contact.
"""

from __future__ import annotations

OUTCOMES = {"no_further_action": "No further action",
            "advice_signposting": "Advice and signposting",
            "early_help": "Early help", "targeted_early_help": "Targeted early help",
            "referral_to_social_care": "Referral to social care (assessment)",
            "strategy_discussion": "Strategy discussion (significant harm suspected)"}
NO_FURTHER_ACTION = ("no_further_action", "advice_signposting")
EARLY_HELP = ("early_help", "targeted_early_help")
REFERRAL = ("referral_to_social_care",)
STRATEGY = ("strategy_discussion",)
#: Outcomes that accept a referral into social care (census CINreferralDate).
REFERRAL_OUTCOMES = REFERRAL + STRATEGY
#: CIN census primary need codes (DOMAIN.md §5), chosen with a referral.
PRIMARY_NEEDS = {"N1": "Abuse or neglect", "N2": "Child's disability",
                 "N3": "Parental disability or illness", "N4": "Family in acute stress",
                 "N5": "Family dysfunction", "N6": "Socially unacceptable behaviour",
                 "N7": "Low income", "N8": "Absent parenting",
                 "N9": "Cases other than children in need", "N0": "Not stated"}
#: The same codes as a form's choices ("N1: Abuse or neglect").
PRIMARY_NEED_CHOICES = tuple((code, f"{code}: {text}") for code, text in PRIMARY_NEEDS.items())
