//! The page's language: Vietnamese unless the person chose English.
//!
//! The choice lives in the `i18n_pref_locale` cookie, set by [`set_language`]. The browser's
//! `Accept-Language` is deliberately not consulted, so a shared screen or a borrowed phone
//! shows the same language to everyone until someone switches. The server renders in that
//! language and writes it into `<html lang>`; islands read it back from there.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::error::AppError;
use crate::i18n::Locale;

pub const COOKIE: &str = "i18n_pref_locale";

/// The language asked for by a cookie header value, Vietnamese by default.
pub fn locale_from_cookies(header: &str) -> Locale {
    header
        .split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .and_then(|(_, v)| match v.trim() {
            "en" => Some(Locale::en),
            "vi" => Some(Locale::vi),
            _ => None,
        })
        .unwrap_or(Locale::vi)
}

/// The language of this render: from the request's cookie on the server, from `<html lang>`
/// in the browser.
pub fn current_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(locale_from_cookies)
            })
            .unwrap_or(Locale::vi)
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .map(|l| if l == "en" { Locale::en } else { Locale::vi })
            .unwrap_or(Locale::vi)
    }
}

/// Creates the translation context for this render (or island) and provides it.
pub fn provide_i18n() -> I18nContext<Locale> {
    let i18n = leptos_i18n::context::init_i18n_subcontext::<Locale>(Some(Signal::stored(
        current_locale(),
    )));
    provide_context(i18n);
    i18n
}

/// Remembers the chosen language for a year and goes back to the page it was chosen on.
/// A plain form post: works before and without the page's script.
#[server(endpoint = "i18n/set_language")]
pub async fn set_language(lang: String, back: String) -> Result<(), AppError> {
    use crate::error::Problem;
    use crate::server::scope::answer;
    answer(async move {
        let lang = match lang.as_str() {
            "vi" | "en" => lang,
            _ => return Err(AppError::invalid("lang", Problem::UnknownChoice)),
        };
        let cookie = format!("{COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax");
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>()
            && let Ok(v) = http::HeaderValue::from_str(&cookie)
        {
            res.append_header(http::header::SET_COOKIE, v);
        }
        let target = crate::features::auth::model::local_path(&back).unwrap_or("/");
        leptos_axum::redirect(target);
        Ok(())
    })
    .await
}

/// The word for a kind of commune/ward in the page's language: "xã", "phường"… or
/// "commune", "ward"….
pub fn ward_word(l: Locale, kind: crate::core::ward_kind::WardKind) -> &'static str {
    match l {
        Locale::en => kind.en(),
        _ => kind.vi(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_unless_english_was_chosen() {
        assert_eq!(locale_from_cookies(""), Locale::vi);
        assert_eq!(locale_from_cookies("a=b; i18n_pref_locale=en"), Locale::en);
        assert_eq!(locale_from_cookies("i18n_pref_locale=fr"), Locale::vi);
        assert_eq!(locale_from_cookies("xi18n_pref_locale=en"), Locale::vi);
    }
}
