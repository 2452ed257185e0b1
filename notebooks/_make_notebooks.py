"""Write the notebooks in this folder from their cells (kept here so diffs stay readable).

Run ``python notebooks/_make_notebooks.py`` after editing; the tests execute the notebooks.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).parent

QUICKSTART = [
    new_markdown_cell(
        "# Quickstart: the sample neighbourhood\n\n"
        "Load the bundled sample (Yarrowside, a fictional neighbourhood at real coordinates "
        "near Chorley), look at the four normalised layers, and show a meeting map inline. "
        "Everything runs offline. The columns of each layer are described in "
        "`docs/layers.md`."
    ),
    new_code_cell(
        "import healthy_streets as hs\n\n"
        "inputs = hs.sample_inputs()\n"
        "layers = hs.load_layers(inputs)\n"
        "for result in layers.imports:\n"
        "    print(result.summary())"
    ),
    new_markdown_cell("Every import accounts for its rows. The rejected ones, with reasons:"),
    new_code_cell("layers.rejected().head()"),
    new_markdown_cell("## The zones"),
    new_code_cell(
        'layers.zones[["zone_id", "name", "status", "implemented_on", '
        '"implemented_precision", "implemented_text"]]'
    ),
    new_markdown_cell(
        "## Streets by speed limit\n\nOne row per street segment, cut at zone boundaries. "
        "`speed_source` says where each limit came from."
    ),
    new_code_cell(
        "streets = layers.streets\n"
        'roads = streets[streets.road_class != "path"]\n'
        '(roads.groupby(["zone_id", "speed_mph"], dropna=False).length_m.sum() / 1000).round(2)'
    ),
    new_code_cell('streets.speed_source.value_counts()'),
    new_markdown_cell("## Key figures per zone, with the area outside all zones as a comparison"),
    new_code_cell(
        "figures = hs.key_figures(layers.zones, layers.streets, layers.assets, layers.reports)\n"
        "figures"
    ),
    new_markdown_cell("## Reports and assets"),
    new_code_cell(
        'layers.reports.groupby(["category", "status"]).size().unstack(fill_value=0)'
    ),
    new_code_cell('layers.assets.category.value_counts()'),
    new_markdown_cell(
        "## A meeting map\n\nThe same map the command line writes: it works with no internet."
    ),
    new_code_cell(
        'm = hs.meeting_map("yarrowside-north", zones=layers.zones, streets=layers.streets,\n'
        "                   assets=layers.assets, reports=layers.reports)\n"
        "m"
    ),
]


def write(name: str, cells: list) -> None:
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, HERE / name)


if __name__ == "__main__":
    write("01_quickstart.ipynb", QUICKSTART)
