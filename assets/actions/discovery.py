"""Actions of discovery: credentials, ranges, runs, reconcile and the staging decisions.

`do_reconcile_discovered_device` is the one writer of what discovery finds. It matches an
existing asset by serial, then MAC, then name and address; updates only the fields
discovery owns, recording each change in the asset's history; and stages unknown devices.
Identity is protected by unique constraints (serial per manufacturer, MAC, address per
organisation, staged identity), so when two runs race the loser's transaction fails with
IntegrityError and is retried once the winner's row is visible: it then matches.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assets.actions.register import product_for
from assets.discovery.vendors import OS_END_OF_SUPPORT
from assets.models import (
    Asset,
    AssetCategory,
    AssetStatus,
    DiscoveredDevice,
    DiscoveryRange,
    DiscoveryRun,
    InstallationSource,
    IPAddress,
    NetworkInterface,
    RunStatus,
    SnmpCredential,
    SoftwareInstallation,
    StagingStatus,
)
from assets.workflows import FSM_FIELDS
from core.actions.base import lock_visible, require_permission, save_audited
from core.audit import record_audit
from core.exceptions import ActionError
from core.models import Organisation
from core.realtime import broadcast_on_commit

NEW, CHANGED, UNCHANGED, FAILED = "new", "changed", "unchanged", "failed"
RECONCILE_ATTEMPTS = 4
DISCOVERY_VERB = "asset.discovered"


def run_group(run_id: int) -> str:
    """The channel-layer group of one discovery run's progress."""
    return f"assets.run.{run_id}"


# ---------------------------------------------------------------- configuration


@transaction.atomic
def do_create_snmp_credential(
    *,
    actor,
    organisation,
    name: str,
    version: str,
    community="",
    v3_user="",
    auth_protocol="SHA256",
    auth_key="",
    priv_protocol="AES",
    priv_key="",
) -> SnmpCredential:
    """Store an SNMP credential; its secrets are encrypted and never logged."""
    require_permission(actor, "assets.add_snmpcredential", "You may not add SNMP credentials.")
    if version == "v2c" and not community:
        raise ActionError("A v2c credential needs a community.", field="community")
    if version == "v3" and not (v3_user and auth_key):
        raise ActionError("A v3 credential needs a user and an authentication key.")
    if auth_key and len(auth_key) < 8 or priv_key and len(priv_key) < 8:
        raise ActionError("SNMPv3 keys must be at least 8 characters.")
    credential = SnmpCredential(organisation=organisation)
    credential.set_secrets(community, auth_key, priv_key)
    save_audited(
        credential,
        actor=actor,
        verb="snmp_credential.created",
        creating=True,
        changes={
            "name": name,
            "snmp_version": version,
            "v3_user": v3_user,
            "auth_protocol": auth_protocol,
            "priv_protocol": priv_protocol,
        },
    )
    return credential


@transaction.atomic
def do_update_snmp_credential(
    *,
    actor,
    credential_id: int,
    values: dict,
    community: str = "",
    auth_key: str = "",
    priv_key: str = "",
    expected_version=None,
) -> SnmpCredential:
    """Change a credential; a blank secret keeps the stored one, a new one is re-encrypted.

    The audit records which secrets were replaced, never their values.
    """
    require_permission(actor, "assets.change_snmpcredential", "You may not change credentials.")
    credential = lock_visible(SnmpCredential, credential_id, actor, expected_version)
    version = values.get("snmp_version", credential.snmp_version)
    if auth_key and len(auth_key) < 8 or priv_key and len(priv_key) < 8:
        raise ActionError("SNMPv3 keys must be at least 8 characters.")
    if version == "v2c" and not (community or credential.community_encrypted):
        raise ActionError("A v2c credential needs a community.", field="community")
    user = values.get("v3_user", credential.v3_user)
    if version == "v3" and not (user and (auth_key or credential.auth_key_encrypted)):
        raise ActionError("A v3 credential needs a user and an authentication key.")
    replaced = [
        name
        for name, secret in (
            ("community", community),
            ("auth_key", auth_key),
            ("priv_key", priv_key),
        )
        if secret
    ]
    allowed = {"name", "snmp_version", "v3_user", "auth_protocol", "priv_protocol"}
    changes = {key: value for key, value in values.items() if key in allowed}
    credential.set_secrets(community, auth_key, priv_key)
    old, new = save_audited(
        credential, actor=actor, verb="snmp_credential.updated", changes=changes
    )
    if replaced:
        # Secrets are not model fields save_audited sees: save them and bump the version
        # here, so a stale page is refused and the history says a secret changed.
        if not new:  # save_audited bumped the version only if a plain field changed
            credential.version += 1
        credential.save(
            update_fields=[f"{name}_encrypted" for name in replaced] + ["version", "updated_at"]
        )
        record_audit(
            actor=actor,
            verb="snmp_credential.secret_replaced",
            obj=credential,
            after={"replaced": replaced},
        )
    return credential


