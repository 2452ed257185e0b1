"""The names the package's docstring examples use: ``hs``, the sample's ``layers``, ``out``.

Only doctest items get them, so ``pytest tests/...`` never loads the sample. The sample's
layers are loaded once per session (per worker under xdist), on first use.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _pytest.doctest import DoctestItem

if TYPE_CHECKING:
    from healthy_streets.model.build import Layers

ROOT = Path(__file__).resolve().parent


@cache
def _sample_layers() -> Layers:
    """The bundled sample's layers, as ``hs.load_layers(hs.sample_inputs())`` returns them."""
    import healthy_streets as hs

    return hs.load_layers(hs.sample_inputs(ROOT / "data" / "sample"))


@pytest.fixture(autouse=True)
def _doctest_names(request: pytest.FixtureRequest) -> None:
    """Give a docstring example ``hs``, ``layers`` and a fresh folder ``out`` to write to,
    and run it from the repository root, where ``data/sample`` is."""
    if not isinstance(request.node, DoctestItem):
        return
    import healthy_streets as hs

    namespace: dict[str, Any] = request.getfixturevalue("doctest_namespace")
    namespace["hs"] = hs
    namespace["out"] = request.getfixturevalue("tmp_path")
    if any("layers" in example.source for example in request.node.dtest.examples):
        namespace["layers"] = _sample_layers()
    request.getfixturevalue("monkeypatch").chdir(ROOT)
