"""The graph core: compact snapshots and who-knows-whom queries (no Django)."""
