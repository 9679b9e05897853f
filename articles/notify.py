"""Kept for job rows queued before the move to ``comments/notify.py``.

django-tasks stores a job's task by its import path; a row queued by an older
release names ``articles.notify.notify_moderators_task``, which the worker
imports when it runs the row. Remove once no such row can be left in the queue.
"""

from .comments.notify import notify_moderators_task

__all__ = ["notify_moderators_task"]
