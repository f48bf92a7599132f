"""SNMP discovery: a transport (snmp), collectors per MIB area, and the runner that sweeps."""
