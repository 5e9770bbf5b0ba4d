"""Fill a fresh database with load-test data (what and how much: bench/seeding.py).

    DATABASE_URL=postgres://... .venv/bin/python bench/seed_benchmark.py --password ...  # 1.5-4 minutes
    .venv/bin/python bench/seed_benchmark.py --scale 0.01 --password ...                 # a quick try
    .venv/bin/python bench/seed_benchmark.py --help

The options and messages are those of a management command (`bench.seeding.Command`), which no app
installs: the seeder writes every app's rows, and `roles` imports no other app.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerpath.settings")
    import django

    django.setup()  # before the seeder imports any model
    from bench.seeding import Command

    Command().run_from_argv(["python", "bench/seed_benchmark.py", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
