"""The page cache's vocabulary is defined once (``articles.pagecache``).

A group name typed by hand in a view and by hand again in a purge can drift
apart, and the page then outlives the change it shows. A private query
parameter typed in two places can drift too, and one reader's page is then
cached for everyone. So group names are built only in
``articles.pagecache.groups``, query parameters are defined only in
``articles.pagecache.keys``, and these tests read the source (with ``ast``,
without importing it) to keep it so.
"""

import ast
import inspect
from pathlib import Path

from django.test import RequestFactory

from articles.comments import section as comments
from articles.pagecache import groups, keys
from articles.pagecache.middleware import _key
from newsroom import db_router

BASE_DIR = Path(__file__).resolve().parents[3]
SCANNED = ("articles", "newsroom", "bench")
GROUPS_MODULE = BASE_DIR / "articles" / "pagecache" / "groups.py"
KEYS_MODULE = BASE_DIR / "articles" / "pagecache" / "keys.py"

# "article:", "byline:", ...: what each of groups' functions puts before the id.
KINDS = tuple(
    function(0).removesuffix("0")
    for _, function in inspect.getmembers(groups, inspect.isfunction)
)
# "home", "latest", ...: the groups that are one name.
NAMES = {
    value
    for name, value in vars(groups).items()
    if name.isupper() and isinstance(value, str)
}
# Calls whose arguments are groups.
GROUP_CALLS = {
    "Part",
    "cacheable",
    "groups_for_article",
    "mark_cacheable",
    "purge",
    "purge_articles_on_commit",
}


def _called(node) -> str | None:
    func = node.func
    return getattr(func, "id", None) or getattr(func, "attr", None)


def _head(node) -> str | None:
    """The literal text a string expression starts with, if any."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        return _head(node.values[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _head(node.left)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _head(node.func.value)
    return None


def _names_a_group(node) -> bool:
    """An assignment of a value to a name that says it is a group."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    else:
        return False
    return any("group" in ast.unparse(target).lower() for target in targets)


def hand_built_groups(source: str) -> list[tuple[int, str]]:
    """(line, text) of every group name in ``source`` not made by ``groups``.

    A string starting with a kind's prefix (``f"article:{pk}"``,
    ``"tag:" + str(pk)``), or a one-name group (``"latest"``) given to the page
    cache (a call in ``GROUP_CALLS``), gathered in a set, or given a name of
    its own (``MOST_READ_GROUP = "most-read"``).
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        head = _head(node)
        if head is not None and head.startswith(KINDS):
            found.append((node.lineno, head))
        if isinstance(node, ast.Call) and _called(node) in GROUP_CALLS:
            places = [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.Set):
            places = [node]
        elif _names_a_group(node):
            places = [node.value]
        else:
            continue
        for place in places:
            for inner in ast.walk(place):
                if isinstance(inner, ast.Constant) and inner.value in NAMES:
                    found.append((inner.lineno, inner.value))
    return sorted(set(found))


def python_files():
    for package in SCANNED:
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_scan_finds_group_names_built_by_hand():
    assert hand_built_groups('g = f"article:{pk}"') == [(1, "article:")]
    assert hand_built_groups('purge(["byline:" + str(pk)])') == [(1, "byline:")]
    assert hand_built_groups('g = "tagname:%s" % pk') == [(1, "tagname:%s")]
    assert hand_built_groups('mark_cacheable(response, ["latest"])') == [(1, "latest")]
    assert hand_built_groups('shown = {groups.article(pk), "featured"}') == [
        (1, "featured")
    ]
    assert hand_built_groups('Part("home:top", ("home",), top)') == [(1, "home")]
    assert hand_built_groups('MOST_READ_GROUP = "most-read"') == [(1, "most-read")]
    assert hand_built_groups('SITE_GROUPS = ("site",)') == [(1, "site")]
    # Made by the module, or not a group at all: nothing to report.
    assert not hand_built_groups(
        "mark_cacheable(response, [groups.LATEST, groups.article(pk)])\n"
        'context = {"featured": rows, "site": site}\n'
        'Part(f"article-main:{pk}", lambda v: v["groups"], build)\n'
    )


def test_group_names_are_built_only_in_the_groups_module():
    found = [
        f"{path.relative_to(BASE_DIR)}:{line}: {text!r}"
        for path in python_files()
        if path != GROUPS_MODULE
        for line, text in hand_built_groups(path.read_text(encoding="utf-8"))
    ]
    assert not found, "build these with articles.pagecache.groups:\n" + "\n".join(found)


def test_private_parameters_are_typed_only_in_the_keys_module():
    found = [
        f"{path.relative_to(BASE_DIR)}:{node.lineno}: {node.value!r}"
        for path in python_files()
        if path != KEYS_MODULE
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in keys.PRIVATE_PARAMS
    ]
    assert not found, "import these from articles.pagecache.keys:\n" + "\n".join(found)


def test_the_page_cache_and_the_replica_router_share_their_private_parameters():
    # The router reads from the primary every page the page cache keeps private,
    # and the notice a poster sees (the same for every poster, so cached).
    assert set(db_router.PRIMARY_PARAMS) == {*keys.PRIVATE_PARAMS, keys.NOTICE_PARAM}
    assert comments.OWN_PARAM in keys.PRIVATE_PARAMS
    factory = RequestFactory()
    for param in keys.PRIVATE_PARAMS:
        request = factory.get("/thoi-su/tin-1.html", {param: "x"})
        assert _key(request) is None
        assert not db_router.may_read_replica(request)
    public = factory.get("/thoi-su/tin-1.html", {"utm_source": "x"})
    assert _key(public) is not None
    assert db_router.may_read_replica(public)
