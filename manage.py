#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    """Run administrative tasks, with the local settings unless told otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    from config.settings.required import UnusableEnvironment

    try:
        execute_from_command_line(sys.argv)
    except UnusableEnvironment as problems:
        # The message lists every variable to fix; a traceback through Django's settings loader would bury it.
        sys.exit(str(problems))


if __name__ == "__main__":
    main()
