//! The command line's arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Fair, publicly verifiable citizens' assembly lotteries.
#[derive(Debug, Parser)]
#[command(name = "kleroterion", version, about, long_about = None)]
pub struct Cli {
    /// Print machine-readable JSON on standard output.
    #[arg(long, global = true)]
    pub json: bool,
    /// Show no progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read people and quotas, assign tickets, and write the manifest, pool, receipts and ticket map.
    Commit(Box<CommitArgs>),
    /// Draw from a committed manifest once the randomness is revealed; write the bundle and CSVs.
    Draw(DrawArgs),
    /// Recompute a bundle step by step; exit non-zero on any mismatch.
    Verify(VerifyArgs),
    /// Tell the holder of a receipt what happened to them in a draw.
    Receipt(ReceiptArgs),
    /// Compute the verifiable replacements of people who dropped out.
    Replace(ReplaceArgs),
    /// Compute each person's selection probability under LEXIMIN, without drawing.
    Fair(FairArgs),
    /// Run the IETF NomCom selection of RFC 3797 and print its table.
    Rfc3797(Rfc3797Args),
    /// Play the Montpellier convention of 2023 from start to end.
    Demo(DemoArgs),
    /// Which drand round to commit to: the first produced at or after a time.
    DrandRound(DrandRoundArgs),
}

/// `kleroterion drand-round`.
#[derive(Debug, Args)]
pub struct DrandRoundArgs {
    /// The drand network: `quicknet`, `mainnet`, or the chain hash of one of them.
    #[arg(long, default_value = "quicknet")]
    pub chain: String,
    /// The time after which the round must be produced, in UTC (`YYYY-MM-DDTHH:MM:SSZ`; a
    /// space for `T`, no seconds and no `Z` are also read, e.g. "2026-12-01 12:00"), typically
    /// a little after the commitment's publication.
    #[arg(long)]
    pub after: String,
}

/// Selection methods offered by `commit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// LEXIMIN-fair lottery over a committed portfolio of panels.
    Lottery,
    /// The Sortition Foundation's legacy greedy algorithm.
    Greedy,
    /// Uniform random sample (quotas informative only).
    Uniform,
    /// Uniform within strata of one column.
    Stratified,
    /// Every panel that meets the quotas and the household rule equally likely (maximal
    /// entropy; a draft of protocol version 3, for trials).
    Maxent,
}

