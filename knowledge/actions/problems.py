"""Actions on problems: raise, edit, link incidents, move through the life cycle, resolve
(optionally resolving the linked calls), and keep a known error's workaround article in step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.actions.base import lock_visible, require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionError, ActionForbidden, InvalidInput
from core.visibility import visible_to
from core.workflow import run_transition
from knowledge.actions.articles import (
    do_transition_article,
    do_update_article,
    keep_article_version,
)
from knowledge.choices import ArticleAudience, ArticleStatus, ProblemStatus
from knowledge.models import KnowledgeArticle, Problem

PROBLEM_FIELDS = (
    "summary",
    "description",
    "root_cause",
    "workaround",
    "permanent_fix",
    "fix_change",
    "owner",
    "team",
)
# Fields the transitions set; run_transition saves and audits them.
TRANSITION_FIELDS = ("investigation_started_at", "known_error_at", "resolved_at", "closed_at")
# Edges taken through do_transition_problem; resolve has its own action.
SIMPLE_EDGES = {"investigate", "record_known_error", "close", "cancel"}
# Fields whose change the workaround article follows.
ARTICLE_SOURCE_FIELDS = {"summary", "description", "workaround"}


@dataclass
class LinkReport:
    """What linking calls to a problem did: linked, already linked, refused (with why)."""

    linked: list = field(default_factory=list)
    already_linked: list = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ProblemResolution:
    """The resolved problem and what happened to each linked call."""

    problem: Problem
    resolved: list = field(default_factory=list)
    already_closed: list = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


# --- checks -----------------------------------------------------------------------------
def _check_related(actor, organisation_id: int, values: dict, assets: Iterable | None) -> None:
    """Refuse an owner, team, change or assets the actor may not see or of another council."""
    from assets.models import Asset
    from changes.models import Change
    from core.models import Team, User

    for name, model in (("owner", User), ("team", Team), ("fix_change", Change)):
        value = values.get(name)
        if value is not None and not visible_to(model.objects.filter(pk=value.pk), actor).exists():
            raise ActionForbidden(f"{value} does not exist or is not yours to see.")
    change = values.get("fix_change")
    if change is not None and change.organisation_id != organisation_id:
        raise InvalidInput(
            "The change belongs to another organisation than the problem's.", field="fix_change"
        )
    for asset in assets or ():
        if not visible_to(Asset.objects.filter(pk=asset.pk), actor).exists():
            raise ActionForbidden(f"Asset {asset} does not exist or is not yours to see.")
        if asset.organisation_id != organisation_id:
            raise InvalidInput(
                f"Asset {asset} belongs to another organisation than the problem's.",
                field="assets",
            )


def _linkable_incidents(problem: Problem, incident_ids: Iterable[int], actor) -> LinkReport:
    """Sort calls into linkable (visible, same council, not yet linked) and the others."""
    from servicedesk.models import Incident
    from servicedesk.models.incidents import REFERENCE_PREFIX

    report = LinkReport()
    wanted = list(dict.fromkeys(int(pk) for pk in incident_ids))
    visible = visible_to(Incident.objects.filter(pk__in=wanted), actor).in_bulk()
    already = set(problem.incidents.filter(pk__in=wanted).values_list("pk", flat=True))
    for pk in wanted:
        incident = visible.get(pk)
        reference = incident.reference if incident else f"{REFERENCE_PREFIX}{pk:07d}"
        if incident is None:
            report.refused.append((reference, "does not exist or is not yours to see"))
        elif incident.organisation_id != problem.organisation_id:
            report.refused.append((reference, "belongs to another organisation"))
        elif pk in already:
            report.already_linked.append(incident)
        else:
            report.linked.append(incident)
    return report


def _record_links(problem: Problem, incidents: list, actor) -> None:
    """Link the calls and note it on the problem's history and each call's."""
    if not incidents:
        return
    problem.incidents.add(*incidents)
    record_audit(
        actor=actor,
        verb="problem.incidents_linked",
        obj=problem,
        after={"incidents": [incident.reference for incident in incidents]},
    )
    for incident in incidents:
        record_audit(
            actor=actor,
            verb="incident.problem_linked",
            obj=incident,
            after={"problem": problem.reference},
        )


# --- raise and edit ---------------------------------------------------------------------
@transaction.atomic
def do_create_problem(
    *,
    actor,
    organisation,
    summary: str,
    services: Iterable = (),
    assets: Iterable = (),
    incident_ids: Iterable[int] = (),
    **fields,
) -> Problem:
    """Raise a problem for an organisation, optionally with the calls it explains.

    Every call given must be one the actor may see, of the same organisation: otherwise
    nothing is created and the refusal names the calls.
    """
    from core.models import Organisation

    require_permission(actor, "knowledge.add_problem", "You may not raise problems.")
    unknown = set(fields) - set(PROBLEM_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown problem fields: {', '.join(sorted(unknown))}.")
    if not Organisation.objects.visible_to(actor).filter(pk=organisation.pk).exists():
        raise ActionForbidden("You do not serve that organisation.")
    if not (summary or "").strip():
        raise InvalidInput("Say in a few words what the problem is.", field="summary")
    assets = list(assets)
    _check_related(actor, organisation.pk, fields, assets)
    problem = Problem()
    save_audited(
        problem,
        actor=actor,
        verb="problem.raised",
        changes={"organisation": organisation, "summary": summary.strip(), **fields},
        many_to_many={"services": services, "assets": assets},
        creating=True,
        exclude_from_validation=("status",),
    )
    report = _linkable_incidents(problem, incident_ids, actor)
    if report.refused:
        raise InvalidInput(
            "These calls cannot be linked: "
            + "; ".join(f"{ref} {why}" for ref, why in report.refused)
            + ".",
            field="incidents",
        )
    _record_links(problem, report.linked, actor)
    return problem


@transaction.atomic
def do_update_problem(
    problem_id: int,
    *,
    actor,
    expected_version: int | None = None,
    services: Iterable | None = None,
    assets: Iterable | None = None,
    **fields,
) -> Problem:
    """Edit a problem; a known error's published workaround article follows the change."""
    require_permission(actor, "knowledge.change_problem", "You may not edit problems.")
    unknown = set(fields) - set(PROBLEM_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown problem fields: {', '.join(sorted(unknown))}.")
    problem = lock_visible(Problem, problem_id, actor, expected_version)
    if "summary" in fields and not (fields["summary"] or "").strip():
        raise InvalidInput("Say in a few words what the problem is.", field="summary")
    if problem.status == ProblemStatus.KNOWN_ERROR and "workaround" in fields:
        if not (fields["workaround"] or "").strip():
            raise InvalidInput(
                "A known error keeps a workaround: correct it rather than removing it.",
                field="workaround",
            )
    assets = list(assets) if assets is not None else None
    _check_related(actor, problem.organisation_id, fields, assets)
    many = {}
    if services is not None:
        many["services"] = services
    if assets is not None:
        many["assets"] = assets
    _old, new = save_audited(
        problem,
        actor=actor,
        verb="problem.updated",
        changes=fields,
        many_to_many=many,
        exclude_from_validation=("status",),
    )
    if problem.workaround_article_id and ARTICLE_SOURCE_FIELDS & set(new):
        _sync_workaround_article(problem, actor)
    return problem


# --- incidents --------------------------------------------------------------------------
@transaction.atomic
def do_link_incidents(problem_id: int, incident_ids: Iterable[int], actor) -> LinkReport:
    """Link calls to a problem (from the problem page or a queue's bulk form).

    Calls the actor may not see or of another organisation are refused and reported, calls
    already linked are reported as such; the others are linked and audited on both sides.
    """
    require_permission(actor, "knowledge.change_problem", "You may not link calls to problems.")
    problem = lock_visible(Problem, problem_id, actor)
    if problem.status in (ProblemStatus.CLOSED, ProblemStatus.CANCELLED):
        raise ActionError(
            f"{problem.reference} is {problem.get_status_display().lower()}: "
            "link the calls to an open problem."
        )
    report = _linkable_incidents(problem, incident_ids, actor)
    _record_links(problem, report.linked, actor)
    return report


@transaction.atomic
def do_unlink_incident(problem_id: int, incident_id: int, *, actor) -> Problem:
    """Take a call off a problem (linked by mistake)."""
    require_permission(actor, "knowledge.change_problem", "You may not unlink calls.")
    problem = lock_visible(Problem, problem_id, actor)
    incident = problem.incidents.filter(pk=incident_id).first()
    if incident is None:
        raise ActionError("That call is not linked to this problem.")
    problem.incidents.remove(incident)
    record_audit(
        actor=actor,
        verb="problem.incident_unlinked",
        obj=problem,
        before={"incidents": [incident.reference]},
    )
    return problem


# --- life cycle -------------------------------------------------------------------------
@transaction.atomic
def do_transition_problem(
    problem_id: int, *, actor, name: str, expected_version: int | None = None
) -> Problem:
    """Investigate, record as known error (publishing the workaround), close or cancel."""
    if name not in SIMPLE_EDGES:
        raise ActionError(f"Unknown action {name!r}.")
    problem = lock_visible(Problem, problem_id, actor, expected_version)
    verbs = {
        "investigate": "problem.investigating",
        "record_known_error": "problem.known_error",
        "close": "problem.closed",
        "cancel": "problem.cancelled",
    }
    run_transition(
        problem,
        name,
        actor=actor,
        verb=verbs[name],
        extra_fields=TRANSITION_FIELDS,
        at=timezone.now(),
    )
    if name == "record_known_error":
        _publish_workaround(problem, actor)
    elif name in ("close", "cancel") and problem.workaround_article_id:
        # The permanent fix is in, or there never was a problem: the workaround is history.
        article = problem.workaround_article
        if article.status == ArticleStatus.PUBLISHED:
            do_transition_article(article.pk, actor=actor, name="retire")
    return problem


@transaction.atomic
def _resolve_problem_only(problem_id: int, *, actor, expected_version: int | None) -> Problem:
    """Take the resolve edge and save it, in its own transaction."""
    problem = lock_visible(Problem, problem_id, actor, expected_version)
    run_transition(
        problem,
        "resolve",
        actor=actor,
        verb="problem.resolved",
        extra_fields=TRANSITION_FIELDS,
        at=timezone.now(),
    )
    return problem


def do_resolve_problem(
    problem_id: int,
    *,
    actor,
    expected_version: int | None = None,
    resolve_incidents: bool = False,
    code: str = "fixed",
    notes: str = "",
) -> ProblemResolution:
    """Resolve a problem; optionally resolve its open calls with one resolution note.

    The problem is resolved first, in its own transaction. Each open call is then resolved
    through servicedesk's do_resolve_incident (its own transaction, audit and notice to the
    caller); a call the actor may not resolve, or whose state cannot be resolved, is
    reported with the reason rather than skipped. Calls already resolved or closed are
    listed as such.
    """
    from servicedesk.actions import do_resolve_incident
    from servicedesk.choices import IncidentStatus, ResolutionCode

    if resolve_incidents:
        if code not in ResolutionCode.values:
            raise InvalidInput("Choose a resolution code for the calls.", field="code")
        if not notes.strip():
            raise InvalidInput("Write the resolution note the calls get.", field="notes")
    problem = _resolve_problem_only(problem_id, actor=actor, expected_version=expected_version)
    result = ProblemResolution(problem=problem)
    if not resolve_incidents:
        return result
    done_states = (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)
    for incident in problem.incidents.order_by("pk"):
        if incident.status in done_states:
            result.already_closed.append(incident)
            continue
        try:
            result.resolved.append(
                do_resolve_incident(incident.pk, actor=actor, code=code, notes=notes)
            )
        except ActionError as exc:
            result.refused.append((incident.reference, exc.message))
    return result


# --- the known error's article ----------------------------------------------------------
def workaround_article_text(problem: Problem) -> tuple[str, str]:
    """The title and Markdown body of a known error's workaround article."""
    title = f"Known error: {problem.summary}"[:200]
    parts = [f"*Known error {problem.reference}: the fix is still being worked on.*"]
    if problem.description.strip():
        parts += ["## Symptoms", problem.description.strip()]
    parts += ["## Workaround", problem.workaround.strip()]
    return title, "\n\n".join(parts) + "\n"


def _publish_workaround(problem: Problem, actor) -> KnowledgeArticle:
    """Publish (or bring back and update) the known error's workaround article."""
    title, body = workaround_article_text(problem)
    article = problem.workaround_article
    if article is None:
        article = KnowledgeArticle.objects.create(
            title=title,
            body=body,
            audience=ArticleAudience.AGENTS,
            owner=problem.owner or actor,
        )
        article.services.set(problem.services.all())
        record_audit(
            actor=actor,
            verb="article.created",
            obj=article,
            after={"title": title, "source": problem.reference},
        )
        keep_article_version(article, actor)
        problem.workaround_article = article
        problem.save(update_fields=["workaround_article"])
    else:
        do_update_article(
            article.pk, actor=actor, title=title, body=body, verb="article.synced_from_problem"
        )
        # A protected FSM field cannot be refreshed in place: read the row again.
        article = KnowledgeArticle.objects.get(pk=article.pk)
    if article.status != ArticleStatus.PUBLISHED:
        do_transition_article(article.pk, actor=actor, name="publish")
    return article


def _sync_workaround_article(problem: Problem, actor) -> None:
    """Bring the workaround article's text in step with the problem, as a new version."""
    title, body = workaround_article_text(problem)
    do_update_article(
        problem.workaround_article_id,
        actor=actor,
        title=title,
        body=body,
        verb="article.synced_from_problem",
    )
