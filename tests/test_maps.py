import datetime as dt
import json
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from healthy_streets.analysis.tables import key_figures
from healthy_streets.errors import ConfigError, OutputExistsError
from healthy_streets.maps._resources import INLINE_CSS, INLINE_JS
from healthy_streets.maps.elements import safe_json
from healthy_streets.maps.index import index_page
from healthy_streets.maps.meeting import _implemented_phrase, meeting_map, save_map, sources_line
from healthy_streets.model.layers import ASSETS, REPORTS, STREETS, conform
from healthy_streets.model.speed import speed_band

from map_pages import drawn, page_data, positions

XSS = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"


@pytest.fixture
def layers(two_zones):
    y = 417050
    streets = conform(
        gpd.GeoDataFrame(
            {
                "segment_id": ["a", "b"],
                "osm_way_id": [1, 2],
                "name": [XSS, "Quiet Lane"],
                "highway": ["residential", "footway"],
                "road_class": ["local", "path"],
                "speed_mph": [20.0, None],
                "speed_source": ["maxspeed", "unknown"],
                "zone_id": ["west", "west"],
            },
            geometry=[
                shapely.LineString([(358010, y), (358090, y)]),
                shapely.LineString([(358020, 417010), (358020, 417090)]),
            ],
            crs="EPSG:27700",
        ).assign(length_m=[80.0, 80.0]),
        STREETS,
    )
    reports = conform(
        gpd.GeoDataFrame(
            {
                "report_id": ["1", "2"],
                "category": ["dog_fouling", "litter"],
                "status": ["open", "fixed"],
                "title": [XSS, "Crisp packets"],
                "detail": [XSS, None],
                "reported_at": pd.to_datetime(["2024-01-02 10:00", "2024-02-03 11:00"]).tz_localize(
                    "Europe/London"
                ),
                "zone_id": ["west", "west"],
            },
            geometry=[shapely.Point(358030, 417040), shapely.Point(358060, 417060)],
            crs="EPSG:27700",
        ),
        REPORTS,
    )
    assets = conform(
        gpd.GeoDataFrame(
            {
                "asset_id": ["b1"],
                "name": [XSS],
                "category": ["bench"],
                "notes": ["Sunny"],
                "source": ["walkabout.csv"],
                "zone_id": ["west"],
            },
            geometry=[shapely.Point(358050, 417020)],
            crs="EPSG:27700",
        ),
        ASSETS,
    )
    zones = two_zones.copy()
    zones.loc[0, "name"] = f"West {XSS}"
    return zones, streets, assets, reports


def render(layers, zone="west"):
    zones, streets, assets, reports = layers
    fmap = meeting_map(
        zone,
        zones=zones,
        streets=streets,
        assets=assets,
        reports=reports,
        made_on=dt.date(2026, 11, 25),
    )
    return fmap.get_root().render()


def test_the_page_fetches_nothing_from_elsewhere(layers):
    page = render(layers)
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page and "code.jquery" not in page
    assert "url(images/" not in page  # Leaflet's images are data: URIs
    assert not re.search(r"url\(\s*['\"]?https?:", page) and "@import" not in page
    # the one thing fetched when online is the OpenStreetMap tile layer
    assert re.findall(r'"(https://[^"]*\{z\}[^"]*)"', page) == [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ]


def test_leaflet_and_plugins_are_inlined_whole(layers):
    page = render(layers)
    leaflet = INLINE_JS["leaflet"].read_text(encoding="utf-8")
    assert leaflet[-2000:] in page
    assert "simpleheat" in page  # Leaflet.heat, for the reports' heat map
    assert "L.MarkerClusterGroup" not in page  # one asset: nothing to cluster, nothing added
    assert INLINE_CSS["leaflet_css"].exists()


def test_many_assets_are_clustered(layers):
    zones, streets, assets, _reports = layers
    many = pd.concat([assets] * 80, ignore_index=True)
    page = meeting_map("west", zones=zones, streets=streets, assets=many).get_root().render()
    assert "L.MarkerClusterGroup" in page
    assert "cluster:true" in page.replace(" ", "")


