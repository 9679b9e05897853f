"""Vietnamese full-text search, on PostgreSQL and on SQLite, with one contract.

- Tone marks and case are ignored: "ha noi hop tac" finds "Hà Nội ... hợp tác"
  and "đảng" and "dang" find each other.
- Every word of the query must occur (title, sapo or body).
- Ranking: all words in the title first, then all words in title and sapo,
  then the rest; newer before older inside each tier. Only the newest
  ``MAX_RESULTS`` matches are ranked (see below). Tiers rather than a
  relevance score keep the order the same on both databases and predictable
  for editors.
- Words the reader typed with their marks ("bão") rank the articles that
  hold them written that way above the rest, in the same three tiers: in
  Vietnamese another tone is usually another word ("bão" storm, "báo"
  newspaper, "bảo" in "bảo tàng"), so a folded match is the weaker one.
  Words typed without marks ("bao") leave the order as above.

The index lives in the database and is kept current by triggers, whichever path
writes the row (admin, importer, ``QuerySet.update()``, a shell):

- PostgreSQL: a ``tsvector`` column (title weight A, sapo B, body C) filled by
  a BEFORE INSERT/UPDATE OF title, sapo, body trigger, with a GIN index. The
  text-search configuration ``vi_unaccent`` is ``simple`` with ``unaccent``
  in front, so "Đảng" is stored as "dang". A trigger rather than a generated
  column because PostgreSQL recomputes stored generated columns on every
  UPDATE, and the view-count flush updates many rows that did not change text.
- SQLite: an FTS5 table (``unicode61 remove_diacritics 2``, which strips every
  Vietnamese mark but leaves "đ", a letter of its own, so the triggers fold
  it) with insert, update and delete triggers.

The query is folded in Python with ``articles.text.fold`` and split into words,
so punctuation, SQL, ``%`` or ``_`` never reach a query parser as syntax. The
marked words are checked on the ranked rows only (at most ``MAX_RESULTS``),
against the stored text, with a pattern built here from letters alone: the
index, the window and their plans are the same with or without marks.
"""

import re
import unicodedata
from datetime import datetime, time, timedelta
from functools import cache

from django.db import connections
from django.db.models import BooleanField, Expression, IntegerField
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .text import TONE_MARKS, canonical_tone_placement, fold, html_to_text, nfc

MAX_TERMS = 12
# Ranking sorts the newest matches only: a common word ("hà nội") matches a
# third of a newspaper's archive, and sorting all of it for every search would
# cost a full scan. The newest MAX_RESULTS matches come off the date index (or
# off the GIN index for rare words) and only they are ranked.
MAX_RESULTS = 200
# PostgreSQL first looks for them among this many newest articles, walking the
# date index (see newest_match_ids).
RECENT_WINDOW = 20_000
MAX_TERM_LENGTH = 60
SNIPPET_WORDS = 40

TABLE = "articles_article"
FTS_TABLE = "articles_article_fts"
PG_CONFIG = "public.vi_unaccent"

_TERM_RE = re.compile(r"[^\W_]+")
_WORD_RE = re.compile(r"[^\W_]+")


