"""Global settings, read at call time (as in osmnx).

Change them for a session by assigning to the module attribute::

    import healthy_streets as hs
    hs.settings.nation = "wales"
    hs.settings.street_buffer_m = 500

Every function that uses a setting also takes it as a keyword argument, which wins.

Attributes
----------
working_crs : str
    The projected CRS every normalised layer is held in. British National Grid for
    Great Britain (the default); outside Great Britain and Northern Ireland, a projected
    CRS of the area (its UTM zone, say). Lengths and areas are measured in it. The
    environment variable ``HEALTHY_STREETS_WORKING_CRS`` sets it for the command line.
map_crs : str
    The CRS maps are drawn in (Leaflet's longitude/latitude).
nation : str
    The UK nation whose rules apply to ``GB:nsl_restricted`` (restricted roads): 30 mph
    in ``"england"``, ``"scotland"`` and ``"northern_ireland"``; 20 mph in ``"wales"``
    from 17 September 2023.
street_buffer_m : float
    How far beyond the zones the street network reaches, in metres.
attach_distance_m : float
    Reports and point assets further than this from every street are not attached to a
    street (they keep their zone).
osm_cache_folder : str
    Where osmnx caches Overpass and Nominatim answers (the online street network).
    Relative paths are resolved against the current directory.
requests_timeout : float
    Seconds of silence before an online request is given up: Nominatim's, and Open311's
    (``reports --open311``).
overpass_timeout : float
    Seconds Overpass is given to run a query for the street network or assets (the query's
    ``[timeout:...]``; Overpass's own default is 180), and the seconds of silence before
    its answer is given up. Its whole answer must come within two minutes more.
overpass_url, nominatim_url : str
    The online services used for the street network by place name, bounding box or polygon.
map_workers : int or None
    How many processes draw a build's maps (:func:`healthy_streets.maps.batch.save_maps`).
    ``None``: the environment variable ``HEALTHY_STREETS_MAP_WORKERS`` if set, else one per
    core (``os.cpu_count()``). 1 draws them one after another in the build's own process.
chromium : str or None
    The Chromium (or Chrome) that prints maps to PDF (``build --pdf``). ``None``: the
    environment variable ``HEALTHY_STREETS_CHROMIUM``, else ``chromium``,
    ``chromium-browser`` or ``google-chrome`` on the PATH. No browser is ever downloaded.
"""

from __future__ import annotations

import os

working_crs: str = os.environ.get("HEALTHY_STREETS_WORKING_CRS", "").strip() or "EPSG:27700"
map_crs: str = "EPSG:4326"
nation: str = "england"
street_buffer_m: float = 300.0
attach_distance_m: float = 50.0
osm_cache_folder: str = "cache/osm"
requests_timeout: float = 20.0
overpass_timeout: float = 180.0
overpass_url: str = "https://overpass-api.de/api"
nominatim_url: str = "https://nominatim.openstreetmap.org/"
chromium: str | None = None
map_workers: int | None = None
