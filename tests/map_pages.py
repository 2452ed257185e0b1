"""Reading a meeting map's page as data: the layers its script draws, as the page holds them."""

from __future__ import annotations

import json
import re


def page_data(page: str, call: str) -> list:
    """The first argument of every ``HS.<call>(...)`` in the page's script, as JSON."""
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(re.escape(f"HS.{call}("), page):
        value, _ = decoder.raw_decode(page, match.end())
        found.append(value)
    return found


def positions(value) -> list[tuple[float, float]]:
    """Every (longitude, latitude) in GeoJSON coordinates, however nested."""
    if value and isinstance(value[0], float | int):
        return [(float(value[0]), float(value[1]))]
    return [p for part in value for p in positions(part)]


def drawn(page: str) -> dict[str, list]:
    """Each GeoJSON layer of the page by its key: its features."""
    layers = {}
    for match in re.finditer(r"HS\.geoJsonLayer\(", page):
        data, end = json.JSONDecoder().raw_decode(page, match.end())
        key = re.compile(r'HS\.register\("(\w+)"').search(page, end).group(1)
        layers[key] = data["features"]
    return layers