def search_terms(query: str) -> list[str]:
    """The words of a reader's query, folded: ``"HÀ NỘI!"`` -> ``["ha", "noi"]``.

    Duplicates are dropped and the list is capped, so a 500-character query
    costs no more than a short one.
    """
    terms = []
    for term in _TERM_RE.findall(fold(query or "")):
        term = term[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def filtered(queryset, *, section=None, since=None, until=None):
    """``queryset`` narrowed by the search form's filters: a ``section`` (its
    sub-sections included) and the days ``since`` to ``until``, both included.

    Days are whole days in the paper's time zone (Vietnam), as readers mean
    them, not UTC days.
    """
    if section:
        queryset = queryset.in_category(section)
    if since:
        queryset = queryset.filter(published_at__gte=_day_start(since))
    if until:
        queryset = queryset.filter(
            published_at__lt=_day_start(until) + timedelta(days=1)
        )
    return queryset


def _day_start(day):
    """Midnight of ``day`` in the paper's time zone (Vietnam)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def marked_terms(query: str) -> list[str]:
    """The words of a reader's query typed with marks, lower case, as typed:
    ``"Bão số 3 ha noi"`` -> ``["bão", "số"]``.

    A word typed without marks ("ha") says nothing about its spelling, so it
    is not here; ranking holds only these to their marks.
    """
    terms = []
    for term in _TERM_RE.findall(nfc(query or "").lower()):
        term = term[:MAX_TERM_LENGTH]
        if fold(term) != term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


# --- the index ----------------------------------------------------------------

_SQLITE_FOLD = "replace(replace({}, 'đ', 'd'), 'Đ', 'D')"


def _sqlite_values(row: str) -> str:
    return ", ".join(
        [
            _SQLITE_FOLD.format(f"coalesce({row}.title, '')"),
            _SQLITE_FOLD.format(f"coalesce({row}.sapo, '')"),
            _SQLITE_FOLD.format(f"articles_plain_text({row}.body)"),
        ]
    )


SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, title, sapo, body)
            VALUES (new.id, {_sqlite_values("new")});
        END""",
    f"{FTS_TABLE}_ad": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, sapo, body)
            VALUES ('delete', old.id, {_sqlite_values("old")});
        END""",
    f"{FTS_TABLE}_au": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au
        AFTER UPDATE OF title, sapo, body ON {TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, sapo, body)
            VALUES ('delete', old.id, {_sqlite_values("old")});
            INSERT INTO {FTS_TABLE}(rowid, title, sapo, body)
            VALUES (new.id, {_sqlite_values("new")});
        END""",
}

