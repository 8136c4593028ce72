"""Sample incident tables."""
