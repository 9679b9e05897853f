from .article import Article, ArticleAuthor, ArticleQuerySet
from .comment import Comment
from .media import Image
from .readership import HourlyViews, MostRead
from .site import SiteSettings
from .taxonomy import RESERVED_SLUGS, Author, Category, Tag, TaggedArticle

__all__ = [
    "RESERVED_SLUGS",
    "Article",
    "ArticleAuthor",
    "ArticleQuerySet",
    "Author",
    "Category",
    "Comment",
    "HourlyViews",
    "Image",
    "MostRead",
    "SiteSettings",
    "Tag",
    "TaggedArticle",
]
