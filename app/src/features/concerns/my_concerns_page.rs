//! The concerns a member follows, on their phone: what to report, what to tell households.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::my_concerns;
use super::widgets::*;
use crate::i18n::*;
use crate::ui::loaded::Loaded;

#[component]
pub fn MyConcernsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| my_concerns());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), concerns.mine_title).to_string() />
        <header class="page-header">
            <h1>{t!(i18n, concerns.mine_title)}</h1>
            <p class="page-header__intro">{t!(i18n, concerns.mine_intro)}</p>
        </header>
        <Loaded res=list let:rows>
            {if rows.is_empty() {
                view! { <p class="empty">{t!(i18n, concerns.mine_empty)}</p> }.into_any()
            } else {
                view! {
                    <h2 class="visually-hidden">{t!(i18n, concerns.mine_list)}</h2>
                    <ul class="concern-list">
                        {rows.into_iter().map(|row| view! { <li><ConcernCard row show_state=true /></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </Loaded>
    }
}
