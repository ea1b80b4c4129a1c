"""Tables of the integrations: API clients, every use of their tokens, webhook
subscriptions and the webhook outbox.

``api_client.key`` (unique) finds a token's client on every API call; ``token_hash`` is
the SHA-256 of the whole token, which itself is never stored. ``api_token_use`` is
append-only (a trigger on each database, ``workflow.persistence.append_only``): which
client called which route and what it got, never a body or anything about a child.
``webhook_delivery`` is the outbox: one row per event per subscription (``(subscription_id,
event_id)`` unique, so reading the history twice never queues twice), with its attempts and
when to try next, read by the index on ``(status, next_attempt_at)``.
``webhook_subscription.last_event_id`` is how far through the contact history the
subscription has been read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflow.persistence.tables import Base


class ApiClientRow(Base):
    """A system allowed to call the API with a bearer token."""

    __tablename__ = "api_client"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    agency: Mapped[str] = mapped_column(String(40))
    scopes: Mapped[str] = mapped_column(String(400))
    key: Mapped[str] = mapped_column(String(8), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]


class ApiTokenUseRow(Base):
    """One request made with a token (append-only)."""

    __tablename__ = "api_token_use"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("api_client.id"), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(120))
    status: Mapped[int] = mapped_column(Integer)


class WebhookSubscriptionRow(Base):
    """A client's subscription to one kind of event at one URL."""

    __tablename__ = "webhook_subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_client.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(default=True)
    last_event_id: Mapped[int] = mapped_column(Integer, default=0)


class WebhookDeliveryRow(Base):
    """One event to deliver to one subscription: the outbox row and its attempts."""

    __tablename__ = "webhook_delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id"))
    event_id: Mapped[str] = mapped_column(String(60))
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)
    delivered_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_event"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )
