//! The sign-in form and the ways back after signing in.

use serde::{Deserialize, Serialize};

/// What the sign-in form sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SignInForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// A path on this site (not a link to another one), for redirects taken from input.
pub fn local_path(path: &str) -> Option<&str> {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.contains("://")
        && !path.chars().any(char::is_control)
        && path.len() <= 512;
    ok.then_some(path)
}

/// Where to go after signing in: a local path other than the sign-in page itself.
pub fn safe_next(next: &str) -> Option<&str> {
    local_path(next).filter(|p| *p != "/login" && !p.starts_with("/login?"))
}

/// The sign-in page for someone signed out who asked for `here` (path and query), with the
/// way back to it; from the start page, the sign-in page alone.
pub fn sign_in_path(here: &str) -> String {
    if here == "/" || here.is_empty() {
        "/login".to_string()
    } else {
        format!("/login?next={}", leptos_router::location::Url::escape(here))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/cells/7"), Some("/cells/7"));
        assert_eq!(safe_next("//evil.example"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(safe_next(""), None);
    }

    #[test]
    fn the_sign_in_page_keeps_the_way_back() {
        assert_eq!(sign_in_path("/"), "/login");
        let to = sign_in_path("/cells/7/households?q=Lê Lợi&page=2");
        let next = to
            .strip_prefix("/login?next=%2Fcells%2F7%2Fhouseholds%3Fq%3D")
            .unwrap();
        assert!(!next.contains(['&', ' ', '?', '/']), "{to}");
        assert_eq!(safe_next("/cells/7?x=1"), Some("/cells/7?x=1"));
    }
}
