//! Serving a kleroterion draw from an async web server: commit, draw, verify.
//!
//! The state holds at most one committed draw. `POST /commit` turns people and quotas into a
//! pool, computes LEXIMIN selection probabilities, rounds them to a lottery of panels and
//! commits to it; `POST /draw` draws with the revealed randomness; `GET /verify` verifies the
//! bundle against the commitment as it was published. The CPU-bound work (the commit with its
//! LEXIMIN, the draw, the verification) runs in `tokio::task::spawn_blocking`, never on the
//! async workers.
//!
//! Every refusal answers `{"error": "...", "kind": "..."}`: `kind` is the protocol's error
//! kind (`kleroterion::ErrorKind`), `Fair` for a LEXIMIN or rounding failure, `Json` for a body
//! that cannot be read, and `NotCommitted`, `AlreadyDrawn` or `NotDrawn` (409) for a request
//! out of order.

#![forbid(unsafe_code)]

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kleroterion::roster::{Roster, RosterBuilder};
use kleroterion::{
    Bundle, CommittedDraw, Digest, Feature, Manifest, Published, Report, Reveal, SourceValue,
    TicketKey, verify_with,
};
use kleroterion_fair::{
    FairError, Instance, Options, Portfolio, ProbabilitySummary, leximin, round_to_lottery,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

/// How long LEXIMIN may run for one commit before the commit is refused.
pub const LEXIMIN_TIME_LIMIT: Duration = Duration::from_secs(60);

/// The most panels a committed lottery may hold (the protocol's limit).
pub const MAX_PANELS: u32 = 100_000;

/// The router, with LEXIMIN limited to [`LEXIMIN_TIME_LIMIT`] a commit.
pub fn app() -> Router {
    app_with(Options::new().with_time_limit(LEXIMIN_TIME_LIMIT))
}

/// The router, with these LEXIMIN options (a time limit, a cancellation token shared with a
/// shutdown handler, a progress callback).
pub fn app_with(options: Options) -> Router {
    let state = Arc::new(AppState {
        options,
        current: Mutex::new(None),
    });
    Router::new()
        .route("/commit", post(commit))
        .route("/draw", post(draw))
        .route("/verify", get(verify))
        .with_state(state)
}

/// What the server keeps between requests.
struct AppState {
    /// Cloned into each commit's blocking task.
    options: Options,
    /// The committed draw, if any; a new commit replaces it.
    current: Mutex<Option<Current>>,
}

/// The committed draw and, once drawn, its bundle.
struct Current {
    committed: Arc<CommittedDraw>,
    bundle: Option<Arc<Bundle>>,
}

/// The body of `POST /commit`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitRequest {
    /// The draw's title, as committed.
    pub title: String,
    /// People on the panel.
    pub panel_size: u32,
    /// Length of the alternates list (0 when absent).
    #[serde(default)]
    pub alternates: u32,
    /// Panels in the committed lottery (1 to [`MAX_PANELS`]).
    pub panels: u32,
    /// The secret key tickets are derived from, in hex (at least 16 bytes).
    pub ticket_key: String,
    /// The features with their quotas: `{name, values: [{value, min, max}]}`.
    pub features: Vec<Feature>,
    /// The volunteers.
    pub people: Vec<Person>,
    /// The disclosure floor, lowered: publish cells (people sharing every published value)
    /// down to this many records. Absent: the default of 5, and a pool with a smaller cell is
    /// refused (`SmallCells`). The manifest records it and every verifier shows it.
    #[serde(default)]
    pub allow_small_cells: Option<u32>,
}

/// One volunteer: an id, one value per feature in feature order, an optional household.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Seen only by the ticket key: the pool holds tickets, never ids.
    pub id: String,
    /// One value per feature, in feature order.
    pub values: Vec<String>,
    /// The household address; people sharing one never sit on a panel together.
    #[serde(default)]
    pub household: Option<String>,
}

/// The answer to `POST /commit`.
#[derive(Debug, Serialize)]
pub struct Committed {
    /// The commitment to publish before the randomness exists.
    pub commitment: Digest,
    /// People in the pool.
    pub pool_count: usize,
    /// The lowest selection probability in the committed lottery.
    pub min_probability: f64,
    /// The lottery's selection probabilities, summarised.
    pub summary: ProbabilitySummary,
}

/// The body of `POST /draw`: the revealed randomness as hex bytes. A real draw commits to a
/// drand round and passes drand's JSON answer through `SourceValue::drand_from_json_for`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawRequest {
    /// 1 to 1024 bytes in hex.
    pub hex: String,
}

/// A refused request, answered as `{"error": ..., "kind": ...}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    error: String,
}

impl ApiError {
    fn conflict(kind: &'static str, error: &str) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            kind,
            error: error.into(),
        }
    }

    fn not_committed() -> Self {
        Self::conflict("NotCommitted", "no draw is committed: POST /commit first")
    }

    fn not_drawn() -> Self {
        Self::conflict(
            "NotDrawn",
            "the committed draw is not drawn yet: POST /draw first",
        )
    }

    fn already_drawn() -> Self {
        Self::conflict(
            "AlreadyDrawn",
            "this draw is already drawn: a draw runs once; POST /commit to start a new one",
        )
    }
}

impl From<kleroterion::Error> for ApiError {
    fn from(e: kleroterion::Error) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: e.kind().as_str(),
            error: e.to_string(),
        }
    }
}

