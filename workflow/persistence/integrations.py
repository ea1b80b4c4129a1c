"""API clients and their token-use log in the database (``workflow.integrations.clients``'
``Clients`` port), each call in a short transaction of its own, as the accounts are."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from workflow.integrations.clients import (
    ApiClient,
    Scope,
    TokenUse,
    key_of,
    parse_scopes,
    same_hash,
    token_hash,
)
from workflow.persistence.tables_integrations import ApiClientRow, ApiTokenUseRow


def client_of(row: ApiClientRow) -> ApiClient:
    """The stored row as the domain's client."""
    scopes, _unknown = parse_scopes(row.scopes)
    return ApiClient(row.id, row.name, row.agency, scopes, row.key, row.created_at, row.created_by,
                     row.revoked_at, row.expires_at)


class SqlClients:
    """API clients in table ``api_client``, their uses in ``api_token_use``."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def create(self, name: str, agency: str, scopes: frozenset[Scope], token: str,
               by: str, now: datetime, expires_at: datetime | None = None) -> ApiClient:
        key = key_of(token)
        assert key is not None  # a token made by new_token
        with self.sessions() as db:
            row = ApiClientRow(name=name, agency=agency, key=key, token_hash=token_hash(token),
                               scopes=" ".join(sorted(scopes)), created_at=now, created_by=by,
                               expires_at=expires_at)
            db.add(row)
            db.commit()
            return client_of(row)

    def by_token(self, token: str) -> ApiClient | None:
        """The client whose token this is: found by its key, its hash compared in constant
        time (None: no such token)."""
        key = key_of(token)
        if key is None:
            return None
        with self.sessions() as db:
            row = db.scalar(select(ApiClientRow).where(ApiClientRow.key == key))
            if row is None or not same_hash(row.token_hash, token_hash(token)):
                return None
            return client_of(row)

    def by_name(self, name: str) -> ApiClient | None:
        with self.sessions() as db:
            row = db.scalar(select(ApiClientRow).where(ApiClientRow.name == name))
            return None if row is None else client_of(row)

    def all(self) -> list[ApiClient]:
        with self.sessions() as db:
            return [client_of(r) for r in db.scalars(select(ApiClientRow)
                                                     .order_by(ApiClientRow.name))]

    def revoke(self, client_id: int, now: datetime) -> bool:
        """Revoke at once (a second revoke keeps the first instant); False: no such client."""
        with self.sessions() as db:
            done = db.execute(update(ApiClientRow).where(
                ApiClientRow.id == client_id, ApiClientRow.revoked_at.is_(None))
                .values(revoked_at=now)).rowcount  # type: ignore[attr-defined]
            db.commit()
            return bool(done) or db.get(ApiClientRow, client_id) is not None

    def log_use(self, use: TokenUse) -> None:
        with self.sessions() as db:
            db.add(ApiTokenUseRow(client_id=use.client_id, at=use.at, method=use.method,
                                  route=use.route[:120], status=use.status))
            db.commit()

    def uses(self, limit: int, client_id: int | None = None) -> list[TokenUse]:
        """The latest uses, newest first (of one client, or of every token)."""
        stmt = select(ApiTokenUseRow).order_by(ApiTokenUseRow.id.desc()).limit(limit)
        if client_id is not None:
            stmt = stmt.where(ApiTokenUseRow.client_id == client_id)
        with self.sessions() as db:
            return [TokenUse(r.client_id, r.at, r.method, r.route, r.status)
                    for r in db.scalars(stmt)]
