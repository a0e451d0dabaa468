//! `sij-screen rules`: list the bundled rule sets.

use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::cli::request::ColorWhen;
use crate::compile::catalog::{self, BUNDLED};
use crate::report::table::table;

pub fn run() -> Result<Exit, AppError> {
    let mut t = table(output::stdout_style(ColorWhen::Never));
    t.set_header(["id", "title", "version", "review", "default"]);
    for b in BUNDLED {
        let loaded = catalog::compile_text(b.id, b.text).map_err(AppError::Invalid)?;
        let m = &loaded.rules.meta;
        t.add_row(vec![
            m.id.clone(),
            m.title.clone(),
            m.version.clone(),
            format!("{} ({})", m.review_status.as_str(), m.review_date),
            if b.id == catalog::DEFAULT_ID {
                "yes".into()
            } else {
                String::new()
            },
        ]);
    }
    output::stdout(&format!("{t}\n"))?;
    Ok(Exit::Success)
}
