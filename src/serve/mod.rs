//! `roundtable serve`: a live preview that rebuilds what changed and reloads the browser.

pub mod session;
