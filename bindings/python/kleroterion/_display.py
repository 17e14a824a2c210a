"""Rich display in notebooks (``_repr_html_``): small HTML tables, no computation."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from .fair import Distribution
    from .protocol import Bundle, Manifest, Report

_STYLE = "border-collapse:collapse;font-size:90%"
_CELL = "border:1px solid #ccc;padding:2px 6px;text-align:left"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th style='{_CELL}'>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td style='{_CELL}'>{c}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table style='{_STYLE}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _ok(good: bool) -> str:
    return "<span style='color:#080'>✔</span>" if good else "<span style='color:#b00'>✘</span>"


def distribution_html(d: Distribution) -> str:
    summary = (
        f"<p><b>{html.escape(d.method.upper())}</b>: {len(d.probabilities)} people, panels of {d.size}, "
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
        rows.append((html.escape(str(feature)), html.escape(str(value)), lo, hi, f"{float(expected):.2f}", _ok(ok)))
    return summary + _table(["feature", "value", "min", "max", "expected on the panel", ""], rows)


def manifest_html(m: Manifest) -> str:
    d = m.data
    rows = [
        ("title", html.escape(str(d.get("title", "")))),
        ("method", html.escape(m.method)),
        ("panel size", m.panel_size),
        ("alternates", d.get("alternates", 0)),
        ("household rule", "on" if d.get("household_rule") else "off"),
        ("pool", f"{d['pool']['count']} records, root <code>{d['pool']['root']}</code>"),
        ("commitment", f"<code>{m.commitment}</code>"),
        ("randomness", "committed recipe" if d.get("randomness") else "<b>not committed</b> (any reveal)"),
    ]
    return "<p><b>kleroterion manifest</b></p>" + _table(["", ""], rows)


def _quota_rows(manifest: dict[str, Any], panel: Any) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for f in manifest["features"]:
        name = f["name"]
        counts = panel[name].value_counts() if name in panel.columns else None
        for v in f["values"]:
            c = int(counts.get(v["value"], 0)) if counts is not None else 0
            rows.append(
                (html.escape(name), html.escape(v["value"]), v["min"], v["max"], c, _ok(v["min"] <= c <= v["max"]))
            )
    return rows


def bundle_html(b: Bundle) -> str:
    m = b.manifest
    panel = b.selected
    head = (
        f"<p><b>kleroterion draw</b> ({html.escape(m['method']['name'])}): {len(b.selected_tickets)} selected, "
        f"{len(b.alternate_tickets)} alternates.<br>commitment <code>{b.commitment}</code><br>"
        f"seed <code>{b.seed}</code><br>transcript <code>{b.transcript}</code></p>"
    )
    quotas = _table(["feature", "value", "min", "max", "on the panel", ""], _quota_rows(m, panel))
    return head + "<p>Quotas against the panel:</p>" + quotas


def report_html(r: Report) -> str:
    marks = {"passed": _ok(True), "failed": _ok(False), "skipped": "–", "not_checked": "·"}
    rows = [
        (marks.get(s.status, s.status), html.escape(s.title), "<br>".join(html.escape(x) for x in s.detail))
        for s in r.steps
    ]
    verdict = (
        "<p style='color:#080'><b>VALID</b>: every step passed.</p>"
        if r.valid
        else f"<p style='color:#b00'><b>INVALID</b>: {html.escape(r.error or '')}</p>"
    )
    return verdict + _table(["", "step", "detail"], rows)
