"""gunicorn settings for the Federation Portal (`make serve`, deploy/systemd/federation-portal.service).

Every value can be changed from the environment (deploy/federation-portal.env.example lists them);
the defaults suit one machine behind nginx on the same host. Command-line options override this file.
"""

import os

wsgi_app = "federation_portal.wsgi:application"
proc_name = "federation-portal"

# Where nginx or the load balancer reaches this app server; "0.0.0.0:8000" when they are on other hosts.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# The usual (2 × cores) + 1 synchronous workers: the portal's requests are short database round trips.
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
workers = int(os.environ.get("GUNICORN_WORKERS") or os.environ.get("WEB_CONCURRENCY") or 2 * cores + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that takes longer than this kills its worker (keep DB_STATEMENT_TIMEOUT below it);
# on restart, workers get as long to finish the requests they are serving.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # nginx keeps upstream connections open
# Recycle workers now and then so that slow memory growth never builds up; jitter avoids all at once. A restart
# costs the worker's warm state (imports, connections, compiled templates): at 1,000 requests a cached page takes
# about a second of a worker at full load, and issue 24 measured 45 % of cached throughput lost to it. 10,000
# (with up to 10 % jitter) recycles each worker every few minutes at full load, hours on a normal day.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10
# Load the app once in the master and fork the workers from it (less memory, faster restarts). Off by default:
# nothing in the app opens a connection at import, but it has not been measured on this machine yet.
preload_app = os.environ.get("GUNICORN_PRELOAD", "0") == "1"

# X-Forwarded-Proto is believed only from these addresses (nginx on this host by default; the load
# balancer's address when nginx runs elsewhere). gunicorn reads FORWARDED_ALLOW_IPS itself; repeated here
# so that the setting is visible in one place.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# systemd (or make serve) manages the processes through signals; no gunicornc control socket, which would
# also collide between two instances on one host.
control_socket_disable = True

# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs: JSON lines (federation_portal/logs.py). The access log goes to stdout with method, path (never the
# query string), status, size, duration and the request id; gunicorn's own messages go to stderr.
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = "%(m)s %(U)s %(s)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "federation_portal.logs.JSONFormatter"}},
    "handlers": {
        "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
    },
}
