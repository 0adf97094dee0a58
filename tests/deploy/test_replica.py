"""The read replica serves only public reads of visitors who are not logged in, and never stale own writes."""

import shutil
import sqlite3

import pytest

from tests.deploy.helpers import clean_env, run_probe


@pytest.fixture(scope="module")
def routing(tmp_path_factory, migrated_sqlite):
    folder = tmp_path_factory.mktemp("replica")
    primary, replica = folder / "primary.sqlite3", folder / "replica.sqlite3"
    shutil.copyfile(migrated_sqlite, primary)
    shutil.copyfile(migrated_sqlite, replica)
    # The replica lags: the primary has a community the replica has not received yet.
    with sqlite3.connect(primary) as db:
        db.execute("INSERT INTO members_community (name, code, address) VALUES ('Just added', 'N1', '')")
    env = clean_env(
        DATABASE_URL=f"sqlite:///{primary}", DATABASE_REPLICA_URL=f"sqlite:///{replica}", ALLOWED_HOSTS="testserver"
    )
    return run_probe("replica_probe", env)


def test_public_pages_of_anonymous_visitors_read_the_replica(routing):
    assert routing["anonymous_page"]["status"] == 200
    assert routing["anonymous_page"]["replica"] > 0
    assert routing["anonymous_page"]["primary"] == 0  # the site version aside (one row, see the probe)
    assert routing["anonymous_read"] == {"primary": 0, "replica": 1, "count": 0, "pinned": False}


def test_logged_in_users_read_the_primary(routing):
    assert routing["logged_in_page"]["status"] == 200
    assert routing["logged_in_page"]["replica"] == 0
    assert routing["logged_in_page"]["primary"] > 0


def test_a_browser_that_just_wrote_reads_the_primary(routing):
    assert routing["pinned_page"]["replica"] == 0
    assert routing["pinned_read"] == {"primary": 1, "replica": 0, "count": 1, "pinned": False}


def test_other_methods_than_get_read_the_primary(routing):
    assert routing["anonymous_post_read"] == {"primary": 1, "replica": 0, "count": 1, "pinned": False}


def test_after_a_write_the_request_reads_its_own_write_and_pins_the_browser(routing):
    result = routing["read_write_read"]
    assert result["before"] == 0  # the replica's (lagging) view
    assert result["after"] == 2  # the primary: the community added earlier plus this request's
    assert result["pinned"] is True


def test_reads_inside_a_transaction_use_the_primary(routing):
    result = routing["read_in_transaction"]
    assert result["replica"] == 0
    assert result["count"] >= 1


def test_commands_and_jobs_read_the_primary(routing):
    assert routing["outside_requests"] == {"primary": 1, "replica": 0}
