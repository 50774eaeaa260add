"""Policies: the rules that apply to an order, computed without the database."""
