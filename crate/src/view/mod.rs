//! What the page shows, as views of what the analysis already knows: the rows of the entries table (each
//! entry's signals, decoded once by the analysis for the timeline and the table alike) and the session plot
//! (the timelines themselves: the same applications, the same losses, the same idle threshold as the rules).

pub mod flag_names;
pub mod plot;
pub mod rows;

pub use plot::{plots, Plot};
pub use rows::{EntryIndex, Filter};