def _range_schedule_changes(values: dict, current: DiscoveryRange, now) -> dict:
    """`values` plus the next_run_at the schedule in them implies."""
    from assets.schedule import next_run_after

    frequency = values.get("frequency", current.frequency)
    run_at = values.get("run_at", current.run_at)
    weekday = values.get("weekday", current.weekday)
    return values | {"next_run_at": next_run_after(frequency, run_at, weekday, now)}


@transaction.atomic
def do_create_discovery_range(*, actor, organisation, values: dict, credentials=(), now=None):
    """Define a network to sweep (and when it is next due, if it has a schedule)."""
    require_permission(actor, "assets.add_discoveryrange", "You may not add discovery ranges.")
    discovery_range = DiscoveryRange(organisation=organisation)
    save_audited(
        discovery_range,
        actor=actor,
        verb="discovery_range.created",
        changes=_range_schedule_changes(values, discovery_range, now or timezone.now()),
        creating=True,
        many_to_many={"credentials": credentials},
    )
    return discovery_range


RANGE_FIELDS = (
    "site",
    "name",
    "cidr",
    "exclusions",
    "port",
    "timeout",
    "retries",
    "concurrency",
    "frequency",
    "run_at",
    "weekday",
    "auto_register",
    "missed_runs_threshold",
)


@transaction.atomic
def do_update_discovery_range(
    *, actor, range_id: int, values: dict, credentials=None, expected_version=None, now=None
) -> DiscoveryRange:
    """Change a range's network, settings, credentials or schedule (next run recomputed)."""
    require_permission(
        actor, "assets.change_discoveryrange", "You may not change discovery ranges."
    )
    discovery_range = lock_visible(DiscoveryRange, range_id, actor, expected_version)
    changes = {key: value for key, value in values.items() if key in RANGE_FIELDS}
    schedule = ("frequency", "run_at", "weekday")
    if any(
        changes.get(key, getattr(discovery_range, key)) != getattr(discovery_range, key)
        for key in schedule
    ) or (
        discovery_range.next_run_at is None
        and changes.get("frequency", discovery_range.frequency) != "manual"
    ):
        changes = _range_schedule_changes(changes, discovery_range, now or timezone.now())
    save_audited(
        discovery_range,
        actor=actor,
        verb="discovery_range.updated",
        changes=changes,
        many_to_many={"credentials": credentials} if credentials is not None else None,
    )
    return discovery_range


# ---------------------------------------------------------------- runs


@transaction.atomic
def do_queue_discovery_run(
    *, actor, range_id: int | None = None, organisation=None, cidr: str = ""
) -> DiscoveryRun:
    """Create a run for a range (or a bare CIDR from the command line), ready to start."""
    if actor is not None:
        require_permission(actor, "assets.add_discoveryrun", "You may not start discovery.")
    discovery_range = None
    if range_id is not None:
        discovery_range = (
            lock_visible(DiscoveryRange, range_id, actor)
            if actor is not None
            else DiscoveryRange.objects.get(pk=range_id)
        )
        organisation, cidr = discovery_range.organisation, discovery_range.cidr
        if active_run_of(discovery_range.pk) is not None:
            raise ActionError("This range is being swept now; wait for that run to finish.")
    run = DiscoveryRun.objects.create(
        organisation=organisation, range=discovery_range, cidr=cidr, started_by=actor
    )
    record_audit(actor=actor, verb="discovery_run.queued", obj=run, after={"cidr": cidr})
    return run


