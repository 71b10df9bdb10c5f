//! Editing a stored value in a text field: the field shows the stored value until the user
//! types, and hands back the new text when the user presses Enter or leaves the field — so each
//! edit becomes one stored change, and an undo shows up in the field at once. Text typed for
//! one item is not lost when the user selects another before leaving the field: it is handed
//! back for the item it was typed for.

use egui::Ui;

/// Text the user finished typing, and which item (key) it was typed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    pub key: String,
    pub text: String,
}

/// The text being edited for one stored value.
#[derive(Clone, Debug, Default)]
pub struct EditBuffer {
    /// Which value the buffer belongs to (e.g. the selected node's id).
    key: Option<String>,
    /// The stored value the text started from.
    original: String,
    pub text: String,
}

impl EditBuffer {
    fn changed(&self) -> bool {
        self.text.trim() != self.original.trim()
    }

    /// Points the buffer at a stored value. A new key, or a stored value changed elsewhere (undo),
    /// resets the text unless the user is typing in the field. Returns the unfinished edit of
    /// the previous key, if the key changed under it.
    pub fn sync(&mut self, key: &str, stored: &str, editing: bool) -> Option<Commit> {
        let mut left_behind = None;
        if self.key.as_deref() != Some(key) {
            if let Some(old) = self.key.take()
                && self.changed()
            {
                left_behind = Some(Commit {
                    key: old,
                    text: self.text.clone(),
                });
            }
            self.reset_to(key, stored);
        } else if self.original != stored && !editing {
            self.reset_to(key, stored);
        }
        left_behind
    }

    fn reset_to(&mut self, key: &str, stored: &str) {
        self.key = Some(key.to_owned());
        self.original = stored.to_owned();
        self.text = stored.to_owned();
    }

    /// A single-line field; returns the text when the user commits a changed value.
    /// `label` is the visible label beside the field, which also names it for screen readers.
    pub fn field(
        &mut self,
        ui: &mut Ui,
        label: &egui::Response,
        id: &str,
        key: &str,
        stored: &str,
        width: f32,
    ) -> Option<Commit> {
        let id = ui.make_persistent_id(id);
        let editing = ui.ctx().memory(|m| m.has_focus(id));
        let left_behind = self.sync(key, stored, editing);
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut self.text)
                    .id(id)
                    .desired_width(width),
            )
            .labelled_by(label.id);
        if left_behind.is_some() {
            return left_behind;
        }
        if response.lost_focus() && self.changed() {
            self.original = self.text.clone();
            return Some(Commit {
                key: key.to_owned(),
                text: self.text.clone(),
            });
        }
        None
    }

    /// A field for a value that is always the same item (a plan setting): returns the text
    /// when the user commits a changed value.
    pub fn field_text(
        &mut self,
        ui: &mut Ui,
        label: &egui::Response,
        id: &str,
        stored: &str,
        width: f32,
    ) -> Option<String> {
        self.field(ui, label, id, id, stored, width).map(|c| c.text)
    }

    /// Forgets the typed text (after a rejected value), showing the stored value again.
    pub fn reset(&mut self) {
        self.key = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_stored_value_unless_the_user_is_typing() {
        let mut b = EditBuffer::default();
        assert_eq!(b.sync("1", "张伟", false), None);
        assert_eq!(b.text, "张伟");
        b.text = "张伟伟".into();
        assert_eq!(b.sync("1", "张伟", true), None);
        assert_eq!(b.text, "张伟伟");
        b.text = "张伟".into();
        // An undo changed the stored value while the field was not focused.
        b.sync("1", "张三", false);
        assert_eq!(b.text, "张三");
    }

    #[test]
    fn text_typed_for_one_item_is_handed_back_when_another_is_selected() {
        let mut b = EditBuffer::default();
        b.sync("1", "张伟", false);
        b.text = "张伟明".into();
        let left = b.sync("2", "李娜", false);
        assert_eq!(
            left,
            Some(Commit {
                key: "1".into(),
                text: "张伟明".into()
            })
        );
        assert_eq!(b.text, "李娜");
        // Nothing typed: nothing handed back.
        assert_eq!(b.sync("3", "王强", false), None);
    }
}
