"""Actions of satisfaction surveys (invitations, answers) and of report subscriptions."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.actions.base import require_permission
from core.audit import record_audit
from core.exceptions import ActionError, ActionForbidden, InvalidInput
from core.models import Organisation, User
from core.notify import notify_user
from core.visibility import visible_to
from kpis.models import ReportSubscription, StaffSurveyAnswer, SurveyInvitation, SurveyKind


def survey_settings() -> dict:
    """Sampling settings: share of resolved calls surveyed, quiet days, monthly sample size."""
    return {
        "share": float(getattr(settings, "KPIS_SURVEY_SHARE", 0.2)),
        "quiet_days": int(getattr(settings, "KPIS_SURVEY_QUIET_DAYS", 90)),
        "monthly_sample": int(getattr(settings, "KPIS_MONTHLY_SURVEY_SAMPLE", 50)),
    }


def recently_invited(person_ids, since: dt.datetime) -> set[int]:
    """People already asked (about anything) since `since`: they are not asked again."""
    return set(
        SurveyInvitation.objects.filter(person__in=person_ids, created_at__gte=since).values_list(
            "person", flat=True
        )
    )


def survey_link(invitation: SurveyInvitation) -> str:
    """The full address of an invitation's answer page, for emails (read outside the site).

    The page asks the person to sign in first, so the token alone answers nothing.
    """
    return f"{settings.SITE_URL.rstrip('/')}{invitation.get_absolute_url()}"


@transaction.atomic
def do_invite_post_resolution(
    *, resolved_since: dt.datetime, now: dt.datetime | None = None, rng: random.Random | None = None
) -> list[SurveyInvitation]:
    """Invite a random share of callers whose calls were resolved since `resolved_since`.

    Each call is drawn with probability KPIS_SURVEY_SHARE; a caller asked in the last
    KPIS_SURVEY_QUIET_DAYS days (or twice in this run) is skipped, as is a call already
    rated or already drawn. The invitation is sent after commit.
    """
    from servicedesk.models import Incident

    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    config = survey_settings()
    calls = list(
        Incident.objects.filter(resolved_at__gte=resolved_since, resolved_at__lt=now)
        .filter(survey__isnull=True, survey_invitation__isnull=True)
        .select_related("caller")
        .order_by("resolved_at", "pk")
    )
    skip = recently_invited(
        {call.caller_id for call in calls}, now - dt.timedelta(days=config["quiet_days"])
    )
    invited = []
    for call in calls:
        if call.caller_id in skip or not call.caller.is_active or rng.random() >= config["share"]:
            continue
        skip.add(call.caller_id)
        invitation = SurveyInvitation.objects.create(
            kind=SurveyKind.POST_RESOLUTION,
            person=call.caller,
            organisation_id=call.organisation_id,
            incident=call,
        )
        record_audit(
            actor=None, verb="survey.invited", obj=invitation, after={"incident": call.reference}
        )
        notify_user(
            call.caller,
            f"How did we do with {call.reference}?",
            body="Please rate how your call was handled: it takes a few seconds.\n\n"
            f"Sign in and answer here: {survey_link(invitation)}",
            url=invitation.get_absolute_url(),
        )
        invited.append(invitation)
    return invited


@transaction.atomic
def do_invite_monthly_survey(
    *, month: dt.date, rng: random.Random | None = None
) -> list[SurveyInvitation]:
    """Invite a random sample of each organisation's active staff to the monthly survey.

    KPIS_MONTHLY_SURVEY_SAMPLE people per organisation and month (a repeated run only tops the
    sample up), never anyone already invited for this month, nor anyone asked anything in
    the quiet period.
    """
    rng = rng or random.SystemRandom()
    config = survey_settings()
    month = month.replace(day=1)
    since = timezone.now() - dt.timedelta(days=config["quiet_days"])
    invited = []
    for organisation in Organisation.objects.filter(is_active=True):
        people = list(
            User.objects.filter(organisation=organisation, is_active=True)
            .exclude(survey_invitations__month=month, survey_invitations__kind=SurveyKind.MONTHLY)
            .exclude(survey_invitations__created_at__gte=since)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # A repeated run (a retried task) tops the month's sample up, never doubles it.
        wanted = (
            config["monthly_sample"]
            - SurveyInvitation.objects.filter(
                kind=SurveyKind.MONTHLY, organisation=organisation, month=month
            ).count()
        )
        chosen = rng.sample(people, max(0, min(wanted, len(people))))
        for person in User.objects.filter(pk__in=chosen):
            invitation = SurveyInvitation.objects.create(
                kind=SurveyKind.MONTHLY, person=person, organisation=organisation, month=month
            )
            record_audit(
                actor=None,
                verb="survey.invited",
                obj=invitation,
                after={"month": month.isoformat()},
            )
            notify_user(
                person,
                f"The ICT service survey for {month:%B %Y}",
                body="How satisfied are you with the ICT service? One question, one minute.\n\n"
                f"Sign in and answer here: {survey_link(invitation)}",
                url=invitation.get_absolute_url(),
            )
            invited.append(invitation)
    return invited


@transaction.atomic
def do_answer_survey(token: str, *, actor, score: int, comment: str = "") -> SurveyInvitation:
    """The invited person answers: a rated call for a sampled call, a staff answer for the
    monthly survey. Only the invited person, only once."""
    invitation = SurveyInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.person_id != getattr(actor, "pk", None):
        raise ActionForbidden("This survey link is not yours.")
    if invitation.answered_at is not None:
        raise ActionError("You have already answered. Thank you!")
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise InvalidInput("Choose a score from 1 to 5.", field="score")
    if invitation.kind == SurveyKind.POST_RESOLUTION:
        from servicedesk.actions import do_rate_incident

        # The rating is the call's own survey response, written by the desk's action.
        do_rate_incident(invitation.incident_id, actor=actor, score=score, comment=comment)
    else:
        StaffSurveyAnswer.objects.create(
            invitation=invitation,
            organisation=invitation.organisation,
            score=score,
            comment=comment.strip(),
        )
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["answered_at", "updated_at"])
    record_audit(actor=actor, verb="survey.answered", obj=invitation, after={"score": score})
    return invitation


@transaction.atomic
def do_save_report_subscription(
    *, actor, weekly: bool, monthly: bool, organisation: Organisation | None = None
) -> ReportSubscription:
    """Choose which emailed KPI reports (weekly report, monthly pack) the acting manager gets."""
    require_permission(actor, "core.use_kpis", "Only managers receive KPI reports.")
    if (
        organisation is not None
        and not visible_to(Organisation.objects.filter(pk=organisation.pk), actor).exists()
    ):
        raise ActionForbidden("You do not serve that organisation.")
    subscription, created = ReportSubscription.objects.select_for_update().get_or_create(
        person=actor, defaults={"weekly": weekly, "monthly": monthly, "organisation": organisation}
    )
    before = (
        {}
        if created
        else {
            "weekly": subscription.weekly,
            "monthly": subscription.monthly,
            "organisation": subscription.organisation_id,
        }
    )
    subscription.weekly, subscription.monthly, subscription.organisation = (
        weekly,
        monthly,
        organisation,
    )
    subscription.save()
    after = {
        "weekly": weekly,
        "monthly": monthly,
        "organisation": getattr(organisation, "pk", None),
    }
    if before != after:
        record_audit(
            actor=actor,
            verb="report_subscription.saved",
            obj=subscription,
            before=before,
            after=after,
        )
    return subscription


def subscribers(kind: str):
    """Active managers subscribed to the "weekly" or "monthly" report."""
    return (
        ReportSubscription.objects.filter(**{kind: True}, person__is_active=True)
        .filter(Q(person__email__gt=""))
        .select_related("person", "organisation")
    )
