//! The ids a phone gives the visits and concerns it makes, so that a record sent twice
//! (a double tap, a retry after a lost answer) is stored once.

/// An id made on the phone: 8–64 letters, digits, `-`, `_` or `:`.
pub fn valid_client_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':'))
}

/// An id for a new visit or concern, made on the server for a page without its script.
/// The script replaces it with one made on the phone.
pub fn fresh_id() -> String {
    #[cfg(feature = "ssr")]
    {
        uuid::Uuid::new_v4().to_string()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_id_is_short_and_plain() {
        assert!(valid_client_id("abcd-1234"));
        assert!(valid_client_id("v:1700000000:abcdef"));
        assert!(!valid_client_id("short"));
        assert!(!valid_client_id(&"x".repeat(65)));
        assert!(!valid_client_id("has space in it"));
        assert!(!valid_client_id("<script>x</script>"));
    }
}
