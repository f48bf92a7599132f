"""Template helpers of the KPI pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (breakdown rows are dicts keyed by column)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
