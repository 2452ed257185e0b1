import itertools
import math
import re

import pytest
from click.testing import CliRunner

from healthy_streets import __version__
from healthy_streets.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_demo_builds_a_map_per_zone_and_the_index(demo_run):
    out, result = demo_run.folder, demo_run.result  # `healthy-streets demo --output out`
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str((out / "index.html").resolve())
    maps = sorted(p.name for p in (out / "maps").iterdir())
    assert maps == [
        "cowslip.html",
        "kestrel-park.html",
        "yarrow-meadows.html",
        "yarrowside-north.html",
    ]
    # the account of every input
    assert re.search(r"reports_fixmystreet\.csv\s+rows\s+\d+", result.output)
    assert "3 of them carry maxspeed" in result.output
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in maps:
        assert f'href="maps/{name}"' in index


def test_demo_never_overwrites_without_being_asked(tmp_path):
    out = tmp_path / "demo"
    assert run("demo", "--output", str(out)).exit_code == 0
    before = (out / "index.html").stat().st_mtime_ns
    again = run("demo", "--output", str(out))
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert "--overwrite" in again.output
    assert "Traceback" not in again.output
    assert (out / "index.html").stat().st_mtime_ns == before
    assert run("demo", "--output", str(out), "--overwrite").exit_code == 0


def test_version_and_help():
    assert run("--version").output.strip() == f"healthy-streets, version {__version__}"
    top = run("--help")
    assert top.exit_code == 0
    assert "demo" in top.output and "Examples:" in top.output
    for command in ("demo", "sample"):
        text = run(command, "--help").output
        assert "Examples:" in text
        assert f"healthy-streets {command}" in text


def test_bad_usage_exits_with_2():
    assert run("demo", "--no-such-option").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_sample_writes_the_generator_output(tmp_path):
    result = run("sample", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "zones.geojson").is_file()
    refused = run("sample", str(tmp_path / "s"))
    assert refused.exit_code == 1
    assert "--overwrite" in refused.output


def test_cli_py_shim_runs_the_same_group():
    import runpy

    from conftest import ROOT

    namespace = runpy.run_path(str(ROOT / "cli.py"), run_name="not_main")
    assert namespace["main"] is main


