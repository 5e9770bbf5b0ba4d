"""python manage.py export_role SLUG [-o FILE] [--format case] : write a role guide in the import
format, or the published guide as a CASE 1.0 CFPackage (roles/case.py)."""

import difflib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from roles import case
from roles.importing import dump_role, to_json, to_yaml
from roles.models import Role


class Command(BaseCommand):
    help = (
        "Write one role guide as YAML (to stdout, or to FILE) in the format import_roles reads; "
        "a FILE ending in .json gets JSON. Importing the result back changes nothing. "
        "--format case writes the published guide as a 1EdTech CASE 1.0 CFPackage (JSON) instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the role's slug, e.g. senior-ml-engineer")
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
        parser.add_argument("--format", choices=["file", "case"], default="file", help="file (default) or case")
        parser.add_argument(
            "--base-url",
            default="http://localhost:8000",
            help="for --format case: the site's address, which the package's URIs start with",
        )

    def handle(self, *args, slug, output, base_url, **options):
        role = Role.objects.filter(slug=slug).first()
        if role is None:
            known = list(Role.objects.values_list("slug", flat=True))
            close = difflib.get_close_matches(slug, known, n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else f" There are {len(known)} roles."
            raise CommandError(f"No role with slug {slug!r}.{hint}")
        if options["format"] == "case":
            if not role.is_published:
                raise CommandError(f"Role {slug!r} is not published: a CASE export is of a published guide.")
            base = base_url.rstrip("/") + reverse("roles:case", args=[slug])
            text = json.dumps(case.package(case.load(slug), base_uri=base), indent=2, ensure_ascii=False) + "\n"
            return self._write(text, output, slug)
        data = dump_role(role)
        if output is None:
            self.stdout.write(to_yaml(data), ending="")
            return
        path = Path(output)
        self._write(to_json(data) if path.suffix.lower() == ".json" else to_yaml(data), output, slug)

    def _write(self, text, output, slug):
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            path = Path(output)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}") from None
        self.stdout.write(f"Wrote role {slug!r} to {output}.")
