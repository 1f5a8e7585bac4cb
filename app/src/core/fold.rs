//! Folding for search that ignores case and Vietnamese diacritics, in both places that
//! search: the server (deunicode, for stored keys) and the browser (the platform's Unicode
//! normalisation, so that no table ships in the bundle).

/// Lowercase, without Vietnamese diacritics, with đ as d and runs of spaces as one:
/// "Nguyễn  Văn Đức" → "nguyen van duc". Both the stored search keys and the typed
/// queries go through this, so `nguyen van` finds `Nguyễn Văn`.
pub fn fold(s: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        let ascii = deunicode::deunicode(s).to_lowercase();
        ascii.split_whitespace().collect::<Vec<_>>().join(" ")
    }
    #[cfg(not(feature = "ssr"))]
    {
        let decomposed: String = js_sys::JsString::from(s).normalize("NFD").into();
        let stripped: String = decomposed
            .chars()
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .map(|c| match c {
                'đ' | 'Đ' => 'd',
                c => c,
            })
            .collect::<String>()
            .to_lowercase();
        stripped.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_diacritics_case_and_spacing() {
        assert_eq!(fold("Nguyễn  Văn Đức"), "nguyen van duc");
        assert_eq!(fold("ĐẶNG THỊ HỒNG"), "dang thi hong");
        assert_eq!(fold("Ngõ 45 Trần Phú"), "ngo 45 tran phu");
        assert!(fold("Nguyễn Văn Đức").contains(&fold("nguyen van")));
    }
}
