"""Print a generated reference page: ``python -m healthy_streets._docs PAGE``.

Pages: ``layers`` (docs/layers.md), ``taxonomy`` (docs/taxonomy.md), ``scorecard``
(docs/scorecard.md). ``make docs`` writes them all; tests check they are up to date.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from healthy_streets.analysis.scorecard import markdown as scorecard_page
from healthy_streets.io.store import markdown as store_page
from healthy_streets.model.layers import markdown as layers_page
from healthy_streets.model.taxonomy import markdown as taxonomy_page


def pages() -> dict[str, Callable[[], str]]:
    """Page name -> the function that writes it."""

    return {
        "layers": lambda: layers_page() + store_page(),
        "taxonomy": taxonomy_page,
        "scorecard": scorecard_page,
    }


if __name__ == "__main__":
    known = pages()
    if len(sys.argv) != 2 or sys.argv[1] not in known:
        sys.exit(f"usage: python -m healthy_streets._docs {{{'|'.join(known)}}}")
    sys.stdout.write(known[sys.argv[1]]())