# A run still "queued" or "running" after this long lost its worker (a crash, a restart):
# it must not keep its range from ever running again.
STALE_RUN_AFTER = dt.timedelta(hours=12)


def active_run_of(range_id: int, now=None) -> DiscoveryRun | None:
    """The queued or running run of a range, if any (runs presumed dead don't count)."""
    now = now or timezone.now()
    return (
        DiscoveryRun.objects.filter(
            range_id=range_id,
            status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
            created_at__gt=now - STALE_RUN_AFTER,
        )
        .order_by("-pk")
        .first()
    )


def start_due_runs(now=None, enqueue=None) -> list[DiscoveryRun]:
    """Queue a run of every range whose scheduled time has come; advance each schedule.

    A range whose previous run is still going gets no second run: that slot is skipped
    (recorded in its history) and the next one scheduled. Each range is decided in its own
    transaction under a row lock, so two schedulers at once queue one run, not two.
    `enqueue(run_id)` hands a queued run to the workers, after commit.
    """
    from assets.schedule import next_run_of

    now = now or timezone.now()
    started = []
    due = DiscoveryRange.objects.filter(next_run_at__lte=now).exclude(frequency="manual")
    for range_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            discovery_range = (
                DiscoveryRange.objects.select_for_update()
                .filter(pk=range_id, next_run_at__lte=now)
                .first()
            )
            if discovery_range is None:
                continue  # another scheduler got here first
            slot = discovery_range.next_run_at
            discovery_range.next_run_at = next_run_of(discovery_range, now)
            discovery_range.save(update_fields=["next_run_at"])
            running = active_run_of(discovery_range.pk, now)
            if running is not None:
                record_audit(
                    actor=None,
                    verb="discovery_range.run_skipped",
                    obj=discovery_range,
                    after={"slot": slot.isoformat(), "still_running": running.pk},
                )
                continue
            run = DiscoveryRun.objects.create(
                organisation_id=discovery_range.organisation_id,
                range=discovery_range,
                cidr=discovery_range.cidr,
            )
            record_audit(
                actor=None,
                verb="discovery_run.scheduled",
                obj=run,
                after={"cidr": run.cidr, "slot": slot.isoformat()},
            )
            if enqueue is not None:
                transaction.on_commit(lambda run_id=run.pk: enqueue(run_id))
            started.append(run)
    return started


def do_mark_run_started(run: DiscoveryRun, total: int) -> None:
    """Record that the sweep has begun."""
    DiscoveryRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    run.status = RunStatus.RUNNING
    broadcast_on_commit(run_group(run.pk), {"type": "progress", "probed": 0, "total": total})


