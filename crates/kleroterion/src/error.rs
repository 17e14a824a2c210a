//! The typed errors of the protocol (SPEC.md section 15).

use alloc::string::String;
use core::fmt;

/// Every way an input, a draw or a verification can be refused.
///
/// Each message names the field concerned and, where there is one, the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The manifest or bundle names a protocol version this library does not know.
    UnsupportedSpec {
        /// The version found.
        found: String,
    },
    /// A text is not NFC, contains a control character, or has a bad length.
    InvalidText {
        /// Which field holds the text.
        field: String,
        /// What is wrong and how to fix it.
        reason: &'static str,
    },
    /// The panel size is 0 or larger than the pool.
    PanelSize {
        /// The panel size asked for.
        panel_size: u32,
        /// The number of people in the pool.
        pool_count: u32,
    },
    /// The pool has no record.
    EmptyPool,
    /// Two features, or two values of one feature, share a name.
    DuplicateName {
        /// Which list holds the duplicate.
        field: String,
        /// The repeated name.
        name: String,
    },
    /// A feature declares no value.
    NoValues {
        /// The feature.
        feature: String,
    },
    /// A quota's minimum is above its maximum.
    QuotaMinAboveMax {
        /// The feature.
        feature: String,
        /// The value.
        value: String,
        /// The minimum.
        min: u32,
        /// The maximum.
        max: u32,
    },
    /// The minimums of one feature add up past the panel size.
    QuotaMinsTooLarge {
        /// The feature.
        feature: String,
        /// Sum of its minimums.
        sum: u64,
        /// The panel size.
        panel_size: u32,
    },
    /// The maximums of one feature cannot reach the panel size.
    QuotaMaxsTooSmall {
        /// The feature.
        feature: String,
        /// Sum of its maximums.
        sum: u64,
        /// The panel size.
        panel_size: u32,
    },
    /// The household rule was asked for with a method that cannot respect it.
    HouseholdRuleNotSupported {
        /// The method's name.
        method: &'static str,
    },
    /// `announced_at` is not a `YYYY-MM-DDTHH:MM:SSZ` time.
    InvalidTime {
        /// The text found.
        found: String,
    },
    /// The recipe names randomness with a known time, but the manifest has no
    /// `announced_at`, so nobody could check that the randomness did not exist yet.
    AnnouncementMissing,
    /// The pool records do not hash to the committed root, or their count differs.
    PoolRootMismatch {
        /// What differs, in words.
        detail: String,
    },
    /// A ticket appears twice.
    DuplicateTicket {
        /// The ticket.
        ticket: String,
    },
    /// A record does not give exactly one value per feature.
    WrongValueCount {
        /// The record's ticket.
        ticket: String,
        /// How many values it gives.
        found: usize,
        /// How many features there are.
        expected: usize,
    },
    /// A record gives a value its feature does not declare.
    UnknownValue {
        /// The record's ticket.
        ticket: String,
        /// The feature.
        feature: String,
        /// The value found.
        value: String,
    },
    /// A record is sealed in a pool whose manifest does not say `sealed`, or open in one that
    /// does, or sealed with values (SPEC.md sections 4.1 and 5.2).
    SealedRecord {
        /// The record's ticket.
        ticket: String,
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// A record of a linked stage has no link, or a record has one while the manifest names no
    /// previous stage (SPEC.md section 5.3).
    LinkMissing {
        /// The record's ticket.
        ticket: String,
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// Two records of a linked stage link to the same invitee (SPEC.md section 5.3).
    DuplicateLink {
        /// The second record's ticket, in pool order.
        ticket: String,
        /// The invitee both link to.
        link: String,
    },
    /// An opening does not open its sealed record, or the openings are not those the draw
    /// needs (SPEC.md sections 4.1 and 11).
    OpeningMismatch {
        /// What differs.
        detail: String,
    },
    /// A receipt does not belong to the draw it is checked against.
    ReceiptMismatch {
        /// What differs.
        detail: String,
    },
    /// A ticket named as input is not in the pool.
    UnknownTicket {
        /// The ticket.
        ticket: String,
    },
    /// The randomness recipe is malformed.
    InvalidRecipe {
        /// What is wrong.
        detail: String,
    },
    /// A household tag is carried by one record only, or appears while the household rule is
    /// off (SPEC.md section 5.2).
    HouseholdTag {
        /// The ticket concerned and what is wrong.
        detail: String,
    },
    /// A cell of the published pool holds fewer records than the manifest's disclosure floor
    /// (SPEC.md sections 5.2 and 17).
    SmallCells {
        /// The size of the smallest cell.
        smallest: u32,
        /// The number of records alone in their cell.
        alone: u32,
        /// The manifest's `min_cell`.
        floor: u32,
        /// A ticket of the smallest cell.
        ticket: String,
    },
    /// The reveal is malformed.
    InvalidReveal {
        /// What is wrong.
        detail: String,
    },
    /// The reveal does not match the committed recipe.
    RevealMismatch {
        /// What differs.
        detail: String,
    },
    /// A drand beacon does not verify.
    DrandSignature {
        /// What failed.
        detail: String,
    },
    /// The explicit allocation of a stratified draw is malformed.
    InvalidAllocation {
        /// What is wrong.
        detail: String,
    },
    /// An explicit allocation asks more people from a stratum than it has.
    AllocationExceedsStratum {
        /// The stratum (a value of the stratifying feature).
        stratum: String,
        /// Seats asked for.
        asked: u32,
        /// People in the stratum.
        available: u32,
    },
    /// The method, or a parent's inherited list, names a feature the manifest does not declare.
    UnknownFeature {
        /// What names it: `the method`, or `parent.inherited`.
        field: &'static str,
        /// The feature name.
        feature: String,
    },
    /// A method parameter is out of range.
    InvalidMethod {
        /// What is wrong.
        detail: String,
    },
    /// A panel of the lottery portfolio is malformed or breaks a rule.
    InvalidPortfolio {
        /// 0-based panel number.
        panel: usize,
        /// What is wrong.
        detail: String,
    },
    /// The method could not produce a panel (greedy exhausted its attempts).
    DrawFailed {
        /// Why.
        detail: String,
    },
    /// A JSON document could not be read.
    Json {
        /// Which document.
        what: &'static str,
        /// The parser's message, with line and column.
        detail: String,
    },
    /// A ticket key is too short or looks like a passphrase ([`crate::tickets::TicketKey`]).
    WeakTicketKey {
        /// Why it was refused.
        reason: String,
    },
    /// A person given to a [`crate::roster::RosterBuilder`] cannot join the pool.
    InvalidPerson {
        /// The person's id.
        id: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Two people were given the same ticket by a keyed hash.
    TicketClash {
        /// The first person's id.
        first: String,
        /// The second person's id.
        second: String,
    },
    /// The platform gave no randomness where it was needed (random tickets).
    NoRandomness {
        /// What failed.
        detail: String,
    },
    /// A hex string is malformed.
    InvalidHex {
        /// Which field.
        field: String,
    },
    /// A size does not fit the protocol's 32-bit counts.
    TooLarge {
        /// Which list.
        field: &'static str,
    },
    /// The RFC 3797 procedure was asked for more picks than it defines (65,536: it numbers
    /// its picks with 2 bytes).
    TooManyPicks {
        /// How many picks were asked for (the count, capped at the number of entries).
        asked: u32,
    },
    /// An argument of a helper outside the verified draw (a text kind, a drand network or a
    /// time to plan a round for, the sources of the RFC 3797 procedure run on its own) cannot
    /// be read.
    InvalidArgument {
        /// The argument's name (`kind`, `chain`, `after`, `sources`).
        field: &'static str,
        /// What is wrong and how to fix it.
        detail: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnsupportedSpec { found } => write!(
                f,
                "unsupported protocol version \"{found}\": this verifier knows {} (kleroterion/v1 was a draft, never used for a real draw; commit again with this version)",
                crate::encoding::SPEC_VERSION
            ),
            Error::InvalidText { field, reason } => write!(f, "{field}: {reason}"),
            Error::PanelSize {
                panel_size,
                pool_count,
            } => write!(
                f,
                "panel size {panel_size} is impossible with a pool of {pool_count}: choose a size from 1 to {pool_count}"
            ),
            Error::EmptyPool => write!(f, "the pool is empty: it needs at least one record"),
            Error::DuplicateName { field, name } => {
                write!(
                    f,
                    "{field}: the name \"{name}\" appears twice; names must be unique"
                )
            }
            Error::NoValues { feature } => {
                write!(
                    f,
                    "feature \"{feature}\" declares no value: give it at least one"
                )
            }
            Error::QuotaMinAboveMax {
                feature,
                value,
                min,
                max,
            } => write!(
                f,
                "quota {feature}={value}: min {min} is above max {max}; lower the min or raise the max"
            ),
            Error::QuotaMinsTooLarge {
                feature,
                sum,
                panel_size,
            } => write!(
                f,
                "feature \"{feature}\": the minimums add up to {sum}, more than the panel size {panel_size}; lower some minimums"
            ),
            Error::QuotaMaxsTooSmall {
                feature,
                sum,
                panel_size,
            } => write!(
                f,
                "feature \"{feature}\": the maximums add up to {sum}, less than the panel size {panel_size}; raise some maximums"
            ),
            Error::HouseholdRuleNotSupported { method } => write!(
                f,
                "the household rule cannot be applied by the {method} method: use greedy or lottery, or turn the rule off"
            ),
            Error::InvalidTime { found } => write!(
                f,
                "announced_at \"{found}\" is not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ"
            ),
            Error::AnnouncementMissing => write!(
                f,
                "announced_at is missing: the recipe commits to a drand round or a lottery draw, so the manifest must say when the commitment is published (YYYY-MM-DDTHH:MM:SSZ), or nobody can check that the randomness did not exist yet"
            ),
            Error::PoolRootMismatch { detail } => {
                write!(
                    f,
                    "the pool records do not match the committed pool: {detail}"
                )
            }
            Error::DuplicateTicket { ticket } => {
                write!(
                    f,
                    "ticket \"{ticket}\" appears twice; tickets must be unique"
                )
            }
            Error::WrongValueCount {
                ticket,
                found,
                expected,
            } => write!(
                f,
                "ticket \"{ticket}\" gives {found} values but there are {expected} features; give one value per feature"
            ),
            Error::UnknownValue {
                ticket,
                feature,
                value,
            } => write!(
                f,
                "ticket \"{ticket}\": value \"{value}\" is not declared for feature \"{feature}\"; declare it or correct the record"
            ),
            Error::HouseholdTag { detail } => write!(f, "household tag: {detail}"),
            Error::SealedRecord { ticket, detail } => {
                write!(f, "ticket \"{ticket}\": {detail}")
            }
            Error::OpeningMismatch { detail } => write!(f, "opening: {detail}"),
            Error::LinkMissing { ticket, detail } => write!(
                f,
                "record \"{}\": {detail}",
                crate::text::display(ticket, crate::text::DISPLAY_LIMIT)
            ),
            Error::DuplicateLink { ticket, link } => write!(
                f,
                "record \"{}\" links to invitee \"{}\", as an earlier record does: each invitee answers once. Fix: remove the duplicate answer",
                crate::text::display(ticket, crate::text::DISPLAY_LIMIT),
                crate::text::display(link, crate::text::DISPLAY_LIMIT)
            ),
            Error::SmallCells {
                smallest,
                alone,
                floor,
                ticket,
            } => write!(
                f,
                "the pool has a cell of {smallest} record(s) (ticket \"{ticket}\" is in it; {alone} record(s) are alone in their cell), below the disclosure floor of {floor}: such a record can be recognised by anyone who knows the person's values. Publish only the value a quota refers to, never a finer one, merge rare values, or lower the floor explicitly (the override is recorded in the manifest)"
            ),
            Error::ReceiptMismatch { detail } => {
                write!(f, "this receipt does not match this draw: {detail}")
            }
            Error::UnknownTicket { ticket } => {
                write!(f, "ticket \"{ticket}\" is not in the committed pool")
            }
            Error::InvalidRecipe { detail } => write!(f, "randomness recipe: {detail}"),
            Error::InvalidReveal { detail } => write!(f, "reveal: {detail}"),
            Error::RevealMismatch { detail } => {
                write!(
                    f,
                    "the reveal does not match the committed recipe: {detail}"
                )
            }
            Error::DrandSignature { detail } => write!(f, "drand: {detail}"),
            Error::InvalidAllocation { detail } => write!(f, "stratified allocation: {detail}"),
            Error::AllocationExceedsStratum {
                stratum,
                asked,
                available,
            } => write!(
                f,
                "stratum \"{stratum}\" is allocated {asked} seats but has only {available} people; lower its count"
            ),
            Error::UnknownFeature { field, feature } => write!(
                f,
                "{field} names feature \"{feature}\", which the manifest does not declare"
            ),
            Error::InvalidMethod { detail } => write!(f, "method: {detail}"),
            Error::InvalidPortfolio { panel, detail } => {
                write!(f, "panel {panel} of the portfolio: {detail}")
            }
            Error::DrawFailed { detail } => write!(f, "the draw failed: {detail}"),
            Error::Json { what, detail } => write!(f, "{what}: {detail}"),
            Error::WeakTicketKey { reason } => write!(
                f,
                "ticket key refused: {reason}. Fix: leave the key out and one of 256 bits is generated, or give 32 random bytes in hex (for example from `openssl rand -hex 32`)"
            ),
            Error::InvalidPerson { id, reason } => write!(f, "person \"{id}\": {reason}"),
            Error::TicketClash { first, second } => write!(
                f,
                "\"{first}\" and \"{second}\" were given the same ticket. Fix: use another ticket key"
            ),
            Error::NoRandomness { detail } => write!(f, "{detail}"),
            Error::InvalidHex { field } => {
                write!(f, "{field}: not valid hexadecimal of the expected length")
            }
            Error::TooLarge { field } => {
                write!(f, "{field}: more than 4,294,967,295 entries")
            }
            Error::TooManyPicks { asked } => write!(
                f,
                "count: {asked} picks asked for, but RFC 3797 numbers its picks with 2 bytes and so defines at most 65,536; ask for 65,536 or fewer"
            ),
            Error::InvalidArgument { field, detail } => write!(f, "{field}: {detail}"),
        }
    }
}

impl core::error::Error for Error {}

impl Error {
    /// The protocol name of this error (SPEC.md section 15), for bindings and reports.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::UnsupportedSpec { .. } => ErrorKind::UnsupportedSpec,
            Error::InvalidText { .. } => ErrorKind::InvalidText,
            Error::PanelSize { .. } => ErrorKind::PanelSize,
            Error::EmptyPool => ErrorKind::EmptyPool,
            Error::DuplicateName { .. } => ErrorKind::DuplicateName,
            Error::NoValues { .. } => ErrorKind::NoValues,
            Error::QuotaMinAboveMax { .. } => ErrorKind::QuotaMinAboveMax,
            Error::QuotaMinsTooLarge { .. } => ErrorKind::QuotaMinsTooLarge,
            Error::QuotaMaxsTooSmall { .. } => ErrorKind::QuotaMaxsTooSmall,
            Error::HouseholdRuleNotSupported { .. } => ErrorKind::HouseholdRuleNotSupported,
            Error::InvalidTime { .. } => ErrorKind::InvalidTime,
            Error::AnnouncementMissing => ErrorKind::AnnouncementMissing,
            Error::PoolRootMismatch { .. } => ErrorKind::PoolRootMismatch,
            Error::DuplicateTicket { .. } => ErrorKind::DuplicateTicket,
            Error::WrongValueCount { .. } => ErrorKind::WrongValueCount,
            Error::UnknownValue { .. } => ErrorKind::UnknownValue,
            Error::ReceiptMismatch { .. } => ErrorKind::ReceiptMismatch,
            Error::HouseholdTag { .. } => ErrorKind::HouseholdTag,
            Error::SealedRecord { .. } => ErrorKind::SealedRecord,
            Error::OpeningMismatch { .. } => ErrorKind::OpeningMismatch,
            Error::LinkMissing { .. } => ErrorKind::LinkMissing,
            Error::DuplicateLink { .. } => ErrorKind::DuplicateLink,
            Error::SmallCells { .. } => ErrorKind::SmallCells,
            Error::UnknownTicket { .. } => ErrorKind::UnknownTicket,
            Error::InvalidRecipe { .. } => ErrorKind::InvalidRecipe,
            Error::InvalidReveal { .. } => ErrorKind::InvalidReveal,
            Error::RevealMismatch { .. } => ErrorKind::RevealMismatch,
            Error::DrandSignature { .. } => ErrorKind::DrandSignature,
            Error::InvalidAllocation { .. } => ErrorKind::InvalidAllocation,
            Error::AllocationExceedsStratum { .. } => ErrorKind::AllocationExceedsStratum,
            Error::UnknownFeature { .. } => ErrorKind::UnknownFeature,
            Error::InvalidMethod { .. } => ErrorKind::InvalidMethod,
            Error::InvalidPortfolio { .. } => ErrorKind::InvalidPortfolio,
            Error::DrawFailed { .. } => ErrorKind::DrawFailed,
            Error::Json { .. } => ErrorKind::Json,
            Error::WeakTicketKey { .. } => ErrorKind::WeakTicketKey,
            Error::InvalidPerson { .. } => ErrorKind::InvalidPerson,
            Error::TicketClash { .. } => ErrorKind::TicketClash,
            Error::NoRandomness { .. } => ErrorKind::NoRandomness,
            Error::InvalidHex { .. } => ErrorKind::InvalidHex,
            Error::TooLarge { .. } => ErrorKind::TooLarge,
            Error::TooManyPicks { .. } => ErrorKind::TooManyPicks,
            Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T> = core::result::Result<T, Error>;

/// The protocol name of a failure: the kind of an [`Error`], or a failure only a verification
/// report gives (SPEC.md section 15). It is written in JSON as its name, e.g.
/// `"PoolRootMismatch"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::UnsupportedSpec`].
    UnsupportedSpec,
    /// [`Error::InvalidText`].
    InvalidText,
    /// [`Error::PanelSize`].
    PanelSize,
    /// [`Error::EmptyPool`].
    EmptyPool,
    /// [`Error::DuplicateName`].
    DuplicateName,
    /// [`Error::NoValues`].
    NoValues,
    /// [`Error::QuotaMinAboveMax`].
    QuotaMinAboveMax,
    /// [`Error::QuotaMinsTooLarge`].
    QuotaMinsTooLarge,
    /// [`Error::QuotaMaxsTooSmall`].
    QuotaMaxsTooSmall,
    /// [`Error::HouseholdRuleNotSupported`].
    HouseholdRuleNotSupported,
    /// [`Error::InvalidTime`].
    InvalidTime,
    /// [`Error::AnnouncementMissing`].
    AnnouncementMissing,
    /// [`Error::PoolRootMismatch`].
    PoolRootMismatch,
    /// [`Error::DuplicateTicket`].
    DuplicateTicket,
    /// [`Error::WrongValueCount`].
    WrongValueCount,
    /// [`Error::UnknownValue`].
    UnknownValue,
    /// [`Error::HouseholdTag`].
    HouseholdTag,
    /// [`Error::SealedRecord`].
    SealedRecord,
    /// [`Error::OpeningMismatch`].
    OpeningMismatch,
    /// [`Error::LinkMissing`].
    LinkMissing,
    /// [`Error::DuplicateLink`].
    DuplicateLink,
    /// [`Error::SmallCells`].
    SmallCells,
    /// [`Error::ReceiptMismatch`].
    ReceiptMismatch,
    /// [`Error::UnknownTicket`].
    UnknownTicket,
    /// [`Error::InvalidRecipe`].
    InvalidRecipe,
    /// [`Error::InvalidReveal`].
    InvalidReveal,
    /// [`Error::RevealMismatch`].
    RevealMismatch,
    /// [`Error::DrandSignature`].
    DrandSignature,
    /// [`Error::InvalidAllocation`].
    InvalidAllocation,
    /// [`Error::AllocationExceedsStratum`].
    AllocationExceedsStratum,
    /// [`Error::UnknownFeature`].
    UnknownFeature,
    /// [`Error::InvalidMethod`].
    InvalidMethod,
    /// [`Error::InvalidPortfolio`].
    InvalidPortfolio,
    /// [`Error::DrawFailed`].
    DrawFailed,
    /// [`Error::Json`].
    Json,
    /// [`Error::WeakTicketKey`].
    WeakTicketKey,
    /// [`Error::InvalidPerson`].
    InvalidPerson,
    /// [`Error::TicketClash`].
    TicketClash,
    /// [`Error::NoRandomness`].
    NoRandomness,
    /// [`Error::InvalidHex`].
    InvalidHex,
    /// [`Error::TooLarge`].
    TooLarge,
    /// [`Error::TooManyPicks`].
    TooManyPicks,
    /// [`Error::InvalidArgument`].
    InvalidArgument,
    /// A verification report's failure (SPEC.md section 12.1).
    UnreadableBundle,
    /// A verification report's failure (SPEC.md section 12.1).
    CommitmentMismatch,
    /// A verification report's failure (SPEC.md section 12.1).
    LotteryMismatch,
    /// A verification report's failure (SPEC.md section 12.1).
    CommittedLate,
    /// A verification report's failure (SPEC.md section 12.1).
    SeedMismatch,
    /// A verification report's failure (SPEC.md section 12.1).
    DrawMismatch,
    /// A verification report's failure (SPEC.md section 12.1).
    QuotaBroken,
    /// A verification report's failure (SPEC.md section 12.1).
    HouseholdBroken,
    /// A verification report's failure (SPEC.md section 12.1).
    TranscriptMismatch,
    /// A verification report's failure (SPEC.md section 12.1).
    ReplacementMismatch,
    /// A chain's failure (SPEC.md section 12.5): the previous stage is not the one the manifest
    /// names, or does not verify.
    ParentMismatch,
    /// A chain's failure (SPEC.md section 12.5): a record links to someone the previous stage
    /// did not invite.
    NotInvited,
    /// A chain's failure (SPEC.md section 12.5): a linked record's inherited value differs from
    /// its invitee's.
    InheritedMismatch,
}

impl ErrorKind {
    /// The kind's name, as in SPEC.md section 15.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::UnsupportedSpec => "UnsupportedSpec",
            ErrorKind::InvalidText => "InvalidText",
            ErrorKind::PanelSize => "PanelSize",
            ErrorKind::EmptyPool => "EmptyPool",
            ErrorKind::DuplicateName => "DuplicateName",
            ErrorKind::NoValues => "NoValues",
            ErrorKind::QuotaMinAboveMax => "QuotaMinAboveMax",
            ErrorKind::QuotaMinsTooLarge => "QuotaMinsTooLarge",
            ErrorKind::QuotaMaxsTooSmall => "QuotaMaxsTooSmall",
            ErrorKind::HouseholdRuleNotSupported => "HouseholdRuleNotSupported",
            ErrorKind::InvalidTime => "InvalidTime",
            ErrorKind::AnnouncementMissing => "AnnouncementMissing",
            ErrorKind::PoolRootMismatch => "PoolRootMismatch",
            ErrorKind::DuplicateTicket => "DuplicateTicket",
            ErrorKind::WrongValueCount => "WrongValueCount",
            ErrorKind::UnknownValue => "UnknownValue",
            ErrorKind::HouseholdTag => "HouseholdTag",
            ErrorKind::SealedRecord => "SealedRecord",
            ErrorKind::OpeningMismatch => "OpeningMismatch",
            ErrorKind::LinkMissing => "LinkMissing",
            ErrorKind::DuplicateLink => "DuplicateLink",
            ErrorKind::SmallCells => "SmallCells",
            ErrorKind::ReceiptMismatch => "ReceiptMismatch",
            ErrorKind::UnknownTicket => "UnknownTicket",
            ErrorKind::InvalidRecipe => "InvalidRecipe",
            ErrorKind::InvalidReveal => "InvalidReveal",
            ErrorKind::RevealMismatch => "RevealMismatch",
            ErrorKind::DrandSignature => "DrandSignature",
            ErrorKind::InvalidAllocation => "InvalidAllocation",
            ErrorKind::AllocationExceedsStratum => "AllocationExceedsStratum",
            ErrorKind::UnknownFeature => "UnknownFeature",
            ErrorKind::InvalidMethod => "InvalidMethod",
            ErrorKind::InvalidPortfolio => "InvalidPortfolio",
            ErrorKind::DrawFailed => "DrawFailed",
            ErrorKind::Json => "Json",
            ErrorKind::WeakTicketKey => "WeakTicketKey",
            ErrorKind::InvalidPerson => "InvalidPerson",
            ErrorKind::TicketClash => "TicketClash",
            ErrorKind::NoRandomness => "NoRandomness",
            ErrorKind::InvalidHex => "InvalidHex",
            ErrorKind::TooLarge => "TooLarge",
            ErrorKind::TooManyPicks => "TooManyPicks",
            ErrorKind::InvalidArgument => "InvalidArgument",
            ErrorKind::UnreadableBundle => "UnreadableBundle",
            ErrorKind::CommitmentMismatch => "CommitmentMismatch",
            ErrorKind::LotteryMismatch => "LotteryMismatch",
            ErrorKind::CommittedLate => "CommittedLate",
            ErrorKind::SeedMismatch => "SeedMismatch",
            ErrorKind::DrawMismatch => "DrawMismatch",
            ErrorKind::QuotaBroken => "QuotaBroken",
            ErrorKind::HouseholdBroken => "HouseholdBroken",
            ErrorKind::TranscriptMismatch => "TranscriptMismatch",
            ErrorKind::ReplacementMismatch => "ReplacementMismatch",
            ErrorKind::ParentMismatch => "ParentMismatch",
            ErrorKind::NotInvited => "NotInvited",
            ErrorKind::InheritedMismatch => "InheritedMismatch",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ErrorKind {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
