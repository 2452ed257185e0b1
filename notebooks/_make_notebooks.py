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
        "figures = hs.key_figures(layers)\n"
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
        'm = hs.meeting_map(layers, "Yarrowside North")\n'
        "m"
    ),
]


BEFORE_AFTER = [
    new_markdown_cell(
        "# Before and after: dog fouling around each 20mph zone\n\n"
        "Did dog fouling reports change when each zone came in? For every zone in force with "
        "a date, reports are counted month by month for 24 months before (the baseline) and "
        "12 months after, in the zone and in a comparison area (here the streets outside all "
        "zones, leaving out the 100 m next to them where reports displaced from a zone would "
        "land). The change in the zone divided by the change in the comparison is a "
        "difference-in-differences on the rate scale, the *ratio of ratios*. Its 95% interval "
        "allows for months that run high or low together, and three checks come before any "
        "verdict: the trend before the date, a placebo date, and regression to the mean. "
        "`docs/evaluation.md` explains the method and what it cannot tell. The sample has a "
        "planted effect: dog fouling falls after Yarrowside North came in, and not in Cowslip."
    ),
    new_code_cell(
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "%matplotlib inline\n"
        "import healthy_streets as hs\n\n"
        "layers = hs.load_layers(hs.sample_inputs())\n"
        "layers.zones[['zone_id', 'name', 'status', 'implemented_on', 'implemented_precision']]"
    ),
    new_markdown_cell("## The evaluation, against the streets outside all zones"),
    new_code_cell(
        "evaluation = hs.before_after(layers, category='dog_fouling')\n"
        "evaluation[['zone_before', 'zone_after', 'control_before', 'control_after',\n"
        "            'ratio_of_ratios', 'ci_low', 'ci_high', 'p_adjusted', 'verdict_kind']]"
    ),
    new_markdown_cell(
        "The verdicts come in four kinds: a clear fall or rise; *no change larger than X% is "
        "likely* when the interval is narrow; *too uncertain to tell* when it is wide; and "
        "*not enough reports*. With two zones tested together, the p-values are adjusted "
        "(Holm) and the verdict says so."
    ),
    new_code_cell("for zone_id, row in evaluation.iterrows():\n"
                  "    print(f\"{row['name']}: {row['verdict']}\")"),
    new_markdown_cell(
        "## The checks\n\n"
        "How the zone moved against its comparison before the date (`pretrend_ratio_per_year`), "
        "the same evaluation a year earlier when no zone was in force (`placebo_ratio`), and "
        "whether the year before the date was unusually high against the zone's earlier "
        "months (`rtm_ratio`, `rtm_flag`). `detectable_fall` is the smallest fall these "
        "counts would find 4 times in 5: for a proposed zone, it says before a scheme whether "
        "reports could ever show its effect."
    ),
    new_code_cell(
        "evaluation[['before_months', 'history_months', 'pretrend_ratio_per_year', 'pretrend_p',\n"
        "            'placebo_ratio', 'placebo_p', 'rtm_ratio', 'rtm_flag', 'detectable_fall']]"
    ),
    new_markdown_cell(
        "## The monthly series\n\nThe zone (solid) beside the comparison (dashed), the date "
        "the zone began marked and the windows shaded."
    ),
    new_code_cell("hs.plot_monthly(layers, 'Yarrowside North');"),
    new_code_cell("hs.plot_monthly(layers, 'Cowslip');"),
    new_markdown_cell(
        "## Other comparison areas\n\n"
        "A ring around each zone, leaving out the first 100 m where reports displaced from "
        "the zone would land, out to 500 m (closer to the zone, but with fewer reports, and "
        "cut here where the sample's reports stop, 300 m out; the command line imports as far "
        "as the ring reaches); and the zones not yet in force (here the proposed Kestrel Park)."
    ),
    new_code_cell(
        "for control in ('ring', 'not_yet_treated'):\n"
        "    other = hs.before_after(layers, control=control)\n"
        "    row = other.loc['yarrowside-north']\n"
        "    print(f\"{row['comparison']}: {row['verdict']}\")"
    ),
    new_markdown_cell(
        "## Checks\n\nThe planted effect is found, in the right direction, with an interval "
        "that excludes no change; the zone with no planted effect gets an interval that "
        "includes it."
    ),
    new_code_cell(
        "north = evaluation.loc['yarrowside-north']\n"
        "cowslip = evaluation.loc['cowslip']\n"
        "assert north['ratio_of_ratios'] < 1 and north['ci_high'] < 1\n"
        "assert north['verdict_kind'] == 'fall'\n"
        "assert cowslip['ci_low'] < 1 < cowslip['ci_high']\n"
        "print('planted effect found')"
    ),
]

