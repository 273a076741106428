//! How a record indents what rolecall adds: the step of a nested mapping,
//! how far a list's dash sits from its key (`0` for indentless lists), and
//! the gap between a dash and the item's first key, read from the record
//! itself so new lines look like the lines around them.

use super::text::LineIndex;
use crate::yaml::{Node, SNode};

/// Indentation a record uses, with two-space defaults where it says nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Style {
    /// Columns from a key to the keys of the mapping below it.
    pub step: usize,
    /// Columns from a key to the dashes of the list below it.
    pub dash: usize,
    /// Spaces between a dash and the item's first key.
    pub gap: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            step: 2,
            dash: 2,
            gap: 1,
        }
    }
}

/// One block list under a key, as written.
struct ListShape {
    dash: usize,
    gap: usize,
}

impl Style {
    /// The style for a new list under `parent` (a mapping): the lists of its
    /// other entries when it has some, else the record's most common list
    /// shape, else the defaults.
    pub(super) fn near(source: &str, root: &SNode, parent: Option<&SNode>) -> Style {
        let lines = LineIndex::new(source);
        let mut style = Style::default();
        if let Some(step) = first_step(root) {
            style.step = step;
        }
        let mut siblings = Vec::new();
        if let Some(parent) = parent {
            collect_lists(source, &lines, parent, false, &mut siblings);
        }
        let mut everywhere = Vec::new();
        collect_lists(source, &lines, root, true, &mut everywhere);
        let chosen = if siblings.is_empty() {
            most_common(&everywhere)
        } else {
            siblings.first().map(|s| (s.dash, s.gap))
        };
        if let Some((dash, gap)) = chosen {
            style.dash = dash;
            style.gap = gap;
        }
        style
    }
}

/// The most common (dash, gap) pair, the first seen on a tie.
fn most_common(shapes: &[ListShape]) -> Option<(usize, usize)> {
    let mut best: Option<((usize, usize), usize)> = None;
    for shape in shapes {
        let key = (shape.dash, shape.gap);
        let count = shapes.iter().filter(|s| (s.dash, s.gap) == key).count();
        if best.is_none_or(|(_, n)| count > n) {
            best = Some((key, count));
        }
    }
    best.map(|(key, _)| key)
}

/// The block lists that are values of `map`'s entries (and, with `deep`,
/// of every mapping below it).
fn collect_lists(
    source: &str,
    lines: &LineIndex,
    map: &SNode,
    deep: bool,
    out: &mut Vec<ListShape>,
) {
    let Node::Map(entries) = &map.node else {
        return;
    };
    for (key, value) in entries {
        match &value.node {
            Node::Seq(items) if value.pos.line > key.pos.line => {
                if let Some(shape) = items
                    .first()
                    .and_then(|item| shape_of(source, lines, key, item))
                {
                    out.push(shape);
                }
                if deep {
                    for item in items {
                        collect_lists(source, lines, item, deep, out);
                    }
                }
            }
            Node::Map(_) if deep => collect_lists(source, lines, value, deep, out),
            _ => {}
        }
    }
}

fn shape_of(source: &str, lines: &LineIndex, key: &SNode, item: &SNode) -> Option<ListShape> {
    let dash = lines.dash_before(source, item.pos)?;
    let key_col = key.pos.column - 1;
    Some(ListShape {
        dash: dash.checked_sub(key_col)?,
        gap: (item.pos.column - 1).checked_sub(dash + 1)?.max(1),
    })
}

/// The indentation step of the first block mapping nested in another.
fn first_step(node: &SNode) -> Option<usize> {
    let Node::Map(entries) = &node.node else {
        return None;
    };
    for (key, value) in entries {
        if let Node::Map(inner) = &value.node
            && let Some((first, _)) = inner.first()
            && first.pos.line > key.pos.line
        {
            return first.pos.column.checked_sub(key.pos.column);
        }
    }
    None
}
