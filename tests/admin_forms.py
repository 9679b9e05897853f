"""What the admin's article form posts, shared by the admin, workflow, photo
and sanitiser tests."""


def article_form_data(article=None, **overrides):
    """What the admin's article form posts, for a new or an existing article."""
    data = {
        "title": "Thúc đẩy hợp tác",
        "slug": "thuc-day-hop-tac",
        "sapo": "Sapo",
        "body": "<p>Nội dung</p>",
        "tags": "",
        "comments_enabled": "on",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    if article is not None:
        data.update(
            {
                "title": article.title,
                "slug": article.slug,
                "sapo": article.sapo,
                "body": article.body,
                "category": article.category_id,
                "tags": ", ".join(article.tags.names()),
                "seen_version": article.version,
            }
        )
        # The byline rows as the form shows them, so a save keeps them.
        bylines = list(article.bylines.order_by("position", "pk"))
        data["bylines-TOTAL_FORMS"] = data["bylines-INITIAL_FORMS"] = str(len(bylines))
        for number, line in enumerate(bylines):
            data[f"bylines-{number}-id"] = line.pk
            data[f"bylines-{number}-article"] = article.pk
            data[f"bylines-{number}-author"] = line.author_id
            data[f"bylines-{number}-position"] = line.position
    data.update(overrides)
    return data
