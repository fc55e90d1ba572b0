"""Token lineage and lifetimes: what DOT does not track about where a token came from."""
