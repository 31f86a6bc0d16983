"""The web app's addresses, at the site root: the service worker's scope is the folder it is
served from, so it must be /sw.js to control every page."""

from django.urls import URLPattern, path

from afterclass.webapp import views

urlpatterns: list[URLPattern] = [
    path("manifest.webmanifest", views.manifest, name="webapp-manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline, name="offline"),
    path("push/subscriptions/", views.save_push_subscription, name="push-subscribe"),
    path("push/subscriptions/delete/", views.delete_push_subscription, name="push-unsubscribe"),
]
