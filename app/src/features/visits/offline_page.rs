//! What the phone shows for a page it does not keep when there is no network. The service
//! worker stores this page when it is installed.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::*;

#[component]
pub fn OfflinePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), visits.offline_title).to_string() />
        <main id="main" class="page status-page">
            <h1>{t!(i18n, visits.offline_title)}</h1>
            <p>{t!(i18n, visits.offline_text)}</p>
            <a class="button button--primary" href="/my">{t!(i18n, visits.offline_my)}</a>
        </main>
    }
}