def test_a_hundred_thousand_reports_stay_under_8_mb(two_zones):
    import numpy as np

    rng = np.random.default_rng(1)
    n = 100_000
    reports = conform(
        gpd.GeoDataFrame(
            {
                "report_id": [str(i) for i in range(n)],
                "category": rng.choice(["dog_fouling", "litter", "fly_tipping"], n),
                "status": rng.choice(["open", "fixed", "closed"], n),
                "reported_at": pd.Timestamp("2019-01-01", tz="Europe/London")
                + pd.to_timedelta(rng.uniform(0, 2500, n), unit="D"),
                "title": rng.choice(["Dog mess", "Litter", "Sofa dumped"], n),
                "detail": [
                    f"Seen again near number {i % 400}, please clear it soon" for i in range(n)
                ],
                "zone_id": "west",
            },
            geometry=gpd.points_from_xy(
                rng.uniform(358000, 358100, n), rng.uniform(417000, 417100, n)
            ),
            crs="EPSG:27700",
        ),
        REPORTS,
    )
    page = (
        meeting_map("west", zones=two_zones, streets=layers_streets(), reports=reports)
        .get_root()
        .render()
    )
    assert len(page.encode("utf-8")) < 8_000_000
    # no Marker per report: the page draws them itself (only the toolkit's script says L.marker)
    from healthy_streets.maps._resources import own_asset

    assert page.count("L.marker(") == own_asset("healthy_streets.js").count("L.marker(")


def layers_streets():
    y = 417050
    return conform(
        gpd.GeoDataFrame(
            {
                "segment_id": ["a"],
                "osm_way_id": [1],
                "name": ["Quiet Lane"],
                "highway": ["residential"],
                "road_class": ["local"],
                "speed_mph": [20.0],
                "zone_id": ["west"],
                "length_m": [80.0],
            },
            geometry=[shapely.LineString([(358010, y), (358090, y)])],
            crs="EPSG:27700",
        ),
        STREETS,
    )


def test_data_text_cannot_become_markup(layers):
    page = render(layers)
    assert XSS not in page
    assert "<img src=x" not in page
    assert page.count("<script>alert(2)") == 0
    # as JSON inside scripts, '<' is escaped; in HTML panels it is an entity
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    assert "West &lt;img src=x onerror=alert(1)&gt;" in page


def test_title_block_and_legend_say_what_is_drawn(layers):
    page = render(layers)
    assert "In force" in page and "25 November 2026" in page
    assert "Reports from Jan 2024 to Feb 2024" in page
    legend = page[page.index('class="hs-legend"') :]
    assert "20 mph or less" in legend and "0.1 km" in legend
    assert "30 mph" not in legend  # no 30 mph streets here, so not in the legend
    assert "Dog fouling" in legend and "Litter and street cleaning" in legend
    assert "Benches and places to rest" in legend


def test_the_map_opens_on_the_focus_category(layers):
    zones, streets, _assets, reports = layers

    def opened(**options):
        fmap = meeting_map("west", zones=zones, streets=streets, reports=reports, **options)
        page = fmap.get_root().render()
        data = next(c for c in fmap._children.values() if type(c).__name__ == "ReportData")
        heat = next(c for c in fmap._children.values() if type(c).__name__ == "ReportHeat")
        points = next(c for c in fmap._children.values() if type(c).__name__ == "ReportPoints")
        return data.shown, points.show, heat.show, page

    # dog fouling by default: its points from the start, litter one click away
    shown, points, heat, page = opened()
    assert (shown, points, heat) == (["dog_fouling"], True, False)
    assert 'data-hs-report-cat="dog_fouling" checked>' in page
    assert 'data-hs-report-cat="litter">' in page
    assert opened(focus="litter")[:3] == (["litter"], True, False)
    # a focus with no report here, or none: every category
    assert opened(focus="graffiti")[:3] == (["dog_fouling", "litter"], True, False)
    assert opened(focus=None)[:3] == (["dog_fouling", "litter"], True, False)
    # the focus read as the command line reads --category: a label or a word for it
    assert opened(focus="Dog mess")[:3] == (["dog_fouling"], True, False)
    with pytest.raises(ConfigError, match="'unicorns' is not a report category.*dog_fouling"):
        opened(focus="unicorns")


