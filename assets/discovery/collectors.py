"""Collectors, one per MIB area (NAV style): each reads from a host and returns plain data.

A collector never touches the ORM. It receives a `HostClient` and the device record built
so far (a dict), and returns a dict of what it found. It raises nothing on odd replies:
wrong types, missing objects and truncated tables become `problems` entries instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from assets.discovery.snmp import HostClient, SnmpError, SnmpTimeout
from assets.discovery.vendors import identify_vendor, operating_system

SYSTEM = {
    "sys_descr": "1.3.6.1.2.1.1.1.0",
    "sys_object_id": "1.3.6.1.2.1.1.2.0",
    "sys_uptime": "1.3.6.1.2.1.1.3.0",
    "sys_contact": "1.3.6.1.2.1.1.4.0",
    "sys_name": "1.3.6.1.2.1.1.5.0",
    "sys_location": "1.3.6.1.2.1.1.6.0",
}
PROBE_OIDS = list(SYSTEM.values())

ENT_CLASS = "1.3.6.1.2.1.47.1.1.1.1.5"
ENT_SERIAL = "1.3.6.1.2.1.47.1.1.1.1.11"
ENT_MODEL = "1.3.6.1.2.1.47.1.1.1.1.13"
ENT_MFG = "1.3.6.1.2.1.47.1.1.1.1.12"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_PHYS = "1.3.6.1.2.1.2.2.1.6"
IP_AD_IFINDEX = "1.3.6.1.2.1.4.20.1.2"
HR_MEMORY = "1.3.6.1.2.1.25.2.2.0"
HR_STORAGE_TYPE = "1.3.6.1.2.1.25.2.3.1.2"
HR_STORAGE_UNITS = "1.3.6.1.2.1.25.2.3.1.4"
HR_STORAGE_SIZE = "1.3.6.1.2.1.25.2.3.1.5"
HR_FIXED_DISK = "1.3.6.1.2.1.25.2.1.4"
HR_SW_NAME = "1.3.6.1.2.1.25.6.3.1.2"
PRT_SERIAL = "1.3.6.1.2.1.43.5.1.1.17.1"
PRT_LIFE_COUNT = "1.3.6.1.2.1.43.10.2.1.4"
PRT_SUPPLY_DESCR = "1.3.6.1.2.1.43.11.1.1.6"
PRT_SUPPLY_MAX = "1.3.6.1.2.1.43.11.1.1.8"
PRT_SUPPLY_LEVEL = "1.3.6.1.2.1.43.11.1.1.9"
ENTITY_CHASSIS = 3


def text(value) -> str:
    """An SNMP value as display text: bytes decoded leniently, NULs and padding stripped."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return str(value).replace("\x00", "").strip()


def integer(value) -> int | None:
    """An SNMP value as an int, or None when the agent sent another type."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, bytes | str):
        stripped = text(value)
        return int(stripped) if stripped.lstrip("-").isdigit() else None
    return None


def mac_address(value) -> str:
    """ifPhysAddress as aa:bb:cc:dd:ee:ff; "" for empty, all-zero or not-6-byte values."""
    if isinstance(value, str):
        value = value.encode("latin-1", errors="ignore")
    if not isinstance(value, bytes) or len(value) != 6 or value in (b"\x00" * 6, b"\xff" * 6):
        return ""
    return ":".join(f"{byte:02x}" for byte in value)


class Problems:
    """Odd replies seen while collecting one host, counted rather than raised."""

    def __init__(self):
        self.items: list[str] = []

    def add(self, message: str) -> None:
        """Record one problem."""
        self.items.append(message)


async def walk_table(client: HostClient, base: str, problems: Problems, max_rows: int = 5000):
    """Walk one column; a timeout part-way keeps the rows read and is reported as truncated."""
    try:
        return await client.walk(base, max_rows=max_rows)
    except SnmpTimeout as exc:
        problems.add(f"table {base} truncated: agent stopped answering")
        return getattr(exc, "rows", [])
    except SnmpError as exc:
        problems.add(f"table {base}: {exc}")
        return getattr(exc, "rows", [])


def system_group(values: dict) -> dict:
    """SNMPv2-MIB system group from the probe's GET, plus vendor and OS derived from it."""
    found = {key: values.get(oid) for key, oid in SYSTEM.items()}
    device = {
        "sys_descr": text(found["sys_descr"]),
        "sys_object_id": found["sys_object_id"] if isinstance(found["sys_object_id"], str) else "",
        "sys_name": text(found["sys_name"]),
        "sys_contact": text(found["sys_contact"]),
        "sys_location": text(found["sys_location"]),
        "sys_uptime": integer(found["sys_uptime"]),
    }
    vendor, model = identify_vendor(device["sys_object_id"], device["sys_descr"])
    os_name, os_version = operating_system(device["sys_descr"])
    device.update(vendor=vendor, model=model, os_name=os_name, os_version=os_version)
    return device


