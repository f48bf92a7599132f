"""Template context shared by every page."""

from core.navigation import areas_for, settings_for


def navigation(request):
    """The navigation entries the signed-in person may use, and their unread count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_areas": areas_for(user),
        "nav_settings": settings_for(user),
        "nav_unread": user.notifications.filter(read_at__isnull=True).count(),
    }
