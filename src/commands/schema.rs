//! `rolecall schema`: JSON Schema (draft-07) of the file formats, generated
//! from the same types the loader fills.

use schemars::generate::SchemaSettings;
use serde_json::Value;

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
    let mut value = schema.to_value();
    forbid_null(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Optional keys may be left out but not written as null (rolecall reads
/// `key:` with no value as an error), so `null` is taken out of every
/// type list and `anyOf`.
fn forbid_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".to_owned(), only);
                }
            }
            if let Some(Value::Array(options)) = map.get_mut("anyOf") {
                options.retain(|o| o.get("type").is_none_or(|t| t != "null"));
                if options.len() == 1 {
                    let only = options.remove(0);
                    map.remove("anyOf");
                    if let Value::Object(inner) = only {
                        map.extend(inner);
                    }
                }
            }
            map.values_mut().for_each(forbid_null);
        }
        Value::Array(items) => items.iter_mut().for_each(forbid_null),
        _ => {}
    }
}
