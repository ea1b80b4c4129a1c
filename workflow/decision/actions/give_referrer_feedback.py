"""Record the feedback given to the referrer about the decision, as the message it was.

One action stops two clocks: the local feedback on the decision (within 24 hours of it) and,
for a referral, the statutory acknowledgement to the referrer (Working Together: within one
working day of the referral being received). Telling the referrer of the decision is
acknowledging it. What they were told is kept as a message (how it was given and its words),
so the record shows what the referrer heard, not only that a clock stopped.

Told by email or secure email, and given the referrer's address, the message is also sent:
the breach sweep queues it in the notification outbox (one note per feedback event) and
the notification job delivers it (``workflow.oversight.referrer``). A phone call, a letter
or a meeting is recorded only.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.engine.action import Action, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import email_address, needs_text, one_of
from workflow.roles import CASEWORK, FRONT_DOOR
from workflow.stages import AFTER_DECISION

#: How the referrer was told (a professional referrer usually by secure email).
METHODS = (("phone", "Phone call"), ("secure_email", "Secure email"), ("email", "Email"),
           ("letter", "Letter"), ("in_person", "In person"))


@dataclass(frozen=True)
class Feedback(Payload):
    method: str = ask("How the referrer was told (optional)", Kind.RADIOS, METHODS)
    reason: str = ask("What the referrer was told", hint=(
        "The message as you gave or sent it: the decision and what happens next, without "
        "details the family has not agreed to share. It is kept on the record."),
        max_length=5000)
    referrer_email: str = ask("Referrer's email address (optional)", Kind.EMAIL, hint=(
        "Told by email or secure email: the message is sent to this address. Leave it "
        "blank if you sent it yourself."), max_length=254)


ACTION: Action[Feedback] = Action(
    name="give_referrer_feedback", order=50,
    label="Record feedback to the referrer", payload=Feedback,
    rows=(row(AFTER_DECISION, None, FRONT_DOOR | CASEWORK,
              guards=(needs_text("reason", "write what the referrer was told",
                                 guard="reason_given"),
                      one_of("method", (None, "", *(code for code, _ in METHODS)),
                             "choose how the referrer was told, from the list"),
                      email_address("referrer_email", "enter the referrer's email address "
                                    "in the right format, like name@police.example")),
              emits=("referrer_feedback_given",)),),
)