/// `kleroterion commit`.
#[derive(Debug, Args)]
pub struct CommitArgs {
    /// The people file (CSV, .xlsx, .xls or .ods).
    #[arg(long)]
    pub people: PathBuf,
    /// The quotas file (CSV, .xlsx, .xls or .ods).
    #[arg(long)]
    pub quotas: PathBuf,
    /// How the people and quotas files are read: sheets and encoding.
    #[command(flatten)]
    pub tables: TableArgs,
    /// The panel size.
    #[arg(long)]
    pub size: u32,
    /// The selection method.
    #[arg(long, value_enum, default_value = "lottery")]
    pub method: MethodArg,
    /// The id column of the people file (default: `id`, or row numbers when there is none).
    #[arg(long)]
    pub id_column: Option<String>,
    /// Address columns: people equal in all of them form a household (at most one selected).
    #[arg(long, num_args = 1..)]
    pub household: Vec<String>,
    /// The column to stratify on (method stratified).
    #[arg(long)]
    pub strata: Option<String>,
    /// Seat allocation across strata: largest-remainder, sainte-lague or explicit:3,4,5.
    #[arg(long, default_value = "largest-remainder")]
    pub allocation: String,
    /// A randomness recipe (JSON, SPEC.md section 14) committing to future public randomness.
    #[arg(long)]
    pub randomness: Option<PathBuf>,
    /// The output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// A title for the draw.
    #[arg(long, default_value = "Citizens' assembly draw")]
    pub title: String,
    /// When the commitment is published (YYYY-MM-DDTHH:MM:SSZ).
    #[arg(long)]
    pub announced_at: Option<String>,
    /// Length of the alternates list (default: the panel size).
    #[arg(long)]
    pub alternates: Option<u32>,
    /// Attempts before the draw fails: greedy (default 100, at most 1,000) or maxent (default
    /// 10,000, at most 100,000).
    #[arg(long)]
    pub max_attempts: Option<u32>,
    /// For `--method maxent`: the quota features the exact count enforces; the quotas of the
    /// others and the household rule are met by rejection. More features mean fewer attempts
    /// and a larger count (at most 1,000,000 cells, SPEC.md section 9.6).
    #[arg(long, num_args = 1.., value_name = "FEATURE")]
    pub count: Vec<String>,
    /// For `--method maxent`: the people file's column holding each person's weight, a whole
    /// number from 1 to 4,294,967,295. A panel is then drawn in proportion to the product of
    /// its members' weights, and the manifest commits to every weight (SPEC.md section 9.6).
    #[arg(long, value_name = "COLUMN", conflicts_with = "fit_to_leximin")]
    pub weights: Option<String>,
    /// For `--method maxent`: fit the weights so that each person's exact probability comes as
    /// close as it can to their LEXIMIN probability, and commit them. Only when no panel can be
    /// rejected: every feature with a binding quota counted, no shared household.
    #[arg(long)]
    pub fit_to_leximin: bool,
    /// Panels in the lottery portfolio.
    #[arg(long, default_value_t = 1000)]
    pub panels: u32,
    /// How the LEXIMIN distribution is rounded to the portfolio: `minimax` keeps the largest
    /// change of anyone's probability small, `systematic` is systematic sampling along the
    /// distribution's panels.
    #[arg(long, default_value = "minimax", value_parser = ["minimax", "systematic"])]
    pub rounding: String,
    /// For `--method lottery`: round this distribution (written by `kleroterion fair
    /// --distribution-out` on the same people, quotas, size and households) instead of
    /// computing LEXIMIN again.
    #[arg(long, value_name = "FILE")]
    pub distribution: Option<PathBuf>,
    /// The secret key tickets and household keys are derived from (HMAC-SHA256 of each id):
    /// at least 16 random bytes in hex or base64, e.g. from `openssl rand -hex 32`; a
    /// passphrase is refused. Without it, a 256-bit key is generated. Either way the key is
    /// kept in private/ticket-key.txt, and the same key and inputs give the same commitment.
    #[arg(long, value_name = "KEY")]
    pub ticket_key: Option<String>,
    /// Publish the pool even if some of its cells (people sharing every published value, and
    /// the values of those they live with) hold fewer than 5 records, down to N. Without it,
    /// such a pool is refused: small cells let anyone who knows a person recognise them. The
    /// manifest records N and every verifier shows it.
    #[arg(long, value_name = "N")]
    pub allow_small_cells: Option<u32>,
    /// Seal the features (lottery only): the public pool gives each person a salted
    /// commitment to their values instead of the values, and only the panel, the alternates
    /// and the replacements are opened. The openings are kept in private/openings.json and
    /// each receipt holds its person's.
    #[arg(long)]
    pub sealed: bool,
    /// Draw this pool from the invitees of a previous stage (its bundle): each person is
    /// linked to the ticket that invited them, found by id in the previous commit's ticket map
    /// (--previous-tickets), and the manifest names the previous stage.
    #[arg(long, value_name = "BUNDLE", requires = "previous_tickets")]
    pub previous: Option<PathBuf>,
    /// The previous commit's private ticket map (its private/tickets.csv), with --previous.
    #[arg(long, value_name = "FILE", requires = "previous")]
    pub previous_tickets: Option<PathBuf>,
    /// Features whose values come from the previous stage (from the roll) and must agree with
    /// it, comma-separated (with --previous); every other feature is declared by the
    /// volunteers.
    #[arg(
        long,
        value_name = "NAMES",
        value_delimiter = ',',
        requires = "previous"
    )]
    pub inherit: Vec<String>,
    /// LEXIMIN's time limit and what to do when it is reached.
    #[command(flatten)]
    pub leximin: LeximinLimit,
    /// Start the private tickets.csv with a byte-order mark (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// Write no receipts (private/receipts/ stays empty). A receipt is one file per person:
    /// for a stage-1 roll of millions of people, leave them out.
    #[arg(long)]
    pub no_receipts: bool,
    /// Replay a past draw as a demonstration: the randomness may already exist, and the
    /// manifest says it is a replay (every verifier shows it: it proves nothing).
    #[arg(long, conflicts_with = "rehearsal")]
    pub replay: bool,
    /// A rehearsal before the real draw: the manifest says so, and every verifier shows it.
    #[arg(long)]
    pub rehearsal: bool,
    /// Replace outputs that exist (never one of the command's inputs): an existing output folder is moved aside to OUT.replaced-N, never deleted.
    #[arg(long)]
    pub force: bool,
}

