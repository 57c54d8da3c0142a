"""Follow-up: requests, reminders, deficiency notices and escalations, with documented proof.

``coisync notify`` (:mod:`coisync.cli.notify`) runs :class:`coisync.followup.run.NotifyRun`;
see docs/followup.md for the cadences, the crash rule and the audit trail.
"""
