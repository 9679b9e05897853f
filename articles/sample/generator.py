"""Sample rows, built deterministically from a seed.

``Generator`` turns one ``random.Random(seed)`` stream into article, byline,
tagging and comment rows (tuples in the column orders below) for
``articles.sample.bulkload`` to write. Neither the COPY nor the INSERT path
calls ``save()``, so every column ``save()`` would fill is set here the same
way: the NFC text (``NormalizedTextModel``), the article's slug, sanitised
body, ``body_image_rights`` and version, the comment's ``body_hash``
(``articles.comments.scoring.body_fingerprint``), ``ip_hash``, ``link_count`` and spam
score, and ``Article.comment_count`` as ``refresh_comment_counts`` would count
it. In bulk mode, with the search trigger off, the article row also carries
the search vector the trigger would have computed (``articles.search``).

The same seed gives the same rows in the same order; only the times move
with the clock. Every draw from the stream is part of that promise: reorder
none of them.
"""

import math
import random
from datetime import timedelta
from functools import cache

from django.utils import timezone
from django.utils.html import escape

from articles.client_ip import hash_ip
from articles.comments.scoring import body_fingerprint, count_links
from articles.models import Article, Author, Category, Comment, Image, Tag
from articles.models.taxonomy import normalize_tag_name
from articles.placeholder import create_placeholder_image
from articles.search import quoted_words, search_vector
from articles.text import fold, nfc, vi_slugify

from .vocabulary import (
    AUTHORS,
    COMMENT_SENTENCES,
    COVER_CAPTION,
    COVER_COLOURS,
    COVER_CREDIT,
    EMAIL_DOMAINS,
    FAMILY_NAMES,
    GENERIC_SENTENCES,
    GIVEN_NAMES,
    HEADINGS,
    IP_PREFIXES,
    LABELS,
    MIDDLE_NAMES,
    PEN_NAMES,
    QUOTES,
    REPLY_OPENERS,
    SECTIONS,
    SPAM_BODIES,
    SPEAKERS,
    TAGS,
    TOPIC_TAGS,
    TOPICS,
)

# A comment's fate: most are approved, some wait, a few are refused or spam.
# (approved 86%, pending 7%, rejected 3%, spam 4%)
APPROVED_UNDER, PENDING_UNDER, REJECTED_UNDER = 0.86, 0.93, 0.96
# Articles not (yet) public, for the share ``--unpublished-ratio`` asks for.
UNPUBLISHED_KINDS = [
    ("draft", 0.5),
    ("submitted", 0.2),
    ("approved", 0.1),
    ("scheduled", 0.15),
    ("unpublished", 0.05),
]
REPLY_RATIO = 0.25
POSTERS = 20_000
# Half of a comment thread arrives within about four hours of publication.
COMMENT_MEAN_DELAY = 6 * 3600

ARTICLE_COLUMNS = [
    "id", "title", "slug", "sapo", "body", "category_id", "cover_id",
    "cover_caption", "body_image_rights", "status", "published_at",
    "embargo_until", "modified_at", "featured", "comments_enabled", "seo_title",
    "seo_description", "view_count", "comment_count", "created_at", "updated_at",
    "created_by_id", "updated_by_id", "version",
]  # fmt: skip
COMMENT_COUNT = ARTICLE_COLUMNS.index("comment_count")
# PostgreSQL's full-text column (articles.search), outside the model; written
# only in bulk mode, when the trigger that fills it is off for the session.
VECTOR = "search_vector"
COMMENT_COLUMNS = [
    "id", "article_id", "parent_id", "name", "email", "body", "status",
    "created_at", "ip_hash", "body_hash", "link_count", "spam_score",
    "spam_reasons", "links_allowed", "moderated_at", "moderated_by_id",
    "notified_at",
]  # fmt: skip


# The through rows carry the article's publish time while it is published
# (``Article.listed_at``), for the tag and author listings' own indexes.
BYLINE_COLUMNS = ["article_id", "author_id", "position", "listed_at"]
TAGGING_COLUMNS = ["content_object_id", "tag_id", "listed_at"]


@cache
def _slug(title: str) -> str:
    return vi_slugify(title, max_length=200) or "bai-viet"


