"""Readers' comments: everything but the tables (``articles/models/comment.py``).

In the order a post meets them: ``limits`` (rate limits, duplicate claims in
the cache), ``tokens`` (the time trap's form token and the poster's own-comment
token, signed), ``forms`` (``CommentForm``), ``services`` (``comment_create``
and the moderation writes), which asks ``blocklist`` (the blocked terms, read
from the database and cached) and ``scoring`` (``assess``: pure). Then
``notify`` (the moderators' email, a background job), ``admin`` (the
moderation queue and the blocklist) and ``section`` (the article page's
comment section).

An IP says little about who posts: Vietnamese mobile networks put many readers
behind one carrier-grade NAT address. So the email and the text decide; an IP
only adds a few points, and an IP block expires.
"""
