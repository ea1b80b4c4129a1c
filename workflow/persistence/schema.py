"""Every table module, imported once so ``Base.metadata`` is complete for Alembic and tests.

Areas keep their tables in their own module (the engine's in ``tables``; the MASH's and
the oversight's in theirs) so that two people adding tables do not edit the same file.
"""

from __future__ import annotations

import importlib

from workflow.persistence.append_only import attach
from workflow.persistence.tables import Base

_AREA_MODULES = ("workflow.persistence.tables_mash", "workflow.persistence.tables_oversight",
                 "workflow.persistence.tables_strategy", "workflow.persistence.tables_decision",
                 "workflow.persistence.tables_people", "workflow.persistence.tables_feed",
                 "workflow.persistence.tables_identity",
                 "workflow.persistence.tables_pre_proceedings",
                 "workflow.persistence.tables_integrations",
                 "workflow.persistence.tables_standards",
                 "workflow.persistence.tables_audits",
                 "workflow.persistence.tables_jobs",
                 "workflow.persistence.tables_drafts",
                 "workflow.persistence.tables_bookings")


def metadata() -> object:
    """The complete metadata (imports each area's module if it exists yet); building it
    with ``create_all`` also makes the audit tables append-only, as the migration does."""
    for name in _AREA_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    if not _ATTACHED:
        attach(Base.metadata)
        _ATTACHED.append(True)
    return Base.metadata


_ATTACHED: list[bool] = []
