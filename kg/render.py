"""Human output: tables, trees and cards in Vietnamese-friendly text, and Mermaid/DOT drawings.

Only formatting lives here; the answers come from queries/ as plain dicts."""
from __future__ import annotations

import re
import unicodedata

REL_VI = {
    "BASED_ON": "căn cứ", "IMPLEMENTS": "thực hiện", "CITES": "dẫn chiếu", "CITES_IN_FOOTNOTE": "dẫn ở chú thích",
    "HAS_FOOTNOTE": "chú thích", "TASK_OF": "nhiệm vụ của", "PART_OF": "thuộc", "AMENDS": "sửa đổi",
    "REPLACES": "thay thế", "REPEALS": "bãi bỏ", "GUIDES": "hướng dẫn", "HAS_TASK": "có nhiệm vụ",
    "LEADS": "chủ trì", "SUPPORTS": "phối hợp", "EXECUTES": "đơn vị thực hiện", "RESPONSIBLE_FOR": "trách nhiệm",
    "HAS_RESPONSIBILITY": "có trách nhiệm", "ISSUED_BY": "ban hành bởi", "SIGNED_BY": "ký bởi", "SENT_TO": "gửi",
}
ROLE_VI = {"lead": "chủ trì", "support": "phối hợp", "executor": "thực hiện", "responsible": "trách nhiệm"}
KIND_VI = {"document": "văn bản", "task": "nhiệm vụ", "footnote": "chú thích"}
WHERE_VI = {"body": "nội dung", "footnote": "chú thích", "task": "nhiệm vụ"}


def short(s: str | None, n: int = 90) -> str:
    s = re.sub(r"\s+", " ", s or "").strip()
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)


