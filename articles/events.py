"""Signals the app sends: the hooks other parts connect to.

A leaf that imports nothing of the app, so the sender (``services``) and the
listeners (``signals``, for the page cache) both import it without importing
each other.
"""

from django.dispatch import Signal

# Sent after commit, with ``article_ids``, whenever what an article's page shows
# of its comments may have changed: a comment approved, rejected, marked spam,
# deleted or edited, comments opened or closed. Sent by
# ``comments.services.comments_changed``, the one place that also recounts.
comment_counts_changed = Signal()
