//! The validation history the page keeps: bounded, however long a tab trains.

use crate::train::Metrics;

/// Most validation results the app keeps. A tab left training validates every
/// `val_every` patterns without end in sight; past this many entries every second
/// one is dropped (the first and the last stay), so the curve still spans the
/// whole run, and memory, frame payload and checkpoint size stay bounded.
pub const MAX_HISTORY: usize = 2000;

/// Halves `h` (keeping its first and last entries) while it is longer than
/// [`MAX_HISTORY`].
pub fn thin_history(h: &mut Vec<Metrics>) {
    while h.len() > MAX_HISTORY {
        let last = h.len() - 1;
        let mut i = 0;
        h.retain(|_| {
            let keep = i % 2 == 0 || i == last;
            i += 1;
            keep
        });
    }
}
