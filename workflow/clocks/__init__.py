"""Time as the law counts it: the working-day calendar, the cited timescale rules, and the
clocks they put on a contact."""
