"""Reads of public pages from a PostgreSQL streaming replica (set DATABASE_REPLICA_URL).

The rule is kept small so that it is easy to trust:

- only GET/HEAD requests of visitors who are not logged in may read from the replica
  (`ReplicaMiddleware` decides per request); staff, organizations and reviewers always read the primary;
- never inside a transaction, and never once the request has written something;
- sessions, accounts, login lockouts and the admin log are always read from the primary;
- a visitor who has just written something (an event sign-up, say) reads from the primary for
  DATABASE_REPLICA_PIN_SECONDS afterwards, through a cookie, so they see their own change;
- outside a request (management commands, cron jobs, the shell) everything uses the primary.

Trade-off: a resident may see a public page up to the replica's lag (normally well under a second)
behind changes made by other people. Writes always go to the primary.
"""

import contextvars
from dataclasses import dataclass

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "axes", "admin"})


@dataclass
class RoutingState:
    use_replica: bool = False
    has_written: bool = False


_state = contextvars.ContextVar("database_routing", default=None)


def begin_request(*, use_replica):
    """Start routing one request; returns (state, token) — pass the token to `end_request`."""
    state = RoutingState(use_replica=use_replica)
    return state, _state.set(state)


def end_request(token):
    _state.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is None or not state.use_replica or state.has_written:
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            state.has_written = True  # read your own writes for the rest of the request
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY  # a streaming replica follows the primary's schema by itself
