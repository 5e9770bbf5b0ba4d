"""Check the shipped role guides against the content rules (roles/content_checks.py, docs/content.md).

    manage.py check_content                       # content/roles/*.yaml
    manage.py check_content path/to/role.yaml ... # other files
    manage.py check_content --lengths             # and list the required skills with no resource whose
                                                  # publisher states its length (docs/content.md)

The files are imported inside a transaction that is rolled back, so the database is left as it was.
Exits non-zero with one line per problem, each naming the file and the entry.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from roles import content_checks
from roles.importing import RoleFileError, import_roles, read_role_files


class Command(BaseCommand):
    help = "Check role guides: no internal note on a public page, every number sourced, specific level descriptors, learnable required skills, targets within the ladder, sourced primary skills."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Role files (default: content/roles/*.yaml).")
        parser.add_argument(
            "--lengths",
            action="store_true",
            help="Also list, per guide, the required skills that no resource with a sourced length and a known "
            "cost teaches to their level.",
        )

    def handle(self, *args, paths, lengths=False, **options):
        paths = [Path(p) for p in paths] or sorted((Path(settings.BASE_DIR) / "content" / "roles").glob("*.yaml"))
        if not paths:
            raise CommandError("No role files to check.")
        files, _problems = read_role_files(paths)
        problems = []
        with transaction.atomic():
            try:
                import_roles(paths, force=True)  # the files' content, whatever admin changed since
            except RoleFileError as error:
                raise CommandError(str(error)) from None
            guides = content_checks.load_guides({role.slug: role.filename for role in files})
            for check in content_checks.CHECKS:
                problems += list(check(guides))
            coverage = content_checks.length_coverage(guides) if lengths else []
            transaction.set_rollback(True)
        if problems:
            count = len(problems)
            heading = f"{count} content problem{'s' if count != 1 else ''} in {len(paths)} role files:"
            raise CommandError("\n".join([heading, *problems]))
        self.stdout.write(f"Checked {len(guides)} role guides: no problems.")
        for line in length_lines(coverage):
            self.stdout.write(line)


def length_lines(coverage):
    """The `--lengths` report: a line per guide, then one per required skill left without a length."""
    if not coverage:
        return
    covered = sum(len(c) for _, c, _ in coverage)
    total = covered + sum(len(u) for _, _, u in coverage)
    yield f"Required skills with a resource whose publisher states its length, at a known cost: {covered} of {total}."
    for guide, covered, uncovered in coverage:
        yield guide.at("", f"{len(covered)} of {len(covered) + len(uncovered)} required skills")
        for index, rs in uncovered:
            yield "  " + guide.at(
                f"skills[{index}] ({rs.skill.slug})", "no resource for its level with a sourced length"
            )
