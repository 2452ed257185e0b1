"""One taxonomy for assets and one for reports, and how free text maps onto them.

Categories are short keys (``bench``, ``dog_fouling``) with a plain-English label for maps and
tables. Free text is matched in this order:

1. the synonym table (exact, after folding case, punctuation, plurals and spacing), which
   users extend in their project settings (``extra_synonyms``);
2. keywords contained in the text ("SC-Fly-Tip Defect" contains "fly tip");
3. a close spelling ("Comunity Centre");
4. otherwise ``other``; the caller lists unmatched texts so someone can extend the table.

The original text is always kept beside the key (``category_text``).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from healthy_streets._audience import option
from healthy_streets.errors import ConfigError
from healthy_streets.model.privacy import quoted
from healthy_streets.model.words import counted

log = logging.getLogger(__name__)

__all__ = [
    "ASSET_CATEGORIES",
    "OSM_ASSET_PRESETS",
    "REPORT_CATEGORIES",
    "RESPONSIBLE_TIER",
    "Taxonomy",
    "asset_taxonomy",
    "report_categories",
    "report_category",
    "report_taxonomy",
]

#: Asset categories: key -> label.
ASSET_CATEGORIES: dict[str, str] = {
    "bench": "Benches and places to rest",
    "park": "Parks and green spaces",
    "playground": "Playgrounds",
    "school": "Schools",
    "community_centre": "Community centres and halls",
    "library": "Libraries",
    "place_of_worship": "Places of worship",
    "health": "Health services",
    "shop_cafe": "Shops and cafes",
    "allotment": "Allotments",
    "sport_leisure": "Sports and leisure",
    "bin": "Dog-waste and litter bins",
    "tree": "Trees",
    "crossing": "Crossings",
    "bus_stop": "Bus stops",
    "toilets": "Public toilets",
    "community_group": "Community groups and people who help",
    "defibrillator": "Defibrillators",
    "drinking_water": "Drinking water",
    "grit_bin": "Grit bins",
    "heritage": "Heritage, art and places to visit",
    "public_service": "Public services (police, fire, council)",
    "street_service": "Post boxes, phone boxes and cash machines",
    "other": "Other",
}

#: Report categories: key -> label.
REPORT_CATEGORIES: dict[str, str] = {
    "dog_fouling": "Dog fouling",
    "litter": "Litter and street cleaning",
    "fly_tipping": "Fly-tipping",
    "speeding": "Speeding and traffic",
    "potholes": "Potholes and road surface",
    "street_lighting": "Street lighting",
    "graffiti": "Graffiti",
    "vegetation": "Overgrown vegetation",
    "abandoned_vehicle": "Abandoned vehicles",
    "noise": "Noise",
    "pests": "Pests (rats, mice, wasps)",
    "pollution": "Smoke, smells and pollution",
    "other": "Other",
}

#: Which tier of a two-tier area handles each report category. Districts collect waste and
#: keep streets clean; the county is the highway authority. Override per project.
RESPONSIBLE_TIER: dict[str, str] = {
    "dog_fouling": "district",
    "litter": "district",
    "fly_tipping": "district",
    "graffiti": "district",
    "abandoned_vehicle": "district",
    "speeding": "county",
    "potholes": "county",
    "street_lighting": "county",
    "vegetation": "county",
    "noise": "district",
    "pests": "district",
    "pollution": "district",
    "other": "district",
}

_ASSET_SYNONYMS: dict[str, tuple[str, ...]] = {
    "bench": (
        "bench",
        "seat",
        "seating",
        "picnic table",
        "picnic site",
        "picnic area",
        "perch",
        "resting place",
        "place to sit",
        "shelter",
    ),
    "park": (
        "park",
        "green space",
        "greenspace",
        "green",
        "open space",
        "recreation ground",
        "rec",
        "nature reserve",
        "garden",
        "public garden",
        "village green",
        "meadow",
        "woodland",
        # OS Open Greenspace's functions and the open-space typologies councils use
        "public park or garden",
        "public park",
        "country park",
        "cemetery",
        "amenity green space",
        "natural and semi natural green space",
        "natural green space",
        "green corridor",
        "civic space",
        "dog park",
        "common",
    ),
    "playground": (
        "playground",
        "play area",
        "play park",
        "play space",
        "childrens play area",
        "provision for children and young people",
        "swings",
    ),
    "school": (
        "school",
        "primary school",
        "secondary school",
        "academy",
        "nursery",
        "college",
        "kindergarten",
        "university",
    ),
    "community_centre": (
        "community centre",
        "community center",
        "village hall",
        "church hall",
        "hall",
        "community hall",
        "community building",
        "social centre",
        "community hub",
        "family hub",
        "hub",
        "social centre",
        "scout hut",
        "scout hall",
        "guide hut",
    ),
    "library": ("library", "community library", "mobile library", "library service point"),
    "place_of_worship": (
        "church",
        "chapel",
        "mosque",
        "temple",
        "gurdwara",
        "synagogue",
        "place of worship",
        "cathedral",
        "meeting house",
        "religious ground",
        "churchyard",
        "graveyard",
        "burial ground",
    ),
    "health": (
        "gp",
        "gp surgery",
        "surgery",
        "doctors",
        "health centre",
        "clinic",
        "pharmacy",
        "chemist",
        "dentist",
        "hospital",
        "medical centre",
        "nursing home",
        "care home",
    ),
    "shop_cafe": (
        "shop",
        "cafe",
        "café",
        "coffee shop",
        "corner shop",
        "post office",
        "newsagent",
        "pub",
        "market",
        "supermarket",
        "tea room",
        "takeaway",
        # Geofabrik's classes of shops and places to eat (gis_osm_pois fclass)
        "restaurant",
        "fast food",
        "bar",
        "biergarten",
        "food court",
        "nightclub",
        "convenience",
        "convenience store",
        "bakery",
        "butcher",
        "greengrocer",
        "beverages",
        "kiosk",
        "mall",
        "department store",
        "hairdresser",
        "beauty shop",
        "clothes",
        "shoe shop",
        "gift shop",
        "jeweller",
        "florist",
        "bookshop",
        "stationery",
        "toy shop",
        "sports shop",
        "outdoor shop",
        "bicycle shop",
        "computer shop",
        "mobile phone shop",
        "video shop",
        "furniture shop",
        "doityourself",
        "garden centre",
        "optician",
        "travel agent",
        "laundry",
        "bank",
        "car dealership",
        "marketplace",
    ),
    "allotment": (
        "allotment",
        "allotments",
        "community garden",
        "growing space",
        "allotments or community growing space",
        "community growing space",
    ),
    "sport_leisure": (
        "leisure centre",
        "sports centre",
        "sports ground",
        "playing field",
        "pitch",
        "football pitch",
        "gym",
        "swimming pool",
        "tennis court",
        "bowling green",
        "multi use games area",
        "muga",
        "skate park",
        "golf course",
        "other sports facility",
        "outdoor sports facility",
        "sports facility",
        "sports hall",
        "stadium",
        "ice rink",
        "leisure",
        "football ground",
        "cricket ground",
        "rugby ground",
        "outdoor gym",
        # clubs of a sport (OSM's club=sport), not community groups: "Football Club"
        "sports club",
        "sport club",
        "sports and social club",
        "football club",
        "cricket club",
        "bowling club",
        "bowls club",
        "rugby club",
        "tennis club",
        "golf club",
        "hockey club",
        "athletics club",
        "netball club",
    ),
    "bin": (
        "bin",
        "dog bin",
        "poo bin",
        "dog waste bin",
        "dog poo bin",
        "litter bin",
        "waste bin",
        "rubbish bin",
        "dog excrement bin",
        "waste basket",
        "litter basket",
    ),
    "tree": ("tree", "street tree", "oak", "orchard"),
    "crossing": (
        "crossing",
        "zebra crossing",
        "pelican crossing",
        "puffin crossing",
        "toucan crossing",
        "pedestrian crossing",
        "dropped kerb",
    ),
    "bus_stop": ("bus stop", "bus shelter"),
    "toilets": (
        "toilet",
        "toilets",
        "public toilet",
        "public toilets",
        "wc",
        "loo",
        "public convenience",
        "automatic public convenience",
        "community toilet",
        "community toilet scheme",
        "changing places",
        "changing places toilet",
        "accessible toilet",
        "disabled toilet",
        "radar toilet",
    ),
    "community_group": (
        "community group",
        "group",
        "club",
        "lunch club",
        "youth club",
        "mens shed",
        "mens sheds",
        "volunteer",
        "volunteers",
        "good neighbour",
        "friends of",
        "residents association",
        "walking group",
        "choir",
        "food bank",
        "foodbank",
        "toddler group",
        "luncheon club",
        "helper",
        "people who help",
        "person who helps",
        "good neighbour scheme",
    ),
    "defibrillator": (
        "defibrillator",
        "defib",
        "aed",
        "automated external defibrillator",
        "public access defibrillator",
        "community public access defibrillator",
        "cpad",
        "heartstart",
    ),
    "drinking_water": (
        "drinking water",
        "drinking fountain",
        "water fountain",
        "water refill",
        "refill station",
        "water refill station",
        "water point",
    ),
    "grit_bin": (
        "grit bin",
        "grit box",
        "gritting bin",
        "grit",
        "salt bin",
        "salt box",
        "sand bin",
        "gbin",
    ),
    "heritage": (
        "heritage",
        "museum",
        "gallery",
        "art gallery",
        "artwork",
        "public art",
        "mural",
        "sculpture",
        "statue",
        "memorial",
        "war memorial",
        "monument",
        "viewpoint",
        "tourist info",
        "tourist information",
        "attraction",
        "castle",
        "ruin",
        "archaeological",
        "archaeological site",
        "historic site",
        "wayside cross",
        "wayside shrine",
        "battlefield",
        "lighthouse",
        "windmill",
        "water mill",
        "fountain",
        "theatre",
        "cinema",
        "arts centre",
        "zoo",
        "theme park",
    ),
    "public_service": (
        "police",
        "police station",
        "fire station",
        "town hall",
        "council office",
        "civic centre",
        "courthouse",
        "public building",
        "jobcentre",
    ),
    "street_service": (
        "post box",
        "postbox",
        "letter box",
        "pillar box",
        "telephone",
        "telephone box",
        "phone box",
        "public telephone",
        "telephone kiosk",
        "phone kiosk",
        "atm",
        "cash machine",
        "cashpoint",
    ),
    "other": ("car park", "car parking", "parking", "park and ride", "garage", "vending parking"),
}

#: Keywords: a text containing a word that starts with one suggests its category
#: ("Grit bins" has "grit"); a keyword ending in a space must be a whole word ("AED
#: locations" has "aed ", "aedes" does not).
_ASSET_KEYWORDS: dict[str, tuple[str, ...]] = {
    "defibrillator": ("defib", "aed "),
    "grit_bin": ("grit", "salt bin"),
    "toilets": ("toilet", "public convenience"),
    "library": ("library",),
    "bin": ("bin",),
    "bench": ("bench", "seat"),
    "playground": ("play",),
    "crossing": ("crossing",),
    "school": ("school",),
    "community_centre": ("hall", "community centre", "community center", "hub"),
    "park": ("park", "green space", "field"),
    "allotment": ("allotment",),
    # before a club or group: "Leyland United Football Club", "Chorley Swimming Club"
    "sport_leisure": (
        "sport",
        "leisure centre",
        "swimming",
        "football club",
        "cricket club",
        "bowling club",
        "bowls club",
        "rugby club",
        "rugby union club",
        "rugby league club",
        "tennis club",
        "golf club",
        "hockey club",
        "athletic club",
        "athletics club",
        "netball club",
        "rowing club",
        "sailing club",
        "boxing club",
        "cycling club",
        "running club",
        "badminton club",
        "squash club",
        "fc ",
        "afc ",
        "rfc ",
        "rufc ",
        "rlfc ",
    ),
    "community_group": ("club", "group", "shed", "volunteer"),
    "health": ("surgery", "pharmacy", "health", "doctor", "gp "),
    "bus_stop": ("bus",),
    "tree": ("tree",),
    "place_of_worship": ("church", "chapel", "mosque"),
    "shop_cafe": ("shop", "cafe", "café", "restaurant"),
}

#: Phrases that stop a keyword from counting: a car park is not a park.
_ASSET_EXCLUSIONS: dict[str, tuple[str, ...]] = {
    "park": ("car park", "park and ride", "parking"),
    "shop_cafe": ("parking",),
}

_REPORT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "dog_fouling": (
        "dog fouling",
        "dog mess",
        "dog poo",
        "dog waste",
        "dog excrement",
        "dog foul",
        "fouling",
    ),
    "litter": (
        "litter",
        "street cleaning",
        "street cleansing",
        "rubbish",
        "overflowing bin",
        "bins",
        "litter bin",
        "sweeping",
        "broken glass",
        "needles",
        "syringes",
        "accumulation",
        "refuse",
    ),
    "fly_tipping": (
        "flytipping",
        "fly tipping",
        "fly tip",
        "flytip",
        "dumped rubbish",
        "illegal dumping",
    ),
    "speeding": (
        "speeding",
        "speed",
        "traffic",
        "road safety",
        "dangerous driving",
        "speeding traffic",
        "traffic calming",
    ),
    "potholes": (
        "pothole",
        "potholes",
        "road surface",
        "pavement",
        "pavements",
        "footway",
        "road defect",
        "carriageway",
        "kerb",
        "drain",
        "drainage",
        "flooding",
    ),
    "street_lighting": (
        "street lighting",
        "street light",
        "street lights",
        "lighting",
        "lamp",
        "lamp post",
        "streetlight",
    ),
    "graffiti": ("graffiti", "vandalism", "fly posting", "flyposting"),
    "vegetation": (
        "overgrown vegetation",
        "vegetation",
        "overgrown",
        "hedges",
        "hedge",
        "trees",
        "tree",
        "weeds",
        "grass cutting",
        "grass verge",
    ),
    "abandoned_vehicle": (
        "abandoned vehicle",
        "abandoned vehicles",
        "abandoned car",
        "untaxed vehicle",
        "abandoned",
    ),
    "noise": ("noise", "noise complaint", "noise nuisance", "loud music", "barking dog", "alarm"),
    "pests": (
        "pest",
        "pest control",
        "rat",
        "rat complaint",
        "rodent",
        "mice",
        "mouse",
        "wasp",
        "wasps nest",
        "cockroach",
        "bed bug",
    ),
    "pollution": (
        "pollution",
        "smoke",
        "bonfire",
        "odour",
        "odour fume",
        "smell",
        "fume",
        "air quality",
        "light pollution",
        "dust",
    ),
}
# Bins that are full or broken are street cleaning, whatever goes in them.
_REPORT_SYNONYMS["litter"] += (
    "dog bin",
    "dog bin full",
    "overflowing dog bin",
    "dog waste bin",
    "full dog bin",
    "broken dog bin",
)

_REPORT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "dog_fouling": ("dog", "fouling"),
    "fly_tipping": ("fly tip", "flytip", "tipping", "tipped"),
    "litter": ("litter", "clean", "rubbish", "bin"),
    "speeding": ("speed", "traffic"),
    "potholes": ("pothole", "surface", "pavement", "road", "drain"),
    "street_lighting": ("light", "lamp"),
    "graffiti": ("graffiti",),
    "vegetation": ("vegetation", "overgrown", "hedge", "tree", "weed", "grass"),
    "abandoned_vehicle": ("abandoned", "vehicle"),
    "noise": ("noise", "noisy", "barking"),
    "pests": ("rat", "rodent", "pest", "mice", "wasp"),
    "pollution": ("pollution", "smoke", "bonfire", "odour", "smell", "fume"),
}

# A traffic-signal fault is neither street lighting nor speeding, a missing or wrong road
# sign is neither speeding nor the road's surface, and parking (on the pavement or not) is
# not speeding: they stay unmatched, listed in the import's notes for a project to place
# (--synonym "Car parking=speeding" where a council wants it counted so), and out of the
# speeding counts a 20mph evaluation rests on.
_SIGNS = ("traffic sign", "road sign", "street sign")
_REPORT_EXCLUSIONS: dict[str, tuple[str, ...]] = {
    "dog_fouling": ("dog bin", "dog waste bin", "dog poo bin", "dog barking"),
    "speeding": ("traffic light", "traffic signal", *_SIGNS),
    "potholes": (*_SIGNS, "parking"),  # pavement parking is not the pavement's surface
    "street_lighting": ("traffic light", "traffic signal"),
    "noise": ("excluding", "non noise"),
    "pollution": ("excluding",),
}

#: OpenStreetMap tags that make an element a community asset: ((key, value, extra), category),
#: checked in order. ``extra`` is an additional (key, value) the element must also carry.
OSM_ASSET_PRESETS: tuple[tuple[str, str, tuple[str, str] | None, str], ...] = (
    ("amenity", "waste_basket", ("waste", "dog_excrement"), "bin"),
    ("amenity", "waste_basket", None, "bin"),
    ("amenity", "bench", None, "bench"),
    ("leisure", "picnic_table", None, "bench"),
    ("leisure", "park", None, "park"),
    ("leisure", "garden", None, "park"),
    ("leisure", "nature_reserve", None, "park"),
    ("landuse", "village_green", None, "park"),
    ("leisure", "playground", None, "playground"),
    ("amenity", "school", None, "school"),
    ("amenity", "kindergarten", None, "school"),
    ("amenity", "college", None, "school"),
    ("amenity", "community_centre", None, "community_centre"),
    ("amenity", "social_centre", None, "community_centre"),
    ("amenity", "library", None, "library"),
    ("amenity", "place_of_worship", None, "place_of_worship"),
    ("amenity", "doctors", None, "health"),
    ("amenity", "pharmacy", None, "health"),
    ("amenity", "dentist", None, "health"),
    ("amenity", "clinic", None, "health"),
    ("healthcare", "*", None, "health"),
    ("amenity", "cafe", None, "shop_cafe"),
    ("amenity", "pub", None, "shop_cafe"),
    ("amenity", "post_office", None, "shop_cafe"),
    ("shop", "*", None, "shop_cafe"),
    ("landuse", "allotments", None, "allotment"),
    ("leisure", "sports_centre", None, "sport_leisure"),
    ("leisure", "pitch", None, "sport_leisure"),
    ("leisure", "fitness_centre", None, "sport_leisure"),
    ("leisure", "swimming_pool", None, "sport_leisure"),
    ("club", "sport", None, "sport_leisure"),
    ("leisure", "sports_club", None, "sport_leisure"),
    ("natural", "tree", None, "tree"),
    ("highway", "crossing", None, "crossing"),
    ("highway", "bus_stop", None, "bus_stop"),
    ("amenity", "shelter", ("shelter_type", "public_transport"), "bus_stop"),
    ("amenity", "shelter", None, "bench"),
    ("amenity", "toilets", None, "toilets"),
    ("emergency", "defibrillator", None, "defibrillator"),
    ("amenity", "drinking_water", None, "drinking_water"),
    ("amenity", "grit_bin", None, "grit_bin"),
)


#: Texts a taxonomy remembers the match of, as written (beyond them, each is folded again).
_TEXTS_REMEMBERED = 100_000


def fold(text: object) -> str:
    """Fold free text for matching: lower case, letters and digits only, singular words.

    >>> fold("  Dog-Waste BINS! ")
    'dog waste bin'
    """
    if text is None:
        return ""
    value = str(text).lower().replace("&", " and ").replace("'", "").replace("’", "")
    words = re.sub(r"[^0-9a-zé]+", " ", value).split()
    return " ".join(_singular(w) for w in words)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _keyword(word: str) -> str:
    """A keyword folded, its trailing space (a whole word only) kept.

    >>> _keyword("AED "), _keyword("Defib")
    ('aed ', 'defib')
    """
    return fold(word) + (" " if word.endswith(" ") else "")


@dataclass(frozen=True)
class Match:
    """The category free text maps to and how it was matched."""

    category: str
    how: str  # "synonym", "keyword", "spelling" or "unmatched"


class Taxonomy:
    """A set of categories with the synonyms and keywords that lead to them.

    Parameters
    ----------
    labels
        Category key -> plain-English label. Must include ``"other"``.
    synonyms
        Category key -> texts that mean it.
    keywords
        Category key -> words whose presence suggests it (checked in order).
    extra_synonyms
        Further text -> category key pairs (a project's own vocabulary); these win. Keys
        are read in any case, with spaces for underscores ("Dog fouling" is
        ``dog_fouling``).
    exclusions
        Category key -> phrases whose presence stops that category's keywords counting.
    """

    def __init__(
        self,
        labels: Mapping[str, str],
        synonyms: Mapping[str, tuple[str, ...]],
        keywords: Mapping[str, tuple[str, ...]],
        extra_synonyms: Mapping[str, str] | None = None,
        exclusions: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.labels = dict(labels)
        self._keywords = {k: tuple(map(_keyword, ws)) for k, ws in keywords.items()}
        self._exclusions = {k: tuple(fold(w) for w in ws) for k, ws in (exclusions or {}).items()}
        table: dict[str, str] = {}
        for key, texts in synonyms.items():
            for text in (key.replace("_", " "), *texts):
                table.setdefault(fold(text), key)
        for key in self.labels:
            table.setdefault(fold(self.labels[key]), key)
        for text, given in (extra_synonyms or {}).items():
            key = self.key(given)
            if key not in self.labels:
                known = ", ".join(sorted(self.labels))
                raise ConfigError(
                    f"The synonym {text!r} points to the category {given!r}, which does not "
                    f"exist. Use one of: {known}."
                )
            table[fold(text)] = key
        self._table = table
        self._matched: dict[str, Match] = {}
        self._by_text: dict[str, Match] = {}

    def match(self, text: object) -> Match:
        """Map free text to a category, saying how."""
        if isinstance(text, str) and text in self._by_text:  # a file repeats its texts
            return self._by_text[text]
        found = self._match_folded(fold(text))
        if isinstance(text, str) and len(self._by_text) < _TEXTS_REMEMBERED:
            self._by_text[text] = found
        return found

    def _match_folded(self, folded: str) -> Match:
        if not folded:
            return Match("other", "unmatched")
        if folded not in self._matched:  # a file repeats its categories many times over
            self._matched[folded] = self._match(folded)
        return self._matched[folded]

    def _match(self, folded: str) -> Match:
        if folded in self._table:
            return Match(self._table[folded], "synonym")
        padded = f" {folded} "
        for key, words in self._keywords.items():
            if any(f" {w} " in padded for w in self._exclusions.get(key, ())):
                continue
            if any(f" {w}" in padded for w in words if w):
                return Match(key, "keyword")
        close = difflib.get_close_matches(folded, list(self._table), n=1, cutoff=0.85)
        if close:
            return Match(self._table[close[0]], "spelling")
        return Match("other", "unmatched")

    def key(self, text: str) -> str:
        """A category key as a user may write it: ``"Dog fouling"`` -> ``dog_fouling``."""
        candidate = "_".join(str(text).strip().lower().replace("-", " ").split())
        if candidate in self.labels:
            return candidate
        for key, label in self.labels.items():
            if fold(label) == fold(text):
                return key
        return candidate

    def resolve(self, text: object, *, what: str = "category") -> str:
        """The category key a user means by ``text``: a key (``dog_fouling``), a label
        (``"Dog fouling"``), a synonym (``"dog mess"``, or the project's own words) or a
        close spelling of one, in any case.

        Parameters
        ----------
        text
            As the user wrote it.
        what
            What is chosen, for the message ("report category").

        Raises
        ------
        ConfigError
            When ``text`` means no category (a keyword inside a longer text is not enough),
            listing the keys and the closest ones.
        """
        key = self.key(str(text))
        if key in self.labels:
            return key
        match = self.match(text)
        if match.how in ("synonym", "spelling") and match.category != "other":
            return match.category
        close = difflib.get_close_matches(fold(text), list(self._table), n=3, cutoff=0.6)
        guesses = list(dict.fromkeys(self._table[c] for c in close))
        hint = f" Did you mean {' or '.join(guesses)}?" if guesses else ""
        raise ConfigError(
            f"{text!r} is not a {what}.{hint} Use a key, its label or a word for it: "
            f"{', '.join(self.labels)} ({option('categories_listed')})."
        )

    def categorise(self, text: object) -> str:
        """The category key for free text (``other`` when nothing matches)."""
        return self.match(text).category

    def label(self, key: str) -> str:
        """The plain-English label of a category key."""
        return self.labels.get(key, key)


def asset_taxonomy(extra_synonyms: Mapping[str, str] | None = None) -> Taxonomy:
    """The asset taxonomy, optionally extended with a project's own synonyms."""
    return Taxonomy(
        ASSET_CATEGORIES, _ASSET_SYNONYMS, _ASSET_KEYWORDS, extra_synonyms, _ASSET_EXCLUSIONS
    )


def report_taxonomy(extra_synonyms: Mapping[str, str] | None = None) -> Taxonomy:
    """The report taxonomy, optionally extended with a project's own synonyms."""
    return Taxonomy(
        REPORT_CATEGORIES, _REPORT_SYNONYMS, _REPORT_KEYWORDS, extra_synonyms, _REPORT_EXCLUSIONS
    )


def report_category(text: object, *, synonyms: Mapping[str, str] | None = None) -> str:
    """The report category key ``text`` means: a key, a label or a synonym, in any case, or
    a category text of a report file that the importer reads by a keyword in it.

    The command line's ``--category`` and every function's ``category=`` read it so.

    Parameters
    ----------
    text
        ``"dog_fouling"``, ``"Dog fouling"``, ``"dog mess"``, ``"SC-Fly-Tip Defect"``...
    synonyms
        A project's own words: text -> category key.

    Returns
    -------
    str
        The category's key (``docs/taxonomy.md`` lists them). A text read by a keyword in
        it, as the importer reads a report's category, logs a warning naming the key it
        became.

    Raises
    ------
    ConfigError
        When ``text`` means no report category.

    Examples
    --------
    >>> report_category("Dog mess"), report_category("Fly Tipping")
    ('dog_fouling', 'fly_tipping')
    >>> report_category("SC-Fly-Tip Defect")  # a council's own text, as its reports have it
    'fly_tipping'
    """
    taxonomy = report_taxonomy(synonyms)
    try:
        return taxonomy.resolve(text, what="report category")
    except ConfigError:
        match = taxonomy.match(text)
        if match.how != "keyword" or match.category == "other":
            raise
    log.warning(
        "The report category %r is read as %s (%s), by a keyword in it, as reports with "
        "that category are imported.",
        str(text),
        match.category,
        taxonomy.label(match.category),
    )
    return match.category


def report_categories(
    value: str | Iterable[str], *, synonyms: Mapping[str, str] | None = None
) -> str | list[str]:
    """:func:`report_category` for one text, or for each of several (a list back)."""
    if isinstance(value, str):
        return report_category(value, synonyms=synonyms)
    return [report_category(v, synonyms=synonyms) for v in value]


def markdown() -> str:
    """The taxonomy reference as Markdown (the text of ``docs/taxonomy.md``)."""
    lines = [
        "# Categories: the asset and report taxonomies",
        "",
        "Generated from `healthy_streets/model/taxonomy.py` by `make docs`; do not edit by hand.",
        "",
        "Free text is matched by the synonyms below (ignoring case, punctuation, plurals and",
        "spacing), then by keywords, then by close spelling; what matches nothing becomes",
        "`other` and is listed by the import. A project adds its own synonyms (text -> key).",
        'A keyword counts when a word of the text starts with it (`grit` in "Gritted path',
        'box"), or is that word when marked *(word)* (`aed` in "chorley_aed_list" and "AED',
        'locations"); the categories are tried in the order listed under each table, and the',
        'first with a keyword in the text decides ("School crossing" is a crossing). A category\'s',
        "keywords do not count in a text holding one of its *not* phrases (a car park is not a",
        "park; a traffic light is neither street lighting nor speeding, so it stays unmatched and",
        "is listed for the project to place).",
        "The synonyms cover OS Open Greenspace's functions (`Public Park Or Garden`, `Play",
        "Space`...), the classes of Geofabrik's OpenStreetMap extracts (`fclass`: `bench`,",
        "`waste_basket`, `drinking_water`...) and the words council open data uses.",
        "",
        "## Assets",
        "",
        "| key | label | synonyms | keywords |",
        "|---|---|---|---|",
    ]
    for key, label in ASSET_CATEGORIES.items():
        words = ", ".join(_ASSET_SYNONYMS.get(key, ()))
        lines.append(f"| `{key}` | {label} | {words} | {_keywords_cell(key, asset=True)} |")
    lines += [
        "",
        _keyword_order(_ASSET_KEYWORDS),
        "",
        "## OpenStreetMap tags",
        "",
        "Checked in this order; the first that matches decides.",
        "",
        "| tag | also needs | asset category |",
        "|---|---|---|",
    ]
    for key, value, extra, category in OSM_ASSET_PRESETS:
        also = f"`{extra[0]}={extra[1]}`" if extra else ""
        lines.append(f"| `{key}={value}` | {also} | `{category}` |")
    lines += [
        "",
        "## Reports",
        "",
        "`responsible tier` is which tier of a two-tier area handles the category (districts",
        "clean streets and collect waste; the county is the highway authority); a project can",
        "override it.",
        "",
        "| key | label | responsible tier | synonyms | keywords |",
        "|---|---|---|---|---|",
    ]
    for key, label in REPORT_CATEGORIES.items():
        words = ", ".join(_REPORT_SYNONYMS.get(key, ()))
        tier = RESPONSIBLE_TIER[key]
        lines.append(f"| `{key}` | {label} | {tier} | {words} | {_keywords_cell(key)} |")
    lines += ["", _keyword_order(_REPORT_KEYWORDS)]
    return "\n".join(lines) + "\n"


def _keyword_order(keywords: Mapping[str, tuple[str, ...]]) -> str:
    """The order in which the categories' keywords are tried, as :meth:`Taxonomy.match`
    tries them, as a sentence for the reference."""
    return "Keywords are tried in this order: " + ", ".join(f"`{key}`" for key in keywords) + "."


def _keywords_cell(key: str, *, asset: bool = False) -> str:
    """A category's keywords for the reference ("`aed` *(word)*"), then its *not* phrases."""
    keywords = (_ASSET_KEYWORDS if asset else _REPORT_KEYWORDS).get(key, ())
    exclusions = (_ASSET_EXCLUSIONS if asset else _REPORT_EXCLUSIONS).get(key, ())
    cell = ", ".join(f"`{w.strip()}` *(word)*" if w.endswith(" ") else f"`{w}`" for w in keywords)
    if exclusions:
        cell += f"; *not* {', '.join(exclusions)}"
    return cell


def match_notes(
    texts: Iterable[object],
    taxonomy: Taxonomy,
    *,
    what: str,
    times: Iterable[int] | None = None,
) -> list[str]:
    """Notes for an import: texts that matched nothing (now ``other``), and texts matched
    only by a keyword or a close spelling (worth a look), each with its count.

    Parameters
    ----------
    texts
        The category texts as written.
    taxonomy
        The taxonomy they were matched with.
    what
        "asset" or "report", for the wording and the fix: where the caller adds its own
        words for the texts (a project's ``[taxonomy.assets]``, the command line's
        ``--synonym``, the reader's ``taxonomy=`` in Python; see
        :func:`healthy_streets._audience.option`).
    times
        How many rows wrote each of ``texts`` (default one each): a file's distinct texts
        with their counts give the notes of all its rows.
    """
    counts: Counter[str] = Counter()
    written = ((t, 1) for t in texts) if times is None else zip(texts, times, strict=True)
    for t, n in written:
        if t is not None and t == t and str(t).strip():
            counts[str(t)] += n
    unmatched: list[tuple[str, int]] = []
    guessed: list[tuple[str, str, int]] = []
    for text, n in counts.most_common():
        match = taxonomy.match(text)
        if match.how == "unmatched":
            unmatched.append((text, n))
        elif match.how in ("keyword", "spelling"):
            guessed.append((text, taxonomy.label(match.category), n))
    notes = []
    if unmatched:
        listed = ", ".join(f"{quoted(t)} ({n})" for t, n in unmatched[:12])
        total = sum(n for _, n in unmatched)
        notes.append(
            f"{total} {what} {_plural(total, 'category')} matched nothing and became "
            f"'Other': {listed}. Give each its category with "
            f"{option(f'{what}_synonyms', 'CATEGORY', role='TEXT')}."
        )
    if guessed:
        listed = ", ".join(f"{quoted(t)} -> {label} ({n})" for t, label, n in guessed[:12])
        total = sum(n for *_, n in guessed)
        notes.append(
            f"{total} {what} {_plural(total, 'category')} were placed by a keyword or "
            f"a close spelling; check them: {listed}."
        )
    return notes


def _plural(n: int, word: str) -> str:
    return counted(n, word).split(" ", 1)[1]