PG_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'vi_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG}
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
        END IF;
    END $$""",
    # Punctuation becomes a space, so "TP.HCM" is the words "tp" and "hcm" here
    # as in SQLite's tokenizer, and "19/10/2023" is three numbers.
    """
    CREATE OR REPLACE FUNCTION articles_search_clean(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT regexp_replace(
            regexp_replace(coalesce(value, ''), '&[#a-zA-Z0-9]+;', ' ', 'g'),
            '[[:punct:]]', ' ', 'g')
    $$""",
    f"""
    CREATE OR REPLACE FUNCTION articles_article_search_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('{PG_CONFIG}', articles_search_clean(NEW.title)), 'A')
            || setweight(to_tsvector('{PG_CONFIG}',
                                     articles_search_clean(NEW.sapo)), 'B')
            || setweight(to_tsvector('{PG_CONFIG}', articles_search_clean(
                   regexp_replace(coalesce(NEW.body, ''), '<[^>]*>', ' ', 'g'))), 'C');
        RETURN NEW;
    END $$""",
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"DROP TRIGGER IF EXISTS {TABLE}_search_update ON {TABLE}",
    f"""
    CREATE TRIGGER {TABLE}_search_update
    BEFORE INSERT OR UPDATE OF title, sapo, body ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_update()""",
    f"""
    CREATE INDEX IF NOT EXISTS {TABLE}_search_idx ON {TABLE}
    USING gin (search_vector)""",
]

# --- the trigger's vector, computed in Python -----------------------------------
# A bulk load (``articles.sample``) turns the trigger off and writes the vector
# itself, so this must give what ``articles_article_search_update()`` above
# gives for the same text; tests/articles/test_search.py compares the two.

_ENTITY_RE = re.compile(r"&[#a-zA-Z0-9]+;")


@cache
def _fold_table() -> dict[int, str]:
    """``str.translate`` table doing ``articles.text.fold`` for Latin letters."""
    table = {}
    for code in range(0xC0, 0x2000):
        folded = fold(chr(code))
        if folded != chr(code):
            table[code] = folded
    return table


def search_words(text: str) -> list[str]:
    """The words ``to_tsvector('vi_unaccent', articles_search_clean(text))`` keeps,
    in order, for plain Vietnamese text such as the sample content's (checked
    against PostgreSQL in the tests)."""
    text = _ENTITY_RE.sub(" ", text).translate(_fold_table()).lower()
    return _WORD_RE.findall(text)


def search_vector(parts) -> str:
    """tsvector text for (quoted words, weight) parts joined with ``||``, as
    the trigger builds it: positions run on across the parts.

    Each word is written once per position ("'ha':1A 'noi':2A 'ha':9C");
    PostgreSQL's tsvector input merges repeated lexemes itself.
    """
    pieces, start = [], 1
    for quoted, weight in parts:
        end = start + len(quoted)
        pieces += map(str.__add__, quoted, _marks(weight)[start:end])
        start = end
    return " ".join(pieces)


@cache
def _marks(weight: str) -> list[str]:
    """Position labels: "1A", "2A", ...; PostgreSQL caps positions at 16383."""
    return [f"{min(position, 16383)}{weight}" for position in range(1 << 16)]


def quoted_words(text: str) -> list[str]:
    """``search_words(text)`` as tsvector input wants them: ``'word':``."""
    return [f"'{word}':" for word in search_words(text)]


def install_search_index(connection, *, rebuild: bool = False) -> bool:
    """Create the index and its triggers if missing; fill it when new.

    Idempotent: the migration calls it, and so does ``post_migrate``, because
    SQLite rebuilds a table (dropping its triggers) when a later migration
    alters a column. Returns True when it (re)built the index.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM pg_trigger WHERE tgname = %s",
                [f"{TABLE}_search_update"],
            )
            missing = cursor.fetchone() is None
            if not (missing or rebuild):
                return False
            if missing:
                for statement in PG_SETUP:
                    cursor.execute(statement)
            # Fires the trigger on every row: the vectors are computed afresh.
            cursor.execute(f"UPDATE {TABLE} SET title = title")
            return True
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name IN (%s, %s, %s)",
                list(SQLITE_TRIGGERS),
            )
            missing = cursor.fetchone()[0] < len(SQLITE_TRIGGERS)
            if not (missing or rebuild):
                return False
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                "title, sapo, body, content='', "
                "tokenize='unicode61 remove_diacritics 2')"
            )
            for statement in SQLITE_TRIGGERS.values():
                cursor.execute(statement)
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')"
            )
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, title, sapo, body) "
                f"SELECT id, {_sqlite_values(TABLE)} FROM {TABLE}"
            )
            return True
    return False


def register_sqlite_functions(sender, connection, **kwargs):
    """Give every SQLite connection the function the index triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "articles_plain_text", 1, html_to_text, deterministic=True
        )


# --- the query ----------------------------------------------------------------


def _pg_query(terms, weights=""):
    return " & ".join(f"{term}:{weights}" if weights else term for term in terms)


def _fts_query(terms, columns=None):
    words = " AND ".join(f'"{term}"' for term in terms)
    if columns:
        return f"{{{' '.join(columns)}}} : ({words})"
    return words


class RowSQL(Expression):
    """SQL about the current article row, ``{row}`` standing for its table.

    Unlike ``RawSQL``, the table reference follows the query's alias, so the
    expression stays correct inside a subquery (where the table is ``U0``).
    """

    def __init__(self, sql, params, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params, self.alias = sql, list(params), None

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias() if query is not None else TABLE
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        row = compiler.quote_name_unless_alias(self.alias)
        return self.sql.replace("{row}", row), self.params


def _match_and_tier(queryset, terms):
    """The (match, tier) SQL expressions for ``terms`` on the queryset's database."""
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        vector = '{row}."search_vector"'
        match = RowSQL(
            f"{vector} @@ to_tsquery('{PG_CONFIG}', %s)",
            [_pg_query(terms)],
            output_field=BooleanField(),
        )
        tier = RowSQL(
            f"CASE WHEN {vector} @@ to_tsquery('{PG_CONFIG}', %s) THEN 2 "
            f"WHEN {vector} @@ to_tsquery('{PG_CONFIG}', %s) THEN 1 ELSE 0 END",
            [_pg_query(terms, "A"), _pg_query(terms, "AB")],
            output_field=IntegerField(),
        )
    elif vendor == "sqlite":
        match_sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        match = RowSQL(
            f'{{row}}."id" IN ({match_sql})',
            [_fts_query(terms)],
            output_field=BooleanField(),
        )
        tier = RowSQL(
            f'CASE WHEN {{row}}."id" IN ({match_sql}) THEN 2 '
            f'WHEN {{row}}."id" IN ({match_sql}) THEN 1 ELSE 0 END',
            [_fts_query(terms, ["title"]), _fts_query(terms, ["title", "sapo"])],
            output_field=IntegerField(),
        )
    else:  # pragma: no cover - the project runs on PostgreSQL or SQLite
        raise NotImplementedError(vendor)
    return match, tier


