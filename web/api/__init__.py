"""The JSON API under /api/v1, with its OpenAPI document (open to all, as is its Swagger UI
page at /api/docs: ``web.api.docs``)."""

from flask import Flask
from flask_smorest import Blueprint

from web.api import casework, contacts, docs, intake, mash, outcomes, people, thresholds


def _blueprint() -> Blueprint:
    """A fresh blueprint per app (a Flask blueprint cannot gain routes once registered)."""
    blp = Blueprint("api", __name__, url_prefix="/api/v1",
                    description="Front Door contacts, people and teams")
    contacts.add_routes(blp)
    outcomes.add_routes(blp)
    intake.add_routes(blp)
    people.add_routes(blp)
    mash.add_routes(blp)
    casework.add_routes(blp)
    return blp


def register(app: Flask) -> None:
    """Attach the API and its OpenAPI document to the app."""
    api = docs.FrontDoorApi(app)
    api.register_blueprint(_blueprint())
    api.register_blueprint(thresholds.blueprint())
    app.register_blueprint(docs.bp)  # the Swagger UI page
