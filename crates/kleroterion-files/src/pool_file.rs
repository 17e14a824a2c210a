//! Reading a published pool file one record at a time, into a [`CompactPool`].
//!
//! A pool file of 10 million records is about 1.3 GB of JSON and 1.5 GB as `Vec<Record>`;
//! [`read_pool`] holds one record at a time and keeps the pool compactly (about 40 bytes a
//! record), so that `draw` works on a national roll in a few hundred megabytes.

use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;

use kleroterion::compact::{CompactPool, PoolBuilder};
use kleroterion::{Manifest, Record};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::error::{FileError, Result};

/// Reads the pool file at `path` against the manifest.
///
/// The outer error is about the file (unreadable, not JSON, not a pool file); the inner one is
/// the protocol's, in the order [`kleroterion::draw()`] checks: the manifest, then the pool's
/// count and Merkle root against the manifest, then each record (texts, values), then
/// duplicate tickets.
pub fn read_pool(
    path: &Path,
    manifest: &Manifest,
) -> Result<std::result::Result<CompactPool, kleroterion::Error>> {
    if let Err(e) = manifest.validate() {
        return Ok(Err(e));
    }
    let file = std::fs::File::open(path).map_err(|e| FileError::io(path, &e))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let start = reader.fill_buf().map_err(|e| FileError::io(path, &e))?;
    if start.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let mut builder = PoolBuilder::new(&manifest.features);
    let mut fatal = None;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let parsed = PoolSeed {
        builder: &mut builder,
        fatal: &mut fatal,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    if let Some(e) = fatal {
        return Ok(Err(e));
    }
    parsed.map_err(|e| FileError::Json {
        file: path.display().to_string(),
        detail: format!("not a valid pool ({e})"),
    })?;
    if let Err(e) = kleroterion::draw::check_root(manifest, builder.count(), builder.root()) {
        return Ok(Err(e));
    }
    Ok(builder.finish())
}

/// The pool file's object: `spec` and `records`, nothing else.
struct PoolSeed<'b, 'f> {
    builder: &'b mut PoolBuilder<'f>,
    fatal: &'b mut Option<kleroterion::Error>,
}

const FIELDS: &[&str] = &["spec", "records"];

impl<'de> DeserializeSeed<'de> for PoolSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_struct("PoolFile", FIELDS, self)
    }
}

impl<'de> Visitor<'de> for PoolSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct PoolFile")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let (mut spec, mut records) = (false, false);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "spec" if spec => return Err(de::Error::duplicate_field("spec")),
                "spec" => {
                    map.next_value::<String>()?;
                    spec = true;
                }
                "records" if records => return Err(de::Error::duplicate_field("records")),
                "records" => {
                    map.next_value_seed(RecordsSeed {
                        builder: &mut *self.builder,
                        fatal: &mut *self.fatal,
                    })?;
                    records = true;
                }
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            }
        }
        if !spec {
            return Err(de::Error::missing_field("spec"));
        }
        if !records {
            return Err(de::Error::missing_field("records"));
        }
        Ok(())
    }
}

/// The records, each pushed into the builder as soon as it is read.
struct RecordsSeed<'b, 'f> {
    builder: &'b mut PoolBuilder<'f>,
    fatal: &'b mut Option<kleroterion::Error>,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Record>()? {
            if let Err(e) = self.builder.push(&record) {
                let message = e.to_string();
                *self.fatal = Some(e);
                return Err(de::Error::custom(message));
            }
        }
        Ok(())
    }
}
