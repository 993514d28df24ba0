"""Report rows as CSV: one header line of the columns, one line per row."""

import csv
import io

# A text cell beginning so is run as a formula by spreadsheets (CSV injection): a reason, a
# team's or an agent's name typed by someone gets a leading apostrophe, shown as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_csv(columns, rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for found in rows:
        writer.writerow({k: cell(v) for k, v in found.items()})
    return out.getvalue()


def cell(value):
    """A value as a CSV cell: None empty, text that a spreadsheet would run neutralised."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
