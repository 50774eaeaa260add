"""What triage said about each inbound message, kept: the case's fields summarise these rows.

One row per message (a unique key, so a replayed task cannot store a second verdict), with the
model version that said it, so a retrained model's verdicts can be told from the old one's.
"""

from __future__ import annotations

from django.db import models

from amends.triage.result import Entity, Triage


class MessageTriage(models.Model):
    message = models.OneToOneField(
        "conversations.Message", on_delete=models.CASCADE, related_name="triage"
    )
    lang = models.CharField(max_length=8)
    lang_score = models.FloatField(default=0.0)
    # [[lang, share], …] for a message in more than one language, largest first.
    languages = models.JSONField(default=list, blank=True)
    # [[intent, score], …], highest first.
    intents = models.JSONField(default=list, blank=True)
    sentiment = models.CharField(max_length=8)
    sentiment_score = models.FloatField(default=0.0)
    churn_risk = models.FloatField(default=0.0)
    churn = models.BooleanField(default=False)
    churn_phrase = models.CharField(max_length=300, blank=True)
    # [{"kind", "text", "value", "carrier"}, …]
    entities = models.JSONField(default=list, blank=True)
    model_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"triage of message {self.message_id}: {self.lang} {self.intent_ids}"

    @property
    def intent_ids(self) -> list[str]:
        return [str(item[0]) for item in self.intents]

    def as_result(self) -> Triage:
        """The stored verdict as the plain :class:`Triage` its readers take."""
        return Triage(
            lang=self.lang,
            lang_score=self.lang_score,
            languages=tuple((str(lang), float(share)) for lang, share in self.languages),
            intents=tuple((str(intent), float(score)) for intent, score in self.intents),
            sentiment=self.sentiment,
            sentiment_score=self.sentiment_score,
            churn_risk=self.churn_risk,
            churn=self.churn,
            churn_phrase=self.churn_phrase,
            entities=tuple(
                Entity(
                    kind=str(e["kind"]),
                    text=str(e["text"]),
                    value=str(e["value"]),
                    carrier=e.get("carrier"),
                )
                for e in self.entities
            ),
            model_version=self.model_version,
        )
