//! Every server function, called as every role (signed out, two members, two secretaries,
//! the viewer, the committee) with malformed, oversized and hostile arguments, through the
//! whole router on a fresh demo ward. For every call:
//!
//! - the answer is never a 5xx;
//! - a refusal (4xx, or a plain form post sent back with its error) changes nothing in the
//!   database: a fingerprint of its tables (counts, last ids, versions, states) is taken
//!   after every call that wrote anything, and compared;
//! - a signed-out caller, or one who may not see the cell, member, household, concern,
//!   meeting, request or import an argument names, is never answered (2xx) by a function
//!   that reads or changes it (signing in, who am I, the sign-in page, the language and the
//!   first set-up are public on purpose; signing out reads nothing);
//! - a refusal says why, as the app's error;
//! - no day out of the years the app knows is stored.
//!
//! `fuzz/table.rs` lists every server function with its arguments, their shapes and where
//! their realistic values come from (the demo ward's own ids, of the caller's cell and of
//! others); a registered server function missing from it fails the run, so a new one cannot
//! escape. For each function and role the run makes a right call, the same call with
//! someone else's things, spoilt calls (hostile values, missing, unknown and repeated
//! fields, wrong shapes, deep and long lists, spoilt encodings and content types) and
//! requests of the wrong kind; then it sweeps every argument through a catalogue of values
//! of its kind as a caller whose right call was answered, and tries the function as a
//! plain form post. Seeds are fixed per function and role: every run makes the same
//! calls, whatever the day (`common::today()`) or the order the tests run in.

mod common;
mod fuzz;

use std::collections::BTreeSet;

use fuzz::run::fuzz;
use fuzz::table::{GROUPS, in_group, registered, table};
use http::Method;

#[test]
fn every_registered_server_function_is_in_the_table() {
    let registered = registered();
    let listed: BTreeSet<String> = table().iter().map(|e| e.path.to_string()).collect();
    let missing: Vec<&String> = registered.keys().filter(|p| !listed.contains(*p)).collect();
    assert!(
        missing.is_empty(),
        "server functions the fuzz test does not know (add them to its table): {missing:?}"
    );
    let gone: Vec<&String> = listed
        .iter()
        .filter(|p| !registered.contains_key(*p))
        .collect();
    assert!(gone.is_empty(), "no longer registered: {gone:?}");
    for (path, method) in &registered {
        assert_eq!(*method, Method::POST, "{path} is not called with POST");
    }
    // Each test below takes a part of the table; together they take all of it.
    for path in registered.keys() {
        assert_eq!(
            GROUPS.iter().filter(|g| in_group(g, path)).count(),
            1,
            "{path} belongs to exactly one fuzz test"
        );
    }
    assert!(registered.len() >= 60, "{}", registered.len());
}

#[tokio::test]
async fn fuzz_auth_org_and_visits() {
    fuzz(GROUPS[0], 0x6761_6e62_6f01).await;
}

#[tokio::test]
async fn fuzz_board_and_meetings() {
    fuzz(GROUPS[1], 0x6761_6e62_6f02).await;
}

#[tokio::test]
async fn fuzz_concerns() {
    fuzz(GROUPS[2], 0x6761_6e62_6f03).await;
}

#[tokio::test]
async fn fuzz_reviews_and_transfer() {
    fuzz(GROUPS[3], 0x6761_6e62_6f04).await;
}
