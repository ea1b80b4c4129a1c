"""The read side: query functions that return plain data for pages, the API and exports.

``ReadSession`` is the type of the read-only session a page passes in (opened by the app
from its store), so callers name it without importing the database library themselves.
"""

from sqlalchemy.orm import Session as ReadSession

__all__ = ["ReadSession"]
