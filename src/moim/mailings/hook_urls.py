"""The mail server's hooks, outside the language prefix (a server posts to one fixed address)."""

from django.urls import path

from moim.mailings import hooks

app_name = "mailing_hooks"

urlpatterns = [path("bounce/", hooks.bounce, name="bounce")]