def test_the_heat_map_is_drawn_in_the_heat_ramp(layers):
    from healthy_streets.maps.style import HEAT_GRADIENT

    page = render(layers)
    # the options the page hands HS.reportHeat, read back as JSON
    calls = list(re.finditer(r"HS\.reportHeat\(\s*\w+,\s*", page))
    assert len(calls) == 1
    options, _ = json.JSONDecoder().raw_decode(page, calls[0].end())
    stops = {float(at): colour for at, colour in options["gradient"].items()}
    assert stops == HEAT_GRADIENT  # the ramp tests/test_style.py checks against street colours
    # which hands them to Leaflet.heat, inlined in the page (its own blue-lime-red ramp,
    # which merges with the speed colours, is only for a layer given no gradient)
    heat_js = page[page.index("function reportHeat(") : page.index("function showReports(")]
    assert "L.heatLayer(points(), opts)" in heat_js
    assert "L.heatLayer=function" in page


def test_each_report_category_has_its_shape_in_the_legend_and_on_the_map(layers):
    from healthy_streets.maps.meeting import report_columns
    from healthy_streets.maps.style import REPORT_COLOURS, REPORT_SHAPES, SHAPES

    page = render(layers)
    columns = report_columns(layers[3])
    for category in columns["categories"]:
        corners = SHAPES[REPORT_SHAPES[category["key"]]]
        assert category["shape"] == [list(c) for c in corners]
        assert category["colour"] == REPORT_COLOURS[category["key"]]
    # litter is a square in the legend, dog fouling a circle
    square = " ".join(f"{x:g},{y:g}" for x, y in SHAPES["square"])
    assert f'<polygon points="{square}" fill="{REPORT_COLOURS["litter"]}"' in page
    assert f'<circle cx="0" cy="0" r="1" fill="{REPORT_COLOURS["dog_fouling"]}"' in page


def test_the_assets_legend_shows_each_categorys_pictogram_on_the_ink(layers):
    from healthy_streets.maps.style import ASSET_INK, ASSET_SYMBOLS, pictogram_svg

    page = render(layers)
    row = page[page.index('data-hs-asset-row="bench"') :]
    row = row[: row.index("</li>")]
    assert pictogram_svg("bench") in row and "Benches and places to rest" in row
    # the marker drawn (built in the browser from the layer's categories): the same ink
    # and pictogram
    layer = page[page.index("HS.assetLayer(") :]
    layer = layer[: layer.index("</script>")]
    assert ASSET_INK in layer and ASSET_SYMBOLS["bench"] in layer


def test_a_phone_may_zoom_the_page(layers):
    page = render(layers)
    assert "user-scalable=no" not in page and "maximum-scale" not in page
    assert page.count('name="viewport"') == 1


def test_a_street_says_where_its_limit_comes_from(layers):
    page = render(layers)
    assert '["Limit from","limit_from"]' in page
    assert '"limit_from":"OpenStreetMap: the signed limit (maxspeed)"' in page


def test_the_additions_tool_says_where_to_send_the_file(layers):
    zones, streets, _assets, _reports = layers
    page = (
        meeting_map("west", zones=zones, streets=streets, additions_contact=f"the office {XSS}")
        .get_root()
        .render()
    )
    assert '"contact":"the office \\u003cimg src=x onerror=alert(1)\\u003e' in page


def test_the_additions_tool_knows_only_the_places_from_additions_files(layers):
    zones, streets, assets, reports = layers
    assets = pd.concat(
        [
            assets,  # a walkabout's bench
            assets.assign(asset_id="o1", source="OpenStreetMap", name="Shop"),
            assets.assign(
                asset_id="r1",
                source="additions-west.geojson (community map)",
                category="bin",
                name=XSS,
            ),
            assets.assign(
                asset_id="r2", source="more.geojson (community map)", name=None
            ).set_geometry([shapely.Point(358070, 417080)], crs="EPSG:27700"),
        ],
        ignore_index=True,
    )
    page = render((zones, streets, assets, reports))
    raw = re.search(r"HS\.addPlaces\([^,]+,\s*(\{.*?\})\);", page, re.S).group(1)
    assert "\\u003cimg" in raw and "<img" not in raw  # the name is data, escaped
    imported = json.loads(raw)["imported"]
    ours = assets.iloc[2:].to_crs("EPSG:4326")
    assert imported == [
        {"lat": round(p.y, 6), "lon": round(p.x, 6), "category": category, "name": name}
        for p, category, name in zip(ours.geometry, ["bin", "bench"], [XSS, None], strict=True)
    ]
    assert (
        json.loads(
            re.search(r"HS\.addPlaces\([^,]+,\s*(\{.*?\})\);", render(layers), re.S).group(1)
        )["imported"]
        == []
    )
    assert XSS not in page
    plain = meeting_map("west", zones=zones, streets=streets).get_root().render()
    assert '"contact":""' in plain


