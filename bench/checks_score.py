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

Certainty (docs/compliance-checks.md "Certainty"): a finding resting on an OCR reading below the
threshold is "unconfirmed" (verify by eye). The headline table scores CONFIRMED findings only
(an unconfirmed finding is neither a true nor a false positive there); a second table counts
per category the expected defects found only as unconfirmed (the checker is pointed at them but
must look) and the unconfirmed false alarms (what a checker looks at in vain). Then a sweep:
the totals over all categories had the threshold been T (a finding is confirmed when its
"confidence" >= T), for choosing the default.
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


def confirmed(f, threshold=None):
    if threshold is None:
        return f.get("certainty", "confirmed") == "confirmed"
    return f.get("confidence", 1.0) >= threshold


def score(labels, by_file, kind, keep):
    """TP/FP/FN per category, confusion, misses and alarms, counting the findings `keep` keeps."""
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    confusion = defaultdict(lambda: defaultdict(int))
    misses, alarms = [], []
    checked = 0
    for lab in labels:
        name = lab.get(kind)
        if not name:
            continue
        rep = next((r for f, r in by_file.items() if f == name or f.endswith("/" + name)), None)
        findings = [f for f in (rep["findings"] if rep else []) if keep(f)]
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
                f" conf {f.get('confidence', 1)}" for f in findings if f["category"] == cat)))
        for e in (want or {"none"}):
            for f in (found or {"none"}):
                confusion[e][f] += 1
    return dict(tp=tp, fp=fp, fn=fn, confusion=confusion, misses=misses, alarms=alarms,
                checked=checked)


def main():
    labels_path, check_path, kind = sys.argv[1:4]
    title = sys.argv[4] if len(sys.argv) > 4 else kind
    labels = [json.loads(l) for l in open(labels_path, encoding="utf-8") if l.strip()]
    out = json.load(open(check_path, encoding="utf-8"))
    by_file = {}
    for rep in out.get("reports", []):
        by_file[rep["file"]] = rep
    refused = {e["file"] for e in out.get("errors", [])}
    sure = score(labels, by_file, kind, confirmed)
    every = score(labels, by_file, kind, lambda f: True)
    tp, fp, fn, confusion = sure["tp"], sure["fp"], sure["fn"], sure["confusion"]
    print(f"### {title}\n")
    print(f"{sure['checked']} reports checked, {len(refused)} refused\n")
    print("Confirmed findings (the headline; unconfirmed ones are neither TP nor FP):\n")
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
    # Unconfirmed: true defects reached only as unconfirmed, and unconfirmed false alarms.
    print("Unconfirmed findings (verify by eye): expected defects found only as unconfirmed, "
          "and unconfirmed false alarms:\n")
    print("| category | defects only unconfirmed | unconfirmed false alarms | still missed |")
    print("|---|---:|---:|---:|")
    sums = [0, 0, 0]
    for cat in CATEGORIES:
        only = every["tp"][cat] - tp[cat]
        vain = every["fp"][cat] - fp[cat]
        missed = every["fn"][cat]
        sums = [sums[0] + only, sums[1] + vain, sums[2] + missed]
        if only or vain or missed:
            print(f"| {cat} | {only} | {vain} | {missed} |")
    print(f"| all | {sums[0]} | {sums[1]} | {sums[2]} |\n")
    print("Threshold sweep (all categories; confirmed when confidence >= T):\n")
    print("| T | TP | FP | FN | precision | recall | unconfirmed |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    n_all = sum(len(r["findings"]) for r in by_file.values())
    for t in (0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        s = score(labels, by_file, kind, lambda f, t=t: confirmed(f, t))
        a, b, c = (sum(s[k].values()) for k in ("tp", "fp", "fn"))
        n_un = sum(1 for r in by_file.values() for f in r["findings"]
                   if f.get("confidence", 1.0) < t)
        p = a / (a + b) if a + b else float("nan")
        r = a / (a + c) if a + c else float("nan")
        print(f"| {t:.2f} | {a} | {b} | {c} | {p:.3f} | {r:.3f} | {n_un} / {n_all} |")
    print()
    cols = [c for c in CATEGORIES + ["none"]
            if any(confusion[e][c] for e in confusion)]
    rows = [c for c in CATEGORIES + ["none"] if c in confusion]
    short = {c: c.split("-")[0][:6] + ("-" + c.split("-")[1][:4] if "-" in c else "")
             for c in CATEGORIES}
    short["none"] = "none"
    print("Confusion of confirmed findings (rows: expected on a report; columns: found on it):\n")
    print("| expected \\ found | " + " | ".join(short[c] for c in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for e in rows:
        print(f"| {e} | " + " | ".join(str(confusion[e][c] or "") for c in cols) + " |")
    if every["misses"] or every["alarms"]:
        print("\nmisses (any certainty):")
        for m in every["misses"]:
            print("  ", m)
        print("false alarms (any certainty; conf = the finding's confidence):")
        for a in every["alarms"]:
            print("  ", a)
    print()


if __name__ == "__main__":
    main()
