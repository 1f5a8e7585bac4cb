//! A cell's members: search (diacritics ignored), filter by status, page through.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::list_members;
use super::model::*;
use super::widgets::{CellFrame, CellTab, PhoneLink, StatusBadge, id_param, status_label};
use crate::i18n::*;
use crate::ui::pager::Pager;
use crate::ui::status_page::ErrorPanel;

#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    let cell = id_param("cell");
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let status =
        Memo::new(move |_| query.with(|m| m.get("status").and_then(|s| MemberStatus::parse(&s))));
    let page = Memo::new(move |_| {
        query.with(|m| m.get("page").and_then(|p| p.parse().ok()).unwrap_or(1u32))
    });
    let members = Resource::new(
        move || (cell.get(), q.get(), status.get(), page.get()),
        |(c, q, s, p)| list_members(c, q, s, p),
    );
    view! {
        <CellFrame tab=CellTab::Members>
        <form method="get" class="filters" role="search">
            <label class="field field--grow">
                <span class="field__label">{t!(i18n, members.search)}</span>
                <input
                    type="search"
                    name="q"
                    value=move || q.get()
                    maxlength="100"
                    placeholder=move || t_string!(i18n, members.search_placeholder)
                />
            </label>
            <label class="field">
                <span class="field__label">{t!(i18n, members.status_filter)}</span>
                <select name="status">
                    <option value="">{t!(i18n, members.all_statuses)}</option>
                    {MemberStatus::ALL
                        .iter()
                        .map(|s| {
                            let s = *s;
                            view! {
                                <option value=s.code() selected=move || status.get() == Some(s)>
                                    {move || status_label(i18n, s)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit" class="button button--primary">{t!(i18n, members.search_button)}</button>
        </form>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match members.await {
                    Err(err) => view! { <ErrorPanel err /> }.into_any(),
                    Ok(page) => view! { <MemberList page cell=cell.get_untracked() q=q.get_untracked() status=status.get_untracked() /> }.into_any(),
                }
            })}
        </Transition>
        </CellFrame>
    }
}

#[component]
fn MemberList(
    page: Page<MemberRow>,
    cell: i64,
    q: String,
    status: Option<MemberStatus>,
) -> impl IntoView {
    let i18n = use_i18n();
    let total = page.total;
    let pages = page.pages();
    let current = page.page;
    let href = move |p: u32| {
        let mut url = format!("/cells/{cell}/members?page={p}");
        if !q.is_empty() {
            url.push_str("&q=");
            url.push_str(&leptos_router::location::Url::escape(&q));
        }
        if let Some(s) = status {
            url.push_str("&status=");
            url.push_str(s.code());
        }
        url
    };
    if page.items.is_empty() {
        return view! { <p class="empty" role="status">{t!(i18n, members.empty)}</p> }.into_any();
    }
    view! {
        <p class="result-count" role="status">{t!(i18n, members.count, count = total)}</p>
        <table class="table table--cards">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, members.name)}</th>
                    <th scope="col">{t!(i18n, members.born)}</th>
                    <th scope="col">{t!(i18n, members.home)}</th>
                    <th scope="col">{t!(i18n, members.status)}</th>
                    <th scope="col" class="num">{t!(i18n, members.load)}</th>
                    <th scope="col">{t!(i18n, members.phone)}</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|m| {
                        let over = m.load > m.capacity;
                        view! {
                            <tr>
                                <th scope="row" class="table__title">
                                    <a href=format!("/members/{}", m.id)>{m.full_name.clone()}</a>
                                    {(m.kind == MemberKind::Dv213).then(|| view! { <span class="badge badge--info">{t!(i18n, members.kind_dv213)}</span> })}
                                </th>
                                <td data-label=move || t_string!(i18n, members.born)>{m.birth_year.map(|y| y.to_string()).unwrap_or_default()}</td>
                                <td data-label=move || t_string!(i18n, members.home)>{m.home.short()}</td>
                                <td data-label=move || t_string!(i18n, members.status)><StatusBadge status=m.status /></td>
                                <td data-label=move || t_string!(i18n, members.load) class="num" class:num--alert=over>
                                    {m.load}" / "{m.capacity}
                                </td>
                                <td data-label=move || t_string!(i18n, members.phone)><PhoneLink phone=m.phone.clone() /></td>
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
