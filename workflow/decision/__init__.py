"""The threshold decision: the level of need, the outcome and why, a manager's sign-off of
an override, feedback to the referrer, and passing an open case to its worker."""
