"""A build never writes through a folder of its output folder that links elsewhere
(``maps/`` or ``tables/`` a link to another place): it would replace files there."""

from __future__ import annotations

import pytest
from test_output_paths import project, run

from healthy_streets._staging import OutputStaging
from healthy_streets.errors import OutputLinkError


@pytest.mark.parametrize("folder", ["maps", "tables"])
def test_a_build_never_writes_through_a_folder_linked_elsewhere(tmp_path, folder):
    council = project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "cowslip.html").write_text("someone else's page")
    (elsewhere / "summary.csv").write_text("someone else's table")
    out = council / "out"
    out.mkdir()
    (out / folder).symlink_to(elsewhere, target_is_directory=True)
    result = run("build", council / "healthy-streets.toml", "--overwrite")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{out / folder} is a link to {elsewhere}, outside the output folder" in result.output
    assert "Remove the link" in result.output
    assert (elsewhere / "cowslip.html").read_text() == "someone else's page"
    assert (elsewhere / "summary.csv").read_text() == "someone else's table"
    assert sorted(p.name for p in out.iterdir()) == [folder]  # nothing written

    # a link inside the output folder is the officer's own layout: written through
    (out / folder).unlink()
    (out / "kept").mkdir()
    (out / folder).symlink_to(out / "kept", target_is_directory=True)
    assert run("build", council / "healthy-streets.toml", "--overwrite").exit_code == 0
    assert any((out / "kept").iterdir())


def test_a_folder_linked_elsewhere_while_a_build_runs_changes_nothing(tmp_path):
    """The link made after the build checked (while it drew the maps): the build is
    refused as it ends, before any output moves or any file is removed."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "old.html").write_text("someone else's page")
    (out / "maps").mkdir(parents=True)
    (out / "index.html").write_text("the last build's index")
    with OutputStaging(out) as staging:
        staged = staging.files / "maps" / "a.html"
        staged.parent.mkdir(parents=True)
        staged.write_text("new map")
        index = staging.files / "index.html"
        index.write_text("new index")
        (out / "maps").rmdir()
        (out / "maps").symlink_to(elsewhere, target_is_directory=True)
        moves = [(index, out / "index.html"), (staged, out / "maps" / "a.html")]
        with pytest.raises(OutputLinkError, match="Remove the link"):
            staging.commit(moves, removes=[out / "maps" / "old.html"])
    assert (out / "index.html").read_text() == "the last build's index"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["old.html"]
    assert not list(out.glob(".staging-*"))
