#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod atomic;
pub mod commit;
pub mod commit_folder;
pub mod draw_folder;
pub mod draw_lists;
pub mod encoding;
pub mod error;
pub mod fair;
pub mod given;
pub mod intake;
pub mod json_layout;
pub mod limits;
pub mod maxent;
pub mod outputs;
pub mod people;
pub mod pool_file;
pub mod previous;
pub mod quotas;
pub mod reveal;
pub mod sheet;
pub mod table;
pub mod tickets;
pub mod timing;
pub mod weight_fit;
pub mod workbook;

pub use atomic::Existing;
pub use commit::{
    CommitOptions, Committed, MaxentWeights, MethodChoice, TicketEntry, commit, parse_allocation,
};
pub use encoding::Encoding;
pub use error::{FileError, Location, Result};
pub use given::GivenDistribution;
pub use outputs::{
    CommitPaths, DrawPaths, TicketMap, WriteOptions, write_commit, write_draw, write_draw_csvs,
};
pub use people::{IdColumn, People, PeopleOptions, Person};
pub use previous::PreviousStage;
pub use quotas::{QuotaFormat, Quotas};
pub use reveal::{parse_recipe, parse_reveal, read_recipe, read_reveal};
pub use sheet::Sheet;
pub use table::{Table, TableOptions};
pub use tickets::TicketSource;
