//! YAML as rolecall reads it: a spanned tree of nodes (so every finding can
//! point at its line), the input limits of SPEC §8, and typed reading of that
//! tree that collects every schema problem instead of stopping at the first.
//!
//! The only module that uses serde-saphyr. Below everything but `finding`:
//! imports nothing else of the crate. Inside, `node` (the tree) is a leaf,
//! `parse` alone chooses a reader, and `core_schema` alone types scalars.

mod block;
mod core_schema;
#[doc(hidden)]
pub mod differential;
mod fast;
mod guard;
mod library;
mod mapping_keys;
mod node;
mod parse;
mod read;
mod syntax_hint;
pub mod write;

pub use node::{Node, ParseFailure, Pos, SNode, Scalar};
pub use parse::parse;
pub use read::{At, Fields, Reader};