# What counts as a letter next to a word: ASCII, then the Latin blocks that
# hold "đ", "ơ", "ư" and every vowel with its tone ("ạ", "ế", "ỹ"). As code-point
# ranges, PostgreSQL's regular expressions and Python's (SQLite's REGEXP) read
# them alike, whatever the database's locale.
_LETTERS = "0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff"


def _spellings(word: str) -> list[str]:
    """``word`` and its other tone placement: "hoà" and "hòa", "thuỷ" and "thủy"."""
    traditional = canonical_tone_placement(word)
    spellings = list(dict.fromkeys([word, traditional]))
    decomposed = unicodedata.normalize("NFD", traditional)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    if len(tones) == 1:
        bare = nfc("".join(ch for ch in decomposed if ch not in TONE_MARKS))
        modern = nfc(bare + tones[0])  # the tone on the last letter
        if canonical_tone_placement(modern) == traditional:
            spellings = list(dict.fromkeys([*spellings, modern]))
    return spellings


def _either_case(letter: str) -> str:
    upper = letter.upper()
    return f"[{letter}{upper}]" if len(upper) == 1 and upper != letter else letter


def word_pattern(word: str) -> str:
    """A regular expression for ``word`` (a marked term) standing alone, in
    either case and either tone placement; the same text for both databases.

    Terms hold letters and digits only, so nothing in them is syntax.
    """
    spellings = "|".join(
        "".join(_either_case(letter) for letter in spelling)
        for spelling in _spellings(word)
    )
    return f"(^|[^{_LETTERS}])({spellings})($|[^{_LETTERS}])"


def _as_typed_tier(queryset, marked):
    """3 when every marked word is written as typed in the title, 2 in title and
    sapo, 1 anywhere, else 0. The body is read with its markup: no tag name
    holds a marked word, and a photo's alt text that does is the article's."""
    vendor = connections[queryset.db].vendor
    operator = "~" if vendor == "postgresql" else "REGEXP"
    columns = ['{row}."title"', '{row}."sapo"', '{row}."body"']
    patterns = [word_pattern(word) for word in marked]
    whens, params = [], []
    for tier, width in ((3, 1), (2, 2), (1, 3)):
        sql = " AND ".join(
            "(" + " OR ".join(f"{c} {operator} %s" for c in columns[:width]) + ")"
            for _ in patterns
        )
        whens.append(f"WHEN {sql} THEN {tier}")
        params.extend(p for p in patterns for _ in range(width))
    return RowSQL(
        f"CASE {' '.join(whens)} ELSE 0 END", params, output_field=IntegerField()
    )


def newest_matches(queryset, terms, *fields):
    """The newest ``MAX_RESULTS`` articles of ``queryset`` holding every term
    (their ``pk`` and ``fields``)."""
    match, _tier = _match_and_tier(queryset, terms)
    return (
        queryset.filter(match)
        .order_by("-published_at", "-id")
        .values("pk", *fields)[:MAX_RESULTS]
    )


