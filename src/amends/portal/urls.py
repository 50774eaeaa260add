from django.urls import path

from amends.portal import cases, orders, views

urlpatterns = [
    path("", views.start, name="portal-start"),
    path("cases/", cases.case_list, name="portal-cases"),
    path("cases/<int:case_id>/", cases.case_detail, name="portal-case"),
    path("cases/<int:case_id>/reply", cases.case_reply, name="portal-case-reply"),
    path(
        "cases/<int:case_id>/second-opinion",
        cases.case_second_opinion,
        name="portal-case-second-opinion",
    ),
    path("orders/", orders.order_list, name="portal-orders"),
    # An order number is the shop's own and may contain a slash.
    path("orders/<path:number>/", orders.order_detail, name="portal-order"),
]