@transaction.atomic
def do_finish_discovery_run(
    run: DiscoveryRun,
    *,
    sweep,
    outcomes: dict,
    seen_asset_ids,
    error: str = "",
    mac_conflicts: list[tuple[str, str]] = (),
) -> DiscoveryRun:
    """Store a run's counts, stamp what was seen, count misses of what was not.

    Assets of the range's network that this run did not see get one more missed run; those
    reaching the range's `missed_runs_threshold` are flagged as not seen. `mac_conflicts`
    are (address, MAC) pairs whose MAC another asset holds: counted and listed as problems.
    """
    now = timezone.now()
    run.status = RunStatus.FAILED if error else RunStatus.FINISHED
    run.finished_at = now
    run.probed, run.answered = sweep.probed, sweep.answered
    run.failed = sweep.failed + outcomes.get(FAILED, 0)
    run.malformed = sweep.malformed
    run.new, run.changed = outcomes.get(NEW, 0), outcomes.get(CHANGED, 0)
    run.unchanged = outcomes.get(UNCHANGED, 0)
    run.duration = round(sweep.duration, 3)
    run.mac_conflicts = len(mac_conflicts)
    conflict_lines = [
        f"{address}: MAC {mac} already belongs to another asset; left there"
        for address, mac in mac_conflicts
    ]
    run.problems = ([error] if error else []) + (conflict_lines + sweep.problems)[:200]
    seen = list(seen_asset_ids)
    # Stamps, not changes: last_seen moves every run and is kept out of the history.
    Asset.objects.filter(pk__in=seen).update(last_seen=now, missed_runs=0, flagged_missing=False)
    if run.range_id and not error:
        import ipaddress

        covered = IPAddress.objects.filter(
            organisation=run.organisation_id, asset__status=AssetStatus.DEPLOYED
        ).values_list("asset_id", "address")
        network = ipaddress.ip_network(run.cidr, strict=False)
        missed = {a for a, address in covered if ipaddress.ip_address(address) in network}
        missed -= set(seen)
        Asset.objects.filter(pk__in=missed).update(missed_runs=F("missed_runs") + 1)
        threshold = max(1, run.range.missed_runs_threshold)
        run.flagged_missing = Asset.objects.filter(
            pk__in=missed, missed_runs__gte=threshold, flagged_missing=False
        ).update(flagged_missing=True)
    run.save()
    broadcast_on_commit(
        run_group(run.pk),
        {
            "type": "finished",
            "status": run.status,
            "probed": run.probed,
            "answered": run.answered,
            "new": run.new,
            "changed": run.changed,
            "unchanged": run.unchanged,
            "failed": run.failed,
            "malformed": run.malformed,
            "mac_conflicts": run.mac_conflicts,
            "flagged_missing": run.flagged_missing,
            "duration": run.duration,
        },
    )
    return run


# ---------------------------------------------------------------- reconcile


def identity_of(device: dict) -> str:
    """The staging identity: serial, else lowest MAC, else name@address."""
    if device.get("serial"):
        return f"serial:{device.get('vendor', '')}:{device['serial']}"[:255]
    macs = sorted(i["mac"] for i in device.get("interfaces", []))
    if macs:
        return f"mac:{macs[0]}"
    return f"name:{device.get('sys_name', '')}@{device['address']}"[:255]


def discovered_values(device: dict) -> dict:
    """The asset fields discovery owns, from a device's data (absent data leaves fields be)."""
    values = {
        "hostname": device.get("sys_name", "")[:150],
        "description": device.get("sys_descr", ""),
        "sys_object_id": device.get("sys_object_id", "")[:200],
        "manufacturer": device.get("vendor", "")[:100],
        "model_name": device.get("model", "")[:150],
        "serial": device.get("serial", "")[:100],
        "os_name": device.get("os_name", "")[:150],
        "os_version": device.get("os_version", "")[:100],
        "memory_kb": device.get("memory_kb"),
        "storage_kb": device.get("storage_kb"),
        "printer_counters": device.get("printer_counters"),
    }
    # A partial reply must not wipe what an earlier, complete one found.
    return {key: value for key, value in values.items() if value not in (None, "", {})}


def guess_category(device: dict) -> str:
    """A first guess at the category, for an asset manager to correct."""
    if device.get("category"):
        return device["category"]
    descr = (device.get("sys_descr", "") + " " + device.get("vendor", "")).lower()
    for words, category in (
        (("ups", "eaton", "mge", "apc"), AssetCategory.UPS),
        (("switch", "catalyst", "procurve"), AssetCategory.SWITCH),
        (("router", "linksys", "befsx"), AssetCategory.ROUTER),
        (("fortinet", "palo alto", "firewall"), AssetCategory.FIREWALL),
        (("windows", "sun", "linux"), AssetCategory.SERVER),
    ):
        if any(word in descr for word in words):
            return category
    return AssetCategory.OTHER


