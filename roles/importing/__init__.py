"""Role guide files (docs/role-format.md): read and check them, save them, dump a role back.

- `read_role_files(paths)` reads and checks files into `RoleFile`s (pydantic models, schema.py) and
  problem lines, without the database.
- `import_roles(paths)` also checks them against the database (the roles and sources they refer to,
  names already taken) and saves them (saving.py) in one transaction: if anything is wrong it saves
  nothing. A role whose file is unchanged since its last import is skipped (it keeps the file's hash).
- `dump_role(role)` turns a stored role back into the same format; `to_yaml`/`to_json` write it.

Bad input raises `RoleFileError`, which carries every problem found, one line each, naming the file,
the field and the entry: `senior-ml-engineer.yaml: skills[3].target: Input should be less than or equal to 5`.
"""

from pathlib import Path

from django.db import transaction
from pydantic import ValidationError

from . import checks, schema
from .export import dump_role, to_json, to_yaml
from .parsing import RoleFileError, _short, parse, problem
from .saving import save_role_files
from .schema import RoleFile

__all__ = ["RoleFileError", "_short", "dump_role", "import_roles", "read_role_file", "read_role_files"]
__all__ += ["save_role_data", "to_json", "to_yaml"]


def _check(data, name):
    """(RoleFile or None, [problem lines]) for a file's data. Reads no database."""
    try:
        role = RoleFile.model_validate(data)
    except ValidationError as error:
        return None, schema.problems(name, error)
    role._filename = name
    return role, [problem(name, where, message) for where, message in checks.within_file(role)]


def read_role_file(path):
    """(RoleFile or None, [problem lines]) for one file. Reads no database."""
    path = Path(path)
    data, message = parse(path)
    return (None, [problem(path.name, "", message)]) if message else _check(data, path.name)


def read_role_files(paths):
    """(RoleFiles, [problem lines]) for a run: each file checked alone, then against the others."""
    files, problems = [], []
    for path in paths:
        role, lines = read_role_file(path)
        problems += lines
        files += [] if role is None else [role]
    return files, problems + [problem(*found) for found in checks.across_files(files)]


def _save(files, problems, *, force):
    """Check `files` against the database and save them, or raise RoleFileError with every problem."""
    problems += [problem(*found) for found in checks.against_database(files)]
    if problems:
        raise RoleFileError(problems)
    return save_role_files(files, force=force)


def import_roles(paths, *, dry_run=False, force=False):
    """Read, check and save role files in one transaction: ImportCounts, or RoleFileError and nothing
    saved. `force` rewrites roles whose file is unchanged too (undoing edits made in admin since)."""
    files, problems = read_role_files(paths)
    with transaction.atomic():
        counts = _save(files, problems, force=force)
        if dry_run:
            transaction.set_rollback(True)
    return counts


def save_role_data(data, *, name):
    """Check and save one role given as file data (a dict, as `dump_role` gives), rewriting the role
    whatever its stored hash; RoleFileError (problems named after `name`) and nothing saved if
    anything is wrong. Publishing a draft and rolling back to a revision go through here, so they
    obey every rule a file does. Call it inside a transaction."""
    role, problems = _check(data, name)
    if role is None:
        raise RoleFileError(problems)
    return _save([role], problems, force=True)
