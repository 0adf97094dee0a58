import fcntl
import shutil
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.db import connection

from tests.deploy.helpers import PASSWORD, ROOT, USERNAME, clean_env, production_env


def made_once(tmp_path_factory, worker_id, name, make):
    """`make(path)` run once per test run for the file or folder `name`, shared by the xdist workers (the first one
    makes it while the others wait): a migration takes 15 s."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the run's own folder, above each worker's
    path = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            making = root / f"{name}.making"
            shutil.rmtree(making, ignore_errors=True)
            make(making)
            making.rename(path)
    return path


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory, worker_id):
    """A SQLite file with every migration applied, made once; copy it before use."""

    def migrate(path):
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT, env=clean_env(DATABASE_URL=f"sqlite:///{path}"), check=True, timeout=300,
        )

    return made_once(tmp_path_factory, worker_id, "migrated.sqlite3", migrate)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory, worker_id):
    """Static files collected once: production pages need the hashed-name manifest."""

    def collect(root):
        env = production_env(tmp_path_factory.mktemp("collect"), STATIC_ROOT=root)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                       cwd=ROOT, env=env, check=True, timeout=300)

    return made_once(tmp_path_factory, worker_id, "static", collect)


@pytest.fixture
def database_url(transactional_db, request, tmp_path):
    """The database both servers share, with a superuser in it (committed, so other processes see it)."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        shared = tmp_path / "shared.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), shared)
        url = f"sqlite:///{shared}"
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", USERNAME,
         "--email", "office@changshou.example"],
        cwd=ROOT, env=clean_env(DATABASE_URL=url, DJANGO_SUPERUSER_PASSWORD=PASSWORD), check=True, timeout=120,
        capture_output=True,
    )
    return url
