"""Actions that create teams and change who is in them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from core.actions.base import lock_visible, require_permission, save_audited
from core.exceptions import ActionForbidden
from core.models import Team, User
from core.notify import notify_user
from core.realtime import broadcast_on_commit


def team_group(team_id: int) -> str:
    """The channel-layer group of a team's queue page."""
    return f"team.{team_id}"


def can_manage_members(actor, team: Team) -> bool:
    """Administrators manage every team; a team lead manages the members of their own team."""
    return actor.has_perm("core.change_team") or (
        team.lead_id is not None and team.lead_id == actor.pk
    )


def _announce_membership(team: Team, added: set[User], removed: set[User]) -> None:
    """Tell people they joined or left a team, and the team's open pages that it changed."""
    for person in added:
        notify_user(person, f"You were added to {team.name}", url=team.get_absolute_url())
    for person in removed:
        notify_user(person, f"You were removed from {team.name}", url=team.get_absolute_url())
    if added or removed:
        broadcast_on_commit(
            team_group(team.pk),
            {"type": "team.members", "team": team.pk, "members": team.members.count()},
        )


@transaction.atomic
def do_create_team(
    *,
    actor,
    name: str,
    kind: str,
    email: str = "",
    lead: User | None = None,
    members: Iterable[User] = (),
    organisations: Iterable = (),
) -> Team:
    """Create a team (assignment group), its members and the organisations it serves."""
    require_permission(actor, "core.add_team", "Only administrators can create teams.")
    members = set(members)
    if lead is not None:
        members.add(lead)
    team = Team()
    save_audited(
        team,
        actor=actor,
        verb="team.created",
        changes={"name": name, "kind": kind, "email": email, "lead": lead},
        many_to_many={"members": members, "organisations": list(organisations)},
        creating=True,
    )
    _announce_membership(team, added=members, removed=set())
    return team


@transaction.atomic
def do_update_team(
    team: Team,
    *,
    actor,
    expected_version: int | None,
    members: Iterable[User] | None = None,
    organisations: Iterable | None = None,
    **changes,
) -> Team:
    """Change a team's details, members or served organisations from one edit form."""
    require_permission(actor, "core.change_team", "Only administrators can change teams.")
    team = lock_visible(Team, team.pk, actor, expected_version)
    before_members = set(team.members.all())
    many_to_many = {}
    if members is not None:
        members = set(members)
        lead = changes.get("lead", team.lead)
        if lead is not None:
            members.add(lead)
        many_to_many["members"] = members
    if organisations is not None:
        many_to_many["organisations"] = list(organisations)
    save_audited(team, actor=actor, verb="team.updated", changes=changes, many_to_many=many_to_many)
    after_members = set(team.members.all())
    _announce_membership(team, after_members - before_members, before_members - after_members)
    return team


def _change_membership(team: Team, actor, person: User, *, add: bool) -> Team:
    """Add or remove one member, refusing anyone but an administrator or the team's lead."""
    team = lock_visible(Team, team.pk, actor)
    if not can_manage_members(actor, team):
        raise ActionForbidden("Only an administrator or the team lead can change its members.")
    if not add and person.pk == team.lead_id:
        raise ActionForbidden("The team lead cannot be removed; choose another lead first.")
    members = set(team.members.all())
    if (person in members) == add:
        return team  # already as asked: nothing to record or announce
    members = members | {person} if add else members - {person}
    verb = "team.member_added" if add else "team.member_removed"
    save_audited(team, actor=actor, verb=verb, changes={}, many_to_many={"members": members})
    _announce_membership(team, {person} if add else set(), set() if add else {person})
    return team


@transaction.atomic
def do_add_team_member(team: Team, *, actor, person: User) -> Team:
    """Add one person to a team (administrators, or the team's lead)."""
    return _change_membership(team, actor, person, add=True)


@transaction.atomic
def do_remove_team_member(team: Team, *, actor, person: User) -> Team:
    """Remove one person from a team (administrators, or the team's lead); the lead stays."""
    return _change_membership(team, actor, person, add=False)
