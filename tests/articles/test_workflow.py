"""The editorial workflow through the real admin views, as each role."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles import roles
from articles.models import Article, ArticleTransition, Image, Revision
from articles.workflow import TRANSITIONS, WorkflowError, article_transition
from tests.admin_forms import article_form_data
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    ImageFactory,
    PublishedArticleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S = Article.Status


def member(role, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


def login(client, user):
    client.force_login(user)
    return client


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


# What the newsroom expects, written out independently of articles.workflow.
EXPECTED = {
    "submit": (
        {S.DRAFT, S.RETURNED},
        {"reporter_own", "editor", "managing"},
        S.SUBMITTED,
    ),
    "approve": ({S.SUBMITTED}, {"editor", "managing"}, S.APPROVED),
    "return": ({S.SUBMITTED, S.APPROVED}, {"editor", "managing"}, S.RETURNED),
    "publish": ({S.APPROVED}, {"editor", "managing"}, S.PUBLISHED),
    "unpublish": ({S.PUBLISHED}, {"editor", "managing"}, S.UNPUBLISHED),
    "reopen": ({S.UNPUBLISHED}, {"editor", "managing"}, S.DRAFT),
    "takedown": ({S.PUBLISHED, S.UNPUBLISHED}, {"managing"}, S.TAKEN_DOWN),
}
ACTORS = ["reporter_own", "reporter_other", "editor", "managing", "moderator"]


def test_roles_exist_with_the_permissions_listed_in_code():
    for name, codes in roles.ROLES.items():
        group = Group.objects.get(name=name)
        have = {
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
        }
        assert have == set(codes), name


def test_every_transition_is_covered_by_the_matrix():
    assert set(EXPECTED) == set(TRANSITIONS)


@pytest.mark.parametrize("state", list(S.values))
@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix_through_the_admin(client, actor, name, state):
    owner = member(roles.REPORTER, username="pv-chu-bai")
    user = {
        "reporter_own": owner,
        "reporter_other": None,
        "editor": None,
        "managing": None,
        "moderator": None,
    }[actor] or member(
        {
            "reporter_other": roles.REPORTER,
            "editor": roles.EDITOR,
            "managing": roles.MANAGING_EDITOR,
            "moderator": roles.MODERATOR,
        }[actor]
    )
    article = ArticleFactory(
        status=state,
        created_by=owner,
        published_at=timezone.now() - timedelta(hours=1),
    )
    sources, actors, target = EXPECTED[name]
    allowed = state in sources and actor in actors

    response = login(client, user).post(
        transition_url(article, name), {"note": "Lý do cụ thể"}
    )

    article.refresh_from_db()
    logged = ArticleTransition.objects.filter(article=article, name=name)
    if allowed:
        assert response.status_code == 302
        assert article.status == target
        entry = logged.get()
        assert (entry.by, entry.from_status, entry.to_status) == (user, state, target)
        assert entry.note == "Lý do cụ thể"
    else:
        assert response.status_code in (302, 403, 404)
        assert article.status == state
        assert not logged.exists()


# -- the article form, role by role ---------------------------------------------
#
# What each role finds on the article form, written out independently of
# articles.roles and ArticleAdmin: its inlines ("edit" or "view"), and the fields
# it may fill in on a new article (a change adds "mark_updated" for editors).

FORM_FIELDSETS = [
    None,
    "Ảnh đại diện",
    "Đừng bỏ lỡ (chọn tay)",
    "Xuất bản",
    "SEO",
    "Thông tin",
]
WRITING = {
    "title",
    "slug",
    "category",
    "sapo",
    "body",
    "tags",
    "seen_version",
    "cover",
    "cover_caption",
    "related_articles",
    "seo_title",
    "seo_description",
}
FORM_EXPECTED = {
    roles.REPORTER: {"inlines": {"bylines": "edit"}, "fields": WRITING},
    roles.EDITOR: {
        "inlines": {"bylines": "edit", "corrections": "edit"},
        "fields": WRITING | {"published_at", "featured", "comments_enabled"},
    },
    roles.MANAGING_EDITOR: {
        "inlines": {"bylines": "edit", "corrections": "edit"},
        "fields": WRITING
        | {"published_at", "featured", "comments_enabled", "embargo_until"},
    },
    roles.MODERATOR: None,  # no article form at all
}


def inlines_on(response) -> dict[str, str]:
    return {
        inline.formset.prefix: (
            "edit"
            if inline.has_add_permission and inline.has_change_permission
            else "view"
        )
        for inline in response.context["inline_admin_formsets"]
    }


def editable_fields(adminform) -> set[str]:
    return {
        field.field.name
        for fieldset in adminform
        for line in fieldset
        for field in line
        if not field.is_readonly
    }


def byline_rows(*authors, start=0) -> dict:
    data = {}
    for number, author in enumerate(authors, start=start):
        data[f"bylines-{number}-author"] = author.pk
        data[f"bylines-{number}-position"] = number
    return data


def test_every_role_is_in_the_form_matrix():
    assert set(FORM_EXPECTED) == set(roles.ROLES)


@pytest.mark.parametrize("role", list(FORM_EXPECTED))
def test_article_form_shows_each_role_its_inlines_and_fields(client, role):
    user = member(role)
    expected = FORM_EXPECTED[role]
    mine = ArticleFactory(created_by=user)
    login(client, user)
    add = client.get(reverse("admin:articles_article_add"))
    change = client.get(reverse("admin:articles_article_change", args=[mine.pk]))
    if expected is None:
        assert (add.status_code, change.status_code) == (403, 403)
        return
    assert (add.status_code, change.status_code) == (200, 200)
    for response, extra in [(add, set()), (change, {"mark_updated"})]:
        assert inlines_on(response) == expected["inlines"]
        adminform = response.context["adminform"]
        assert [fieldset.name for fieldset in adminform] == FORM_FIELDSETS
        if not user.has_perm("articles.edit_any_article"):
            extra = set()
        assert editable_fields(adminform) == expected["fields"] | extra
        assert "Tác giả (theo thứ tự trên bài)" in response.content.decode()


@pytest.mark.parametrize("role", [r for r, e in FORM_EXPECTED.items() if e])
def test_each_writing_role_saves_bylines_and_its_inlines_through_the_admin(
    client, role
):
    user = member(role)
    first, second, third = AuthorFactory(), AuthorFactory(), AuthorFactory()
    login(client, user)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(
            category=CategoryFactory().pk,
            **{"bylines-TOTAL_FORMS": "2", **byline_rows(first, second)},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.byline == [first, second]
    assert article.created_by == user

    # Then, on the change form: drop the first name, add a third, and (where
    # the role has the inline) a correction.
    data = article_form_data(
        article,
        **{
            "bylines-0-DELETE": "on",
            "bylines-TOTAL_FORMS": "3",
            **byline_rows(third, start=2),
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "Sửa tên đơn vị.",
        },
    )
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.byline == [second, third]
    has_corrections = "corrections" in FORM_EXPECTED[role]["inlines"]
    assert article.corrections.count() == (1 if has_corrections else 0)


# The side views the article form calls: its autocompletes and the photo picker.
FORM_SIDE_VIEWS = [
    ("article", "category"),
    ("article", "cover"),
    ("article", "related_articles"),
    ("articleauthor", "author"),
    ("taggedarticle", "tag"),
]


@pytest.mark.parametrize("role", [r for r, e in FORM_EXPECTED.items() if e])
def test_each_writing_role_can_use_the_forms_side_views(client, role):
    user = member(role)
    ArticleFactory(created_by=user).tags.add("Hà Nội")
    ImageFactory()
    login(client, user)
    for model_name, field_name in FORM_SIDE_VIEWS:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "articles",
                "model_name": model_name,
                "field_name": field_name,
                "term": "",
            },
        )
        assert response.status_code == 200, (model_name, field_name)
        assert response.json()["results"], (model_name, field_name)
    assert client.get(reverse("admin:articles_image_picker")).status_code == 200


def test_revisions_and_the_log_follow_their_permissions(client):
    reporter = member(roles.REPORTER)
    article = ArticleFactory(created_by=reporter, status=S.SUBMITTED)
    article_transition(
        article=article, name="return", by=member(roles.EDITOR), note="Thiếu nguồn"
    )
    Revision.objects.create(article=article, number=1, title=article.title)
    change = reverse("admin:articles_article_change", args=[article.pk])
    revisions = reverse("admin:articles_article_revisions", args=[article.pk])

    html = login(client, reporter).get(change).content.decode()
    assert "Thiếu nguồn" in html and f'href="{revisions}"' in html
    assert client.get(revisions).status_code == 200

    # Without the two view permissions, neither the log nor the versions.
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_article", "change_article", "edit_any_article"]
        )
    )
    html = login(client, user).get(change).content.decode()
    assert "Nhật ký biên tập" not in html and "Thiếu nguồn" not in html
    assert f'href="{revisions}"' not in html
    assert client.get(revisions).status_code == 403


def test_a_reporter_sees_the_byline_of_a_submitted_article_read_only(client):
    reporter = member(roles.REPORTER)
    article = ArticleFactory(created_by=reporter, status=S.SUBMITTED)
    response = login(client, reporter).get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    assert inlines_on(response) == {"bylines": "view"}
    assert article.byline[0].name in response.content.decode()


def test_a_reporter_cannot_sign_someone_elses_article(client):
    other = ArticleFactory(title="Bài của người khác")
    author = AuthorFactory()
    url = reverse("admin:articles_article_change", args=[other.pk])
    response = login(client, member(roles.REPORTER)).post(
        url,
        article_form_data(
            other, **{"bylines-TOTAL_FORMS": "2", **byline_rows(author, start=1)}
        ),
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:index"
    )
    assert author not in other.byline


# -- what a reporter can read of other people's articles ------------------------


class TestReporterReadsOnlyTheirOwn:
    """The changelist and the autocomplete show a reporter their own articles
    only; no other path of the article or photo form may name another."""

    @pytest.fixture
    def reporter(self):
        return member(roles.REPORTER, username="rep1")

    @pytest.fixture
    def secret(self):
        return ArticleFactory(
            title="SECRET DRAFT of rep2", created_by=member(roles.REPORTER)
        )

    def test_related_articles_refuses_an_article_the_reporter_cannot_open(
        self, client, reporter, secret
    ):
        mine = ArticleFactory(created_by=reporter)
        url = reverse("admin:articles_article_change", args=[mine.pk])
        response = login(client, reporter).post(
            url, article_form_data(mine, related_articles=[secret.pk])
        )
        assert response.status_code == 200
        assert "related_articles" in response.context["adminform"].form.errors
        assert not mine.related_articles.exists()
        assert secret.title not in client.get(url).content.decode()
        assert secret.title not in response.content.decode()

    def test_an_editors_pick_the_reporter_cannot_open_stays_unseen_and_kept(
        self, client, reporter, secret
    ):
        mine = ArticleFactory(created_by=reporter)
        own_other = ArticleFactory(created_by=reporter, title="Bài khác của tôi")
        mine.related_articles.add(secret)
        url = reverse("admin:articles_article_change", args=[mine.pk])
        login(client, reporter)
        html = client.get(url).content.decode()
        assert secret.title not in html
        assert f'<option value="{secret.pk}" selected>' not in html
        response = client.post(
            url, article_form_data(mine, related_articles=[own_other.pk])
        )
        assert response.status_code == 302
        assert set(mine.related_articles.all()) == {secret, own_other}

        mine.status = S.SUBMITTED  # read-only for the reporter from here
        mine.save()
        html = client.get(url).content.decode()
        assert "Bài khác của tôi" in html and secret.title not in html

    def test_photo_page_lists_only_the_articles_the_user_may_open(
        self, client, reporter, secret
    ):
        photo = ImageFactory(uploaded_by=reporter)
        mine = ArticleFactory(created_by=reporter, title="Bài của tôi", cover=photo)
        secret.cover = photo
        secret.save()
        url = reverse("admin:articles_image_change", args=[photo.pk])
        html = login(client, reporter).get(url).content.decode()
        assert mine.title in html
        assert secret.title not in html
        assert reverse("admin:articles_article_change", args=[secret.pk]) not in html

        html = login(client, member(roles.EDITOR)).get(url).content.decode()
        assert mine.title in html and secret.title in html

    def test_no_choice_on_the_article_or_photo_forms_offers_what_is_hidden(
        self, rf, reporter, secret
    ):
        """Every ModelChoiceField of both forms and their inlines: articles only
        among those the reporter may open, other models only if they may view
        them (the shared library, sections, pen names)."""
        from django.contrib import admin
        from django.forms import ModelChoiceField

        mine = ArticleFactory(created_by=reporter, cover=ImageFactory())
        photo = ImageFactory(uploaded_by=reporter)
        request = rf.get("/")
        request.user = reporter
        allowed = set(Article.objects.editable_by(reporter))
        assert secret not in allowed

        def forms_of(model_admin, obj):
            yield model_admin.get_form(request, obj)(instance=obj)
            for formset, _inline in model_admin.get_formsets_with_inlines(request, obj):
                yield from formset(instance=obj).forms

        checked = []
        for model, obj in [(Article, None), (Article, mine), (Image, photo)]:
            model_admin = admin.site._registry[model]
            for form in forms_of(model_admin, obj):
                for name, field in form.fields.items():
                    if not isinstance(field, ModelChoiceField):
                        continue
                    opts = field.queryset.model._meta
                    checked.append(f"{opts.model_name}.{name}")
                    if opts.model is Article:
                        assert set(field.queryset) <= allowed, name
                    else:
                        assert reporter.has_perm(
                            f"{opts.app_label}.view_{opts.model_name}"
                        ), name
        assert {"article.related_articles", "author.author", "image.cover"} <= set(
            checked
        )


# -- a byline before the desk or the reader ---------------------------------------

NEEDS_BYLINE = {"submit": S.DRAFT, "approve": S.SUBMITTED, "publish": S.APPROVED}


def unsigned(**kwargs):
    article = ArticleFactory(**kwargs)
    article.bylines.all().delete()
    return article


@pytest.mark.parametrize("name", list(NEEDS_BYLINE))
def test_workflow_refuses_to_move_an_unsigned_article(name):
    article = unsigned(status=NEEDS_BYLINE[name])
    with pytest.raises(WorkflowError, match="Bài chưa có tác giả"):
        article_transition(article=article, name=name, by=member(roles.MANAGING_EDITOR))
    article.refresh_from_db()
    assert article.status == NEEDS_BYLINE[name]
    assert not ArticleTransition.objects.exists()


@pytest.mark.parametrize("name", list(NEEDS_BYLINE))
def test_admin_explains_why_an_unsigned_article_cannot_move(client, name):
    article = unsigned(status=NEEDS_BYLINE[name])
    login(client, member(roles.MANAGING_EDITOR))
    confirm = client.get(transition_url(article, name)).content.decode()
    assert 'class="errornote">Bài chưa có tác giả' in confirm
    response = client.post(transition_url(article, name), {}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert [str(m) for m in errors] == [
        f"Bài chưa có tác giả: hãy thêm ít nhất một tác giả ở mục “Tác giả” rồi "
        f"lưu bài trước khi “{TRANSITIONS[name].label}”."
    ]
    article.refresh_from_db()
    assert article.status == NEEDS_BYLINE[name]


def test_a_reporter_saves_an_unsigned_draft_but_cannot_submit_it(client):
    reporter = member(roles.REPORTER)
    article = unsigned(created_by=reporter, title="Bản nháp chưa ký")
    login(client, reporter)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, sapo="Đoạn dẫn mới", _workflow="submit"),
        follow=True,
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.sapo == "Đoạn dẫn mới"  # the draft itself was saved
    assert "Bài chưa có tác giả" in response.content.decode()
    client.post(transition_url(article, "submit"), {})
    article.refresh_from_db()
    assert article.status == S.DRAFT


@pytest.mark.parametrize("state", [S.SUBMITTED, S.APPROVED, S.PUBLISHED])
def test_an_article_past_the_draft_keeps_at_least_one_byline(client, state):
    article = ArticleFactory(status=state, published_at=timezone.now())
    author = article.byline[0]
    login(client, member(roles.EDITOR))
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(
            article,
            **{"bylines-0-DELETE": "on"},
            published_at_0=timezone.localtime(article.published_at).strftime(
                "%d/%m/%Y"
            ),
            published_at_1=timezone.localtime(article.published_at).strftime("%H:%M"),
        ),
    )
    assert response.status_code == 200
    assert "phải có ít nhất một tác giả" in response.content.decode()
    assert article.byline == [author]


# -- the workflow buttons save the form first -----------------------------------


def test_workflow_buttons_belong_to_the_article_form(client):
    reporter = member(roles.REPORTER)
    article = ArticleFactory(created_by=reporter)
    html = (
        login(client, reporter)
        .get(reverse("admin:articles_article_change", args=[article.pk]))
        .content.decode()
    )
    assert (
        '<button type="submit" class="button" form="article_form" '
        'name="_workflow" value="submit">Gửi biên tập</button>'
    ) in html
    assert 'id="article_form"' in html
    assert transition_url(article, "submit") not in html


def test_workflow_button_saves_the_edits_then_confirms_the_step(client):
    reporter = member(roles.REPORTER)
    article = ArticleFactory(created_by=reporter, title="Tiêu đề cũ")
    login(client, reporter)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, title="Tiêu đề vừa gõ", _workflow="submit"),
    )
    assert response.status_code == 302
    assert response["Location"] == transition_url(article, "submit")
    article.refresh_from_db()
    assert (article.title, article.status) == ("Tiêu đề vừa gõ", S.DRAFT)
    assert article.revisions.count() == 1

    confirm = client.get(response["Location"]).content.decode()
    assert "Đã lưu “Tiêu đề vừa gõ”. Xác nhận “Gửi biên tập” dưới đây." in confirm
    client.post(response["Location"], {"note": "Nhờ anh xem giúp"})
    article.refresh_from_db()
    assert article.status == S.SUBMITTED
    assert article.transitions.get().note == "Nhờ anh xem giúp"


def test_a_form_that_does_not_save_takes_no_step(client):
    editor = member(roles.EDITOR)
    article = ArticleFactory(status=S.SUBMITTED)
    response = login(client, editor).post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, title="", _workflow="approve"),
    )
    assert response.status_code == 200  # the form again, with its error
    article.refresh_from_db()
    assert article.status == S.SUBMITTED and article.title


def test_where_there_is_no_form_to_save_the_steps_are_links(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_article", "edit_any_article", "approve_article"]
        )
    )
    article = ArticleFactory(status=S.SUBMITTED)
    html = (
        login(client, user)
        .get(reverse("admin:articles_article_change", args=[article.pk]))
        .content.decode()
    )
    assert f'<a class="button" href="{transition_url(article, "approve")}">' in html
    assert 'name="_workflow"' not in html


@pytest.mark.parametrize("name", ["return", "unpublish", "takedown"])
def test_steps_that_need_a_reason_refuse_an_empty_note(client, name):
    state = {"return": S.SUBMITTED, "unpublish": S.PUBLISHED, "takedown": S.PUBLISHED}
    article = PublishedArticleFactory(status=state[name])
    response = login(client, member(roles.MANAGING_EDITOR)).post(
        transition_url(article, name), {"note": "   "}
    )
    assert response.status_code == 200
    assert "Cần ghi chú lý do." in response.content.decode()
    article.refresh_from_db()
    assert article.status == state[name]
    assert not ArticleTransition.objects.exists()


def test_refused_step_is_explained_and_nothing_is_half_applied():
    editor = member(roles.EDITOR)
    article = ArticleFactory(status=S.DRAFT, title="Giữ nguyên")
    version = article.version
    with pytest.raises(WorkflowError, match="Không thể"):
        article_transition(article=article, name="publish", by=editor)
    article.refresh_from_db()
    assert (article.status, article.version) == (S.DRAFT, version)
    assert not ArticleTransition.objects.exists()


def test_transition_page_lists_the_log_on_the_article_admin(client):
    editor = member(roles.EDITOR)
    article = ArticleFactory(status=S.SUBMITTED)
    login(client, editor).post(
        transition_url(article, "return"), {"note": "Thiếu nguồn"}
    )
    html = client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content
    html = html.decode()
    assert "Nhật ký biên tập" in html
    assert "Thiếu nguồn" in html and "Chờ biên tập" in html and "Trả lại" in html


class TestReporter:
    def test_sees_only_own_articles(self, client):
        reporter = member(roles.REPORTER)
        mine = ArticleFactory(title="Bài của tôi", created_by=reporter)
        byline = AuthorFactory(user=reporter)
        signed = ArticleFactory(title="Bài tôi đứng tên", authors=[byline])
        ArticleFactory(title="Bài của người khác")
        login(client, reporter)
        html = client.get(reverse("admin:articles_article_changelist")).content.decode()
        assert mine.title in html and signed.title in html
        assert "Bài của người khác" not in html

    def test_cannot_open_someone_elses_article(self, client):
        other = ArticleFactory()
        response = login(client, member(roles.REPORTER)).get(
            reverse("admin:articles_article_change", args=[other.pk])
        )
        assert response.status_code == 302  # the admin says it does not exist
        assert response["Location"] == reverse("admin:index")

    @pytest.mark.parametrize("state", [S.SUBMITTED, S.APPROVED, S.PUBLISHED])
    def test_cannot_edit_own_article_once_it_left_their_hands(self, client, state):
        reporter = member(roles.REPORTER)
        article = ArticleFactory(
            status=state, created_by=reporter, published_at=timezone.now()
        )
        login(client, reporter)
        url = reverse("admin:articles_article_change", args=[article.pk])
        assert client.get(url).status_code == 200  # read-only view
        response = client.post(url, article_form_data(article, title="Sửa lén"))
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.title != "Sửa lén"

    def test_cannot_publish_schedule_or_feature_by_posting_the_fields(self, client):
        reporter = member(roles.REPORTER)
        article = ArticleFactory(created_by=reporter, status=S.DRAFT, published_at=None)
        response = login(client, reporter).post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_form_data(
                article,
                status="published",
                featured="on",
                published_at_0="01/01/2030",
                published_at_1="08:00",
                embargo_until_0="",
            ),
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == S.DRAFT
        assert not article.featured
        assert article.published_at is None

    @pytest.mark.parametrize("model", ["category", "author"])
    def test_cannot_change_sections_or_authors(self, client, model):
        login(client, member(roles.REPORTER))
        assert client.get(reverse(f"admin:articles_{model}_add")).status_code == 403

    def test_cannot_manage_users(self, client):
        login(client, member(roles.REPORTER))
        assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_moderator_sees_comments_only(client):
    login(client, member(roles.MODERATOR))
    assert client.get(reverse("admin:articles_comment_changelist")).status_code == 200
    for name in ["article", "category", "author", "image"]:
        assert (
            client.get(reverse(f"admin:articles_{name}_changelist")).status_code == 403
        )


def test_managing_editor_cannot_make_anyone_superuser(client):
    managing = member(roles.MANAGING_EDITOR)
    target = member(roles.REPORTER)
    login(client, managing)
    url = reverse("admin:auth_user_change", args=[target.pk])
    html = client.get(url).content.decode()
    assert 'name="is_superuser"' not in html
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert (
        client.get(reverse("admin:auth_user_change", args=[superuser.pk])).status_code
        == 200
    )
    response = client.post(
        reverse("admin:auth_user_change", args=[superuser.pk]), {"username": "x"}
    )
    assert response.status_code == 403


class TestScheduling:
    def test_scheduled_article_appears_on_its_time_everywhere(self, client):
        section = CategoryFactory(slug="thoi-su")
        editor = member(roles.EDITOR)
        article = ArticleFactory(
            status=S.APPROVED, category=section, title="Tin hẹn giờ"
        )
        article.tags.add("Hà Nội")
        when = timezone.localtime() + timedelta(hours=2)
        response = login(client, editor).post(
            transition_url(article, "publish"),
            {"publish_at": when.strftime("%d/%m/%Y %H:%M")},
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == S.PUBLISHED and article.is_scheduled()
        client.logout()
        pages = ["/", section.get_absolute_url(), "/chu-de/ha-noi/"]

        assert client.get(article.get_absolute_url()).status_code == 404
        for url in pages:
            assert "Tin hẹn giờ" not in client.get(url).content.decode(), url

        with time_machine.travel(when + timedelta(minutes=1), tick=False):
            cache.clear()
            assert client.get(article.get_absolute_url()).status_code == 200
            for url in pages:
                assert "Tin hẹn giờ" in client.get(url).content.decode(), url

    def test_publish_without_time_is_immediate(self, client):
        article = ArticleFactory(status=S.APPROVED)
        login(client, member(roles.EDITOR)).post(transition_url(article, "publish"), {})
        article.refresh_from_db()
        assert article.is_published()
        client.logout()
        assert client.get(article.get_absolute_url()).status_code == 200


class TestEmbargo:
    def test_embargo_holds_a_published_article_off_every_page(self, client):
        section = CategoryFactory()
        until = timezone.now() + timedelta(hours=3)
        article = PublishedArticleFactory(
            category=section, title="Tin cấm đăng", embargo_until=until
        )
        assert not Article.objects.published().filter(pk=article.pk).exists()
        assert client.get(article.get_absolute_url()).status_code == 404
        for url in ["/", section.get_absolute_url()]:
            assert "Tin cấm đăng" not in client.get(url).content.decode()
        with time_machine.travel(until + timedelta(seconds=1), tick=False):
            assert client.get(article.get_absolute_url()).status_code == 200

    def test_an_editor_cannot_lift_an_embargo(self, client):
        until = timezone.now() + timedelta(hours=3)
        article = PublishedArticleFactory(embargo_until=until)
        login(client, member(roles.EDITOR)).post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_form_data(article, embargo_until_0="", embargo_until_1=""),
        )
        article.refresh_from_db()
        assert article.embargo_until == until

    def test_managing_editor_can_set_one(self, client):
        article = PublishedArticleFactory()
        login(client, member(roles.MANAGING_EDITOR)).post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_form_data(
                article,
                published_at_0=timezone.localtime(article.published_at).strftime(
                    "%d/%m/%Y"
                ),
                published_at_1=timezone.localtime(article.published_at).strftime(
                    "%H:%M"
                ),
                embargo_until_0="01/01/2099",
                embargo_until_1="08:00",
            ),
        )
        article.refresh_from_db()
        assert article.embargo_until is not None
        assert not article.is_published()


class TestRevisions:
    def save_through_admin(self, client, article, **changes):
        article.refresh_from_db()
        return client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_form_data(article, **changes),
        )

    def test_each_save_keeps_a_revision_and_the_diff_is_readable(self, client):
        editor = member(roles.EDITOR)
        article = ArticleFactory(title="Tiêu đề cũ", body="<p>Đoạn một.</p>")
        login(client, editor)
        assert self.save_through_admin(client, article).status_code == 302
        assert (
            self.save_through_admin(
                client, article, title="Tiêu đề mới", body="<p>Đoạn một sửa.</p>"
            ).status_code
            == 302
        )
        assert list(article.revisions.values_list("number", flat=True)) == [2, 1]
        first = article.revisions.get(number=1)
        assert first.title == "Tiêu đề cũ" and first.created_by == editor

        html = client.get(
            reverse("admin:articles_article_revision", args=[article.pk, 1])
        ).content.decode()
        assert "<del>cũ</del><ins>mới</ins>" in html
        assert "<del>một.</del><ins>một sửa.</ins>" in html or "<ins>" in html
        listing = client.get(
            reverse("admin:articles_article_revisions", args=[article.pk])
        )
        assert "#2" in listing.content.decode()

    def test_restore_puts_the_content_back_as_a_new_revision(self, client):
        editor = member(roles.EDITOR)
        first_author, second_author = AuthorFactory(), AuthorFactory()
        article = ArticleFactory(title="Bản đầu", authors=[first_author])
        article.tags.add("Hà Nội")
        login(client, editor)
        self.save_through_admin(client, article)
        article.refresh_from_db()
        article.title = "Bản hai"
        article.save()
        article.tags.set(["Huế"])
        article.bylines.all().delete()
        article.bylines.create(author=second_author, position=0)

        response = client.post(
            reverse("admin:articles_article_revision", args=[article.pk, 1])
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.title == "Bản đầu"
        assert list(article.tags.names()) == ["Hà Nội"]
        assert article.byline == [first_author]
        newest = article.revisions.first()
        assert newest.number == 2 and "Khôi phục từ phiên bản #1" in newest.note

    def test_two_editors_with_stale_forms_do_not_overwrite_each_other(self, client):
        article = ArticleFactory(title="Gốc", body="<p>Gốc</p>")
        stale = article_form_data(article)  # both opened the form now
        first, second = member(roles.EDITOR), member(roles.EDITOR)
        url = reverse("admin:articles_article_change", args=[article.pk])

        login(client, first)
        assert (
            client.post(url, {**stale, "title": "Bản của người thứ nhất"}).status_code
            == 302
        )
        login(client, second)
        response = client.post(url, {**stale, "title": "Bản của người thứ hai"})

        assert response.status_code == 200
        html = response.content.decode()
        assert "sau khi bạn mở" in html and first.username in html
        assert "Bản của người thứ hai" in html  # their text is kept in the form
        article.refresh_from_db()
        assert article.title == "Bản của người thứ nhất"
        assert Revision.objects.filter(article=article).count() == 1


class TestPreviewLinks:
    def make_link(self, client, article):
        login(client, member(roles.EDITOR)).post(
            reverse("admin:articles_article_preview_create", args=[article.pk])
        )
        link = article.preview_links.get()
        from articles.preview import preview_url

        client.logout()
        return link, preview_url(link)

    def test_valid_link_shows_the_draft_without_login_and_logs_it(self, client):
        article = ArticleFactory(title="Bản nháp để xem", status=S.SUBMITTED)
        link, url = self.make_link(client, article)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Bản nháp để xem" in html and "Bản xem trước" in html
        assert 'content="noindex, nofollow"' in html
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-cache" in response["Cache-Control"]
        assert link.opens.count() == 1

    def test_expired_link_is_404(self, client):
        article = ArticleFactory()
        _link, url = self.make_link(client, article)
        with time_machine.travel(timezone.now() + timedelta(hours=49)):
            assert client.get(url).status_code == 404

    def test_tampered_link_is_404(self, client):
        article = ArticleFactory()
        _link, url = self.make_link(client, article)
        token = url.rstrip("/").rsplit("/", 1)[1]
        forged = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert client.get(url.replace(token, forged)).status_code == 404
        assert client.get("/xem-truoc/khong-hop-le/").status_code == 404

    def test_revoked_link_is_404(self, client):
        article = ArticleFactory()
        link, url = self.make_link(client, article)
        login(client, member(roles.EDITOR)).post(
            reverse("admin:articles_article_preview_revoke", args=[article.pk, link.pk])
        )
        client.logout()
        assert client.get(url).status_code == 404

    def test_link_to_a_published_article_goes_to_the_public_page(self, client):
        article = ArticleFactory(status=S.APPROVED)
        _link, url = self.make_link(client, article)
        article_transition(article=article, name="publish", by=member(roles.EDITOR))
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == article.get_absolute_url()

    def test_link_to_a_deleted_article_is_404(self, client):
        article = ArticleFactory()
        _link, url = self.make_link(client, article)
        article.delete()
        assert client.get(url).status_code == 404


class TestCorrectionsAndUpdates:
    def test_correction_is_shown_at_the_foot_without_changing_last_updated(
        self, client
    ):
        article = PublishedArticleFactory()
        editor = member(roles.EDITOR)
        data = article_form_data(
            article,
            published_at_0=timezone.localtime(article.published_at).strftime(
                "%d/%m/%Y"
            ),
            published_at_1=timezone.localtime(article.published_at).strftime("%H:%M"),
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": "correction",
                "corrections-0-text": "Bản trước ghi nhầm tên đơn vị.",
            },
        )
        response = login(client, editor).post(
            reverse("admin:articles_article_change", args=[article.pk]), data
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        article.refresh_from_db()
        assert article.modified_at is None
        correction = article.corrections.get()
        assert correction.created_by == editor
        client.logout()
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Đính chính" in html and "Bản trước ghi nhầm tên đơn vị." in html
        assert "Cập nhật:" not in html

    def test_substantive_update_shows_the_updated_time(self, client):
        article = PublishedArticleFactory(
            published_at=timezone.now() - timedelta(days=1)
        )
        login(client, member(roles.EDITOR)).post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_form_data(
                article,
                mark_updated="on",
                published_at_0=timezone.localtime(article.published_at).strftime(
                    "%d/%m/%Y"
                ),
                published_at_1=timezone.localtime(article.published_at).strftime(
                    "%H:%M"
                ),
            ),
        )
        article.refresh_from_db()
        assert article.modified_at is not None
        client.logout()
        assert "Cập nhật:" in client.get(article.get_absolute_url()).content.decode()


class TestTakedown:
    def test_taken_down_article_is_gone_everywhere_and_frozen(self, client):
        section = CategoryFactory()
        article = PublishedArticleFactory(category=section, title="Bài bị gỡ")
        article.tags.add("Pháp luật")
        managing = member(roles.MANAGING_EDITOR)
        login(client, managing).post(
            transition_url(article, "takedown"),
            {"note": "Quyết định của cơ quan chức năng"},
        )
        article.refresh_from_db()
        assert article.status == S.TAKEN_DOWN

        change_url = reverse("admin:articles_article_change", args=[article.pk])
        assert client.post(change_url, article_form_data(article)).status_code == 403
        revision = Revision.objects.create(article=article, number=1, title="x")
        client.post(reverse("admin:articles_article_revision", args=[article.pk, 1]))
        article.refresh_from_db()
        assert article.title == "Bài bị gỡ" and revision.pk
        with pytest.raises(WorkflowError):
            article_transition(article=article, name="reopen", by=managing)

        client.logout()
        response = client.get(article.get_absolute_url())
        assert response.status_code == 410
        assert "đã được gỡ bỏ" in response.content.decode()
        assert "Bài bị gỡ" not in response.content.decode()
        for url in ["/", section.get_absolute_url(), "/chu-de/phap-luat/"]:
            assert "Bài bị gỡ" not in client.get(url).content.decode()


def test_editor_landing_page_shows_what_waits(client):
    ArticleFactory(title="Bài chờ biên tập", status=S.SUBMITTED)
    ArticleFactory(title="Bài chờ xuất bản", status=S.APPROVED)
    PublishedArticleFactory(
        title="Bài hẹn giờ hôm nay", published_at=timezone.now() + timedelta(minutes=5)
    )
    html = (
        login(client, member(roles.EDITOR)).get(reverse("admin:index")).content.decode()
    )
    assert "Chờ biên tập" in html and "Bài chờ biên tập" in html
    assert "Bài chờ xuất bản" in html
    assert "Bài hẹn giờ hôm nay" in html


def test_article_list_filters_by_status_author_and_mine(client):
    editor = member(roles.EDITOR)
    author = AuthorFactory(name="Bình Minh")
    mine = ArticleFactory(title="Bài tôi tạo", created_by=editor)
    ArticleFactory(title="Bài Bình Minh", authors=[author], status=S.SUBMITTED)
    PublishedArticleFactory(
        title="Bài hẹn giờ", published_at=timezone.now() + timedelta(hours=1)
    )
    login(client, editor)
    url = reverse("admin:articles_article_changelist")
    assert "Bài tôi tạo" in client.get(url, {"cua-toi": "1"}).content.decode()
    assert "Bài Bình Minh" not in client.get(url, {"cua-toi": "1"}).content.decode()
    html = client.get(url, {"bylines__author__id__exact": author.pk}).content.decode()
    assert "Bài Bình Minh" in html and mine.title not in html
    html = client.get(url, {"trang-thai": "scheduled"}).content.decode()
    assert "Bài hẹn giờ" in html and "nr-status--scheduled" in html


class TestEveryPublicListAgrees:
    """Scheduled, embargoed and taken-down articles are absent from the feed,
    the sitemaps and search exactly as from the article page."""

    URLS = ["/rss.xml", "/sitemap-news.xml", "/sitemap/bai-viet/thoi-su.xml"]

    def public_lists(self, client, article):
        cache.clear()  # the sitemaps are page-cached; compare like with like
        found = {
            url: article.slug in client.get(url).content.decode() for url in self.URLS
        }
        results = client.get("/tim-kiem/", {"q": "cau long bien"}).content.decode()
        found["/tim-kiem/"] = article.get_absolute_url() in results
        found["page"] = client.get(article.get_absolute_url()).status_code == 200
        return found

    @pytest.fixture
    def section(self):
        return CategoryFactory(slug="thoi-su", name="Thời sự")

    def test_scheduled_article_appears_everywhere_at_its_time(self, client, section):
        when = timezone.now() + timedelta(hours=1)
        article = PublishedArticleFactory(
            category=section, title="Cầu Long Biên sửa xong", published_at=when
        )
        assert not any(self.public_lists(client, article).values())
        with time_machine.travel(when + timedelta(minutes=1), tick=False):
            assert all(self.public_lists(client, article).values())

    def test_embargo_keeps_it_out_of_every_list_until_it_lifts(self, client, section):
        until = timezone.now() + timedelta(hours=2)
        article = PublishedArticleFactory(
            category=section, title="Cầu Long Biên sửa xong", embargo_until=until
        )
        assert not any(self.public_lists(client, article).values())
        with time_machine.travel(until + timedelta(minutes=1), tick=False):
            assert all(self.public_lists(client, article).values())

    def test_takedown_removes_it_from_every_list(self, client, section):
        article = PublishedArticleFactory(
            category=section, title="Cầu Long Biên sửa xong"
        )
        assert all(self.public_lists(client, article).values())
        article_transition(
            article=article,
            name="takedown",
            by=member(roles.MANAGING_EDITOR),
            note="Quyết định của tòa án",
        )
        assert not any(self.public_lists(client, article).values())
