"""Running the rules: declarative patterns and Python probes collect findings; nothing judges here."""
