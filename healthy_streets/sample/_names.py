"""Invented street names and people's names for the sample neighbourhood."""

from __future__ import annotations

import random

__all__ = ["PersonNames", "StreetNames"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Words for estate street names: trees, wild flowers, birds, the cotton trade and the
# West Pennine landscape. Names already used by the main roads and parks are left out.
_STREET_WORDS = _words(
    "Alder Ash Aspen Beech Birch Blackthorn Cedar Cherry Chestnut Elder Elm Hawthorn Hazel "
    "Holly Hornbeam Juniper Larch Lime Maple Oak Poplar Rowan Sycamore Willow Yew Whitebeam "
    "Bramble Bluebell Buttercup Campion Celandine Clover Foxglove Harebell Heather "
    "Honeysuckle Lavender Marigold Meadowsweet Primrose Sorrel Speedwell Teasel Thistle "
    "Bracken Fern Gorse Sedge Thrift Tansy Vetch Bunting Chaffinch Curlew Dipper Dunnock "
    "Fieldfare Goldcrest Heron Kingfisher Linnet Merlin Nuthatch Plover Redstart Redwing "
    "Siskin Skylark Snipe Starling Swallow Swift Thrush Wagtail Warbler Waxwing Wren Bobbin "
    "Carder Cotton Loom Shuttle Spinner Weaver Tanner Quarry Brickfield Forge Cooper Dyer "
    "Fuller Mason Ropewalk Canal Wharf Pennine Rivington Anglezarke Healey Brinscall "
    "Wheelton Heapey Withnell Heskin Charnock Abbey Beacon Brook Clough Dale Dean Fell Ford "
    "Glen Holme Knoll Marsh Meadow Moss Nook Orchard Ridge Spring Vale Well Heys Lodge Mill "
    "Badger Otter Hare Orchid Sandstone Flag"
)

_ROW_SUFFIXES = ("Road", "Avenue", "Drive", "Street", "Crescent", "Way", "Lane", "Grove")
_LINK_SUFFIXES = ("Street", "Grove", "Walk", "Terrace", "Road", "Avenue", "Brow")
_CLOSE_SUFFIXES = ("Close", "Fold", "Croft", "Mews", "Gardens", "Court", "Place")

_FIRST_NAMES = _words(
    "Alan Alison Amira Andrew Angela Anne Barbara Ben Beverley Brian Carl Carol Chloe Chris "
    "Claire Colin Dan Darren David Dawn Debbie Denise Dennis Diane Donna Elaine Emma Gary "
    "Gemma Geoff Gillian Graham Hannah Helen Ian Imran Jack Jackie Jane Janet Jason Jean "
    "Jenny Joanne John Julie Karen Kath Keith Kelly Kevin Kim Lee Leanne Linda Lisa "
    "Lorraine Mark Martin Mandy Michelle Mike Nadia Neil Nicola Paul Pauline Pete Rachel "
    "Ray Rob Ruth Sam Sarah Sharon Shaun Sophie Stephen Steve Stuart Sue Tariq Tom Tony "
    "Tracey Vicky Wendy"
)

_SURNAMES = _words(
    "Ainscough Ashcroft Aspinall Bamber Banks Barton Baxendale Berry Birchall Bolton Booth "
    "Bradley Brindle Brown Catterall Clarke Clayton Clegg Cottam Cowell Crook Dewhurst "
    "Dickinson Eccles Entwistle Farrington Fazackerley Fisher Gornall Hargreaves Harrison "
    "Heaton Hesketh Hilton Hodgkinson Holden Howarth Hughes Hussain Iddon Jackson Kay "
    "Kenyon Leach Lomax Marsden Mason Miller Moss Nightingale Parkinson Patel Pilkington "
    "Rawcliffe Riley Rimmer Robinson Sharples Shaw Singleton Smith Southworth Taylor "
    "Tomlinson Turner Walmsley Whittle Wilding Wilson Woodcock Worden Wright"
)


class StreetNames:
    """Hand out unique street names, reusing a word with a different ending now and then.

    Parameters
    ----------
    rng : random.Random
        Source of the order in which words are used.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._words = list(_STREET_WORDS)
        rng.shuffle(self._words)
        self._used: set[str] = set()
        self._next = 0

    def _take(self, word: str, suffixes: tuple[str, ...]) -> str | None:
        for suffix in self._rng.sample(suffixes, len(suffixes)):
            name = f"{word} {suffix}"
            if name not in self._used:
                self._used.add(name)
                return name
        return None

    def _fresh_word(self) -> str:
        word = self._words[self._next % len(self._words)]
        self._next += 1
        return word

    def row(self) -> str:
        """Return a name for a long estate street (Road, Avenue, Drive...)."""
        return self._new(_ROW_SUFFIXES)

    def link(self) -> str:
        """Return a name for a short street joining two others (Street, Grove, Walk...)."""
        return self._new(_LINK_SUFFIXES)

    def close(self, near: str = "") -> str:
        """Return a name for a cul-de-sac, often borrowing the word of the street it leaves.

        Parameters
        ----------
        near : str
            The name of the street the cul-de-sac branches from.
        """
        if near and self._rng.random() < 0.5:
            name = self._take(near.split()[0], _CLOSE_SUFFIXES)
            if name:
                return name
        return self._new(_CLOSE_SUFFIXES)

    def _new(self, suffixes: tuple[str, ...]) -> str:
        while True:
            name = self._take(self._fresh_word(), suffixes)
            if name:
                return name


class PersonNames:
    """Invented, real-looking people's names (the kind of personal data the toolkit hides).

    Parameters
    ----------
    rng : random.Random
        Source of the combinations.
    count : int
        How many different people to invent.
    """

    def __init__(self, rng: random.Random, count: int) -> None:
        names: list[str] = []
        while len(names) < count:
            name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES)}"
            if name not in names:
                names.append(name)
        self.names = names
