from django.contrib.auth import views as auth_views
from django.urls import path

from goodwill.web import login, urls_graph, urls_insights, urls_practice
from goodwill.web.views import home, imports, log, merges, people, person

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", login.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("people/", people.people_list, name="people"),
    path("people/new/", people.person_add, name="person_add"),
    path("people/me/", people.me, name="me"),
    path("people/<int:person_id>/", person.person_detail, name="person"),
    path("people/<int:person_id>/log/", person.person_log, name="person_log"),
    path("people/<int:person_id>/timeline/", person.person_timeline, name="person_timeline"),
    path("log/", log.log, name="log"),
    path("merges/", merges.merges, name="merges"),
    path("merges/merge/", merges.merge_pair, name="merge_pair"),
    path("merges/distinct/", merges.distinct_pair, name="distinct_pair"),
    path("merges/<int:merge_id>/undo/", merges.undo_merge, name="undo_merge"),
    path("imports/", imports.imports, name="imports"),
    path("imports/<int:run_id>/", imports.import_run, name="import_run"),
    path("imports/<int:run_id>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:run_id>/cancel/", imports.import_cancel, name="import_cancel"),
]

urlpatterns += urls_graph.urlpatterns + urls_insights.urlpatterns + urls_practice.urlpatterns