def test_zones_command_writes_the_zones_layer(tmp_path):
    import pyogrio

    from healthy_streets.model.layers import ZONES

    from conftest import SAMPLE

    out = tmp_path / "project.gpkg"
    result = run("zones", str(SAMPLE / "zones.geojson"), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "zones.geojson" in result.output and "features" in result.output
    assert "yarrowside-north" in result.output
    info = pyogrio.read_info(out, layer="zones")
    assert info["crs"] == "EPSG:27700"
    assert info["features"] == 4
    assert list(info["fields"]) == [c for c in ZONES.column_names if c != "geometry"] + [
        "source_path"
    ]
    # importing the same file again replaces its rows instead of doubling them
    assert run("zones", str(SAMPLE / "zones.geojson"), "--output", str(out)).exit_code == 0
    assert pyogrio.read_info(out, layer="zones")["features"] == 4
    provenance = pyogrio.read_dataframe(out, layer="provenance", read_geometry=False)
    assert provenance["input"].tolist() == ["zones.geojson"]


def test_files_imported_one_by_one_add_up_in_the_store(tmp_path):
    import json

    import pyogrio

    from conftest import SAMPLE

    out = tmp_path / "store.gpkg"
    assert run("reports", str(SAMPLE / "reports_fixmystreet.csv"), "-o", str(out)).exit_code == 0
    extra = tmp_path / "more.json"
    extra.write_text(
        json.dumps(
            [
                {
                    "service_request_id": "x1",
                    "status": "open",
                    "service_name": "Graffiti",
                    "lat": 53.651,
                    "long": -2.62,
                    "requested_datetime": "2025-01-02T10:00:00Z",
                }
            ]
        )
    )
    assert run("reports", str(extra), "-o", str(out)).exit_code == 0
    assert run("reports", str(extra), "-o", str(out)).exit_code == 0  # again: no double
    reports = pyogrio.read_dataframe(out, layer="reports", read_geometry=False)
    assert reports["source"].value_counts().to_dict() == {
        "reports_fixmystreet.csv": 2682,
        "more.json": 1,
    }


def test_zones_command_with_lines_and_a_grouping_field(tmp_path):
    import geopandas as gpd
    import shapely

    lines = gpd.GeoDataFrame(
        {"LAYER": ["20mph streets", "20mph streets", "30mph"], "ZONE": ["North", "North", None]},
        geometry=[
            shapely.LineString([(358000, 417000), (358300, 417000)]),
            shapely.LineString([(358000, 417100), (358300, 417100)]),
            shapely.LineString([(358000, 417300), (358300, 417300)]),
        ],
        crs="EPSG:27700",
    )
    path = tmp_path / "limits.shp"
    lines.to_file(path)
    out = tmp_path / "p.gpkg"
    result = run("zones", str(path), "--group-by", "ZONE", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "20 mph: 0.6 km" in result.output
    assert "30 mph: 0.3 km" in result.output
    assert "north" in result.output
    assert sorted(gpd.list_layers(out)["name"]) == [
        "healthy_streets_meta",
        "layer_styles",  # each layer's QGIS style
        "provenance",
        "rejected",
        "repaired",  # the rows kept that the reader changed (none here)
        "speed_limits",
        "zones",
    ]


def test_zones_command_with_a_bad_file_says_one_thing(tmp_path):
    bad = tmp_path / "zones.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [')
    out = tmp_path / "out.gpkg"
    result = run("zones", str(bad), "--output", str(out))
    assert result.exit_code == 1
    assert not out.exists()  # no half-written output
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"Error: {bad}: The file cannot be read as GeoJSON")
    missing_crs = tmp_path / "z.csv"  # Web Mercator metres: neither degrees nor the Grid's
    missing_crs.write_text(
        'name,wkt\nA,"POLYGON ((-290000 7100000, -289900 7100000, -289900 7100100, '
        '-290000 7100000))"\n'
    )
    result = run("zones", str(missing_crs))
    assert result.exit_code == 1
    assert "--crs" in result.output
    assert run("zones", str(missing_crs), "--crs", "EPSG:3857").exit_code == 0
    assert run("zones", str(missing_crs), "--crs", "EPSG:99999").exit_code == 2


def test_network_command(tmp_path):
    import geopandas as gpd

    from conftest import SAMPLE

    out = tmp_path / "p.gpkg"
    result = run(
        "network",
        "--osm-file",
        str(SAMPLE / "yarrowside.osm"),
        "--zones",
        str(SAMPLE / "zones.geojson"),
        "--buffer",
        "100",
        "--derive-zones",
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "highway ways" in result.output
    assert "3 of them carry maxspeed" in result.output  # the railway, left out
    assert re.search(r"20 mph: \d+\.\d+ km", result.output)
    streets = gpd.read_file(out, layer="streets")
    assert streets.crs == "EPSG:27700"
    # the km whose limit is the class's default, not a tag, are said apart
    roads = streets[(streets["road_class"] != "path") & (streets["speed_source"] == "default")]
    assumed = roads.groupby("speed_mph")["length_m"].sum() / 1000
    assert assumed.get(30.0, 0) > 0
    said = " ".join(result.output.split())
    assert f"({assumed[30.0]:.2f} km of it assumed: no speed tag)" in said
    assert f"{assumed.sum():.1f} km of road has no speed tag and is taken as the default" in said
    assert set(streets["highway"]) >= {"residential", "primary"}
    assert "rail" not in set(streets["highway"])
    assert len(gpd.read_file(out, layer="zones")) >= 3


def test_network_reads_the_nation_in_any_case():
    from conftest import SAMPLE

    osm = str(SAMPLE / "yarrowside.osm")
    welsh = run("network", "--osm-file", osm, "--nation", "Wales")
    assert welsh.exit_code == 0, welsh.output
    assert re.search(r"20 mph: 26\.\d\d km", welsh.output)  # restricted roads are 20 in Wales
    assert run("network", "--osm-file", osm, "--nation", "wales").output == welsh.output
    typo = run("network", "--osm-file", osm, "--nation", "Walse")
    assert typo.exit_code == 2
    assert "'Walse' is not one of 'england', 'wales'" in typo.output


def test_network_command_usage_errors(tmp_path):
    assert run("network").exit_code == 2
    assert run("network", "--osm-file", "a.osm", "--place", "Chorley").exit_code == 2
    bad_box = run("network", "--bbox", "west,south")
    assert bad_box.exit_code == 2
    assert "WEST,SOUTH,EAST,NORTH" in bad_box.output
    missing = run("network", "--osm-file", str(tmp_path / "nope.osm"))
    assert missing.exit_code == 1
    assert "does not exist" in missing.output


def test_assets_command(tmp_path):
    import geopandas as gpd

    from conftest import SAMPLE

    out = tmp_path / "p.gpkg"
    result = run(
        "assets",
        str(SAMPLE / "assets_walkabout.csv"),
        "--synonym",
        "Thingy by the wall=other",
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "assets_walkabout.csv" in result.output
    assert re.search(r"bench\s+\d+", result.output)
    assets = gpd.read_file(out, layer="assets")
    assert len(assets) == 70
    assert "Added By" not in assets.columns
    osm = run("assets", str(SAMPLE / "yarrowside.osm"))
    assert osm.exit_code == 0
    assert re.search(r"tree\s+60", osm.output)
    assert run("assets").exit_code == 2
    bad = run("assets", str(SAMPLE / "assets_walkabout.csv"), "--synonym", "x=nonsense")
    assert bad.exit_code == 2
    assert "nonsense" in bad.output


def test_reports_command(tmp_path):
    import geopandas as gpd

    from conftest import SAMPLE

    out = tmp_path / "p.gpkg"
    result = run(
        "reports",
        str(SAMPLE / "reports_fixmystreet.csv"),
        "--tier",
        "dog_fouling=county",
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"dog_fouling\s+\d+\s+\d+\s+\d+", result.output)
    reports = gpd.read_file(out, layer="reports")
    assert len(reports) == 2682
    assert set(reports.loc[reports["category"] == "dog_fouling", "responsible_tier"]) == {"county"}
    assert "User Name" not in reports.columns
    open311 = run("reports", str(SAMPLE / "reports_open311.json"))
    assert open311.exit_code == 0
    assert run("reports", str(SAMPLE / "reports_open311.json"), "--tier", "x=y").exit_code == 2


def test_reports_command_with_a_column_mapping(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(
        "Case Ref,Enquiry,Logged On,X,Y\nC-1,Dog Fouling,03/04/2024 09:00,358500,417400\n"
    )
    mapping = ["report_id=Case Ref", "category=Enquiry", "created=Logged On", "easting=X"]
    mapping.append("northing=Y")
    result = run(
        "reports",
        str(path),
        "--format",
        "csv",
        *itertools.chain.from_iterable(("--field", pair) for pair in mapping),
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"dog_fouling\s+0\s+0\s+1|dog_fouling\s+1", result.output)
    assert "report_id <- 'Case Ref'" in result.output  # the guess overridden, and said
    same = run("reports", str(path), *itertools.chain.from_iterable(("--map", m) for m in mapping))
    assert same.output == result.output  # --map: the same option, as before
    broken = run("reports", str(path), "--map", "category")
    assert broken.exit_code == 2
    assert "ROLE=COLUMN" in broken.output


def test_analysis_commands_write_csv_tables(tmp_path):
    import pandas as pd

    expected = {
        "summary": [
            "zone_id",
            "name",
            "status",
            "street_km",
            "share_20mph",
            "reports_per_street_km_per_year",
            "median_days_to_fix",
        ],
        "hotspots": ["rank", "zone_id", "street", "length_m", "reports", "per_100m_per_year"],
        "gaps": ["kind", "zone_id", "street", "length_m", "speed_mph", "maxspeed"],
        "evaluate": [
            "zone_id",
            "zone_before",
            "zone_after",
            "ratio_of_ratios",
            "ci_low",
            "ci_high",
            "verdict",
        ],
        "scorecard": [
            "zone_id",
            "indicator",
            "measure",
            "value",
            "unit",
            "score",
            "not_scored",
            "thresholds",
            "threshold_source",
            "limits",
        ],
    }
    for command, columns in expected.items():
        out = tmp_path / f"{command}.csv"
        result = run("-q", command, "--sample", "--output", str(out))
        assert result.exit_code == 0, (command, result.output)
        table = pd.read_csv(out, encoding="utf-8-sig")
        assert set(columns) <= set(table.columns), command
        assert len(table) > 0, command
    evaluation = pd.read_csv(tmp_path / "evaluate.csv", encoding="utf-8-sig").set_index("zone_id")
    assert evaluation.loc["yarrowside-north", "ci_high"] < 1
    gaps = pd.read_csv(tmp_path / "gaps.csv", encoding="utf-8-sig")
    assert set(gaps["street"]) >= {"Siskin Street", "Heapey Gardens", "Withnell Primary School"}
    assert_scorecard_explains_itself(pd.read_csv(tmp_path / "scorecard.csv", encoding="utf-8-sig"))


def assert_scorecard_explains_itself(table):
    """Every row of a scorecard table says what its proxy misses; every score follows from
    its value and the thresholds written beside it, which say where they come from; the
    indicators with no honest proxy are left unscored and say why."""
    assert table["limits"].notna().all()
    assert (table["limits"].str.len() > 20).all()
    scored = table[table["score"].notna()]
    assert len(scored) > 0
    for _, row in scored.iterrows():
        assert row["threshold_source"].strip(), row["indicator"]
        # "1: >= 0.5; 2: >= 1.5; 3: >= 3", or "<=" where lower is better
        cuts = [
            re.fullmatch(r"(\d): ([<>]=) (\S+)", c).groups() for c in row["thresholds"].split("; ")
        ]
        assert [int(score) for score, _, _ in cuts] == [1, 2, 3], row["thresholds"]
        met = [
            row["value"] >= float(cut) if op == ">=" else row["value"] <= float(cut)
            for _, op, cut in cuts
        ]
        assert row["score"] == sum(met), (row["indicator"], row["value"], row["thresholds"])
    # every score left empty says why, and only those
    assert table["not_scored"].notna().tolist() == table["score"].isna().tolist()
    unscored = table[table["measure"] == "No usable proxy in open data"]
    assert unscored["score"].isna().all() and unscored["thresholds"].isna().all()
    assert (unscored["not_scored"] == "no usable proxy in open data").all()
    assert set(unscored["indicator"]) == {
        "Pedestrians from all walks of life",
        "People feel safe",
        "Clean air",
    }
    safe = unscored.loc[unscored["indicator"] == "People feel safe", "limits"]
    assert safe.str.startswith("Not scored. The share of streets at 20 mph is what the").all()
    rest = table.loc[table["indicator"] == "Places to stop and rest", "threshold_source"]
    assert rest.str.contains("DfT's Inclusive Mobility (2005, section 3.4)", regex=False).all()


def test_the_build_workbook_has_the_scorecard_with_its_sources_and_limits(demo_dir):
    import pandas as pd

    # `healthy-streets demo` is `build` on the sample project
    sheet = pd.read_excel(demo_dir / "tables.xlsx", sheet_name="scorecard")
    assert_scorecard_explains_itself(sheet)
    # the same rows as the CSV beside it: every zone and the area outside them, ten
    # indicators each
    csv = pd.read_csv(demo_dir / "tables" / "scorecard.csv", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(sheet, csv, check_dtype=False)
    assert sheet.groupby("zone_id", sort=False).size().to_dict() == {
        "yarrowside-north": 10,
        "cowslip": 10,
        "yarrow-meadows": 10,
        "kestrel-park": 10,
        "(outside zones)": 10,
    }


def test_analysis_commands_need_inputs():
    result = run("summary")
    assert result.exit_code == 2
    assert "--sample" in result.output
    assert run("evaluate", "--sample", "--category", "dgs").exit_code == 2


def test_evaluate_saves_figures(tmp_path):
    result = run("-q", "evaluate", "--sample", "--figures", str(tmp_path / "figs"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == [
        "cowslip_dog_fouling.png",
        "yarrowside-north_dog_fouling.png",
    ]


def evaluation_table(*args):
    """``healthy-streets evaluate ARGS --output -``: the table from standard output, by zone,
    and the command's result (its verdicts and notes on standard error)."""
    import io

    import pandas as pd

    result = run("evaluate", *args, "--output", "-")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    several = args.count("--category") > 1  # a row per zone and category
    return table.set_index(["zone_id", "category"] if several else "zone_id"), result


def test_evaluate_needs_no_street_network():
    # an evaluation counts reports in zones and a comparison area: the zones and the
    # reports are all it reads, and the same table comes with or without the OSM file
    import pandas as pd

    from conftest import SAMPLE

    files = ["--zones", str(SAMPLE / "zones.geojson")]
    files += ["--reports", str(SAMPLE / "reports_fixmystreet.csv")]
    without, result = evaluation_table(*files, "--control", "ring")
    assert "yarrowside.osm" not in result.stderr
    assert "Building the street network" not in result.stderr
    with_osm, result = evaluation_table(
        *files, "--osm-file", str(SAMPLE / "yarrowside.osm"), "--control", "ring"
    )
    assert f"Not reading {SAMPLE / 'yarrowside.osm'}: this command needs no streets." in (
        result.stderr
    )
    north = without.loc["yarrowside-north"]
    assert (north["zone_before"], north["zone_after"]) == (178, 40)
    assert (north["control_before"], north["control_after"]) == (50, 16)
    pd.testing.assert_frame_equal(without, with_osm)
    # the commands that need the streets still ask for them, and no command goes without
    # zones
    hotspots = run("hotspots", *files)
    assert hotspots.exit_code == 2
    assert "Give --osm-file FILE for the streets (or --sample)." in hotspots.output
    alone = run("evaluate", "--reports", str(SAMPLE / "reports_fixmystreet.csv"))
    assert alone.exit_code == 2
    assert "Give --zones FILE (or --sample)." in alone.output


def test_evaluate_takes_the_baseline_from_before_the_decision():
    # Yarrowside North came in on 6 Sep 2021 after a year 34% above its earlier level
    # (relative to the streets outside all zones, beyond the 100 m next to them)
    chosen, _ = evaluation_table("--sample")
    north = chosen.loc["yarrowside-north"]
    assert (north["before_start"], north["before_end"]) == ("2020-01-06", "2021-09-05")
    assert north["rtm_flag"] is True
    assert north["verdict_kind"] == "fall"
    assert (
        "Caution: the 12 months before the date were 34% above the zone's earlier level, so "
        "part of the change may be regression to the mean; give decided_on to take the "
        "baseline from before the zone was chosen."
    ) in north["verdict"]
    # decided on 1 Jan 2021: the baseline is the year before the decision
    decided, result = evaluation_table("--sample", "--decided-on", "yarrowside-north=2021-01-01")
    north = decided.loc["yarrowside-north"]
    assert north["decided_on"] == "2021-01-01"
    assert (north["before_start"], north["before_end"]) == ("2020-01-01", "2020-12-31")
    assert north["after_start"] == "2021-09-06"  # the months between are in neither window
    assert north["rtm_flag"] is False
    assert north["verdict_kind"] == "fall"
    assert north["verdict"].startswith("Dog fouling reports fell by 54% in the zone")
    assert north["verdict"].endswith(
        f"These counts find a fall of {north['detectable_fall']:.0%} or more 4 times in 5, at "
        "the level adjusted over 2 zones; a smaller one, as here, less often."
    )
    assert "regression to the mean" not in north["verdict"]
    assert f"Yarrowside North (yarrowside-north): {north['verdict']}" in result.stderr
    # the other zone keeps its own baseline
    assert decided.loc["cowslip", "before_end"] == chosen.loc["cowslip", "before_end"]


def test_evaluate_takes_several_categories_and_prints_every_zones_detectable_fall(tmp_path):
    table, result = evaluation_table(
        "--sample", "--category", "dog_fouling", "--category", "Litter"
    )
    # one row per zone and category, each with its own key, the zone and category first
    zones = ["yarrowside-north", "cowslip", "yarrow-meadows", "kestrel-park"]
    assert table.index.tolist() == [(z, c) for c in ("dog_fouling", "litter") for z in zones]
    header = result.stdout.splitlines()[0].lstrip("\ufeff")
    assert header.startswith("zone_id,category,name,implemented_on,")
    tested = table[table["evaluated"]]
    count, zones_tested = len(tested), tested.index.get_level_values("zone_id").nunique()
    assert (count, zones_tested) == (3, 2)
    assert set(tested["adjustment"]) == {"Holm over 3 tests (2 zones, 2 categories)"}
    # every verdict printed ends with the fall its counts could show, as in the table
    lines = [line for line in result.stderr.splitlines() if line.startswith(tuple(table["name"]))]
    assert len(lines) == 8
    for ((zone_id, category), row), line in zip(table.iterrows(), lines, strict=True):
        label = {"dog_fouling": "dog fouling", "litter": "litter and street cleaning"}
        assert line.startswith(f"{row['name']} ({zone_id}, {label[category]}): "), line
        if category == "litter" and zone_id in ("yarrow-meadows", "kestrel-park"):
            # no litter in the latest year on the streets outside all zones beyond the 100 m
            # next to them: no fall could show, and the verdict says so
            assert math.isnan(row["detectable_fall"])
            assert line.endswith(
                "in the zone and 0 on streets outside all zones, from 100 m to 249 m beyond "
                "them, leaving out the 100 m next to them, where displaced reports land: too "
                "few to show any fall."
            ), line
            continue
        assert f"{row['detectable_fall']:.0%} or more" in line, line
    kestrel = table.loc[("kestrel-park", "dog_fouling")]
    assert kestrel["verdict"].startswith(
        "Not evaluated: the zone is proposed, not in force. For planning: at the rate of the "
        "latest 12 months"
    )
    # the workbook holds the same rows under the same key
    import pandas as pd

    book = tmp_path / "evaluation.xlsx"
    written = run("evaluate", "--sample", "--category", "dog_fouling", "--category", "Litter",
                  "-o", str(book))  # fmt: skip
    assert written.exit_code == 0, written.output
    sheet = pd.read_excel(book, sheet_name="evaluation")
    assert sheet.columns[:3].tolist() == ["zone_id", "category", "name"]
    assert list(zip(sheet["zone_id"], sheet["category"], strict=True)) == table.index.tolist()
    assert sheet["verdict"].tolist() == table["verdict"].tolist()


def mill_lane_files(tmp_path, places):
    """A 200 m square zone in force from 1 Jan 2022, a street through it, and for each month
    of 2019-2022 a dog fouling report at each of ``places`` (``"zone"``, or metres east of
    the zone's west edge): the command line's file options."""
    import json

    from pyproj import Transformer

    from conftest import osm_xml_of

    x, y = 358000.0, 417000.0
    zone = [[x, y], [x + 200, y], [x + 200, y + 200], [x, y + 200], [x, y]]
    (tmp_path / "zones.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "ZONE_NAME": "Mill Lane",
                            "STATUS": "Implemented",
                            "IMPL_DATE": "2022-01-01",
                        },
                        "geometry": {"type": "Polygon", "coordinates": [zone]},
                    }
                ],
            }
        )
    )
    to_degrees = Transformer.from_crs(27700, 4326, always_xy=True)
    ends = {n: to_degrees.transform(x + dx, y + 100)[::-1] for n, dx in ((1, -300), (2, 500))}
    (tmp_path / "area.osm").write_text(
        osm_xml_of([(10, [1, 2], {"highway": "residential", "name": "Mill Lane"})], ends)
    )
    rows, n = [], 0
    for month in range(48):
        day = f"{2019 + month // 12}-{month % 12 + 1:02d}-01"
        for place in places:
            n += 1
            east = x + 100 if place == "zone" else x + place
            rows.append(f"{n},Dog fouling,{day},{east:.0f},{y + 100:.0f}")
    rows.append(f"{n + 1},Litter,2022-12-31,{x + 100:.0f},{y + 100:.0f}")  # the records' end
    reports = tmp_path / "reports.csv"
    reports.write_text("Report ID,Category,Created,Easting,Northing\n" + "\n".join(rows) + "\n")
    files = ["--zones", str(tmp_path / "zones.geojson"), "--osm-file", str(tmp_path / "area.osm")]
    return [*files, "--reports", str(reports)]


def test_evaluate_reads_reports_as_far_as_the_ring_reaches(tmp_path):
    # each month: 2 dog fouling reports in the zone, 1 at 250 m east of it (in a ring
    # 100-400 m or 100-900 m out) and 1 at 600 m (in the wider ring only)
    files = [*mill_lane_files(tmp_path, ("zone", "zone", 450, 800)), "--control", "ring"]
    wide, result = evaluation_table(*files, "--ring", "800")
    assert "Importing reports within 900 m of the zones, as far as the ring reaches." in (
        result.stderr
    )
    row = wide.loc["mill-lane"]
    # read 900 m out, but no report lies beyond 600 m: the ring is said to stop there
    assert row["comparison"] == (
        "a ring 100-900 m beyond the zone, whose reports reach 600 m (the report files hold "
        "none farther from the zones; read 900 m out)"
    )
    assert (row["before_months"], row["window_months"]) == (24, 12)
    assert (row["zone_before"], row["zone_after"]) == (48, 24)
    assert (row["control_before"], row["control_after"]) == (48, 24)  # near and far
    assert f"relative to {row['comparison']}" in row["verdict"]
    narrow, _ = evaluation_table(*files, "--ring", "300")
    row = narrow.loc["mill-lane"]
    assert row["comparison"] == (
        "a ring 100-400 m beyond the zone, whose reports reach 250 m (the report files hold "
        "none farther from the zones; read 400 m out)"
    )
    assert (row["control_before"], row["control_after"]) == (24, 12)  # the far one is beyond


ANALYSIS_COMMANDS = ("summary", "hotspots", "evaluate", "gaps", "scorecard")


def test_analysis_commands_give_each_inputs_account_on_stderr(tmp_path):
    from pyproj import Transformer

    # Mill Lane's 97 reports, all in the area, and 3 whose date cannot be read and 2 that
    # lie 50 km away (beyond even the 10 km an evaluation reads); a toilets file with
    # postcodes alone, and a benches file for another town
    files = mill_lane_files(tmp_path, ("zone", 450))
    reports = tmp_path / "reports.csv"
    x, y = 358100, 417100
    extra = [f"{900 + n},Litter,not a date,{x},{y}" for n in range(3)]
    extra += [f"{910 + n},Litter,2021-05-01,{x + 50_000},{y}" for n in range(2)]
    reports.write_text(reports.read_text() + "\n".join(extra) + "\n")
    toilets = tmp_path / "toilets.csv"
    toilets.write_text(
        "Name,Category,Postcode\nMarket Hall,Toilets,PR7 1DP\nPark,Toilets,PR7 2AA\n"
    )
    lat, lon = Transformer.from_crs(27700, 4326).transform(x + 60_000, y)
    benches = tmp_path / "benches.csv"
    benches.write_text(
        "Name,Category,Latitude,Longitude\n"
        + "".join(f"Bench {n},Bench,{lat:.6f},{lon + n * 0.001:.6f}\n" for n in range(3))
    )
    inputs = [*files, "--assets", str(toilets), "--assets", str(benches)]
    for command in ANALYSIS_COMMANDS:
        result = CliRunner().invoke(main, [command, *inputs])
        assert result.exit_code == 0, (command, result.output)
        err = result.stderr
        # in, kept, repaired, rejected, outside: as a build prints them
        assert re.search(r"^reports\.csv\s+rows\s+102\s+97\s+0\s+3\s+2$", err, re.M), (command, err)
        assert re.search(r"^toilets\.csv\s+rows\s+2\s+0\s+0\s+2\s+0$", err, re.M), command
        assert re.search(r"^benches\.csv\s+rows\s+3\s+0\s+0\s+0\s+3$", err, re.M), command
        assert re.search(r"^zones\.geojson\s+features\s+1\s+1\s+0\s+0\s+0$", err, re.M), command
        assert "reports.csv: 3 rejected: The date cannot be read" in err, command
        assert "toilets.csv: 2 rejected: Only a postcode is given" in err, command
        assert "reports.csv: 2 rows lie outside the project area" in err, command
        assert "Warning: nothing was kept from toilets.csv: all 2 rows were rejected" in err, (
            command
        )
        assert (
            "Warning: nothing was kept from benches.csv: all 3 rows lie outside the project "
            "area" in err
        ), command
        # (a scorecard's reason for not scoring may say "rejected": not the account)
        assert "Warning" not in result.stdout and "rejected:" not in result.stdout, command
        assert "rows lie outside" not in result.stdout, command
        # quiet: the warnings stay, the account and its reasons go
        quiet = CliRunner().invoke(main, ["-q", command, *inputs])
        assert quiet.exit_code == 0, (command, quiet.output)
        assert quiet.stderr.splitlines() == [
            line for line in err.splitlines() if line.startswith("Warning: nothing was kept")
        ], command
        assert len(quiet.stderr.splitlines()) == 2, command


def test_analysis_commands_give_the_samples_account():
    result = CliRunner().invoke(main, ["summary", "--sample"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"^reports_fixmystreet\.csv\s+rows\s+2682\s+2682\s+0\s+0\s+0$", result.stderr, re.M
    )
    assert re.search(r"^reports_open311\.json\s+rows\s+20\s+10\s+0\s+10\s+0$", result.stderr, re.M)
    assert "reports_open311.json: 10 rejected: Already imported from" in result.stderr
    assert "Warning" not in result.stderr
    assert "reports_fixmystreet" not in result.stdout  # the table alone on stdout


@pytest.mark.parametrize("command", ANALYSIS_COMMANDS)
def test_the_sample_and_an_input_file_option_are_refused_together(tmp_path, command):
    missing = str(tmp_path / "doesnotexist.csv")
    for given, flag in (
        (["--reports", missing], "--reports"),
        (["--assets", missing], "--assets"),
        (["--zones", missing], "--zones"),
        (["--osm-file", missing], "--osm-file"),
        (["--zones-layer", "zones"], "--zones-layer"),
        (["--crs", "EPSG:27700"], "--crs"),
        (["--date-order", "mdy"], "--date-order"),
    ):
        result = run(command, "--sample", *given)
        assert result.exit_code == 2, (command, flag, result.output)
        assert result.output.splitlines()[-1] == (
            "Error: Give --sample or your own files, not both: --sample reads the bundled "
            f"sample neighbourhood's files, and would leave out {flag}."
        ), (command, flag)
        assert "Reading the zones" not in result.output and "Traceback" not in result.output
    both = run(command, "--sample", "--reports", missing, "--assets", missing)
    assert both.output.splitlines()[-1].endswith("would leave out --assets and --reports."), (
        both.output
    )


def test_evaluate_compares_with_streets_outside_the_zones_beyond_the_buffer(tmp_path):
    # each month: 2 reports in the zone, 1 at 250 m east of it (within the 300 m buffer,
    # where reports displaced from the zone land) and 1 at 3 km (beyond it)
    files = mill_lane_files(tmp_path, ("zone", "zone", 450, 3200))
    tables = {buffer: evaluation_table(*files, "--buffer", buffer)[0] for buffer in ("300", "5000")}
    for buffer, table in tables.items():
        row = table.loc["mill-lane"]
        # both outside reports count whatever the buffer: the comparison is not the band
        assert (row["control_before"], row["control_after"]) == (48, 24), buffer
        # and the words say where it starts (the 100 m next to the zones left out) and how
        # far it reaches: the far report lies 3,000 m from the zone
        words = (
            "streets outside all zones, from 100 m to 3,000 m beyond them, leaving out the "
            "100 m next to them, where displaced reports land"
        )
        assert row["comparison"] == words
        assert f"relative to {words}" in row["verdict"]


def test_gaps_with_council_speed_limit_lines(tmp_path):
    import geopandas as gpd

    import healthy_streets as hs

    from conftest import SAMPLE

    streets = hs.street_network_from_osm_file(SAMPLE / "yarrowside.osm").layer
    siskin = streets[streets["name"] == "Siskin Street"].union_all()
    lines = gpd.GeoDataFrame({"LAYER": ["20mph streets"]}, geometry=[siskin], crs=streets.crs)
    path = tmp_path / "limits.geojson"
    lines.to_crs("EPSG:4326").to_file(path)
    result = run("gaps", "--sample", "--speed-limits", str(path))
    assert result.exit_code == 0, result.output
    assert "council limit differs" in result.output
    assert "Siskin Street" in result.output.split("council limit differs")[1]
    assert "OSM 30 mph, council 20 mph" in result.output


def test_gaps_reads_a_chosen_layer_and_column_of_the_speed_limit_file(tmp_path):
    import geopandas as gpd

    import healthy_streets as hs

    from conftest import SAMPLE

    streets = hs.street_network_from_osm_file(SAMPLE / "yarrowside.osm").layer
    siskin = streets[streets["name"] == "Siskin Street"].union_all()
    lines = gpd.GeoDataFrame(
        {"NOTES": ["30mph before 2021"], "SPEED_TXT": ["20mph streets"]},
        geometry=[siskin],
        crs=streets.crs,
    ).to_crs("EPSG:4326")
    path = tmp_path / "limits.gpkg"
    lines.to_file(path, layer="roads")
    lines.assign(SPEED_TXT="30mph").to_file(path, layer="old_roads")

    which = run("gaps", "--sample", "--speed-limits", str(path))
    assert which.exit_code == 1
    assert "'roads', 'old_roads'. Choose one with --speed-limits-layer NAME." in which.output
    assert "Reading the zones" not in which.output  # refused before the long work
    column = run("gaps", "--sample", "--speed-limits", str(path), "--speed-limits-layer", "roads")
    assert column.exit_code == 1
    assert "--speed-limits-field limit=COLUMN" in column.output
    wrong = ["--speed-limits-layer", "roads", "--speed-limits-field", "limit=SPEED"]
    missing = run("gaps", "--sample", "--speed-limits", str(path), *wrong)
    assert "no column 'SPEED' for the limit (--speed-limits-field limit=SPEED)" in missing.output
    assert "Use one of: 'NOTES', 'SPEED_TXT'" in missing.output

    chosen = ["--speed-limits-layer", "roads", "--speed-limits-field", "limit=SPEED_TXT"]
    result = run("gaps", "--sample", "--speed-limits", str(path), *chosen)
    assert result.exit_code == 0, result.output
    assert "Columns: limit <- 'SPEED_TXT' (named by you)" in result.output
    assert "OSM 30 mph, council 20 mph" in result.output.split("council limit differs")[1]
    old = ["--speed-limits-layer", "old_roads", "--speed-limits-field", "limit=SPEED_TXT"]
    agreeing = run("gaps", "--sample", "--speed-limits", str(path), *old)
    assert agreeing.exit_code == 0, agreeing.output
    assert "council limit differs" not in agreeing.output  # that layer says 30 mph, as OSM
    alone = run("gaps", "--sample", "--speed-limits-layer", "roads")
    assert alone.exit_code == 2
    assert "need --speed-limits" in alone.output


def test_dates_and_categories_are_read_or_refused_before_any_work():
    bad_date = run("summary", "--sample", "--start", "31/01/2024")
    assert bad_date.exit_code == 2
    assert "'31/01/2024' is not a date; write it as 2024-01-31" in bad_date.output
    backwards = run("hotspots", "--sample", "--start", "2025-01-01", "--end", "2024-01-01")
    assert backwards.exit_code == 2
    assert "is not after --start 2025-01-01" in backwards.output
    assert "Traceback" not in bad_date.output + backwards.output
    unknown = run("evaluate", "--sample", "--category", "Dug fowl")
    assert unknown.exit_code == 2
    assert "'Dug fowl' is not a report category" in unknown.output
    assert "Did you mean dog_fouling" in unknown.output


def test_quiet_still_prints_the_result():
    # a category written as the label reads as its key; -q drops chatter, not the table
    spoken = run("-q", "hotspots", "--sample", "--category", "Dog fouling", "--top", "3")
    keyed = run("-q", "hotspots", "--sample", "--category", "dog_fouling", "--top", "3")
    assert spoken.exit_code == 0, spoken.output
    lines = spoken.output.strip().splitlines()
    assert lines[0].split() == [
        "rank", "zone_id", "street", "length_m", "reports", "events", "per_100m_per_year",
        "rate_low", "rate_high", "stands_out",
    ]  # fmt: skip
    assert len(lines) == 5  # the header, three streets, how many stand out beyond chance
    assert "stand out from their area beyond chance" in lines[-1]
    # the streets tested together are the listed ones and those with fewer reports: the
    # footer's counts add up
    listed, tested = (
        re.search(r"of the (\d+) streets listed", lines[-1]),
        re.search(
            r"over (\d+) streets of 100 m or more, the (\d+) listed and (\d+) with fewer than 3",
            lines[-1],
        ),
    )
    assert listed and tested, lines[-1]
    assert int(tested[2]) == int(listed[1])
    assert int(tested[1]) == int(tested[2]) + int(tested[3])
    assert spoken.output == keyed.output
    whole = run("hotspots", "--sample", "--top", "3")
    assert "Reading the zones" in whole.output  # progress is chatter: gone when quiet
    assert "Reading the zones" not in spoken.output
    assert whole.output.strip().splitlines()[-5:] != lines  # all categories rank differently


def test_reports_with_every_row_rejected_say_so_plainly(tmp_path):
    rejected = tmp_path / "reports.csv"
    rejected.write_text(
        "id,latitude,longitude,category,created,state\n1,,,Litter,2024-01-01,open\n"
    )
    result = run("reports", str(rejected))
    assert result.exit_code == 0, result.output
    assert "Empty DataFrame" not in result.output
    assert "1 rejected: The row has no coordinates" in result.output
    assert "Warning: nothing was kept from reports.csv" in result.output


def test_an_import_that_kept_nothing_says_whether_its_rows_were_rejected_or_elsewhere(capsys):
    # a council's toilets file read for a project in another town: left out, not rejected
    import geopandas as gpd
    import pandas as pd

    from healthy_streets.cli._report import print_imports
    from healthy_streets.model.account import AccountBook

    elsewhere = AccountBook("toilets.csv")
    elsewhere.outside_area(pd.Index([2, 3, 4]), [76_000.0, 80_000.0, 83_000.0])
    mixed = AccountBook("reports.csv")
    mixed.reject(2, "The row has no coordinates.")
    mixed.outside_area(pd.Index([3]), [900.0])
    empty = gpd.GeoDataFrame(geometry=[])
    print_imports([elsewhere.result(empty, 3), mixed.result(empty, 2)])
    warnings = capsys.readouterr().err.splitlines()
    assert warnings == [
        "Warning: nothing was kept from toilets.csv: all 3 rows lie outside the project area "
        "(left out, not rejected): check that the file is for this project's area.",
        "Warning: nothing was kept from reports.csv: 1 row was rejected (the reasons follow; "
        "-q hides them) and 1 lies outside the project area (left out, not rejected).",
    ]


def test_the_import_table_has_a_for_review_column_only_when_rows_were_set_aside(capsys):
    """An additions file whose rename of a mapped place was set aside for review: the table
    counts it in a column of its own, so each line adds up; a table with no such rows has
    no such column."""
    from dataclasses import replace

    import geopandas as gpd
    import pandas as pd
    import shapely

    from healthy_streets.cli._report import print_imports
    from healthy_streets.io.assets import CHANGE_REASON
    from healthy_streets.model.account import AccountBook

    layer = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs="EPSG:27700")
    walkabout = AccountBook("assets_walkabout.csv").result(layer, 1)
    book = AccountBook("additions.geojson")
    book.reject(3, "The row has no coordinates.")
    rename = {"source": "additions.geojson", "row": "2", "field": "name", "value": "osm-1"}
    additions = replace(
        book.result(layer, 3),
        for_review=pd.DataFrame([rename | {"reason": f"{CHANGE_REASON}: renames 'A' to 'B'"}]),
    )
    print_imports([walkabout, additions])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        *("input", "unit", "in", "kept", "repaired", "rejected", "outside", "for", "review"),
    ]
    assert lines[1].split() == ["assets_walkabout.csv", "rows", "1", "1", "0", "0", "0", "0"]
    assert lines[2].split() == ["additions.geojson", "rows", "3", "1", "0", "1", "0", "1"]
    assert len({len(line) for line in lines[:3]}) == 1  # the columns line up
    assert "additions.geojson: 1 set aside for review: " + CHANGE_REASON in "\n".join(lines)
    print_imports([walkabout])  # nothing set aside: the table as it always was
    plain = capsys.readouterr().out.splitlines()
    assert plain[0].split() == ["input", "unit", "in", "kept", "repaired", "rejected", "outside"]
    assert plain[1].split() == ["assets_walkabout.csv", "rows", "1", "1", "0", "0", "0"]


def test_categories_list_the_keys_and_try_texts(tmp_path):
    listed = run("categories", "reports")
    assert listed.exit_code == 0, listed.output
    assert re.search(r"^  dog_fouling\s+Dog fouling  \[district\]$", listed.output, re.M)
    assert re.search(r"^  potholes\s+Potholes and road surface  \[county\]$", listed.output, re.M)
    assert "Assets:" not in listed.output
    tried = run("categories", "reports", "--try", "Dog mess", "--try", "Chatty bench")
    assert tried.output.splitlines() == [
        "'Dog mess' -> report category dog_fouling (a known word for it)",
        "'Chatty bench' -> report category other (nothing matched)",
    ]
    # a project's own words and tiers count
    project = tmp_path / "healthy-streets.toml"
    project.write_text(
        '[zones]\nfile = "zones.geojson"\n[streets]\nosm_file = "area.osm"\n'
        '[taxonomy.assets]\n"Chatty bench" = "bench"\n'
        '[taxonomy.tiers]\n"Dog fouling" = "county"\n'
    )
    own = run("categories", "--project", str(project), "--try", "Chatty bench")
    assert own.exit_code == 0, own.output
    assert "'Chatty bench' -> asset category bench (a known word for it)" in own.output
    tiers = run("categories", "reports", "--project", str(project))
    assert re.search(r"^  dog_fouling\s+Dog fouling  \[county\]$", tiers.output, re.M)


def test_csv_to_standard_output_stays_clean():
    import io

    import pandas as pd

    for quiet in ((), ("-q",)):
        result = CliRunner().invoke(main, [*quiet, "hotspots", "--sample", "--output", "-"])
        assert result.exit_code == 0, result.output
        table = pd.read_csv(io.StringIO(result.stdout))
        assert list(table.columns[:3]) == ["rank", "zone_id", "street"]
        assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert "per_100m_per_year" in result.stdout.splitlines()[0]


def test_no_hotspots_is_said_in_words():
    result = run("-q", "hotspots", "--sample", "--min-reports", "100000")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "No street of 100 m or more has 100000 or more reports in the period.\n"
    )


