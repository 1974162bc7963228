from django.urls import path

from moim.site import publication_views as publication
from moim.site import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("projector/<int:edition>/", publication.projector, name="projector"),
    path("projector/<int:edition>/state/", publication.projector_snapshot, name="projector_state"),
    path("projector/<int:edition>/events/", publication.projector_events, name="projector_events"),
    path("results/<int:edition>/", publication.results_index, name="results"),
    path("results/<int:edition>/<int:pk>/", publication.decision_results, name="decision_results"),
    path(
        "results/<int:edition>/<int:pk>/round-<int:round_number>.json",
        publication.poll_json,
        name="poll_json",
    ),
    path(
        "results/<int:edition>/<int:pk>/round-<int:round_number>.csv",
        publication.poll_csv,
        name="poll_csv",
    ),
    path(
        "results/<int:edition>/<int:pk>/round-<int:round_number>.blt",
        publication.poll_blt,
        name="poll_blt",
    ),
    path("report/<int:edition>/", publication.assembly_report, name="report"),
    path("report/<int:edition>/report.pdf", publication.assembly_report_pdf, name="report_pdf"),
    path("archive/", publication.archive_index, name="archive"),
    path("press/<int:edition>/", publication.press_release, name="press_release"),
]
