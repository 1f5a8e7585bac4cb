//! Folding for search that ignores case and Vietnamese diacritics, in both places that
//! search: the server (deunicode, for stored keys) and the browser (the platform's Unicode
//! normalisation, so that no table ships in the bundle).

/// "Nguyễn  Văn Đức" → "nguyen van duc".
pub fn fold(s: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::features::org::model::fold(s)
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
