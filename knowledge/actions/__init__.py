"""The write path of problems and the knowledge base: every change goes through one of these."""

from knowledge.actions.articles import (
    do_create_article,
    do_link_article_to_incident,
    do_record_deflection,
    do_transition_article,
    do_update_article,
)
from knowledge.actions.problems import (
    LinkReport,
    ProblemResolution,
    do_create_problem,
    do_link_incidents,
    do_resolve_problem,
    do_transition_problem,
    do_unlink_incident,
    do_update_problem,
)

__all__ = [
    "LinkReport",
    "ProblemResolution",
    "do_create_article",
    "do_create_problem",
    "do_link_article_to_incident",
    "do_link_incidents",
    "do_record_deflection",
    "do_resolve_problem",
    "do_transition_article",
    "do_transition_problem",
    "do_unlink_incident",
    "do_update_article",
    "do_update_problem",
]
