//! Whether a write came from a plain HTML form (no script on the page): such a post asks
//! for HTML back, and is answered with a redirect to a page that says what happened.

/// A browser posting a form without the page's script (it asks for HTML back).
#[cfg(feature = "ssr")]
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|s| s.contains("text/html"))
    })
}
