//! `kleroterion rfc3797`: the IETF NomCom procedure, printed as RFC 3797's own table.

use std::path::Path;

use kleroterion::methods::rfc3797::{Decimal, canonical_decimals, picks_detailed};
use kleroterion_files::FileError;
use serde_json::json;

use super::{Context, print_json};
use crate::cli::Rfc3797Args;
use crate::error::{CliError, Result};

/// The lines of a names or seeds file, without `#` comments and blank lines.
fn lines(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| FileError::io(path, &e))?;
    let text = kleroterion_files::table::decode(&path.display().to_string(), &bytes)?;
    Ok(text
        .lines()
        .map(kleroterion_files::table::clean)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect())
}

/// A source's canonical string: its numbers, sorted, each followed by a period.
fn canonical_source(i: usize, source: &str) -> Result<String> {
    let numbers = source
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            Decimal::parse(s).map_err(|_| {
                CliError::Usage(format!(
                    "source {} (\"{source}\"): \"{s}\" is not a non-negative number. Fix: give the numbers drawn, e.g. \"2 5 12 8 10\"",
                    i + 1
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if numbers.is_empty() {
        return Err(CliError::Usage(format!(
            "source {} is empty. Fix: give the numbers drawn, e.g. \"2 5 12 8 10\"",
            i + 1
        )));
    }
    Ok(canonical_decimals(&numbers))
}

/// Runs `rfc3797`.
pub fn run(ctx: &Context, a: &Rfc3797Args) -> Result<()> {
    let names = lines(&a.names)?;
    if names.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: no names. Fix: one name per line",
            a.names.display()
        )));
    }
    let sources = match &a.seeds {
        Some(p) => lines(p)?,
        None => a.sources.clone(),
    };
    if sources.is_empty() {
        return Err(CliError::Usage(
            "no random sources. Fix: give --sources \"…\" \"…\" or --seeds FILE".into(),
        ));
    }
    let mut key = String::new();
    for (i, s) in sources.iter().enumerate() {
        key.push_str(&canonical_source(i, s)?);
        key.push('/');
    }
    let n = u32::try_from(names.len()).map_err(|_| CliError::Usage("too many names".into()))?;
    let count = a.count.unwrap_or(n).min(n).min(65_536);
    let picks = picks_detailed(&key, n, count);
    let md5 = |b: &[u8; 16]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    if ctx.json {
        let list: Vec<_> = picks
            .iter()
            .enumerate()
            .map(|(i, p)| {
                json!({
                    "index": i + 1,
                    "md5": md5(&p.md5),
                    "remaining": p.remaining,
                    "position": p.index + 1,
                    "name": names[p.index as usize],
                })
            })
            .collect();
        return print_json(&json!({"key": key, "entries": n, "picks": list}));
    }
    crate::outln!(" index        hex value of MD5        div  selected");
    for (i, p) in picks.iter().enumerate() {
        crate::outln!(
            "{:>5}  {}  {:>2}  -> {:>2} <- {}",
            i + 1,
            md5(&p.md5),
            p.remaining,
            p.index + 1,
            names[p.index as usize]
        );
    }
    Ok(())
}
