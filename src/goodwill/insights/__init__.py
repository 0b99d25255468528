"""Pure scoring for practising good networking (no Django)."""