def test_control_characters_from_a_file_never_reach_the_terminal(tmp_path):
    import json

    from conftest import SAMPLE

    data = json.loads((SAMPLE / "zones.geojson").read_text(encoding="utf-8"))
    data["features"][0]["properties"]["ZONE_NAME"] = "Evil\x1b]0;owned\x07\x1b[2J zone \u202eabc"
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("zones", str(path))
    assert result.exit_code == 0, result.output
    assert "Evil\\x1b]0;owned\\x07\\x1b[2J zone \\u202eabc" in result.output
    assert not {"\x1b", "\x07", "\u202e"} & set(result.output)
    missing = run("zones", str(tmp_path / "gone\x1b[2J.geojson"))
    assert missing.exit_code == 1
    assert "gone\\x1b[2J.geojson" in missing.output and "\x1b" not in missing.output


def test_a_buffer_that_is_not_a_distance_is_refused_before_any_work():
    for value in ("nan", "-5", "1e9"):
        result = run("summary", "--sample", "--buffer", value)
        assert result.exit_code == 2, value
        assert "--buffer" in result.output and "Traceback" not in result.output


def test_months_beyond_the_calendar_are_refused_and_the_longest_allowed_run():
    """A window of 100000 months reached before year 1 (a traceback); 50 years each is the
    most, and runs."""
    for option in ("--window-months", "--baseline-months", "--history-months"):
        result = run("evaluate", "--sample", option, "100000")
        assert result.exit_code == 2, option
        assert re.search(r"(?:at most|[01] to) 600", result.output), result.output
        assert "Traceback" not in result.output
    longest = ("--window-months", "600", "--baseline-months", "600", "--history-months", "600")
    result = run("-q", "evaluate", "--sample", *longest)
    assert result.exit_code == 0, result.output
    assert result.exception is None


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        ("hotspots", "--min-length", "nan"),
        ("hotspots", "--min-length", "-1"),
        ("hotspots", "--min-reports", "-3"),
        ("hotspots", "--top", "-1"),
        ("gaps", "--edge-tolerance", "nan"),
        ("gaps", "--edge-tolerance", "-1"),
    ],
)
def test_a_number_out_of_its_range_is_refused_before_any_work(command, option, value):
    """Not ranked by a length of nan, nor a tolerance of -1 m, as if they were ones."""
    result = run(command, "--sample", option, value)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output
    assert "Traceback" not in result.output


