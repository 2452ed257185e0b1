"""The notebooks run, offline, on the sample, so they never rot."""

from __future__ import annotations

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "01_quickstart.ipynb",
        "02_before_after_dog_fouling.ipynb",
        "03_scorecard_and_gaps.ipynb",
        "04_your_own_graph_and_zones.ipynb",
    ]


def test_notebooks_are_written_by_their_script():
    import runpy

    import nbformat

    namespace = runpy.run_path(str(ROOT / "notebooks" / "_make_notebooks.py"), run_name="x")
    for name, cells in namespace["NOTEBOOKS"].items():
        stored = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        assert [c.source for c in stored.cells] == [c.source for c in cells], name
        assert all(not c.get("outputs") for c in stored.cells), "commit notebooks without outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_offline(path, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute(cwd=str(tmp_path))
    errors = [
        o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert errors == []
