//! Writes the example bundles and receipts of the verification page.
//!
//! ```sh
//! cargo run -p kleroterion-wasm --release --example make_examples -- bindings/wasm/www/examples
//! ```
//!
//! Five fictitious draws and a chain of two stages, all made through the core API and fully
//! deterministic:
//!
//! - `lottery`: 2,000 volunteers, 4 features, k = 40, a portfolio of M = 1,000 panels (each
//!   made by a greedy draw on its own seed, so every panel meets every quota), seeded by a
//!   real drand quicknet round and a made-up EuroMillions result ([`LOTTERY_EUROMILLIONS`]);
//! - `lottery-sealed`: the organiser's path for sealed features (SPEC.md section 4.1), 400
//!   volunteers brought in with a [`RosterBuilder`] that seals their 3 features, k = 24, a
//!   portfolio of M = 200 panels, seeded by the same drand round: the pool publishes a seal
//!   per person, the bundle opens the panel and the alternates, each receipt its holder's
//!   record;
//! - `greedy`: 300 volunteers in households, k = 24, at most one person per household,
//!   seeded by dice;
//! - `stratified`: 500 volunteers stratified by commune (largest remainder), k = 30, seeded
//!   by a made-up result of France's Loto ([`STRATIFIED_LOTO`]);
//! - `chain`: two linked stages (SPEC.md section 5.3), made with the core's chain API
//!   ([`kleroterion::chain::parent_of`], [`Manifest::with_parent`], [`Record::link`]): stage
//!   1 invites 24 of 48 people (commune, gender) stratified by commune, seeded by a made-up
//!   Loto result ([`CHAIN_LOTO`]); stage 2 is a lottery over the invitees who answered, each
//!   record linking to its invitee's stage-1 ticket, commune and gender inherited and a
//!   diploma declared, k = 6, M = 100 panels, seeded by the drand round of the lotteries;
//! - `maxent`: maximal entropy (SPEC.md section 9.6), 16 volunteers (gender, age band), k = 6,
//!   both features counted and no shared household, so that no panel can be rejected and each
//!   volunteer's chance is an exact fraction of the count; seeded by dice.
//!
//! All six are `official` draws of protocol v2 whose lotteries are registry entries; the
//! made-up lottery results are the ones a reader would type on the page as published.
//!
//! For each draw: the bundle, three receipts (a selected person, an alternate, someone not
//! selected) and an entry of `index.json`, which the page reads to list the examples. The
//! chain's entry names its stage 2 as `file` and its stage 1 as `previous`, each stage with
//! its receipts and its lottery results, so that one click loads both.
//!
//! With `--demo DIR`, the output folder of `kleroterion demo`, the two stages of the
//! Montpellier 2023 replay come first: `montpellier-stage1` (invitations) and
//! `montpellier-stage2` (the panel), their bundles copied as they are, with one receipt of
//! the demo per outcome found among its receipts (selected, alternate, not selected).
//!
//! It also writes `examples.js`, a classic script that registers the index and the text of
//! every bundle and receipt as `globalThis.KLEROTERION_EXAMPLES`: a page opened straight from
//! its files (`file://`) cannot `fetch` them, but it can load a script. A file larger than
//! [`INLINE_LIMIT`] gets a script of its own (`<file>.js`), named in `scripts` and loaded only
//! when that example is opened.

use std::error::Error;
use std::path::{Path, PathBuf};

use kleroterion::encoding::sha256;
use kleroterion::merkle::MerkleTree;
use kleroterion::methods::greedy;
use kleroterion::model::ResolvedPool;
use kleroterion::seal::Opening;
use kleroterion::stream::Stream;
use kleroterion::{
    Allocation, Bundle, Digest, Fallback, Feature, Manifest, Method, PoolCommitment, Purpose,
    Receipt, Recipe, Record, Reveal, RosterBuilder, SourceSpec, SourceValue, TicketKey, ValueQuota,
    draw,
};
use serde::Serialize;

type Res<T> = Result<T, Box<dyn Error>>;

/// drand quicknet's chain hash.
const QUICKNET: &str = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
/// A real quicknet round (produced 2026-07-23T07:38:30Z) and its signature.
const QUICKNET_ROUND: u64 = 30_662_982;
const QUICKNET_SIGNATURE: &str = "8b3edd0d42a2fa36ac15641a2dea2e4f4895acec2ef72ef39e5b6138f0346fb6b046dde1b4b3d09ff5fe8a6a7acd674a";

/// The made-up EuroMillions result of the `lottery` example: (date, main numbers, stars).
const LOTTERY_EUROMILLIONS: (&str, [u32; 5], [u32; 2]) =
    ("2026-07-24", [7, 19, 23, 36, 44], [3, 11]);
