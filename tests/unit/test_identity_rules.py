"""The rules of signing in that need no database: the password policy (NCSC), claim
mappings, the single sign-on configuration, and TOTP codes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest

from web.auth.claims import ClaimMapping, Grant, grant_from
from web.auth.passwords import load_policy
from web.auth.sso_config import load_providers
from web.auth.totp import matching_step, seal, unseal
from workflow.config_errors import ConfigError
from workflow.roles import Role
from workflow.rules import DEFAULT_CONFIG

POLICY = load_policy(DEFAULT_CONFIG)


@pytest.mark.parametrize("password, problem", [
    ("short-pass1", "at least 12 characters"),
    ("password1234", "too common"),          # a common word with digits stuck on
    ("Password1234!", "too common"),
    ("qwerty123456", "too common"),           # on the list as it is
    ("safeguarding2026", "too common"),       # a word about the service (local list)
    ("aaaaaaaaaaaaaaaa", "too common"),
    ("sam.smith-horse-battery", "username"),
    ("Smith-horse-battery-7", "username"),    # a part of the username
    ("x" * 300, "at most 256"),
])
def test_a_password_the_policy_refuses_says_why(password: str, problem: str) -> None:
    found = POLICY.problem(password, "sam.smith")

    assert found is not None and problem in found


@pytest.mark.parametrize("password", ["correct horse battery", "tulip-canal-ferry-moss",
                                      "a long passphrase with no symbols"])
def test_length_without_composition_rules_is_enough(password: str) -> None:
    assert POLICY.problem(password, "sam.smith") is None


def test_the_shipped_deny_list_is_the_cited_one() -> None:
    assert len(POLICY.denied) > 19_000 and "iloveyou" in POLICY.denied


def test_a_policy_below_twelve_characters_is_refused_at_start_up(tmp_path: Path) -> None:
    (tmp_path / "passwords.toml").write_text(
        "[policy]\nmin_length = 8\nmax_length = 64\ndeny_lists = []\n", encoding="utf-8")

    with pytest.raises(ConfigError, match="at least 12"):
        load_policy(tmp_path)


MAPPINGS = (
    ClaimMapping("groups", "g-fd", Role.FRONT_DOOR_WORKER, ("front-door",), tenant="council"),
    ClaimMapping("groups", "g-chair", Role.MASH_CHAIR, ("front-door",), ("front-door",)),
    ClaimMapping("roles", "Assessment", None, ("assessment-1",)),
)


def test_the_first_mapping_with_a_role_wins_and_teams_are_joined() -> None:
    claims = {"groups": ["g-fd", "g-chair"], "roles": ["Assessment"]}

    assert grant_from(MAPPINGS, claims, "council") == Grant(
        Role.FRONT_DOOR_WORKER, None, ("front-door", "assessment-1"), ("front-door",))


def test_a_mapping_bound_to_a_tenant_ignores_the_same_group_from_another() -> None:
    assert grant_from(MAPPINGS, {"groups": ["g-fd"]}, "police") is None


def test_teams_alone_grant_no_role() -> None:
    assert grant_from(MAPPINGS, {"roles": "Assessment"}, "council") is None


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sso.toml"
    path.write_text(body, encoding="utf-8")
    return path


BASE = """[providers.entra]
label = "Council"
metadata_url = "https://login.example/organizations/v2.0/.well-known/openid-configuration"
client_id = "abc"
client_secret_env = "SSO_SECRET"
"""


def test_a_multi_tenant_issuer_without_trusted_tenants_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE + 'issuer = "https://login.example/{tenantid}/v2.0"\n')

    with pytest.raises(ConfigError, match="tenants"):
        load_providers(path, {"SSO_SECRET": "s"})


def test_a_missing_secret_and_an_unknown_role_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE + 'issuer = "https://idp.example"\n')
    with pytest.raises(ConfigError, match="SSO_SECRET, which is not set"):
        load_providers(path, {})

    bad = _write(tmp_path, BASE + 'issuer = "https://idp.example"\n'
                 '[[providers.entra.mappings]]\nvalue = "g"\nrole = "superuser"\n')
    with pytest.raises(ConfigError, match="superuser"):
        load_providers(bad, {"SSO_SECRET": "s"})


def test_no_file_means_no_single_sign_on(tmp_path: Path) -> None:
    assert load_providers(tmp_path / "absent.toml", {}) == {}


AT = datetime(2026, 12, 3, 9, 0, 15, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_code_is_accepted_one_step_either_side_and_not_two() -> None:
    totp, step = pyotp.TOTP(SECRET), int(AT.timestamp()) // 30

    assert matching_step(SECRET, totp.at(AT), AT) == step
    assert matching_step(SECRET, totp.at((step - 1) * 30), AT) == step - 1
    assert matching_step(SECRET, totp.at((step + 2) * 30), AT) is None
    assert matching_step(SECRET, "12345", AT) is None


def test_a_sealed_secret_opens_only_with_the_same_key() -> None:
    sealed = seal(SECRET, "key-one-" * 4)

    assert SECRET not in sealed
    assert unseal(sealed, "key-one-" * 4) == SECRET
    assert unseal(sealed, "key-two-" * 4) is None


def test_the_shipped_example_configuration_loads() -> None:
    providers = load_providers(DEFAULT_CONFIG / "sso.toml.example",
                               {"FRONTDOOR_SSO_ENTRA_SECRET": "s"})

    entra = providers["entra"]
    assert entra.multi_tenant and entra.tenants is not None and len(entra.tenants) == 3
    assert entra.expected_issuer("abc") == "https://login.microsoftonline.com/abc/v2.0"
    assert [m.role for m in entra.mappings] == [Role.FRONT_DOOR_WORKER, Role.PARTNER]
