"""The DfE's children's social care data API over HTTPS: OAuth2 client credentials, then
one POST per batch (the ``Transport`` port of ``workflow.feed``).

Standard library only (``urllib``): two requests need no HTTP package. Nothing here logs or
raises with a secret, a token or a response body in it (a body may echo a record): an
error names the endpoint's role, the HTTP status and, for the token endpoint, the OAuth2
error code (``invalid_client`` ...), which is all an operator needs to act. URLs are https
(plain http only to this machine, for a stand-in), checked by ``web.settings``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from web.settings import FeedSettings
from workflow.feed.ports import Answer, FeedAuthError, FeedUnavailable

USER_AGENT = "FrontDoor-feed/1"
_OAUTH_ERROR = re.compile(r"[a-z_]{1,40}")
_BUSY = (429, 500, 502, 503, 504)


def _oauth_error(error: HTTPError) -> str:
    """The OAuth2 ``error`` code of a refusal (RFC 6749 5.2), when it is a plain code."""
    try:
        code = json.loads(error.read() or b"{}").get("error", "")
    except (ValueError, AttributeError, OSError):
        return ""
    return f" ({code})" if isinstance(code, str) and _OAUTH_ERROR.fullmatch(code) else ""


def _retry_after(error: HTTPError) -> float | None:
    value = error.headers.get("Retry-After", "") if error.headers is not None else ""
    return float(value) if value and value.strip().isdigit() else None


def _receipt(raw: bytes) -> str | None:
    """The DfE's receipt: a UUID string (openapi.json ``Receipt``), or a list of them."""
    try:
        found: Any = json.loads(raw) if raw.strip() else None
    except ValueError:
        return None
    if isinstance(found, list) and found:
        found = found[0]
    return found[:64] if isinstance(found, str) else None


class HttpTransport:
    """Talks to the DfE for one LA (``la_code``: the DfE's three-digit number)."""

    def __init__(self, settings: FeedSettings, la_code: str) -> None:
        self.settings = settings
        self.url = settings.submission_url(la_code)

    def token(self) -> str:
        s = self.settings
        form = urlencode({"grant_type": "client_credentials", "client_id": s.client_id,
                          "client_secret": s.client_secret, "scope": s.scope}).encode()
        request = Request(s.token_url, data=form, method="POST", headers={  # noqa: S310
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
            "User-Agent": USER_AGENT})
        try:
            with urlopen(request, timeout=s.timeout) as answer:  # noqa: S310 (https, checked)
                body = json.loads(answer.read() or b"{}")
        except HTTPError as error:
            if error.code in _BUSY:
                raise FeedUnavailable(f"The DfE's token endpoint is busy (HTTP {error.code}): "
                                      "try again later.") from None
            raise FeedAuthError(
                f"The DfE's token endpoint refused our credentials (HTTP {error.code}"
                f"{_oauth_error(error)}): check FRONTDOOR_DFE_CLIENT_ID, "
                "FRONTDOOR_DFE_CLIENT_SECRET and FRONTDOOR_DFE_SCOPE.") from None
        except (OSError, ValueError) as error:
            raise FeedUnavailable(f"The DfE's token endpoint did not answer "
                                  f"({type(error).__name__}): try again later.") from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise FeedAuthError("The DfE's token endpoint answered without an access token.")
        return token

    def submit(self, body: bytes, batch_id: str, token: str) -> Answer:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                   "Accept": "application/json", "Idempotency-Key": batch_id,
                   "User-Agent": USER_AGENT}
        if self.settings.supplier_key:
            headers["SupplierKey"] = self.settings.supplier_key
        request = Request(self.url, data=body, method="POST", headers=headers)  # noqa: S310
        try:
            with urlopen(request, timeout=self.settings.timeout) as answer:  # noqa: S310
                return Answer(answer.status, receipt=_receipt(answer.read()))
        except HTTPError as error:
            return Answer(error.code, retry_after=_retry_after(error))
        except OSError as error:  # timeouts, refused or dropped connections
            raise FeedUnavailable(f"The DfE's API did not answer ({type(error).__name__})."
                                  ) from None