def test_a_minimum_area_of_nan_is_refused():
    from conftest import SAMPLE

    osm = str(SAMPLE / "yarrowside.osm")
    result = run("network", "--osm-file", osm, "--derive-zones", "--min-area", "nan")
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--min-area': give a number, not 'nan'." in result.output


def test_the_derived_zones_summary_counts_one_zone_and_one_way_in_the_singular():
    import geopandas as gpd
    import shapely

    from healthy_streets.cli.network import _derived_summary

    streets = gpd.GeoDataFrame(
        {
            "segment_id": ["a", "b"],
            "osm_way_id": [1, 2],
            "road_class": ["local", "local"],
            "speed_mph": [20.0, 20.0],
            "speed_source": ["maxspeed", "maxspeed"],
            "signed_20mph_zone": [False, False],
            "length_m": [100.0, 34.0],
        },
        geometry=[
            shapely.LineString([(0, 0), (100, 0)]),
            shapely.LineString([(0, 500), (34, 500)]),
        ],
        crs="EPSG:27700",
    )
    zones = gpd.GeoDataFrame(geometry=[shapely.box(-10, -10, 110, 10)], crs="EPSG:27700")
    assert _derived_summary(streets, zones) == (
        "1 candidate 20mph zone drawn from OSM. 1 OSM way tagged 20 mph (34 m) lies apart from "
        "the others, in a group too small for a zone: not drawn, and listed by gaps as 20 mph "
        "streets outside zones."
    )