def _match_asset(organisation_id: int, device: dict) -> Asset | None:
    """The existing asset this device is: by serial, then MAC, then name and address."""
    assets = Asset.objects.filter(organisation_id=organisation_id)
    if device.get("serial"):
        found = assets.filter(serial=device["serial"])
        if device.get("vendor"):
            found = found.filter(manufacturer__in=[device["vendor"], ""])
        asset = found.order_by("pk").first()
        if asset is not None:
            return asset
    macs = [i["mac"] for i in device.get("interfaces", [])]
    if macs:
        interface = (
            NetworkInterface.objects.filter(mac__in=macs, asset__organisation_id=organisation_id)
            .order_by("pk")
            .first()
        )
        if interface is not None:
            return interface.asset
    by_address = assets.filter(addresses__address=device["address"])
    if device.get("sys_name"):
        by_address = by_address.filter(hostname__in=[device["sys_name"], ""])
    return by_address.order_by("pk").first()


class IdentityTaken(IntegrityError):
    """A new asset's MAC or polled address already belongs to another asset: another run
    registered the same device first, so reconcile must retry and match it."""


def _sync_related(
    asset: Asset,
    device: dict,
    changes: dict,
    creating: bool = False,
    conflicts: list[str] | None = None,
) -> None:
    """Add the device's MACs, addresses and installed software; note what changed.

    For an asset being created, a MAC or polled address already registered means another
    run won the race (its row became visible after our match): raise so the caller retries
    and matches, rather than skipping the identity and leaving a duplicate behind.
    """
    known_macs = set(asset.interfaces.values_list("mac", flat=True))
    added = []
    for interface in device.get("interfaces", []):
        if interface["mac"] in known_macs:
            continue
        if NetworkInterface.objects.filter(mac=interface["mac"]).exists():
            if creating:
                raise IdentityTaken(interface["mac"])
            # The MAC belongs to another asset: leave it for a person to sort out, but say so.
            if conflicts is not None:
                conflicts.append(interface["mac"])
            continue
        NetworkInterface.objects.create(asset=asset, name=interface["name"], mac=interface["mac"])
        added.append(interface["mac"])
    if added:
        changes.setdefault("before", {})["macs"] = sorted(known_macs)
        changes.setdefault("after", {})["macs"] = sorted(known_macs | set(added))

    wanted = {device["address"], *device.get("addresses", [])}
    current = set(asset.addresses.values_list("address", flat=True))
    new_addresses = sorted(wanted - current)
    if creating and new_addresses:
        taken = set(
            IPAddress.objects.filter(
                organisation_id=asset.organisation_id, address__in=new_addresses
            ).values_list("address", flat=True)
        )
        if device["address"] in taken:
            raise IdentityTaken(device["address"])
        # Secondary addresses another asset holds stay with it until a person decides.
        new_addresses = [address for address in new_addresses if address not in taken]
    if new_addresses:
        # An address moves to the asset that answers on it now.
        IPAddress.objects.filter(
            organisation_id=asset.organisation_id, address__in=new_addresses
        ).exclude(asset=asset).delete()
        for address in new_addresses:
            IPAddress.objects.create(
                asset=asset, organisation_id=asset.organisation_id, address=address
            )
        changes.setdefault("before", {})["addresses"] = sorted(current)
        changes.setdefault("after", {})["addresses"] = sorted(current | set(new_addresses))

    if "software" in device:
        existing = {
            inst.product.name: inst
            for inst in asset.software.filter(source=InstallationSource.DISCOVERY).select_related(
                "product"
            )
        }
        found = set(device["software"])
        to_add = sorted(found - existing.keys())
        to_remove = sorted(existing.keys() - found) if device.get("software_complete", True) else []
        for name in to_add:
            # hrSWInstalledName carries no vendor: discovered products have none.
            SoftwareInstallation.objects.get_or_create(
                asset=asset,
                product=product_for("", name),
                version="",
                defaults={"source": InstallationSource.DISCOVERY},
            )
        if to_remove:
            asset.software.filter(pk__in=[existing[name].pk for name in to_remove]).delete()
        if to_add or to_remove:
            changes.setdefault("before", {})["software"] = {"removed": to_remove}
            changes.setdefault("after", {})["software"] = {"added": to_add}


class Reconciled(NamedTuple):
    """What reconciling one device did: the outcome, the asset it is, MACs left alone."""

    outcome: str
    asset_id: int | None
    mac_conflicts: tuple[str, ...] = ()


