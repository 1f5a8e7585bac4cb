//! Previous/next links for long lists; plain links, so they work before the app loads.

use leptos::prelude::*;

use crate::i18n::*;

/// `href` builds the link of a page number.
#[component]
pub fn Pager(page: u32, pages: u32, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let i18n = use_i18n();
    if pages <= 1 {
        return ().into_any();
    }
    let prev = (page > 1).then(|| href(page - 1));
    let next = (page < pages).then(|| href(page + 1));
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, pager.label)>
            {prev.map(|h| view! { <a href=h class="button" rel="prev">"← "{t!(i18n, pager.previous)}</a> })}
            <span class="pager__position">{t!(i18n, pager.position, page = page, pages = pages)}</span>
            {next.map(|h| view! { <a href=h class="button" rel="next">{t!(i18n, pager.next)}" →"</a> })}
        </nav>
    }
    .into_any()
}
