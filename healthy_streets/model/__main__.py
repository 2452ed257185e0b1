"""``python -m healthy_streets.model [layers|taxonomy]``: print a generated reference page.

``layers`` (the default) is ``docs/layers.md``; ``taxonomy`` is ``docs/taxonomy.md``.
"""

import sys

from healthy_streets.model import layers, taxonomy

page = sys.argv[1] if len(sys.argv) > 1 else "layers"
pages = {"layers": layers.markdown, "taxonomy": taxonomy.markdown}
if page not in pages:
    sys.exit(f"usage: python -m healthy_streets.model [{'|'.join(pages)}]")
print(pages[page](), end="")
