"""Pure parts of discovery: value coercion, vendor table, OS parsing, staging identity."""

from __future__ import annotations

import datetime as dt

import pytest

from assets.actions.discovery import discovered_values, identity_of
from assets.discovery.collectors import integer, mac_address, system_group, text
from assets.discovery.runner import addresses, count_addresses
from assets.discovery.vendors import OS_END_OF_SUPPORT, identify_vendor, operating_system


@pytest.mark.parametrize(
    ("oid", "vendor"),
    [
        ("1.3.6.1.4.1.9.1.1208", "Cisco"),
        ("1.3.6.1.4.1.11.2.3.7.11.160", "HP"),
        ("1.3.6.1.4.1.2636.1.1.1.2.21", "Juniper"),
        ("1.3.6.1.4.1.367.1.1", "Ricoh"),
        ("1.3.6.1.4.1.253.8.62.1", "Xerox"),
        ("1.3.6.1.4.1.12356.101.1.1", "Fortinet"),
        ("1.3.6.1.4.1.25461.2.3.18", "Palo Alto Networks"),
        ("1.3.6.1.4.1.311.1.1.3.1.1", "Microsoft"),
        ("1.3.6.1.4.1.99999.1", ""),
        ("not-an-oid", ""),
    ],
)
def test_should_name_the_vendor_from_the_enterprise_number(oid, vendor):
    assert identify_vendor(oid)[0] == vendor


def test_should_read_operating_systems_from_sysdescr():
    xp = "Hardware: x86 - Software: Windows 2000 Version 5.1 (Build 2600 Uniprocessor Free)"
    assert operating_system(xp) == ("Windows XP", "5.1 build 2600")
    assert operating_system("Linux cray 2.6.21.5-smp #2 SMP")[0] == "Linux"
    assert OS_END_OF_SUPPORT["Windows XP"] == dt.date(2014, 4, 8)
    assert operating_system("BEFSX41") == ("", "")


def test_should_coerce_odd_values_without_raising():
    assert text(b"abc\x00 ") == "abc" and text(b"\xff\xfe") and text(None) == ""
    assert integer(b"42") == 42 and integer(b"lots") is None and integer(True) is None
    assert mac_address(b"\x00\x26\x73\xa1\xb2\xc3") == "00:26:73:a1:b2:c3"
    assert mac_address(b"\x00\xaa\xbb") == "" and mac_address(b"\x00" * 6) == ""
    assert mac_address(42) == ""
    device = system_group({"1.3.6.1.2.1.1.2.0": b"not an oid", "1.3.6.1.2.1.1.3.0": b"x"})
    assert device["sys_object_id"] == "" and device["sys_uptime"] is None


def test_should_identify_staged_devices_by_serial_then_mac_then_name_and_address():
    base = {"address": "10.0.0.1", "sys_name": "sw1"}
    assert identity_of({**base, "serial": "S1", "vendor": "Cisco"}) == "serial:Cisco:S1"
    nics = [{"mac": "00:00:00:00:00:02"}, {"mac": "00:00:00:00:00:01"}]
    assert identity_of({**base, "interfaces": nics}) == "mac:00:00:00:00:00:01"
    assert identity_of(base) == "name:sw1@10.0.0.1"


def test_should_never_blank_fields_from_a_partial_reply():
    assert discovered_values({"address": "10.0.0.1", "sys_name": "", "vendor": "HP"}) == {
        "manufacturer": "HP"
    }


def test_should_enumerate_hosts_lazily_with_exclusions():
    assert count_addresses("10.0.0.0/16") == 65534
    assert list(addresses("10.0.0.0/30")) == ["10.0.0.1", "10.0.0.2"]
    assert list(addresses("10.0.0.0/29", ["10.0.0.0/30"])) == [
        "10.0.0.4",
        "10.0.0.5",
        "10.0.0.6",
    ]
