"""Sending one webhook delivery over HTTP(S) with the standard library.

Why no redirects are followed: the signature was made for the address the administrator
subscribed, and a receiver that moved should be re-subscribed, not followed blindly to an
address nobody checked. Any answer is reported by its status; no answer at all (refused,
timed out, TLS failure) is ``None``, which the outbox retries like a 5xx.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from workflow.integrations.webhooks import Sent


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def urllib_post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Sent:
    """POST ``body`` to ``url``; what came back."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - an administrator's http(s) URL
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Sent(response.status)
    except urllib.error.HTTPError as error:
        return Sent(error.code)
    except (urllib.error.URLError, OSError, ValueError):
        return Sent(None)
