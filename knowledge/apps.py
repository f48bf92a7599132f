"""App configuration for knowledge: problem management and the knowledge base."""

from django.apps import AppConfig

from core.roles import Role

_READER = ["knowledge.view_knowledgearticle", "knowledge.add_deflection"]
_AGENT = [
    *_READER,
    "knowledge.view_agent_article",
    "knowledge.add_knowledgearticle",
    "knowledge.change_knowledgearticle",
    "knowledge.publish_article",
    "knowledge.add_articleuse",
    "knowledge.view_articleuse",
    "knowledge.view_problem",
    "knowledge.add_problem",
    "knowledge.change_problem",
    "knowledge.manage_problem",
]


class KnowledgeConfig(AppConfig):
    """Problems and known errors, knowledge articles, search, deflection and article use."""

    name = "knowledge"
    verbose_name = "Problems and knowledge"
    demo_seeder = "knowledge.demo"
    role_permissions = {
        Role.REQUESTER: _READER,
        Role.APPROVER: _READER,
        Role.AGENT: _AGENT,
        Role.TEAM_LEAD: _AGENT,
        Role.MANAGER: [
            *_READER,
            "knowledge.view_agent_article",
            "knowledge.view_problem",
            "knowledge.view_deflection",
            "knowledge.view_articleuse",
        ],
    }
