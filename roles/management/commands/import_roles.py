"""python manage.py import_roles FILE... : load role guides (docs/role-format.md), all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from roles.importing import RoleFileError, import_roles


class Command(BaseCommand):
    help = (
        "Load role guides from YAML (.yaml/.yml) or JSON (.json) files in the format of docs/role-format.md. "
        "One transaction: if any file is bad, nothing is saved and every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="role files, e.g. content/roles/*.yaml")
        parser.add_argument("--dry-run", action="store_true", help="check the files and report, saving nothing")
        parser.add_argument(
            "--force",
            action="store_true",
            help="rewrite roles whose file is unchanged since their last import too (undoing edits made in admin since)",
        )

    def handle(self, *args, files, dry_run, force, **options):
        try:
            counts = import_roles(files, dry_run=dry_run, force=force)
        except RoleFileError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Dry run, nothing saved. {counts}" if dry_run else str(counts))
