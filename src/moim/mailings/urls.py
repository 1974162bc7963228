from django.urls import path

from moim.mailings import views

app_name = "mailings"

urlpatterns = [
    path("<int:edition>/", views.overview, name="overview"),
    path("<int:edition>/convocation/", views.convocation, name="convocation"),
    path("<int:edition>/compose/", views.compose, name="compose"),
    path("<int:edition>/<int:pk>/", views.mailing_detail, name="mailing"),
    path("<int:edition>/<int:pk>/retry/", views.mailing_retry, name="retry"),
]
