//! The report: one list of blocks rendered as Markdown, HTML and terminal text.

use std::fmt::Write as _;

/// A piece of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading of level 1 to 3.
    Heading(u8, String),
    /// A paragraph of plain text.
    Para(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A table: header, then rows; the bool per column says "align right".
    Table {
        /// Column titles.
        header: Vec<String>,
        /// Right-align this column.
        right: Vec<bool>,
        /// The cells.
        rows: Vec<Vec<String>>,
    },
    /// Preformatted text (hashes, histograms).
    Pre(String),
}

/// Renders the blocks as Markdown.
pub fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "{} {text}\n", "#".repeat(usize::from(*level)));
            }
            Block::Para(text) => {
                let _ = writeln!(out, "{text}\n");
            }
            Block::List(items) => {
                for i in items {
                    let _ = writeln!(out, "- {i}");
                }
                out.push('\n');
            }
            Block::Table {
                header,
                right,
                rows,
            } => {
                let cell = |s: &str| s.replace('|', "\\|");
                let _ = writeln!(
                    out,
                    "| {} |",
                    header
                        .iter()
                        .map(|h| cell(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                let rule: Vec<&str> = right
                    .iter()
                    .map(|&r| if r { "---:" } else { "---" })
                    .collect();
                let _ = writeln!(out, "|{}|", rule.join("|"));
                for row in rows {
                    let _ = writeln!(
                        out,
                        "| {} |",
                        row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                    );
                }
                out.push('\n');
            }
            Block::Pre(text) => {
                let _ = writeln!(out, "```\n{}\n```\n", text.trim_end());
            }
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders the blocks as a self-contained HTML page.
pub fn html(title: &str, blocks: &[Block]) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}}\n\
         table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #ccc;padding:.25rem .5rem}}\n\
         th{{background:#f3f3f3}}td.r{{text-align:right}}pre{{background:#f6f6f6;padding:.75rem;overflow-x:auto}}\n\
         </style>\n</head>\n<body>\n",
        esc(title)
    );
    for b in blocks {
        match b {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "<h{level}>{}</h{level}>", esc(text));
            }
            Block::Para(text) => {
                let _ = writeln!(out, "<p>{}</p>", esc(text));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(out, "<li>{}</li>", esc(i));
                }
                out.push_str("</ul>\n");
            }
            Block::Table {
                header,
                right,
                rows,
            } => {
                out.push_str("<table>\n<tr>");
                for h in header {
                    let _ = write!(out, "<th>{}</th>", esc(h));
                }
                out.push_str("</tr>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (c, r) in row.iter().zip(right) {
                        let class = if *r { " class=\"r\"" } else { "" };
                        let _ = write!(out, "<td{class}>{}</td>", esc(c));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
            }
            Block::Pre(text) => {
                let _ = writeln!(out, "<pre>{}</pre>", esc(text.trim_end()));
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Renders a table as aligned plain text for a terminal.
pub fn text_table(header: &[String], right: &[bool], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let mut width = vec![0usize; cols];
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |row: &[String]| {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = width[i].saturating_sub(c.chars().count());
                if right.get(i).copied().unwrap_or(false) {
                    format!("{}{c}", " ".repeat(pad))
                } else {
                    format!("{c}{}", " ".repeat(pad))
                }
            })
            .collect();
        cells.join("  ").trim_end().to_owned()
    };
    let mut out = line(header);
    out.push('\n');
    out.push_str(
        &width
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

/// A percentage with one decimal.
pub fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// A text histogram of probabilities: `bins` equal bins from the lowest to the highest value.
pub fn histogram(values: &[f64], bins: usize) -> String {
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    if values.is_empty() || bins == 0 {
        return String::new();
    }
    if hi - lo < 1e-12 {
        return format!(
            "{} .. {}  {} people (everyone)\n",
            pct(lo),
            pct(hi),
            values.len()
        );
    }
    let step = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for &x in values {
        let b = (((x - lo) / step) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(1).max(1);
    let mut out = String::new();
    for (b, &c) in counts.iter().enumerate() {
        let from = lo + step * b as f64;
        let bar = "#".repeat((c * 40).div_ceil(top));
        let _ = writeln!(
            out,
            "{:>6} .. {:>6}  {:>4}  {bar}",
            pct(from),
            pct(from + step),
            c
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderers_escape_and_align() {
        let blocks = vec![
            Block::Heading(1, "A <b>".into()),
            Block::Table {
                header: vec!["x".into(), "n".into()],
                right: vec![false, true],
                rows: vec![vec!["a|b".into(), "3".into()]],
            },
        ];
        assert!(markdown(&blocks).contains("| a\\|b | 3 |"));
        assert!(html("t", &blocks).contains("<h1>A &lt;b&gt;</h1>"));
        let t = text_table(
            &["x".into(), "n".into()],
            &[false, true],
            &[vec!["abc".into(), "3".into()]],
        );
        assert!(t.ends_with("abc  3\n"), "{t}");
        let h = histogram(&[0.1, 0.1, 0.2], 2);
        assert_eq!(h.lines().count(), 2);
    }
}
