"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Everything loaded at start (Django, the apps, the name-word inventory) stays for the
# process's life: kept out of the collector's full passes, which otherwise stop a request
# now and then for 55-70 ms (bench/README.md, the dossier page).
gc.freeze()