impl CommitArgs {
    /// The manifest's purpose from `--replay` and `--rehearsal`.
    pub fn purpose(&self) -> kleroterion::Purpose {
        match (self.replay, self.rehearsal) {
            (true, _) => kleroterion::Purpose::Replay,
            (_, true) => kleroterion::Purpose::Rehearsal,
            _ => kleroterion::Purpose::Official,
        }
    }
}

/// `kleroterion draw`.
#[derive(Debug, Args)]
pub struct DrawArgs {
    /// The committed manifest (`DIR/manifest.json`).
    pub manifest: PathBuf,
    /// The reveal (JSON, SPEC.md section 14; a drand round as drand publishes it is accepted).
    #[arg(long)]
    pub reveal: PathBuf,
    /// Where to write the bundle.
    #[arg(long)]
    pub out: PathBuf,
    /// The pool (default: `pool.json` next to the manifest).
    #[arg(long)]
    pub pool: Option<PathBuf>,
    /// The private ticket map (default: `private/tickets.csv` next to the manifest).
    #[arg(long, conflicts_with = "no_tickets")]
    pub tickets: Option<PathBuf>,
    /// Draw without the ticket map: the private lists (selected.csv, alternates.csv,
    /// remaining.csv) are not written.
    #[arg(long)]
    pub no_tickets: bool,
    /// With sealed features: the organiser's openings file (default:
    /// `private/openings.json` next to the manifest). The bundle opens the panel and the
    /// alternates from it.
    #[arg(long, value_name = "FILE")]
    pub openings: Option<PathBuf>,
    /// The commitment as published (64 hex digits, or a file holding them; default:
    /// `commitment.txt` next to the manifest). The manifest must hash to it.
    #[arg(long, value_name = "HEX|FILE")]
    pub commitment: Option<String>,
    /// Start the CSV files with a byte-order mark (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// Also write the private lists as workbooks (selected.xlsx, alternates.xlsx,
    /// remaining.xlsx), every cell as text: ids and postcodes keep their leading zeros.
    #[arg(long, conflicts_with = "no_tickets")]
    pub xlsx: bool,
    /// Replace outputs that exist (never one of the command's inputs).
    #[arg(long)]
    pub force: bool,
}

/// `kleroterion verify`.
#[derive(Debug, Args)]
#[command(after_help = VERIFY_HELP)]
pub struct VerifyArgs {
    /// The bundle to verify.
    pub bundle: PathBuf,
    /// The commitment as the organiser published it before the draw (64 hex digits, spaces
    /// allowed, or a file holding them). Without it, the commitment is listed to compare by hand.
    #[arg(long, value_name = "HEX|FILE")]
    pub commitment: Option<String>,
    /// A lottery result as its operator published it, LOTTERY@YYYY-MM-DD=MAIN+BONUS (for
    /// example euromillions@2026-12-04=7,18,28,40,48+3,9); repeat for several lotteries.
    #[arg(long = "lottery", value_name = "RESULT")]
    pub lotteries: Vec<String>,
    /// A replacement record made from this bundle (`kleroterion replace --out`); each is
    /// recomputed and checked. Repeat for several.
    #[arg(long = "replacement", value_name = "FILE")]
    pub replacements: Vec<PathBuf>,
    /// The previous stage's bundle, for a stage drawn from its invitees: both are verified as
    /// a chain (every volunteer invited once, with the roll's values), with the response rates.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// The previous stage's commitment as published (with --previous).
    #[arg(long, value_name = "HEX|FILE", requires = "previous")]
    pub previous_commitment: Option<String>,
    /// A lottery result of the previous stage's randomness (with --previous); repeat.
    #[arg(
        long = "previous-lottery",
        value_name = "RESULT",
        requires = "previous"
    )]
    pub previous_lotteries: Vec<String>,
}

