from django.urls import path

from moim.floor import views

app_name = "floor"

urlpatterns = [
    path("<int:edition>/", views.console, name="console"),
    path("<int:edition>/events/", views.events, name="events"),
    path("<int:edition>/sitting/", views.sitting_panel, name="sitting"),
    path("<int:edition>/list/<int:pk>/", views.list_page, name="list"),
    path("<int:edition>/list/<int:pk>/state/", views.list_state, name="list_state"),
    path("<int:edition>/item/<int:item_pk>/", views.item_console, name="item"),
    path("<int:edition>/item/<int:item_pk>/state/", views.item_state, name="item_state"),
    path("<int:edition>/item/<int:item_pk>/open/", views.open_list, name="open"),
    path("<int:edition>/item/<int:item_pk>/speaker/", views.add_speaker, name="add_speaker"),
    path("<int:edition>/item/<int:item_pk>/<slug:action>/", views.act, name="act"),
]
