//! Pages for what cannot be shown: not found, no access.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text::error_text;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), errors.page_not_found_title).to_string() />
        <main id="main" class="page status-page">
            <p class="status-page__code" aria-hidden="true">"404"</p>
            <h1>{t!(i18n, errors.page_not_found_title)}</h1>
            <p>{t!(i18n, errors.page_not_found)}</p>
            <a class="button button--primary" href="/">{t!(i18n, errors.back_home)}</a>
        </main>
    }
}

/// What a page shows when its data is refused: the reason, and a way home.
#[component]
pub fn ErrorPanel(err: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let title_forbidden = matches!(err, AppError::Forbidden);
    let text = StoredValue::new(err);
    let text = move || text.with_value(|err| error_text(i18n, err));
    view! {
        <section class="status-page" role="alert">
            <h1>
                {move || {
                    if title_forbidden {
                        t_string!(i18n, errors.forbidden_title).to_string()
                    } else {
                        text()
                    }
                }}
            </h1>
            <Show when=move || title_forbidden>
                <p>{text}</p>
            </Show>
            <a class="button" href="/">{t!(i18n, errors.back_home)}</a>
        </section>
    }
}
