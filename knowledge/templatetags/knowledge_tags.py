"""Template tags of the knowledge panels that other apps' pages include."""

from django import template

register = template.Library()


@register.simple_tag
def article_uses_of(incident):
    """The articles agents linked to a call, with who linked them."""
    return list(incident.article_uses.select_related("article", "agent"))
