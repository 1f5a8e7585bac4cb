//! A member's start page on a phone: their households, most in need of a visit first.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::get_my_households;
use super::model::*;
use super::outbox_view::{MyOutbox, PendingBadge};
use super::widgets::NeedBadge;
use crate::features::concerns::model::Urgency;
use crate::features::concerns::widgets::category_label;
use crate::features::org::widgets::{LastVisit, TagList};
use crate::i18n::*;
use crate::ui::layout::signed_in;
use crate::ui::status_page::ErrorPanel;

/// How many open concerns a card lists before "and N more".
const CARD_CONCERNS: usize = 2;

#[component]
pub fn MyPage() -> impl IntoView {
    let i18n = use_i18n();
    let households = Resource::new(|| (), |_| get_my_households());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), my.title).to_string() />
        <header class="page-header">
            <h1>{t!(i18n, my.title)}</h1>
        </header>
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                if signed_in().await.and_then(|me| me.member_id).is_none() {
                    return view! { <p class="empty">{t!(i18n, my.not_a_member)}</p> }.into_any();
                }
                match households.await {
                    Err(err) => view! { <MyOutbox /> <ErrorPanel err /> }.into_any(),
                    Ok(d) if d.households.is_empty() => view! {
                        <MyOutbox />
                        <p class="empty">{t!(i18n, my.empty)}</p>
                    }
                    .into_any(),
                    Ok(d) => view! { <MyOutbox /> <MyHouseholdsView d /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MyHouseholdsView(d: MyHouseholds) -> impl IntoView {
    let i18n = use_i18n();
    let visited = d.visited_this_month();
    let total = d.households.len();
    let percent = crate::features::org::model::percent(visited as i64, total as i64);
    let month = super::widgets::month_label(
        chrono::Datelike::year(&d.today),
        chrono::Datelike::month(&d.today),
    );
    let groups: Vec<(u8, Vec<MyHousehold>)> = (0..4u8)
        .map(|rank| {
            (
                rank,
                d.households
                    .iter()
                    .filter(|h| h.need.rank() == rank)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, list)| !list.is_empty())
        .collect();
    view! {
        <section class="visits-summary" data-today=d.today.to_string()>
            <p class="visits-summary__line">
                {t!(i18n, visits.summary, month = month.clone(), visited = visited, total = total)}
                {month_just_begun(d.today).then(|| view! { " "<span class="badge badge--info">{t!(i18n, visits.month_begun)}</span> })}
            </p>
            <div
                class="visits-progress"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=percent
                aria-label=move || t_string!(i18n, visits.summary_label)
            >
                <span class="visits-progress__fill" style:width=format!("{percent}%")></span>
            </div>
            {d.non_regular.then(|| view! { <p class="notice visit-notice--info">{t!(i18n, visits.non_regular)}</p> })}
        </section>
        {groups
            .into_iter()
            .map(|(rank, list)| {
                let heading = move || match rank {
                    0 => t_string!(i18n, visits.group_never),
                    1 => t_string!(i18n, visits.group_overdue),
                    2 => t_string!(i18n, visits.group_due_soon),
                    _ => t_string!(i18n, visits.group_recent),
                };
                let id = format!("need-{rank}");
                let labelled_by = id.clone();
                view! {
                    <section class="visit-group" aria-labelledby=labelled_by>
                        <h2 id=id class="visit-group__title">
                            {heading}" "<span class="visit-group__count">{list.len()}</span>
                        </h2>
                        <ul class="visit-cards">
                            {list.into_iter().map(|h| view! { <VisitCard h /> }).collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()}
    }
    .into_any()
}

#[component]
fn VisitCard(h: MyHousehold) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/households/{}", h.id);
    let more = h.concerns.len().saturating_sub(CARD_CONCERNS);
    let tel: String = h
        .phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let phone = h.phone.clone();
    let hot = h.hot_spot;
    let non_regular = h.mode == BondMode::NonRegular;
    view! {
        <li class=format!("visit-card visit-card--{}", h.need.code()) data-household-card=h.id.to_string()>
            <div class="visit-card__top">
                <a class="visit-card__name" href=href.clone()>{h.head_name.clone()}</a>
                <NeedBadge need=h.need />
            </div>
            <p class="visit-card__address">{h.address.short()}</p>
            {(!h.tags.is_empty() || hot > 0).then(|| view! {
                <div class="visit-card__tags">
                    {(hot > 0).then(|| view! {
                        <span class="badge badge--alert">{t!(i18n, households.hot_spot, level = hot)}</span>
                    })}
                    <TagList tags=h.tags.clone() />
                </div>
            })}
            <p class="visit-card__last">
                {t!(i18n, visits.last_visit)}" "<LastVisit date=h.last_visit />
            </p>
            {non_regular.then(|| view! { <p class="visit-card__mode">{t!(i18n, visits.non_regular_household)}</p> })}
            {(!h.concerns.is_empty()).then(|| view! {
                <div class="visit-card__concerns">
                    <p class="visit-card__concerns-title">{t!(i18n, visits.open_concerns)}</p>
                    <ul>
                        {h.concerns.iter().take(CARD_CONCERNS).map(|c| view! {
                            <li>
                                {(c.urgency == Urgency::Urgent).then(|| view! {
                                    <span class="badge badge--alert">{t!(i18n, visits.urgent)}</span>" "
                                })}
                                <span class="visit-card__concern-cat">{category_label(i18n.get_locale_untracked(), c.category)}": "</span>
                                {c.body.clone()}
                            </li>
                        }).collect_view()}
                    </ul>
                    {(more > 0).then(|| view! { <p class="muted">{t!(i18n, visits.more_concerns, count = more)}</p> })}
                </div>
            })}
            <PendingBadge household=h.id />
            <div class="visit-card__actions">
                <a class="button button--primary" href=format!("{href}#visit")>{t!(i18n, visits.log_visit)}</a>
                {(!tel.is_empty()).then(|| view! {
                    <a class="button visit-card__call" href=format!("tel:{tel}")>
                        {t!(i18n, visits.call, phone = phone.clone())}
                    </a>
                })}
            </div>
        </li>
    }
    .into_any()
}
