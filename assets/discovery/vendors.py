"""Vendor from sysObjectID: the IANA enterprise number of common vendors, and OS support ends."""

from __future__ import annotations

import datetime as dt
import re

ENTERPRISE_PREFIX = "1.3.6.1.4.1."

# IANA Private Enterprise Numbers of vendors found in council networks.
ENTERPRISES: dict[int, str] = {
    2: "IBM",
    9: "Cisco",
    11: "HP",
    42: "Sun",
    43: "3Com",
    161: "Motorola",
    171: "D-Link",
    232: "HPE (Compaq)",
    311: "Microsoft",
    318: "APC",
    367: "Ricoh",
    534: "Eaton",
    674: "Dell",
    705: "MGE UPS (Eaton)",
    1248: "Epson",
    1347: "Kyocera",
    1602: "Canon",
    1916: "Extreme Networks",
    1991: "Brocade",
    2011: "Huawei",
    2021: "net-snmp (UCD)",
    2435: "Brother",
    2636: "Juniper",
    3224: "Juniper (NetScreen)",
    3375: "F5",
    3955: "Linksys",
    4526: "Netgear",
    5951: "Citrix",
    6027: "Dell (Force10)",
    6876: "VMware",
    6889: "Avaya",
    8072: "net-snmp",
    9303: "Nortel",
    10002: "Ubiquiti",
    11863: "TP-Link",
    12356: "Fortinet",
    14179: "Cisco (Airespace)",
    14823: "Aruba (HPE)",
    14988: "MikroTik",
    25461: "Palo Alto Networks",
    25506: "HPE (H3C)",
    30065: "Arista",
    41112: "Ubiquiti",
    253: "Xerox",
    641: "Lexmark",
    1129: "Toshiba TEC",
    2385: "Sharp",
    18334: "Konica Minolta",
    11129: "Google",
    47196: "Sophos",
}

# Model hints: longer sysObjectID prefixes win over the enterprise number.
MODELS: dict[str, tuple[str, str]] = {
    "1.3.6.1.4.1.8072.3.2.10": ("net-snmp", "Linux host"),
    "1.3.6.1.4.1.311.1.1.3.1.1": ("Microsoft", "Windows workstation"),
    "1.3.6.1.4.1.311.1.1.3.1.2": ("Microsoft", "Windows server"),
    "1.3.6.1.4.1.311.1.1.3.1.3": ("Microsoft", "Windows domain controller"),
}


def enterprise_number(sys_object_id: str) -> int | None:
    """The enterprise number of a sysObjectID, or None when it is not under 1.3.6.1.4.1."""
    if not sys_object_id or not sys_object_id.startswith(ENTERPRISE_PREFIX):
        return None
    head = sys_object_id[len(ENTERPRISE_PREFIX) :].split(".", 1)[0]
    return int(head) if head.isdigit() else None


def identify_vendor(sys_object_id: str, sys_descr: str = "") -> tuple[str, str]:
    """(vendor, model hint) from the longest known prefix, then the enterprise number,
    then words in sysDescr; ("", "") when unknown."""
    parts = sys_object_id.split(".") if sys_object_id else []
    for end in range(len(parts), 6, -1):
        hit = MODELS.get(".".join(parts[:end]))
        if hit:
            return hit
    number = enterprise_number(sys_object_id)
    if number is not None and number in ENTERPRISES:
        return ENTERPRISES[number], ""
    lowered = sys_descr.lower()
    for name in ("Cisco", "Juniper", "HP", "Ricoh", "Xerox", "Canon", "Kyocera", "Brother"):
        if re.search(rf"\b{name.lower()}\b", lowered):
            return name, ""
    return "", ""


_WINDOWS = {
    "5.0": "Windows 2000",
    "5.1": "Windows XP",
    "5.2": "Windows Server 2003",
    "6.0": "Windows Vista",
    "6.1": "Windows 7",
    "6.2": "Windows 8",
    "6.3": "Windows 8.1",
    "10.0": "Windows 10",
}

# When vendor support ended (Microsoft lifecycle dates, extended support).
OS_END_OF_SUPPORT: dict[str, dt.date] = {
    "Windows 2000": dt.date(2010, 7, 13),
    "Windows XP": dt.date(2014, 4, 8),
    "Windows Server 2003": dt.date(2015, 7, 14),
    "Windows Vista": dt.date(2017, 4, 11),
    "Windows 7": dt.date(2020, 1, 14),
    "Windows 8": dt.date(2016, 1, 12),
    "Windows 8.1": dt.date(2023, 1, 10),
    "Windows 10": dt.date(2025, 10, 14),
    "SunOS": dt.date(2014, 1, 1),
}


def operating_system(sys_descr: str) -> tuple[str, str]:
    """(OS name, version) read from sysDescr, as well as sysDescr allows."""
    text = sys_descr or ""
    match = re.search(r"Windows.*?Version\s+(\d+\.\d+)(?:\s*\(Build\s*(\d+))?", text)
    if match:
        name = _WINDOWS.get(match.group(1), f"Windows {match.group(1)}")
        build = f" build {match.group(2)}" if match.group(2) else ""
        return name, f"{match.group(1)}{build}"
    match = re.match(r"Linux\s+\S+\s+(\S+)", text)
    if match:
        return "Linux", match.group(1)
    match = re.match(r"SunOS\s+\S+\s+(\S+)", text)
    if match:
        return "SunOS", match.group(1)
    match = re.search(r"Cisco IOS Software.*?Version\s+([\w.()]+)", text)
    if match:
        return "Cisco IOS", match.group(1)
    return "", ""
