"""Pages of the CAB: meetings, agenda preparation, the live board and the minutes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import DetailView

from changes import actions, queries
from changes.choices import AgendaKind, DecisionOutcome, VoteChoice
from changes.filtersets import CabMeetingFilterSet
from changes.minutes import attendance, minutes_items, minutes_workbook
from changes.models import AgendaItem, CabBoard, CabMeeting
from changes.tables import CabMeetingTable
from core.exceptions import ActionError
from core.exports import workbook_response
from core.views.generic import ObjectListView, ScopedMixin
from core.workflow import transitions_for


class MeetingScopedMixin(ScopedMixin):
    """Meetings the person may see: all for change managers, else the ones they sit on."""

    model = CabMeeting
    permission_required = "changes.view_cabmeeting"

    def get_queryset(self):
        """Meetings the person may see."""
        return queries.meetings_for(self.request.user)


class CabMeetingListView(MeetingScopedMixin, ObjectListView):
    """CAB meetings, newest first; change managers may plan the next one."""

    table_class = CabMeetingTable
    filterset_class = CabMeetingFilterSet
    template_name = "changes/meeting_list.html"
    title = "CAB meetings"

    def get_context_data(self, **kwargs):
        """Add the boards a change manager may plan a meeting for."""
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("changes.manage_cab"):
            context["boards"] = CabBoard.objects.filter(is_active=True)
        return context


class CabMeetingPlanView(MeetingScopedMixin, View):
    """Plan a board's next weekly meeting (POST); its agenda is built automatically."""

    def post(self, request):
        """Run do_plan_cab_meeting and open the new meeting."""
        board = get_object_or_404(CabBoard, pk=request.POST.get("board"))
        try:
            meeting = actions.do_plan_cab_meeting(board, actor=request.user)
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect("changes:meeting_list")
        messages.success(request, f"Planned {meeting}; the agenda was built from what is due.")
        return redirect(meeting.get_absolute_url())


class CabMeetingDetailView(MeetingScopedMixin, DetailView):
    """A meeting's agenda: reorder/add/remove before publishing; publish; open the session."""

    template_name = "changes/meeting_detail.html"

    def get_context_data(self, **kwargs):
        """Add the agenda, candidates to add, and what the viewer may do."""
        context = super().get_context_data(**kwargs)
        meeting = self.object
        user = self.request.user
        context["items"] = meeting.agenda_items.select_related("change", "decision").order_by(
            "position", "pk"
        )
        context["steps"] = transitions_for(meeting, user)
        context["can_prepare"] = meeting.status == "planned" and user.has_perm("changes.manage_cab")
        if context["can_prepare"]:
            context["addable"] = queries.changes_for(user).exclude(
                status__in=["closed", "cancelled", "rejected", "draft"]
            )
            context["kinds"] = AgendaKind.choices
        context["members"] = meeting.members.all()
        context["can_record_attendance"] = meeting.status == "in_session" and (
            user.pk == meeting.chair_id or user.has_perm("changes.manage_cab")
        )
        if context["can_record_attendance"]:
            attended = set(meeting.attendees.values_list("pk", flat=True))
            context["seats"] = [
                (person, person.pk in attended)
                for person in [meeting.chair, *meeting.members.exclude(pk=meeting.chair_id)]
            ]
        return context


class CabAgendaEditView(MeetingScopedMixin, View):
    """Add, remove, reorder or refresh agenda items (POST `op`)."""

    def post(self, request, pk):
        """Apply one agenda edit and return to the meeting."""
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        op = request.POST.get("op")
        try:
            if op == "refresh":
                added = actions.do_refresh_agenda(meeting, actor=request.user)
                messages.success(request, f"{len(added)} item(s) added.")
            elif op == "add":
                change = get_object_or_404(
                    queries.changes_for(request.user), pk=request.POST.get("change")
                )
                actions.do_add_agenda_item(
                    meeting,
                    actor=request.user,
                    change=change,
                    kind=request.POST.get("kind", AgendaKind.DECISION),
                )
            else:
                item = get_object_or_404(meeting.agenda_items, pk=request.POST.get("item"))
                if op == "remove":
                    actions.do_remove_agenda_item(item, actor=request.user)
                elif op in ("up", "down"):
                    offset = -1 if op == "up" else 1
                    actions.do_move_agenda_item(item, actor=request.user, offset=offset)
        except ActionError as exc:
            messages.error(request, exc.message)
        return redirect(meeting.get_absolute_url())


