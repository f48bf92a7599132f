"""Fixtures of the asset tests: real SNMP agents on loopback, started once and stopped."""

from __future__ import annotations

import pytest

from tests.assets.agents import (
    HERE,
    RECORDED,
    V3_AUTH,
    V3_PRIV,
    V3_USER,
    free_port,
    start_snmpd,
    start_snmpsim,
)

# One loopback address per recorded device; snmpsim answers on all of them at once.
SIM_DEVICES = {
    "127.0.1.1": RECORDED / "winxp-full-walk.snmprec",
    "127.0.1.2": RECORDED / "linux-full-walk.snmprec",
    "127.0.1.3": RECORDED / "eaton-9PX-partial-walk.snmprec",
    "127.0.1.4": RECORDED / "linksys-system.snmprec",
    "127.0.1.5": HERE / "data" / "office-printer.snmprec",
    "127.0.1.6": HERE / "data" / "access-switch.snmprec",
    "127.0.1.9": HERE / "data" / "odd-agent.snmprec",
    "127.0.1.20": HERE / "data" / "late-agent.snmprec",
}


class Agents:
    """Where the test agents listen."""

    snmpd_port: int
    sim_port: int
    v3 = {"user": V3_USER, "auth_key": V3_AUTH, "priv_key": V3_PRIV}


@pytest.fixture(scope="session")
def snmp_agents():
    """A net-snmp snmpd (v2c + v3) on 127.0.0.1 and snmpsim devices on 127.0.1.x."""
    agents = Agents()
    agents.snmpd_port = free_port()
    agents.sim_port = free_port()
    snmpd = start_snmpd(agents.snmpd_port, sys_name="civic-snmpd")
    try:
        sims = start_snmpsim(
            [(path, [(address, agents.sim_port)]) for address, path in SIM_DEVICES.items()]
        )
    except Exception:
        snmpd.stop()
        raise
    yield agents
    for agent in [snmpd, *sims]:
        agent.stop()


@pytest.fixture
def asset_manager(world, make_person):
    """An asset manager of Northshire, on the shared desk."""
    from core.roles import Role

    return make_person("assets_north", [Role.ASSET_MANAGER], world.north, teams=[world.desk])
