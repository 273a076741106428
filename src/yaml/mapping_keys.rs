//! Finding a repeated key while a quick reader builds a mapping: a scan of
//! the keys so far while there are few, a set once there are many (a
//! roster). A reader that finds one declines the document, and serde-saphyr
//! reports the duplicate with its line.

use std::collections::HashSet;

use super::node::{Node, SNode, Scalar};

/// Keys up to which a new key is compared with each one before it; larger
/// mappings keep a set.
const FEW_KEYS: usize = 16;

/// The keys of one mapping under construction, once it has many.
#[derive(Default)]
pub(super) struct MappingKeys {
    many: HashSet<String>,
}

impl MappingKeys {
    /// Whether the string key `key` (trimmed) is already a key of `earlier`,
    /// the mapping's entries so far, all added through this check.
    pub(super) fn repeats(&mut self, key: &str, earlier: &[(SNode, SNode)]) -> bool {
        if earlier.len() < FEW_KEYS {
            return earlier.iter().any(|(k, _)| string_key(k) == Some(key));
        }
        if self.many.is_empty() {
            self.many = earlier
                .iter()
                .filter_map(|(k, _)| string_key(k))
                .map(str::to_owned)
                .collect();
        }
        !self.many.insert(key.to_owned())
    }
}

/// A string key's text as serde-saphyr compares it: trimmed.
fn string_key(key: &SNode) -> Option<&str> {
    match &key.node {
        Node::Scalar(Scalar::Str(text)) => Some(trim(text)),
        _ => None,
    }
}

/// The padding serde-saphyr trims before it types or compares a scalar.
pub(super) fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\t', '\r', '\n'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Pos;

    fn key(text: &str) -> (SNode, SNode) {
        let scalar = |scalar| SNode {
            node: Node::Scalar(scalar),
            pos: Pos::START,
            bytes: None,
            anchored: None,
        };
        (scalar(Scalar::Str(text.to_owned())), scalar(Scalar::Null))
    }

    #[test]
    fn repeats_are_found_in_small_and_large_mappings() {
        for size in [3, FEW_KEYS - 1, FEW_KEYS, FEW_KEYS + 1, 100] {
            let mut keys = MappingKeys::default();
            let mut entries = Vec::new();
            for i in 0..size {
                let name = format!("k{i}");
                assert!(!keys.repeats(&name, &entries), "{size}: {name}");
                entries.push(key(&name));
            }
            for i in [0, size / 2, size - 1] {
                assert!(keys.repeats(&format!("k{i}"), &entries), "{size}: k{i}");
            }
            assert!(!keys.repeats("other", &entries), "{size}");
        }
    }

    #[test]
    fn keys_compare_trimmed() {
        let entries = vec![key(" a\t")];
        assert!(MappingKeys::default().repeats("a", &entries));
    }
}
