"""Service requests: the request catalogue, approvals and fulfilment (DESIGN §3–§5).

Layout: models/ (catalogue: RequestItem, RequestField, FulfilmentStep; approvals:
ApprovalPolicy, LineManager, ApprovalDelegation, Approval, ApprovalVote; requests:
ServiceRequest, FulfilmentTask), workflows.py (both state graphs), approval_rules.py (who
approves what, delegation, tallying, approval links), forms.py (the request form built from
an item's fields), actions/ (the only writers), queries.py (what pages and exports read),
tasks.py (SLA sweep), demo.py.

URL names the pages provide and the models link to: `servicerequests:approval` (an approval
step, /portal/approvals/<id>/), `servicerequests:portal_request` (/portal/requests/<id>/),
`servicerequests:request_detail` (the desk's page) and `servicerequests:task_detail`.
"""
