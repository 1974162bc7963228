from django.urls import path

from moim.governance import views

app_name = "governance"

urlpatterns = [
    path("<int:edition>/", views.agenda, name="agenda"),
]
