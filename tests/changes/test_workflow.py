"""The change life cycle edge by edge: who may take each edge, and what is refused."""

import pytest
from django.db import transaction

from changes import actions
from changes.actions.changes import apply_cab_decision
from changes.choices import ChangeType
from changes.models import Change, ChangeTemplate
from changes.workflows import ChangeWorkflow
from core.audit import history_of
from core.exceptions import ActionError, ActionForbidden, InvalidInput, StaleRecord
from core.workflow import transitions_for
from tests.changes.conftest import ANSWERS_LOW, reload

pytestmark = pytest.mark.django_db


def test_should_number_changes_chg_and_seven_digits(make_change):
    first, second = make_change(), make_change()
    assert first.reference == f"CHG{first.pk:07d}"
    assert second.reference == f"CHG{second.pk:07d}"
    assert reload(first).reference == first.reference
    assert history_of(first).filter(verb="change.created").exists()


def test_should_draw_the_whole_graph_in_workflows():
    edges = {
        (str(t.source), str(t.target))
        for t in Change._meta.get_field("status").get_all_transitions(Change)
    }
    expected = {
        ("draft", "submitted"),
        ("submitted", "assessed"),
        ("assessed", "awaiting_cab"),
        ("awaiting_cab", "approved"),
        ("approved", "scheduled"),
        ("scheduled", "in_progress"),
        ("in_progress", "implemented"),
        ("implemented", "reviewed"),
        ("reviewed", "closed"),
        ("awaiting_cab", "rejected"),
        ("awaiting_cab", "deferred"),
        ("deferred", "approved"),
        ("in_progress", "failed"),
        ("failed", "backed_out"),
        ("backed_out", "reviewed"),
        ("draft", "cancelled"),
        ("submitted", "approved"),
    }
    assert expected <= edges
    assert issubclass(Change, ChangeWorkflow)


def test_should_refuse_to_set_the_state_directly(make_change):
    change = make_change()
    with pytest.raises(AttributeError):
        change.status = "approved"


def test_should_walk_the_happy_path_with_an_audit_event_per_edge(cab, make_change, advance):
    change = advance(make_change(), "implemented")
    assert change.status == "implemented"
    assert change.actual_start and change.actual_end
    verbs = list(history_of(change).values_list("verb", flat=True))
    for verb in [
        "change.submitted",
        "change.assessed",
        "change.sent_to_cab",
        "change.cab_approved",
        "change.scheduled",
        "change.started",
        "change.implemented",
    ]:
        assert verb in verbs
    submitted = history_of(change).get(verb="change.submitted")
    assert submitted.before["status"] == "draft"
    assert submitted.after["status"] == "submitted"


def test_should_need_a_review_before_closing_a_normal_change(cab, make_change, advance):
    change = advance(make_change(), "implemented")
    with pytest.raises(ActionError, match="post-implementation review"):
        actions.do_transition_change(change, actor=cab.manager, name="close")
    assert reload(change).status == "implemented"
    change = actions.do_record_review(
        change,
        actor=cab.manager,
        expected_version=None,
        outcome="successful",
        lessons="Patch earlier in the evening.",
    )
    assert change.status == "reviewed"
    assert reload(change).review.lessons == "Patch earlier in the evening."
    change = actions.do_transition_change(change, actor=cab.manager, name="close")
    assert reload(change).status == "closed"


def test_should_close_a_standard_change_without_cab_or_review(cab, make_change):
    template = ChangeTemplate.objects.create(
        name="Add a printer queue", implementation_plan="Add queue on PRT01"
    )
    change = make_change(actor=cab.member, template=template, change_type=ChangeType.NORMAL)
    assert change.change_type == "standard"
    assert change.implementation_plan == "Add queue on PRT01"
    for name in ["submit", "approve_standard"]:
        change = actions.do_transition_change(change, actor=cab.member, name=name)
    assert change.status == "approved"
    change, _ = actions.do_schedule_change(
        change,
        actor=cab.implementer,
        expected_version=None,
        planned_start=change.planned_start,
        planned_end=change.planned_end,
    )
    for name in ["start", "complete"]:
        change = actions.do_transition_change(change, actor=cab.implementer, name=name)
    with pytest.raises(ActionForbidden, match="right to close"):
        actions.do_transition_change(change, actor=cab.implementer, name="close")
    change = actions.do_transition_change(change, actor=cab.manager, name="close")
    assert reload(change).status == "closed"


def test_should_refuse_a_standard_change_without_a_template(cab, make_change):
    with pytest.raises(InvalidInput, match="pre-approved template"):
        make_change(change_type=ChangeType.STANDARD)
    assert not Change.objects.exists()


def test_should_not_let_a_normal_change_skip_the_cab(cab, make_change):
    change = actions.do_transition_change(make_change(), actor=cab.manager, name="submit")
    with pytest.raises(ActionError, match="pre-approved template"):
        actions.do_transition_change(change, actor=cab.manager, name="approve_standard")
    assert reload(change).status == "submitted"


