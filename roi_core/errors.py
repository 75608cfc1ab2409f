"""The one error type for what a user can cause: a bad file, a missing column, a bad cell.

Its message names the file, the sheet, the row (as Excel numbers it: the header is row 1;
in a CSV file, the line) and the column, in plain words, and says what was expected.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """A problem in the user's input, located as precisely as it can be.

    >>> err = InputError("'abc' is not a number", file="demo.xlsx", sheet="Coûts", row=7,
    ...                  column="Montant", expected="an amount such as 8 000 € or 66,70")
    >>> print(err)  # doctest: +NORMALIZE_WHITESPACE
    demo.xlsx, sheet 'Coûts', row 7, column 'Montant': 'abc' is not a number;
    expected an amount such as 8 000 € or 66,70.
    >>> err.location
    "demo.xlsx, sheet 'Coûts', row 7, column 'Montant'"
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        more: int = 0,
    ) -> None:
        self.problem = problem
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        self.expected = expected
        self.more = more  # how many other cells share this problem
        super().__init__(self.message)

    @property
    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            # In a CSV file people count lines; in a workbook, Excel's rows.
            text_file = self.sheet is None and str(self.file or "").lower().endswith(
                (".csv", ".txt", ".tsv"))
            parts.append(f"{'line' if text_file else 'row'} {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    @property
    def message(self) -> str:
        text = f"{self.location}: {self.problem}" if self.location else self.problem
        if self.expected:
            text += f"; expected {self.expected}"
        if self.more:
            text += f" ({self.more} more cell{'s' if self.more > 1 else ''} in this column too)"
        return text + "."

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, tuple[str, dict[str, object]]]:
        # Pickled whole (a child process that read a file sends it back), location included.
        fields = {k: getattr(self, k) for k in ("file", "sheet", "row", "column", "expected",
                                                "more")}
        return _rebuild, (self.problem, fields)

    def located(self, **where: object) -> InputError:
        """A copy with missing location fields filled in (the caller knows the file, say)."""
        fields = {k: getattr(self, k) for k in ("file", "sheet", "row", "column", "expected")}
        for key, value in where.items():
            if fields.get(key) is None:
                fields[key] = value
        return InputError(self.problem, more=self.more, **fields)  # type: ignore[arg-type]


def _rebuild(problem: str, fields: dict[str, object]) -> InputError:
    return InputError(problem, **fields)  # type: ignore[arg-type]
