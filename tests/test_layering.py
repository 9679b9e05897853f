"""The import graph of ``articles/`` and ``newsroom/``: the models at the bottom.

Read with ``ast``, not by importing, so every import of an app module counts,
the ones inside functions included: a cycle "solved" by a function-local
import is still a cycle (STYLE.md, "Models sit at the bottom"). A package that
loads its names on first use (a module ``__getattr__``, as ``articles.pagecache``
does) is followed to the submodule that defines each name a module takes from it.

Three rules, one test each:

1. No import cycle passes through ``articles/models/``.
2. Every other cycle is in ``ALLOWED_CYCLES`` with the reason it is still there,
   and every entry there is still a cycle, so the list stays true.
3. A function-local import of an app module says why, in a comment on its line
   or the line above.

``python tests/test_layering.py [ROOT]`` prints the cycles and the
function-local imports of the tree at ROOT (this checkout by default).
"""

import ast
import io
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGES = ("articles", "newsroom")
MODELS = "articles.models"

# The cycles that remain outside the models, each with why. A new cycle, or a
# module joining one of these, fails test_no_other_cycle_than_the_allowed_ones.
ALLOWED_CYCLES: set[frozenset[str]] = set()


@dataclass(frozen=True)
class Import:
    """One import statement of app modules, resolved to the modules it runs."""

    source: str  # the importing module
    targets: tuple[str, ...]
    path: Path
    line: int
    local: bool  # inside a function: runs at the first call, not at import
    reason: bool  # a comment on its lines, or a comment line just above


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module
    comments: frozenset[int]  # lines holding a comment
    comment_lines: frozenset[int]  # lines holding only a comment

    @property
    def is_package(self):
        return self.path.name == "__init__.py"

    def bound_names(self):
        """Names the module binds at its top level (if/try blocks included)."""
        names, todo = set(), list(self.tree.body)
        while todo:
            node = todo.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)  # not what its body binds
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif not isinstance(node, ast.Lambda):
                todo.extend(ast.iter_child_nodes(node))
        return names