class Prose:
    """The sentence pools, NFC and HTML-escaped once, with their search words.

    Choosing a few distinct sentences is the hot path of a million articles:
    a slice of one of a few hundred shuffled orders of a pool costs a fraction
    of ``random.sample``.
    """

    ORDERS = 256

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words = {}
        self.html = {}
        generic = [nfc(s) for s in GENERIC_SENTENCES]
        self.topics = {}
        for slug, topic in TOPICS.items():
            sentences = [nfc(s) for s in topic["sentences"]]
            self.topics[slug] = (
                [nfc(s) for s in topic["subjects"]],
                [nfc(s) for s in topic["actions"]],
                self._orders(sentences),
                self._orders(sentences + generic),
            )
        self.any_topic = list(self.topics.values())
        self.labels = [nfc(s) for s in LABELS]
        self.headings = [nfc(s) for s in HEADINGS]
        self.quotes = [nfc(f"“{q}”, {s} cho biết.") for q in QUOTES for s in SPEAKERS]
        self.comments = self._orders([nfc(s) for s in COMMENT_SENTENCES])
        self.openers = [nfc(s) for s in REPLY_OPENERS]
        for text in [*self.labels, *self.headings, *self.quotes]:
            self._learn(text)

    def _orders(self, pool: list[str]) -> list[list[str]]:
        for text in pool:
            self._learn(text)
        orders = []
        for _ in range(self.ORDERS):
            order = pool[:]
            self.rng.shuffle(order)
            orders.append(order)
        return orders

    def _learn(self, text: str) -> None:
        self.html[text] = escape(text)
        self.words[text] = quoted_words(text)

    def pick(self, orders: list[list[str]], count: int) -> list[str]:
        """``count`` distinct sentences of one pool, in random order."""
        order = orders[int(self.rng.random() * len(orders))]
        return order[:count]

    def article(self, slug: str):
        """(title, sapo, body HTML, search words of title, sapo and body)."""
        rng = self.rng
        random_ = rng.random
        subjects, actions, own, pool = self.topics.get(slug) or rng.choice(
            self.any_topic
        )
        title = (
            f"{subjects[int(random_() * len(subjects))]} "
            f"{actions[int(random_() * len(actions))]}"
        )
        lead = self.pick(own, 2)
        sapo = " ".join(lead)
        html, words = self.html, self.words
        paragraphs, body_words = [], []
        for number in range(4 + int(random_() * 5)):
            chosen = self.pick(pool, 2 + int(random_() * 3))
            roll = random_()
            if roll < 0.2:
                label = self.labels[int(random_() * len(self.labels))]
                paragraphs.append(
                    f"<p><strong>{html[label]}:</strong> "
                    + " ".join([html[s] for s in chosen])
                    + "</p>"
                )
                body_words += words[label]
                for sentence in chosen:
                    body_words += words[sentence]
            elif roll < 0.3:
                quote = self.quotes[int(random_() * len(self.quotes))]
                paragraphs.append(f"<p>{html[quote]}</p>")
                body_words += words[quote]
            else:
                paragraphs.append("<p>" + " ".join([html[s] for s in chosen]) + "</p>")
                for sentence in chosen:
                    body_words += words[sentence]
            if number == 2 and random_() < 0.3:
                heading = self.headings[int(random_() * len(self.headings))]
                paragraphs.append(f"<h2>{html[heading]}</h2>")
                body_words += words[heading]
        title_words = quoted_words(title)
        sapo_words = [word for sentence in lead for word in words[sentence]]
        return (
            title,
            sapo,
            "\n".join(paragraphs),
            (title_words, sapo_words, body_words),
        )

    def comment(self, reply: bool) -> str:
        random_ = self.rng.random
        if reply:
            opener = self.openers[int(random_() * len(self.openers))]
            return " ".join([opener, *self.pick(self.comments, int(random_() * 3))])
        return " ".join(self.pick(self.comments, 1 + int(random_() * 3)))


