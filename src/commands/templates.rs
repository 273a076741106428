//! `rolecall templates export DIR`: the built-in templates, for
//! customising. Existing files are never overwritten.

use std::fs;

use crate::cli::ExportArgs;
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::render::templates::BUILTIN;

pub fn export(context: &Context, args: &ExportArgs) -> Result<u8> {
    let dir = context.root.join(&args.target);
    fs::create_dir_all(&dir).map_err(|source| Error::Write { path: dir.clone(), source })?;
    let (mut written, mut kept) = (0, 0);
    for (name, source) in BUILTIN {
        let path = dir.join(name);
        if path.exists() {
            context.output.say(&format!("kept {} (it exists)", path.display()));
            kept += 1;
            continue;
        }
        crate::render::files::write_atomic(&path, source.as_bytes()).map_err(|source| Error::Write { path: path.clone(), source })?;
        context.output.note(&format!("wrote {}", path.display()));
        written += 1;
    }
    context.output.say(&format!("exported {written} templates to {}, kept {kept}", dir.display()));
    Ok(0)
}
