from django.urls import path

from amends.console import remedies, replies, views

urlpatterns = [
    path("", views.queue, name="console-queue"),
    path("counts", views.counts, name="console-counts"),
    path("search/", views.search_page, name="console-search"),
    path("cases/<int:case_id>/", views.case_detail, name="console-case"),
    path("cases/<int:case_id>/take", views.case_take, name="console-case-take"),
    path("cases/<int:case_id>/transfer", views.case_handoff, name="console-case-transfer"),
    path("cases/<int:case_id>/write", views.case_write, name="console-case-write"),
    path("cases/<int:case_id>/status", views.case_status, name="console-case-status"),
    path("cases/<int:case_id>/commitments", views.case_promise, name="console-case-commit"),
    path("cases/<int:case_id>/remedies", remedies.case_remedy, name="console-case-remedy"),
    path(
        "cases/<int:case_id>/replies/<int:message_id>/promise",
        replies.reply_promise,
        name="console-reply-promise",
    ),
    path(
        "cases/<int:case_id>/messages/<int:message_id>/translation",
        replies.message_translation,
        name="console-message-translation",
    ),
    path(
        "cases/<int:case_id>/remedies/<int:remedy_id>/approve",
        remedies.case_remedy_approve,
        name="console-remedy-approve",
    ),
]
