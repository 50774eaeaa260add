"""Triage of every inbound message: language, intents, sentiment, churn risk, entities."""
