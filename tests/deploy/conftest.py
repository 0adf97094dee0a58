import subprocess
import sys

import pytest

from tests.deploy.helpers import ROOT, clean_env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file with every migration applied, made once; copy it before use."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT, env=clean_env(DATABASE_URL=f"sqlite:///{path}"), check=True, timeout=300,
    )
    return path