def newest_match_ids(queryset, terms) -> list[int]:
    """The ids of ``newest_matches``, read so that no word is slow.

    PostgreSQL picks between walking the date index (fast when matches are
    common: it stops after ``MAX_RESULTS``) and the GIN index (fast when they
    are rare: it reads and sorts them all). It estimates a word's frequency,
    and misjudges words that nearly always occur together ("giáo dục"): it
    multiplies their frequencies, expects a few thousand rows, takes the GIN
    index and reads twenty thousand. So the newest ``RECENT_WINDOW`` articles
    are searched first, in a derived table whose own ``LIMIT`` forces the walk
    (the match is computed row by row as the walk goes, and stops at
    ``MAX_RESULTS``); fewer matches there means the words are rare, and the
    whole archive is searched through the GIN index, in the same statement.
    Same ids either way.
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(newest_matches(queryset, terms).values_list("pk", flat=True))
    match, _tier = _match_and_tier(queryset, terms)
    recent = (
        queryset.annotate(search_hit=match)
        .order_by("-published_at", "-id")
        .values("pk", "published_at", "search_hit")[:RECENT_WINDOW]
    )
    whole = newest_matches(queryset, terms, "published_at")
    recent_sql, recent_params = recent.query.sql_with_params()
    whole_sql, whole_params = whole.query.sql_with_params()
    # One statement: the whole archive's branch runs only when the window
    # found fewer than MAX_RESULTS (a one-time filter on the counted CTE).
    sql = (
        f"WITH recent AS (SELECT w.pk, w.published_at FROM ({recent_sql}) w"
        " WHERE w.search_hit ORDER BY w.published_at DESC, w.pk DESC LIMIT %s)"
        " SELECT pk, published_at FROM recent"
        " WHERE (SELECT count(*) FROM recent) = %s"
        f" UNION ALL SELECT x.pk, x.published_at FROM ({whole_sql}) x"
        " WHERE (SELECT count(*) FROM recent) < %s"
    )
    params = [*recent_params, MAX_RESULTS, MAX_RESULTS, *whole_params, MAX_RESULTS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[1], row[0]), reverse=True)
    return [pk for pk, _published in rows]


def ranked(queryset, ids, terms, marked=()):
    """``queryset`` narrowed to ``ids`` (a list or a subquery), best first.

    ``marked`` (``marked_terms(query)``) puts the articles holding those words
    as typed first, each group in the usual tiers.
    """
    _match, tier = _match_and_tier(queryset, terms)
    rows = queryset.filter(pk__in=ids).annotate(search_tier=tier)
    order = ["-search_tier", "-published_at", "-id"]
    if marked:
        rows = rows.annotate(search_as_typed=_as_typed_tier(queryset, marked))
        order.insert(0, "-search_as_typed")
    return rows.order_by(*order)


# --- showing results ----------------------------------------------------------


def highlight(text: str, terms) -> str:
    """``text`` escaped, with the words that match a term wrapped in ``<mark>``."""
    wanted = set(terms)
    out = []
    last = 0
    for match in _WORD_RE.finditer(text):
        if fold(match.group()) in wanted:
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    # Every piece was escaped above; only our <mark> tags are markup.
    return mark_safe("".join(out))


def snippet(article, terms, size: int = SNIPPET_WORDS) -> str:
    """A few dozen words from the sapo or body around the first match."""
    text = " ".join(filter(None, [article.sapo, html_to_text(article.body)]))
    words = text.split()
    wanted = set(terms)
    first = next(
        (
            i
            for i, word in enumerate(words)
            if wanted & {fold(w) for w in _WORD_RE.findall(word)}
        ),
        0,
    )
    start = max(0, first - size // 4)
    piece = " ".join(words[start : start + size])
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + size < len(words) else ""
    return highlight(f"{prefix}{piece}{suffix}", terms)