async def entity(client: HostClient, device: dict, problems: Problems) -> dict:
    """ENTITY-MIB: serial, model and manufacturer of the chassis (or first part with a serial)."""
    serials = dict(await walk_table(client, ENT_SERIAL, problems, 2000))
    if not serials:
        return {}
    classes = dict(await walk_table(client, ENT_CLASS, problems, 2000))
    models = dict(await walk_table(client, ENT_MODEL, problems, 2000))
    chassis = [i for i, kind in classes.items() if integer(kind) == ENTITY_CHASSIS]
    candidates = chassis + sorted(serials, key=lambda i: integer(i) or 0)
    for index in candidates:
        serial = text(serials.get(index))
        if serial:
            found = {"serial": serial}
            model = text(models.get(index))
            if model:
                found["model"] = model
            return found
    return {}


async def interfaces(client: HostClient, device: dict, problems: Problems) -> dict:
    """IF-MIB MACs and IP-MIB addresses: distinct usable MACs, addresses per interface."""
    macs_by_index = dict(await walk_table(client, IF_PHYS, problems))
    names = dict(await walk_table(client, IF_DESCR, problems))
    found = []
    seen = set()
    for index, raw in macs_by_index.items():
        mac = mac_address(raw)
        if not mac:
            continue
        if mac in seen:
            continue  # VLAN and sub-interfaces repeat the physical MAC
        seen.add(mac)
        found.append({"index": index, "name": text(names.get(index))[:100], "mac": mac})
    addresses = []
    for address, _ in await walk_table(client, IP_AD_IFINDEX, problems, 500):
        if address.count(".") == 3 and not address.startswith(("127.", "0.")):
            addresses.append(address)
    return {"interfaces": found, "addresses": addresses}


async def host_resources(client: HostClient, device: dict, problems: Problems) -> dict:
    """HOST-RESOURCES-MIB: memory, fixed-disk storage and installed software."""
    found: dict = {}
    try:
        memory = await client.get([HR_MEMORY])
    except SnmpError as exc:
        problems.add(f"hrMemorySize: {exc}")
        memory = {}
    kilobytes = integer(memory.get(HR_MEMORY))
    if kilobytes is None and memory.get(HR_MEMORY) is not None:
        problems.add("hrMemorySize: wrong type")
    if kilobytes is None:
        # No HOST-RESOURCES-MIB here (switches, printers): nothing more to read.
        return found
    found["memory_kb"] = kilobytes
    types = dict(await walk_table(client, HR_STORAGE_TYPE, problems, 500))
    disks = [index for index, kind in types.items() if kind == HR_FIXED_DISK]
    if disks:
        units = dict(await walk_table(client, HR_STORAGE_UNITS, problems, 500))
        sizes = dict(await walk_table(client, HR_STORAGE_SIZE, problems, 500))
        total = 0
        for index in disks:
            unit, size = integer(units.get(index)), integer(sizes.get(index))
            if unit and size:
                total += unit * size
        found["storage_kb"] = total // 1024
    software = await walk_table(client, HR_SW_NAME, problems, 5000)
    names = sorted({text(name)[:255] for _, name in software if text(name)})
    found["software"] = names
    found["software_complete"] = not any("25.6.3.1.2" in item for item in problems.items)
    return found


async def printer(client: HostClient, device: dict, problems: Problems) -> dict:
    """Printer-MIB: serial, lifetime page count and supply levels, where present."""
    counts = await walk_table(client, PRT_LIFE_COUNT, problems, 50)
    if not counts:
        return {}
    found: dict = {"category": "printer"}
    try:
        serial = (await client.get([PRT_SERIAL])).get(PRT_SERIAL)
    except SnmpError as exc:
        problems.add(f"prtGeneralSerialNumber: {exc}")
        serial = None
    if text(serial) and not device.get("serial"):
        found["serial"] = text(serial)
    pages = [integer(value) for _, value in counts]
    supplies = {}
    descriptions = dict(await walk_table(client, PRT_SUPPLY_DESCR, problems, 100))
    maxima = dict(await walk_table(client, PRT_SUPPLY_MAX, problems, 100))
    levels = dict(await walk_table(client, PRT_SUPPLY_LEVEL, problems, 100))
    for index, description in descriptions.items():
        level, maximum = integer(levels.get(index)), integer(maxima.get(index))
        # Negative values are "unknown"/"some remaining" by RFC 3805; keep them as they are.
        percent = round(100 * level / maximum) if level is not None and maximum else None
        supplies[text(description)] = percent if percent is not None and percent >= 0 else level
    found["printer_counters"] = {
        "pages": sum(p for p in pages if p is not None and p >= 0),
        "supplies": supplies,
    }
    return found


Collector = Callable[[HostClient, dict, Problems], Awaitable[dict]]

# Order matters: ENTITY-MIB's serial wins over the Printer-MIB's.
COLLECTORS: list[tuple[str, Collector]] = [
    ("entity", entity),
    ("interfaces", interfaces),
    ("host_resources", host_resources),
    ("printer", printer),
]
