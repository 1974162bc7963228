from django.urls import path

from moim.members import staff_views, views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.detail, name="detail"),
    # Staff pages. "export.csv" is no slug (the dot), so it never hides a member's page.
    path("export.<str:file_format>", staff_views.members_export, name="export"),
    path("<slug:slug>/contacts/", staff_views.member_contacts, name="contacts"),
]