def test_an_unknown_zone(layers):
    zones, streets, _assets, _reports = layers
    with pytest.raises(ConfigError, match=r"no zone 'nowhere'\..*west \(West.*east \(East\)"):
        meeting_map("nowhere", zones=zones, streets=streets)


def test_save_map_is_atomic_and_refuses_to_overwrite(layers, tmp_path):
    zones, streets, _assets, _reports = layers
    fmap = meeting_map("west", zones=zones, streets=streets)
    target = tmp_path / "west.html"
    save_map(fmap, target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(OutputExistsError, match="overwrite=True"):  # Python's word for it
        save_map(fmap, target)
    save_map(fmap, target, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["west.html"]  # no temporary files left


def test_index_page_escapes_and_links(layers):
    zones, streets, assets, reports = layers
    figures = key_figures(zones, streets, assets, reports)
    page = index_page(figures, zones, {"west": "maps/west.html"}, made_on=dt.date(2026, 1, 5))
    assert '<a href="maps/west.html">West &lt;img' in page
    assert XSS not in page
    assert "5 January 2026" in page
    assert "100%" in page  # the share at 20 mph of West's streets


def test_the_index_says_a_zone_has_no_streets(layers):
    # a zone the OpenStreetMap extract does not cover: its map warns, and so does the index,
    # not "0.0" street km and an empty share at 20 mph
    zones, streets, assets, reports = layers  # the streets are all West's
    figures = key_figures(zones, streets, assets, reports)
    page = index_page(figures, zones, {"west": "maps/west.html", "east": "maps/east.html"})
    cells = dict(re.findall(r'maps/(\w+)\.html">[^<]*</a>.*?"Street km">([^<]*)</td>', page, re.S))
    assert cells == {"west": "0.1", "east": "None in the extract"}  # 80 m of road


def test_the_index_names_the_sources_the_layers_say(layers):
    # zones drawn from OpenStreetMap and no report kept: not "zones from the council",
    # not "reports from FixMyStreet"; a source's name is data, escaped
    zones, streets, assets, reports = layers
    zones = zones.assign(source="OpenStreetMap")
    assets = assets.assign(source=f"walk {XSS}.csv")
    figures = key_figures(zones, streets, assets, reports.iloc[:0])
    line = sources_line(zones, reports.iloc[:0], assets)
    page = index_page(figures, zones, {}, sources=line)
    said = page.split('<p class="sources">')[1].split("</p>")[0]
    assert said.startswith("Streets © OpenStreetMap contributors (ODbL); zones from OpenStreetMap")
    assert "no reports; places from walk &lt;" in said and XSS not in page
    assert "council" not in said and "FixMyStreet" not in said


def test_an_analysts_own_layers_are_not_named_as_sources(layers):
    # "zones from zones (a GeoDataFrame)" means nothing to a resident: such names are left
    # out; reports there are, of no nameable source, are not said to be none
    zones, _streets, assets, reports = layers
    zones = zones.assign(source="zones (a GeoDataFrame)")
    reports = reports.assign(source="reports (a DataFrame)")
    line = str(sources_line(zones, reports, assets.assign(source="OpenStreetMap")))
    assert line == (
        "Streets © OpenStreetMap contributors (ODbL); places from OpenStreetMap contributors."
    )


def test_safe_json_cannot_close_a_script():
    text = safe_json(["</script>", "a & b", "\u2028"])
    assert "</" not in text and "&" not in text and "\u2028" not in text


@pytest.mark.parametrize(
    ("mph", "band"),
    [
        (5, "20"),
        (20, "20"),
        (18.6, "20"),
        (25, "30"),
        (30, "30"),
        (40, "40"),
        (70, "40"),
        (None, "unknown"),
        (float("nan"), "unknown"),
    ],
)
def test_speed_bands(mph, band):
    assert speed_band(mph) == band


# ---------------------------------------------------------------- each map draws its own view


@pytest.fixture
def far_away(sample_layers):
    """The sample, with one more zone 20 km east of the others."""
    zones = sample_layers.zones
    far = zones.iloc[[0]].assign(zone_id="far-away", name="Far Away Close")
    far = far.set_geometry(far.geometry.translate(20_000, 0))
    sample_layers.zones = gpd.GeoDataFrame(
        pd.concat([zones, far], ignore_index=True), crs=zones.crs
    )
    return sample_layers


def test_a_map_draws_nothing_beyond_its_view(far_away):
    """A zone's page carries no outline of a zone far away, and every line, area and point
    it draws lies within its view (the zone and 250 m around it, as a rectangle): streets
    and the background running beyond it are cut at its edge."""
    layers = far_away
    zone = layers.zones.set_index("zone_id").loc["yarrowside-north"]
    view = shapely.box(*zone.geometry.buffer(250).bounds)
    near = layers.streets[layers.streets.intersects(view)]
    assert not near.within(view).all()  # some streets run on beyond the view
    page = (
        meeting_map(layers, "yarrowside-north", made_on=dt.date(2026, 11, 25)).get_root().render()
    )

    assert "Far Away Close" not in page
    layers_drawn = drawn(page)
    neighbours = {f["properties"]["name"] for f in layers_drawn["other_zones"]}
    assert neighbours == {"Cowslip", "Yarrow Meadows", "Kestrel Park"}
    assert re.search(r"Other 20mph zones</label>\s*<span class=\"hs-count\">3<", page)

    points = [
        p
        for key in ("basemap", "streets", "gaps", "other_zones")
        for feature in layers_drawn.get(key, [])
        for p in positions(feature["geometry"]["coordinates"])
    ]
    (assets,) = page_data(page, "assetLayer")
    points += list(zip(assets["lon"], assets["lat"], strict=True))
    (reports,) = page_data(page, "reportData")
    (lat0, lon0), scale = reports["origin"], reports["scale"]
    points += [
        (lon0 + x / scale, lat0 + y / scale)
        for x, y in zip(reports["lon"], reports["lat"], strict=True)
    ]
    assert len(layers_drawn["streets"]) > 50 and len(reports["lat"]) > 50 and len(assets["lat"]) > 5
    # back on the British National Grid, every position lies in the view (to the 0.1 m the
    # page's coordinates are rounded to)
    where = gpd.GeoSeries(gpd.points_from_xy(*zip(*points, strict=True)), crs=4326)
    x, y = where.to_crs(layers.zones.crs).x, where.to_crs(layers.zones.crs).y
    west, south, east, north = view.bounds
    assert west - 0.2 <= x.min() and x.max() <= east + 0.2
    assert south - 0.2 <= y.min() and y.max() <= north + 0.2
    assert x.max() > east - 0.2  # the streets reach the edge: cut there, not left out
    # each street keeps its whole length and its popup
    assert "Streets by speed limit" in page and '"Speed limit","limit"' in page


def test_a_map_costs_its_own_zone_only(far_away, shared_sample_layers):
    """A zone far away changes nothing in another zone's page (apart from folium's random
    element names)."""
    alone = meeting_map(shared_sample_layers, "cowslip", made_on=dt.date(2026, 11, 25))
    with_far = meeting_map(far_away, "cowslip", made_on=dt.date(2026, 11, 25))
    assert _normalised(with_far.get_root().render()) == _normalised(alone.get_root().render())


def _normalised(page: str) -> str:
    """A page with folium's random element names made alike."""
    return re.sub(r"_[0-9a-f]{32}\b", "_X", page)


def test_the_pool_draws_the_maps_meeting_map_draws(sample_layers, tmp_path):
    """``save_maps`` in two processes writes every zone's page as ``meeting_map`` draws it
    alone, and says so to its progress."""
    from healthy_streets.maps.batch import save_maps
    from healthy_streets.model.build import Progress

    class Told(Progress):
        def __init__(self) -> None:
            self.told: list[str] = []

        def items(self, items, text):
            for item in items:
                self.told.append(text)
                yield item
            self.told.append("done")

    zone_ids = list(sample_layers.zones["zone_id"])
    progress = Told()
    written = save_maps(
        sample_layers,
        {zid: tmp_path / f"{zid}.html" for zid in zone_ids},
        workers=2,
        made_on=dt.date(2026, 11, 25),
        project="Yarrowside",
        progress=progress,
    )
    assert list(written) == zone_ids
    assert progress.told == ["Drawing the zone maps"] * len(zone_ids) + ["done"]
    for zid in zone_ids:
        expected = (
            meeting_map(sample_layers, zid, made_on=dt.date(2026, 11, 25), project="Yarrowside")
            .get_root()
            .render()
        )
        assert _normalised(written[zid].read_text(encoding="utf-8")) == _normalised(expected)


@pytest.mark.parametrize("wanted", ["0", "two", "-1"])
def test_a_worker_count_that_cannot_be(wanted, monkeypatch):
    from healthy_streets.maps.batch import map_workers

    monkeypatch.setenv("HEALTHY_STREETS_MAP_WORKERS", wanted)
    with pytest.raises(
        ConfigError, match=rf"HEALTHY_STREETS_MAP_WORKERS is '{wanted}'.*at least 1"
    ):
        map_workers()
    monkeypatch.setenv("HEALTHY_STREETS_MAP_WORKERS", "3")
    assert map_workers() == 3 and map_workers(maps=2) == 2 and map_workers(5) == 5


@pytest.mark.parametrize(
    ("date", "precision", "phrase"),
    [
        ("2017-07-01", "quarter", ", from July-September 2017"),
        ("2017-09-01", "season", ", from autumn 2017"),
        ("2017-08-01", "month", ", from August 2017"),
    ],
)
def test_a_zones_vague_date_is_said_as_vaguely_as_it_is_known(date, precision, phrase):
    zone = pd.Series({"implemented_on": pd.Timestamp(date), "implemented_precision": precision})
    assert _implemented_phrase(zone) == phrase


def _sources_line(page):
    return re.search(r'<p class="hs-sources">(.*?)</p>', page).group(1)


def test_a_zone_with_streets_only_in_its_margin_says_it_has_none(layers):
    east = render(layers, zone="east")  # every street lies in West, within East's margin
    assert "No streets:</strong> the OpenStreetMap extract holds no streets for this zone" in east
    assert "No streets:" not in render(layers, zone="west")


def test_the_sources_line_names_the_layers_real_sources_as_text(layers):
    zones, streets, assets, reports = layers
    zones = zones.assign(source="council-zones.gpkg")
    reports = reports.assign(source=["Open311 (Lancashire)", "fms.csv"])
    assets = pd.concat(
        [
            assets,
            assets.assign(asset_id="o1", source="OpenStreetMap"),
            assets.assign(asset_id="r1", source="additions-west.geojson (community map)"),
            assets.assign(asset_id="x1", source=f"walk {XSS}.csv"),
        ],
        ignore_index=True,
    )
    page = render((zones, streets, assets, reports))
    line = _sources_line(page)
    assert line.startswith("Streets © OpenStreetMap contributors (ODbL); zones from ")
    assert "zones from council-zones.gpkg" in line
    assert "reports from Open311 (Lancashire), fms.csv" in line
    assert "OpenStreetMap contributors" in line.split("places from")[1]
    assert "residents&#39; additions at meetings" in line
    assert "walk &lt;img src=x onerror=alert(1)&gt;" in line  # data, escaped
    assert "FixMyStreet" not in line and "walkabouts" not in line
    none = _sources_line(render((zones, streets, assets.iloc[0:0], reports.iloc[0:0])))
    assert "no reports" in none and "places from" not in none


def test_a_map_whose_focus_category_has_no_report_says_what_it_opens_on(layers):
    zones, streets, _assets, reports = layers
    page = (
        meeting_map("west", zones=zones, streets=streets, reports=reports, focus="noise")
        .get_root()
        .render()
    )
    assert "No noise reports near this zone: the map opens on every category." in page
    focused = (
        meeting_map("west", zones=zones, streets=streets, reports=reports, focus="dog_fouling")
        .get_root()
        .render()
    )
    assert "near this zone: the map opens on" not in focused
