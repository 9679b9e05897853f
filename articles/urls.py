from django.urls import path, re_path

from . import views
from .feeds import SectionFeed

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("tim-kiem/", views.search, name="search"),
    path("chu-de/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("tac-gia/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("binh-luan/<int:pk>/", views.comment_post, name="comment"),
    path("binh-luan/<int:pk>/ma/", views.comment_token, name="comment-token"),
    path("xem-truoc/<str:token>/", views.preview, name="preview"),
    re_path(
        r"^(?P<category>[-a-zA-Z0-9_]+)/(?P<slug>[-a-zA-Z0-9_]*)-(?P<pk>[0-9]+)\.html$",
        views.article_detail,
        name="detail",
    ),
    path("<slug:slug>/rss.xml", SectionFeed(), name="section-feed"),
    path("<slug:slug>/", views.CategoryView.as_view(), name="category"),
]
