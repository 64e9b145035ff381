"""The lineage picture: a layered drawing of a trace/impact answer, as inline SVG drawn on the server.

Layout: edges are oriented away from the start node (upstream for a trace, downstream for an
impact), back edges of cycles are set aside, every node goes to the column of its longest path
from the start, long edges pass through virtual points in the columns between, and a few
barycentre sweeps order each column to cut crossings. Each edge carries its relation as a label
and its evidence sentence in `<title>` and `data-evidence`; app.js shows the full evidence (the
server-rendered list under the picture) in a side panel on hover or click."""
from __future__ import annotations

from dataclasses import dataclass, field

from kg.render import REL_VI

from .markup import M, Markup, join, short, url

NODE_W, NODE_H, DUMMY_H = 250, 66, 14
COL_GAP, ROW_GAP, PAD = 130, 22, 24  # left to right: gap between columns, between boxes in a column
COL_GAP_TB, ROW_GAP_TB = 28, 84  # top to bottom: gap between boxes in a row, between rows
FIT_WIDTH = 880  # the picture's room on a 1280-pixel-wide screen, beside the evidence panel
DOWN_REL = ("HAS_TASK", "HAS_FOOTNOTE", "HAS_RESPONSIBILITY")
# the colour family of an edge, by its strongest relation
REL_CLASS = {"BASED_ON": "base", "IMPLEMENTS": "impl", "AMENDS": "impl", "REPLACES": "impl", "REPEALS": "impl",
             "GUIDES": "impl", "CITES": "cite", "CITES_IN_FOOTNOTE": "note", "HAS_FOOTNOTE": "note",
             "TASK_OF": "task", "PART_OF": "task", "HAS_TASK": "task", "HAS_RESPONSIBILITY": "task",
             "LEADS": "role", "SUPPORTS": "role", "EXECUTES": "role", "RESPONSIBLE_FOR": "role"}
REL_ORDER = ["BASED_ON", "IMPLEMENTS", "AMENDS", "REPLACES", "REPEALS", "GUIDES", "TASK_OF", "PART_OF", "HAS_TASK",
             "HAS_RESPONSIBILITY", "LEADS", "SUPPORTS", "EXECUTES", "RESPONSIBLE_FOR", "CITES", "HAS_FOOTNOTE",
             "CITES_IN_FOOTNOTE"]
KIND_VI = {"Task": "Nhiệm vụ", "Footnote": "Chú thích", "Responsibility": "Trách nhiệm", "Unit": "Đơn vị",
           "Person": "Người ký", "Document": "Văn bản"}


@dataclass
class EdgeGroup:
    """Every stated relation between one ordered pair of nodes, drawn as one arrow."""
    n: int
    a: str
    b: str
    rels: list[str] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)

    @property
    def implied(self) -> bool:
        return all(e.get("implied") for e in self.edges)

    @property
    def label(self) -> str:
        return " · ".join(dict.fromkeys(REL_VI.get(r, r.lower()) for r in self.rels))

    @property
    def cls(self) -> str:
        return REL_CLASS.get(self.rels[0], "cite")

    @property
    def sentence(self) -> str:
        return next(((e.get("evidence") or {}).get("text") for e in self.edges
                     if (e.get("evidence") or {}).get("text")), "") or ""


def group_edges(result: dict) -> list[EdgeGroup]:
    groups: dict[tuple[str, str], EdgeGroup] = {}
    for e in result["edges"]:
        g = groups.get((e["from"], e["to"]))
        if g is None:
            g = groups[(e["from"], e["to"])] = EdgeGroup(len(groups) + 1, e["from"], e["to"])
        if e["relation"] not in g.rels:
            g.rels.append(e["relation"])
        g.edges.append(e)
    for g in groups.values():
        g.rels.sort(key=lambda r: REL_ORDER.index(r) if r in REL_ORDER else len(REL_ORDER))
    return list(groups.values())


def _flow(g: EdgeGroup, downstream: bool) -> tuple[str, str]:
    """The edge oriented away from the start node (the direction the question walks)."""
    if not downstream or g.rels[0] in DOWN_REL:
        return g.a, g.b
    return g.b, g.a


