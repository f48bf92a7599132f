"""Demo data of service requests: a request catalogue, approval set-up and a few requests
(and --requests N for benchmarks).

Idempotent: items, fields and plans are created only when missing; policies and line
managers only when not set; the sample requests only when there are none yet.
"""

from __future__ import annotations

from decimal import Decimal

from core.models import Organisation, Team, User
from servicedesk.models import Service, ServiceStandard
from servicerequests.choices import ApprovalRule, DecisionRule, FieldKind

# fmt: off
# service, name, description, unit cost, max quantity, approval rule, ICT purchase,
#   fields (key, label, kind, required, choices), plan (stage, team, title)
CATALOGUE = [
    ("Laptops and desktops", "New starter equipment",
     "A laptop, accounts and a phone line ready for someone's first day.",
     "950.00", 5, ApprovalRule.LINE_MANAGER, True,
     [("starter_name", "New starter's name", FieldKind.TEXT, True, ""),
      ("start_date", "First day", FieldKind.DATE, True, ""),
      ("role", "Job title and team", FieldKind.TEXT, True, ""),
      ("laptop", "Laptop", FieldKind.CHOICE, True, "Standard laptop\nPower user laptop")],
     [(1, "Applications", "Create network and email accounts"),
      (1, "Service Desk", "Order and image the laptop"),
      (2, "Service Desk", "Deliver and set up on the first day")]),
    ("Laptops and desktops", "Laptop or desktop",
     "A replacement or additional computer.",
     "1100.00", 50, ApprovalRule.LINE_MANAGER, True,
     [("model", "Model", FieldKind.CHOICE, True, "Standard laptop\nPower user laptop\nDesktop"),
      ("current_device", "Device it replaces", FieldKind.ASSET, False, ""),
      ("reason", "Why it is needed", FieldKind.TEXT, True, "")],
     [(1, "Service Desk", "Order the computer"),
      (2, "Service Desk", "Swap it and recycle the old device")]),
    ("Laptops and desktops", "Software install",
     "Install licensed software from the approved list.",
     "0.00", 1, ApprovalRule.NONE, False,
     [("software", "Software", FieldKind.TEXT, True, ""),
      ("computer", "On which computer", FieldKind.ASSET, True, "")],
     [(1, "Service Desk", "Package and install the software")]),
    ("Telephony", "Mobile phone",
     "A council smartphone with a SIM.",
     "320.00", 10, ApprovalRule.LINE_MANAGER, True,
     [("handset", "Handset", FieldKind.CHOICE, True, "Standard smartphone\nRugged smartphone"),
      ("reason", "Why it is needed", FieldKind.TEXT, True, "")],
     [(1, "Infrastructure", "Order the handset and SIM"),
      (2, "Service Desk", "Enrol and hand over the phone")]),
    ("Telephony", "Mobile data bundle",
     "Extra mobile data for a year.",
     "120.00", 10, ApprovalRule.LINE_MANAGER, True,
     [("number", "Mobile number", FieldKind.TEXT, True, "")],
     [(1, "Civic Telecom (supplier)", "Add the data bundle")]),
    ("Revenues and Benefits system", "Access to a system",
     "Access to a line-of-business system.",
     "0.00", 1, ApprovalRule.LINE_MANAGER, False,
     [("access_level", "Access level", FieldKind.CHOICE, True, "Read only\nAssessor\nSupervisor"),
      ("same_as", "Same access as", FieldKind.USER, False, "")],
     [(1, "Applications", "Grant the access")]),
    ("Laptops and desktops", "Leaver",
     "Close the accounts and collect the equipment of someone leaving.",
     "0.00", 1, ApprovalRule.NONE, False,
     [("leaver_name", "Leaver's name", FieldKind.TEXT, True, ""),
      ("last_day", "Last working day", FieldKind.DATE, True, "")],
     [(1, "Applications", "Disable accounts at close of the last day"),
      (1, "Service Desk", "Collect the equipment"),
      (2, "Infrastructure", "Archive the mailbox and files")]),
    ("Network and Wi-Fi", "Office move",
     "Move people, phones and computers to new desks.",
     "0.00", 1, ApprovalRule.LINE_MANAGER, False,
     [("from_room", "From", FieldKind.TEXT, True, ""),
      ("to_room", "To", FieldKind.TEXT, True, ""),
      ("move_date", "Move date", FieldKind.DATE, True, ""),
      ("desks", "Number of desks", FieldKind.NUMBER, True, "")],
     [(1, "Networks", "Patch the network points"),
      (2, "Service Desk", "Move and reconnect the equipment")]),
    ("Printing", "Printer",
     "A new multifunction printer for a team.",
     "2400.00", 5, ApprovalRule.LINE_MANAGER, True,
     [("location", "Where it goes", FieldKind.TEXT, True, ""),
      ("maintenance", "Maintenance contract (£)", FieldKind.COST, False, "")],
     [(1, "Service Desk", "Order and install the printer")]),
]
# fmt: on

BOARD = ("manager", "approver", "changemanager")
LINE_MANAGERS = {"requester": "approver", "requester2": "manager"}


def add_arguments(parser) -> None:
    """--requests N bulk-creates N realistic service requests for benchmarks."""
    parser.add_argument(
        "--requests", type=int, default=0, help="Bulk-create N service requests (benchmarks)."
    )


def seed(command, admin, organisations, options) -> None:
    """Seed the request catalogue, approval policies and a few requests (idempotent) and, if
    asked, N requests in bulk."""
    seed_catalogue(admin)
    seed_approvals(admin, list(organisations.values()))
    seed_sample_requests()
    if options.get("requests"):
        from servicerequests.seeding import bulk_seed_requests

        bulk_seed_requests(command, options["requests"])


