"""Checks that an MLOps course repository backs up the claims of its report."""

__version__ = "0.1.0"
