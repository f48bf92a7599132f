"""Pages of service requests: the portal's catalogue and requests, approvals, the desk's work."""
