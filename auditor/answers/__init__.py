"""Claims of the free-text answers checked against the repository, and the course's own report check."""
