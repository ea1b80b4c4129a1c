"""Each rule of the process (a guard) and each choice between rows (a selector) as the
condition a person reads on the workflow page: ``conference_date_given`` is "the
conference date is given".

A rule's name is the engine's key (an error names it, a test asserts it); these words are
for people. They sit in one table so the whole process can be read, and checked, in one
place: a unit test fails when any guard or selector of any action has no words here, so a
new rule cannot reach the workflow page as its code.
"""

from __future__ import annotations

RULE_WORDS: dict[str, str] = {
    # -- receiving and screening
    "child_has_an_open_case": "the child already has an open case",
    "reason_given": "a reason is given",
    "rag_is_red": "the RAG rating is red",
    "rag_is_amber": "the RAG rating is amber",
    "rag_is_green": "the RAG rating is green",
    "rag_set": "the contact has a RAG rating",
    # -- the MASH: information requests and the meeting
    "agency_known": "the agency is one the MASH asks",
    "question_given": "the question for the agency is written",
    "lawful_basis_in_force": "the lawful basis for sharing is one in force",
    "lawful_basis_detail_given": "the lawful basis is explained where it needs detail",
    "authorised_by_given": "who authorised the request is recorded",
    "request_named": "the request is named",
    "request_open": "the request is still open",
    "outstanding_requests": "there are requests still outstanding",
    "request_is_for_your_agency": "the request was sent to your agency",
    "sharing_given": "whether the agency shared is recorded",
    "answer_given": "the answer is written when anything was shared",
    "nothing_withheld_when_shared": "nothing is recorded as kept back when all was shared",
    "not_shared_reason_given": "the reason for not sharing is given",
    "decided_by_name_given": "the name of who decided not to share is recorded",
    "decided_by_role_given": "the role of who decided not to share is recorded",
    "withholding_test_met": "keeping information back is judged more harmful to share",
    "on_meeting_agenda": "the contact is on the meeting's agenda",
    "mash_outcome_given": "the meeting's recommended outcome is chosen",
    "rationale_given": "the rationale is written",
    "every_agency_view_given": "every agency at the meeting gave its view",
    "no_open_requests": "no information request is still open",
    # -- the threshold decision and sign-off
    "override_reason_given": "a level below the recommendation has a recorded reason",
    "decision_is_override": "the level is below the recommended level",
    "outcome_is_no_further_action_or_advice_signposting":
        "the outcome is no further action, or advice and signposting",
    "consent_recorded": "the family's agreement to early help is recorded",
    "outcome_is_early_help_or_targeted_early_help":
        "the outcome is early help or targeted early help",
    "primary_need_chosen": "the child's primary need is chosen",
    "outcome_is_referral_to_social_care": "the outcome is a referral to social care",
    "reasonable_cause_given": "the reasonable cause to suspect significant harm is recorded",
    "outcome_is_strategy_discussion": "the outcome is a strategy discussion",
    "signer_is_not_decider": "the manager signing off did not make the decision",
    "pending_outcome_is_no_further_action": "the decision awaiting sign-off is no further action",
    "pending_outcome_is_early_help": "the decision awaiting sign-off is early help",
    "open_case_given": "the open case's reference is given",
    "method_given": "how the referrer was told is chosen",
    "referrer_email_valid": "any referrer's email address given looks like one",
    # -- strategy discussion and section 47
    "held_at_given": "the date and time it was held are given",
    "chair_given": "who chaired the strategy discussion is recorded",
    "participation_recorded": "each agency's participation is recorded",
    "police_and_health_or_reason":
        "police and health took part, or the reason they did not is given",
    "participation_reasons_given": "a reason is given for each agency that did not take part",
    "strategy_outcome_given": "the strategy discussion's outcome is chosen",
    "reasonable_cause_if_section_47":
        "a section 47 enquiry has its reasonable cause to suspect significant harm recorded",
    "macpt_has_its_core_members":
        "the multi-agency child protection team has its four core members",
    "icpc_counted_from_the_last_discussion":
        "the conference is counted from the latest strategy discussion",
    "strategy_discussion_recorded": "a strategy discussion is recorded",
    "discussion_decided_section_47": "the strategy discussion decided on a section 47 enquiry",
    "no_open_section_47": "no section 47 enquiry is already open",
    "section_47_recorded": "a section 47 enquiry is recorded",
    "lead_practitioner_is_a_social_worker": "the lead practitioner is a registered social worker",
    "discussion_decided_continue_s17":
        "the strategy discussion decided to continue under section 17",
    "discussion_decided_no_further_action": "the strategy discussion decided on no further action",
    # -- visits and the assessment
    "visit_date_given": "the date of the visit is given",
    "seen_alone_or_why": "the child was seen alone, or the reason they were not is given",
    "child_seen_is_true": "the child was seen",
    "child_seen_is_false": "the child was not seen",
    "assessment_open": "an assessment is open",
    "assessment_not_submitted": "the assessment is not yet submitted",
    "factors_valid": "the assessment factors are ones the census knows",
    "assessment_submitted": "the assessment is submitted",
    "authoriser_is_not_author": "the manager authorising did not write the assessment",
    "lateness_reason_if_late": "an assessment past 45 working days has a reason for the delay",
    "not_seen_reason_if_not_seen": "a child not seen has the reason recorded",
    "factors_valid_if_given": "any assessment factors given are ones the census knows",
    "assessment_outcome_is_cin_plan": "the assessment's outcome is a child in need plan",
    "assessment_outcome_is_early_help": "the assessment's outcome is early help",
    "assessment_outcome_is_no_further_action": "the assessment's outcome is no further action",
    # -- conferences and plans
    "conference_date_given": "the conference date is given",
    "conference_not_before_enquiry": "the conference is not before the section 47 enquiry began",
    "conference_on_a_weekday": "the conference is on a working day",
    "category_given": "the initial category of abuse is chosen",
    "plan_is_true": "the conference made a child protection plan",
    "plan_is_false": "the conference made no child protection plan",
    "note_given": "what the plan says or what changed is written",
    "plan_continues_is_true": "the review continues the plan",
    "plan_continues_is_false": "the review ends the plan",
    "closure_reason_given": "the CIN reason for closure is chosen",
    # -- Family Help
    "family_help_service_chosen": "the Family Help service is chosen",
    "lead_practitioner_named": "the lead practitioner in that service is named",
    "handover_date_given": "the hand-over date is given",
    "no_transfer_open": "no hand-over to Family Help is waiting for an answer",
    "transfer_waiting": "a hand-over is waiting for the service's answer",
    "answered_by_the_service": "the answer comes from the receiving service",
    "transfer_accepted": "the service accepted the hand-over",
    "assessed_on_given": "the date of the Family Help assessment is given",
    "needs_summarised": "what the family needs is written",
    "family_help_assessed": "the family has a Family Help assessment",
    "agreed_on_given": "the date the plan was agreed is given",
    "plan_outcomes_written": "the outcomes the plan works towards are written",
    "next_review_on_ahead": "the next review is after the plan was agreed",
    "family_help_plan_agreed": "a Family Help plan is agreed",
    "held_on_given": "the date it was held is given",
    "progress_recorded": "the family's progress is written",
    # -- pre-proceedings
    "no_open_pre_proceedings": "no pre-proceedings are already open",
    "started_on_given": "the date of the legal planning meeting is given",
    "pre_proceedings_open": "pre-proceedings are open",
    "letter_before_proceedings_not_yet_sent": "the letter before proceedings is not yet sent",
    "sent_on_given": "the date the letter was sent is given",
    "sent_on_after_started_on": "the letter was sent on or after pre-proceedings began",
    "fgdm_offer_stated": "whether the letter offers a family group decision-making meeting is said",
    "fgdm_not_offered_reason_given": "a meeting not offered has the reason given",
    "letter_before_proceedings_sent": "the letter before proceedings is sent",
    "fgdm_offered": "a family group decision-making meeting was offered",
    "fgdm_outcome_stated": "whether the meeting was held is said",
    "fgdm_dated_or_explained": "a meeting held has its date, one not held its reason",
    "held_on_after_letter_sent_on": "the meeting was held after the letter that offered it",
    "held_on_after_initial_meeting_on": "the meeting was held after the initial meeting",
    "decided_on_given": "the date of the decision is given",
    "decided_on_after_started_on": "the decision is on or after pre-proceedings began",
    "outcome_chosen": "the outcome is chosen",
    "care_proceedings_dates_in_order": "the care proceedings dates are in order",
    # -- allocation
    "allocation_given": "a team or a worker is chosen",
    "allocation_known": "the team and worker are in the directory",
    "worker_changes": "the worker changes",
    "worker_named": "a worker is named",
    # -- booking meetings ahead
    "booked_ahead": "the meeting is booked for a time still to come, within a year",
    "booked_on_a_weekday": "a conference is booked on a working day",
    "not_booked_yet": "the meeting is not booked already",
    "venue_given": "where the meeting is, or how to join it, is given",
    "invitees_known": "the agencies invited are ones the MASH knows",
    "late_booking_explained": "a booking after the due date says why",
    "meeting_chosen": "the booked meeting is chosen",
    "meeting_is_booked": "the chosen meeting is booked",
    "anything_booked": "a meeting is booked on this contact",
}


def rule_words(name: str) -> str:
    """The condition a rule checks, in words; a rule nobody described, made readable (the
    unit test keeps this fallback for rules added since the test last ran)."""
    return RULE_WORDS.get(name) or name.replace("_", " ")