/// The made-up Loto result of the `stratified` example: (date, main numbers, numéro chance).
const STRATIFIED_LOTO: (&str, [u32; 5], [u32; 1]) = ("2026-11-11", [4, 15, 27, 33, 41], [8]);
/// The made-up Loto result of the chain's stage 1 (a Saturday draw, after its announcement
/// and before stage 2's).
const CHAIN_LOTO: (&str, [u32; 5], [u32; 1]) = ("2026-07-04", [3, 12, 26, 38, 45], [6]);

/// Files larger than this get their own script instead of being inlined in `examples.js`.
const INLINE_LIMIT: usize = 1 << 20;

/// A feature of the generated pool: name and (value, weight) pairs.
struct Spec {
    name: &'static str,
    values: &'static [(&'static str, u32)],
}

const GENDER: Spec = Spec {
    name: "genre",
    values: &[("femme", 52), ("homme", 48)],
};
const AGE: Spec = Spec {
    name: "âge",
    values: &[
        ("16-24", 12),
        ("25-34", 17),
        ("35-49", 26),
        ("50-64", 24),
        ("65+", 21),
    ],
};
const COMMUNE: Spec = Spec {
    name: "commune",
    values: &[
        ("Montpellier", 55),
        ("Pérols", 12),
        ("Saint-Jean-de-Védas", 15),
        ("Castelnau-le-Lez", 18),
    ],
};
const DIPLOMA: Spec = Spec {
    name: "diplôme",
    values: &[("sans diplôme", 30), ("bac", 35), ("supérieur", 35)],
};

/// A deterministic generator for the fictitious pools (the protocol's own stream).
struct Gen(Stream);

impl Gen {
    fn new(label: &str) -> Self {
        Self(Stream::from_key(&sha256(label.as_bytes())))
    }

    fn below(&mut self, n: u32) -> u32 {
        kleroterion::sampling::uniform(&mut self.0, u64::from(n)) as u32
    }

