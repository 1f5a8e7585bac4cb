//! The sign-in and password forms, and the ways back after signing in.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult, Problem};

/// What the sign-in form sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SignInForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// What the form that changes one's own password sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PasswordChangeForm {
    pub current: String,
    pub password: String,
    pub password_again: String,
}

/// The fewest characters a chosen password has.
pub const MIN_PASSWORD_CHARS: u32 = 8;
/// The most: hashing is slow on purpose, so a password does not get to be a megabyte.
pub const MAX_PASSWORD_CHARS: u32 = 128;

/// The page of one's own account, and where it lands after the password is changed.
pub const ACCOUNT_PATH: &str = "/account";
pub const ACCOUNT_CHANGED: &str = "/account?changed=1";

/// What the screen that asks for a first password sends, after a one-time code.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ChoosePasswordForm {
    pub password: String,
    pub password_again: String,
}

pub use crate::core::access::CHOOSE_PASSWORD_PATH;

/// How many days a one-time sign-in code works.
pub const CODE_DAYS: i64 = 14;

/// How many digits a one-time code has.
pub const CODE_DIGITS: usize = 8;

/// A one-time code as typed: its digits, whatever spaces or dashes came between them.
pub fn typed_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '\u{a0}'))
        .collect()
}

/// A one-time code as printed: its digits in groups of four, easy to read out.
pub fn printed_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The username made for a person from their name: given name, then family name, without
/// diacritics (`Nguyễn Thị Lan` is `lan.nguyen`), or `dangvien` for a name with no
/// letters to make it from. [`numbered_username`] makes the next one when it is taken.
pub fn username_from_name(full_name: &str) -> String {
    let folded = crate::core::fold::fold(full_name);
    let words: Vec<String> = folded
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let name = match words.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [family, .., given] => format!("{given}.{family}"),
    };
    // Room for a number after it, and a letter first.
    let name: String = name.chars().take(USERNAME_CHARS.1 - 4).collect();
    let name = name.trim_end_matches('.').to_string();
    if name.len() < USERNAME_CHARS.0 || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return format!("dangvien{}", if name.is_empty() { "" } else { "." }) + &name;
    }
    name
}

/// The `n`th choice of username after `base` (the second is `base2`).
pub fn numbered_username(base: &str, n: u32) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}{n}")
    }
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

/// The shortest and longest username.
pub const USERNAME_CHARS: (usize, usize) = (3, 32);

/// A username as it is kept: what was typed, trimmed and in lower case, if it is simple to
/// type on a phone (lower-case ASCII letters and digits, with `.`, `_` or `-` between
/// them, starting with a letter).
pub fn check_username(typed: &str) -> AppResult<String> {
    let name = typed.trim().to_lowercase();
    let refuse = |problem| Err(AppError::invalid("username", problem));
    let (min, max) = USERNAME_CHARS;
    if name.is_empty() {
        return refuse(Problem::Required);
    }
    if name.len() > max {
        return refuse(Problem::TooLong { max: max as u32 });
    }
    if name.len() < min {
        return refuse(Problem::TooShort { min: min as u32 });
    }
    let simple = name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with(['.', '_', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !simple {
        return refuse(Problem::BadFormat);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_simple_to_type() {
        assert_eq!(check_username("  Lan.Nguyen ").unwrap(), "lan.nguyen");
        assert_eq!(check_username("hung2").unwrap(), "hung2");
        let problem = |u: &str| match check_username(u) {
            Err(AppError::Invalid { problem, .. }) => problem,
            other => panic!("{u}: {other:?}"),
        };
        assert_eq!(problem(""), Problem::Required);
        assert_eq!(problem("ab"), Problem::TooShort { min: 3 });
        assert_eq!(problem(&"a".repeat(33)), Problem::TooLong { max: 32 });
        for bad in ["lân", "2lan", "lan nguyen", "lan.", "lan@x", "_lan"] {
            assert_eq!(problem(bad), Problem::BadFormat, "{bad}");
        }
    }

    #[test]
    fn usernames_come_from_names_without_diacritics() {
        assert_eq!(username_from_name("Nguyễn Thị Lan"), "lan.nguyen");
        assert_eq!(username_from_name("  Đặng   Văn Đức "), "duc.dang");
        assert_eq!(username_from_name("Lê Hùng"), "hung.le");
        assert_eq!(username_from_name("Thảo"), "thao");
        assert_eq!(username_from_name("Ý"), "dangvien.y");
        assert_eq!(username_from_name("…"), "dangvien");
        assert_eq!(username_from_name("2 Nguyễn"), "nguyen.2");
        assert_eq!(username_from_name("9"), "dangvien.9");
        let long = username_from_name(&format!(
            "Nguyễn {}",
            "Aaaaa ".repeat(10) + "Bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        ));
        assert!(long.len() <= USERNAME_CHARS.1 - 4, "{long}");
        for name in [
            "Nguyễn Thị Lan",
            "Ý",
            "…",
            "9",
            "Trần Thị Ngọc Ánh",
            "O'Neil Mác",
            &long,
        ] {
            let base = username_from_name(name);
            for n in [1, 2, 99, 999] {
                let u = numbered_username(&base, n);
                assert_eq!(
                    check_username(&u).as_deref(),
                    Ok(u.as_str()),
                    "{name} → {u}"
                );
            }
        }
        assert_eq!(numbered_username("lan.nguyen", 1), "lan.nguyen");
        assert_eq!(numbered_username("lan.nguyen", 2), "lan.nguyen2");
    }

    #[test]
    fn codes_are_read_as_printed() {
        assert_eq!(printed_code("48217730"), "4821 7730");
        assert_eq!(typed_code(" 4821 7730 "), "48217730");
        assert_eq!(typed_code("4821-7730"), "48217730");
        assert_eq!(typed_code(&printed_code("48217730")), "48217730");
    }

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
