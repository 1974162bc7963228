from django.urls import path

from moim.motions import views

app_name = "motions"

urlpatterns = [
    path("<int:edition>/", views.motion_list, name="list"),
    path("<int:edition>/new/", views.motion_new, name="new"),
    path("<int:edition>/<int:pk>/", views.motion_detail, name="detail"),
    path("<int:edition>/<int:pk>/<slug:action>/", views.motion_action, name="action"),
    path("<int:edition>/decision/<int:decision_pk>/", views.decision_text, name="text"),
    path(
        "<int:edition>/decision/<int:decision_pk>/amend/<int:paragraph>/",
        views.amend,
        name="amend",
    ),
]
