"""Sample content: realistic Vietnamese articles, bylines, tags and comments.

For the demo, the tests and benchmarks (``manage.py generate_content``,
``load_demo``). ``vocabulary`` holds the words, ``generator`` builds rows from
a seed, and ``bulkload`` writes them in committed batches (``COPY`` on
PostgreSQL, with the indexes of a large load dropped and rebuilt).
"""
