"""Pure importers: one module per export format (no Django)."""
