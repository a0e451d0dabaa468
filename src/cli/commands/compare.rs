//! `sij-screen compare`: one case across rule sets, or two rule sets' criteria
//! side by side.

use crate::analysis::compare::pair_criteria;
use crate::cli::exit::{AppError, Exit};
use crate::cli::output;
use crate::cli::request::CompareRequest;
use crate::cli::screening::AnswersFile;
use crate::compile::catalog::{self, BUNDLED, Loaded};
use crate::files::answers::Match;
use crate::report::compare::{case_table, criteria_table};

pub fn run(args: &CompareRequest) -> Result<Exit, AppError> {
    let style = output::stdout_style(args.color);
    let specs: Vec<String> = if args.rules.is_empty() {
        BUNDLED.iter().map(|b| b.id.to_string()).collect()
    } else {
        args.rules.clone()
    };
    let loaded: Vec<Loaded> = specs
        .iter()
        .map(|s| catalog::load(s).map_err(AppError::from))
        .collect::<Result<_, _>>()?;
    let text = match &args.answers {
        Some(path) => {
            let file = AnswersFile::read(path)?;
            let mut rows = Vec::new();
            for l in &loaded {
                let answers = file.bind(&l.rules, Match::ByQuestionId)?;
                rows.push((&l.rules, l.rules.evaluate(&answers)));
            }
            case_table(&rows, style)
        }
        None => {
            let [a, b] = loaded.as_slice() else {
                return Err(AppError::Usage(
                    "compare needs --answers FILE, or exactly two --rules to set side by side"
                        .into(),
                ));
            };
            let pairs = pair_criteria(&a.rules, &b.rules);
            criteria_table(&a.rules, &b.rules, &pairs, style)
        }
    };
    output::stdout(&text)?;
    Ok(Exit::Success)
}
