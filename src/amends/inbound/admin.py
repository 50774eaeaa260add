from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from amends.inbound.models import InboundMessage, InboundStatus


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    list_display = ("id", "channel", "source", "status", "reason", "attempts", "received_at")
    list_filter = ("status", "channel")
    readonly_fields = ("sha256", "dedupe_key", "received_at", "processed_at")
    exclude = ("raw",)
    actions = ("join_answered_case", "open_separate_case")

    def _release(
        self, request: HttpRequest, queryset: QuerySet[InboundMessage], *, join_case: bool
    ) -> None:
        from amends.mail.processing import mail_release

        held = queryset.filter(status=InboundStatus.HELD, channel="email")
        done = [mail_release(inbound, join_case=join_case) for inbound in held]
        accepted = sum(1 for i in done if i.status == InboundStatus.PROCESSED)
        self.message_user(
            request,
            ngettext(
                "%(accepted)d of %(count)d held mail accepted",
                "%(accepted)d of %(count)d held mails accepted",
                len(done),
            )
            % {"accepted": accepted, "count": len(done)},
            messages.INFO,
        )

    @admin.action(description=_("Held mail: add it to the case it answers"))
    def join_answered_case(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        self._release(request, queryset, join_case=True)

    @admin.action(description=_("Held mail: open a separate case for its sender"))
    def open_separate_case(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        self._release(request, queryset, join_case=False)
