"""Community assets typed up after walkabouts: free-text categories, mixed coordinates.

Rows give latitude and longitude, or easting and northing, or both; one gives only an
Ordnance Survey grid reference. Categories are as volunteers wrote them ("Bench", "bench",
"Benches", "seat", "poo bin"...), and one matches no category at all. ``Added By`` holds the
volunteers' names: personal data the toolkit must never publish.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from shapely.geometry import Point as ShapelyPoint

from ._geo import Point, os_grid_ref, pt, to_lonlat
from ._locate import OUTSIDE, Locator
from ._model import Feature, World
from ._skeleton import Skeleton

__all__ = ["ASSET_HEADER", "GRID_REF_ONLY", "build_assets"]

ASSET_HEADER = (
    "Name",
    "Category",
    "Latitude",
    "Longitude",
    "Easting",
    "Northing",
    "Grid Ref",
    "Notes",
    "Added By",
    "Date Added",
)
#: The name of the one row located only by a grid reference.
GRID_REF_ONLY = "Memorial bench"

_VOLUNTEERS = (
    "Margaret Hesketh",
    "Dave Clegg",
    "Priya Shah",
    "Tom Entwistle",
    "Sue Rawcliffe",
    "Janet Bamber",
    "Kev Worden",
    "Amira Hussain",
)

# (category as typed, name, notes, where): "where" is "feature:<key>=<value>[#n]" (beside an
# OpenStreetMap feature), "area:<name>" (inside a green space), "zone:<key>" (beside a street
# in a zone, "" for outside every zone).
_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("Bench", "Bench by Lapwing Park gate", "Broken slat, reported to parish", "area:lapwing_park"),
    ("Bench", "Bench outside the library", "", "feature:amenity=library"),
    ("bench", "Bench on the corner", "Wobbly, needs bolting down", "zone:A"),
    (
        "Benches",
        "Two benches by the river",
        "Pair, one missing its backrest",
        "area:yarrow_meadows",
    ),
    ("seat", "Seat at the bus stop", "Perch seat only, no back", "feature:highway=bus_stop#0"),
    ("Bench", GRID_REF_ONLY, 'Plaque reads "For Dot, who loved this view"', "area:yarrow_meadows"),
    ("bench", "Bench near the shops", "", "feature:amenity=cafe"),
    ("Bench", "Bench by the post box", "", "zone:C"),
    ("Bench", "Bench opposite the school", "Kids sit here after school", "zone:B"),
    ("seat", "Stone seat on Yarrow Valley Way", "Covered in moss, slippery", "zone:C"),
    ("Benches", "Benches at Cowslip Rec", "", "area:rec"),
    ("Bench", "Bench by the bollards", "", "zone:A"),
    ("bench", "Bench, Lapwing Park", "Needs a coat of paint", "area:lapwing_park"),
    ("Bench", "Bench at the top of the hill", "Good view of the Pike", "zone:D"),
    ("Dog bin", "Dog bin at the park entrance", "Overflowing most Mondays", "zone:A"),
    ("Dog bin", "Dog bin by the footpath", "New, put in with the 20mph signs", "zone:A"),
    ("poo bin", "Poo bin on the corner", "Lid broken", "zone:A"),
    ("poo bin", "Poo bin near the rec", "", "zone:B"),
    ("Dog Waste Bin", "Dog waste bin, riverside", "", "zone:C"),
    ("Dog Waste Bin", "Dog waste bin by the alley", "Sticker says 'any bin will do'", "zone:A"),
    ("Dog bin", "Dog bin by the lane", "Not emptied since August", "zone:"),
    ("poo bin", "Poo bin on the estate", "", "zone:D"),
    ("Dog bin", "Dog bin near the shops", "", "zone:B"),
    (
        "Community centre",
        "Yarrowside Community Centre",
        "Hall for hire, ask the warden",
        "feature:amenity=community_centre",
    ),
    ("Comunity Centre", "The Old Mill Rooms", "Upstairs room, no lift", "zone:B"),
    ("Village hall", "Yarrowside Village Hall", "Used by the WI and the brass band", "zone:"),
    ("Park", "Lapwing Park", "Well used by dog walkers", "area:lapwing_park"),
    ("Park", "Yarrow Meadows", "Floods by the river in winter", "area:yarrow_meadows"),
    ("Park", "Cowslip Rec", "", "area:rec"),
    (
        "play area",
        "Lapwing Park play area",
        "Swings chained up, waiting for repair",
        "feature:name=Lapwing Park Playground",
    ),
    ("play area", "Meadows play area", "", "feature:name=Meadows Play Area"),
    ("Playground", "Cowslip Rec playground", "Gate does not self-close", "area:playground"),
    ("Playground", "School playground", "Open to families at weekends", "area:school"),
    (
        "GP surgery",
        "Yarrowside Medical Centre",
        "Parking is a nightmare, 8-9am",
        "feature:amenity=doctors",
    ),
    (
        "Church",
        "Moorfield Methodist Church",
        "Hosts the Tuesday lunch club",
        "feature:amenity=place_of_worship",
    ),
    (
        "Church",
        "Church hall",
        "Round the back of the Methodist church",
        "feature:amenity=place_of_worship",
    ),
    (
        "Allotments",
        "Dam Lane Allotments",
        "Waiting list of 40, contact the allotment society",
        "area:allotments",
    ),
    ("Cafe", "The Bobbin Café", "Dog friendly, water bowl outside", "feature:amenity=cafe"),
    ("Cafe", "Community centre café", "Open Mon-Fri, 9-2", "feature:amenity=community_centre"),
    ("Litter bin", "Litter bin at the bus stop", "", "feature:highway=bus_stop#1"),
    (
        "Litter bin",
        "Litter bin by the shops",
        "Always full on Saturdays",
        "feature:shop=convenience",
    ),
    ("Litter bin", "Litter bin on the path", "", "zone:C"),
    ("Litter bin", "Litter bin by the school gates", "", "zone:B"),
    ("Litter bin", "Litter bin near the rec", "", "area:rec"),
    ("Litter bin", "Litter bin, Lapwing Park", "", "area:lapwing_park"),
    (
        "Bus stop",
        "Bus stop for the 7",
        "Shelter glass smashed, reported",
        "feature:highway=bus_stop#0",
    ),
    ("Bus stop", "Bus stop on Moorfield Road", "", "feature:highway=bus_stop#4"),
    ("Bus stop", "Bus stop opposite the shops", "Timetable missing", "feature:highway=bus_stop#2"),
    ("Bus stop", "Bus stop near the rec", "", "feature:highway=bus_stop#3"),
    ("Tree", "Horse chestnut", "Conkers in autumn, kids love it", "area:yarrow_meadows"),
    ("Tree", "Cherry tree", "Lovely blossom in April", "zone:A"),
    ("Tree", "Oak on the green", "Roots lifting the pavement", "zone:A"),
    ("Tree", "Street tree", "Stake still on, needs removing", "zone:C"),
    ("Tree", "Willow by the river", "", "area:yarrow_meadows"),
    ("Tree", "Rowan", "", "zone:C"),
    ("Tree", "Lime tree", "Sticky cars underneath in summer", "zone:B"),
    ("Tree", "Big sycamore", "", "area:lapwing_park"),
    ("Tree", "Young oak", "Planted by the school, 2023", "zone:B"),
    ("Tree", "Birch", "", "zone:D"),
    ("Library", "Yarrowside Library", "Free wifi, warm space in winter", "feature:amenity=library"),
    (
        "Youth club",
        "Friday youth club",
        "Meets at the community centre, 7-9pm",
        "feature:amenity=community_centre",
    ),
    (
        "Lunch club",
        "Tuesday lunch club",
        "£3.50 a meal, over-60s, ring the church to book",
        "feature:amenity=place_of_worship",
    ),
    ("Men's shed", "Yarrowside Men's Shed", "Behind the allotments, Wednesdays", "area:allotments"),
    ("Pharmacy", "Moorfield Pharmacy", "", "feature:amenity=pharmacy"),
    (
        "Thingy by the wall",
        "Green box by the wall",
        "Not sure what it is - metal box, humming",
        "zone:A",
    ),
    ("Bench", "Bench by the war memorial", "", "zone:D"),
    ("Dog bin", "Dog bin at the rec gate", "", "area:rec"),
    ("Tree", "Memorial tree", "Planted for the Jubilee", "area:rec"),
    ("Bench", "Bench on the riverside path", "Graffiti on the back", "zone:C"),
    ("Benches", "Benches outside the community centre", "", "feature:amenity=community_centre"),
)


def build_assets(
    world: World, sk: Skeleton, locator: Locator, rng: random.Random
) -> list[list[object]]:
    """Build the walkabout spreadsheet's rows, oldest first.

    Parameters
    ----------
    world : World
        The neighbourhood's OpenStreetMap features (many assets sit beside them).
    sk : Skeleton
        The green spaces.
    locator : Locator
        Places assets beside streets in a zone.
    rng : random.Random
        Source of positions, coordinate styles, volunteers and dates.

    Returns
    -------
    list of list
        Rows in the order of :data:`ASSET_HEADER`.
    """
    dated = []
    for category, name, notes, where in _ROWS:
        point = _place(where, world, sk, locator, rng)
        added = dt.date(2024, 3, 1) + dt.timedelta(days=rng.randrange(575))
        volunteer = rng.choice(_VOLUNTEERS)
        style = "grid" if name == GRID_REF_ONLY else _style(rng)
        dated.append((added, [name, category, *_coordinates(point, style), notes, volunteer]))
    dated.sort(key=lambda d: d[0])
    return [[*row, added.strftime("%d/%m/%Y")] for added, row in dated]


def _style(rng: random.Random) -> str:
    value = rng.random()
    return "latlon" if value < 0.45 else "en" if value < 0.8 else "both"


def _coordinates(point: Point, style: str) -> list[object]:
    easting, northing = round(point[0]), round(point[1])
    lon, lat = to_lonlat(point)
    latlon: Sequence[object] = (f"{lat:.7f}", f"{lon:.7f}")
    en: Sequence[object] = (easting, northing)
    blank = ("", "")
    if style == "grid":
        return [*blank, *blank, os_grid_ref(easting, northing)]
    if style == "latlon":
        return [*latlon, *blank, ""]
    if style == "en":
        return [*blank, *en, ""]
    return [*latlon, *en, ""]


def _place(where: str, world: World, sk: Skeleton, locator: Locator, rng: random.Random) -> Point:
    kind, _, value = where.partition(":")
    if kind == "zone":
        return locator.point(rng, value or OUTSIDE, main_road=False)
    if kind == "area":
        return _inside(sk, value, rng)
    key, _, rest = value.partition("=")
    tag_value, _, number = rest.partition("#")
    matches = [f for f in world.features if f.tags.get(key) == tag_value]
    feature: Feature = matches[int(number or 0)]
    return pt(feature.point[0] + rng.uniform(-6, 6), feature.point[1] + rng.uniform(-6, 6))


def _inside(sk: Skeleton, area: str, rng: random.Random) -> Point:
    shape = sk.areas[area].buffer(-4.0)
    minx, miny, maxx, maxy = shape.bounds
    while True:
        point = pt(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if shape.contains(ShapelyPoint(point)):
            return point