def test_should_not_send_an_emergency_change_to_the_weekly_cab(cab, make_change, advance):
    change = advance(make_change(change_type=ChangeType.EMERGENCY), "assessed")
    with pytest.raises(ActionError, match="Only normal changes"):
        actions.do_transition_change(change, actor=cab.manager, name="send_to_cab")


@pytest.mark.parametrize(
    "name,state",
    [
        ("start", "draft"),
        ("complete", "submitted"),
        ("close", "draft"),
        ("back_out", "approved"),
        ("send_to_cab", "submitted"),
        ("submit", "approved"),
    ],
)
def test_should_refuse_an_edge_that_does_not_exist_from_the_state(
    cab, make_change, advance, name, state
):
    change = make_change()
    if state != "draft":
        change = advance(change, state)
    with pytest.raises(ActionError, match=f"is {reload(change).get_status_display()}"):
        actions.do_transition_change(change, actor=cab.manager, name=name)
    assert reload(change).status == state


def test_should_refuse_assessment_by_anyone_but_a_change_manager(cab, make_change):
    change = actions.do_transition_change(
        make_change(actor=cab.member), actor=cab.member, name="submit"
    )
    with pytest.raises(ActionForbidden, match="right to assess"):
        actions.do_assess_change(
            change, actor=cab.member, expected_version=None, answers=ANSWERS_LOW
        )
    assert reload(change).status == "submitted"
    assert reload(change).risk_level == ""


def test_should_let_only_the_requester_or_a_change_manager_submit(cab, make_change):
    change = make_change(actor=cab.member)
    with pytest.raises(ActionForbidden, match="right to submit"):
        actions.do_transition_change(change, actor=cab.member2, name="submit")
    assert actions.do_transition_change(change, actor=cab.member, name="submit").status == (
        "submitted"
    )


def test_should_let_only_the_implementer_team_start_the_work(cab, make_change, advance, world):
    change = advance(make_change(), "scheduled")
    with pytest.raises(ActionForbidden, match="right to start"):
        actions.do_transition_change(change, actor=world.agent, name="start")
    change = actions.do_transition_change(change, actor=cab.implementer, name="start")
    assert change.status == "in_progress"


def test_should_let_only_a_cab_chair_approve_at_cab(cab, make_change, advance):
    change = advance(make_change(), "awaiting_cab")
    with pytest.raises(ActionForbidden, match="right to approve"), transaction.atomic():
        apply_cab_decision(change.pk, actor=cab.member, outcome="approve")
    assert reload(change).status == "awaiting_cab"


def test_should_reject_defer_and_approve_a_deferred_change_at_cab(cab, make_change, advance):
    change = advance(make_change(), "awaiting_cab")
    with transaction.atomic():
        apply_cab_decision(change.pk, actor=cab.manager, outcome="defer")
    assert reload(change).status == "deferred"
    with transaction.atomic():
        apply_cab_decision(
            change.pk, actor=cab.manager, outcome="approve_with_conditions", conditions="Tell HR"
        )
    change = reload(change)
    assert change.status == "approved" and change.approval_conditions == "Tell HR"
    other = advance(make_change(), "awaiting_cab")
    with transaction.atomic():
        apply_cab_decision(other.pk, actor=cab.manager, outcome="reject")
    assert reload(other).status == "rejected"
    with pytest.raises(ActionError, match="Rejected: it cannot be cancel"):
        actions.do_transition_change(other, actor=cab.manager, name="cancel")


def test_should_fail_then_back_out_then_review(cab, make_change, advance):
    change = advance(make_change(), "in_progress")
    change = actions.do_transition_change(
        change, actor=cab.implementer, name="fail", outcome="Gateway did not restart"
    )
    assert change.status == "failed" and change.outcome == "Gateway did not restart"
    with pytest.raises(ActionError):
        actions.do_transition_change(change, actor=cab.manager, name="close")
    change = actions.do_transition_change(change, actor=cab.implementer, name="back_out")
    assert change.status == "backed_out"
    change = actions.do_record_review(
        change, actor=cab.manager, expected_version=None, outcome="backed_out"
    )
    assert change.status == "reviewed"


def test_should_let_the_requester_cancel_but_not_a_stranger(cab, make_change, world):
    change = make_change(actor=cab.member)
    with pytest.raises(ActionForbidden):
        actions.do_transition_change(change, actor=world.agent, name="cancel")
    change = actions.do_transition_change(change, actor=cab.member, name="cancel")
    assert change.status == "cancelled" and change.closed_at


def test_should_hide_changes_of_other_councils_from_people_who_do_not_serve_them(
    cab, make_change, world
):
    change = make_change()
    with pytest.raises(ActionForbidden, match="not yours to see"):
        actions.do_transition_change(change, actor=world.agent_east, name="cancel")
    assert reload(change).status == "draft"