class CabMeetingTransitionView(MeetingScopedMixin, View):
    """Publish the agenda, open the session or publish the minutes (POST)."""

    ACTIONS = {
        "publish_agenda": actions.do_publish_agenda,
        "open_session": actions.do_open_cab_session,
        "publish_minutes": actions.do_publish_minutes,
    }

    def post(self, request, pk, name):
        """Run the meeting action and go where it makes sense next."""
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        action = self.ACTIONS.get(name)
        if action is None:
            raise Http404("No such step.")
        kwargs = {"notes": request.POST.get("notes", "")} if name == "publish_minutes" else {}
        try:
            meeting = action(meeting, actor=request.user, **kwargs)
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect(meeting.get_absolute_url())
        messages.success(request, f"{meeting.get_status_display()}.")
        if name == "open_session":
            return redirect("changes:meeting_board", pk=meeting.pk)
        if name == "publish_minutes":
            return redirect("changes:meeting_minutes", pk=meeting.pk)
        return redirect(meeting.get_absolute_url())


class CabBoardView(MeetingScopedMixin, DetailView):
    """The live board of a meeting in session (filled and kept current over its WebSocket)."""

    template_name = "changes/meeting_board.html"

    def get_context_data(self, **kwargs):
        """Add whether the viewer votes, chairs or runs the meeting."""
        context = super().get_context_data(**kwargs)
        meeting, user = self.object, self.request.user
        context["is_chair"] = user.pk == meeting.chair_id
        context["can_vote"] = user.has_perm("changes.vote_cab") and meeting.is_member(user)
        context["can_run"] = context["is_chair"] or user.has_perm("changes.manage_cab")
        context["vote_choices"] = VoteChoice.choices
        context["outcomes"] = DecisionOutcome.choices
        context["title"] = f"CAB board · {meeting}"
        return context


class CabMinutesView(MeetingScopedMixin, DetailView):
    """The minutes of a meeting; `?export=xlsx` downloads them as a workbook."""

    template_name = "changes/minutes.html"

    def get(self, request, *args, **kwargs):
        """The page, or the workbook."""
        self.object = self.get_object()
        if request.GET.get("export") == "xlsx":
            return workbook_response(
                minutes_workbook(self.object),
                f"CAB-minutes-{self.object.starts_at:%Y-%m-%d}",
            )
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        """Add the items with votes and decisions, attendees and apologies."""
        context = super().get_context_data(**kwargs)
        context["entries"] = minutes_items(self.object)
        context["attendees"], context["apologies"] = attendance(self.object)
        context["title"] = f"Minutes · {self.object}"
        return context


class AgendaItemActionView(ScopedMixin, View):
    """Open an item, vote on it or decide it, from the live board (POST, answers JSON)."""

    model = AgendaItem
    permission_required = "changes.view_cabmeeting"

    def get_queryset(self):
        """Items of meetings the person may see."""
        meetings = queries.meetings_for(self.request.user)
        return AgendaItem.objects.filter(meeting__in=meetings).select_related("change")

    def post(self, request, pk, op):
        """Run the board action; the board itself updates over the socket."""
        item = get_object_or_404(self.get_queryset(), pk=pk)
        data = request.POST
        try:
            if op == "open":
                actions.do_open_agenda_item(item, actor=request.user)
            elif op == "vote":
                actions.do_cast_cab_vote(
                    item,
                    actor=request.user,
                    choice=data.get("choice", ""),
                    comment=data.get("comment", ""),
                )
            elif op == "decide":
                actions.do_record_cab_decision(
                    item,
                    actor=request.user,
                    outcome=data.get("outcome", ""),
                    conditions=data.get("conditions", ""),
                    actions=data.get("actions", ""),
                )
            else:
                raise Http404("No such board action.")
        except ActionError as exc:
            if request.headers.get("accept", "").startswith("application/json"):
                return JsonResponse({"ok": False, "error": exc.message}, status=400)
            messages.error(request, exc.message)
            return redirect("changes:meeting_board", pk=item.meeting_id)
        if request.headers.get("accept", "").startswith("application/json"):
            return JsonResponse({"ok": True})
        return HttpResponseRedirect(item.meeting.get_absolute_url() + "board/")


class CabAttendanceView(MeetingScopedMixin, View):
    """Record who attended and who sent apologies (POST, during the session)."""

    def post(self, request, pk):
        """Run do_record_attendance and return to the meeting."""
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        seats = [meeting.chair, *meeting.members.all()]
        present = set(request.POST.getlist("attended"))
        try:
            actions.do_record_attendance(
                meeting,
                actor=request.user,
                attendees=[p for p in seats if str(p.pk) in present],
                apologies=[p for p in seats if str(p.pk) not in present],
            )
            messages.success(request, "Attendance recorded.")
        except ActionError as exc:
            messages.error(request, exc.message)
        return redirect(meeting.get_absolute_url())
