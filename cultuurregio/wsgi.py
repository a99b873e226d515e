import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cultuurregio.settings")
application = get_wsgi_application()

# Import every page's module now, as each worker starts, not in its first request: the URLs
# import the views, and the downloads import WeasyPrint (about half a second), which would
# otherwise slow the first request a worker serves, or the first PDF a visitor asks for.
import_module(settings.ROOT_URLCONF)

# What was loaded so far (Django, the URLs and views, WeasyPrint: most of a worker's
# objects) stays for the worker's life: take it out of the garbage collector's full
# collections, which otherwise walk it again and again while a big page or a PDF is made.
gc.freeze()
