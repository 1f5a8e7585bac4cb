//! A member's start page: the households they look after.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::my_households;
use super::widgets::{LastVisit, PhoneLink, TagList};
use crate::i18n::*;
use crate::ui::layout::use_me;
use crate::ui::status_page::ErrorPanel;

#[component]
pub fn MyPage() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_me();
    let linked = me.member_id.is_some();
    let households = Resource::new(|| (), |_| my_households());
    view! {
        <Title text=move || t_string!(i18n, my.title).to_string() />
        <header class="page-header">
            <h1>{t!(i18n, my.title)}</h1>
            <p class="page-header__intro">{t!(i18n, my.intro)}</p>
        </header>
        <Show when=move || linked fallback=move || view! { <p class="empty">{t!(i18n, my.not_a_member)}</p> }>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    match households.await {
                        Err(err) => view! { <ErrorPanel err /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">{t!(i18n, my.empty)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="my-households">
                                {list
                                    .into_iter()
                                    .map(|h| view! {
                                        <li class="my-card">
                                            <a href=format!("/households/{}", h.id) class="my-card__head">
                                                {h.head_name.clone()}
                                            </a>
                                            <p class="my-card__address">{h.address.short()}</p>
                                            <TagList tags=h.tags.clone() />
                                            <p class="my-card__meta">
                                                <span>{t!(i18n, households.last_visit)}": "<LastVisit date=h.last_visit /></span>
                                                <PhoneLink phone=h.phone.clone() />
                                            </p>
                                        </li>
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </Show>
    }
}
