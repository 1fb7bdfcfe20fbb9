"""Reading the group's report: the checklist and its claims (and, later, the answers)."""

from auditor.report.reader import ReportClaims, read_report

__all__ = ["ReportClaims", "read_report"]
