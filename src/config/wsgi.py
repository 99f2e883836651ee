"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from bvct.core.limits import apply_memory_limit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Each worker's memory is capped (docs/deployment.md): past it one request fails, the server
# stays up.
apply_memory_limit(settings.BVCT_WORKER_MEMORY_MB)
# Everything loaded at start (Django, the apps, the name-word inventory) stays for the
# process's life: kept out of the collector's full passes, which otherwise stop a request
# now and then for 55-70 ms (bench/README.md, the dossier page).
gc.freeze()
