"""Rich display in notebooks (``_repr_html_``) and the texts of ``str()``: small HTML tables,
no computation.

Every text that comes from a file (a bundle, a manifest, a receipt, a CSV file) goes through
:func:`safe` before it is shown: control characters (hence ANSI escape sequences) and
bidirectional formatting characters are written as ``\\u{..}`` by the core's
``text::display``, so a crafted file cannot rewrite a terminal or reorder what a page shows.
:func:`h` does that and HTML escaping.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Sequence

from . import _native

if TYPE_CHECKING:
    from .fair import Distribution, Feasibility, Portfolio
    from .pool import Pool, Quotas
    from .chain import ChainReport, PathCheck
    from .protocol import Bundle, Manifest, Parent, Receipt, ReceiptCheck, Replacement, Report, Rfc3797Result, RoundingLoss

TEXT_LIMIT = 4000
"""The longest text shown, in bytes (the core's report lines can be long; names are cut by the
core at 200 bytes where it writes them)."""


def safe(text: Any, limit: int = TEXT_LIMIT) -> str:
    """A text from a file, safe to print: control and bidi characters escaped, cut when long."""
    return _native.display(str(text), limit)


def h(text: Any, limit: int = TEXT_LIMIT) -> str:
    """:func:`safe`, then escaped for HTML."""
    return html.escape(safe(text, limit))

_STYLE = "border-collapse:collapse;font-size:90%"
_CELL = "border:1px solid #ccc;padding:2px 6px;text-align:left"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th style='{_CELL}'>{h(c)}</th>" for c in header)
    body = "".join(
        "<tr>" + "".join(f"<td style='{_CELL}'>{c}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table style='{_STYLE}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _ok(good: bool) -> str:
    return "<span style='color:#080'>✔</span>" if good else "<span style='color:#b00'>✘</span>"


def distribution_html(d: Distribution) -> str:
    summary = (
        f"<p><b>{h(d.method.upper())}</b>: {len(d.probabilities)} people, panels of {d.size}, "
        f"{len(d.weights)} panels in the support.<br>"
        f"Minimum probability <b>{d.min_probability:.4%}</b> (k/n = {d.mean:.4%}), "
        f"maximum {d.max_probability:.4%}, Gini {d.gini:.4f}, "
        f"{d.share_below_mean:.1%} of people below k/n.</p>"
    )
    e = d.expected()
    rows = []
    for feature, value, lo, hi, expected in zip(
        e["feature"].tolist(), e["value"].tolist(), e["min"].tolist(), e["max"].tolist(), e["expected"].tolist()
    ):
        ok = float(lo) - 1e-6 <= float(expected) <= float(hi) + 1e-6
        rows.append((h(feature), h(value), lo, hi, f"{float(expected):.2f}", _ok(ok)))
    return summary + _table(["feature", "value", "min", "max", "expected on the panel", ""], rows)


_PURPOSE_NOTE = {
    "rehearsal": "REHEARSAL: this manifest says it is a test before the real draw; its panel is not the assembly's panel.",
    "replay": (
        "REPLAY: this manifest says it plays a past draw again with randomness that already existed; "
        "it shows how the draw works and proves nothing about who was chosen."
    ),
}
NO_RECIPE_NOTE = (
    "NO RECIPE: no randomness was committed in advance, so any randomness verifies and the organiser "
    "could have chosen it; the draw proves something only if an announcement named exactly this "
    "randomness before it existed."
)


def purpose_note(purpose: Any) -> str:
    """What a rehearsal or a replay means, in one sentence ("" for an official draw)."""
    return _PURPOSE_NOTE.get(str(purpose), "")


def _warning(text: str) -> str:
    return f"<p style='color:#a40;font-weight:bold'>{html.escape(text)}</p>"


def fields_html(title: str, rows: Sequence[tuple[str, Any]]) -> str:
    """A small object as a titled two-column table, every text escaped."""
    table = _table(["", ""], [(h(k), h(v)) for k, v in rows])
    return f"<div><strong>{h(title)}</strong>{table}</div>"


def dataclass_html(obj: Any) -> str:
    """A dataclass as a table of its fields."""
    import dataclasses  # noqa: PLC0415

    return fields_html(type(obj).__name__, [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)])


def portfolio_html(p: Portfolio) -> str:
    rows = [
        ("panels (M)", p.m),
        ("rounding", p.rounding),
        ("lowest probability", f"{p.min_probability:.2%}"),
        ("largest change from the distribution", f"{p.max_change:.3%} ({p.max_change * p.m:.2f}/M)"),
        ("lowest probability before, after", f"{p.min_before:.2%}, {p.min_after:.2%}"),
        ("no lottery of M panels does better than", f"{p.lower_bound:.3%}"),
    ]
    out = fields_html("Lottery of M panels", rows)
    return out + ("" if p.warning is None else _warning(f"Warning: {p.warning}"))


def rfc3797_html(r: Rfc3797Result) -> str:
    rows = [(p.index, p.md5.upper(), p.remaining, p.position, h(p.name)) for p in r.picks]
    table = _table(["index", "MD5 (hex)", "div", "selected", "name"], rows)
    return f"<div><strong>RFC 3797 key</strong> <code>{h(r.key)}</code>{table}</div>"


def rounding_html(r: RoundingLoss) -> str:
    rows = [
        ("largest change", f"{r.max_change:.3%} ({r.max_change_per_m:.2f}/M)"),
        ("lowest probability before", f"{r.min_before:.2%}"),
        ("lowest probability after", f"{r.min_after:.2%}"),
        ("no lottery of M panels does better than", f"{r.lower_bound:.3%}"),
        ("panels (M)", str(r.panels)),
    ]
    table = _table(["rounding to the committed lottery", ""], [(h(k), h(v)) for k, v in rows])
    return table + ("" if r.warning is None else _warning(f"Warning: {r.warning}"))


ROWS_SHOWN = 10
"""The rows of a pool shown in a notebook (its DataFrame shows them all)."""


def pool_html(p: Pool) -> str:
    feats = ", ".join(h(f) for f in p.features) if p.features is not None else "(from the quotas)"
    hh = ", ".join(h(c) for c in p.household_columns) or "none"
    head = (
        f"<p><b>kleroterion pool</b>: {len(p)} people; id column <code>{h(p.ids.name)}</code> "
        f"({h(p.ids.dtype)}); features {feats}; household columns {hh}.</p>"
    )
    shown = p.data.head(ROWS_SHOWN)
    header = [str(c) for c in shown.columns]
    rows = [[h(v, 200) for v in row] for row in shown.itertuples(index=False)]
    more = f"<p><small>… and {len(p) - ROWS_SHOWN} more (<code>pool.data</code>)</small></p>" if len(p) > ROWS_SHOWN else ""
    return head + _table(header, rows) + more


def quotas_html(q: Quotas) -> str:
    rows = [(h(x.feature), h(x.value), x.min, x.max) for x in q]
    head = f"<p><b>kleroterion quotas</b>: {len(q.features)} features, {len(q)} values ({h(q.format)}).</p>"
    return head + _table(["feature", "value", "min", "max"], rows)


def feasibility_html(f: Feasibility) -> str:
    nobody = "".join(_warning(f"Nobody in the pool has {feature}={value}") for feature, value in f.nobody_has)
    if f.feasible:
        example = ", ".join(h(i, 200) for i in (f.example or []))
        return (
            f"<p style='color:#080'><b>Feasible</b>: a panel meets every quota.</p>{nobody}"
            f"<p><small>One such panel (ids): {example}</small></p>"
        )
    out = f"<p style='color:#b00'><b>Not feasible</b>: {h(f.reason or '')}</p>{nobody}"
    if f.relaxations:
        rows = [(h(r.feature), h(r.value), h(r.bound), r.current, r.needed, h(r.reason)) for r in f.relaxations]
        out += "<p>Smallest relaxation:</p>" + _table(["feature", "value", "bound", "now", "needed", "change"], rows)
    return out


def replacement_html(r: Replacement) -> str:
    frame = r.to_frame()
    header = [str(c) for c in frame.columns]
    rows = [["" if v is None or v != v else h(v, 200) for v in row] for row in frame.itertuples(index=False)]
    broken = "".join(_warning(f"Broken quota: {b}") for b in r.broken_quotas)
    ids = "" if r.ids_known else "<p><small>ids unknown here: tickets only</small></p>"
    opened = ""
    if r.openings:
        tickets = ", ".join(f"<code>{h(o.get('ticket', ''), 200)}</code>" for o in r.openings)
        opened = (
            f"<p>Sealed features: the record opens {len(r.openings)} more records, whose values the rule "
            f"read ({tickets}).</p>"
        )
    return (
        f"<p><b>kleroterion replacement</b>: {len(r.dropped)} dropped out; record hash "
        f"<code>{h(r.hash)}</code></p>{broken}" + _table(header, rows) + opened + ids
    )


def receipt_object_html(r: Receipt) -> str:
    sealed = r.opening is not None
    rows = [
        ("ticket", f"<code>{h(r.ticket, 200)}</code>"),
        ("values (from the opening of the sealed record)" if sealed else "values", ", ".join(h(v, 200) for v in r.values)),
        ("pool index", r.index),
        ("commitment", f"<code>{h(r.commitment)}</code>"),
        ("proof", _ok(r.proof_verifies()) + " the record is under the pool's root"),
    ]
    return (
        "<p><b>kleroterion receipt</b> (private: it identifies its holder's ticket). "
        "Check it against a draw with <code>receipt.check(bundle, commitment=...)</code>.</p>" + _table(["", ""], rows)
    )


def manifest_html(m: Manifest) -> str:
    d = m.data
    rows = [
        ("title", h(d.get("title", ""))),
        ("purpose", h(m.purpose)),
        ("announced at", h(d.get("announced_at") or "(not given)")),
        ("method", h(m.method)),
        ("panel size", m.panel_size),
        ("alternates", d.get("alternates", 0)),
        ("household rule", "on" if d.get("household_rule") else "off"),
        ("pool", f"{d['pool']['count']} records, root <code>{h(d['pool']['root'])}</code>"),
        ("commitment", f"<code>{h(m.commitment)}</code>"),
        ("randomness", "committed recipe" if d.get("randomness") else "<b>not committed</b> (any reveal)"),
    ]
    method = d["method"]
    if method["name"] == "maxent":
        counted = ", ".join(h(c) for c in method.get("counted", [])) or "none"
        rows.append(("maxent", f"counted features: {counted}; at most {h(method.get('max_attempts'))} attempts"))
        figures = m.maxent
        if figures is not None:
            rows.append(("maxent count", h(figures["summary"])))
    if m.sealed:
        rows.append(("features", "sealed: the pool publishes a seal of each person's values, and only the panel, the "
                     "alternates and the replacements are opened"))
    if m.parent is not None:
        rows.append(("previous stage", parent_html(m.parent)))
    notes = "".join(_warning(n) for n in (purpose_note(m.purpose), "" if d.get("randomness") else NO_RECIPE_NOTE) if n)
    return "<p><b>kleroterion manifest</b></p>" + notes + _table(["", ""], rows)
def parent_html(p: Parent) -> str:
    """The previous stage a linked stage names, in a line."""
    inherited = ", ".join(h(n) for n in p.inherited) or "none"
    return (
        f"drawn from the invitees of the stage committed as <code>{h(p.commitment)}</code>; "
        f"inherited features: {inherited} (every other feature is declared by the volunteers)"
    )


def _quota_rows(manifest: dict[str, Any], panel: Any) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for f in manifest["features"]:
        name = f["name"]
        counts = panel[name].value_counts() if name in panel.columns else None
        for v in f["values"]:
            c = int(counts.get(v["value"], 0)) if counts is not None else 0
            rows.append((h(name), h(v["value"]), v["min"], v["max"], c, _ok(v["min"] <= c <= v["max"])))
    return rows


def bundle_html(b: Bundle) -> str:
    m = b.manifest
    panel = b.selected
    rejections = b.rejections
    rejected = "" if rejections is None else f" {rejections} walked panels rejected before the one drawn."
    head = (
        f"<p><b>kleroterion draw</b> ({h(m['method']['name'])}): {len(b.selected_tickets)} selected, "
        f"{len(b.alternate_tickets)} alternates.{rejected}<br>commitment <code>{h(b.commitment)}</code><br>"
        f"seed <code>{h(b.seed)}</code><br>transcript <code>{h(b.transcript)}</code></p>"
    )
    notes = "".join(
        _warning(n) for n in (purpose_note(m.get("purpose", "official")), "" if m.get("randomness") else NO_RECIPE_NOTE) if n
    )
    quotas = _table(["feature", "value", "min", "max", "on the panel", ""], _quota_rows(m, panel))
    sealed = (
        "<p>Sealed features: the pool publishes seals; the bundle opens the values of the panel and the "
        "alternates, and no one else's.</p>"
        if m.get("sealed")
        else ""
    )
    parent = b.parent
    linked = (
        f"<p>Linked stage: {parent_html(parent)}. Verify it with <code>kl.verify_chain(bundle, previous)</code>.</p>"
        if parent is not None
        else ""
    )
    return (
        head + notes + sealed + linked + "<p>Quotas against the panel (verify the bundle before trusting it):</p>" + quotas
    )


_MARK_HTML = {
    "passed": _ok(True),
    "failed": _ok(False),
    "skipped": "<span title='does not apply'>–</span>",
    "not_checked": "<span title='not checked'>·</span>",
}
_VERDICT_COLOUR = {"valid": "#080", "valid_if": "#a60", "invalid": "#b00"}


def _step_detail(s: Any) -> str:
    parts = []
    if s.computed is not None and (s.status == "failed" or s.computed != s.published):
        parts.append(f"computed: <code>{h(s.computed)}</code>")
        if s.published is not None:
            parts.append(f"compared with: <code>{h(s.published)}</code>")
    elif s.computed is not None:
        parts.append(f"<code>{h(s.computed)}</code>")
    parts.extend(h(x) for x in s.detail)
    return "<br>".join(parts)


def report_html(r: Report) -> str:
    colour = _VERDICT_COLOUR.get(r.verdict, "#b00")
    out = [f"<p style='font-size:130%;color:{colour}'><b>{h(r.summary)}</b></p>"]
    out.extend(_warning(n) for n in r.notes)
    if r.verdict == "invalid":
        failed = r.failed_step
        where = f" (step {h(failed.id)}: {h(failed.title)})" if failed is not None else ""
        kind = f" [{h(r.error_kind)}]" if r.error_kind else ""
        out.append(f"<p style='color:#b00'><b>Failed{where}</b>{kind}: {h(r.error or '')}</p>")
    if r.by_hand:
        items = "".join(
            f"<li style='margin-bottom:6px'>{h(b.what)}<br>"
            f"<code style='font-size:115%;background:#fff;padding:1px 4px'>{h(b.value)}</code><br>"
            f"<small>against: {h(b.record)}</small></li>"
            for b in r.by_hand
        )
        out.append(
            "<div style='border:2px solid #c80;background:#fff8e5;padding:6px 10px;margin:6px 0'>"
            f"<b>To compare by hand ({len(r.by_hand)}): no program can check these offline</b>"
            f"<ol>{items}</ol></div>"
        )
    rows = [(_MARK_HTML.get(s.status, h(s.status)), h(s.id), h(s.title), _step_detail(s)) for s in r.steps]
    out.append("<p>Checked by computation (✔), failed (✘), does not apply (–), not checked (·):</p>")
    out.append(_table(["", "step", "checks", "detail"], rows))
    return "".join(out)


def receipt_html(c: ReceiptCheck) -> str:
    feats = ", ".join(f"{h(k)}={h(v)}" for k, v in c.features.items())
    head = f"<p>ticket <code>{h(c.ticket, 200)}</code> ({feats})</p>"
    if c.verdict == "invalid":
        return head + (
            "<p style='color:#b00'><b>The bundle FAILED verification</b>"
            f"{' [' + h(c.bundle_error_kind) + ']' if c.bundle_error_kind else ''}: {h(c.bundle_error or '')}<br>"
            "What it says about this ticket is therefore not established and means nothing.</p>"
        )
    colour = "#080" if c.verdict == "valid" else "#a60"
    cond = (
        ""
        if c.verdict == "valid"
        else f"<br><small>only if the bundle's {c.by_hand} items to compare by hand match their public records "
        "(see <code>kl.verify(bundle, commitment=...)</code>)</small>"
    )
    return head + f"<p style='color:{colour}'><b>{h(c.describe_outcome())}</b>{cond}</p>"


def chain_html(c: ChainReport) -> str:
    colour = _VERDICT_COLOUR.get(c.verdict, "#b00")
    out = [f"<p style='font-size:130%;color:{colour}'><b>Chain: {h(c.headline)}</b></p>"]
    failed = c.failed
    if failed is not None:
        where = "the previous stage" if failed is c.previous else "this stage"
        kind = f" [{h(failed.error_kind)}]" if failed.error_kind else ""
        out.append(f"<p style='color:#b00'><b>Failed in {where}</b>{kind}: {h(failed.error or '')}</p>")
    if c._responses:
        rows = [
            (
                "<b>total</b>" if r["feature"] is None else h(r["feature"]),
                "" if r["value"] is None else h(r["value"]),
                r["invited"],
                r["volunteered"],
                h(r["rate"]),
            )
            for r in c._responses
        ]
        out.append("<p>Who answered (invited by the previous stage, then in this pool):</p>")
        out.append(_table(["feature", "value", "invited", "volunteered", "rate"], rows))
    out.append("<h4>Previous stage</h4>" + report_html(c.previous))
    out.append("<h4>This stage</h4>" + report_html(c.report))
    return "".join(out)


def path_html(p: PathCheck) -> str:
    rows = [(h(line.split(": ", 1)[0]), h(line.split(": ", 1)[-1])) for line in p.lines()]
    table = _table(["", ""], rows)
    if p.verdict == "invalid":
        kind = f" [{h(p.chain_error_kind)}]" if p.chain_error_kind else ""
        return (
            f"<p style='color:#b00'><b>The chain FAILED verification</b>{kind}: {h(p.chain_error or '')}<br>"
            "What it says about this person is therefore not established and means nothing.</p>" + table
        )
    colour = "#080" if p.verdict == "valid" else "#a60"
    cond = (
        ""
        if p.verdict == "valid"
        else "<br><small>only if the chain's items to compare by hand match their public records (see "
        "<code>kl.verify_chain(bundle, previous, ...)</code>)</small>"
    )
    return f"<p style='color:{colour}'><b>kleroterion path through a chain</b>{cond}</p>" + table
