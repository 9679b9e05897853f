"""gunicorn settings for Newsroom: ``gunicorn -c deploy/gunicorn.conf.py
newsroom.wsgi:application`` (deploy/newsroom.service runs exactly that).

Sync workers, 2 x cores + 1, as ``make bench`` measures them (bench/run.py):
each serves one request at a time, so nginx in front buffers slow clients
(deploy/nginx.conf). See docs/deployment.md, "App servers".
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# WEB_CONCURRENCY is the usual override (and what some platforms set).
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A worker stuck on one request is killed and replaced after 30 s; on reload
# or stop, workers get 30 s to finish what they are serving.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory growth), not all at the same moment.
max_requests = 2000
max_requests_jitter = 200
limit_request_line = 4094
limit_request_field_size = 8190
# No preload: on `systemctl reload newsroom` (HUP) new workers import the new
# code while the old ones finish their requests, so a deploy drops nothing.
preload_app = False
# Logs to stdout/stderr, collected by journald under systemd.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# nginx on the same machine sets X-Forwarded-Proto; trust it from there only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
