"""``python -m demo.webclient runserver localhost:8001``: manage.py for the demo web client's own settings."""

import os
import sys

from django.core.management import execute_from_command_line

if __name__ == "__main__":
    # The web client is its own project: it must never pick up the provider's settings module.
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo.webclient.settings"
    execute_from_command_line([sys.argv[0], *(sys.argv[1:] or ["runserver", "localhost:8001"])])
