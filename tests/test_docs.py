"""Generated reference pages are up to date with the code (run `make docs`)."""

import pytest

from healthy_streets._docs import pages

from conftest import ROOT


@pytest.mark.parametrize("page", ["layers", "taxonomy", "scorecard"])
def test_generated_page_is_up_to_date(page):
    written = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
    assert written == pages()[page](), f"docs/{page}.md is out of date: run `make docs`"