    fn pick(&mut self, values: &[(&'static str, u32)]) -> &'static str {
        let total: u32 = values.iter().map(|v| v.1).sum();
        let mut x = self.below(total);
        for (name, w) in values {
            if x < *w {
                return name;
            }
            x -= w;
        }
        values[0].0
    }

    fn ticket(&mut self) -> String {
        let a = self.0.next_u32();
        format!("{:04X}-{:04X}", a >> 16, a & 0xFFFF)
    }
}

/// `n` fictitious volunteers; with `households`, some share a household key.
fn pool(label: &str, n: usize, specs: &[&Spec], households: bool) -> Vec<Record> {
    let mut g = Gen::new(label);
    let mut records: Vec<Record> = Vec::with_capacity(n);
    let mut tickets = std::collections::BTreeSet::new();
    while records.len() < n {
        let ticket = g.ticket();
        if !tickets.insert(ticket.clone()) {
            continue;
        }
        let values = specs.iter().map(|s| g.pick(s.values).to_string()).collect();
        let household = if households {
            // About a third of the volunteers live with another volunteer.
            let shares = !records.is_empty() && g.below(3) == 0;
            let key = if shares {
                let i = g.below(records.len() as u32) as usize;
                records[i].household.clone()
            } else {
                None
            };
            Some(key.unwrap_or_else(|| format!("foyer-{:05}", records.len())))
        } else {
            None
        };
        records.push(Record {
            link: None,
            seal: None,
            holder: kleroterion::tickets::holder_of(&secret(&ticket)),
            ticket,
            values,
            household,
        });
    }
    // A tag says only that records live together: people alone in their household have none.
    let mut carriers = std::collections::BTreeMap::<String, usize>::new();
    for h in records.iter().filter_map(|r| r.household.clone()) {
        *carriers.entry(h).or_default() += 1;
    }
    for r in &mut records {
        if r.household.as_ref().is_some_and(|h| carriers[h] < 2) {
            r.household = None;
        }
    }
    records
}

/// The receipt secret of the fictitious volunteer holding `ticket`.
fn secret(ticket: &str) -> [u8; 32] {
    *sha256(format!("kleroterion page examples: receipt secret of {ticket}").as_bytes()).as_bytes()
}

/// The disclosure floor of an example: the default of 5, or the smallest cell when the pool
/// has smaller ones. The lowered floor is recorded in the manifest, and the page shows it.
fn floor_of(features: &[Feature], records: &[Record]) -> Res<u32> {
    let pool = ResolvedPool::new(features, records)?;
    let smallest = kleroterion::disclosure::Cells::of(&pool).map_or(1, |c| c.smallest);
    Ok(smallest.min(kleroterion::disclosure::DEFAULT_FLOOR))
}

/// Quotas around each value's share of the pool: `target ± slack`.
fn features(records: &[Record], specs: &[&Spec], k: u32, slack: u32) -> Vec<Feature> {
    let rows: Vec<&[String]> = records.iter().map(|r| r.values.as_slice()).collect();
    quotas(&rows, specs, k, slack)
}

/// [`features`] from each person's values, one per feature.
fn quotas(rows: &[&[String]], specs: &[&Spec], k: u32, slack: u32) -> Vec<Feature> {
    let n = rows.len() as u64;
    specs
        .iter()
        .enumerate()
        .map(|(f, s)| Feature {
            name: s.name.into(),
            values: s
                .values
                .iter()
                .map(|(v, _)| {
                    let count = rows.iter().filter(|r| r[f] == *v).count() as u64;
                    let target = (u64::from(k) * count + n / 2) / n;
                    let target = target as u32;
                    ValueQuota {
                        value: (*v).into(),
                        min: target.saturating_sub(slack),
                        max: (target + slack).min(k),
                    }
                })
                .collect(),
        })
        .collect()
}

/// What a draw commits to, besides its features, pool and randomness.
struct Setup<'a> {
    title: &'a str,
    announced_at: &'a str,
    method: Method,
    k: u32,
    alternates: u32,
    household_rule: bool,
}

fn manifest(
    setup: Setup<'_>,
    features: Vec<Feature>,
    records: &[Record],
    sources: Vec<SourceSpec>,
) -> Res<Manifest> {
    let Setup {
        title,
        announced_at,
        method,
        k,
        alternates,
        household_rule,
    } = setup;
    let min_cell = floor_of(&features, records)?;
    Ok(
        Manifest::new(title, method, k, features, PoolCommitment::of(records)?)
            .with_min_cell(min_cell)
            .with_announced_at(announced_at)
            .with_alternates(alternates)
            .with_household_rule(household_rule)
            .with_randomness(Recipe {
                sources,
                fallback: Fallback::NextValue,
            })
            .with_purpose(Purpose::Official),
    )
}

/// A source of the registry's lottery `id` on `date`.
fn lottery_source(id: &str, date: &str) -> SourceSpec {
    SourceSpec::Lottery {
        lottery: id.into(),
        date: date.into(),
        format: None,
        draw_at: None,
    }
}

/// The lottery portfolio: `m` panels, each the (sorted) result of a greedy draw.
fn portfolio(greedy_manifest: &Manifest, records: &[Record], m: u32) -> Res<Vec<Vec<u32>>> {
    let pool = ResolvedPool::new(&greedy_manifest.features, records)?;
    portfolio_of(greedy_manifest, &pool, m)
}

/// [`portfolio`] over a resolved pool (for a sealed pool, the organiser's view of the values).
fn portfolio_of(greedy_manifest: &Manifest, pool: &ResolvedPool, m: u32) -> Res<Vec<Vec<u32>>> {
    let mut panels = Vec::with_capacity(m as usize);
    for i in 0..m {
        let seed: Digest = sha256(format!("portfolio panel {i}").as_bytes());
        let (mut panel, _) = greedy::draw(greedy_manifest, pool, &seed, 100)?;
        panel.sort_unstable();
        panels.push(panel);
    }
    Ok(panels)
}

#[derive(Serialize)]
struct ReceiptEntry {
    file: String,
    ticket: String,
    outcome: String,
}

#[derive(Serialize)]
struct Example {
    id: String,
    file: String,
    method: String,
    title_en: String,
    title_fr: String,
    pool_count: u32,
    panel_size: u32,
    receipts: Vec<ReceiptEntry>,
    /// The lottery results of the draw as their operators published them (made up for the
    /// fictitious draws), in the form the page's field takes:
    /// `euromillions@2026-07-24=7,19,23,36,44+3,11`.
    lotteries: Vec<String>,
    /// For a stage drawn from a previous stage's invitees: the previous stage's bundle, loaded
    /// with it to verify the chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<String>,
    /// The previous stage's receipts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    previous_receipts: Vec<ReceiptEntry>,
    /// The previous stage's lottery results as published.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    previous_lotteries: Vec<String>,
}

fn write(dir: &Path, name: &str, text: &str) -> Res<()> {
    std::fs::write(dir.join(name), text)?;
    println!("wrote {}", dir.join(name).display());
    Ok(())
}

/// Writes the bundle and three receipts; returns the index entry.
fn emit(dir: &Path, id: &str, bundle: &Bundle, title_en: &str, title_fr: &str) -> Res<Example> {
    emit_with(dir, id, bundle, None, None, title_en, title_fr)
}

/// [`emit`], with the receipts of every record in pool order when the draw issued them (a
/// sealed pool's carry their holder's opening); otherwise each is issued here. The selected
/// person's receipt is the third of the panel's, or `selected`'s when given.
fn emit_with(
    dir: &Path,
    id: &str,
    bundle: &Bundle,
    issued: Option<&[Receipt]>,
    selected: Option<&str>,
    title_en: &str,
    title_fr: &str,
) -> Res<Example> {
    // The lottery portfolio holds tens of thousands of numbers: write it compactly.
    let text = match bundle.manifest.method {
        Method::Lottery { .. } => serde_json::to_string(bundle)?,
        _ => bundle.to_json()?,
    };
    write(dir, &format!("{id}.json"), &text)?;
    let tree = MerkleTree::from_records(&bundle.pool)?;
    let index_of = |t: &str| bundle.pool.iter().position(|r| r.ticket == t);
    let not_selected = bundle.pool.iter().find(|r| {
        !bundle.result.selected.contains(&r.ticket) && !bundle.result.alternates.contains(&r.ticket)
    });
    let picks = [
        (
            "selected",
            selected
                .map(str::to_string)
                .or_else(|| bundle.result.selected.get(2).cloned()),
        ),
        ("alternate", bundle.result.alternates.first().cloned()),
        ("not-selected", not_selected.map(|r| r.ticket.clone())),
    ];
    let mut receipts = Vec::new();
    for (outcome, ticket) in picks {
        let Some(ticket) = ticket else { continue };
        let Some(index) = index_of(&ticket) else {
            continue;
        };
        let receipt = match issued {
            Some(receipts) => receipts.get(index).cloned().ok_or("no receipt issued")?,
            None => Receipt::issue(
                bundle.commitment,
                &tree,
                &bundle.pool,
                index as u32,
                &secret(&ticket),
            )?,
        };
        let file = format!("{id}-receipt-{outcome}.json");
        write(dir, &file, &serde_json::to_string_pretty(&receipt)?)?;
        receipts.push(ReceiptEntry {
            file,
            ticket,
            outcome: outcome.into(),
        });
    }
    Ok(Example {
        id: id.into(),
        file: format!("{id}.json"),
        method: bundle.manifest.method.name().into(),
        title_en: title_en.into(),
        title_fr: title_fr.into(),
        pool_count: bundle.manifest.pool.count,
        panel_size: bundle.manifest.panel_size,
        receipts,
        lotteries: lotteries_of(bundle),
        previous: None,
        previous_receipts: Vec::new(),
        previous_lotteries: Vec::new(),
    })
}

/// The lottery values of a bundle as `LOTTERY@DATE=MAIN+BONUS` lines.
fn lotteries_of(bundle: &Bundle) -> Vec<String> {
    let specs = bundle.manifest.randomness.iter().flat_map(|r| &r.sources);
    let list = |xs: &[u32]| xs.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    specs
        .zip(&bundle.reveal.sources)
        .filter_map(|(spec, value)| match (spec, value) {
            (
                SourceSpec::Lottery { lottery, date, .. },
                SourceValue::Lottery { main, bonus, .. },
            ) => {
                let mut line = format!("{lottery}@{date}={}", list(main));
                for g in bonus {
                    line.push('+');
                    line.push_str(&list(g));
                }
                Some(line)
            }
            _ => None,
        })
        .collect()
}

fn lottery_example(dir: &Path) -> Res<Example> {
    let specs = [&GENDER, &AGE, &COMMUNE, &DIPLOMA];
    let records = pool("example lottery pool", 2000, &specs, false);
    let k = 40;
    let feats = features(&records, &specs, k, 2);
    let sources = vec![
        SourceSpec::Drand {
            chain: Digest::from_hex(QUICKNET, "chain")?,
            round: QUICKNET_ROUND,
        },
        lottery_source("euromillions", LOTTERY_EUROMILLIONS.0),
    ];
    let greedy_manifest = manifest(
        Setup {
            title: "portfolio",
            announced_at: "2026-07-20T12:00:00Z",
            method: Method::Greedy { max_attempts: 100 },
            k,
            alternates: 10,
            household_rule: false,
        },
        feats.clone(),
        &records,
        sources.clone(),
    )?;
    let panels = portfolio(&greedy_manifest, &records, 1000)?;
    let m = manifest(
        Setup {
            title: "Exemple fictif : convention citoyenne, loterie sur 1 000 panels",
            announced_at: "2026-07-20T12:00:00Z",
            method: Method::Lottery { portfolio: panels },
            k,
            alternates: 10,
            household_rule: false,
        },
        feats,
        &records,
        sources,
    )?;
    let reveal = Reveal {
        sources: vec![
            SourceValue::Drand {
                chain: Digest::from_hex(QUICKNET, "chain")?,
                round: QUICKNET_ROUND,
                signature: kleroterion::digest::from_hex(QUICKNET_SIGNATURE, "signature")?,
                previous_signature: None,
                randomness: None,
            },
            SourceValue::Lottery {
                lottery: "euromillions".into(),
                main: LOTTERY_EUROMILLIONS.1.to_vec(),
                bonus: vec![LOTTERY_EUROMILLIONS.2.to_vec()],
            },
        ],
    };
    let bundle = draw(&m, &records, &reveal)?;
    emit(
        dir,
        "lottery",
        &bundle,
        "Lottery: 2,000 volunteers, 1,000 committed panels (drand + EuroMillions)",
        "Loterie : 2 000 volontaires, 1 000 panels engagés (drand + EuroMillions)",
    )
}

/// The organiser's path for a sealed lottery: people brought in with a roster that seals
/// their features, the portfolio computed on the values only the organiser sees, the draw
/// given every record's opening, and receipts that carry their holder's opening.
fn sealed_lottery_example(dir: &Path) -> Res<Example> {
    let specs = [&GENDER, &AGE, &COMMUNE];
    let (n, k, m) = (400, 24, 200);
    // The volunteers' values, made up as for the other examples.
    let mut g = Gen::new("example sealed lottery pool");
    let people: Vec<Vec<String>> = (0..n)
        .map(|_| specs.iter().map(|s| g.pick(s.values).to_string()).collect())
        .collect();
    let rows: Vec<&[String]> = people.iter().map(Vec::as_slice).collect();
    // A fictitious ticket key; a real commit draws 256 random bits and keeps them private.
    let key = TicketKey::from_bytes(
        sha256(b"kleroterion page examples: ticket key of the sealed lottery").as_bytes(),
    )?;
    let mut builder = RosterBuilder::new(quotas(&rows, &specs, k, 2), key).sealed();
    for (i, values) in people.iter().enumerate() {
        builder.add(&format!("volontaire {i}"), values, None)?;
    }
    let roster = builder.finish(k)?;
    let records: Vec<Record> = roster.records().collect();
    let openings = (0..roster.len())
        .map(|pos| roster.opening(pos).ok_or("the roster seals the features"))
        .collect::<Result<Vec<Opening>, _>>()?;
    let greedy_manifest = Manifest::new(
        "portfolio",
        Method::Greedy { max_attempts: 100 },
        k,
        roster.features().to_vec(),
        roster.commitment()?,
    );
    let panels = portfolio_of(&greedy_manifest, &roster.resolved(), m)?;
    let chain = Digest::from_hex(QUICKNET, "chain")?;
    let manifest = Manifest::new(
        "Exemple fictif : loterie aux caractéristiques scellées",
        Method::Lottery { portfolio: panels },
        k,
        roster.features().to_vec(),
        roster.commitment()?,
    )
    .with_sealed(true)
    .with_announced_at("2026-07-20T12:00:00Z")
    .with_alternates(6)
    .with_randomness(Recipe {
        sources: vec![SourceSpec::Drand {
            chain,
            round: QUICKNET_ROUND,
        }],
        fallback: Fallback::NextValue,
    })
    .with_purpose(Purpose::Official);
    let reveal = Reveal {
        sources: vec![SourceValue::Drand {
            chain,
            round: QUICKNET_ROUND,
            signature: kleroterion::digest::from_hex(QUICKNET_SIGNATURE, "signature")?,
            previous_signature: None,
            randomness: None,
        }],
    };
    let committed = manifest.commit(records)?.with_openings(openings)?;
    let bundle = committed.draw(&reveal)?;
    let receipts = committed.receipts(|pos| roster.secret(pos))?;
    emit_with(
        dir,
        "lottery-sealed",
        &bundle,
        Some(&receipts),
        None,
        "Sealed lottery: 400 volunteers whose features stay sealed, 200 committed panels (drand)",
        "Loterie scellée : 400 volontaires aux caractéristiques scellées, 200 panels engagés (drand)",
    )
}

fn greedy_example(dir: &Path) -> Res<Example> {
    let specs = [&GENDER, &AGE, &COMMUNE];
    let records = pool("example greedy pool", 300, &specs, true);
    let k = 24;
    let feats = features(&records, &specs, k, 2);
    let m = manifest(
        Setup {
            title: "Exemple fictif : panel citoyen avec foyers",
            announced_at: "2026-11-02T09:00:00Z",
            method: Method::Greedy { max_attempts: 100 },
            k,
            alternates: 8,
            household_rule: true,
        },
        feats,
        &records,
        vec![SourceSpec::Dice {
            count: 10,
            faces: 6,
            witnesses: "deux volontaires et un huissier".into(),
        }],
    )?;
    let reveal = Reveal {
        sources: vec![SourceValue::Dice {
            values: vec![3, 6, 1, 1, 4, 5, 2, 6, 3, 2],
        }],
    };
    let bundle = draw(&m, &records, &reveal)?;
    emit(
        dir,
        "greedy",
        &bundle,
        "Greedy with quotas: 300 volunteers, one per household (dice)",
        "Glouton avec quotas : 300 volontaires, un par foyer (dés)",
    )
}

fn stratified_example(dir: &Path) -> Res<Example> {
    let specs = [&GENDER, &COMMUNE];
    let records = pool("example stratified pool", 500, &specs, false);
    let k = 30;
    let feats = features(&records, &specs, k, 3);
    let m = manifest(
        Setup {
            title: "Exemple fictif : tirage stratifié par commune",
            announced_at: "2026-11-10T18:00:00Z",
            method: Method::Stratified {
                feature: "commune".into(),
                allocation: Allocation::LargestRemainder,
            },
            k,
            alternates: 6,
            household_rule: false,
        },
        feats,
        &records,
        vec![lottery_source("fr-loto", STRATIFIED_LOTO.0)],
    )?;
    let reveal = Reveal {
        sources: vec![SourceValue::Lottery {
            lottery: "fr-loto".into(),
            main: STRATIFIED_LOTO.1.to_vec(),
            bonus: vec![STRATIFIED_LOTO.2.to_vec()],
        }],
    };
    let bundle = draw(&m, &records, &reveal)?;
    emit(
        dir,
        "stratified",
        &bundle,
        "Stratified by commune: 500 volunteers (Loto)",
        "Stratifié par commune : 500 volontaires (Loto)",
    )
}

/// The age bands of the small `maxent` example.
const AGE_BANDS: Spec = Spec {
    name: "âge",
    values: &[("16-34", 30), ("35-59", 40), ("60+", 30)],
};

/// A maximal-entropy draw (SPEC.md section 9.6) small enough to count by hand: every feature
/// with quotas is counted and nobody shares a household, so no panel can be rejected and each
/// volunteer's chance is an exact fraction of the count, unequal across the groups.
fn maxent_example(dir: &Path) -> Res<Example> {
    let specs = [&GENDER, &AGE_BANDS];
    let records = pool("example maxent pool", 16, &specs, false);
    let k = 6;
    let feats = features(&records, &specs, k, 1);
    let names: Vec<String> = specs.iter().map(|s| s.name.to_string()).collect();
    let counted = kleroterion::methods::maxent::count_order(&feats, &names, k);
    let m = manifest(
        Setup {
            title: "Exemple fictif : panel de quartier à entropie maximale",
            announced_at: "2026-11-16T18:00:00Z",
            method: Method::Maxent {
                counted,
                max_attempts: 100,
                weights: Vec::new(),
            },
            k,
            alternates: 3,
            household_rule: true,
        },
        feats,
        &records,
        vec![SourceSpec::Dice {
            count: 10,
            faces: 6,
            witnesses: "la présidente du conseil de quartier et deux volontaires".into(),
        }],
    )?;
    let reveal = Reveal {
        sources: vec![SourceValue::Dice {
            values: vec![5, 2, 6, 4, 1, 3, 3, 6, 2, 5],
        }],
    };
    let bundle = draw(&m, &records, &reveal)?;
    emit(
        dir,
        "maxent",
        &bundle,
        "Maximal entropy: 16 volunteers, every panel meeting the quotas equally likely (dice)",
        "Entropie maximale : 16 volontaires, chaque panel respectant les quotas également probable (dés)",
    )
}

/// Two linked stages (SPEC.md section 5.3): invitations stratified by commune, then a lottery
/// over the invitees who answered, each record linking to the stage-1 ticket of its invitee,
/// with commune and gender inherited from stage 1 and a diploma declared by the volunteer.
fn chain_example(dir: &Path) -> Res<Example> {
    // Stage 1: 48 people of a fictitious roll, 16 invited and 8 alternates.
    let specs = [&COMMUNE, &GENDER];
    let roll = pool("example chain roll", 48, &specs, false);
    let feats = features(&roll, &specs, 16, 3);
    let m1 = manifest(
        Setup {
            title: "Exemple fictif : étape 1, invitations tirées sur la liste électorale",
            announced_at: "2026-07-01T09:00:00Z",
            method: Method::Stratified {
                feature: "commune".into(),
                allocation: Allocation::LargestRemainder,
            },
            k: 16,
            alternates: 8,
            household_rule: false,
        },
        feats,
        &roll,
        vec![lottery_source("fr-loto", CHAIN_LOTO.0)],
    )?;
    let reveal1 = Reveal {
        sources: vec![SourceValue::Lottery {
            lottery: "fr-loto".into(),
            main: CHAIN_LOTO.1.to_vec(),
            bonus: vec![CHAIN_LOTO.2.to_vec()],
        }],
    };
    let stage1 = draw(&m1, &roll, &reveal1)?;

    // Stage 2: about two invitees in three answer; each gets a ticket of this stage, links to
    // their stage-1 ticket, keeps the values of their stage-1 record and declares a diploma.
    let mut g = Gen::new("example chain answers");
    let mut records: Vec<Record> = Vec::new();
    for invitee in kleroterion::chain::invitees(&stage1) {
        if g.below(3) == 0 {
            continue;
        }
        let from = stage1
            .pool
            .iter()
            .find(|r| r.ticket == invitee)
            .ok_or("an invitee is in the pool")?;
        let ticket = g.ticket();
        let mut values = from.values.clone();
        values.push(g.pick(DIPLOMA.values).to_string());
        records.push(Record {
            link: Some(invitee.to_string()),
            seal: None,
            holder: kleroterion::tickets::holder_of(&secret(&ticket)),
            ticket,
            values,
            household: None,
        });
    }
    let specs2 = [&COMMUNE, &GENDER, &DIPLOMA];
    let k = 6;
    let feats2 = features(&records, &specs2, k, 2);
    let chain = Digest::from_hex(QUICKNET, "chain")?;
    let sources = vec![SourceSpec::Drand {
        chain,
        round: QUICKNET_ROUND,
    }];
    let setup = |title: &'static str, method: Method| Setup {
        title,
        announced_at: "2026-07-20T12:00:00Z",
        method,
        k,
        alternates: 4,
        household_rule: false,
    };
    let greedy_manifest = manifest(
        setup("portfolio", Method::Greedy { max_attempts: 100 }),
        feats2.clone(),
        &records,
        sources.clone(),
    )?;
    let panels = portfolio(&greedy_manifest, &records, 100)?;
    let parent = kleroterion::chain::parent_of(&stage1, vec!["commune".into(), "genre".into()])?;
    let m2 = manifest(
        setup(
            "Exemple fictif : étape 2, panel tiré parmi les invités qui ont répondu",
            Method::Lottery { portfolio: panels },
        ),
        feats2,
        &records,
        sources,
    )?
    .with_parent(parent);
    let reveal2 = Reveal {
        sources: vec![SourceValue::Drand {
            chain,
            round: QUICKNET_ROUND,
            signature: kleroterion::digest::from_hex(QUICKNET_SIGNATURE, "signature")?,
            previous_signature: None,
            randomness: None,
        }],
    };
    let stage2 = draw(&m2, &records, &reveal2)?;

    // Stage 1's receipt of a selected person is that of someone who answered, so that their
    // path goes on into stage 2.
    let answered = stage1
        .result
        .selected
        .iter()
        .find(|t| records.iter().any(|r| r.link.as_ref() == Some(*t)))
        .cloned();
    let first = emit_with(
        dir,
        "chain-stage1",
        &stage1,
        None,
        answered.as_deref(),
        "",
        "",
    )?;
    let second = emit(dir, "chain-stage2", &stage2, "", "")?;
    let (invited, volunteers) = (first.panel_size + m1.alternates, records.len());
    Ok(Example {
        id: "chain".into(),
        title_en: format!(
            "Linked stages: {invited} of 48 people invited (Loto), then a panel of {k} among the {volunteers} who answered (drand)"
        ),
        title_fr: format!(
            "Étapes liées : {invited} personnes invitées sur 48 (Loto), puis un panel de {k} parmi les {volunteers} qui ont répondu (drand)"
        ),
        previous: Some(first.file),
        previous_receipts: first.receipts,
        previous_lotteries: first.lotteries,
        ..second
    })
}

/// The outcome of a ticket in a bundle, as named in the receipt files.
fn outcome_of(bundle: &Bundle, ticket: &str) -> &'static str {
    if bundle.result.selected.iter().any(|t| t == ticket) {
        "selected"
    } else if bundle.result.alternates.iter().any(|t| t == ticket) {
        "alternate"
    } else {
        "not-selected"
    }
}

