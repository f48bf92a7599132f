"""Look-ups the desk's forms use while an agent types (htmx fragments)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.shortcuts import render
from django.views import View

from core.models import User
from core.visibility import visible_to

MAX_MATCHES = 10
MIN_CHARACTERS = 2


def find_callers(user, text: str) -> list[User]:
    """Up to MAX_MATCHES people `user` may log calls for whose name, username, email or phone
    contains every word of `text` (phone numbers compared without spaces or dashes)."""
    words = text.split()
    if len("".join(words)) < MIN_CHARACTERS:
        return []
    people = visible_to(
        User.objects.filter(is_active=True, organisation__isnull=False), user
    ).annotate(phone_digits=Replace(Replace("phone", Value(" "), Value("")), Value("-"), Value("")))
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
            | Q(phone_digits__icontains=word.replace("-", ""))
        )
    return list(
        people.select_related("organisation").order_by("last_name", "first_name", "username")[
            :MAX_MATCHES
        ]
    )


class CallerLookupView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The people matching what the agent typed in the caller field, to pick one from."""

    permission_required = "servicedesk.log_incident_for_others"
    raise_exception = True

    def get(self, request):
        """An htmx fragment listing the matches (empty until two characters are typed)."""
        text = request.GET.get("caller", request.GET.get("q", "")).strip()
        return render(
            request,
            "servicedesk/_caller_matches.html",
            {"people": find_callers(request.user, text), "searched": len(text) >= MIN_CHARACTERS},
        )
