"""A backup restored into an empty database gives back every row and every uploaded file."""

import io
import sqlite3
import uuid
from pathlib import Path

import dj_database_url
import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from federation_portal.backup import table_counts
from tests.members.factories import MembershipFactory, OrganizationAccountFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def make_data():
    for n in range(5):
        organization = OrganizationFactory(name=f"备份测试组织 {n}")
        MembershipFactory(organization=organization)
        OrganizationAccountFactory(organization=organization)
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (1, 2, 3)).save(buffer, format="PNG")
    organization.logo.save("logo.png", ContentFile(buffer.getvalue()))
    return organization


def counts_in(database_url, tables):
    """Row counts read straight from the restored database with its own driver."""
    db = dj_database_url.parse(database_url)
    if "sqlite" in db["ENGINE"]:
        conn = sqlite3.connect(db["NAME"])
    else:
        conn = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    try:
        cursor = conn.cursor()
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts
    finally:
        conn.close()


def test_backup_and_restore_into_an_empty_database(tmp_path, settings):
    organization = make_data()
    logo_bytes = Path(organization.logo.path).read_bytes()
    expected = table_counts()
    assert expected["members_organization"] == 5

    call_command("backup_data", output=str(tmp_path / "backup"))
    restored_media = tmp_path / "restored-media"

    if connection.vendor == "sqlite":
        target_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        call_command("restore_data", str(tmp_path / "backup"), database_url=target_url,
                     media_root=str(restored_media), yes=True)
        assert counts_in(target_url, expected) == expected
    else:
        name = f"fp_restore_{uuid.uuid4().hex[:8]}"
        params = connection.get_connection_params()
        admin = psycopg2.connect(**{**params, "dbname": "postgres"})
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        try:
            db = connection.settings_dict
            target_url = f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"
            call_command("restore_data", str(tmp_path / "backup"), database_url=target_url,
                         media_root=str(restored_media), yes=True)
            assert counts_in(target_url, expected) == expected
        finally:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

    restored_logo = restored_media / organization.logo.name
    assert restored_logo.read_bytes() == logo_bytes


def test_restore_refuses_a_backup_of_another_database_kind(tmp_path):
    make_data()
    call_command("backup_data", output=str(tmp_path / "backup"))
    other = "postgres://postgres@127.0.0.1:5432/x" if connection.vendor == "sqlite" else "sqlite:///x.sqlite3"
    with pytest.raises(RuntimeError, match="can only be restored"):
        call_command("restore_data", str(tmp_path / "backup"), database_url=other, yes=True)


def test_sqlite_restore_over_the_live_database_brings_back_deleted_rows(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("restoring over the live database is exercised on SQLite; PostgreSQL uses pg_restore --clean")
    make_data()
    call_command("backup_data", output=str(tmp_path / "backup"))
    from members.models import Organization

    Organization.objects.filter(name__startswith="备份测试组织").delete()
    assert Organization.objects.count() == 0
    call_command("restore_data", str(tmp_path / "backup"), yes=True)
    assert Organization.objects.count() == 5


def test_backups_are_readable_by_their_owner_only(tmp_path):
    import os
    import stat

    os.umask(0o022)
    call_command("backup_data", output=str(tmp_path / "backups" / "one"))
    folder = tmp_path / "backups" / "one"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
    assert modes and set(modes.values()) == {0o600}, modes
