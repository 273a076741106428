//! `rolecall schema`: JSON Schema (draft-07) of the file formats, generated
//! from the same types the loader fills.

use schemars::generate::SchemaSettings;

use crate::cli::SchemaKind;
use crate::model::{Config, Incident, Roster};

pub fn run(kind: SchemaKind) -> u8 {
    crate::print(&schema_json(kind));
    0
}

/// The schema of one file format, as pretty JSON.
pub fn schema_json(kind: SchemaKind) -> String {
    let generator = SchemaSettings::draft07().into_generator();
    let schema = match kind {
        SchemaKind::Incident => generator.into_root_schema_for::<Incident>(),
        SchemaKind::Config => generator.into_root_schema_for::<Config>(),
        SchemaKind::People => generator.into_root_schema_for::<Roster>(),
    };
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
