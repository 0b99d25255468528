"""Web pages of the practice area: tend, ledger, overtures, referrals, next actions, reminders."""

from django.urls import URLPattern, path

from goodwill.web.views import practice

urlpatterns: list[URLPattern] = [
    path("tend/", practice.tend_page, name="tend"),
    path("tend/cadence/", practice.set_cadence, name="tend_cadence"),
    path("tend/snooze/", practice.snooze_person, name="tend_snooze"),
    path("ledger/", practice.ledger_page, name="ledger"),
    path("ledger/thank/<int:favour_id>/", practice.thank_favour, name="ledger_thank"),
    path("overtures/", practice.overtures_page, name="overtures"),
    path("referrals/", practice.referrals_page, name="referrals"),
    path("next/", practice.next_page, name="next_actions"),
    path("next/done/", practice.action_done, name="next_action_done"),
    path("reminders/", practice.reminders_page, name="reminders"),
    path("feed/<str:token>.ics", practice.calendar_feed, name="calendar_feed"),
    path(
        "people/<int:person_id>/practice/",
        practice.person_practice_panel,
        name="person_practice_panel",
    ),
    path("panels/next/", practice.home_next_panel, name="home_next_panel"),
    path("panels/losing-touch/", practice.home_losing_touch_panel, name="home_losing_touch_panel"),
    path("panels/thanks/", practice.home_thanks_panel, name="home_thanks_panel"),
]
