"""The toolkit's errors: one hierarchy, messages as full sentences.

Every error the toolkit raises on purpose derives from :class:`HealthyStreetsError`, and
also from the builtin that best describes it, so that callers who do not know this module
can still catch ``ValueError`` or ``FileExistsError``. A message names the file, the row or
field and the value where there is one, and says what to do about it, naming each setting
as the caller writes it (:func:`healthy_streets._audience.option`: ``crs=`` in Python,
``--crs`` on the command line, ``[zones] crs`` in a project file); the command line prints
it as one line and exits with status 1.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from healthy_streets._audience import option


class HealthyStreetsError(Exception):
    """Root of every error the toolkit raises on purpose."""


class InputFileError(HealthyStreetsError, ValueError):
    """An input file cannot be read or makes no sense.

    Parameters
    ----------
    path
        The file at fault.
    problem
        What is wrong, as a sentence.
    row
        The row at fault (as a spreadsheet numbers it: the header is row 1), if any.
    field
        The column or property at fault, if any.
    fix
        What the user can do about it, as a sentence.
    """

    def __init__(
        self,
        path: str | PathLike[str],
        problem: str,
        *,
        row: int | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.row = row
        self.field = field
        self.fix = fix
        where = [self.path]
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        message = f"{', '.join(where)}: {_sentence(problem)}"
        if fix:
            message += f" {_sentence(fix)}"
        super().__init__(message)


class MissingCRSError(InputFileError):
    """A spatial file declares no coordinate reference system and none was named."""


class OutputExistsError(HealthyStreetsError, FileExistsError):
    """An output file exists and overwriting was not allowed."""

    def __init__(self, path: str | PathLike[str]) -> None:
        self.path = str(path)
        super().__init__(
            f"{self.path} already exists. Choose another output, or replace it with "
            f"{option('overwrite')}."
        )


class OutputIsInputError(HealthyStreetsError, ValueError):
    """An output path is one of the inputs; writing it would destroy the data."""

    def __init__(self, path: str | PathLike[str]) -> None:
        self.path = str(path)
        super().__init__(
            f"{self.path} is one of the inputs; refusing to write an output over it. "
            "Choose another output path."
        )


class OutputLinkError(HealthyStreetsError, ValueError):
    """A folder inside the output folder is a link to a place outside it: writing through
    it would replace files elsewhere, so nothing is written."""

    def __init__(self, link: str | PathLike[str], folder: str | PathLike[str]) -> None:
        self.path = str(link)
        try:
            target = str(Path(link).resolve())
        except (OSError, RuntimeError):
            target = "a place that cannot be found"
        super().__init__(
            f"{self.path} is a link to {target}, outside the output folder {folder}: the "
            "toolkit writes only inside the output folder, and nothing was written. Remove the "
            f"link (the folder is made again), or choose another output folder with "
            f"{option('output')}."
        )


class ForeignLayerError(OutputExistsError):
    """A store holds a layer or table of a name the toolkit writes, which the toolkit did not
    write (or whose columns are not the toolkit's): it is never replaced unasked.

    Parameters
    ----------
    path
        The store (a GeoPackage, or a PostGIS URL without its password).
    found
        Each such layer's name -> what is wrong with it, as a phrase.
    """

    def __init__(self, path: str | PathLike[str], found: dict[str, str]) -> None:
        self.path = str(path)
        self.found = dict(found)
        what = "; ".join(f"{name!r} ({why})" for name, why in self.found.items())
        kind = "a layer" if len(self.found) == 1 else f"{len(self.found)} layers"
        it = "it" if len(self.found) == 1 else "them"
        super(OutputExistsError, self).__init__(
            f"{self.path} holds {kind} that healthy-streets did not write: {what}. The toolkit "
            f"never replaces such a layer unasked: replace {it} with {option('overwrite')}, or "
            "choose another store."
        )


class StoreError(HealthyStreetsError, OSError):
    """The project store could not be read or updated (a full disk, a database that cannot
    be reached); nothing in it was changed."""


class OutputWriteError(HealthyStreetsError, OSError):
    """A build's outputs could not be written (a full disk, a folder not writable); nothing
    was changed."""


class BuildLockedError(HealthyStreetsError, BlockingIOError):
    """Another build is writing into the same output folder."""


class BuildInterrupted(KeyboardInterrupt):
    """A build was interrupted (Ctrl-C, SIGTERM); the message says what was changed.

    Attributes
    ----------
    changed
        Whether the new outputs and store were already in place when it stopped.
    """

    def __init__(self, *, changed: bool) -> None:
        self.changed = changed
        if changed:
            message = (
                "Interrupted as the build finished: its new maps, tables and store were "
                "already all in place."
            )
        else:
            message = (
                "Interrupted: no map, table or store was changed; the earlier ones are as "
                "they were."
            )
        super().__init__(message)


class PrintError(HealthyStreetsError, RuntimeError):
    """Maps could not be printed to PDF: the ``pdf`` extra or Chromium is missing, or the
    browser failed."""


class NetworkUnavailableError(HealthyStreetsError, ConnectionError):
    """An online source (Overpass, Nominatim) could not be reached."""


class ConfigError(HealthyStreetsError, ValueError):
    """A setting or an argument has a value the toolkit cannot use."""


class ProjectFileError(HealthyStreetsError, ValueError):
    """A project's ``healthy-streets.toml`` has problems (all of them are listed)."""


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text