def test_derived_zones_are_read_back_by_the_analysis_commands_without_a_layer(tmp_path):
    from conftest import SAMPLE

    osm = str(SAMPLE / "yarrowside.osm")
    store = tmp_path / "derived.gpkg"
    made = run("network", "--osm-file", osm, "--derive-zones", "--output", str(store))
    assert made.exit_code == 0, made.output
    assert "5 candidate 20mph zones drawn from OSM. 2 ways (99 m) tagged 20 mph or less left" in (
        " ".join(made.output.split())
    )
    # the file holds streets and zones: the zones healthy-streets wrote are read, and said
    out = tmp_path / "gaps.csv"
    result = run("gaps", "--zones", str(store), "--osm-file", osm, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (
        "derived.gpkg: Read the layer 'zones', the zones healthy-streets wrote into the file "
        "(it also holds 'streets'); choose another with --layer NAME."
    ) in " ".join(result.output.split())
    assert re.search(r"derived\.gpkg +features +5 +5 ", result.output)
    import pandas as pd

    gaps = pd.read_csv(out)
    # no street inside a derived zone is a gap: only the two lone 20 mph cul-de-sacs
    outside = gaps[gaps["kind"] == "20 mph outside zones"]
    assert sorted(outside["street"]) == ["Maple Close", "Withnell Croft"]
    # derived zones are the 20 mph limits OpenStreetMap maps in force: a school outside
    # them is measured to the nearest
    schools = gaps[gaps["kind"] == "school outside zones"]
    assert schools["zone_id"].tolist() == ["osm-20mph-1"]
    assert schools["distance_m"].round().tolist() == [124.0]
    assert "Primary School - 124 m from osm-20mph-1" in result.output
    assert "nan m" not in result.output
    # --layer chooses all the same, and then nothing is said about it
    summary = run("summary", "--zones", str(store), "--layer", "zones", "--osm-file", osm)
    assert summary.exit_code == 0, summary.output
    assert "OSM 20mph area 1" in summary.output
    assert "Read the layer" not in summary.output


def test_a_network_written_without_zones_is_not_read_as_zones(tmp_path):
    from conftest import SAMPLE

    osm = str(SAMPLE / "yarrowside.osm")
    streets_only = tmp_path / "network.gpkg"
    assert run("network", "--osm-file", osm, "--output", str(streets_only)).exit_code == 0
    said = run("gaps", "--zones", str(streets_only), "--osm-file", osm)
    assert said.exit_code == 1
    assert " ".join(said.output.split()).endswith(
        "network.gpkg: The file holds no zones layer: healthy-streets wrote 'streets' into it. "
        "Give the file of zones, or choose a layer with --layer NAME; healthy-streets network "
        "--derive-zones --output FILE draws them from OpenStreetMap."
    )
    assert "speed-limit lines" not in said.output and "Traceback" not in said.output
    # zones too small for --min-area: the zones layer is there, and empty
    none_drawn = tmp_path / "none.gpkg"
    made = run("network", "--osm-file", osm, "--derive-zones", "--min-area", "1e9",
               "--output", str(none_drawn))  # fmt: skip
    assert made.exit_code == 0, made.output
    empty = run("gaps", "--zones", str(none_drawn), "--osm-file", osm)
    assert empty.exit_code == 1
    assert (
        "none.gpkg: The zones layer healthy-streets wrote into the file is empty (it also holds "
        "'streets'). Give the file of zones, or choose a layer with --layer NAME; a lower "
        "--min-area draws smaller zones."
    ) in " ".join(empty.output.split())


def test_a_project_without_reports_shows_no_nan_and_scores_nothing_from_reports(tmp_path):
    import pandas as pd

    from conftest import SAMPLE

    osm = str(SAMPLE / "yarrowside.osm")
    store = tmp_path / "derived.gpkg"
    made = run("network", "--osm-file", osm, "--derive-zones", "--output", str(store))
    assert made.exit_code == 0, made.output
    inputs = ["--zones", str(store), "--osm-file", osm]
    shown = {}
    for command in (["summary"], ["summary", "--by-category"], ["scorecard"], ["gaps"]):
        out = tmp_path / f"{'-'.join(command)}.csv"
        result = run(*command, *inputs, "-o", str(out))
        assert result.exit_code == 0, (command, result.output)
        # missing values on screen are a dash or a word, never pandas' NaN, None or <NA>
        for word in ("NaN", "nan", "None", "NaT"):
            assert not re.search(rf"\b{word}\b", result.output), (command, word, result.output)
        assert "<NA>" not in result.output, command
        shown[" ".join(command)] = result.output
    assert "—" in shown["summary"]  # the median days to fix of no fixed report
    assert "Reports: none." in shown["summary --by-category"]
    # "People feel relaxed" is not scored 3 of 3 from no reports: not scored, and why
    relaxed = next(line for line in shown["scorecard"].splitlines() if "relaxed" in line)
    assert set(relaxed.split()[3:]) == {"—"}, relaxed
    assert "People feel relaxed: no reports were given" in shown["scorecard"]
    card = pd.read_csv(tmp_path / "scorecard.csv", encoding="utf-8-sig")
    rows = card[card["indicator"] == "People feel relaxed"]
    assert rows["score"].isna().all() and rows["value"].isna().all()
    assert (rows["not_scored"] == "no reports were given").all()
    # the CSVs stay numeric: empty cells where there is no period, no rate
    summary = pd.read_csv(tmp_path / "summary.csv", encoding="utf-8-sig")
    assert summary["period_start"].isna().all() and summary["period_end"].isna().all()
    assert summary["reports_per_street_km_per_year"].isna().all()
    assert "2000-01-01" not in (tmp_path / "summary.csv").read_text(encoding="utf-8-sig")
    # a school measured to the derived zones has no note; the CSV keeps its cells empty
    gaps = pd.read_csv(tmp_path / "gaps.csv", encoding="utf-8-sig")
    schools = gaps[gaps["kind"] == "school outside zones"]
    assert len(schools) and schools["distance_m"].notna().all()
    assert schools["note"].isna().all()


def test_zones_command_reads_a_file_geodatabase_folder(tmp_path):
    import geopandas as gpd
    import shapely

    gdb = tmp_path / "council.gdb"
    gpd.GeoDataFrame(
        {"SCHEME_NAME": ["Church Fields", "Mill Lane"], "GO_LIVE": ["31/07/2016", "01/04/2099"]},
        geometry=[
            shapely.box(358000, 417000, 358300, 417300),
            shapely.box(358400, 417000, 358700, 417300),
        ],
        crs="EPSG:27700",
    ).to_file(gdb, driver="OpenFileGDB", layer="Zones20mph")
    result = run("zones", str(gdb))
    assert result.exit_code == 0, result.output
    assert "name <- 'SCHEME_NAME' (header); date <- 'GO_LIVE' (header)" in result.output
    assert "1 in force (the date has passed), 1 proposed (the date is to come)" in result.output
    assert re.search(r"church-fields\s+implemented", result.output)
    assert re.search(r"mill-lane\s+proposed", result.output)


def test_osm_ways_are_named_as_osm_ways_not_rows(tmp_path):
    path = tmp_path / "clipped.osm"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
        '<node id="1" version="1" lat="53.65" lon="-2.63"/>\n'
        '<node id="2" version="1" lat="53.65" lon="-2.629"/>\n'
        '<way id="26427724" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
        '<tag k="highway" v="residential"/></way>\n'
        '<way id="26427725" version="1"><nd ref="8"/><nd ref="9"/>'
        '<tag k="highway" v="residential"/></way>\n</osm>\n'
    )
    result = run("network", "--osm-file", str(path))
    assert result.exit_code == 0, result.output
    assert "kept the longest run of 2 nodes. (OSM way 26427724)" in result.output
    assert "it cannot be drawn. (OSM way 26427725)" in result.output
    assert "(row 264" not in result.output


