"""Replies that make amends: native templates per intent, language and register; the linter."""
