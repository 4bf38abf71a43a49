#!/usr/bin/env python3
"""Scores `zhijian intake --json` output against the labels of `zhijian gen reports`.

Usage: intake_score.py LABELS.jsonl INTAKE.jsonl KIND [TITLE]
  KIND  pdf | scan (the label key naming the file that was read)
Prints a Markdown table: per field, the share of reports whose value intake read exactly (test
lines: per cell, true lines matched to read lines in order by the most equal cells), the
overall share of fields right, and the median milliseconds per file and
per page. A file intake refused counts every one of its fields wrong.
"""
import json
import statistics
import sys
from collections import defaultdict


def align(want, have):
    """Matches true lines to read lines in order, by the most equal cells (a row OCR lost or
    merged costs its own cells, not those of every row after it). Returns, per true line, the
    index of its read line or None."""
    def same(i, j):
        return sum(have[j].get(k) == v for k, v in want[i].items())
    a, b = len(want), len(have)
    best = [[0] * (b + 1) for _ in range(a + 1)]
    for i in range(a - 1, -1, -1):
        for j in range(b - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], same(i, j) + best[i + 1][j + 1])
    match, i, j = [None] * a, 0, 0
    while i < a and j < b:
        if same(i, j) > 0 and best[i][j] == same(i, j) + best[i + 1][j + 1]:
            match[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return match


def main():
    labels_path, intake_path, kind = sys.argv[1:4]
    title = sys.argv[4] if len(sys.argv) > 4 else kind
    labels = [json.loads(l) for l in open(labels_path, encoding="utf-8") if l.strip()]
    read = {}
    for line in open(intake_path, encoding="utf-8"):
        if line.strip():
            o = json.loads(line)
            read[o["file"]] = o
    right = defaultdict(int)
    total = defaultdict(int)
    by_dpi = defaultdict(lambda: [0, 0])  # scan resolution -> [right, total]
    ms_file, ms_page, errors = [], [], []
    for lab in labels:
        name = lab.get(kind)
        if not name:
            continue
        got = next((o for f, o in read.items() if f.endswith("/" + name) or f == name), None)
        if got is None or "error" in got:
            errors.append((name, got and got.get("error", {}).get("code")))
            got = {}
        else:
            ms_file.append(got["ms"])
            ms_page.append(got["ms"] / max(got.get("pages", 1), 1))
        for field, want in lab["fields"].items():
            if field == "test_lines":
                have = got.get("test_lines", [])
                match = align(want, have)
                for i, line in enumerate(want):
                    for cell, value in line.items():
                        key = "test_lines." + cell
                        total[key] += 1
                        ok = match[i] is not None and have[match[i]].get(cell) == value
                        right[key] += ok
                        by_dpi[lab.get("scan_dpi")][0] += ok
                        by_dpi[lab.get("scan_dpi")][1] += 1
                continue
            total[field] += 1
            ok = got.get(field) == want
            right[field] += ok
            by_dpi[lab.get("scan_dpi")][0] += ok
            by_dpi[lab.get("scan_dpi")][1] += 1
    all_right = sum(right.values())
    all_total = sum(total.values())
    print(f"### {title}\n")
    print(f"{len(ms_file)} files read, {len(errors)} refused {errors if errors else ''}\n")
    print("| field | right | share |")
    print("|---|---:|---:|")
    for field in sorted(total):
        print(f"| {field} | {right[field]}/{total[field]} | {right[field] / total[field]:.3f} |")
    print(f"| **all fields** | {all_right}/{all_total} | **{all_right / max(all_total, 1):.3f}** |")
    if len(by_dpi) > 1 or None not in by_dpi:
        parts = [f"{d} dpi {r}/{t} = {r / t:.3f}" for d, (r, t) in sorted(by_dpi.items())]
        print("\nby scan resolution: " + "; ".join(parts))
    if ms_file:
        print(f"\nmedian {statistics.median(ms_file):.0f} ms per file, "
              f"{statistics.median(ms_page):.0f} ms per page "
              f"(p90 per page {sorted(ms_page)[int(0.9 * (len(ms_page) - 1))]:.0f} ms)\n")


if __name__ == "__main__":
    main()