def test_verbosity_after_the_command_too(tmp_path):
    """``-q`` and ``-v`` work after the command's name as before it."""
    from conftest import SAMPLE

    zones = str(SAMPLE / "zones.geojson")
    before = run("-q", "zones", zones)
    after = run("zones", zones, "-q")
    assert before.exit_code == after.exit_code == 0
    # the list of zones is the result, shown even so; the account is chatter
    assert before.output == after.output
    assert before.output.splitlines()[0] == "4 zones:"
    assert "cowslip" in before.output and "zones.geojson" not in before.output
    chatty = run("zones", zones)
    assert "zones.geojson" in chatty.output
    assert "-q, --quiet" in run("zones", "--help").output


def test_the_last_of_quiet_and_verbose_wins():
    """``-q zones FILE -v`` says everything (the -v came last); ``-v zones FILE -q`` only
    the result."""
    from conftest import SAMPLE

    zones = str(SAMPLE / "zones.geojson")
    chatty, quiet = run("zones", zones), run("zones", zones, "-q")
    louder = run("-q", "zones", zones, "-v")
    assert louder.exit_code == 0
    assert "zones.geojson" in louder.output and "4 zones:" in louder.output
    assert run("-v", "zones", zones, "-q").output == quiet.output
    assert len(louder.output) >= len(chatty.output) > len(quiet.output)


