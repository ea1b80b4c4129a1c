"""One child's record for the DfE's feed, built from the records the CIN census reads.

What goes in (``openapi.json``, ``components.schemas.CSC``): per child the LA's id
(``la_child_id``, the census's LAchildID), their details, and per referral episode the
census's own derivations (``reporting.cin_episodes``: referral, NFA, closure, assessments,
section 47 enquiries, child protection and child in need plans), plus the allocated social
workers by their Social Work England numbers (DOMAIN.md section 5). A contact that never
became a referral has no place in the schema (the DfE counts referrals), so it is not sent.
Only episodes open at some time in the DfE's window are sent (``reporting.dfe_feed``).

Purges inside a record (``with_purges``): an episode, assessment, enquiry or plan the DfE
holds that our records no longer hold for the child goes back as its id with
``"purge": true``; an episode that only left the window is true and old, and is left alone.
A child whose consistent identifier is withheld because including it would be more
detrimental to the child (Children Act 2004 s16LC(7)) has ``child_details`` of only
``{"purge": true}``: no name, date of birth, UPN or postcode is sent, and the DfE removes
any it held, while the child's episodes still count in its figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.census.build import upn_unknown
from reporting.cin_episodes import (
    Child,
    Episode,
    la_child_id,
    load_children,
    load_episodes,
    local_day,
)
from reporting.dfe_feed_ids import RowIds, row_ids
from reporting.dfe_feed_people import Details, load_details
from workflow.feed.records import ChildRecord, digest_of
from workflow.people.rules import PeopleRules
from workflow.people.years import CollectionYear
from workflow.persistence.tables import ContactRow

#: Each list in an episode, and the key of its items' ids.
ITEM_KEYS = {"child_and_family_assessments": "child_and_family_assessment_id",
             "child_in_need_plans": "child_in_need_plan_id",
             "section_47_assessments": "section_47_assessment_id",
             "child_protection_plans": "child_protection_plan_id"}
_CHUNK = 500


def in_window(episode: Episode, start: date) -> bool:
    """Open at some time since ``start``."""
    return episode.closure is None or episode.closure >= start


@dataclass(frozen=True)
class Sent:
    """What the ledger says the DfE holds for a child."""

    digest: str
    items: frozenset[str]
    purged: bool = False


# -- one child's record ------------------------------------------------------------------------

def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value == "" or value == []:
        return
    target[key] = value.isoformat() if isinstance(value, date) else value


def child_details(child: Child, details: Details, episodes: Sequence[Episode],
                  on: date, people: PeopleRules) -> dict[str, Any]:
    """The ``child_details`` block; only its purge flag when the identifier is withheld.
    The UPN-unknown reason is the one the census would write on ``on`` (one rule)."""
    if details.withheld:
        return {"purge": True}
    found: dict[str, Any] = {}
    unknown = upn_unknown(child, episodes, CollectionYear.containing(on), people)
    for key, value in (("unique_pupil_number", child.upn),
                       ("former_unique_pupil_number", details.former_upn),
                       ("unique_pupil_number_unknown_reason", unknown),
                       ("first_name", details.first_name), ("surname", details.surname),
                       ("date_of_birth", child.date_of_birth),
                       ("expected_date_of_birth", details.expected_date_of_birth),
                       ("sex", child.sex), ("ethnicity", child.ethnicity),
                       ("disabilities", list(child.disabilities)),
                       ("postcode", details.postcode)):
        _put(found, key, value)
    found["uasc_flag"] = details.uasc
    _put(found, "uasc_end_date", details.uasc_end_date)
    return found


def _dated(key: str, item_id: str, **dates: Any) -> dict[str, Any]:
    found: dict[str, Any] = {key: item_id}
    for name, value in dates.items():
        _put(found, name, value)
    return found


def _lists(e: Episode, ids: RowIds) -> dict[str, list[dict[str, Any]]]:
    """The episode's assessments, plans and enquiries, each under its own id."""
    ref = e.reference
    assessments = []
    for a, row_id in zip(e.assessments, ids.assessments, strict=True):
        item = _dated(ITEM_KEYS["child_and_family_assessments"], f"{ref}-A{row_id}",
                      start_date=a.start, authorisation_date=a.authorised)
        _put(item, "factors", list(dict.fromkeys(a.factors)) if a.authorised else None)
        assessments.append(item)
    enquiries = []
    for s, row_id in zip(e.section47s, ids.section47s, strict=True):
        item = _dated(ITEM_KEYS["section_47_assessments"], f"{ref}-S{row_id}",
                      start_date=s.start, icpc_date=s.icpc, end_date=s.ended)
        if s.ended is not None:  # an enquiry still open has not decided it yet
            item["icpc_required_flag"] = not s.not_required
        enquiries.append(item)
    return {
        "child_and_family_assessments": assessments,
        "child_in_need_plans": [_dated(ITEM_KEYS["child_in_need_plans"], f"{ref}-C{n}",
                                       start_date=c.start, end_date=c.end)
                                for n, c in enumerate(e.cin_plans, start=1)],
        "section_47_assessments": enquiries,
        "child_protection_plans": [_dated(ITEM_KEYS["child_protection_plans"],
                                          f"{ref}-P{row_id}", start_date=p.start,
                                          end_date=p.end)
                                   for p, row_id in zip(e.cp_plans, ids.plans, strict=True)],
    }


