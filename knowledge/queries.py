"""Read-side queries of problems and knowledge: candidate problems and usage counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from knowledge.models import ArticleUse, Deflection, Problem


@dataclass
class Candidate:
    """A category, service or asset with several recent calls no problem explains yet."""

    kind: str  # "category", "service" or "asset"
    pk: int
    label: str
    count: int
    organisation: object = None
    incident_ids: list[int] = field(default_factory=list)


# Candidate kind -> the incident field it groups by.
_DIMENSIONS = {"category": "category", "service": "service", "asset": "assets"}


def unexplained_incidents(user, days: int) -> QuerySet:
    """Calls the user may see, opened in the last `days` days, linked to no problem."""
    from servicedesk.models import Incident

    since = timezone.now() - dt.timedelta(days=days)
    return Incident.objects.visible_to(user).filter(opened_at__gte=since, problems__isnull=True)


def candidate_problems(user, *, min_incidents: int = 3, days: int = 14) -> list[Candidate]:
    """Categories, services and assets with at least `min_incidents` unexplained calls.

    Counted per organisation (a problem belongs to one) with one aggregate query per
    dimension; the calls of the groups that qualify are then listed so a problem can be
    raised pre-filled with them.
    """
    from assets.models import Asset
    from core.models import Organisation

    min_incidents, days = max(1, int(min_incidents)), max(1, int(days))
    found: list[Candidate] = []
    base = unexplained_incidents(user, days)
    for kind, key in _DIMENSIONS.items():
        groups = (
            base.filter(**{f"{key}__isnull": False})
            .order_by()
            .values(key, "organisation")
            .annotate(count=Count("pk", distinct=True))
            .filter(count__gte=min_incidents)
        )
        counts = {(row[key], row["organisation"]): row["count"] for row in groups}
        if not counts:
            continue
        members: dict[tuple[int, int], set[int]] = {}
        rows = base.filter(**{f"{key}__in": {group for group, _org in counts}}).values_list(
            key, "organisation", "pk"
        )
        for group_pk, organisation_pk, incident_pk in rows:
            if (group_pk, organisation_pk) in counts:
                members.setdefault((group_pk, organisation_pk), set()).add(incident_pk)
        labels = _labels(kind, [group for group, _org in counts], Asset)
        organisations = Organisation.objects.in_bulk({org for _group, org in counts})
        for (group_pk, organisation_pk), count in counts.items():
            found.append(
                Candidate(
                    kind=kind,
                    pk=group_pk,
                    label=labels.get(group_pk, str(group_pk)),
                    count=count,
                    organisation=organisations[organisation_pk],
                    incident_ids=sorted(members.get((group_pk, organisation_pk), ())),
                )
            )
    found.sort(key=lambda c: (-c.count, c.kind, c.label))
    return found


def _labels(kind: str, pks: list[int], asset_model) -> dict[int, str]:
    """Display names of the groups."""
    from servicedesk.models import Category, Service

    if kind == "category":
        return {c.pk: str(c) for c in Category.objects.filter(pk__in=pks)}
    if kind == "service":
        return {s.pk: str(s) for s in Service.objects.filter(pk__in=pks)}
    return {a.pk: str(a) for a in asset_model.objects.filter(pk__in=pks)}


def problems_for(user) -> QuerySet:
    """The problems a user may see."""
    return Problem.objects.visible_to(user)


def deflections_between(start: dt.datetime, end: dt.datetime) -> int:
    """Calls avoided because an article answered them, in [start, end) (a KPI input)."""
    return Deflection.objects.filter(at__gte=start, at__lt=end).count()


def article_uses_between(start: dt.datetime, end: dt.datetime) -> int:
    """Times agents linked an article to a call, in [start, end) (a KPI input)."""
    return ArticleUse.objects.filter(at__gte=start, at__lt=end).count()
