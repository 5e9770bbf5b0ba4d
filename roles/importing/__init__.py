"""Role guide files (docs/role-format.md): read and check them, save them, dump a role back.

- `read_role_files(paths)` parses and checks files into plain `RoleFile` data. It reads no database.
- `save_role_files(files)` writes checked files inside one transaction, touching only rows that differ,
  so saving what is already stored writes nothing at all.
- `import_roles(paths)` does both, plus the checks that need the database (role references, names
  already taken), in one transaction; if anything is wrong it saves nothing.
- `dump_role(role)` turns a stored role back into the same format; `to_yaml`/`to_json` serialise it.

Bad input raises `RoleFileError`, which carries every problem found, one line each, naming the file,
the field and the entry: `senior-ml-engineer.yaml: skills[3].target: 7 is not between 1 and 5`.

The format is described once, by the field tables in `schema` (`ROLE`, `SKILL`, `COURSE`,
`SECTIONS`...), built from the field types in `fields`: reading (`reading`), saving (`saving`) and
dumping (`export`) all follow them. `problems` collects what is wrong, one line each.
"""

from .export import dump_role, to_json, to_yaml
from .problems import RoleFileError, _short
from .reading import RoleFile, import_roles, read_role_file, read_role_files
from .saving import ImportCounts, save_role_files
from .schema import SECTIONS

__all__ = [
    "SECTIONS",
    "ImportCounts",
    "RoleFile",
    "RoleFileError",
    "_short",
    "dump_role",
    "import_roles",
    "read_role_file",
    "read_role_files",
    "save_role_files",
    "to_json",
    "to_yaml",
]
