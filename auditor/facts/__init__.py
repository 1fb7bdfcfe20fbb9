"""Gathering facts about the audited repository (read once, shared by every rule).

`Repository` is imported on first use, so that a fact module (the git commands an audit starts
before the rest of the auditor is imported, auditor.facts.started_early) loads without all of them."""

__all__ = ["Repository"]


def __getattr__(name: str):
    if name == "Repository":
        from auditor.facts.repository import Repository

        return Repository
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
