//! Parity of the rules with one home in the core: drand round planning, the RFC 3797 key and
//! picks, and the verification summary and quota table, for the inputs of
//! `tests/parity/cases.json`. Each output is computed twice, by the core and by the command
//! line's `--json`, and the two must be equal; the Python and wasm tests compare theirs with
//! the command line's the same way. The RFC 3797 worked example is also checked against the
//! key the RFC itself gives (section 6), a value typed from the RFC, not printed by this code.

mod common;

use common::{kl, root};
use kleroterion::beacon::plan_round;
use kleroterion::methods::rfc3797::{key_of_sources, picks_detailed};
use kleroterion::verify::{QuotaTable, Summary};
use serde_json::{Value, json};

/// The key of RFC 3797 section 6 ("9319./2.5.8.10.12./9.18.26.34.41.45./").
const RFC3797_SECTION_6_KEY: &str = "9319./2.5.8.10.12./9.18.26.34.41.45./";

fn cases() -> Value {
    let text = std::fs::read_to_string(root().join("tests/parity/cases.json")).expect("cases");
    serde_json::from_str(&text).expect("cases.json is JSON")
}

fn list<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key].as_array().expect("a list of cases")
}

fn text(v: &Value) -> &str {
    v.as_str().expect("a text")
}

fn cli_json(args: &[&str]) -> Value {
    let out = kl().arg("--json").args(args).output().expect("runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn drand_round_planning_is_the_same() {
    for c in list(&cases(), "drand_rounds") {
        let (chain, after) = (text(&c["chain"]), text(&c["after"]));
        let core = serde_json::to_value(plan_round(chain, after).expect("a plan")).expect("JSON");
        let cli = cli_json(&["drand-round", "--chain", chain, "--after", after]);
        assert_eq!(core, cli, "{c}");
    }
}

/// `{key, picks: [[md5 in lowercase hex, entries remaining, 0-based index]]}`, the shape every
/// front end's test brings its answer to.
#[test]
fn rfc3797_key_and_picks_are_the_same() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let mut example_seen = false;
    for c in list(&cases(), "rfc3797") {
        let sources: Vec<&str> = list(c, "sources").iter().map(text).collect();
        let entries = c["entries"].as_u64().expect("entries") as u32;
        let count = c["count"].as_u64().expect("count") as u32;
        let key = key_of_sources(&sources).expect("a key");
        let picks: Vec<Value> = picks_detailed(&key, entries, count)
            .expect("picks")
            .iter()
            .map(|p| json!([kleroterion::digest::to_hex(&p.md5), p.remaining, p.index]))
            .collect();
        let core = json!({"key": key, "picks": picks});

        let names: Vec<String> = (1..=entries).map(|i| format!("person-{i}")).collect();
        let names_file = common::write(dir.path(), "names.txt", names.join("\n"));
        let mut args = vec!["rfc3797", "--names", names_file.to_str().expect("a path")];
        args.push("--sources");
        args.extend(&sources);
        let count_text = count.to_string();
        args.extend(["--count", &count_text]);
        let out = cli_json(&args);
        let cli_picks: Vec<Value> = list(&out, "picks")
            .iter()
            .map(|p| {
                json!([
                    text(&p["md5"]).to_ascii_lowercase(),
                    p["remaining"],
                    p["position"].as_u64().expect("position") - 1
                ])
            })
            .collect();
        assert_eq!(core, json!({"key": out["key"], "picks": cli_picks}), "{c}");

        if c["rfc_example"] == true {
            assert_eq!(key, RFC3797_SECTION_6_KEY);
            example_seen = true;
        }
    }
    assert!(example_seen, "cases.json holds RFC 3797's worked example");
}

#[test]
fn verification_summary_and_quota_table_are_the_same() {
    for path in list(&cases(), "bundles").iter().map(text) {
        let file = root().join(path);
        let bundle_text = std::fs::read_to_string(&file).expect("bundle");
        let bundle = kleroterion::Bundle::from_json(&bundle_text).expect("a bundle");
        let core = json!({
            "summary": Summary::of(&bundle),
            "quota_table": QuotaTable::of(&bundle),
        });
        let report = cli_json(&["verify", file.to_str().expect("a path")]);
        let cli = json!({"summary": report["summary"], "quota_table": report["quota_table"]});
        assert_eq!(core, cli, "{path}");
        // The shapes read back: what the bindings hand out can be parsed by a Rust program.
        let back: Summary = serde_json::from_value(core["summary"].clone()).expect("summary");
        assert_eq!(back, Summary::of(&bundle));
        let back: QuotaTable = serde_json::from_value(core["quota_table"].clone()).expect("table");
        assert_eq!(back, QuotaTable::of(&bundle));
    }
}

/// The command line prints the same summary and quota table as text, every bundle text
/// escaped.
#[test]
fn verify_prints_the_summary_and_the_quota_table() {
    let file = root().join("fuzz/corpus/bundle_json/greedy.json");
    let out = kl().arg("verify").arg(&file).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let bundle = kleroterion::Bundle::from_json(&std::fs::read_to_string(&file).expect("bundle"))
        .expect("a bundle");
    let summary = Summary::of(&bundle);
    assert!(
        stdout.contains(&format!("Title:       {}", summary.title)),
        "{stdout}"
    );
    assert!(stdout.contains(&summary.commitment_grouped), "{stdout}");
    let table = QuotaTable::of(&bundle);
    assert!(!table.rows.is_empty());
    assert!(
        stdout.contains("Quotas (greedy method: enforced):"),
        "{stdout}"
    );
    for r in &table.rows {
        assert!(
            stdout.contains(&format!("{} = {}", r.feature, r.value)),
            "{stdout}"
        );
    }
}
