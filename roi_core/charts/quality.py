"""Charts of the data-quality audit (built from ``roi_core.quality.findings_frame``).

Charts never compute: they draw the tidy frame they are given.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["findings_by_sheet_chart", "SEVERITY_COLORS", "SEVERITY_LABELS"]

SEVERITY_COLORS = {"error": "#c0392b", "warning": "#e67e22", "info": "#7f8c8d"}
SEVERITY_LABELS = {
    "fr": {"error": "erreur", "warning": "alerte", "info": "info"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
_TITLES = {
    "fr": ("Problèmes par feuille", "Feuille", "Problèmes", "Gravité", "Lignes concernées"),
    "en": ("Findings per sheet", "Sheet", "Findings", "Severity", "Rows concerned"),
}


def findings_by_sheet_chart(findings: pd.DataFrame, lang: str = "fr") -> alt.Chart:
    """Stacked bars: the number of findings per sheet, coloured by severity.

    Shape in: ``findings_frame`` output (``sheet``, ``severity``, ``rule``, ``n_rows``).

    >>> from roi_core.quality import Finding, findings_frame
    >>> f = Finding("missing_amount", "warning", "Affaires", "deals", (3, 4), "m", "a")
    >>> spec = findings_by_sheet_chart(findings_frame([f, f]), "en").to_dict()
    >>> spec["mark"]["type"], spec["encoding"]["y"]["field"]
    ('bar', 'sheet')
    """
    title, sheet, count, severity, rows = _TITLES.get(lang, _TITLES["fr"])
    labels = SEVERITY_LABELS.get(lang, SEVERITY_LABELS["fr"])
    data = findings.assign(severity_label=findings["severity"].map(labels))
    order = [labels[s] for s in SEVERITY_COLORS]
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("sheet:N", title=sheet, sort="-x"),
            x=alt.X("count():Q", title=count),
            color=alt.Color("severity_label:N", title=severity,
                            scale=alt.Scale(domain=order, range=list(SEVERITY_COLORS.values())),
                            sort=order),
            tooltip=[alt.Tooltip("sheet:N", title=sheet),
                     alt.Tooltip("severity_label:N", title=severity),
                     alt.Tooltip("count():Q", title=count),
                     alt.Tooltip("sum(n_rows):Q", title=rows)],
        )
        .properties(width="container", height=alt.Step(28))
    )
