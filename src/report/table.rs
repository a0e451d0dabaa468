//! One table style for every table the tool prints (comfy-table).
//!
//! UTF-8 borders and colour on a terminal; plain ASCII and no colour when
//! piped or when `NO_COLOR` is set, so a screen reader or a log file gets
//! clean text. Tables fit the given width.

use comfy_table::{ContentArrangement, Table, presets};

/// How to draw: decided once from the terminal and the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub utf8: bool,
    pub color: bool,
    /// Total width to fit, in columns.
    pub width: u16,
}

/// An empty table in the given style, shared by every table the tool prints.
pub fn table(style: Style) -> Table {
    let mut t = Table::new();
    t.load_style(if style.utf8 {
        presets::UTF8_FULL_CONDENSED
    } else {
        presets::ASCII_FULL_CONDENSED
    });
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(style.width.max(40));
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}