def test_quiet_network_still_prints_its_table():
    from conftest import SAMPLE

    osm, zones = str(SAMPLE / "yarrowside.osm"), str(SAMPLE / "zones.geojson")
    result = run("network", "--osm-file", osm, "--zones", zones, "-q")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert re.match(r"\d+ segments, [\d.]+ km of road", lines[0])
    assert any(re.match(r" +20 mph: [\d.]+ km", line) for line in lines)
    assert "yarrowside.osm" not in result.output  # the account is chatter


def test_verbose_after_the_command_says_more_as_before_it():
    """``-v`` after the command's name logs the toolkit's progress (the count of streets
    read) as it does before the name; without it, that line is not shown."""
    from conftest import SAMPLE

    osm = str(SAMPLE / "yarrowside.osm")
    line = re.compile(
        r"^INFO healthy_streets\.io\.osm: yarrowside\.osm: \d+ street ways, \d+ segments$", re.M
    )
    plain = run("network", "--osm-file", osm)
    after = run("network", "--osm-file", osm, "-v")
    before = run("-v", "network", "--osm-file", osm)
    assert plain.exit_code == after.exit_code == before.exit_code == 0
    assert not line.search(plain.output)
    assert line.search(after.output) and line.search(before.output)
    assert line.search(after.output)[0] == line.search(before.output)[0]
    assert "yarrowside.osm" in plain.output and "segments" in plain.output  # the summary


def test_a_zone_is_checked_before_anything_else_is_read(tmp_path):
    """``build --zone`` reads the zones file first: a zone not in it is refused, with the
    closest names, before the street network (missing here) is even looked at."""
    import shutil

    from conftest import SAMPLE

    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copy(SAMPLE / "zones.geojson", folder / "zones.geojson")
    (folder / "healthy-streets.toml").write_text(
        '[zones]\nfile = "zones.geojson"\n\n[streets]\nosm_file = "missing.osm"\n'
    )
    result = run("build", str(folder), "--zone", "Cowslp")
    assert result.exit_code == 2
    assert "There is no zone 'Cowslp'. Did you mean 'Cowslip' (cowslip)?" in result.output
    assert "missing.osm" not in result.output
    assert not (folder / "out" / "maps").exists()


def _file_geodatabase(path, frame, layer):
    """``frame`` written as a File Geodatabase folder (GDAL's OpenFileGDB writes them)."""
    frame.to_file(path, driver="OpenFileGDB", layer=layer, engine="pyogrio", promote_to_multi=True)
    assert path.is_dir()
    return path


def test_asset_and_zone_inputs_read_file_geodatabase_folders(tmp_path):
    import geopandas as gpd
    import pandas as pd

    from conftest import SAMPLE

    walkabout = pd.read_csv(SAMPLE / "assets_walkabout.csv").dropna(subset=["Latitude"])
    parks = gpd.GeoDataFrame(
        {"SITE_NAME": walkabout["Name"], "ASSET_TYPE": walkabout["Category"]},
        geometry=gpd.points_from_xy(walkabout["Longitude"], walkabout["Latitude"]),
        crs="EPSG:4326",
    )
    assets = _file_geodatabase(tmp_path / "assets.gdb", parks, "Assets")
    imported = run("assets", str(assets))
    assert imported.exit_code == 0, imported.output
    counts = rf"assets.gdb\s+rows\s+{len(parks)}\s+{len(parks)}\s+0\s+0"
    assert re.search(counts, imported.output)
    assert "name <- 'SITE_NAME' (header); category <- 'ASSET_TYPE' (header)" in imported.output
    # Bench 6, bench 2, Benches 2 and seat 1 are benches; Tree 7 are trees
    assert re.search(r"bench\s+11\n", imported.output)
    assert re.search(r"tree\s+7\n", imported.output)

    sample = gpd.read_file(SAMPLE / "zones.geojson")
    zones = _file_geodatabase(tmp_path / "zones.gdb", sample, "Zones20mph")
    osm = str(SAMPLE / "yarrowside.osm")
    out, expected = tmp_path / "summary.csv", tmp_path / "sample.csv"
    summary = run("summary", "--zones", str(zones), "--osm-file", osm,
                  "--assets", str(assets), "-o", str(out))  # fmt: skip
    assert summary.exit_code == 0, summary.output
    assert "Reading assets from assets.gdb" in summary.output
    assert run("-q", "summary", "--sample", "-o", str(expected)).exit_code == 0
    table = pd.read_csv(out, encoding="utf-8-sig").set_index("zone_id")
    same = pd.read_csv(expected, encoding="utf-8-sig").set_index("zone_id")
    assert table.index.tolist() == same.index.tolist()  # the zones read from the folder
    assert table["street_km"].tolist() == same["street_km"].tolist()


def test_gaps_reads_speed_limit_lines_from_a_file_geodatabase_folder(tmp_path):
    import geopandas as gpd

    import healthy_streets as hs

    from conftest import SAMPLE

    streets = hs.street_network_from_osm_file(SAMPLE / "yarrowside.osm").layer
    siskin = streets[streets["name"] == "Siskin Street"].union_all()
    lines = gpd.GeoDataFrame({"SPEEDLIMIT": ["20mph"]}, geometry=[siskin], crs=streets.crs)
    gdb = _file_geodatabase(tmp_path / "limits.gdb", lines, "SpeedLimits")
    result = run("gaps", "--sample", "--speed-limits", str(gdb))
    assert result.exit_code == 0, result.output
    assert "Siskin Street" in result.output.split("council limit differs")[1]
    assert "OSM 30 mph, council 20 mph" in result.output