/// Thousands separated by `sep`.
fn grouped(n: u32, sep: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// One stage of the demo (`kleroterion demo --out DIR`): its bundle, copied as it is, and
/// one of its receipts per outcome (the first in file-name order).
fn demo_example(dir: &Path, demo: &Path, stage: u32) -> Res<Example> {
    let stage_dir = demo.join(if stage == 1 {
        "stage1-invitations"
    } else {
        "stage2-panel"
    });
    let id = format!("montpellier-stage{stage}");
    let text = std::fs::read_to_string(stage_dir.join("bundle.json"))
        .map_err(|e| format!("{}: {e}", stage_dir.join("bundle.json").display()))?;
    let bundle = Bundle::from_json(&text)?;
    write(dir, &format!("{id}.json"), &text)?;

    let mut names: Vec<PathBuf> = std::fs::read_dir(stage_dir.join("commit/private/receipts"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.retain(|p| p.extension().is_some_and(|e| e == "json"));
    names.sort();
    let mut receipts: Vec<ReceiptEntry> = Vec::new();
    for outcome in ["selected", "alternate", "not-selected"] {
        for path in &names {
            let receipt_text = std::fs::read_to_string(path)?;
            let receipt: Receipt = serde_json::from_str(&receipt_text)?;
            if receipt.commitment != bundle.commitment
                || outcome_of(&bundle, &receipt.record.ticket) != outcome
            {
                continue;
            }
            let file = format!("{id}-receipt-{outcome}.json");
            write(dir, &file, &receipt_text)?;
            receipts.push(ReceiptEntry {
                file,
                ticket: receipt.record.ticket.clone(),
                outcome: outcome.into(),
            });
            break;
        }
    }

    let k = bundle.manifest.panel_size;
    let n = bundle.manifest.pool.count;
    let method = bundle.manifest.method.name();
    let (title_en, title_fr) = if stage == 1 {
        (
            format!(
                "Montpellier 2023, stage 1: invitations ({} of {} voters; drand + EuroMillions)",
                grouped(k, ","),
                grouped(n, ",")
            ),
            format!(
                "Montpellier 2023, étape 1 : invitations ({} sur {} électeurs ; drand + EuroMillions)",
                grouped(k, " "),
                grouped(n, " ")
            ),
        )
    } else {
        let (how_en, how_fr) = match method {
            "lottery" => ("LEXIMIN lottery", "loterie LEXIMIN"),
            "greedy" => ("greedy", "glouton"),
            "maxent" => ("maximal entropy", "entropie maximale"),
            other => (other, other),
        };
        (
            format!(
                "Montpellier 2023, stage 2: panel ({k} of {n} volunteers, {how_en}; drand + EuroMillions)"
            ),
            format!(
                "Montpellier 2023, étape 2 : panel ({k} sur {n} volontaires, {how_fr} ; drand + EuroMillions)"
            ),
        )
    };
    Ok(Example {
        id,
        file: format!("montpellier-stage{stage}.json"),
        method: method.into(),
        title_en,
        title_fr,
        pool_count: n,
        panel_size: k,
        receipts,
        lotteries: lotteries_of(&bundle),
        previous: None,
        previous_receipts: Vec::new(),
        previous_lotteries: Vec::new(),
    })
}

fn main() -> Res<()> {
    let mut dir = PathBuf::from("examples-out");
    let mut demo = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--demo" {
            demo = Some(PathBuf::from(args.next().ok_or("--demo needs a folder")?));
        } else {
            dir = PathBuf::from(arg);
        }
    }
    std::fs::create_dir_all(&dir)?;
    let mut examples = Vec::new();
    if let Some(demo) = &demo {
        examples.push(demo_example(&dir, demo, 1)?);
        examples.push(demo_example(&dir, demo, 2)?);
    }
    examples.push(lottery_example(&dir)?);
    examples.push(sealed_lottery_example(&dir)?);
    examples.push(greedy_example(&dir)?);
    examples.push(stratified_example(&dir)?);
    examples.push(chain_example(&dir)?);
    examples.push(maxent_example(&dir)?);
    write(
        &dir,
        "index.json",
        &serde_json::to_string_pretty(&examples)?,
    )?;
    write(&dir, "examples.js", &registry(&dir, &examples)?)?;
    Ok(())
}

/// The classic script that registers the examples for a page opened from its files: the
/// index and the exact text of every file, as JavaScript strings (JSON strings are valid
/// JavaScript string literals).
fn registry(dir: &Path, examples: &[Example]) -> Res<String> {
    let mut files = serde_json::Map::new();
    let mut scripts = serde_json::Map::new();
    for ex in examples {
        let names = std::iter::once(&ex.file)
            .chain(ex.receipts.iter().map(|r| &r.file))
            .chain(&ex.previous)
            .chain(ex.previous_receipts.iter().map(|r| &r.file));
        for name in names {
            let text = std::fs::read_to_string(dir.join(name))?;
            if text.len() > INLINE_LIMIT {
                let script = format!("{name}.js");
                let js = format!(
                    "// Generated by bindings/wasm/examples/make_examples.rs: {name}, for a page\n\
                     // opened from its files; loaded only when that example is opened.\n\
                     globalThis.KLEROTERION_EXAMPLES.files[{}] = {};\n",
                    serde_json::to_string(name)?,
                    serde_json::to_string(&text)?
                );
                write(dir, &script, &js)?;
                scripts.insert(name.clone(), serde_json::Value::String(script));
            } else {
                files.insert(name.clone(), serde_json::Value::String(text));
            }
        }
    }
    let mut js = String::from(
        "// Generated by bindings/wasm/examples/make_examples.rs: the example bundles and receipts\n\
         // of the verification page, for a page opened from its files (no fetch on file://).\n\
         // Larger files have their own scripts, named in `scripts`.\n\
         globalThis.KLEROTERION_EXAMPLES = {\n  \"index\": ",
    );
    js.push_str(&serde_json::to_string(examples)?);
    js.push_str(",\n  \"scripts\": ");
    js.push_str(&serde_json::to_string(&scripts)?);
    js.push_str(",\n  \"files\": {\n");
    let entries: Vec<String> = files
        .iter()
        .map(|(k, v)| {
            Ok(format!(
                "    {}: {}",
                serde_json::to_string(k)?,
                serde_json::to_string(v)?
            ))
        })
        .collect::<Result<_, serde_json::Error>>()?;
    js.push_str(&entries.join(",\n"));
    js.push_str("\n  }\n};\n");
    Ok(js)
}