class Generator:
    """Makes the rows, batch by batch, from one random stream (the seed)."""

    def __init__(
        self,
        *,
        seed: int,
        days: int,
        featured_ratio: float,
        cover_ratio: float,
        unpublished_ratio: float,
        with_search_vector: bool = False,
        now=None,
    ):
        self.rng = random.Random(seed)
        self.prose = Prose(self.rng)
        self.now = now or timezone.now().replace(second=0, microsecond=0)
        self.span = days * 24 * 60  # minutes
        self.featured_ratio, self.cover_ratio = featured_ratio, cover_ratio
        self.unpublished_ratio = unpublished_ratio
        self.with_search_vector = with_search_vector
        self.categories = _categories()
        # Written outside the batches: a rollback could not remove the files,
        # and kept rows are simply reused by the next run.
        self.covers = [image.pk for image in _covers(self.categories)]
        self.authors = [author.pk for author in _authors()]
        self.tags = {name: tag.pk for name, tag in _tags().items()}
        self.section_tags = {
            category.pk: [
                self.tags[normalize_tag_name(name)]
                for name in TOPIC_TAGS.get(category.slug, TAGS)
            ]
            for category in self.categories
        }
        self.posters = []
        self.fingerprints = {}
        self.links = {}

    # --- articles ---------------------------------------------------------------

    def articles(self, ids: list[int], first: int, total: int):
        """Rows for the articles ``first .. first + len(ids)`` of ``total``.

        Returns (article rows, byline rows, tagging rows, public articles as
        (row, published_at, weight)). Publish times rise with the id, as in a
        real archive, spread over ``--days``.
        """
        rng, count, now = self.rng, len(ids), self.now
        random_ = rng.random
        featured = self._pick(first, count, self.featured_ratio)
        with_cover = self._pick(first, count, self.cover_ratio)
        categories, covers, authors = self.categories, self.covers, self.authors
        published = Article.Status.PUBLISHED
        rows, bylines, taggings, public = [], [], [], []
        for offset, pk in enumerate(ids):
            index = first + offset
            category = categories[int(random_() * len(categories))]
            title, sapo, body, words = self.prose.article(category.slug)
            age = max(5, round(self.span * (1 - (index + random_()) / total)))
            published_at = now - timedelta(minutes=age)
            status = published
            if random_() < self.unpublished_ratio:
                status, published_at = self._unpublished(published_at)
            created_at = (published_at or now) - timedelta(
                minutes=10 + int(random_() * 590)
            )
            is_featured = offset in featured
            row = [
                pk,
                title,
                _slug(title),
                sapo,
                body,  # built from escaped text in <p>, <strong>, <h2>: nh3 keeps it
                category.pk,
                covers[int(random_() * len(covers))] if offset in with_cover else None,
                "",
                "{}",  # no library photo in the body: no rights to track
                status,
                published_at,
                None,
                None,
                is_featured,
                random_() >= 0.02,  # a few articles close their comments
                "",
                "",
                min(int(rng.paretovariate(1.2) * 150), 2_000_000),
                0,  # set from the comments below
                created_at,
                min(published_at or created_at, now),
                None,
                None,
                1,  # save() counts the first save
            ]
            if self.with_search_vector:
                row.append(search_vector(zip(words, "ABC", strict=True)))
            rows.append(row)
            listed = published_at if status == published else None
            if random_() < 0.15:
                byline = rng.sample(authors, min(2, len(authors)))
            else:
                byline = [authors[int(random_() * len(authors))]]
            for position, author in enumerate(byline):
                bylines.append((pk, author, position, listed))
            names = self.section_tags[category.pk]
            for tag in rng.sample(names, min(len(names), int(random_() * 5))):
                taggings.append((pk, tag, listed))
            if listed is not None and listed <= now:
                # Paretian interest: most articles draw a few comments, some many.
                weight = rng.paretovariate(1.2) * (3 if is_featured else 1)
                public.append((row, listed, weight))
        return rows, bylines, taggings, public

    def _pick(self, first: int, count: int, ratio: float) -> set[int]:
        """Offsets in this batch chosen so the whole run hits ``ratio`` exactly."""
        wanted = math.floor(ratio * (first + count)) - math.floor(ratio * first)
        return set(self.rng.sample(range(count), min(count, wanted)))

    def _unpublished(self, published_at):
        kinds, weights = zip(*UNPUBLISHED_KINDS, strict=True)
        kind = self.rng.choices(kinds, weights)[0]
        if kind == "scheduled":
            ahead = timedelta(minutes=self.rng.randint(60, 7 * 24 * 60))
            return Article.Status.PUBLISHED, self.now + ahead
        if kind == "unpublished":
            return Article.Status.UNPUBLISHED, published_at
        return Article.Status(kind), None

    # --- comments ---------------------------------------------------------------

    def comments(self, public: list, quota: int, ids_for) -> list:
        """``quota`` comment rows spread over ``public`` articles by weight.

        Sets each article row's ``comment_count`` to the approved comments
        (every reply's parent is approved, so all approved ones count).
        """
        if not public or not quota:
            return []
        rng = self.rng
        cumulative, total = [], 0.0
        for _row, _published_at, weight in public:
            total += weight
            cumulative.append(total)
        per_article = [0] * len(public)
        for choice in rng.choices(range(len(public)), cum_weights=cumulative, k=quota):
            per_article[choice] += 1
        ids = iter(ids_for(quota))
        rows = []
        for (article, published_at, _weight), count in zip(
            public, per_article, strict=True
        ):
            if count:
                article[COMMENT_COUNT] = self._thread(
                    rows, ids, article[0], published_at, count
                )
        return rows

    def _thread(self, rows, ids, article_id, published_at, count) -> int:
        """Append ``count`` comments on one article; return the approved ones."""
        rng, now, prose = self.rng, self.now, self.prose
        random_, expovariate = rng.random, rng.expovariate
        room = (now - published_at).total_seconds() - 1
        delays = []
        for _ in range(count):
            delay = expovariate(1 / COMMENT_MEAN_DELAY)
            delays.append(delay if delay < room else random_() * room)
        delays.sort()
        approved_roots, approved = [], 0
        for number, delay in enumerate(delays):
            pk = next(ids)
            # Microseconds keep a thread strictly in order, replies after parents.
            created_at = published_at + timedelta(seconds=delay, microseconds=number)
            name, email, ip_hash = self._poster()
            roll, parent = random_(), None
            if roll < APPROVED_UNDER:
                status = Comment.Status.APPROVED
            elif roll < PENDING_UNDER:
                status = Comment.Status.PENDING
            elif roll < REJECTED_UNDER:
                status = Comment.Status.REJECTED
            else:
                status = Comment.Status.SPAM
            if status == Comment.Status.SPAM:
                body = SPAM_BODIES[int(random_() * len(SPAM_BODIES))]
            elif approved_roots and random_() < REPLY_RATIO:
                parent = approved_roots[int(random_() * len(approved_roots))]
                body = prose.comment(reply=True)
            else:
                body = prose.comment(reply=False)
            if status == Comment.Status.APPROVED:
                approved += 1
                if parent is None:
                    approved_roots.append(pk)
            moderated_at = None
            if status != Comment.Status.PENDING:
                moderated_at = min(
                    created_at + timedelta(minutes=1 + int(random_() * 240)), now
                )
            fingerprint = self.fingerprints.get(body)
            if fingerprint is None:
                fingerprint = self.fingerprints[body] = body_fingerprint(body)
                self.links[body] = count_links(body)
            links = self.links[body]
            rows.append(
                (
                    pk,
                    article_id,
                    parent,
                    name,
                    email,
                    body,
                    status,
                    created_at,
                    ip_hash,
                    fingerprint,
                    links,
                    2 * links,  # what articles.comments.scoring.assess gives links
                    f"{links} liên kết" if links else "",
                    False,
                    moderated_at,
                    None,
                    None,
                )
            )
        return approved

    def _poster(self) -> tuple[str, str, str]:
        """A reader (name, email, hashed IP); a few readers write a lot."""
        index = int(POSTERS * self.rng.random() ** 3)
        while len(self.posters) <= index:
            self.posters.append(self._new_poster())
        return self.posters[index]

    def _new_poster(self) -> tuple[str, str, str]:
        rng = self.rng
        family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
        if rng.random() < 0.05:
            name = rng.choice(PEN_NAMES)
        elif rng.random() < 0.3:
            name = f"{given}"
        else:
            name = f"{family} {rng.choice(MIDDLE_NAMES)} {given}"
        local = fold(f"{given}.{family}")
        email = f"{local}{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}"
        ip = ".".join(
            [str(rng.choice(IP_PREFIXES))]
            + [str(rng.randint(0, 255)) for _ in range(2)]
            + [str(rng.randint(1, 254))]
        )
        return nfc(name), email, hash_ip(ip)


