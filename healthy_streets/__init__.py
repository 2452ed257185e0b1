"""healthy_streets: 20mph zones, streets, community assets and resident reports, mapped offline."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("healthy-streets")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"
