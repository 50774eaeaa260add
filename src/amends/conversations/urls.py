"""Attachments, downloaded only by those who may see the case."""

from django.urls import URLPattern, path

from amends.conversations import views

urlpatterns: list[URLPattern] = [
    path("<int:attachment_id>/", views.attachment_download, name="attachment-download"),
]
