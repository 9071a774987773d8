//! `roundtable ingest PATH...`: members' replies by e-mail, placed in their threads.

pub mod token;