def table(rows: list[list], headers: list[str], widths: list[int] | None = None) -> str:
    """Plain aligned columns; long cells are cut (the JSON output keeps everything)."""
    cells = [[short(str(c) if c is not None else "—", (widths or [60] * len(headers))[i]) for i, c in enumerate(r)]
             for r in rows]
    w = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = lambda r: "  ".join(c + " " * (w[i] - _width(c)) for i, c in enumerate(r)).rstrip()  # noqa: E731
    out = [line(headers), "  ".join("─" * x for x in w)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _node_label(n: dict) -> str:
    parts = [n.get("doc_type") or "", n["key"]]
    label = " ".join(p for p in parts if p)
    if n.get("title") and n["kind"] != "Unit":
        label += " — " + short(n["title"], 80)
    flags = []
    if n.get("root"):
        flags.append("gốc")
    if n["kind"] == "Document" and not n.get("in_corpus"):
        flags.append("chưa có trong kho")
    if n.get("ambiguous"):
        flags.append("số mơ hồ")
    return label + (f" ({'; '.join(flags)})" if flags else "")


def _evidence(e: dict) -> str:
    ev = e.get("evidence") or {}
    where = ev.get("file") or ""
    if ev.get("start") is not None:
        where += f" @{ev['start']}"
    return f"“{short(ev.get('text'), 300)}” — {where}".strip()


def tree(result: dict, downstream: bool = False) -> str:
    """The lineage as an indented tree from the start node; a node met twice is not expanded again."""
    nodes = {n["key"]: n for n in result["nodes"]}
    adj: dict[str, list[dict]] = {}
    carriers: dict[str, dict[str, list[str]]] = {}
    for e in result["edges"]:
        if e["relation"] in ("LEADS", "SUPPORTS", "EXECUTES"):
            carriers.setdefault(e["to"], {}).setdefault(REL_VI[e["relation"]], []).append(e["from"])
            continue
        forward = not downstream or e["relation"] in ("HAS_TASK", "HAS_FOOTNOTE", "HAS_RESPONSIBILITY")
        a, b = (e["from"], e["to"]) if forward else (e["to"], e["from"])
        adj.setdefault(a, []).append({**e, "_next": b})
    lines = [_node_label(nodes[result["start"]])]
    seen = {result["start"]}

    def walk(key: str, prefix: str):
        groups: dict[str, list[dict]] = {}
        for e in adj.get(key, []):
            groups.setdefault(e["_next"], []).append(e)
        items = list(groups.items())
        for i, (nxt, es) in enumerate(items):
            last = i == len(items) - 1
            rels = []
            for e in es:
                r = REL_VI.get(e["relation"], e["relation"])
                if e.get("implied"):
                    r += f" — suy ra, nêu trong {e.get('stated_in') or e['evidence'].get('file')}"
                rels.append(r)
            again = nxt in seen
            label = _node_label(nodes[nxt]) if nxt in nodes else nxt
            lines.append(f"{prefix}{'└── ' if last else '├── '}[{'; '.join(rels)}] {label}"
                         + (" (đã nêu ở trên)" if again else ""))
            sub = prefix + ("    " if last else "│   ")
            for role, names in carriers.get(nxt, {}).items():
                lines.append(f"{sub}  {role}: {'; '.join(names)}")
            shown = set()
            for e in es:
                ev = _evidence(e)
                if e["relation"] in ("HAS_TASK", "HAS_RESPONSIBILITY"):
                    continue  # the task's own title is already on the line
                if ev not in shown and (e.get("evidence") or {}).get("text"):
                    shown.add(ev)
                    lines.append(f"{sub}  {ev}")
            if not again:
                seen.add(nxt)
                walk(nxt, sub)

    walk(result["start"], "")
    return "\n".join(lines)


def _ids(result: dict) -> dict[str, str]:
    return {n["key"]: f"n{i}" for i, n in enumerate(result["nodes"])}


def mermaid(result: dict) -> str:
    ids = _ids(result)
    esc = lambda s: (s or "").replace('"', "#quot;").replace("\n", " ")  # noqa: E731
    out = ["graph LR"]
    for n in result["nodes"]:
        label = esc(f"{n.get('doc_type') or n['kind']}<br/>{n['key']}")
        shape = f'(["{label}"])' if n.get("root") else f'["{label}"]'
        out.append(f"  {ids[n['key']]}{shape}")
    for e in result["edges"]:
        out.append(f"  {ids[e['from']]} -->|{esc(REL_VI.get(e['relation'], e['relation']))}| {ids[e['to']]}")
    return "\n".join(out)


def dot(result: dict) -> str:
    ids = _ids(result)
    esc = lambda s: (s or "").replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")  # noqa: E731
    out = ["digraph kg {", "  rankdir=LR;", '  node [shape=box, fontname="Arial"];']
    for n in result["nodes"]:
        style = ", style=bold" if n.get("root") else ""
        label = esc(n.get("doc_type") or n["kind"]) + "\\n" + esc(n["key"])
        out.append(f'  {ids[n["key"]]} [label="{label}"{style}];')
    for e in result["edges"]:
        style = ", style=dashed" if e.get("implied") else ""
        out.append(f'  {ids[e["from"]]} -> {ids[e["to"]]} [label="{esc(REL_VI.get(e["relation"], e["relation"]))}"'
                   f'{style}, tooltip="{esc(short((e.get("evidence") or {}).get("text"), 200))}"];')
    out.append("}")
    return "\n".join(out)


def unit_tasks(result: dict) -> str:
    u = result["unit"]
    how = {"exact": "khớp chính xác", "fuzzy": f"khớp gần đúng {u['score']}% với “{u['matched']}”",
           "words": "khớp theo từ"}[u["how"]]
    head = f"Đơn vị: {u['name']} ({how})"
    if not result["items"]:
        return head + "\nKhông có nhiệm vụ nào khớp."
    rows = [[ROLE_VI[i["role"]], i["document"], i["label"] or "—", i["title"], i["deadline"] or "—"]
            for i in result["items"]]
    return head + "\n" + table(rows, ["Vai trò", "Kế hoạch", "Mục", "Nội dung", "Thời hạn"],
                               [12, 28, 8, 70, 36]) + f"\n{len(rows)} mục"


def cites(items: list[dict], key: str) -> str:
    if not items:
        return f"Không nơi nào dẫn {key}."
    rows = [[i["document"], WHERE_VI[i["where"]],
             i["footnote"] if i["where"] == "footnote" else (i["task"] or "").rsplit("#", 1)[-1] or "—",
             i["relation"], i["text"]] for i in items]
    return table(rows, ["Văn bản", "Vị trí", "Số", "Quan hệ", "Câu dẫn"], [28, 10, 8, 22, 110])


def footnotes(res: dict) -> str:
    out = []
    cur = None
    for f in res["footnotes"]:
        if f["document"] != cur:
            cur = f["document"]
            out.append(f"{cur}")
        refs = ", ".join(f["cites"]) or "—"
        out.append(f"  [{f['footnote']}] ({short(f['anchor'], 30)}) dẫn: {refs}")
        out.append(f"      {short(f['text'], 160)}")
    if not res["footnotes"]:
        out.append("Không có chú thích.")
    out.append("")
    out.append("Văn bản được nhiều kế hoạch dẫn:")
    if res["shared"]:
        for s in res["shared"]:
            out.append(f"  {s['key']} ({len(s['cited_by'])}): {', '.join(s['cited_by'])}")
    else:
        out.append("  (không có)")
    return "\n".join(out)


def search(hits: list[dict]) -> str:
    if not hits:
        return "Không tìm thấy kết quả."
    out = []
    for i, h in enumerate(hits, 1):
        out.append(f"{i:>2}. [{KIND_VI.get(h['kind'], h['kind'])}] {h['key']}  ({h['score']})")
        out.append(f"    {short(h['title'], 110)}")
        out.append(f"    {h['snippet']}")
    return "\n".join(out)


def units(items: list[dict]) -> str:
    rows = [[u["name"], u["parent"] or "—", u["tasks"], "; ".join(u["aliases"]) or "—"] for u in items]
    return table(rows, ["Đơn vị", "Trực thuộc", "Nhiệm vụ", "Cách viết khác"], [60, 45, 8, 80])


def stats(s: dict) -> str:
    lines = [
        f"Văn bản: {s['documents']} (có trong kho: {s['documents_in_corpus']}, từ {s['sources']} tệp nguồn)",
        f"Dẫn chiếu: {s['references']} (đã khớp văn bản trong kho: {s['resolved']}, chưa có: {s['unresolved']}, "
        f"mơ hồ: {s['ambiguous']})",
        f"Nhiệm vụ: {s['tasks']}, trách nhiệm: {s['responsibilities']}, đơn vị: {s['units']}, "
        f"chú thích: {s['footnotes']}, người ký: {s['persons']}",
        "Quan hệ: " + ", ".join(f"{k} {v}" for k, v in sorted(s["edges"].items())),
    ]
    if s["missing"]:
        lines += ["", "Văn bản được dẫn nhưng chưa có trong kho (nên thu thập), nhiều nơi dẫn nhất trước:"]
        rows = [[m["key"], m["doc_type"] or "—", m["issuer"] or "—", m["cited_by"], m["mentions"]] for m in s["missing"]]
        lines.append(table(rows, ["Số/ký hiệu", "Loại", "Cơ quan", "Số VB dẫn", "Lần nhắc"], [28, 22, 45, 9, 8]))
    if s.get("ambiguous_keys"):
        lines += ["", "Số mơ hồ (không gộp):"]
        lines += [f"  {a['key']}: {'; '.join(a['candidates'])}" for a in s["ambiguous_keys"]]
    return "\n".join(lines)


def card(c: dict) -> str:
    if c["kind"] != "Document":
        lines = [f"{c['kind']} {c['key']}", f"  Thuộc: {c['document']} — {short(c.get('document_title'), 100)}",
                 f"  Nội dung: {short(c.get('title'), 200)}"]
        if c["kind"] == "Task":
            lines.append(f"  Thời hạn: {c.get('deadline') or '—'}"
                         + (f" ({c['deadline_start']} → {c['deadline_end']})" if c.get("deadline_end") else ""))
            for role in ("lead", "support", "executor"):
                if c.get(role):
                    lines.append(f"  {ROLE_VI[role].capitalize()}: {'; '.join(c[role])}")
        if c.get("unit"):
            lines.append(f"  Đơn vị: {c['unit']}")
        for x in c.get("cites", []):
            lines.append(f"  Dẫn: {x['key']} — “{short(x['evidence']['text'], 160)}”")
        return "\n".join(lines)
    lines = [f"{c['doc_type'] or 'Văn bản'} {c['key']}" + ("" if c["in_corpus"] else " (chưa có trong kho)")]
    for label, v in (("Tiêu đề", c["title"]), ("Số", c["number"]), ("Cơ quan ban hành", c["issuer"]),
                     ("Ngày ban hành", c["issued_date"]),
                     ("Người ký", " ".join(x for x in (c["signer_title"], c["signer"]) if x) or None),
                     ("Địa phương", c["locality"]), ("Nguồn", ", ".join(c["sources"]) or None),
                     ("Nơi nhận", "; ".join(c["recipients"]) or None)):
        if v:
            lines.append(f"  {label}: {short(v, 300)}")
    if c["ambiguous"]:
        lines.append(f"  Số mơ hồ, có thể là: {'; '.join(c['candidates'])}")

    def links(title, items):
        if items:
            lines.append(f"\n{title}:")
            for x in items:
                r = REL_VI.get(x["relation"], x["relation"])
                if x.get("implied"):
                    r += f", suy ra từ {x.get('stated_in')}"
                lines.append(f"  [{r}] {x['key']}")
                if x["evidence"].get("text"):
                    lines.append(f"      “{short(x['evidence']['text'], 200)}”")

    links("Căn cứ / thực hiện", c["bases"])
    links("Văn bản thực hiện / căn cứ vào văn bản này", c["implemented_by"])
    if c["cited_by"]:
        lines.append("\nĐược dẫn bởi: " + ", ".join(x["key"] for x in c["cited_by"]))
    if c["tasks"]:
        lines.append(f"\nNhiệm vụ ({len(c['tasks'])}):")
        for t in c["tasks"]:
            lead = "; ".join(t["lead"]) or "—"
            lines.append(f"  {t['label']}. {short(t['title'], 100)}")
            lines.append(f"      chủ trì: {short(lead, 80)}; thời hạn: {t['deadline'] or '—'}")
    if c["responsibilities"]:
        lines.append(f"\nTrách nhiệm ({len(c['responsibilities'])}):")
        for r in c["responsibilities"]:
            lines.append(f"  {r['id'].rsplit('#', 1)[1]} {r['unit'] or '—'}: {short(r['title'], 100)}")
    if c["footnotes"]:
        lines.append(f"\nChú thích ({len(c['footnotes'])}):")
        for f in c["footnotes"]:
            lines.append(f"  [{f['footnote']}] {short(f['text'], 120)}"
                         + (f" → {', '.join(f['cites'])}" if f["cites"] else ""))
    return "\n".join(lines)


def build_summary(s: dict, res) -> str:
    done = f"{len(res.added)} tệp mới, {len(res.changed)} tệp thay đổi, {len(res.unchanged)} tệp không đổi"
    return "\n".join([
        f"Đã nạp: {done}" + ("" if res.wrote else " (kho giữ nguyên)"),
        f"Văn bản: {s['documents']} (trong kho: {s['documents_in_corpus']})",
        f"Dẫn chiếu: {s['references']} — đã khớp: {s['resolved']}, chưa có trong kho: {s['unresolved']}, "
        f"mơ hồ: {s['ambiguous']}",
        f"Nhiệm vụ: {s['tasks']}  Đơn vị: {s['units']}  Chú thích: {s['footnotes']}",
    ])
