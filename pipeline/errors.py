"""The one exception tree of diplokg.

::

    DiplokgError                    base; every error the library raises
    ├── UsageError                  bad command-line or configuration (CLI exit 2)
    ├── InputError                  bad user data (CLI exit 1); carries file/line/column
    │   ├── ArticleError            article text missing, empty, not UTF-8, no body
    │   ├── FactsError              facts file: YAML syntax, schema, references, evidence, dates
    │   └── QueryError              SPARQL syntax or evaluation error
    ├── ValidationFailed            SHACL violations (the report is attached)
    ├── LinkError                   Wikidata linking / cache problems
    │   └── WikidataAPIError        network, HTTP or API-level error from Wikidata
    ├── StoreError                  loading into an external triple store failed
    └── DatasetError                published dataset missing or corrupt

Library code raises these; only the CLI turns them into messages and exit codes.
Messages say what was found, what was expected and where.
"""

from __future__ import annotations

from pathlib import Path


class DiplokgError(Exception):
    """Base class of every diplokg error."""

    exit_code = 1


class UsageError(DiplokgError):
    """Bad command-line usage or configuration."""

    exit_code = 2


class InputError(DiplokgError):
    """A problem with user-supplied data, located in a file.

    Args:
        message: what is wrong, and what was expected.
        path: the file it is in.
        line: 1-based line number, when known.
        column: 1-based column number, when known.
        field: dotted path of the offending field (e.g. ``events[2].actor``).
    """

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.field = field
        super().__init__(self.__str__())

    def location(self) -> str:
        loc = self.path or "<input>"
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def __str__(self) -> str:
        where = self.location()
        fld = f" [{self.field}]" if self.field else ""
        return f"{where}:{fld} {self.message}"


class ArticleError(InputError):
    """An article's text cannot be used."""


class FactsError(InputError):
    """A facts file is malformed or inconsistent with its article."""


class QueryError(InputError):
    """A SPARQL query is malformed or failed."""


class ValidationFailed(DiplokgError):
    """SHACL validation found violations."""

    def __init__(self, message: str, report: object | None = None) -> None:
        self.report = report
        super().__init__(message)


class LinkError(DiplokgError):
    """Entity linking or the Wikidata cache failed."""


class WikidataAPIError(LinkError):
    """The Wikidata API could not be reached or answered with an error."""


class StoreError(DiplokgError):
    """Pushing the dataset into an external triple store failed."""


class DatasetError(DiplokgError):
    """The published dataset is missing or corrupt."""
