"""Pages of change management: requests for change, the change calendar and the CAB."""
