"""Web pages of group workspaces (mounted at /groups/)."""

from django.urls import URLPattern, path

from goodwill.workspaces import views

urlpatterns: list[URLPattern] = [
    path("", views.workspaces, name="workspaces"),
    path("notifications/", views.notifications, name="workspace_notifications"),
    path("requests/", views.requests, name="workspace_requests"),
    path("requests/<int:intro_id>/", views.request_detail, name="workspace_request"),
    path(
        "requests/<int:intro_id>/<str:choice>/",
        views.request_answer,
        name="workspace_request_answer",
    ),
    path("intro/<str:token>/<str:choice>/", views.intro_answer, name="workspace_intro_answer"),
    path("join/<str:token>/", views.join, name="workspace_join"),
    path("referrals/<int:slip_id>/close/", views.referral_close, name="workspace_referral_close"),
    path("<int:workspace_id>/", views.workspace, name="workspace"),
    path("<int:workspace_id>/sharing/", views.sharing, name="workspace_sharing"),
    path("<int:workspace_id>/hide/", views.hide, name="workspace_hide"),
    path("<int:workspace_id>/who-knows/", views.who_knows, name="workspace_who_knows"),
    path("<int:workspace_id>/reach/", views.reach, name="workspace_reach"),
    path("<int:workspace_id>/members/<int:user_id>/", views.member_page, name="workspace_member"),
    path(
        "<int:workspace_id>/members/<int:user_id>/remove/",
        views.remove,
        name="workspace_remove",
    ),
    path("<int:workspace_id>/ask/", views.ask, name="workspace_ask"),
    path("<int:workspace_id>/invite/", views.invite, name="workspace_invite"),
    path("<int:workspace_id>/leave/", views.leave, name="workspace_leave"),
    path("<int:workspace_id>/refer/", views.refer, name="workspace_refer"),
    path("<int:workspace_id>/post/", views.post, name="workspace_post"),
    path("<int:workspace_id>/meet/", views.meet, name="workspace_meet"),
    path("<int:workspace_id>/report/", views.report, name="workspace_report"),
    path("<int:workspace_id>/audit/", views.audit, name="workspace_audit"),
]
