"""The rules an integrator relies on, without a database: how a webhook is signed and
checked (the replay window), when a failed delivery is tried again, what a token looks
like, and which words are scopes."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from workflow.integrations.clients import Scope, key_of, new_token, parse_scopes, token_hash
from workflow.integrations.webhooks import MAX_ATTEMPTS, next_attempt, signature, verify

SECRET = "whsec_test-secret"
BODY = b'{"id":"evt_1","type":"contact.created"}'
AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    # What docs/integrations.md tells a receiver to compute, written out with hmac itself.
    expected = hmac.new(SECRET.encode(), b"1796119200." + BODY, hashlib.sha256).hexdigest()

    assert signature(SECRET, 1796119200, BODY) == f"t=1796119200,v1={expected}"


def test_a_receiver_accepts_a_fresh_signature_and_refuses_a_changed_body_or_secret() -> None:
    header = signature(SECRET, int(AT.timestamp()), BODY)

    assert verify(SECRET, header, BODY, AT + timedelta(seconds=10))
    assert not verify(SECRET, header, BODY.replace(b"created", b"decided"), AT)
    assert not verify("whsec_other", header, BODY, AT)
    assert not verify(SECRET, "t=nonsense,v1=00", BODY, AT)


def test_a_signature_older_than_five_minutes_is_refused_as_a_replay() -> None:
    header = signature(SECRET, int(AT.timestamp()), BODY)

    assert verify(SECRET, header, BODY, AT + timedelta(minutes=4, seconds=59))
    assert not verify(SECRET, header, BODY, AT + timedelta(minutes=5, seconds=1))


@pytest.mark.parametrize(("failures", "wait"), [
    (1, timedelta(minutes=1)), (2, timedelta(minutes=2)), (3, timedelta(minutes=4)),
    (4, timedelta(minutes=8)), (7, timedelta(minutes=64))])
def test_a_failed_delivery_waits_twice_as_long_each_time(failures: int,
                                                          wait: timedelta) -> None:
    assert next_attempt(failures, AT) == AT + wait


def test_after_the_last_attempt_a_delivery_is_given_up() -> None:
    assert MAX_ATTEMPTS == 8
    assert next_attempt(MAX_ATTEMPTS, AT) is None


def test_a_token_carries_its_key_and_only_its_hash_is_kept() -> None:
    token, key = new_token()

    assert token.startswith(f"fdt_{key}_") and len(token) > 50
    assert key_of(token) == key
    assert token_hash(token) != token and len(token_hash(token)) == 64
    assert new_token()[0] != token


@pytest.mark.parametrize("text", ["", "fdt_", "fdt_abc_x", "fdt_0000beef", "Bearer x",
                                  "fdt_0000BEEF_x", "fdt_0000beef_"])
def test_anything_not_shaped_like_a_token_has_no_key(text: str) -> None:
    assert key_of(text) is None


def test_scopes_are_read_from_a_list_and_unknown_words_are_named() -> None:
    granted, unknown = parse_scopes("contacts:create, requests:answer admin:everything")

    assert granted == {Scope.CONTACTS_CREATE, Scope.REQUESTS_ANSWER}
    assert unknown == ["admin:everything"]


@pytest.mark.parametrize("days", ["0", "367", "soon", "-1"])
def test_a_token_lifetime_must_be_a_whole_number_of_days_up_to_a_year(days: str) -> None:
    from workflow.integrations.admin import client_problems

    class NoClients:
        def by_name(self, _name: str) -> None:
            return None

    errors = client_problems(NoClients(), ["police"], "police-niche", "police",  # type: ignore[arg-type]
                             "contacts:create", days)

    assert list(errors) == ["expires_days"]
