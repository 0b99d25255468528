"""goodwill: relationship-first networking."""

__version__ = "0.1.0"