def _reconcile_once(run: DiscoveryRun, device: dict, auto_register: bool) -> Reconciled:
    """One attempt, in one transaction."""
    organisation_id = run.organisation_id
    now = timezone.now()
    with transaction.atomic():
        # Match-then-create must not interleave with another run's for the same council:
        # two runs could both find no match and both insert a device that has no serial or
        # MAC to collide on. Locking the organisation row serialises this short write step
        # on PostgreSQL (SQLite's IMMEDIATE transactions already do); probing stays parallel.
        list(Organisation.objects.select_for_update().filter(pk=organisation_id).values_list("pk"))
        asset = _match_asset(organisation_id, device)
        if asset is None and not auto_register:
            return Reconciled(*_stage(run, device, now))
        values = discovered_values(device)
        if asset is None:
            asset = Asset(
                organisation_id=organisation_id,
                status=AssetStatus.DEPLOYED,
                category=guess_category(device),
                site_id=run.range.site_id if run.range_id else None,
                end_of_support=OS_END_OF_SUPPORT.get(values.get("os_name", "")),
            )
            save_audited(
                asset,
                actor=None,
                verb=DISCOVERY_VERB,
                changes=values,
                creating=True,
                exclude_from_validation=FSM_FIELDS,
            )
            _sync_related(asset, device, {}, creating=True)
            return Reconciled(NEW, asset.pk)
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
        if asset.serial and values.get("serial") and asset.serial != values["serial"]:
            values.pop("serial")  # matched by MAC or address: a serial is never overwritten
        old, new = save_audited(
            asset,
            actor=None,
            verb=DISCOVERY_VERB,
            changes=values,
            exclude_from_validation=FSM_FIELDS,
        )
        related: dict = {}
        conflicts: list[str] = []
        _sync_related(asset, device, related, conflicts=conflicts)
        if related:
            record_audit(
                actor=None,
                verb=DISCOVERY_VERB,
                obj=asset,
                before=related["before"],
                after=related["after"],
                note=f"Discovery run {run.pk}",
            )
        return Reconciled(CHANGED if new or related else UNCHANGED, asset.pk, tuple(conflicts))


def _stage(run: DiscoveryRun, device: dict, now) -> tuple[str, None]:
    """Put an unknown device in the staging area (or refresh it there)."""
    identity = identity_of(device)
    values = {
        "address": device["address"],
        "sys_name": device.get("sys_name", "")[:255],
        "sys_descr": device.get("sys_descr", ""),
        "vendor": device.get("vendor", "")[:100],
        "model_name": device.get("model", "")[:150],
        "serial": device.get("serial", "")[:100],
        "macs": sorted(i["mac"] for i in device.get("interfaces", [])),
        "data": {k: v for k, v in device.items() if k not in ("problems",)},
    }
    staged = (
        DiscoveredDevice.objects.select_for_update()
        .filter(organisation_id=run.organisation_id, identity=identity)
        .first()
    )
    if staged is None:
        DiscoveredDevice.objects.create(
            organisation_id=run.organisation_id,
            identity=identity,
            last_run=run,
            last_seen=now,
            **values,
        )
        return NEW, None
    changed = [key for key, value in values.items() if getattr(staged, key) != value]
    if not changed:
        return UNCHANGED, None
    for key in changed:
        setattr(staged, key, values[key])
    staged.last_run, staged.last_seen = run, now
    staged.save(update_fields=[*changed, "last_run", "last_seen", "updated_at"])
    return CHANGED, None


def do_reconcile_discovered_device(
    run: DiscoveryRun, device: dict, *, auto_register: bool = False
) -> Reconciled:
    """Write one discovered device into the register (or staging); safe under concurrency.

    Returns the outcome (new / changed / unchanged / failed), the matched asset's id and
    the device's MACs that another asset already holds (counted on the run, not moved).
    """
    for attempt in range(RECONCILE_ATTEMPTS):
        try:
            return _reconcile_once(run, device, auto_register)
        except IntegrityError:
            # Another run created the same identity between our match and our insert; its
            # row is committed now, so the next attempt matches it instead.
            if attempt == RECONCILE_ATTEMPTS - 1:
                return Reconciled(FAILED, None)
        except ActionError:
            return Reconciled(FAILED, None)
    return Reconciled(FAILED, None)


