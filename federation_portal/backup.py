"""Backups of the database and the uploaded files, and their restore.

PostgreSQL is dumped with pg_dump (custom format) and restored with pg_restore; SQLite is copied
with its online backup API, so a running site can be backed up. Uploaded files go into a tarball.
A manifest records the row count of every table, so a restore can be checked.
"""

import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connection
from django.utils import timezone


def _pg_env(db):
    env = os.environ.copy()
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db):
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def table_counts(conn=connection):
    """Rows per table of the project's own models, e.g. {"members_organization": 160}."""
    from django.apps import apps

    counts = {}
    with conn.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:  # no table of its own (stats.StaffPages: permissions)
                continue
            table = model._meta.db_table
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names come from the models
            counts[table] = cursor.fetchone()[0]
    return counts


def create_backup(destination):
    """Write db + media + manifest.json into `destination` (a new folder); return its path.

    Backups hold every resident's name and mobile: the folder is 0700 and its files 0600, whatever the umask."""
    destination = Path(destination)
    previous_umask = os.umask(0o077)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.mkdir(mode=0o700, exist_ok=False)
        destination.chmod(0o700)
        _write_backup(destination)
    finally:
        os.umask(previous_umask)
    for path in destination.iterdir():
        path.chmod(0o600)
    return destination


def _write_backup(destination):
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(destination / "db.dump"),
             *_pg_args(db), db["NAME"]],
            check=True, env=_pg_env(db),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(destination / "db.sqlite3")
        with target:
            connection.connection.backup(target)
        target.close()
    else:
        raise RuntimeError(f"No backup method for {connection.vendor}.")
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(destination / "media.tar.gz", "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "tables": table_counts(),
    }
    (destination / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))


def restore_backup(source, *, database_url=None, media_root=None):
    """Load a backup into a database (the configured one by default) and media folder.

    The target database should be empty (a new database, or one about to be replaced):
    PostgreSQL restores drop and recreate the objects of the dump.
    """
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text())
    db = dj_database_url.parse(database_url) if database_url else connection.settings_dict
    engine = db["ENGINE"]
    if manifest["vendor"] == "postgresql":
        if "postgresql" not in engine:
            raise RuntimeError("A PostgreSQL backup can only be restored into PostgreSQL.")
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             *_pg_args(db), "--dbname", db["NAME"], str(source / "db.dump")],
            check=True, env=_pg_env(db),
        )
    else:
        if "sqlite" not in engine:
            raise RuntimeError("A SQLite backup can only be restored into SQLite.")
        backup = sqlite3.connect(source / "db.sqlite3")
        if database_url:
            target = sqlite3.connect(db["NAME"])
            with target:
                backup.backup(target)
            target.close()
        else:
            connection.ensure_connection()
            backup.backup(connection.connection)
        backup.close()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "media.tar.gz", "r:gz") as archive:
        for member in archive.getmembers():
            if not member.name.startswith("media"):
                continue
            member.name = member.name[len("media"):].lstrip("/") or "."
            archive.extract(member, media_root, filter="data")
    return manifest
