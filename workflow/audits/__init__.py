"""Case audits and observations of practice: samples, graded forms, moderation, agreed
actions and the learning shared each quarter (the improvement plan's "understand what good
looks like"). The engine's side: configuration, rules and commands; SQL lives in
``workflow.persistence.audits`` and ``reporting.audits``."""
