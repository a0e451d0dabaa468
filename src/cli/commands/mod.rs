//! One file per command, each with the same signature: `run(request) ->
//! Result<Exit, AppError>`.

pub mod batch;
pub mod compare;
pub mod completions;
pub mod explain;
pub mod export;
pub mod graph;
pub mod man;
pub mod rules;
pub mod run;
pub mod schema;
pub mod test;
pub mod validate;
