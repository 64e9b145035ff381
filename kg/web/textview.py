"""A document's text as displaCy draws it, with the entities `extract.nlp` finds, linked into the app.

spaCy is slow to import, so `extract.nlp` is imported only when a text view is asked for. The
view is displaCy's own "ent" markup with a template that uses CSS classes instead of inline styles
(the app's Content-Security-Policy forbids them): displaCy escapes the text itself, and the link
labels and URLs given to it here are escaped before they go in."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict

from .markup import M, Markup, esc, join, slug, url

TPL_ENT = ('<mark class="entity ent-{label}">{text}<span class="ent-label">{label}{kb_link}</span></mark>')
_STYLE_ATTR = re.compile(r'\s+style="[^"]*"')
_BLANK_LINES = re.compile(r"<br>(?:\s*<br>)+")
_lock = threading.Lock()
_cache: "OrderedDict[tuple, tuple[Markup, Markup]]" = OrderedDict()
CACHE_SIZE = 16


def text_view(record: dict, ref_targets: dict[str, str]) -> tuple[Markup, Markup]:
    """(legend, text) of a source record; REF entities link to the cited document's page
    (`ref_targets` maps a cited key to the store's key), UNIT to the department page,
    DEADLINE to the task row and FOOTNOTE to the footnote on the same page."""
    ck = (record.get("file"), record.get("sha256"), tuple(sorted(ref_targets.items())))
    with _lock:
        if ck in _cache:
            _cache.move_to_end(ck)
            return _cache[ck]
        out = _render(record, ref_targets)
        _cache[ck] = out
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        return out


def _render(record: dict, ref_targets: dict[str, str]) -> tuple[Markup, Markup]:
    from spacy import displacy

    from extract import nlp

    doc = nlp.annotate(record)
    ents = []
    counts: dict[str, int] = {}
    for e in doc.ents:
        if e.label_ not in nlp.LABELS:
            continue
        counts[e.label_] = counts.get(e.label_, 0) + 1
        ent = {"start": e.start_char, "end": e.end_char, "label": e.label_}
        kb, link = e.kb_id_, None
        if e.label_ == "REF" and kb:
            link, kb_text = url("/doc", key=ref_targets.get(kb, kb)), kb
        elif e.label_ == "UNIT" and kb:
            link, kb_text = url("/unit", name=kb), "đơn vị"
        elif e.label_ == "DEADLINE" and kb:
            link, kb_text = "#task-" + slug(kb), f"mục {kb}"
        elif e.label_ == "FOOTNOTE" and kb:
            link, kb_text = "#fn-" + slug(kb), f"chú thích {kb}"
        if link:
            ent["kb_id"] = str(esc(kb_text))  # displaCy writes kb_id and kb_url as they are
            ent["kb_url"] = str(esc(link))
        ents.append(ent)
    markup = displacy.render({"text": doc.text, "ents": ents, "title": None}, style="ent", manual=True, page=False,
                             jupyter=False, options={"ents": list(nlp.LABELS), "template": TPL_ENT})
    # displaCy escapes the document text (quotes too), so style="…" can only come from its templates
    markup = _STYLE_ATTR.sub("", markup).replace("<a href=", '<a class="kb" href=')
    markup = _BLANK_LINES.sub("<br>", markup)  # text taken from PDFs has an empty line after every line
    legend = join(M('<span class="legend-item ent-{lab}">{lab}: {name} ({n})</span>').format(
        lab=lab, name=nlp.LEGEND.get(lab, lab), n=counts.get(lab, 0)) for lab in nlp.LABELS)
    return legend, Markup(markup)

