"""Write the page nginx shows when no app server answers (instead of its "502 Bad Gateway").

nginx serves it without the app: during a restart, after a crash, or while every worker is busy
past the proxy's timeout (``deploy/nginx/truyvet.conf``, ``error_page``). It is drawn from
``templates/unavailable.html`` in every language of the site, so run this again after an upgrade
(docs/deploy.md, steps 5 and 10).

    manage.py write_unavailable_page                  # errors/unavailable.html in the project
    manage.py write_unavailable_page --output -       # to stdout (from a container, say)
"""

import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.template.loader import render_to_string

from declarations.places import served_province_name

DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "errors" / "unavailable.html"


class Command(BaseCommand):
    help = "Write the page nginx shows while no app server answers (errors/unavailable.html)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(DEFAULT_OUTPUT),
            help="where to write it; - for stdout (default: %(default)s)",
        )

    def handle(self, *args, output: str, **options):
        page = unavailable_page()
        if output == "-":
            sys.stdout.write(page)
            return
        write_whole(Path(output), page)
        self.stdout.write(f"{output}: written")


def unavailable_page() -> str:
    """The page, in the site's language first, then in the others."""
    languages = [settings.LANGUAGE_CODE]
    languages += [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    try:
        province_name = served_province_name()
    except DatabaseError:  # the page is useful without it: written before the first migrate
        province_name = ""
    context = {"languages": languages, "province_name": province_name}
    return render_to_string("unavailable.html", context)


def write_whole(path: Path, text: str) -> None:
    """Write the file under another name, then rename it: nginx never reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".unavailable-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(scratch, 0o644)  # a public page, read by nginx's own user
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
