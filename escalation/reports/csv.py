"""Report rows as CSV: one header line of the columns, one line per row."""

import csv
import io


def to_csv(columns, rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for found in rows:
        writer.writerow({k: "" if v is None else v for k, v in found.items()})
    return out.getvalue()
