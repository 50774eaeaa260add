"""amends — customer service that makes amends."""

__version__ = "0.1.0"
