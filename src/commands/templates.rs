//! `rolecall templates export DIR`: the built-in templates, for
//! customising. Existing files are never overwritten.

use std::fs;

use crate::cli::ExportArgs;
use crate::commands::Context;
use crate::error::{Error, Result};
use crate::render::templates::BUILTIN;

pub fn export(context: &Context, args: &ExportArgs) -> Result<u8> {
    let dir = context.root.join(&args.target);
    fs::create_dir_all(&dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    let (mut written, mut kept) = (0, 0);
    for (name, source) in BUILTIN {
        let path = dir.join(name);
        let shown = args.target.join(name);
        if path.exists() || path.is_symlink() {
            context
                .output
                .say(&format!("kept {} (it exists)", shown.display()));
            kept += 1;
            continue;
        }
        crate::render::files::write_atomic(&path, source.as_bytes()).map_err(|source| {
            Error::Write {
                path: path.clone(),
                source,
            }
        })?;
        context.output.note(&format!("wrote {}", shown.display()));
        written += 1;
    }
    context.output.say(&format!(
        "exported {written} templates to {}, kept {kept}",
        args.target.display()
    ));
    Ok(0)
}
