"""Choices of problems and the knowledge base; each state carries its badge colour."""

from django.db import models


class ProblemStatus(models.TextChoices):
    """The states of a problem's life cycle (graph in knowledge.workflows)."""

    NEW = "new", "New"
    INVESTIGATING = "investigating", "Investigating"
    KNOWN_ERROR = "known_error", "Known error"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this state's badge."""
        return {
            "new": "primary",
            "investigating": "warning",
            "known_error": "danger",
            "resolved": "success",
            "closed": "dark",
            "cancelled": "light",
        }[self.value]


# States in which the root cause or the fix is still being worked on.
OPEN_PROBLEM_STATUSES = (
    ProblemStatus.NEW,
    ProblemStatus.INVESTIGATING,
    ProblemStatus.KNOWN_ERROR,
)


class ArticleStatus(models.TextChoices):
    """The states of a knowledge article (graph in knowledge.workflows)."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"

    @property
    def colour(self) -> str:
        """Bootstrap colour of this state's badge."""
        return {"draft": "secondary", "published": "success", "retired": "dark"}[self.value]


class ArticleAudience(models.TextChoices):
    """Who may read an article: every member of staff, or only the service desk."""

    STAFF = "staff", "All staff"
    AGENTS = "agents", "Service desk only"
