//! A role's new shift, written through the shared edits: a shorthand owner
//! becomes a one-shift list first, then the shift is appended (a role the
//! record does not list yet is added under `roles`).

use super::{EditError, Editor, Field, Value};
use crate::model::Instant;
use crate::yaml::{Node, SNode};

/// The shift a handover or an assignment adds.
pub struct NewShift<'a> {
    pub owner: &'a str,
    pub from: Instant,
    pub note: Option<&'a str>,
}

impl NewShift<'_> {
    /// The shift as a list item. A note is kept even on a role's first
    /// shift, so nothing typed is lost.
    fn fields(&self) -> Vec<Field> {
        let mut fields = vec![
            Field::new("owner", Value::Text(self.owner.to_owned())),
            Field::new("from", Value::Raw(self.from.to_string())),
        ];
        if let Some(note) = self.note.filter(|n| !n.trim().is_empty()) {
            fields.push(Field::new("handover", Value::Block(note.to_owned())));
        }
        fields
    }
}

impl Editor {
    /// Appends `shift` to `role`'s shifts.
    pub fn append_shift(&mut self, role: &str, shift: &NewShift<'_>) -> Result<(), EditError> {
        if is_shorthand(&self.root()?, role) {
            self.listify(&["roles", role], "owner")?;
        }
        self.append_item(&["roles", role], &shift.fields())
    }
}

fn is_shorthand(root: &SNode, role: &str) -> bool {
    let Node::Map(top) = &root.node else {
        return false;
    };
    let Some((_, roles)) = top.iter().find(|(k, _)| k.key_text() == "roles") else {
        return false;
    };
    let Node::Map(entries) = &roles.node else {
        return false;
    };
    entries.iter().any(|(k, v)| {
        k.key_text() == role
            && matches!(&v.node, Node::Scalar(s) if *s != crate::yaml::Scalar::Null)
    })
}