def layout(result: dict, downstream: bool):
    """(layer of each node, columns of node/virtual ids in order, edge groups, edge -> its path ids,
    id -> [("prev" | "next", neighbour id)])."""
    keys = [n["key"] for n in result["nodes"]]
    groups = group_edges(result)
    succ: dict[str, list[tuple[str, EdgeGroup]]] = {k: [] for k in keys}
    for g in groups:
        a, b = _flow(g, downstream)
        if a in succ and b in succ:
            succ[a].append((b, g))
    # depth-first from the start: edges back onto the current path close a cycle and are set aside
    back: set[int] = set()
    state: dict[str, int] = {}
    order: list[str] = []

    def dfs(root: str):
        stack = [(root, iter(succ[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            for b, g in it:
                if state.get(b) == 1:
                    back.add(g.n)
                elif b not in state:
                    state[b] = 1
                    stack.append((b, iter(succ[b])))
                    break
            else:
                state[node] = 2
                order.append(node)
                stack.pop()

    for k in [result["start"]] + keys:
        if k in succ and k not in state:
            dfs(k)
    layer = {k: 0 for k in keys}
    for a in reversed(order):  # reverse post-order is a topological order of the forward edges
        for b, g in succ[a]:
            if g.n not in back:
                layer[b] = max(layer[b], layer[a] + 1)
    ncols = max(layer.values(), default=0) + 1
    cols: list[list[str]] = [[] for _ in range(ncols)]
    seen: set[str] = set()
    for k in [result["start"]] + [x for x in reversed(order)] + keys:  # first appearance from the start
        if k in layer and k not in seen:
            seen.add(k)
            cols[layer[k]].append(k)
    paths: dict[int, list[str]] = {}
    nbrs: dict[str, list[str]] = {}  # neighbours in the previous / next column, for the sweeps
    for g in groups:
        a, b = _flow(g, downstream)
        if a not in layer or b not in layer:
            continue
        if g.n in back or layer[b] <= layer[a]:
            paths[g.n] = [a, b]
            continue
        chain = [a] + [f"~{g.n}.{i}" for i in range(layer[a] + 1, layer[b])] + [b]
        for i, v in enumerate(chain[1:-1], layer[a] + 1):
            cols[i].append(v)
        for x, y in zip(chain, chain[1:]):
            nbrs.setdefault(y, []).append(("prev", x))
            nbrs.setdefault(x, []).append(("next", y))
        paths[g.n] = chain
    pos = {v: i for col in cols for i, v in enumerate(col)}
    for sweep in range(6):
        side, rng = ("prev", range(1, ncols)) if sweep % 2 == 0 else ("next", range(ncols - 2, -1, -1))
        for c in rng:
            def bary(v, side=side):
                ps = [pos[w] for s, w in nbrs.get(v, []) if s == side]
                return sum(ps) / len(ps) if ps else pos[v]
            cols[c].sort(key=lambda v: (bary(v), pos[v]))
            for i, v in enumerate(cols[c]):
                pos[v] = i
    return layer, cols, groups, paths, nbrs


def _lines(n: dict, width_chars: int) -> tuple[str, str, str]:
    head = n.get("doc_type") or KIND_VI.get(n["kind"], n["kind"])
    key = n["key"]
    if n["kind"] in ("Task", "Footnote", "Responsibility") and "#" in key:
        head = f"{head} {key.rsplit('#', 1)[1]}"
        key = key.rsplit("#", 1)[0]
    title = n.get("title") or ""
    if n["kind"] == "Unit":
        title, key = key, ""
    return short(head, width_chars), short(key, width_chars - 4), short(title, width_chars + 2)


def node_href(n: dict) -> str:
    if n["kind"] == "Unit":
        return url("/unit", name=n["key"])
    if n["kind"] == "Person":
        return url("/search", q=n["key"])
    return url("/doc", key=n["key"])


def _pack(col: list[str], size: dict[str, float], want: dict[str, float | None], gap: float,
          pos: dict[str, float]) -> None:
    """Place a column's items in order, each as near its wanted centre as the ones before it allow."""
    nxt = None
    for v in col:
        w = want.get(v)
        top = (w - size[v] / 2) if w is not None else (nxt if nxt is not None else 0.0)
        if nxt is not None:
            top = max(top, nxt)
        pos[v] = top
        nxt = top + size[v] + gap


def _geometry(cols: list[list[str]], nbrs: dict, orient: str):
    """Boxes of every node / virtual point as (x, y, w, h), and the picture's size. Along a layer,
    items go near the mean of their neighbours in the layer before (a first pass), then of those in
    the layer after (a second pass), so a node sits among the nodes it points to."""
    lr = orient == "LR"
    maj_ext, min_ext = (NODE_W, NODE_H) if lr else (NODE_H, NODE_W)
    maj_gap, min_gap = (COL_GAP, ROW_GAP) if lr else (ROW_GAP_TB, COL_GAP_TB)
    size = {v: DUMMY_H if v.startswith("~") else min_ext for col in cols for v in col}
    pos: dict[str, float] = {}

    def centre(v):
        return pos[v] + size[v] / 2

    def wanted(col, side):
        out = {}
        for v in col:
            ns = [w for s, w in nbrs.get(v, []) if s == side and w in pos]
            out[v] = sum(centre(w) for w in ns) / len(ns) if ns else None
        return out
    for c, col in enumerate(cols):
        _pack(col, size, wanted(col, "prev") if c else {}, min_gap, pos)
    for c in range(len(cols) - 2, -1, -1):
        want = wanted(cols[c], "next")
        for v, w in want.items():
            if w is None:  # nothing after it: stay where the first pass put it
                want[v] = centre(v)
        _pack(cols[c], size, want, min_gap, pos)
    lo = min(pos.values(), default=0.0)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for c, col in enumerate(cols):
        mj = PAD + c * (maj_ext + maj_gap)
        for v in col:
            mn = PAD + pos[v] - lo
            boxes[v] = (mj, mn, maj_ext, size[v]) if lr else (mn, mj, size[v], maj_ext)
    major = PAD * 2 + len(cols) * maj_ext + (len(cols) - 1) * maj_gap
    minor = PAD * 2 + max((pos[v] - lo + size[v] for v in pos), default=min_ext)
    return boxes, (major, minor) if lr else (minor, major)


def choose_orientation(cols: list[list[str]], nbrs: dict, fit_width: float = FIT_WIDTH) -> str:
    """Left-to-right unless the picture is then wider than the page and top-to-bottom is narrower."""
    w_lr = _geometry(cols, nbrs, "LR")[1][0]
    w_tb = _geometry(cols, nbrs, "TB")[1][0]
    return "TB" if w_lr > fit_width and w_tb < w_lr else "LR"


def _edge_path(chain: list[str], boxes: dict, orient: str) -> tuple[str, list[tuple[float, float]]]:
    """SVG path through the chain's boxes: out of a box on its far side, into the next on its near side."""
    lr = orient == "LR"

    def side(v, hi):  # (major, minor) of the middle of a box's low or high major side
        x, y, w, h = boxes[v]
        return (x + (w if hi else 0), y + h / 2) if lr else (y + (h if hi else 0), x + w / 2)

    def major(v):
        x, y, _w, _h = boxes[v]
        return x if lr else y

    pts: list[tuple[float, float]] = []
    for i, v in enumerate(chain):
        if v.startswith("~"):
            pts += [side(v, False), side(v, True)]
        elif i == 0:
            pts.append(side(v, major(chain[1]) >= major(v)))
        else:
            pts.append(side(v, pts[-1][0] > major(v)))
    segs = []
    for (a1, b1), (a2, b2) in zip(pts, pts[1:]):
        ext = NODE_W if lr else NODE_H
        if b1 == b2 and a2 - a1 == ext:
            segs.append(("L", (a2, b2)))
        elif a1 == a2:  # same layer: loop out beyond the boxes
            segs.append(("C", (a1 + 80, b1), (a2 + 80, b2), (a2, b2)))
        else:
            d = max(30.0, abs(a2 - a1) / 2) * (1 if a2 >= a1 else -1)
            segs.append(("C", (a1 + d, b1), (a2 - d, b2), (a2, b2)))

    def xy(p):
        return (p[0], p[1]) if lr else (p[1], p[0])
    d = "M{:.1f},{:.1f}".format(*xy(pts[0]))
    curves = []
    for p0, seg in zip(pts, segs):
        d += " " + seg[0] + " ".join("{:.1f},{:.1f}".format(*xy(p)) for p in seg[1:])
        curves.append((xy(p0), xy(p0), xy(seg[-1]), xy(seg[-1])) if seg[0] == "L"
                      else (xy(p0), xy(seg[1]), xy(seg[2]), xy(seg[3])))
    return d, curves


def _bezier(c, t: float) -> tuple[float, float]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = c
    u = 1 - t
    return (u ** 3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t ** 3 * x3,
            u ** 3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t ** 3 * y3)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_label(curves: list, text: str, taken: list, prefer_end: bool) -> tuple[float, float]:
    """A point on the edge where its label overlaps no box and no label placed before (else the middle)."""
    w, h = len(text) * 6.6 + 8, 16
    order = list(reversed(curves)) if prefer_end else curves
    first = None
    for c in order:
        for t in (0.5, 0.38, 0.62, 0.26, 0.74, 0.15, 0.85):
            x, y = _bezier(c, t)
            box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            first = first or (x, y, box)
            if not any(_overlaps(box, o) for o in taken):
                taken.append(box)
                return x, y
    taken.append(first[2])
    return first[0], first[1]


def draw(result: dict, downstream: bool = False, orient: str | None = None) -> tuple[Markup, list[EdgeGroup]]:
    """The `<svg>` of a trace (or impact, `downstream`) answer, and its edge groups in drawing order.
    `orient` is "LR" (layers as columns) or "TB" (layers as rows); by default the one that fits."""
    nodes = {n["key"]: n for n in result["nodes"]}
    layer, cols, groups, paths, nbrs = layout(result, downstream)
    orient = orient or choose_orientation(cols, nbrs)
    boxes, (width, height) = _geometry(cols, nbrs, orient)
    by_n = {g.n: g for g in groups}
    edge_svg = []
    taken = [(x, y, x + w, y + h) for v, (x, y, w, h) in boxes.items() if not v.startswith("~")]
    for n, chain in paths.items():
        g = by_n[n]
        d, curves = _edge_path(chain, boxes, orient)
        # arrows point from the stating node to the node it names (the relation's direction)
        forward = chain[0] == g.a
        lx, ly = place_label(curves, short(g.label, 26), taken, prefer_end=not forward)
        marker = "marker-end" if forward else "marker-start"
        ev = g.sentence
        title = f"{nodes[g.a]['key']} → {nodes[g.b]['key']}: {g.label}" + (f"\n“{short(ev, 400)}”" if ev else "")
        edge_svg.append(M(
            '<g class="edge {cls}{imp}" id="edge-{n}" tabindex="0" role="button" data-ev="ev-{n}" data-rel="{rel}" '
            'data-from="{a}" data-to="{b}" data-evidence="{evd}" aria-label="{aria}"><title>{title}</title>'
            '<path class="hit" d="{d}"/><path class="line" d="{d}" {marker}="url(#arrow-{cls})"/>'
            '<text class="elabel" x="{lx:.1f}" y="{ly:.1f}" dy="4" text-anchor="middle">{label}</text></g>'
        ).format(cls=g.cls, imp=" implied" if g.implied else "", n=n, rel=",".join(g.rels), a=g.a, b=g.b,
                 evd=short(ev, 1000), aria=f"{g.label}: {nodes[g.a]['key']} → {nodes[g.b]['key']}", title=title,
                 d=M(d), marker=M(marker), lx=lx, ly=ly,
                 label=short(g.label, 26)))
    node_svg = []
    chars = int((NODE_W - 20) / 6.4)
    for k, n in nodes.items():
        if k not in boxes:
            continue
        x, y, _w, _h = boxes[k]
        head, key, title = _lines(n, chars)
        cls = ["node", n["kind"].lower()]
        if k == result["start"]:
            cls.append("start")
        if n.get("root"):
            cls.append("root")
        if n["kind"] == "Document" and not n.get("in_corpus"):
            cls.append("outside")
        flags = []
        if n.get("root"):
            flags.append("GỐC")
        if n["kind"] == "Document" and not n.get("in_corpus"):
            flags.append("chưa có trong kho")
        full = " ".join(x for x in (n.get("doc_type"), n["key"]) if x) + (f" — {n['title']}" if n.get("title") else "")
        node_svg.append(M(
            '<a href="{href}" class="{cls}" data-key="{key_full}"><title>{full}</title>'
            '<rect x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h}" rx="8"/>'
            '<text x="{tx:.1f}" y="{y1:.1f}" class="n-head">{head}</text>'
            '{flag}'
            '<text x="{tx:.1f}" y="{y2:.1f}" class="n-key">{key}</text>'
            '<text x="{tx:.1f}" y="{y3:.1f}" class="n-title">{title}</text></a>'
        ).format(href=node_href(n), cls=" ".join(cls), key_full=n["key"], full=full, x=x, y=y, w=NODE_W, h=NODE_H,
                 tx=x + 10, y1=y + 17, y2=y + 36, y3=y + 55, head=head, key=key, title=title,
                 flag=M('<text x="{fx:.1f}" y="{y1:.1f}" class="n-flag" text-anchor="end">{f}</text>').format(
                     fx=x + NODE_W - 10, y1=y + 17, f=" · ".join(flags)) if flags else M("")))
    markers = join(M('<marker id="arrow-{c}" class="arrow {c}" viewBox="0 0 10 10" refX="9" refY="5" '
                     'markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
                     '<path d="M0,0 L10,5 L0,10 z"/>'
                     '</marker>').format(c=c) for c in ("base", "impl", "cite", "note", "task", "role"))
    svg = M('<svg class="lineage {orient}" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            'viewBox="0 0 {w} {h}" '
            'role="group" aria-label="{aria}"><defs>{markers}</defs><g class="edges">{edges}</g>'
            '<g class="nodes">{nodes}</g></svg>').format(
        orient=orient.lower(), w=int(width), h=int(height),
        aria=f"Sơ đồ {'tác động' if downstream else 'nguồn gốc'} của {result['start']}",
        markers=markers, edges=join(edge_svg), nodes=join(node_svg))
    return svg, [by_n[n] for n in paths]