impl From<FairError> for ApiError {
    fn from(e: FairError) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: "Fair",
            error: e.to_string(),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        Self {
            status: e.status(),
            kind: "Json",
            error: e.body_text(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.error, "kind": self.kind });
        (self.status, Json(body)).into_response()
    }
}

/// Runs CPU-bound work on tokio's blocking threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            kind: "Internal",
            error: format!("the work stopped: {e}"),
        })?
}

/// `POST /commit`: commits a new draw, replacing the one held.
async fn commit(
    State(state): State<Arc<AppState>>,
    body: Result<Json<CommitRequest>, JsonRejection>,
) -> Result<Json<Committed>, ApiError> {
    let Json(request) = body?;
    let options = state.options.clone();
    let (committed, summary) = blocking(move || commit_draw(request, &options)).await?;
    let answer = Committed {
        commitment: committed.commitment(),
        pool_count: committed.records().len(),
        min_probability: summary.min,
        summary,
    };
    *state.current.lock().await = Some(Current {
        committed: Arc::new(committed),
        bundle: None,
    });
    Ok(Json(answer))
}

/// The whole commit: the pool, LEXIMIN rounded to a lottery, the manifest checked and hashed.
pub fn commit_draw(
    request: CommitRequest,
    options: &Options,
) -> Result<(CommittedDraw, ProbabilitySummary), ApiError> {
    check_panels(request.panels)?;
    let roster = build_roster(
        request.features,
        &request.ticket_key,
        &request.people,
        request.panel_size,
    )?;
    let lottery = fair_lottery(&roster, request.panel_size, request.panels, options)?;
    let summary = lottery.report;
    let manifest = Manifest::new(
        request.title,
        lottery.into_method(),
        request.panel_size,
        roster.features().to_vec(),
        roster.commitment()?,
    )
    .with_alternates(request.alternates)
    .with_household_rule(roster.household_rule())
    .with_min_cell(
        request
            .allow_small_cells
            .unwrap_or(kleroterion::disclosure::DEFAULT_FLOOR),
    );
    let committed = manifest.commit(roster.records().collect())?;
    Ok((committed, summary))
}

/// Refuses a lottery size the protocol does not accept, before any work is done.
fn check_panels(panels: u32) -> Result<(), kleroterion::Error> {
    if (1..=MAX_PANELS).contains(&panels) {
        return Ok(());
    }
    Err(kleroterion::Error::InvalidMethod {
        detail: format!("panels is {panels}; a lottery has 1 to {MAX_PANELS} panels"),
    })
}

/// The people, ordered into a pool by their tickets.
fn build_roster(
    features: Vec<Feature>,
    ticket_key: &str,
    people: &[Person],
    panel_size: u32,
) -> Result<Roster, kleroterion::Error> {
    let mut builder = RosterBuilder::new(features, TicketKey::parse(ticket_key)?);
    for person in people {
        builder.add(&person.id, &person.values, person.household.as_deref())?;
    }
    builder.finish(panel_size)
}

/// LEXIMIN over the pool, rounded to a uniform lottery of `panels` panels.
fn fair_lottery(
    roster: &Roster,
    panel_size: u32,
    panels: u32,
    options: &Options,
) -> Result<Portfolio, FairError> {
    let instance = Instance::from_pool(
        roster.features(),
        &roster.resolved(),
        panel_size,
        roster.household_rule(),
    )?;
    let distribution = leximin(&instance, options)?;
    round_to_lottery(&instance, &distribution, panels)
}

/// `POST /draw`: draws the committed draw once, and answers the bundle.
async fn draw(
    State(state): State<Arc<AppState>>,
    body: Result<Json<DrawRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    let reveal = hex_reveal(&request.hex)?;
    // Held until the bundle is stored, so that two draws cannot race.
    let mut current = state.current.lock().await;
    let slot = current.as_mut().ok_or_else(ApiError::not_committed)?;
    if slot.bundle.is_some() {
        return Err(ApiError::already_drawn());
    }
    let committed = Arc::clone(&slot.committed);
    let bundle = blocking(move || Ok(committed.draw(&reveal)?)).await?;
    let json = bundle.to_json()?;
    slot.bundle = Some(Arc::new(bundle));
    Ok(([(CONTENT_TYPE, "application/json")], json).into_response())
}

/// A reveal of one hex source (rehearsals and tests; verifiers list it to compare by hand).
fn hex_reveal(hex: &str) -> Result<Reveal, kleroterion::Error> {
    let bytes = kleroterion::digest::from_hex(hex.trim(), "hex")?;
    Ok(Reveal::single(SourceValue::hex(bytes)))
}

/// `GET /verify`: verifies the bundle against the commitment answered by `POST /commit`.
async fn verify(State(state): State<Arc<AppState>>) -> Result<Json<Report>, ApiError> {
    let (bundle, commitment) = {
        let current = state.current.lock().await;
        let slot = current.as_ref().ok_or_else(ApiError::not_committed)?;
        let bundle = slot.bundle.clone().ok_or_else(ApiError::not_drawn)?;
        (bundle, slot.committed.commitment())
    };
    let published = Published::commitment(commitment);
    let report = blocking(move || Ok(verify_with(&bundle, &published, &[]))).await?;
    Ok(Json(report))
}
