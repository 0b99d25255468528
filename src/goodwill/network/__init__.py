"""The Django side of the graph core: snapshots of an owner's network and query payloads."""
