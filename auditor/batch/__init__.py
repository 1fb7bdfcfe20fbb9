"""Auditing a whole class: a roster or folder in, per-group reports, class statistics and a dashboard out."""

from auditor.batch.roster import Group, RosterError, read_input
from auditor.batch.run import BatchResult, run_batch

__all__ = ["BatchResult", "Group", "RosterError", "read_input", "run_batch"]
