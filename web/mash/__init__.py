"""The MASH's pages: the partner agency inbox, a child's chronology, agency performance and
the daily meeting."""
