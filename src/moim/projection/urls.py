from django.urls import path

from moim.projection import views

app_name = "projection"

# Under the site's addresses: the site's own projector keeps /projector/<edition>/state/ and
# /events/, so no projector may take "state" or "events" as its address.
urlpatterns = [
    path("projection/<int:edition>/", views.control, name="control"),
    path("projection/<int:edition>/<slug:slug>/", views.act, name="act"),
    path("projector/<int:edition>/<slug:slug>/", views.screen, name="screen"),
    path("projector/<int:edition>/<slug:slug>/state/", views.screen_state, name="screen_state"),
    path("projector/<int:edition>/<slug:slug>/events/", views.screen_events, name="screen_events"),
]
