"""What a validated ID token means here: whose account it is, and what it grants.

Why these rules (each one a finding a security review would otherwise raise):
- A person is their provider's (issuer, subject), linked once; never their e-mail or name,
  which an organisation can change or (in Entra ID's ``email`` claim) leave unverified.
- A first sign-in links to an account only if an administrator pre-registered that e-mail
  *and* the e-mail's domain is one the signing tenant is trusted for, so a police tenant
  cannot claim a council address. Otherwise an account is created only when the provider
  allows it (``create_users``) and a claim mapping grants a role.
- Roles and teams come from the provider's groups (or app roles) when ``manage_access`` is
  on, re-read at every sign-in (someone removed from the group loses access at their next
  sign-in); otherwise an administrator assigns them. The first mapping that grants a role
  wins (order in the file is precedence); teams from every matching mapping are joined.
- A disabled account stays disabled, whatever the token says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workflow.accounts import Account, Accounts, AdminChange
from workflow.roles import Role

if TYPE_CHECKING:
    from web.auth.sso_config import Provider

#: Stored for a person who signs in only by single sign-on: no password matches it.
NO_PASSWORD = "!sso: no local password"  # noqa: S105 - a marker, not a password


@dataclass(frozen=True)
class ClaimMapping:
    """``claim`` containing ``value`` (in ``tenant``, if given) grants these."""

    claim: str
    value: str
    role: Role | None = None
    teams: tuple[str, ...] = ()
    manages: tuple[str, ...] = ()
    agency: str | None = None
    tenant: str | None = None

    def matches(self, claims: Mapping[str, Any], tenant: str | None) -> bool:
        if self.tenant is not None and self.tenant != tenant:
            return False
        found = claims.get(self.claim)
        values = found if isinstance(found, list) else [found]
        return self.value in [str(v) for v in values if v is not None]


@dataclass(frozen=True)
class Grant:
    """The access the claims give: one role, the teams (home team first) and managed ones."""

    role: Role
    agency: str | None
    teams: tuple[str, ...]
    manages: tuple[str, ...]


def grant_from(mappings: tuple[ClaimMapping, ...], claims: Mapping[str, Any],
               tenant: str | None) -> Grant | None:
    """The first matching mapping's role, with every matching mapping's teams."""
    matched = [m for m in mappings if m.matches(claims, tenant)]
    with_role = next((m for m in matched if m.role is not None), None)
    if with_role is None or with_role.role is None:
        return None
    teams = tuple(dict.fromkeys(t for m in matched for t in m.teams))
    manages = tuple(dict.fromkeys(t for m in matched for t in m.manages))
    return Grant(with_role.role, with_role.agency, teams, manages)


class Refused(Exception):
    """Single sign-on worked but gives no access here; ``reason`` is a word for the log
    (never personal data) and the message is what the person reads."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


_NO_ACCOUNT = ("no_account", "Your organisation's account is not set up for Front Door. "
               "Ask a Front Door administrator to add you.")


def user_for(accounts: Accounts, provider: Provider, claims: Mapping[str, Any],
             tenant: str | None, now: datetime) -> Account:
    """The active account these claims sign in to (linked, made or updated as the rules in
    the module docstring say), or ``Refused``."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    linked = accounts.identity(issuer, subject)
    grant = grant_from(provider.mappings, claims, tenant)
    if linked is not None:
        user = accounts.account_by_id(linked.user_id)
        accounts.touch_identity(issuer, subject, now)
    else:
        user = _first_sign_in(accounts, provider, claims, tenant, grant, now)
    if user is None:
        raise Refused(*_NO_ACCOUNT)
    if not user.active:
        raise Refused("disabled", "Your Front Door account is switched off. Ask a Front "
                      "Door administrator if you think this is wrong.")
    if provider.manage_access:
        user = _apply(accounts, user, grant, f"sso:{provider.name}", now)
    return user


def _first_sign_in(accounts: Accounts, provider: Provider, claims: Mapping[str, Any],
                   tenant: str | None, grant: Grant | None, now: datetime) -> Account | None:
    email = trusted_email(provider, claims, tenant)
    user = accounts.account_by_email(email) if email else None
    if user is None and provider.create_users and grant is not None:
        user = _create(accounts, provider, claims, email, grant)
        if user is not None:
            accounts.record_admin_change(AdminChange(
                now, f"sso:{provider.name}", "user_created", user.username,
                f"from claims: {_access(accounts, user)}"))
    if user is None:
        return None
    already = [i for i in accounts.identities(user.id) if i.issuer == claims["iss"]]
    if already:  # this account belongs to another identity at the same provider
        raise Refused("email_taken", _NO_ACCOUNT[1])
    accounts.link_identity(user.id, provider.name, str(claims["iss"]), str(claims["sub"]),
                           tenant, now)
    return user


def trusted_email(provider: Provider, claims: Mapping[str, Any], tenant: str | None
                  ) -> str | None:
    """The token's e-mail, if its domain is one this tenant is trusted for."""
    raw = claims.get(provider.email_claim)
    if not isinstance(raw, str) or "@" not in raw:
        return None
    email = raw.strip().lower()
    return email if email.rsplit("@", 1)[1] in provider.trusted_domains(tenant) else None


def _create(accounts: Accounts, provider: Provider, claims: Mapping[str, Any],
            email: str | None, grant: Grant) -> Account | None:
    username = str(claims.get(provider.username_claim) or email or "").strip().lower()[:80]
    if not username or accounts.account(username) is not None:
        return None  # an administrator links a clash by hand
    display = str(claims.get(provider.name_claim) or username)[:120]
    home = grant.teams[0] if grant.teams else None
    made = accounts.save_account(username, display, grant.role, home, grant.agency,
                                 NO_PASSWORD)
    if email:
        accounts.set_email(made.id, email)
    accounts.set_teams(made.id, list(grant.teams), list(grant.manages))
    return accounts.account_by_id(made.id)


def _apply(accounts: Accounts, user: Account, grant: Grant | None, source: str,
           now: datetime) -> Account:
    """Make the account's role and teams what the provider's claims grant today; a change
    goes to the administrators' audit with the provider as the one who made it."""
    if grant is None:
        raise Refused("no_role", "Your organisation's account no longer grants access to "
                      "Front Door. Ask your manager or a Front Door administrator.")
    before = _access(accounts, user)
    accounts.set_role(user.id, grant.role, grant.agency)
    accounts.set_teams(user.id, list(grant.teams), list(grant.manages))
    updated = accounts.account_by_id(user.id)
    assert updated is not None
    after = _access(accounts, updated)
    if after != before:
        accounts.record_admin_change(AdminChange(now, source, "access_from_claims",
                                                 user.username, f"{before} → {after}"))
    return updated


def _access(accounts: Accounts, user: Account) -> str:
    """``role (agency) teams [managed]`` in words, for the audit."""
    teams = accounts.teams()
    member = ",".join(t.code for t in teams if user.username in t.members) or "–"
    managed = ",".join(t.code for t in teams if user.username in t.managers)
    agency = f" ({user.agency})" if user.agency else ""
    return f"{user.role.value}{agency} teams {member}" + (f" manages {managed}" if managed
                                                          else "")
