"""Meetings booked ahead: a conference, a core group or a MASH discussion with its date,
time, place and invitees, before it is held (``records``), and the rules every booking
action shares (``rules``)."""
