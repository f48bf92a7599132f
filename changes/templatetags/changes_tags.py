"""Template tags other areas use to show change management on their own pages."""

from __future__ import annotations

from django import template
from django.urls import reverse

from changes.queries import changes_for_asset, changes_for_service

register = template.Library()

# An asset or service page shows the latest few; the link opens the full filtered list.
RELATED_LIMIT = 10


@register.inclusion_tag("changes/includes/related_changes.html", takes_context=True)
def related_changes(context, obj) -> dict:
    """The changes the viewer may see that affect `obj` (an assets.Asset or servicedesk.Service)."""
    from assets.models import Asset
    from servicedesk.models import Service

    request = context.get("request")
    user = getattr(request, "user", None)
    if isinstance(obj, Asset):
        found, noun, query = changes_for_asset, "asset", "affected_assets"
    elif isinstance(obj, Service):
        found, noun, query = changes_for_service, "service", "affected_services"
    else:
        raise template.TemplateSyntaxError("related_changes takes an asset or a service.")
    perms = context.get("perms")
    if user is None or not user.has_perm("changes.view_change"):
        return {"perms": perms, "related_changes": []}
    changes = list(found(obj, user)[: RELATED_LIMIT + 1])
    return {
        "perms": perms,
        "related_changes": changes[:RELATED_LIMIT],
        "related_changes_more": len(changes) > RELATED_LIMIT,
        "related_changes_noun": noun,
        "related_changes_url": f"{reverse('changes:change_list')}?{query}={obj.pk}",
    }
