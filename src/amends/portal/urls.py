from django.urls import path

from amends.portal import views

urlpatterns = [
    path("", views.start, name="portal-start"),
    path("cases/", views.case_list, name="portal-cases"),
    path("cases/<int:case_id>/", views.case_detail, name="portal-case"),
    path("cases/<int:case_id>/reply", views.case_reply, name="portal-case-reply"),
]