def test_should_refuse_an_edit_from_a_stale_page(cab, make_change):
    change = make_change()
    version = change.version
    actions.do_update_change(change, actor=cab.manager, expected_version=version, title="New")
    with pytest.raises(StaleRecord):
        actions.do_update_change(change, actor=cab.manager, expected_version=version, title="Old")
    assert reload(change).title == "New"


def test_should_refuse_editing_after_approval(cab, make_change, advance):
    change = advance(make_change(), "approved")
    with pytest.raises(ActionError, match="no longer be edited"):
        actions.do_update_change(change, actor=cab.manager, expected_version=None, title="X")


def test_should_keep_the_questions_and_answers_of_the_risk_assessment(cab, make_change, advance):
    change = advance(make_change(), "submitted")
    change = actions.do_assess_change(
        change,
        actor=cab.manager,
        expected_version=None,
        answers={**ANSWERS_LOW, "users_affected": "council", "tested": "no"},
    )
    change = reload(change)
    assert (change.risk_likelihood, change.risk_impact) == (3, 3)
    assert change.risk_level == "high"
    asked = {a["key"]: a for a in change.risk_answers}
    assert asked["tested"]["answer"] == "no"
    assert asked["tested"]["question"].startswith("Has the change been tested")


def test_should_refuse_an_incomplete_questionnaire(cab, make_change, advance):
    change = advance(make_change(), "submitted")
    with pytest.raises(InvalidInput, match="Answer every risk question"):
        actions.do_assess_change(
            change, actor=cab.manager, expected_version=None, answers={"tested": "yes"}
        )
    assert reload(change).status == "submitted"


def test_should_list_only_the_edges_a_person_may_take(cab, make_change):
    change = make_change(actor=cab.member)
    names = {t.name for t in transitions_for(change, cab.member)}
    assert names == {"submit", "cancel"}
    assert {t.name for t in transitions_for(change, cab.member2)} == set()


def test_should_approve_an_emergency_change_when_the_ecab_quorum_has_approved(
    cab, make_change, advance, world
):
    change = advance(make_change(change_type=ChangeType.EMERGENCY), "submitted")
    change = actions.do_record_ecab_approval(change, actor=cab.member, comment="Go")
    assert change.status == "submitted"
    with pytest.raises(ActionError, match="already approved"):
        actions.do_record_ecab_approval(change, actor=cab.member)
    with pytest.raises(ActionForbidden, match="named ECAB"):
        actions.do_record_ecab_approval(change, actor=cab.member2)
    change = actions.do_record_ecab_approval(change, actor=cab.manager)
    assert change.status == "approved"
    assert change.ecab_approvals.count() == 2
    assert history_of(change).filter(verb="change.approved_by_ecab").exists()
    assert history_of(change).filter(verb="change.ecab_approval").count() == 2


def test_should_refuse_ecab_approval_of_a_normal_change(cab, make_change, advance):
    change = advance(make_change(), "submitted")
    with pytest.raises(ActionError, match="Only emergency"):
        actions.do_record_ecab_approval(change, actor=cab.member)


def test_should_refuse_turning_a_change_standard_without_a_template(cab, make_change):
    change = make_change()
    with pytest.raises(InvalidInput, match="pre-approved template"):
        actions.do_update_change(
            change, actor=cab.manager, expected_version=None, change_type=ChangeType.STANDARD
        )
    assert reload(change).change_type == "normal"


def test_should_take_the_ecab_quorum_from_the_cab_serving_the_organisation(
    cab, make_change, advance, world
):
    actions.do_update_cab_board(cab.board, actor=cab.manager, organisations=[world.north])
    actions.do_create_cab_board(
        actor=cab.manager,
        name="Eastvale CAB",
        chair=cab.manager,
        members=[cab.member2],
        quorum=1,
        ecab_members=[cab.member2],
        ecab_quorum=1,
        organisations=[world.east],
    )
    east = advance(
        make_change(change_type=ChangeType.EMERGENCY, organisation=world.east), "submitted"
    )
    assert east.ecab_quorum_required() == 1
    with pytest.raises(ActionForbidden, match="named ECAB members of Eastvale CAB"):
        actions.do_record_ecab_approval(east, actor=cab.member)  # north's ECAB only
    east = actions.do_record_ecab_approval(east, actor=cab.member2)
    assert east.status == "approved"
    north = advance(make_change(change_type=ChangeType.EMERGENCY), "submitted")
    assert north.ecab_quorum_required() == 2
    north = actions.do_record_ecab_approval(north, actor=cab.member)
    assert north.status == "submitted"


def test_should_refuse_ecab_approval_when_no_cab_serves_the_organisation(
    cab, make_change, advance, world
):
    actions.do_update_cab_board(cab.board, actor=cab.manager, organisations=[world.north])
    change = advance(
        make_change(change_type=ChangeType.EMERGENCY, organisation=world.east), "submitted"
    )
    assert change.ecab_quorum_required() is None
    with pytest.raises(ActionError, match="No active CAB serves Eastvale District Council"):
        actions.do_record_ecab_approval(change, actor=cab.member)
    assert not change.ecab_approvals.exists()
    assert reload(change).status == "submitted"
