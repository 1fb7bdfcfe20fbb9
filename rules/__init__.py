"""Rule definitions: one YAML (metadata, report wording, declarative evidence) per item, with a Python probe where a pattern is not enough."""