SCORECARD_AND_GAPS = [
    new_markdown_cell(
        "# The Healthy Streets scorecard and the 20mph gaps\n\n"
        "Each zone scored against TfL's ten Healthy Streets Indicators from open-data "
        "proxies (see `docs/scorecard.md` for every proxy and its limits), and the places "
        "where the council's zones and OpenStreetMap disagree."
    ),
    new_code_cell(
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "%matplotlib inline\n"
        "import healthy_streets as hs\n\n"
        "layers = hs.load_layers(hs.sample_inputs())"
    ),
    new_markdown_cell("## Street length by speed limit"),
    new_code_cell(
        "lengths = hs.street_lengths(layers)\n"
        "hs.plot_speed_bands(lengths)\n"
        "lengths[['street_km', 'km_20', 'km_30', 'km_40', 'km_unknown', 'share_20mph']]"
    ),
    new_markdown_cell("## The scorecard"),
    new_code_cell(
        "card = hs.scorecard(layers)\n"
        "card.pivot(index='indicator', columns='zone_id', values='score')"
    ),
    new_code_cell("hs.plot_scorecard(card, 'yarrowside-north');"),
    new_code_cell(
        "card[card.zone_id == 'yarrowside-north'][['indicator', 'measure', 'value', 'unit',\n"
        "                                          'score', 'thresholds']]"
    ),
    new_markdown_cell(
        "## 20mph gaps\n\nStreets in a zone in force that OpenStreetMap tags faster than "
        "20 mph, and streets tagged 20 mph outside every zone: for the council to check the "
        "signs, or to correct the map."
    ),
    new_code_cell(
        "gaps = hs.twenty_mph_gaps(layers)\n"
        "gaps.drop(columns='geometry')"
    ),
    new_markdown_cell("## Schools outside every 20mph zone"),
    new_code_cell(
        "hs.schools_outside_zones(layers).drop(columns='geometry')"
    ),
    new_markdown_cell(
        "## Hotspot streets for dog fouling\n\n"
        "Each street's rate has a 95% interval; `stands_out` marks only the streets whose "
        "reports are beyond chance against the rest of their area (adjusted for every street "
        "tested). With `smooth=True` the ranking uses Empirical Bayes rates, so a short "
        "street with a few reports does not top the list by luck."
    ),
    new_code_cell(
        "hotspots = hs.hotspot_streets(layers, category='Dog fouling', smooth=True)\n"
        "hotspots[['rank', 'zone_id', 'street', 'length_m', 'reports', 'per_100m_per_year',\n"
        "          'rate_low', 'rate_high', 'smoothed_per_100m_per_year', 'stands_out']].head(10)"
    ),
]

