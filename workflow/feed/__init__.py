"""The DfE's daily children's social care data feed: what is sent, and how it is sent.

``records`` holds the plain data a feed is made of (built by ``reporting.dfe_feed`` from
the records the CIN census reads), ``ports`` the two things sending needs from outside
(the DfE's API and the send log), and ``sender`` the run: batches, OAuth2 token, retries
with backoff, and a log row for every POST.
"""
