import pytest

from healthy_streets.io._coords import grid_ref_to_bng


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("SD 58323 17512", (358323.5, 417512.5)),
        ("SD5832317512", (358323.5, 417512.5)),
        ("sd 5832 1751", (358325.0, 417515.0)),
        ("SD5817", (358500.0, 417500.0)),
        ("SD 58 17", (358500.0, 417500.0)),
        ("TQ 30 80", (530500.0, 180500.0)),  # central London
        ("NN 166 712", (216650.0, 771250.0)),  # Ben Nevis
        ("HP 6 1", (465000.0, 1215000.0)),  # Shetland
    ],
)
def test_grid_refs_at_any_precision(ref, expected):
    assert grid_ref_to_bng(ref) == expected


@pytest.mark.parametrize("ref", ["SD", "SD 583 17512", "SI 1 2", "12345", "", "SD 1234567890123"])
def test_not_grid_refs(ref):
    assert grid_ref_to_bng(ref) is None