# ---------------------------------------------------------------- staging decisions


def _lock_pending(actor, device_id: int) -> DiscoveredDevice:
    staged = lock_visible(DiscoveredDevice, device_id, actor)
    if staged.status != StagingStatus.PENDING:
        raise ActionError("Someone has already decided about this device.")
    return staged


def _device_data(staged: DiscoveredDevice) -> dict:
    data = dict(staged.data or {})
    data.setdefault("address", staged.address)
    return data


@transaction.atomic
def do_confirm_discovered_device(*, actor, device_id: int, category: str = "") -> Asset:
    """Register a staged device as a new asset."""
    require_permission(actor, "assets.add_asset", "You may not add assets.")
    staged = _lock_pending(actor, device_id)
    device = _device_data(staged)
    if _match_asset(staged.organisation_id, device) is not None:
        raise ActionError("An asset with this serial, MAC or address exists: merge instead.")
    values = discovered_values(device)
    asset = Asset(
        organisation_id=staged.organisation_id,
        status=AssetStatus.DEPLOYED,
        category=category or guess_category(device),
        end_of_support=OS_END_OF_SUPPORT.get(values.get("os_name", "")),
        last_seen=staged.last_seen,
    )
    try:
        with transaction.atomic():
            save_audited(
                asset,
                actor=actor,
                verb="asset.confirmed_from_discovery",
                changes=values,
                creating=True,
                exclude_from_validation=FSM_FIELDS,
            )
            _sync_related(asset, device, {}, creating=True)
    except IntegrityError as exc:
        raise ActionError("An asset with this serial already exists: merge instead.") from exc
    staged.status, staged.asset = StagingStatus.CONFIRMED, asset
    staged.save(update_fields=["status", "asset", "updated_at"])
    record_audit(
        actor=actor, verb="discovered_device.confirmed", obj=staged, after={"asset": asset.pk}
    )
    return asset


@transaction.atomic
def do_merge_discovered_device(*, actor, device_id: int, asset_id: int) -> Asset:
    """Apply a staged device's data to an existing asset (the same device, seen anew)."""
    require_permission(actor, "assets.change_asset", "You may not change assets.")
    staged = _lock_pending(actor, device_id)
    asset = lock_visible(Asset, asset_id, actor)
    if asset.organisation_id != staged.organisation_id:
        raise ActionError("That asset belongs to another organisation.")
    device = _device_data(staged)
    values = discovered_values(device)
    if asset.serial:
        values.pop("serial", None)
    save_audited(
        asset,
        actor=actor,
        verb="asset.merged_from_discovery",
        changes=values,
        exclude_from_validation=FSM_FIELDS,
    )
    related: dict = {}
    _sync_related(asset, device, related)
    if related:
        record_audit(
            actor=actor,
            verb="asset.merged_from_discovery",
            obj=asset,
            before=related["before"],
            after=related["after"],
        )
    staged.status, staged.asset = StagingStatus.MERGED, asset
    staged.save(update_fields=["status", "asset", "updated_at"])
    record_audit(
        actor=actor, verb="discovered_device.merged", obj=staged, after={"asset": asset.pk}
    )
    return asset


@transaction.atomic
def do_ignore_discovered_device(*, actor, device_id: int) -> DiscoveredDevice:
    """Ignore a staged device; later runs leave it ignored."""
    require_permission(actor, "assets.change_discovereddevice", "You may not decide this.")
    staged = _lock_pending(actor, device_id)
    staged.status = StagingStatus.IGNORED
    staged.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=actor, verb="discovered_device.ignored", obj=staged, after={"status": "ignored"}
    )
    return staged


def default_end_of_support(os_name: str) -> dt.date | None:
    """When the vendor stopped supporting an operating system, if known."""
    return OS_END_OF_SUPPORT.get(os_name)