def seed_catalogue(admin) -> None:
    """The request items under the demo services, with their forms and plans (when missing)."""
    from servicerequests import actions
    from servicerequests.models import RequestItem

    for service_name, name, description, cost, most, rule, ict, fields, plan in CATALOGUE:
        service = Service.objects.filter(name=service_name).first()
        if service is None:
            continue
        item = RequestItem.objects.filter(service=service, name=name).first()
        if item is None:
            item = actions.do_save_request_item(
                None,
                actor=admin,
                service=service,
                name=name,
                description=description,
                cost=Decimal(cost),
                max_quantity=most,
                approval_rule=rule,
                is_ict_purchase=ict,
                standard=ServiceStandard.objects.filter(
                    service=service, priority=4, audience=""
                ).first(),
                is_published=True,
            )
        for order, (key, label, kind, required, choices) in enumerate(fields, start=1):
            if not item.fields.filter(key=key).exists():
                actions.do_save_request_field(
                    None,
                    actor=admin,
                    item=item,
                    key=key,
                    label=label,
                    kind=kind,
                    required=required,
                    choices=choices,
                    order=order,
                )
        if not item.steps.exists():
            for stage, team_name, title in plan:
                team = Team.objects.filter(name=team_name).first()
                if team is not None:
                    actions.do_save_fulfilment_step(
                        None, actor=admin, item=item, team=team, title=title, stage=stage
                    )


def seed_approvals(admin, organisations: list[Organisation]) -> None:
    """Both councils' approval policies (£25,000 board, majority) and line managers."""
    from servicerequests import actions
    from servicerequests.models import ApprovalPolicy, LineManager

    people = {
        user.username: user for user in User.objects.filter(username__in=[*BOARD, *LINE_MANAGERS])
    }
    if len(people) < len({*BOARD, *LINE_MANAGERS}):
        return
    # The councils seed_demo made or reused (matched by slug or name, so not always ours).
    for organisation in organisations:
        if not ApprovalPolicy.objects.filter(organisation=organisation).exists():
            actions.do_set_approval_policy(
                organisation,
                actor=admin,
                ict_managers=[people["manager"]],
                board_members=[people[name] for name in BOARD],
                board_threshold=Decimal("25000"),
                board_decision=DecisionRule.MAJORITY,
            )
    for person_name, manager_name in LINE_MANAGERS.items():
        if not LineManager.objects.filter(person=people[person_name]).exists():
            actions.do_set_line_manager(
                people[person_name], actor=admin, manager=people[manager_name]
            )


def seed_sample_requests() -> None:
    """A handful of requests in various states, made through the actions (once)."""
    from servicerequests import actions
    from servicerequests.models import RequestItem, ServiceRequest

    if ServiceRequest.objects.exists():
        return
    names = ("requester", "requester2", "approver", "manager", "changemanager", "agent", "admin")
    people = {user.username: user for user in User.objects.filter(username__in=names)}
    items = {item.name: item for item in RequestItem.objects.all()}
    if len(people) < len(names) or len(items) < len(CATALOGUE):
        return
    rachel, rhys = people["requester"], people["requester2"]

    def submit(requester, item, answers, quantity=1, actor=None, channel="portal"):
        return actions.do_submit_request(
            actor=actor or requester,
            requester=requester,
            item=items[item],
            answers=answers,
            quantity=quantity,
            channel=channel,
        )

    def approve(request, person):
        actions.do_approve(request.current_approval().pk, actor=person)

    laptop = {"model": "Standard laptop", "reason": "The old one no longer holds a charge."}
    # Awaiting the line manager.
    submit(rachel, "Laptop or desktop", laptop)
    # A team refresh above £25,000: line manager and ICT manager approved, the board deciding.
    refresh = submit(rachel, "Laptop or desktop", {**laptop, "reason": "Team refresh"}, 25)
    for person in ("approver", "manager", "changemanager"):
        approve(refresh, people[person])
    # Approved by her line manager and the ICT manager: in fulfilment.
    phone = submit(
        rachel, "Mobile phone", {"handset": "Rugged smartphone", "reason": "Site visits"}
    )
    for person in ("approver", "manager"):
        approve(phone, people[person])
    # In fulfilment, phoned in to the desk (when the demo register has a computer of hers).
    computer = _first_asset_of(rachel)
    if computer is not None:
        submit(
            rachel,
            "Software install",
            {"software": "Adobe Acrobat Pro", "computer": computer},
            actor=people["agent"],
            channel="phone",
        )
    # Rejected with a reason.
    access = submit(rachel, "Access to a system", {"access_level": "Supervisor"})
    actions.do_reject(
        access.current_approval().pk,
        actor=people["approver"],
        reason="Supervisor access needs the Revenues manager's sign-off: ask for Assessor.",
    )
    # Awaiting line manager at Eastvale, and one cancelled.
    submit(rhys, "Mobile phone", {"handset": "Standard smartphone", "reason": "Home visits"})
    cancelled = submit(rhys, "Mobile data bundle", {"number": "07700 900123"})
    actions.do_cancel_request(cancelled.pk, actor=rhys, reason="Found a spare SIM")
    # Fulfilled: a leaver whose tasks are all done.
    leaver = submit(
        people["approver"], "Leaver", {"leaver_name": "Jo Bloggs", "last_day": "2026-12-18"}
    )
    for task in leaver.tasks.filter(status="open"):
        actions.do_complete_task(task.pk, actor=people["admin"], notes="Done")
    for task in leaver.tasks.filter(status="open"):
        actions.do_complete_task(task.pk, actor=people["admin"], notes="Done")


def _first_asset_of(person) -> int | None:
    """A demo asset the person may pick (their own, else none)."""
    from assets.models import Asset

    asset = Asset.objects.visible_to(person).order_by("pk").first()
    return asset.pk if asset else None
