"""Sphinx configuration: the documentation site, built offline with warnings as errors.

``make docs`` regenerates the generated pages and runs
``sphinx-build -W --keep-going -b html docs out/site``; ``tests/test_docs.py`` builds it too.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))  # the checkout's package, even where it is not installed

import healthy_streets  # noqa: E402

project = "healthy_streets"
author = "healthy_streets developers"
copyright = "healthy_streets developers"
release = healthy_streets.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
    "hs_api",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

# The README's own links name files from the repository's root (docs/layers.md).
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# Docstrings are numpydoc; types live in the signatures' hints.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autodoc_default_options = {"members": True, "show-inheritance": True}
autosummary_generate = False
python_maximum_signature_line_length = 88
add_module_names = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Offline: nothing fetched at build time or by the reader's browser (furo ships its own
# assets and uses the system's fonts); no search index served from elsewhere.
html_theme = "furo"
html_title = "healthy_streets"
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
