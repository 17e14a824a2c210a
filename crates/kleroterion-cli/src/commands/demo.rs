//! `kleroterion demo`: wires the command to [`crate::demo::run`] with a progress bar per step.

use std::collections::HashMap;

use super::Context;
use crate::cli::DemoArgs;
use crate::demo::{DemoOptions, DemoProgress};
use crate::error::Result;
use crate::progress::Spinner;

/// Runs `demo`.
pub fn run(ctx: &Context, a: &DemoArgs) -> Result<()> {
    let opts = DemoOptions {
        out: a.out.clone(),
        quiet: ctx.quiet,
        replace: a.force,
    };
    let mut bars: HashMap<&'static str, Spinner> = HashMap::new();
    let mut current: Option<&'static str> = None;
    let mut progress = |p: DemoProgress| {
        if current != Some(p.step) {
            if let Some(prev) = current.take() {
                bars.remove(prev);
            }
            current = Some(p.step);
            bars.insert(p.step, ctx.progress.bar(p.total.max(1), p.step));
        }
        if let Some(b) = bars.get(p.step) {
            b.0.set_length(p.total.max(1));
            b.0.set_position(p.done);
        }
    };
    let summary = crate::demo::run(&opts, &mut progress)?;
    bars.clear();
    if ctx.json {
        let timings: serde_json::Map<String, serde_json::Value> = summary
            .timings
            .iter()
            .map(|(s, d)| ((*s).to_owned(), serde_json::json!(d.as_secs_f64())))
            .collect();
        return super::print_json(&serde_json::json!({
            "out": summary.out.display().to_string(),
            "roll_size": summary.roll_size,
            "volunteers": summary.volunteers,
            "report_md": summary.report_md.display().to_string(),
            "report_html": summary.report_html.display().to_string(),
            "timings": timings,
        }));
    }
    crate::out!("{}", summary.text);
    Ok(())
}
