//! A cell's households: search by head, address or phone; filter by tag and assignment.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::list_households;
use super::model::*;
use super::widgets::{CellFrame, CellTab, LastVisit, TagList, id_param, tag_label};
use crate::i18n::*;
use crate::ui::pager::Pager;
use crate::ui::status_page::ErrorPanel;

fn parse_assigned(v: &str) -> Option<bool> {
    match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

#[component]
pub fn HouseholdsPage() -> impl IntoView {
    let i18n = use_i18n();
    let cell = id_param("cell");
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let tag =
        Memo::new(move |_| query.with(|m| m.get("tag").and_then(|s| HouseholdTag::parse(&s))));
    let assigned =
        Memo::new(move |_| query.with(|m| m.get("assigned").and_then(|s| parse_assigned(&s))));
    let page = Memo::new(move |_| {
        query.with(|m| m.get("page").and_then(|p| p.parse().ok()).unwrap_or(1u32))
    });
    let households = Resource::new(
        move || (cell.get(), q.get(), tag.get(), assigned.get(), page.get()),
        |(c, q, t, a, p)| list_households(c, q, t, a, p),
    );
    view! {
        <CellFrame tab=CellTab::Households>
        <form method="get" class="filters" role="search">
            <label class="field field--grow">
                <span class="field__label">{t!(i18n, households.search)}</span>
                <input
                    type="search"
                    name="q"
                    value=move || q.get()
                    maxlength="100"
                    placeholder=move || t_string!(i18n, households.search_placeholder)
                />
            </label>
            <label class="field">
                <span class="field__label">{t!(i18n, households.tag_filter)}</span>
                <select name="tag">
                    <option value="">{t!(i18n, households.all_tags)}</option>
                    {HouseholdTag::ALL
                        .iter()
                        .map(|t| {
                            let t = *t;
                            view! {
                                <option value=t.code() selected=move || tag.get() == Some(t)>
                                    {move || tag_label(i18n, t)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field__label">{t!(i18n, households.assignment_filter)}</span>
                <select name="assigned">
                    <option value="">{t!(i18n, households.any_assignment)}</option>
                    <option value="yes" selected=move || assigned.get() == Some(true)>{t!(i18n, households.only_assigned)}</option>
                    <option value="no" selected=move || assigned.get() == Some(false)>{t!(i18n, households.only_unassigned)}</option>
                </select>
            </label>
            <button type="submit" class="button button--primary">{t!(i18n, members.search_button)}</button>
        </form>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match households.await {
                    Err(err) => view! { <ErrorPanel err /> }.into_any(),
                    Ok(page) => {
                        let cell = cell.get_untracked();
                        let (q, tag, assigned) = (q.get_untracked(), tag.get_untracked(), assigned.get_untracked());
                        let href = move |p: u32| {
                            let mut url = format!("/cells/{cell}/households?page={p}");
                            if !q.is_empty() {
                                url.push_str("&q=");
                                url.push_str(&leptos_router::location::Url::escape(&q));
                            }
                            if let Some(t) = tag {
                                url.push_str("&tag=");
                                url.push_str(t.code());
                            }
                            match assigned {
                                Some(true) => url.push_str("&assigned=yes"),
                                Some(false) => url.push_str("&assigned=no"),
                                None => {}
                            }
                            url
                        };
                        view! { <HouseholdList page href /> }.into_any()
                    }
                }
            })}
        </Transition>
        </CellFrame>
    }
}

#[component]
fn HouseholdList(
    page: Page<HouseholdRow>,
    href: impl Fn(u32) -> String + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let total = page.total;
    let pages = page.pages();
    let current = page.page;
    if page.items.is_empty() {
        return view! { <p class="empty" role="status">{t!(i18n, households.empty)}</p> }
            .into_any();
    }
    view! {
        <p class="result-count" role="status">{t!(i18n, households.count, count = total)}</p>
        <table class="table table--cards">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, households.head)}</th>
                    <th scope="col">{t!(i18n, households.address)}</th>
                    <th scope="col" class="num">{t!(i18n, households.size)}</th>
                    <th scope="col">{t!(i18n, households.member)}</th>
                    <th scope="col">{t!(i18n, households.last_visit)}</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|h| {
                        view! {
                            <tr>
                                <th scope="row" class="table__title">
                                    <a href=format!("/households/{}", h.id)>{h.head_name.clone()}</a>
                                    <TagList tags=h.tags.clone() />
                                </th>
                                <td data-label=move || t_string!(i18n, households.address)>{h.address.short()}</td>
                                <td data-label=move || t_string!(i18n, households.size) class="num">{h.size}</td>
                                <td data-label=move || t_string!(i18n, households.member)>
                                    {match (h.member_id, h.member_name.clone()) {
                                        (Some(id), Some(name)) => view! { <a href=format!("/members/{id}")>{name}</a> }.into_any(),
                                        _ => view! { <span class="badge badge--alert">{t!(i18n, households.nobody)}</span> }.into_any(),
                                    }}
                                </td>
                                <td data-label=move || t_string!(i18n, households.last_visit)><LastVisit date=h.last_visit /></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager page=current pages href />
    }
    .into_any()
}
