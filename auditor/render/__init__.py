"""Rendering an audit: versioned JSON for dashboards, a rich terminal report for people."""