/// The end of `verify --help`.
const VERIFY_HELP: &str = "\
The verdict rests on what was published, not on what the bundle says about itself: give the
commitment as published (--commitment) and, where you have them, the lottery results from the
operator's page (--lottery). What no program can check offline (the date of the commitment's
first public record, each lottery's numbers, dice) is listed to compare by hand, and the verdict
is then \"VALID if the N items below match their public records\".

Exit codes:
  0  every check passed (the items to compare by hand are still printed)
  1  a check failed: the bundle, a published fact given, or a replacement record
  2  an input could not be read or used (a missing file, a malformed --commitment or --lottery)";

/// `kleroterion receipt`.
#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// The person's receipt.
    pub receipt: PathBuf,
    /// The draw's bundle.
    pub bundle: PathBuf,
    /// For a stage drawn from a previous stage's invitees: the previous stage's bundle. The
    /// receipt's record must then link to one of its invitees.
    #[arg(long, value_name = "BUNDLE")]
    pub previous: Option<PathBuf>,
    /// The same person's receipt of the previous stage (with --previous): the whole path is
    /// checked, from the roll to the panel.
    #[arg(long, value_name = "FILE", requires = "previous")]
    pub previous_receipt: Option<PathBuf>,
}

/// `kleroterion replace`.
#[derive(Debug, Args)]
pub struct ReplaceArgs {
    /// The draw's bundle.
    pub bundle: PathBuf,
    /// Tickets of the people who dropped out, in the order they dropped out.
    #[arg(long, num_args = 1.., required = true)]
    pub dropped: Vec<String>,
    /// Write the replacement record (JSON) here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The private ticket map, to show ids next to tickets.
    #[arg(long)]
    pub tickets: Option<PathBuf>,
    /// With sealed features: the organiser's openings file (the commit's
    /// `private/openings.json`). The record opens the candidates the rule reads.
    #[arg(long, value_name = "FILE")]
    pub openings: Option<PathBuf>,
    /// Replace outputs that exist (never one of the command's inputs).
    #[arg(long)]
    pub force: bool,
}

/// `kleroterion fair`.
#[derive(Debug, Args)]
pub struct FairArgs {
    /// The people file (CSV, .xlsx, .xls or .ods).
    #[arg(long)]
    pub people: PathBuf,
    /// The quotas file (CSV, .xlsx, .xls or .ods).
    #[arg(long)]
    pub quotas: PathBuf,
    /// How the people and quotas files are read: sheets and encoding.
    #[command(flatten)]
    pub tables: TableArgs,
    /// The panel size.
    #[arg(long)]
    pub size: u32,
    /// The id column of the people file (default: `id`, or row numbers when there is none).
    #[arg(long)]
    pub id_column: Option<String>,
    /// Address columns for the household rule.
    #[arg(long, num_args = 1..)]
    pub household: Vec<String>,
    /// LEXIMIN's time limit and what to do when it is reached.
    #[command(flatten)]
    pub leximin: LeximinLimit,
    /// Write `id,probability` for everyone to this CSV file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the distribution (its panels and weights, with the instance it was computed for)
    /// to this JSON file, for `commit --distribution` (private: it holds everyone's values by
    /// row).
    #[arg(long, value_name = "FILE")]
    pub distribution_out: Option<PathBuf>,
    /// Replace outputs that exist (never one of the command's inputs).
    #[arg(long)]
    pub force: bool,
}

