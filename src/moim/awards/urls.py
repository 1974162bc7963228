from django.urls import path

from moim.awards import jury_views, round_views, views

app_name = "awards"

urlpatterns = [
    path("", views.editions, name="editions"),
    path("<int:number>/", views.edition_detail, name="edition"),
    path("<int:number>/winners/", views.winners, name="winners"),
    path("<int:number>/winners/<slug:category>/", views.winners, name="winners_category"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("<int:number>/enter/", views.entry_new, name="entry_new"),
    path("entries/<int:pk>/", views.entry_edit, name="entry"),
    path("entries/<int:pk>/autosave/", views.entry_autosave, name="entry_autosave"),
    path("entries/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("approval/<str:token>/", views.approval, name="approval"),
    path("<int:number>/jury/", jury_views.jury_home, name="jury"),
    path("<int:number>/jury/entries/<int:pk>/", jury_views.jury_entry, name="jury_entry"),
    path(
        "<int:number>/jury/entries/<int:pk>/conflict/",
        jury_views.declare_conflict,
        name="declare_conflict",
    ),
    path("<int:number>/screening/", jury_views.screening, name="screening"),
    path("<int:number>/progress/", jury_views.progress, name="progress"),
    path("<int:number>/ranking/", jury_views.ranking, name="ranking"),
    path("<int:number>/finalists/", round_views.finalists, name="finalists"),
    path("<int:number>/rounds/<slug:kind>/close/", round_views.close_round, name="round_close"),
    path("<int:number>/rounds/<slug:kind>/reopen/", round_views.reopen_round, name="round_reopen"),
    path(
        "<int:number>/rounds/<slug:kind>/late-entries/",
        round_views.add_late_entries,
        name="round_late_entries",
    ),
    path("<int:number>/decisions/<int:pk>/", jury_views.decide, name="decide"),
    path("<int:number>/announce/", jury_views.announce, name="announce"),
    path("<int:number>/export/entries.csv", jury_views.export_entries, name="export_entries"),
    path("<int:number>/export/scores.csv", jury_views.export_scores, name="export_scores"),
]