def module_name(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def load(root=BASE_DIR):
    """Every module under PACKAGES (migrations excluded), parsed, by name."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            tokens = tokenize.generate_tokens(io.StringIO(source).readline)
            comments = {t.start[0] for t in tokens if t.type == tokenize.COMMENT}
            name = module_name(path, root)
            modules[name] = Module(
                name=name,
                path=path,
                tree=ast.parse(source, filename=str(path)),
                comments=frozenset(comments),
                comment_lines=frozenset(
                    n for n in comments if lines[n - 1].lstrip().startswith("#")
                ),
            )
    return modules


class Resolver:
    def __init__(self, modules):
        self.modules = modules
        self._bound = {}

    def bound(self, name):
        if name not in self._bound:
            self._bound[name] = self.modules[name].bound_names()
        return self._bound[name]

    def attribute(self, package, attr):
        """The module that running ``package.attr`` imports: the submodule, the
        package itself when its __init__ binds the name, or else the submodule
        that defines it (a package loading its names on first use)."""
        if f"{package}.{attr}" in self.modules:
            return f"{package}.{attr}"
        if not self.modules[package].is_package or attr in self.bound(package):
            return package
        prefix = package + "."
        defining = [
            name
            for name in self.modules
            if name.startswith(prefix)
            and "." not in name[len(prefix) :]
            and attr in self.bound(name)
        ]
        return defining[0] if len(defining) == 1 else package

    def absolute(self, node, module):
        if not node.level:
            return node.module
        package = module.name if module.is_package else module.name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        return f"{package}.{node.module}" if node.module else package

    def targets(self, node, module, used):
        """The app modules an import statement runs; () for third-party ones.

        ``used`` maps a local name to the attributes the module reads from it,
        to follow ``from . import package`` then ``package.name``.
        """
        found = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    found.append(alias.name)
            return tuple(found)
        base = self.absolute(node, module)
        if base.split(".")[0] not in PACKAGES or base not in self.modules:
            return ()
        for alias in node.names:
            target = self.attribute(base, alias.name)
            found.append(target)
            if target == f"{base}.{alias.name}" and self.modules[target].is_package:
                local = alias.asname or alias.name
                found += [self.attribute(target, a) for a in used.get(local, ())]
        return tuple(dict.fromkeys(found))


def attributes_read(tree):
    """Local name -> the attributes read from it anywhere in the module."""
    used = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            used.setdefault(node.value.id, set()).add(node.attr)
    return used


def imports(modules):
    """Every import of an app module under PACKAGES, local ones included."""
    resolver = Resolver(modules)
    found = []
    for module in modules.values():
        used = attributes_read(module.tree)

        def visit(node, local, module=module, used=used):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.Import | ast.ImportFrom):
                    targets = resolver.targets(child, module, used)
                    if targets:
                        lines = range(child.lineno, child.end_lineno + 1)
                        found.append(
                            Import(
                                source=module.name,
                                targets=targets,
                                path=module.path,
                                line=child.lineno,
                                local=local,
                                reason=child.lineno - 1 in module.comment_lines
                                or any(n in module.comments for n in lines),
                            )
                        )
                function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
                visit(child, local or isinstance(child, function))

        visit(module.tree, False)
    return found


def graph(found, modules):
    """Module -> the app modules that importing it runs.

    Importing ``a.b.c`` first runs the packages ``a.b`` and ``a``, so those are
    edges too, except from inside that package (already running by then).
    """
    edges = {name: set() for name in modules}
    for imp in found:
        for target in imp.targets:
            parts = target.split(".")
            for i in range(len(parts), 0, -1):
                name = ".".join(parts[:i])
                inside = imp.source == name or imp.source.startswith(name + ".")
                if name in modules and not inside:
                    edges[imp.source].add(name)
    return edges


def cycles(edges):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def describe(component, edges):
    lines = [f"cycle of {len(component)}: {', '.join(sorted(component))}"]
    for name in sorted(component):
        lines.append(f"  {name} -> {', '.join(sorted(edges[name] & component))}")
    return "\n".join(lines)


def analyse(root=BASE_DIR):
    modules = load(root)
    found = imports(modules)
    edges = graph(found, modules)
    return found, edges, cycles(edges)


def show(text):
    # The tests' report (pytest shows it with -s or on failure) and the script's.
    print(text)  # noqa: T201


def in_models(name):
    return name == MODELS or name.startswith(MODELS + ".")


def test_no_cycle_through_the_models():
    _, edges, found = analyse()
    bad = "\n".join(describe(c, edges) for c in found if any(map(in_models, c)))
    show(bad)
    assert not bad, f"import cycles through {MODELS}:\n{bad}"


def test_no_other_cycle_than_the_allowed_ones():
    _, edges, found = analyse()
    show("\n".join(describe(c, edges) for c in found))
    new = "\n".join(describe(c, edges) for c in found if c not in ALLOWED_CYCLES)
    assert not new, f"import cycles not in ALLOWED_CYCLES:\n{new}"
    stale = [sorted(c) for c in ALLOWED_CYCLES if c not in found]
    assert not stale, f"no longer cycles, take them out of ALLOWED_CYCLES: {stale}"


def test_function_local_imports_say_why():
    found, _, _ = analyse()
    silent = [
        f"{imp.path.relative_to(BASE_DIR)}:{imp.line}"
        for imp in found
        if imp.local and not imp.reason
    ]
    assert not silent, (
        "a function-local import of an app module needs a comment saying why "
        "(on its line or the line above):\n  " + "\n  ".join(silent)
    )


if __name__ == "__main__":
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else BASE_DIR
    found, edges, components = analyse(root)
    local = [imp for imp in found if imp.local]
    show(f"import cycles (strongly connected components): {len(components)}")
    for component in components:
        show(describe(component, edges))
    show(f"function-local imports of app modules: {len(local)}")
    show(f"  with a reason written: {sum(imp.reason for imp in local)}")
    for imp in local:
        mark = "ok" if imp.reason else "--"
        where = imp.path.relative_to(root)
        show(f"  {mark} {where}:{imp.line} -> {', '.join(imp.targets)}")


# -- the checker itself, on small trees -------------------------------------------


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for package in PACKAGES:
        (root / package).mkdir(exist_ok=True)
        (root / package / "__init__.py").touch()


def test_checker_finds_a_cycle_through_the_models_made_by_a_local_import(tmp_path):
    write(
        tmp_path,
        {
            "articles/models/__init__.py": "from .article import Article\n",
            "articles/models/article.py": "from ..pictures import sizes\n",
            "articles/pictures.py": "def sizes():\n    from .models import Article\n",
        },
    )
    found, edges, components = analyse(tmp_path)
    assert components == [
        frozenset({"articles.models", "articles.models.article", "articles.pictures"})
    ]
    silent = [(i.source, i.line) for i in found if i.local and not i.reason]
    assert silent == [("articles.pictures", 2)]


def test_checker_takes_a_reason_beside_or_just_above_only(tmp_path):
    write(
        tmp_path,
        {
            "articles/a.py": (
                "def f():\n"
                "    # why\n"
                "    from . import b\n"
                "    from . import b as c  # why\n"
                "    x = 1  # not about the import below\n"
                "    from . import b as d\n"
            ),
            "articles/b.py": "",
        },
    )
    found, _, _ = analyse(tmp_path)
    assert [(i.line, i.reason) for i in found] == [(3, True), (4, True), (6, False)]


def test_checker_follows_a_package_that_loads_its_names_on_first_use(tmp_path):
    write(
        tmp_path,
        {
            "articles/cache/__init__.py": (
                "def __getattr__(name):\n"
                "    from importlib import import_module\n"
                "    return getattr(import_module(__name__ + '.purging'), name)\n"
            ),
            "articles/cache/purging.py": "from ..models import Article\npurge = 1\n",
            "articles/models/__init__.py": "from .article import Article\n",
            "articles/models/article.py": (
                "from .. import cache\n\ndef f():\n    return cache.purge\n"
            ),
        },
    )
    _, _, components = analyse(tmp_path)
    assert components == [
        frozenset(
            {
                "articles.cache.purging",
                "articles.models",
                "articles.models.article",
            }
        )
    ]
