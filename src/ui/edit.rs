//! Editing a stored value in a text field: the field shows the stored value until the user
//! types, and hands back the new text when the user presses Enter or leaves the field — so each
//! edit becomes one stored change, and an undo shows up in the field at once.

use egui::Ui;

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
    /// Points the buffer at a stored value. A new key, or a stored value changed elsewhere (undo),
    /// resets the text unless the user is typing in the field.
    pub fn sync(&mut self, key: &str, stored: &str, editing: bool) {
        if self.key.as_deref() != Some(key) || (self.original != stored && !editing) {
            self.key = Some(key.to_owned());
            self.original = stored.to_owned();
            self.text = stored.to_owned();
        }
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
    ) -> Option<String> {
        let id = ui.make_persistent_id(id);
        let editing = ui.ctx().memory(|m| m.has_focus(id));
        self.sync(key, stored, editing);
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut self.text)
                    .id(id)
                    .desired_width(width),
            )
            .labelled_by(label.id);
        let committed = response.lost_focus();
        if committed && self.text.trim() != self.original.trim() {
            self.original = self.text.clone();
            return Some(self.text.clone());
        }
        None
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
        b.sync("1", "张伟", false);
        assert_eq!(b.text, "张伟");
        b.text = "张伟伟".into();
        b.sync("1", "张伟", true);
        assert_eq!(b.text, "张伟伟");
        // An undo changed the stored value while the field was not focused.
        b.sync("1", "张三", false);
        assert_eq!(b.text, "张三");
        // Another item selected.
        b.sync("2", "李娜", true);
        assert_eq!(b.text, "李娜");
    }
}
