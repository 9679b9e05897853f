"""Background jobs and mail servers for tests: run the queued jobs in-process,
and real SMTP servers on 127.0.0.1 (one that delivers, ones that hang).
"""

import asyncio
import email
import socket
import threading
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.live import free_port


def run_pending_jobs() -> int:
    """Run every job that is due, one after the other, as ``manage.py
    db_worker --batch`` does: the worker's own claim and ``run_task``, in this
    process and inside the test's transaction. (Not ``Worker.run()`` itself:
    it closes "old" database connections between jobs, which would close the
    test's connection mid-transaction.) How many ran."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            job = DBTaskResult.objects.ready().get_locked()
            if job is None:
                return ran
            job.claim(worker.worker_id)
        worker.run_task(job)
        ran += 1


def use_smtp(settings, port: int, timeout: float = 1) -> None:
    """Send the site's mail over SMTP to 127.0.0.1:``port``, giving up after
    ``timeout`` seconds, to one moderator address."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = timeout
    settings.COMMENT_MODERATOR_EMAILS = ["kiem-duyet@example.vn"]


class Inbox:
    """aiosmtpd on a free port that accepts every message and keeps it."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    # aiosmtpd calls its handler's handle_<SMTP verb> hooks.
    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=default_policy)
        )
        return "250 OK"

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()


class StallingServer(Inbox):
    """aiosmtpd that greets, takes the envelope, then never answers the
    message's end (a mail server stuck on its spool). It gives up after
    ``hang_for`` seconds so that code without a timeout fails a test instead
    of hanging it."""

    def __init__(self, hang_for: float = 15):
        super().__init__()
        self.hang_for = hang_for
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.hang_for)
        return "421 gave up"


class SilentServer:
    """A TCP listener on 127.0.0.1 that accepts connections and never says a
    word (not even the SMTP greeting), like a mail server whose process is
    wedged. Each connection is dropped after ``hang_for`` seconds, so that code
    without a timeout fails a test instead of hanging it."""

    def __init__(self, hang_for: float = 15):
        self.hang_for = hang_for
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        self._listener.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            timer = threading.Timer(self.hang_for, conn.close)
            timer.daemon = True
            timer.start()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopped.set()
        self._thread.join()
        self._listener.close()
