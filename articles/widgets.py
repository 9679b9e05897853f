from django.urls import reverse
from taggit.forms import TagWidget


class TagSuggestWidget(TagWidget):
    """Taggit's comma-separated input, with suggestions of existing tags.

    ``static/admin/js/tag_suggest.js`` asks the admin's autocomplete view for
    tags matching the word being typed ("ha noi" finds "Hà Nội") and offers them
    in a ``<datalist>``, so editors reuse tags instead of inventing near-copies.
    """

    # In the app's templates/: Django's form renderer only looks in app dirs.
    template_name = "articles/widgets/tag_suggest.html"

    class Media:
        js = ["admin/js/tag_suggest.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        datalist_id = f"{widget_attrs.get('id', name)}_suggestions"
        widget_attrs.update(
            {
                "list": datalist_id,
                "autocomplete": "off",
                "data-tag-suggest": reverse("admin:autocomplete"),
            }
        )
        context["widget"]["datalist_id"] = datalist_id
        return context
