"""The newsroom's roles, as Django groups, in one readable place.

A data migration creates the groups on every database and a post_migrate hook
keeps their permissions exactly as listed here, so changing a role is a change
to this file. Object-level rules (a reporter edits only their own drafts) live
in ``ArticleAdmin`` and ``articles.workflow``.
"""

REPORTER = "Phóng viên"
EDITOR = "Biên tập viên"
MANAGING_EDITOR = "Thư ký tòa soạn"
MODERATOR = "Kiểm duyệt bình luận"

_REPORTER = {
    "articles.view_article",
    "articles.add_article",
    "articles.change_article",
    "articles.submit_article",
    # The byline inline ("Tác giả") on the article form: without these a
    # reporter's article goes out with no name. ArticleAdmin decides which
    # articles' bylines (a reporter's own drafts, an editor's any).
    "articles.view_articleauthor",
    "articles.add_articleauthor",
    "articles.change_articleauthor",
    "articles.delete_articleauthor",
    # The history of their own articles: earlier versions to restore, and
    # the workflow log that says why an editor sent one back.
    "articles.view_revision",
    "articles.view_articletransition",
    # Read access so the article form's autocomplete fields work.
    "articles.view_category",
    "articles.view_author",
    "articles.view_tag",
    "articles.view_image",
    "articles.add_image",
}
_EDITOR = _REPORTER | {
    "articles.edit_any_article",
    "articles.approve_article",
    "articles.publish_article",
    "articles.feature_article",
    "articles.change_image",
    "articles.add_tag",
    "articles.change_tag",
    "articles.view_correction",
    "articles.add_correction",
    "articles.change_correction",
    "articles.view_previewlink",
    "articles.add_previewlink",
    "articles.change_previewlink",
}
_MANAGING_EDITOR = _EDITOR | {
    "articles.delete_article",
    "articles.embargo_article",
    "articles.takedown_article",
    "articles.delete_correction",
    "articles.add_category",
    "articles.change_category",
    "articles.delete_category",
    "articles.add_author",
    "articles.change_author",
    "articles.delete_author",
    "articles.delete_tag",
    "articles.delete_image",
    "articles.view_sitesettings",
    "articles.change_sitesettings",
    "articles.view_comment",
    "articles.change_comment",
    "articles.delete_comment",
    "articles.view_blockedterm",
    "articles.add_blockedterm",
    "articles.change_blockedterm",
    "articles.delete_blockedterm",
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
}
_MODERATOR = {
    "articles.view_comment",
    "articles.change_comment",
    "articles.delete_comment",
    "articles.view_blockedterm",
    "articles.add_blockedterm",
    "articles.change_blockedterm",
    "articles.delete_blockedterm",
}

ROLES: dict[str, frozenset[str]] = {
    REPORTER: frozenset(_REPORTER),
    EDITOR: frozenset(_EDITOR),
    MANAGING_EDITOR: frozenset(_MANAGING_EDITOR),
    MODERATOR: frozenset(_MODERATOR),
}


def sync_roles(group_model, permission_model) -> None:
    """Create the groups and give each exactly the permissions listed above.

    Takes the models as arguments so a migration can pass its historical ones.
    A permission whose model a migration has not created yet is skipped; the
    post_migrate hook runs this again once every model exists (and a test checks
    that every listed permission is granted, so a typo cannot hide here).
    """
    for name, codes in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = []
        for code in sorted(codes):
            app_label, codename = code.split(".")
            wanted.extend(
                permission_model.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
