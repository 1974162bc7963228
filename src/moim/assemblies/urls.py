from django.urls import path

from moim.assemblies import credential_views, print_views, question_views, views

app_name = "assemblies"

urlpatterns = [
    path("", views.assembly_list, name="list"),
    path("join/<str:token>/", views.join, name="join"),
    path("mine/", print_views.my_registrations, name="mine"),
    path(
        "mine/<int:pk>/certificate/request/",
        print_views.certificate_request,
        name="certificate_request",
    ),
    path(
        "mine/<int:pk>/certificate.pdf",
        print_views.certificate_download,
        name="certificate_download",
    ),
    path(
        "credentials/confirm/<str:token>/",
        credential_views.credential_contact,
        name="credential_contact",
    ),
    path("<int:edition>/", views.assembly_detail, name="detail"),
    path("<int:edition>/programme.ics", views.programme_ics, name="programme_ics"),
    path("<int:edition>/figures/", views.figures, name="figures"),
    path("<int:edition>/register/", views.register, name="register"),
    path("<int:edition>/programme/manage/", views.programme_manage, name="programme_manage"),
    path("<int:edition>/programme/<int:pk>/move/", views.programme_move, name="programme_move"),
    path("<int:edition>/registrations/", views.registration_list, name="registrations"),
    path(
        "<int:edition>/registrations/<int:pk>/approve/",
        views.registration_approve,
        name="registration_approve",
    ),
    path(
        "<int:edition>/registrations/<int:pk>/resend-mail/",
        views.registration_resend_mail,
        name="registration_resend_mail",
    ),
    path(
        "<int:edition>/registrations/<int:pk>/decline/",
        views.registration_decline,
        name="registration_decline",
    ),
    path(
        "<int:edition>/registrations/accounts/",
        views.registration_accounts,
        name="registration_accounts",
    ),
    path("<int:edition>/credentials/", credential_views.credential_list, name="credentials"),
    path("<int:edition>/credentials/act/", credential_views.credential_act, name="credential_act"),
    path(
        "<int:edition>/credentials/accredit-uncontested/",
        credential_views.credential_accredit_uncontested,
        name="credential_accredit_uncontested",
    ),
    path("<int:edition>/registrations/badges.pdf", print_views.badges_pdf, name="badges"),
    path("<int:edition>/registrations/<int:pk>/badge.pdf", print_views.badge_pdf, name="badge"),
    path("<int:edition>/certificates/", print_views.certificate_list, name="certificates"),
    path("<int:edition>/questions/", question_views.question_list, name="questions"),
    path("<int:edition>/questions/new/", question_views.question_edit, name="question_new"),
    path("<int:edition>/questions/<int:pk>/", question_views.question_edit, name="question_edit"),
    path(
        "<int:edition>/questions/<int:pk>/delete/",
        question_views.question_delete,
        name="question_delete",
    ),
    path("<int:edition>/desk/", views.desk, name="desk"),
    path("<int:edition>/desk/walk-in/", views.desk_walk_in, name="desk_walk_in"),
    path("<int:edition>/desk/<int:pk>/check-in/", views.desk_check_in, name="desk_check_in"),
    path("<int:edition>/desk/<int:pk>/undo/", views.desk_undo, name="desk_undo"),
]
