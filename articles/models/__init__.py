from .article import Article, ArticleAuthor, ArticleQuerySet
from .comment import BlockedTerm, Comment
from .media import Image
from .readership import HourlyViews, MostRead
from .site import SiteSettings
from .taxonomy import RESERVED_SLUGS, Author, Category, Tag, TaggedArticle
from .workflow import ArticleTransition, Correction, PreviewLink, PreviewOpen, Revision

__all__ = [
    "RESERVED_SLUGS",
    "Article",
    "ArticleAuthor",
    "ArticleTransition",
    "Correction",
    "PreviewLink",
    "PreviewOpen",
    "Revision",
    "ArticleQuerySet",
    "Author",
    "BlockedTerm",
    "Category",
    "Comment",
    "HourlyViews",
    "Image",
    "MostRead",
    "SiteSettings",
    "Tag",
    "TaggedArticle",
]
