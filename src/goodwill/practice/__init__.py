"""Practising good networking: cadences, reminders, ledger, overtures, channels, next actions."""
