"""``{{ article|preview_state }}``: the preview banner's account of the article."""

from django import template

from ..preview import preview_state

register = template.Library()
register.filter("preview_state", preview_state)
