"""Help, the accessibility statement and the privacy notice: pages a council edits.

Their words live in ``web/templates/info/`` (plain HTML in the GOV.UK styles, no code), so
a council's web team or DPO changes them without touching the application. The statement
and the notice are public: the law expects them to be readable before signing in (Public
Sector Bodies Accessibility Regulations 2018; UK GDPR articles 13 and 14).
"""

from __future__ import annotations

from flask import Blueprint, render_template

from web.access import allow, public
from workflow.roles import Role

bp = Blueprint("info", __name__)


@bp.get("/help")
@allow(*Role)
def help_page() -> str:
    """How the front door's work is done on this system, area by area."""
    return render_template("info/help.html", title="Help", errors={})


@bp.get("/accessibility")
@public
def accessibility() -> str:
    """The accessibility statement."""
    return render_template("info/accessibility.html", title="Accessibility statement",
                           errors={})


@bp.get("/privacy")
@public
def privacy() -> str:
    """The privacy notice for the people whose records are kept here."""
    return render_template("info/privacy.html", title="Privacy notice", errors={})
