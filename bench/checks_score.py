#!/usr/bin/env python3
"""Scores `zhijian check --json` output against the expected findings of `zhijian gen reports`.

Usage: checks_score.py LABELS.jsonl CHECK.json KIND [TITLE]
  KIND  pdf | scan (the label key naming the file that was checked)

The unit is (report, category): a category expected on a report (label "expected") and found
there by at least one finding is a true positive; expected and not found a false negative;
found and not expected a false positive. Where the label names the field (and test line) of an
expected finding ("expected_findings"), a found category counts as a true positive only when one
of its findings names that field (and line): the right category on the wrong line is a miss
plus a false alarm. Prints per category TP, FP, FN, precision and recall, then the confusion
table: rows are the expected categories of a report ("none" for a clean report), columns the
categories found on it ("none" when nothing was found); each report adds one to every
(expected, found) pair of its own sets, so a report with one defect and no false alarm adds only
to the diagonal. A file `zhijian check` refused counts all its expected categories missed.
"""
import json
import sys
from collections import defaultdict

CATEGORIES = [
    "institution-mismatch", "no-valid-certificate", "out-of-scope", "standard-obsolete",
    "signatory-unauthorized", "date-order", "implausible-duration", "verdict-inconsistent",
    "mark-misuse", "missing-content", "duplicate-report-number",
]


def located(expected, finding):
    """Whether `finding` is at the place an expected finding names."""
    if expected.get("field") and finding.get("field") not in expected["field"].split(","):
        return False
    if expected.get("line") and finding.get("line") != expected["line"]:
        return False
    return True


def main():
    labels_path, check_path, kind = sys.argv[1:4]
    title = sys.argv[4] if len(sys.argv) > 4 else kind
    labels = [json.loads(l) for l in open(labels_path, encoding="utf-8") if l.strip()]
    out = json.load(open(check_path, encoding="utf-8"))
    by_file = {}
    for rep in out.get("reports", []):
        by_file[rep["file"]] = rep
    refused = {e["file"] for e in out.get("errors", [])}
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    confusion = defaultdict(lambda: defaultdict(int))
    misses, alarms = [], []
    checked = 0
    for lab in labels:
        name = lab.get(kind)
        if not name:
            continue
        rep = next((r for f, r in by_file.items() if f == name or f.endswith("/" + name)), None)
        findings = rep["findings"] if rep else []
        if rep is not None:
            checked += 1
        want = set(lab.get("expected", []))
        located_want = defaultdict(list)
        for e in lab.get("expected_findings", []):
            located_want[e["category"]].append(e)
        found = set()
        for cat in {f["category"] for f in findings}:
            fs = [f for f in findings if f["category"] == cat]
            if cat in located_want and not any(
                    located(e, f) for e in located_want[cat] for f in fs):
                # Right category, wrong place: counted as a false alarm (and the miss below).
                fp[cat] += 1
                alarms.append((lab["id"], cat, "wrong place: " + "; ".join(
                    f"{f.get('rule')} {f.get('field')} line {f.get('line')}" for f in fs)))
                continue
            found.add(cat)
        for cat in want:
            if cat in found:
                tp[cat] += 1
            else:
                fn[cat] += 1
                misses.append((lab["id"], cat, lab.get("defects")))
        for cat in found - want:
            fp[cat] += 1
            alarms.append((lab["id"], cat, "; ".join(
                f"{f['rule']} {f.get('field')}={f.get('value')} line {f.get('line')}"
                for f in findings if f["category"] == cat)))
        for e in (want or {"none"}):
            for f in (found or {"none"}):
                confusion[e][f] += 1
    print(f"### {title}\n")
    print(f"{checked} reports checked, {len(refused)} refused\n")
    print("| category | TP | FP | FN | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    worst = 1.0
    for cat in CATEGORIES:
        p = tp[cat] / (tp[cat] + fp[cat]) if tp[cat] + fp[cat] else float("nan")
        r = tp[cat] / (tp[cat] + fn[cat]) if tp[cat] + fn[cat] else float("nan")
        for v in (p, r):
            if v == v:
                worst = min(worst, v)
        print(f"| {cat} | {tp[cat]} | {fp[cat]} | {fn[cat]} | {p:.3f} | {r:.3f} |")
    print(f"\nlowest precision or recall: {worst:.3f}\n")
    cols = [c for c in CATEGORIES + ["none"]
            if any(confusion[e][c] for e in confusion)]
    rows = [c for c in CATEGORIES + ["none"] if c in confusion]
    short = {c: c.split("-")[0][:6] + ("-" + c.split("-")[1][:4] if "-" in c else "")
             for c in CATEGORIES}
    short["none"] = "none"
    print("Confusion (rows: expected on a report; columns: found on it):\n")
    print("| expected \\ found | " + " | ".join(short[c] for c in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for e in rows:
        print(f"| {e} | " + " | ".join(str(confusion[e][c] or "") for c in cols) + " |")
    if misses or alarms:
        print("\nmisses:")
        for m in misses:
            print("  ", m)
        print("false alarms:")
        for a in alarms:
            print("  ", a)
    print()


if __name__ == "__main__":
    main()