/// `kleroterion rfc3797`.
#[derive(Debug, Args)]
pub struct Rfc3797Args {
    /// The names, one per line, in pool order (`#` lines and blank lines are skipped).
    #[arg(long)]
    pub names: PathBuf,
    /// The random sources, each a list of numbers such as "2 5 12 8 10".
    #[arg(long, num_args = 1.., required_unless_present = "seeds")]
    pub sources: Vec<String>,
    /// A file of sources, one per line (`#` lines are skipped).
    #[arg(long, conflicts_with = "sources")]
    pub seeds: Option<PathBuf>,
    /// How many picks (default: everyone; at most 65,536, the most RFC 3797 defines).
    #[arg(long)]
    pub count: Option<u32>,
}

/// `kleroterion demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder for every artefact.
    #[arg(long, default_value = "kleroterion-demo")]
    pub out: PathBuf,
    /// Replace the output of an earlier demo run in that folder (a folder holding anything
    /// else is refused).
    #[arg(long)]
    pub force: bool,
}

/// LEXIMIN's time limit, shared by `commit --method lottery` and `fair`.
#[derive(Debug, Clone, Args)]
pub struct LeximinLimit {
    /// Time limit for the LEXIMIN computation, in seconds (default 300; 0 means no limit).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 300,
        hide_default_value = true
    )]
    pub time_limit: u64,
    /// When the time limit is reached, use the partial distribution computed so far (valid
    /// panels, but not the full LEXIMIN, labelled PARTIAL) instead of failing: `commit` rounds
    /// its portfolio from it, `fair` shows it.
    #[arg(long)]
    pub accept_partial: bool,
}

impl LeximinLimit {
    /// The time limit as the fair solver takes it (`None` for no limit).
    pub fn duration(&self) -> Option<std::time::Duration> {
        (self.time_limit > 0).then(|| std::time::Duration::from_secs(self.time_limit))
    }
}

/// How the people and quotas files are read, shared by `commit` and `fair`.
#[derive(Debug, Clone, Args)]
pub struct TableArgs {
    /// The sheet of a spreadsheet people file: its name, or its number counted from 1
    /// (default: the workbook's only sheet).
    #[arg(long, value_name = "NAME|NUMBER")]
    pub sheet: Option<String>,
    /// The sheet of a spreadsheet quotas file, as --sheet.
    #[arg(long, value_name = "NAME|NUMBER")]
    pub quotas_sheet: Option<String>,
    /// The encoding of CSV files: auto reads a file as UTF-8 when it is valid UTF-8, else as
    /// Windows-1252 (Excel's plain "CSV"), and says so.
    #[arg(long, value_enum, default_value = "auto")]
    pub encoding: EncodingArg,
}

/// `--encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 when valid, else Windows-1252.
    Auto,
    /// UTF-8.
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Windows-1252 (Western European).
    #[value(name = "windows-1252", alias = "cp1252")]
    Windows1252,
}

impl TableArgs {
    /// How the people file is read.
    pub fn people(&self) -> kleroterion_files::TableOptions {
        self.options(self.sheet.as_deref())
    }

    /// How the quotas file is read.
    pub fn quotas(&self) -> kleroterion_files::TableOptions {
        self.options(self.quotas_sheet.as_deref())
    }

    fn options(&self, sheet: Option<&str>) -> kleroterion_files::TableOptions {
        use kleroterion_files::Encoding;
        kleroterion_files::TableOptions {
            sheet: sheet.map(kleroterion_files::Sheet::parse),
            encoding: match self.encoding {
                EncodingArg::Auto => Encoding::Auto,
                EncodingArg::Utf8 => Encoding::Utf8,
                EncodingArg::Windows1252 => Encoding::Windows1252,
            },
        }
    }
}
