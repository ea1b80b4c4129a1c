"""Case audits and observations of practice: sampling, the audit form, moderation, agreed
actions and the learning shared each quarter."""
