"""WSGI entry point (used by `goodwill serve` through waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodwill.settings")
application = get_wsgi_application()