OWN_GRAPH_AND_ZONES = [
    new_markdown_cell(
        "# Your own osmnx graph and your own zones\n\n"
        "The toolkit takes what an analyst already has: an osmnx street graph, and zones "
        "drawn in a GeoDataFrame of your own, in longitude and latitude. Nothing is converted "
        "by hand: the graph becomes the `streets` layer (keeping osmnx's `u`, `v` and `key`, "
        "so every result joins back to the graph), your zones are read as a zones file "
        "would be (name, status and date found by their columns), and every analysis "
        "function takes the result whole. Everything runs offline, on the sample "
        "neighbourhood's OpenStreetMap file and reports."
    ),
    new_code_cell(
        "import geopandas as gpd\n"
        "import osmnx as ox\n"
        "from shapely.geometry import box\n\n"
        "import healthy_streets as hs\n\n"
        "sample = hs.sample_inputs()  # the sample's files: an OSM extract and resident reports\n"
        "# keep the UK's 20mph zone tags too (osmnx keeps maxspeed by default)\n"
        "ox.settings.useful_tags_way = [*ox.settings.useful_tags_way, 'maxspeed:type',\n"
        "                               'zone:maxspeed']\n"
        "G = ox.graph_from_xml(sample.osm)\n"
        "G"
    ),
    new_markdown_cell(
        "## Zones drawn in code\n\nTwo zones as a council officer might sketch them, in "
        "longitude and latitude (EPSG:4326), with a status and a date written as people "
        "write them."
    ),
    new_code_cell(
        "my_zones = gpd.GeoDataFrame(\n"
        "    {\n"
        "        'name': ['Church Fields', 'Mill Brow'],\n"
        "        'status': ['Implemented', 'Proposed'],\n"
        "        'go_live': ['6 Sep 2021', None],\n"
        "    },\n"
        "    geometry=[box(-2.6345, 53.6505, -2.6230, 53.6565),\n"
        "              box(-2.6220, 53.6515, -2.6090, 53.6545)],\n"
        "    crs='EPSG:4326',\n"
        ")\n"
        "my_zones"
    ),
    new_markdown_cell(
        "## The layers\n\n`Inputs` takes the zones and the graph as they are; "
        "`load_layers` reads the reports, cuts the streets at the zones and attaches "
        "everything. Each import says what it kept."
    ),
    new_code_cell(
        "layers = hs.load_layers(hs.Inputs(my_zones, streets=G, reports=sample.reports))\n"
        "for result in layers.imports:\n"
        "    print(result.summary())\n"
        "layers.zones[['zone_id', 'name', 'status', 'implemented_on']]"
    ),
    new_code_cell("layers.zones.explore(column='status', tooltip='name')"),
    new_markdown_cell(
        "## The summary\n\nEvery analysis function takes the `Layers` whole; zones and "
        "categories by the names people use."
    ),
    new_code_cell(
        "summary = hs.summarise_zones(layers)\n"
        "summary[['name', 'status', 'street_km', 'share_20mph', 'reports',\n"
        "         'reports_per_street_km_per_year']]"
    ),
    new_markdown_cell(
        "## Hotspot streets\n\nThe graph itself can be the streets too: here the "
        "ranking of streets by dog fouling reports, straight from `G`, cut at your zones so "
        "that each street is ranked in its own."
    ),
    new_code_cell(
        "hotspots = hs.hotspot_streets(G, layers.reports, zones=layers.zones,\n"
        "                              category='dog fouling')\n"
        "hotspots[['rank', 'zone_id', 'street', 'length_m', 'reports', 'per_100m_per_year',\n"
        "          'stands_out']].head(8)"
    ),
    new_markdown_cell(
        "Each street segment keeps the graph's own `u`, `v` and `key`, and lists the edges "
        "of `G` it is made of in `graph_edges`: back to the graph with no parsing of ids. "
        "`hs.segment_graph_edges` makes a table of them; every one is an edge of `G`."
    ),
    new_code_cell(
        "edges = hs.segment_graph_edges(layers.streets)  # every segment's edges of G\n"
        "in_G = [G.has_edge(u, v, k) for u, v, k in edges[['u', 'v', 'key']].itertuples(index=False)]\n"
        "assert all(in_G) and set(edges['segment_id']) == set(layers.streets['segment_id'])\n"
        "# osmnx simplified G, so every segment is one edge of G: G.edges[u, v, key]\n"
        "rows = layers.streets[['u', 'v', 'key']].itertuples(index=False)\n"
        "assert all(G.has_edge(u, v, k) for u, v, k in rows)\n"
        "segment = layers.streets.dropna(subset=['name']).iloc[0]\n"
        "segment['name'], G.edges[segment.u, segment.v, segment.key]['name']"
    ),
    new_markdown_cell("## Before and after, for the zone in force"),
    new_code_cell(
        "evaluation = hs.before_after(layers, category='Dog fouling')\n"
        "evaluation[['name', 'zone_before', 'zone_after', 'control_before', 'control_after',\n"
        "            'ratio_of_ratios', 'verdict']]"
    ),
    new_markdown_cell("## The meeting map, by the zone's name"),
    new_code_cell("hs.meeting_map(layers, 'Church Fields')"),
    new_markdown_cell("## Checks"),
    new_code_cell(
        "assert layers.zones.crs == 'EPSG:27700'  # your degrees, read into the working CRS\n"
        "assert list(summary.index) == ['church-fields', 'mill-brow', '(outside zones)']\n"
        "assert summary.loc['church-fields', 'reports'] > 0\n"
        "assert len(hotspots) > 0 and hotspots['reports'].sum() > 0\n"
        "assert evaluation.loc['church-fields', 'evaluated']\n"
        "assert not evaluation.loc['mill-brow', 'evaluated']  # proposed: nothing to evaluate\n"
        "print('your graph and your zones, analysed')"
    ),
]


def write(name: str, cells: list) -> None:
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, HERE / name)


NOTEBOOKS = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_before_after_dog_fouling.ipynb": BEFORE_AFTER,
    "03_scorecard_and_gaps.ipynb": SCORECARD_AND_GAPS,
    "04_your_own_graph_and_zones.ipynb": OWN_GRAPH_AND_ZONES,
}

if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        write(name, cells)
