"""The life cycles of problems and knowledge articles, enforced by django-fsm-2.

Problem:

    new ──investigate──▶ investigating ──record known error──▶ known_error
                              │                                   │
                              └──────────resolve (permanent fix)──┴──▶ resolved ──close──▶ closed
    cancel: new | investigating | known_error ──▶ cancelled

Article:

    draft ──publish──▶ published ──retire──▶ retired ──publish──▶ published

Transitions only set fields. Saving, audit, publishing a known error's workaround and
resolving a problem's incidents belong to the actions in knowledge.actions.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django_fsm import FSMField, transition

from knowledge.choices import OPEN_PROBLEM_STATUSES, ArticleStatus, ProblemStatus

P = ProblemStatus
A = ArticleStatus
MANAGE_PROBLEM = "knowledge.manage_problem"
PUBLISH_ARTICLE = "knowledge.publish_article"


def has_root_cause_and_workaround(instance) -> bool:
    """A known error needs its root cause and a workaround written down."""
    return bool(instance.root_cause.strip()) and bool(instance.workaround.strip())


def has_permanent_fix(instance) -> bool:
    """A problem is resolved only once its permanent fix is described."""
    return bool(instance.permanent_fix.strip())


class ProblemWorkflow(models.Model):
    """The state field and edges of a problem (mixed into knowledge.models.Problem)."""

    status = FSMField(default=P.NEW, choices=P.choices, protected=True)

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=P.NEW,
        target=P.INVESTIGATING,
        permission=MANAGE_PROBLEM,
        custom={"label": "start investigating"},
    )
    def investigate(self, *, at: dt.datetime) -> None:
        """Someone starts looking for the root cause."""
        self.investigation_started_at = at

    @transition(
        field=status,
        source=P.INVESTIGATING,
        target=P.KNOWN_ERROR,
        conditions=[has_root_cause_and_workaround],
        permission=MANAGE_PROBLEM,
        custom={"label": "record as known error"},
    )
    def record_known_error(self, *, at: dt.datetime) -> None:
        """The root cause is known and a workaround exists; the fix is still to come."""
        self.known_error_at = at

    @transition(
        field=status,
        source=[P.INVESTIGATING, P.KNOWN_ERROR],
        target=P.RESOLVED,
        conditions=[has_permanent_fix],
        permission=MANAGE_PROBLEM,
        custom={"label": "resolve"},
    )
    def resolve(self, *, at: dt.datetime) -> None:
        """The permanent fix is in place."""
        self.resolved_at = at

    @transition(
        field=status,
        source=P.RESOLVED,
        target=P.CLOSED,
        permission=MANAGE_PROBLEM,
        custom={"label": "close"},
    )
    def close(self, *, at: dt.datetime) -> None:
        """The fix held; nothing more to do."""
        self.closed_at = at

    @transition(
        field=status,
        source=list(OPEN_PROBLEM_STATUSES),
        target=P.CANCELLED,
        permission=MANAGE_PROBLEM,
        custom={"label": "cancel"},
    )
    def cancel(self, *, at: dt.datetime) -> None:
        """Raised by mistake, or a duplicate of another problem."""
        self.closed_at = at


class ArticleWorkflow(models.Model):
    """The state field and edges of a knowledge article (mixed into KnowledgeArticle)."""

    status = FSMField(default=A.DRAFT, choices=A.choices, protected=True)

    class Meta:
        abstract = True

    @transition(
        field=status,
        source=[A.DRAFT, A.RETIRED],
        target=A.PUBLISHED,
        permission=PUBLISH_ARTICLE,
        custom={"label": "publish"},
    )
    def publish(self, *, at: dt.datetime) -> None:
        """Readers of its audience can now find it."""
        self.published_at = at

    @transition(
        field=status,
        source=A.PUBLISHED,
        target=A.RETIRED,
        permission=PUBLISH_ARTICLE,
        custom={"label": "retire"},
    )
    def retire(self, *, at: dt.datetime) -> None:
        """No longer right or needed: hidden from readers, kept for its history."""
        self.retired_at = at
