"""Gathering facts about the audited repository (read once, shared by every rule)."""

from auditor.facts.repository import Repository

__all__ = ["Repository"]
