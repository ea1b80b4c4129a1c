"""Practice standards pages: compliance (met, due soon, missed) and team performance."""