def _categories() -> list[Category]:
    categories = list(Category.objects.order_by("position", "slug"))
    if categories:
        return categories
    return [
        Category.objects.create(name=name, slug=slug, position=position)
        for name, slug, position in SECTIONS
    ]


def _authors() -> list[Author]:
    for name in AUTHORS:
        Author.objects.get_or_create(slug=vi_slugify(name), defaults={"name": name})
    return list(Author.objects.order_by("slug"))


def _tags() -> dict[str, Tag]:
    names = [normalize_tag_name(name) for name in TAGS]
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return {name: existing.get(name) or Tag.objects.create(name=name) for name in names}


def _covers(categories: list[Category]) -> list[Image]:
    """The shared cover photos, made once and reused by every later run."""
    covers = []
    for number, colour in enumerate(COVER_COLOURS, 1):
        caption = COVER_CAPTION.format(number)
        image = Image.objects.filter(caption=caption, is_placeholder=True).first()
        if image is None:
            image = create_placeholder_image(
                categories[(number - 1) % len(categories)].name,
                caption=caption,
                credit=COVER_CREDIT,
                alt=caption,
                title="ẢNH MINH HỌA",
                subtitle="Nội dung mẫu – Newsroom",
                background=colour,
            )
        covers.append(image)
    return covers
