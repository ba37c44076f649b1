#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyvet.settings")
    # manage.py is the developer's tool: without an environment it works on the development
    # settings. Servers set DEBUG=0 (and SECRET_KEY) in their environment, and the WSGI
    # application, which serves the site, never defaults to DEBUG.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
