"""Background work: the kinds of job, when periodic ones fall due, and the worker loop.

The queue itself (a table) is in ``workflow.persistence.queue``; this package imports
neither SQLAlchemy nor Flask, so the rules of retrying and scheduling are tested alone.
"""
