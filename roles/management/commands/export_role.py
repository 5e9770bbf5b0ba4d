"""python manage.py export_role SLUG [-o FILE] : write a role guide in the import format."""

import difflib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roles.importing import dump_role, to_json, to_yaml
from roles.models import Role


class Command(BaseCommand):
    help = (
        "Write one role guide as YAML (to stdout, or to FILE) in the format import_roles reads; "
        "a FILE ending in .json gets JSON. Importing the result back changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the role's slug, e.g. senior-ml-engineer")
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")

    def handle(self, *args, slug, output, **options):
        role = Role.objects.filter(slug=slug).first()
        if role is None:
            known = list(Role.objects.values_list("slug", flat=True))
            close = difflib.get_close_matches(slug, known, n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else f" There are {len(known)} roles."
            raise CommandError(f"No role with slug {slug!r}.{hint}")
        data = dump_role(role)
        if output is None:
            self.stdout.write(to_yaml(data), ending="")
            return
        path = Path(output)
        text = to_json(data) if path.suffix.lower() == ".json" else to_yaml(data)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}") from None
        self.stdout.write(f"Wrote role {slug!r} to {output}.")
