"""Developer aid: print where extraction and a gold file disagree (python scripts/diffgold.py GOLD SRC)."""
import json
import sys

from extract import extract_file

gold = json.load(open(sys.argv[1]))
pred = extract_file(sys.argv[2])
for f, v in gold["document"].items():
    if pred["document"].get(f) != v:
        print("DOC", f, "| gold:", v, "| pred:", pred["document"].get(f))
pr = {r["key"]: r for r in pred["references"]}
for r in gold["references"]:
    p = pr.get(r["key"])
    if not p:
        print("MISSING REF", r["key"])
        continue
    for f in ("relations", "issuer", "date", "mentions", "doc_type"):
        if (sorted(p[f]) if f == "relations" else p[f]) != (sorted(r[f]) if f == "relations" else r[f]):
            print("REF", r["key"], f, "| gold:", r[f], "| pred:", p[f])
gk = {r["key"] for r in gold["references"]}
for k in pr:
    if k not in gk:
        print("EXTRA REF", k)
gt = {t["label"]: t for t in gold["tasks"]}
ptk = {t["label"]: t for t in pred["tasks"]}
print("TASK labels gold-pred:", sorted(set(gt) - set(ptk)), "pred-gold:", sorted(set(ptk) - set(gt)))
for l, t in gt.items():
    p = ptk.get(l)
    if not p:
        continue
    for f in ("lead", "support", "deadline", "deadline_start", "deadline_end", "title"):
        if t.get(f) != p.get(f) and not (f == "title"):
            print("TASK", l, f, "| gold:", t.get(f), "| pred:", p.get(f))
print("RESP gold:", [(r["unit"], r["label"]) for r in gold["responsibilities"]])
print("RESP pred:", [(r["unit"], r["label"]) for r in pred["responsibilities"]])
gu, pu = set(gold["units"]), set(pred["units"])
print("UNITS missing:", sorted(gu - pu))
print("UNITS extra:", sorted(pu - gu))
for fn in gold["footnotes"]:
    p = next((x for x in pred["footnotes"] if x["n"] == fn["n"]), None)
    if not p or p["refs"] != fn["refs"] or p["anchor"] != fn["anchor"]:
        print("FN", fn["n"], fn["anchor"], fn["refs"], "| pred:", p and (p["anchor"], p["refs"]))
