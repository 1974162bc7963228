from django.urls import path

from moim.members import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.detail, name="detail"),
]
