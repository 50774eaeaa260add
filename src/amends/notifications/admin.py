from django.contrib import admin

from amends.notifications.models import Notification

admin.site.register(Notification)
