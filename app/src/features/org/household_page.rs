//! One household: address, people, tags, and who has looked after it.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::get_household;
use super::model::*;
use super::widgets::{HistoryTable, LastVisit, PhoneLink, TagList, id_param};
use crate::i18n::*;
use crate::ui::status_page::ErrorPanel;

#[component]
pub fn HouseholdPage() -> impl IntoView {
    let household = id_param("household");
    let detail = Resource::new(move || household.get(), get_household);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <HouseholdView d /> }.into_any(),
                    Err(err) => view! { <ErrorPanel err /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HouseholdView(d: HouseholdDetail) -> impl IntoView {
    let i18n = use_i18n();
    let h = d.household;
    let size = h.size;
    let hot = d.hot_spot;
    view! {
        <Title text=h.head_name.clone() />
        <header class="page-header">
            <p class="page-header__crumb">{d.cell.name.clone()}</p>
            <h1>{h.head_name.clone()}</h1>
            <p class="page-header__meta">
                <span>{h.address.line()}</span>
                {(hot > 0).then(|| view! { <span class="badge badge--alert">{t!(i18n, households.hot_spot, level = hot)}</span> })}
            </p>
            <TagList tags=h.tags.clone() />
        </header>
        <div class="detail-grid">
            <section class="panel">
                <dl class="facts">
                    <div><dt>{t!(i18n, households.size)}</dt><dd>{t!(i18n, households.people, count = size)}</dd></div>
                    <div><dt>{t!(i18n, members.phone)}</dt><dd><PhoneLink phone=h.phone.clone() /></dd></div>
                    <div>
                        <dt>{t!(i18n, households.member)}</dt>
                        <dd>
                            {match (h.member_id, h.member_name.clone()) {
                                (Some(id), Some(name)) => view! { <a href=format!("/members/{id}")>{name}</a> }.into_any(),
                                _ => view! { <span class="badge badge--alert">{t!(i18n, households.nobody)}</span> }.into_any(),
                            }}
                        </dd>
                    </div>
                    <div><dt>{t!(i18n, households.last_visit)}</dt><dd><LastVisit date=h.last_visit /></dd></div>
                    <div><dt>{t!(i18n, households.visits)}</dt><dd>{d.visits}</dd></div>
                    {d.group_name.clone().map(|g| view! {
                        <div><dt>{t!(i18n, households.group)}</dt><dd>{g}</dd></div>
                    })}
                    {(!d.notes.is_empty()).then(|| view! {
                        <div><dt>{t!(i18n, members.notes)}</dt><dd>{d.notes.clone()}</dd></div>
                    })}
                </dl>
            </section>
            <section class="panel">
                <h2>{t!(i18n, households.history)}</h2>
                <HistoryTable entries=d.history show_member=true />
            </section>
        </div>
        <crate::features::concerns::household_panel::HouseholdConcernsPanel household=h.id />
    }
}
