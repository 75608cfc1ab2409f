"""Problems found by the lenient loader: every problem at once instead of the first one.

``load_workbook`` stops at the first problem with an ``InputError``; the data-quality audit
needs them all, with every row concerned. ``inspect_workbook`` (``roi_core.io.workbook``)
returns the dataset it could build plus a list of ``Problem`` s, each carrying the
``InputError`` the strict loader would have raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from roi_core.errors import InputError

__all__ = ["Problem", "Sink"]


@dataclass(frozen=True)
class Problem:
    """One loading problem: a rule id, the canonical sheet, the rows, the located error.

    ``details`` holds what a message needs (``column``, ``value``, ``count`` ...).

    >>> p = Problem("duplicate_id", "deals", (3, 7), InputError("x"), {"value": "D1"})
    >>> p.rows, p.details["value"]
    ((3, 7), 'D1')
    """

    rule: str
    sheet: str | None
    rows: tuple[int, ...]
    error: InputError
    details: Mapping[str, object] = field(default_factory=dict)


class Sink:
    """Where the loader sends a problem: raised at once (strict) or collected (lenient).

    >>> Sink(None).strict
    True
    >>> found = []
    >>> Sink(found).report("blank_required", InputError("blank"), "deals", [4])
    >>> found[0].rule, found[0].rows
    ('blank_required', (4,))
    """

    def __init__(self, problems: list[Problem] | None) -> None:
        self.problems = problems
        self.notes: list[Problem] = []  # what the loader changed on the way, never raised

    def note(self, rule: str, error: InputError, sheet: str | None, rows: object = (),
             **details: object) -> None:
        """Record a change the loader made (an id respelled), strict or lenient alike."""
        clean = tuple(int(r) for r in rows if r is not None and str(r) != "<NA>")  # type: ignore[attr-defined]
        self.notes.append(Problem(rule, sheet, clean, error, details))

    @property
    def strict(self) -> bool:
        return self.problems is None

    def report(self, rule: str, error: InputError, sheet: str | None,
               rows: object = (), **details: object) -> None:
        if self.problems is None:
            raise error
        clean = tuple(int(r) for r in rows if r is not None and str(r) != "<NA>")  # type: ignore[attr-defined]
        self.problems.append(Problem(rule, sheet, clean, error, details))
