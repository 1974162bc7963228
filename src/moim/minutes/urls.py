from django.urls import path

from moim.minutes import views

app_name = "minutes"

urlpatterns = [
    path("<int:edition>/", views.minutes_draft, name="draft"),
    path("<int:edition>/write/", views.write_from_records, name="write"),
    path("<int:edition>/section/<slug:key>/", views.edit_section, name="edit_section"),
    path("<int:edition>/section/<slug:key>/regenerate/", views.regenerate, name="regenerate"),
    path("<int:edition>/approve/", views.approve, name="approve"),
    path("<int:edition>/publish/", views.publish, name="publish"),
    path("<int:edition>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:edition>/published/", views.published, name="published"),
]
