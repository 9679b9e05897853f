import time
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.comments.tokens import form_token
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Category,
    Comment,
    Correction,
    Image,
)


def with_token(article, data: dict, age: float = 60) -> dict:
    """``data`` plus the form's signed timestamp, as if rendered ``age`` s ago."""
    return {"ts": form_token(article.pk, at=time.time() - age), **data}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Chuyên mục {n}")
    slug = factory.Sequence(lambda n: f"chuyen-muc-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Tác giả {n}")
    slug = factory.Sequence(lambda n: f"tac-gia-{n}")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.django.ImageField(
        width=64, height=48, color="blue", filename="anh.jpg"
    )
    alt = "Ảnh minh họa"
    caption = "Chú thích ảnh"
    credit = "Thành ủy TP.HCM"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Bài viết số {n} về Hà Nội")
    sapo = "Sapo của bài viết."
    body = "<p>Nội dung bài viết.</p>"
    category = factory.SubFactory(CategoryFactory)
    status = Article.Status.DRAFT

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        for position, author in enumerate(extracted or [AuthorFactory()]):
            ArticleAuthor.objects.create(article=self, author=author, position=position)


class DraftArticleFactory(ArticleFactory):
    status = Article.Status.DRAFT


class PublishedArticleFactory(ArticleFactory):
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(PublishedArticleFactory)
    name = "Bạn đọc"
    email = "ban.doc@example.com"
    body = "Bài viết rất hay."
    status = Comment.Status.PENDING


class ApprovedCommentFactory(CommentFactory):
    status = Comment.Status.APPROVED


class SpamCommentFactory(CommentFactory):
    status = Comment.Status.SPAM


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(PublishedArticleFactory)
    kind = Correction.Kind.CORRECTION
    text = "Bản trước ghi nhầm ngày ký kết là 17/10."
