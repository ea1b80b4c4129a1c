"""Single sign-on providers as configuration: ``config/sso.toml`` (or FRONTDOOR_SSO_FILE).

Why a file of its own: which identity providers a council trusts, which tenants (a shared
MASH signs in council, police and NHS staff, each from their own Entra ID tenant) and which
groups grant which role are the deployment's decisions, reviewed by its security team,
not code. Secrets never sit in the file: ``client_secret_env`` names the environment
variable that holds each one. A bad file stops start-up with one sentence naming the key.

An issuer containing ``{tenantid}`` is Entra ID's multi-tenant form: the token's ``tid``
must be one of ``tenants`` and its ``iss`` that issuer with the tenant filled in.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web.auth.claims import ClaimMapping
from workflow.config_errors import ConfigError
from workflow.roles import Role

TENANT = "{tenantid}"
_PROVIDER_KEYS = {"label", "metadata_url", "issuer", "client_id", "client_secret_env",
                  "scopes", "email_claim", "email_domains", "username_claim", "name_claim",
                  "create_users", "manage_access", "tenants", "mappings",
                  "token_endpoint_auth_method"}


@dataclass(frozen=True)
class Tenant:
    """One organisation's directory trusted through a multi-tenant provider."""

    id: str
    name: str
    email_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provider:
    """One OpenID Connect provider (see the module docstring and docs/deploy.md)."""

    name: str
    label: str
    metadata_url: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    email_claim: str = "email"
    email_domains: tuple[str, ...] = ()
    username_claim: str = "preferred_username"
    name_claim: str = "name"
    create_users: bool = False
    manage_access: bool = False
    tenants: Mapping[str, Tenant] | None = None
    mappings: tuple[ClaimMapping, ...] = ()
    token_endpoint_auth_method: str = "client_secret_basic"  # noqa: S105 - a method name

    @property
    def multi_tenant(self) -> bool:
        return TENANT in self.issuer

    def expected_issuer(self, tenant: str | None) -> str:
        return self.issuer.replace(TENANT, tenant or "") if self.multi_tenant else self.issuer

    def trusted_domains(self, tenant: str | None) -> tuple[str, ...]:
        """The e-mail domains this tenant (or the provider) may vouch for."""
        if self.tenants and tenant is not None and tenant in self.tenants:
            return self.tenants[tenant].email_domains
        return self.email_domains


def sso_file(config_dir: Path, environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env["FRONTDOOR_SSO_FILE"]) if env.get("FRONTDOOR_SSO_FILE") else \
        config_dir / "sso.toml"


def load_providers(path: Path, environ: Mapping[str, str] | None = None
                   ) -> dict[str, Provider]:
    """Every provider in the file (none when the file does not exist)."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, None, f"not valid TOML ({error})") from None
    env = os.environ if environ is None else environ
    return {name: _provider(path, name, entry, env)
            for name, entry in raw.get("providers", {}).items()}


def _provider(path: Path, name: str, entry: dict[str, Any], env: Mapping[str, str]
              ) -> Provider:
    unknown = sorted(set(entry) - _PROVIDER_KEYS)
    if unknown:
        raise ConfigError(path, f"providers.{name}.{unknown[0]}", "is not a known setting")
    for key in ("label", "metadata_url", "issuer", "client_id", "client_secret_env"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise ConfigError(path, f"providers.{name}.{key}", "is required (text)")
    secret = env.get(entry["client_secret_env"], "")
    if not secret:
        raise ConfigError(path, f"providers.{name}.client_secret_env",
                          f"names {entry['client_secret_env']}, which is not set")
    tenants = _tenants(path, name, entry.get("tenants"))
    if TENANT in entry["issuer"] and not tenants:
        raise ConfigError(path, f"providers.{name}.tenants", "a multi-tenant issuer needs "
                          "the tenants it trusts, or anyone's organisation could sign in")
    return Provider(
        name, entry["label"], entry["metadata_url"], entry["issuer"], entry["client_id"],
        secret, tuple(entry.get("scopes", ("openid", "profile", "email"))),
        entry.get("email_claim", "email"), _lower(entry.get("email_domains", ())),
        entry.get("username_claim", "preferred_username"), entry.get("name_claim", "name"),
        bool(entry.get("create_users", False)), bool(entry.get("manage_access", False)),
        tenants, tuple(_mapping(path, name, i, m) for i, m in
                       enumerate(entry.get("mappings", ()))),
        entry.get("token_endpoint_auth_method", "client_secret_basic"))


def _lower(values: Any) -> tuple[str, ...]:
    return tuple(str(v).strip().lower().lstrip("@") for v in values)


def _tenants(path: Path, name: str, raw: Any) -> dict[str, Tenant] | None:
    if not raw:
        return None
    return {tid: Tenant(tid, str(t.get("name", tid)), _lower(t.get("email_domains", ())))
            for tid, t in raw.items()}


def _mapping(path: Path, name: str, index: int, raw: dict[str, Any]) -> ClaimMapping:
    where = f"providers.{name}.mappings[{index}]"
    if not raw.get("value"):
        raise ConfigError(path, where, "needs the claim value it matches (value = ...)")
    role = raw.get("role")
    if role is not None and role not in {r.value for r in Role}:
        raise ConfigError(path, f"{where}.role", f"is {role!r}: use one of "
                          f"{', '.join(r.value for r in Role)}")
    if role == Role.PARTNER.value and not raw.get("agency"):
        raise ConfigError(path, f"{where}.agency", "a partner role needs its agency")
    return ClaimMapping(str(raw.get("claim", "groups")), str(raw["value"]),
                        Role(role) if role else None, tuple(raw.get("teams", ())),
                        tuple(raw.get("manages", ())), raw.get("agency"), raw.get("tenant"))
