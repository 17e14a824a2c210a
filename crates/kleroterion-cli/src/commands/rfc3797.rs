//! `kleroterion rfc3797`: the IETF NomCom procedure, printed as RFC 3797's own table.

use std::path::Path;

use kleroterion::methods::rfc3797::{key_of_sources, pick_count, picks_detailed};
use kleroterion_files::FileError;
use serde_json::json;

use super::{Context, print_json, show};
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

/// A core error about an argument, named by the command line's option.
fn option_error(option: &str, e: kleroterion::Error) -> CliError {
    match e {
        kleroterion::Error::InvalidArgument { detail, .. } => {
            CliError::Usage(format!("{option}: {detail}"))
        }
        e @ kleroterion::Error::TooManyPicks { .. } => CliError::Usage(format!("--{e}")),
        e => CliError::core_as_is(e),
    }
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
    let sources_option = match &a.seeds {
        Some(p) => show(p),
        None => "--sources".into(),
    };
    let key = key_of_sources(&sources).map_err(|e| option_error(&sources_option, e))?;
    let n = u32::try_from(names.len()).map_err(|_| CliError::Usage("too many names".into()))?;
    let count = pick_count(n, a.count).map_err(|e| option_error("--count", e))?;
    let picks = picks_detailed(&key, n, count).map_err(|e| option_error("--count", e))?;
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
