from django.urls import path

from moim.governance import agenda_views, sitting_views, views

app_name = "governance"

urlpatterns = [
    path("<int:edition>/", views.agenda, name="agenda"),
    path("<int:edition>/console/", views.console, name="console"),
    path("<int:edition>/agenda/manage/", agenda_views.agenda_manage, name="agenda_manage"),
    path("<int:edition>/vote/", views.my_polls, name="my_polls"),
    path("<int:edition>/sitting/", sitting_views.sitting, name="sitting"),
    path("<int:edition>/sitting/ballot/", sitting_views.sitting_ballot, name="sitting_ballot"),
    path("ballot-notice/", sitting_views.ballot_notice, name="ballot_notice"),
    path("decision/<int:pk>/", views.decision_detail, name="decision"),
    path("decision/<int:pk>/poll/", views.create_poll, name="create_poll"),
    path("decision/<int:pk>/candidates/", views.add_slate, name="add_slate"),
    path("decision/<int:pk>/appointment/", views.record_appointment, name="record_appointment"),
    path("poll/<int:pk>/console/", views.poll_console, name="poll_console"),
    path("poll/<int:pk>/analog/", views.enter_analog, name="analog"),
    path("poll/<int:pk>/vote/", views.vote, name="vote"),
    path("poll/<int:pk>/ballots/", views.poll_ballots, name="ballots"),
    path("proxy/<int:assembly_pk>/give/", views.give_proxy, name="give_proxy"),
    path("proxy/<int:pk>/withdraw/", views.withdraw_proxy, name="withdraw_proxy"),
    path("poll/<int:pk>/method/", views.poll_method, name="poll_method"),
    path("poll/<int:pk>/tie/", views.poll_tie, name="poll_tie"),
    path("poll/<int:pk>/<slug:action>/", views.poll_action, name="poll_action"),
]
