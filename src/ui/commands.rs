//! The app's commands: one list shared by the menus, the keyboard shortcuts and the buttons.

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::ui::views::View;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    NewPlan,
    OpenPlan,
    /// Open a plan file by typing its path (works where no file dialog is available).
    OpenPath,
    SaveAs,
    /// Import people, products, customers, opportunities, history or actuals from a file.
    Import,
    /// Export the plan as a workbook, CSV or JSON for colleagues.
    Export,
    OpenRecent(std::path::PathBuf),
    OpenDemo,
    /// List the plan's backups, take one, or restore one.
    Backups,
    Undo,
    Redo,
    Show(View),
    About,
    /// The welcome screen: the demo, a new empty plan, or a plan file.
    Welcome,
    /// Show (true) or hide the getting-started path beside the views.
    GettingStarted(bool),
    Quit,
}

impl Command {
    /// Commands that have a keyboard shortcut, checked every frame.
    pub fn with_shortcuts() -> Vec<Command> {
        let mut all = vec![
            Command::NewPlan,
            Command::OpenPlan,
            Command::SaveAs,
            Command::Import,
            Command::Export,
            Command::Undo,
            Command::Redo,
            Command::Quit,
        ];
        all.extend(View::ALL.into_iter().map(Command::Show));
        all
    }

    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        let cmd = Modifiers::COMMAND;
        let cmd_shift = Modifiers::COMMAND.plus(Modifiers::SHIFT);
        Some(match self {
            Command::NewPlan => KeyboardShortcut::new(cmd, Key::N),
            Command::OpenPlan => KeyboardShortcut::new(cmd, Key::O),
            Command::SaveAs => KeyboardShortcut::new(cmd_shift, Key::S),
            Command::Import => KeyboardShortcut::new(cmd, Key::I),
            Command::Export => KeyboardShortcut::new(cmd, Key::E),
            Command::Undo => KeyboardShortcut::new(cmd, Key::Z),
            Command::Redo => KeyboardShortcut::new(cmd, Key::Y),
            Command::Quit => KeyboardShortcut::new(cmd, Key::Q),
            Command::Show(view) => {
                const KEYS: [Key; 9] = [
                    Key::Num1,
                    Key::Num2,
                    Key::Num3,
                    Key::Num4,
                    Key::Num5,
                    Key::Num6,
                    Key::Num7,
                    Key::Num8,
                    Key::Num9,
                ];
                let index = View::ALL.iter().position(|v| v == view)?;
                KeyboardShortcut::new(cmd, *KEYS.get(index)?)
            }
            _ => return None,
        })
    }

    /// Ctrl+Shift+Z also redoes, as in most editors.
    pub fn alternative_shortcut(&self) -> Option<KeyboardShortcut> {
        match self {
            Command::Redo => Some(KeyboardShortcut::new(
                Modifiers::COMMAND.plus(Modifiers::SHIFT),
                Key::Z,
            )),
            _ => None,
        }
    }

    pub fn label_key(&self) -> &'static str {
        match self {
            Command::NewPlan => "menu.file.new",
            Command::OpenPlan => "menu.file.open",
            Command::OpenPath => "menu.file.open_path",
            Command::SaveAs => "menu.file.save_as",
            Command::Import => "menu.file.import",
            Command::Export => "menu.file.export",
            Command::OpenRecent(_) => "menu.file.recent",
            Command::OpenDemo => "menu.file.open_demo",
            Command::Backups => "menu.file.backups",
            Command::Undo => "menu.edit.undo",
            Command::Redo => "menu.edit.redo",
            Command::Show(view) => view.label_key(),
            Command::About => "menu.help.about",
            Command::Welcome => "menu.help.welcome",
            Command::GettingStarted(_) => "menu.help.guide",
            Command::Quit => "menu.file.quit",
        }
    }
}