def test_a_folder_that_is_no_file_geodatabase_is_refused_in_one_line(tmp_path):
    from conftest import SAMPLE

    folder = tmp_path / "exports"
    folder.mkdir()
    osm = str(SAMPLE / "yarrowside.osm")
    for args in (
        ["assets", str(folder)],
        ["zones", str(folder)],
        ["network", "--osm-file", osm, "--zones", str(folder)],
        ["summary", "--zones", str(folder), "--osm-file", osm],
        ["hotspots", "--sample", "--assets", str(folder)],
        ["gaps", "--sample", "--speed-limits", str(folder)],
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "is a folder, not a file: name the file inside it" in result.output, args
        assert "ends .gdb" in result.output and "Traceback" not in result.output


def test_a_misspelt_zone_is_said_before_the_rest_of_the_toolkit_loads(tmp_path):
    """``build --zone Cowslp`` reads the zones file alone (through the project file) and
    suggests the name, before the pipeline and the map library are imported."""
    import shutil
    import subprocess
    import sys

    from conftest import ROOT, SAMPLE, sample_project

    for name in ("zones.geojson", "yarrowside.osm", "assets_walkabout.csv", "reports_open311.json"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    (tmp_path / "healthy-streets.toml").write_text(sample_project("Yarrowside"))
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from healthy_streets.cli import main\n"
        f"result = CliRunner().invoke(main, ['build', {str(tmp_path)!r}, '--zone', 'Cowslp'])\n"
        "print(result.exit_code)\n"
        "print(result.output.strip())\n"
        "print(sorted({'folium', 'healthy_streets.pipeline', 'healthy_streets.maps'} "
        "& set(sys.modules)))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    exit_code, *said, loaded = ran.stdout.strip().splitlines()
    assert exit_code == "2"  # a bad argument, as click says
    assert "There is no zone 'Cowslp'. Did you mean 'Cowslip'" in " ".join(said)
    assert loaded == "[]"
    assert not (tmp_path / "out").exists()


def _misspelt_zone_in_a_fresh_process(config, *args):
    """``build CONFIG --zone Cowslp ARGS`` in a fresh Python: its exit code, what it said,
    and which of the geospatial libraries it loaded."""
    import subprocess
    import sys

    from conftest import ROOT

    heavy = ["pandas", "geopandas", "shapely", "pyproj", "pyogrio", "folium", "osmnx"]
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from healthy_streets.cli import main\n"
        f"args = ['build', {str(config)!r}, '--zone', 'Cowslp', *{list(args)!r}]\n"
        "result = CliRunner().invoke(main, args)\n"
        "print(result.exit_code)\n"
        "print(result.output.strip())\n"
        f"print(sorted(set({heavy!r}) & set(sys.modules)))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    exit_code, *said, loaded = ran.stdout.strip().splitlines()
    return int(exit_code), " ".join(said), loaded


def test_a_misspelt_zone_is_said_from_the_last_builds_record(demo_run, tmp_path):
    """After a build, ``build --zone Cowslp`` checks the name against the zones the build
    recorded (the zones file unchanged): the closest name is suggested with neither pandas
    nor geopandas loaded, and nothing is written."""
    import json

    from healthy_streets._build_record import RECORD_NAME

    from conftest import SAMPLE

    record = json.loads((demo_run.folder / RECORD_NAME).read_text(encoding="utf-8"))
    assert {"zone_id": "cowslip", "name": "Cowslip"} in record["zones"]
    # the sample's files as the demo read them, built into the demo's folder
    config = tmp_path / "healthy-streets.toml"
    config.write_text(
        f'[project]\nname = "Yarrowside"\noutput = {json.dumps(str(demo_run.folder))}\n\n'
        f"[zones]\nfile = {json.dumps(str(SAMPLE / 'zones.geojson'))}\n\n"
        f"[streets]\nosm_file = {json.dumps(str(SAMPLE / 'yarrowside.osm'))}\n",
        encoding="utf-8",
    )
    before = sorted(p.name for p in demo_run.folder.rglob("*"))
    exit_code, said, loaded = _misspelt_zone_in_a_fresh_process(config)
    assert exit_code == 2, said
    assert "There is no zone 'Cowslp'. Did you mean 'Cowslip' (cowslip)?" in said
    assert "The zones are: yarrowside-north (Yarrowside North), cowslip (Cowslip)" in said
    assert loaded == "[]"
    assert sorted(p.name for p in demo_run.folder.rglob("*")) == before
    # --output names another folder, with no build recorded: the zones file is read
    exit_code, said, loaded = _misspelt_zone_in_a_fresh_process(
        tmp_path, "--output", str(tmp_path / "elsewhere")
    )
    assert exit_code == 2 and "Did you mean 'Cowslip' (cowslip)?" in said
    assert "geopandas" in loaded and "folium" not in loaded
    assert not (tmp_path / "elsewhere").exists()


def test_a_zone_named_right_builds_that_zone_alone(tmp_path):
    from conftest import SAMPLE, sample_project

    for name in ("zones.geojson", "yarrowside.osm", "assets_walkabout.csv", "reports_open311.json"):
        (tmp_path / name).write_bytes((SAMPLE / name).read_bytes())
    (tmp_path / "healthy-streets.toml").write_text(sample_project("Yarrowside"))
    result = run("-q", "build", str(tmp_path), "--zone", "COWSLIP")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out" / "maps").glob("*.html")] == ["cowslip.html"]


def test_the_command_runs_as_a_python_module():
    """``python -m healthy_streets.cli`` and ``python -m healthy_streets`` are the command."""
    import subprocess
    import sys

    from conftest import ROOT

    for module in ("healthy_streets.cli", "healthy_streets"):
        ran = subprocess.run(
            [sys.executable, "-m", module, "--version"], capture_output=True, text=True, cwd=ROOT
        )
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.strip() == f"healthy-streets, version {__version__}"
        ran = subprocess.run(
            [sys.executable, "-m", module, "zones", "no-such-file.geojson"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert ran.returncode == 1 and "The file does not exist" in ran.stderr


@pytest.fixture
def no_work(monkeypatch):
    """Any reading of the layers fails the test: a refusal must come first."""
    import healthy_streets.io.assets
    import healthy_streets.io.reports
    import healthy_streets.io.streets
    import healthy_streets.pipeline

    def work(*args, **kwargs):
        raise AssertionError("the work started before the output was checked")

    monkeypatch.setattr(healthy_streets.pipeline, "load_layers", work)
    monkeypatch.setattr(healthy_streets.io.assets, "read_assets", work)
    monkeypatch.setattr(healthy_streets.io.reports, "read_reports", work)
    monkeypatch.setattr(healthy_streets.io.streets, "read_street_network", work)


@pytest.mark.parametrize(
    "args",
    [
        ["hotspots", "--sample"],
        ["summary", "--sample"],
        ["summary", "--sample", "--by-category"],
        ["scorecard", "--sample"],
        ["evaluate", "--sample"],
        ["gaps", "--sample"],
        ["gaps", "--sample", "-o"],  # -o as well as --output
    ],
)
def test_a_table_output_that_exists_is_refused_before_the_work(tmp_path, no_work, args):
    existing = tmp_path / "existing.csv"
    existing.write_text("an officer's table\n")
    flag = "--output" if args[-1] != "-o" else args.pop()
    result = run(*args, flag, str(existing))
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (
        f"Error: {existing} already exists. Choose another output, or replace it with --overwrite."
    )
    assert existing.read_text() == "an officer's table\n"


def test_a_table_output_over_an_input_is_refused_before_the_work(tmp_path, no_work):
    import shutil

    from conftest import SAMPLE

    zones = tmp_path / "zones.geojson"
    shutil.copy(SAMPLE / "zones.geojson", zones)
    limits = tmp_path / "limits.csv"
    limits.write_text("a council's file\n")
    common = ["--zones", str(zones), "--osm-file", str(SAMPLE / "yarrowside.osm")]
    for args, target in (
        (["summary", *common], zones),
        (["gaps", *common, "--speed-limits", str(limits)], limits),
    ):
        result = run(*args, "--output", str(target), "--overwrite")
        assert result.exit_code == 1, result.output
        assert f"{target} is one of the inputs; refusing to write an output over it" in (
            result.output
        )
    assert zones.read_bytes() == (SAMPLE / "zones.geojson").read_bytes()
    assert limits.read_text() == "a council's file\n"


def test_a_store_output_over_the_file_read_is_refused_before_reading_it(tmp_path, no_work):
    import geopandas as gpd

    from conftest import SAMPLE

    zones = tmp_path / "zones.gpkg"
    gpd.read_file(SAMPLE / "zones.geojson").to_file(zones, layer="zones")
    before = zones.read_bytes()
    osm = str(SAMPLE / "yarrowside.osm")
    for args in (
        ["zones", str(zones)],
        ["assets", str(zones)],
        ["reports", str(zones)],
        ["network", "--osm-file", osm, "--zones", str(zones)],
    ):
        result = run(*args, "--output", str(zones), "--overwrite")
        assert result.exit_code == 1, (args, result.output)
        assert f"{zones} is one of the inputs; refusing to write an output over it" in (
            result.output
        ), args
        assert "zones:" not in result.output  # nothing read, nothing shown
    assert zones.read_bytes() == before


def test_a_zones_store_with_the_councils_own_layer_is_refused_before_the_zones_are_shown(
    tmp_path,
):
    import geopandas as gpd

    from conftest import SAMPLE

    store = tmp_path / "council.gpkg"
    gpd.read_file(SAMPLE / "zones.geojson").to_file(store, layer="zones")  # not the toolkit's
    result = run("zones", str(SAMPLE / "zones.geojson"), "--output", str(store))
    assert result.exit_code == 1, result.output
    assert "holds a layer that healthy-streets did not write: 'zones'" in result.output
    assert "4 zones:" not in result.output


def test_the_analysis_commands_take_the_councils_words_for_categories():
    """``--report-synonym`` maps a report file's own category text to a category in the
    analysis commands too (as a project's synonyms do): the sample's "Graffiti" counted as
    litter moves Cowslip's 3 graffiti reports into its 17 litter ones. A category that does
    not exist is refused before any file is read, naming the option."""
    import csv
    import io

    def rows(*extra):
        result = run("-q", "summary", "--sample", "--by-category", *extra, "-o", "-")
        assert result.exit_code == 0, result.output
        table = csv.DictReader(io.StringIO(result.stdout))
        return {
            r["category"]: int(r["count"])
            for r in table
            if r["zone_id"] == "cowslip" and r["kind"] == "reports"
        }

    before, after = rows(), rows("--report-synonym", "Graffiti=litter")
    assert (before["graffiti"], before["litter"]) == (3, 17)
    assert "graffiti" not in after and after["litter"] == 20
    for command in ("summary", "hotspots", "evaluate", "gaps", "scorecard"):
        refused = run(command, "--sample", "--report-synonym", "Dog Mess=dog_foul")
        assert refused.exit_code == 2, (command, refused.output)
        assert "Invalid value for '--report-synonym'" in refused.output
        assert "'dog_foul', which does not exist" in refused.output
        assert "Reading" not in refused.output  # before any file is read
    bad = run("summary", "--sample", "--asset-synonym", "Seat")
    assert bad.exit_code == 2
    assert "'Seat' should be TEXT=CATEGORY" in bad.output


def test_a_library_warning_reads_as_a_warning_not_as_a_module_name():
    # an officer sees "Warning: ...", not the logger's level and module; -vv shows them
    said = run("evaluate", "--sample", "--category", "dogfouling").output
    assert "Warning: The report category 'dogfouling' is read as dog_fouling" in said
    assert "healthy_streets.model" not in said
    debug = run("-vv", "evaluate", "--sample", "--category", "dogfouling").output
    assert "WARNING healthy_streets.model.taxonomy: The report category 'dogfouling'" in debug