def episode_record(e: Episode, ids: RowIds) -> dict[str, Any]:
    """One ``social_care_episodes`` item: the census's episode under the DfE's names."""
    found: dict[str, Any] = {"social_care_episode_id": e.reference,
                             "referral_date": e.referral.isoformat(),
                             "referral_source": e.source,
                             "referral_no_further_action_flag": e.nfa}
    _put(found, "closure_date", e.closure)
    _put(found, "closure_reason", e.closure_reason if e.closure else None)
    _put(found, "care_worker_details", list(ids.workers))
    for key, items in _lists(e, ids).items():
        _put(found, key, items)
    return found


def items_of(body: Mapping[str, Any]) -> frozenset[str]:
    """Ids of every episode and record in a child's record, as the ledger keeps them."""
    found = set()
    for episode in body.get("social_care_episodes", []):
        ref = episode["social_care_episode_id"]
        found.add(ref)
        for key, id_key in ITEM_KEYS.items():
            found |= {f"{ref}/{key}/{item[id_key]}" for item in episode.get(key, [])}
    return frozenset(found)


def with_purges(body: dict[str, Any], sent: Sent | None, held: set[str]) -> dict[str, Any]:
    """``body`` plus a purge entry for each id the DfE holds that our records no longer do.

    ``held``: the child's referral references in our records at any date, so an episode
    that only left the window (still true, just old) is left alone, not purged.
    """
    if sent is None or sent.purged:
        return body
    now = items_of(body)
    gone = sorted(sent.items - now)
    episodes = {e["social_care_episode_id"]: e for e in body.get("social_care_episodes", [])}
    out = {**body, "social_care_episodes": [dict(e) for e in episodes.values()]}
    by_ref = {e["social_care_episode_id"]: e for e in out["social_care_episodes"]}
    for item in gone:
        ref, _, rest = item.partition("/")
        if not rest and ref not in held:
            out["social_care_episodes"].append({"social_care_episode_id": ref, "purge": True})
        elif rest and ref in by_ref:
            key, _, item_id = rest.partition("/")
            by_ref[ref][key] = [*by_ref[ref].get(key, []), {ITEM_KEYS[key]: item_id,
                                                            "purge": True}]
    return out if out["social_care_episodes"] else body


# -- loading -----------------------------------------------------------------------------------

@dataclass
class Loaded:
    """Everything the records of some children are built from."""

    children: dict[int, Child]
    details: dict[int, Details]
    episodes: dict[int, list[Episode]] = field(default_factory=dict)
    held: dict[int, set[str]] = field(default_factory=dict)
    ids: dict[int, RowIds] = field(default_factory=dict)


def _referrals(session: Session, child_ids: Iterable[int], as_at: datetime) -> list[int]:
    """Every contact of these children referred before ``as_at`` (any year)."""
    ordered = sorted(set(child_ids))
    found: list[int] = []
    for i in range(0, len(ordered), _CHUNK):
        found += session.scalars(select(ContactRow.id).where(
            ContactRow.child_id.in_(ordered[i:i + _CHUNK]), ContactRow.referral_at < as_at))
    return found


def load(session: Session, child_ids: Iterable[int], as_at: datetime) -> Loaded:
    """The children, their details and every referral episode of theirs before ``as_at``."""
    wanted = set(child_ids)
    episodes = load_episodes(session, _referrals(session, wanted, as_at), as_at)
    loaded = Loaded(load_children(session, wanted), load_details(session, wanted, as_at))
    for e in episodes:
        if e.child_id is not None:
            loaded.episodes.setdefault(e.child_id, []).append(e)
            loaded.held.setdefault(e.child_id, set()).add(e.reference)
    loaded.ids = row_ids(session, episodes, as_at)
    return loaded


def child_record(child_id: int, loaded: Loaded, start: date, on: date,
                 sent: Sent | None, people: PeopleRules) -> ChildRecord | None:
    """The child's record (None: nothing to send, never sent before), or their purge."""
    lac = la_child_id(child_id)
    episodes = [e for e in loaded.episodes.get(child_id, []) if in_window(e, start)]
    child, details = loaded.children.get(child_id), loaded.details.get(child_id)
    if not episodes or child is None or details is None:
        return ChildRecord.purged(lac) if sent is not None and not sent.purged else None
    state: dict[str, Any] = {
        "la_child_id": lac, "child_details": child_details(child, details, episodes, on, people),
        "social_care_episodes": [episode_record(e, loaded.ids[e.contact_id])
                                 for e in episodes]}
    body = with_purges(state, sent, loaded.held.get(child_id, set()))
    return ChildRecord(lac, body, digest_of(state), tuple(sorted(items_of(state))))


def records_for(session: Session, child_ids: Iterable[int], as_at: datetime, start: date,
                ledger: Mapping[str, Sent], people: PeopleRules) -> list[ChildRecord]:
    """The records of these children, in child id order, with purges against the ledger."""
    wanted = sorted(set(child_ids))
    found: list[ChildRecord] = []
    on = local_day(as_at)
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i:i + _CHUNK]
        loaded = load(session, chunk, as_at)
        for child_id in chunk:
            record = child_record(child_id, loaded, start, on, ledger.get(la_child_id(child_id)),
                                  people)
            if record is not None:
                found.append(record)
    return found

