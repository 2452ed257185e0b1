"""The API reference's two directives, and links for the names the package exports.

``hs-modules``
    Documents modules with autodoc, one section each. A package stands for its public
    submodules (those whose names do not start with ``_``), found when the site is built,
    so a module added to a package is documented without editing a page.
``hs-exports``
    A table of every name in ``healthy_streets.__all__``: its one-line summary, linked to
    where it is documented.

A reference to an exported name (``:func:`read_zones``` or
``:func:`healthy_streets.read_zones```) is linked to the module that defines it.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

PACKAGE = "healthy_streets"
#: Longer values of module constants are cut (the full value is in the source).
LONGEST_VALUE = 120


def public_modules(name: str, *, shallow: bool = False) -> list[str]:
    """``name``, and for a package its public submodules, in name order.

    ``shallow``: only the package's own modules, neither the package nor its subpackages.
    """
    module = importlib.import_module(name)
    if not hasattr(module, "__path__"):
        return [name]
    found = [] if shallow else [name]
    for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or (shallow and info.ispkg):
            continue
        found.extend(public_modules(f"{name}.{info.name}"))
    return found


def canonical_name(value: Any) -> str | None:
    """Where ``value`` is documented: its defining module's dotted path, or ``None``."""
    if isinstance(value, ModuleType):
        return value.__name__
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if module and qualname:
        return f"{module}.{qualname}"
    return None


def exported() -> dict[str, str]:
    """Exported name -> its canonical dotted path (names without one are left out)."""
    package = importlib.import_module(PACKAGE)
    found = {}
    for name in package.__all__:
        target = canonical_name(getattr(package, name))
        if target is not None:
            found[name] = target
    return found


class Modules(SphinxDirective):
    """``hs-modules``: autodoc for the named modules, a section each.

    Options: ``:shallow:`` (a package's own modules only, not its subpackages) and
    ``:exclude:`` (modules documented on another page).
    """

    required_arguments = 1
    optional_arguments = 20
    option_spec: ClassVar[dict[str, Any]] = {
        "shallow": directives.flag,
        "exclude": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        shallow = "shallow" in self.options
        excluded = set(self.options.get("exclude", "").split())
        lines: list[str] = []
        for argument in self.arguments:
            for name in public_modules(argument, shallow=shallow):
                if name not in excluded:
                    lines += module_section(name)
        return parse(self, lines)


def module_section(name: str) -> list[str]:
    """A section documenting module ``name``: a package's docstring alone, as its modules follow."""
    module = importlib.import_module(name)
    package = hasattr(module, "__path__")
    if package and not module.__doc__:
        return []
    title = f"``{name}``"
    options = ["   :no-members:"] if package else _reexports(module)
    return [title, "=" * len(title), "", f".. automodule:: {name}", *options, ""]


def _reexports(module: ModuleType) -> list[str]:
    """The option leaving out the classes and functions a module's ``__all__`` takes from
    another module: each is documented once, where it is defined."""
    names = [
        n
        for n in getattr(module, "__all__", ())
        if getattr(getattr(module, n, None), "__module__", module.__name__) != module.__name__
    ]
    return [f"   :exclude-members: {', '.join(names)}"] if names else []


class Exports(SphinxDirective):
    """``hs-exports``: an autosummary table of ``healthy_streets.__all__``."""

    def run(self) -> list[nodes.Node]:
        lines = [".. currentmodule:: None", "", ".. autosummary::", ""]
        lines += [f"   ~{target}" for target in exported().values()]
        return parse(self, lines)


def parse(directive: SphinxDirective, lines: list[str]) -> list[nodes.Node]:
    """reStructuredText made by a directive, parsed where the directive stands."""
    container = nodes.section()
    container.document = directive.state.document
    source = StringList(lines, directive.get_source_info()[0])
    nested_parse_with_titles(directive.state, source, container)
    return list(container.children)


def lookup(dotted: str) -> Any:
    """The object a dotted path names, importing its module; ``None`` when there is none."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            value = getattr(value, part, None)
        return value
    return None


def link_exports(app: Sphinx, env: Any, node: Any, contnode: nodes.Node) -> nodes.Node | None:
    """Link a name the package or a subpackage re-exports to the module that defines it.

    ``read_zones``, ``healthy_streets.read_zones`` and ``healthy_streets.io.zones.read_zones``
    all lead to the same place.
    """
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].removeprefix("~")
    canonical = app.config.hs_exports.get(target.removeprefix(f"{PACKAGE}."))
    if canonical is None and target.startswith(f"{PACKAGE}."):
        canonical = canonical_name(lookup(target))
    if canonical is None or canonical == target:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], canonical, node, contnode
    )


def shorten_values(app: Sphinx, doctree: nodes.document) -> None:
    """Cut a constant's value shown after its name to :data:`LONGEST_VALUE` characters.

    Tables of synonyms and roles run to screens of text; their docstrings say what they hold.
    """
    for annotation in doctree.findall(addnodes.desc_annotation):
        if not any(isinstance(child, addnodes.desc_sig_punctuation) for child in annotation):
            continue
        for text in list(annotation.findall(nodes.Text)):
            if len(text) > LONGEST_VALUE:
                text.parent.replace(text, nodes.Text(text[: LONGEST_VALUE - 2] + " …"))


def remember_exports(app: Sphinx, config: Any) -> None:
    config.hs_exports = exported()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("hs_exports", {}, "env")
    app.connect("config-inited", remember_exports)
    app.add_directive("hs-modules", Modules)
    app.add_directive("hs-exports", Exports)
    app.connect("missing-reference", link_exports)
    app.connect("doctree-read", shorten_values)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
