//! What a password chosen by a person must be: long enough, not their username, and not
//! easy to guess (zxcvbn's estimate, which knows the common passwords, names, dates and
//! keyboard runs).

use crate::error::{AppError, AppResult, Problem};

use super::model::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

/// Words a guesser tries first here that zxcvbn's English lists do not hold: "password"
/// in Vietnamese, the app's and the party's own words, places.
const LOCAL_WORDS: &[&str] = &[
    "matkhau",
    "mat khau",
    "ganbo",
    "gan bo",
    "dangvien",
    "dang vien",
    "chibo",
    "chi bo",
    "danguy",
    "dang uy",
    "vietnam",
    "hanoi",
    "saigon",
    "hochiminh",
    "anhyeuem",
    "yeuem",
    "iloveyou",
];

/// Refuses a new password that is too short, too long, the username (in any case, or
/// inside it) or too easy to guess; `known` are other words about the person (their name)
/// that a guesser would try.
pub fn check_new_password(password: &str, username: &str, known: &[&str]) -> AppResult<()> {
    let refuse = |problem| Err(AppError::invalid("password", problem));
    let chars = password.chars().count() as u32;
    if password.is_empty() {
        return refuse(Problem::Required);
    }
    if chars < MIN_PASSWORD_CHARS {
        return refuse(Problem::TooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if chars > MAX_PASSWORD_CHARS {
        return refuse(Problem::TooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if !user.is_empty() && lower.contains(&user) {
        return refuse(Problem::TooEasy);
    }
    // The person's words as typed, without diacritics, word by word and run together.
    let mut words: Vec<String> = vec![username.to_string()];
    for k in known {
        let folded = crate::core::fold::fold(k);
        words.extend(k.split_whitespace().map(str::to_string));
        words.extend(folded.split_whitespace().map(str::to_string));
        words.push(folded.replace(' ', ""));
    }
    let mut inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    inputs.extend(LOCAL_WORDS);
    if u8::from(zxcvbn::zxcvbn(password, &inputs).score()) < 2 {
        return refuse(Problem::TooEasy);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(password: &str) -> Option<Problem> {
        match check_new_password(password, "lan.nguyen", &["Nguyễn Thị Lan"]) {
            Ok(()) => None,
            Err(AppError::Invalid { field, problem }) => {
                assert_eq!(field, "password");
                Some(problem)
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_password_is_long_enough_and_not_too_long() {
        assert_eq!(problem(""), Some(Problem::Required));
        assert_eq!(problem("Tr4ng!x"), Some(Problem::TooShort { min: 8 }));
        assert_eq!(
            problem(&"đ".repeat(129)),
            Some(Problem::TooLong { max: 128 })
        );
    }

    #[test]
    fn common_passwords_and_the_username_are_refused() {
        for weak in [
            "12345678",
            "123456789",
            "password",
            "matkhau123",
            "qwertyuiop",
            "11111111",
            "lan.nguyen",
            "LAN.NGUYEN2026",
            "nguyenthilan",
        ] {
            assert_eq!(problem(weak), Some(Problem::TooEasy), "{weak}");
        }
    }

    #[test]
    fn a_password_a_person_can_remember_is_taken() {
        for good in [
            "cay-bang-truoc-ngo",
            "Hoa sen nở tháng 6",
            "vuon rau cua ba 1957",
        ] {
            assert_eq!(problem(good), None, "{good}");
        }
    }
}
