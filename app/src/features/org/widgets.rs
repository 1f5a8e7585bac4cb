//! Small pieces shared by the org pages: the cell's header and tabs, badges, history.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::model::*;
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;
use leptos_i18n::I18nContext;

/// A numeric route parameter; 0 when missing or not a number (the server answers "not found").
pub fn id_param(name: &'static str) -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get(name).and_then(|v| v.parse().ok()).unwrap_or(0)))
}

/// Which tab of a cell's pages is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CellTab {
    Overview,
    Board,
    Members,
    Households,
    Visits,
    Concerns,
    Meetings,
    Reports,
    Data,
    SignIns,
}

/// A cell's page: loads the cell, then shows its header and tabs above `children`, or only
/// the reason when the cell may not be seen.
#[component]
pub fn CellFrame(tab: CellTab, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let cell = id_param("cell");
    let info = Resource::new(move || cell.get(), super::api::get_cell);
    let children = StoredValue::new(children);
    view! {
        <Loaded res=info let:info>
            {{
                let title = match tab {
                    CellTab::Overview => info.name.clone(),
                    CellTab::Board => format!("{} · {}", t_string!(i18n, board.title), info.name),
                    CellTab::Members => format!("{} · {}", t_string!(i18n, members.title), info.name),
                    CellTab::Households => format!("{} · {}", t_string!(i18n, households.title), info.name),
                    CellTab::Data => format!("{} · {}", t_string!(i18n, transfer.title), info.name),
                    CellTab::SignIns => format!("{} · {}", t_string!(i18n, sign_ins.title), info.name),
                    CellTab::Visits => format!("{} · {}", t_string!(i18n, visits.coverage_title), info.name),
                    CellTab::Concerns => format!("{} · {}", t_string!(i18n, concerns.title), info.name),
                    CellTab::Meetings => format!("{} · {}", t_string!(i18n, meetings.title), info.name),
                    CellTab::Reports => format!("{} · {}", t_string!(i18n, reviews.title), info.name),
                };
                view! {
                    <leptos_meta::Title text=title />
                    <CellHeader cell=info tab />
                    {children.with_value(|c| c())}
                }
                .into_any()
            }}
        </Loaded>
    }
}

/// The cell's name and its tabs.
#[component]
pub fn CellHeader(cell: CellInfo, tab: CellTab) -> impl IntoView {
    let i18n = use_i18n();
    let id = cell.id;
    let current = move |t: CellTab| if t == tab { Some("page") } else { None };
    view! {
        <header class="cell-header">
            <p class="cell-header__ward">{cell.ward_name.clone()}</p>
            <h1 class="cell-header__name">{cell.name.clone()}</h1>
            <nav class="tabs" aria-label=move || t_string!(i18n, nav.cells)>
                <a href=format!("/cells/{id}") class="tabs__tab" aria-current=current(CellTab::Overview)>
                    {t!(i18n, nav.overview)}
                </a>
                <a href=format!("/cells/{id}/board") class="tabs__tab" aria-current=current(CellTab::Board)>
                    {t!(i18n, nav.board)}
                </a>
                <a href=format!("/cells/{id}/members") class="tabs__tab" aria-current=current(CellTab::Members)>
                    {t!(i18n, nav.members)}
                </a>
                <a href=format!("/cells/{id}/households") class="tabs__tab" aria-current=current(CellTab::Households)>
                    {t!(i18n, nav.households)}
                </a>
                <a href=format!("/cells/{id}/visits") class="tabs__tab" aria-current=current(CellTab::Visits)>
                    {t!(i18n, nav.visits)}
                </a>
                <a href=format!("/cells/{id}/concerns") class="tabs__tab" aria-current=current(CellTab::Concerns)>
                    {t!(i18n, nav.concerns)}
                </a>
                <a href=format!("/cells/{id}/meetings") class="tabs__tab" aria-current=current(CellTab::Meetings)>
                    {t!(i18n, nav.meetings)}
                </a>
                <a href=format!("/cells/{id}/reports") class="tabs__tab" aria-current=current(CellTab::Reports)>
                    {t!(i18n, nav.reports)}
                </a>
                <a href=format!("/cells/{id}/data") class="tabs__tab" aria-current=current(CellTab::Data)>
                    {t!(i18n, nav.data)}
                </a>
                {cell.can_write.then(|| view! {
                    <a href=format!("/cells/{id}/sign-ins") class="tabs__tab" aria-current=current(CellTab::SignIns)>
                        {t!(i18n, nav.sign_ins)}
                    </a>
                })}
            </nav>
        </header>
    }
}

pub fn status_label(i18n: I18nContext<Locale>, s: MemberStatus) -> &'static str {
    let l = i18n.get_locale();
    match s {
        MemberStatus::Active => td_string!(l, status.active),
        MemberStatus::Exempt => td_string!(l, status.exempt),
        MemberStatus::ElderlyIll => td_string!(l, status.elderly_ill),
        MemberStatus::WorkingAway => td_string!(l, status.working_away),
        MemberStatus::OutsideCommune => td_string!(l, status.outside_commune),
        MemberStatus::Transferred => td_string!(l, status.transferred),
    }
}

pub fn tag_label(i18n: I18nContext<Locale>, t: HouseholdTag) -> &'static str {
    let l = i18n.get_locale();
    match t {
        HouseholdTag::Poor => td_string!(l, tags.poor),
        HouseholdTag::NearPoor => td_string!(l, tags.near_poor),
        HouseholdTag::PolicyFamily => td_string!(l, tags.policy_family),
        HouseholdTag::ElderlyAlone => td_string!(l, tags.elderly_alone),
        HouseholdTag::Disability => td_string!(l, tags.disability),
        HouseholdTag::NewResident => td_string!(l, tags.new_resident),
        HouseholdTag::OutstandingNonMember => td_string!(l, tags.outstanding_non_member),
        HouseholdTag::Renting => td_string!(l, tags.renting),
    }
}

#[component]
pub fn StatusBadge(status: MemberStatus) -> impl IntoView {
    let i18n = use_i18n();
    let tone = if status == MemberStatus::Active {
        "ok"
    } else if status.assignable() {
        "warn"
    } else {
        "muted"
    };
    view! {
        <span class=format!("badge badge--{tone}")>{move || status_label(i18n, status)}</span>
    }
}

#[component]
pub fn TagList(tags: Vec<HouseholdTag>) -> impl IntoView {
    let i18n = use_i18n();
    if tags.is_empty() {
        return ().into_any();
    }
    view! {
        <ul class="tags">
            {tags
                .into_iter()
                .map(|t| view! { <li class=format!("tag tag--{}", t.code())>{move || tag_label(i18n, t)}</li> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// A tap-to-call link; nothing when there is no number.
#[component]
pub fn PhoneLink(phone: String) -> impl IntoView {
    let i18n = use_i18n();
    if phone.is_empty() {
        return ().into_any();
    }
    let tel: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let label = phone.clone();
    view! {
        <a class="phone-link" href=format!("tel:{tel}") aria-label=move || t_string!(i18n, households.call, phone = label.clone()).to_string()>
            {phone}
        </a>
    }
    .into_any()
}

/// "Chưa thăm" or the date of the last visit.
#[component]
pub fn LastVisit(date: Option<chrono::NaiveDate>) -> impl IntoView {
    let i18n = use_i18n();
    match date {
        Some(d) => view! { <time datetime=d.to_string()>{format::date(d)}</time> }.into_any(),
        None => {
            view! { <span class="muted">{t!(i18n, households.never_visited)}</span> }.into_any()
        }
    }
}

/// Who was responsible for what, and when.
#[component]
pub fn HistoryTable(entries: Vec<AssignmentEntry>, show_member: bool) -> impl IntoView {
    let i18n = use_i18n();
    if entries.is_empty() {
        return view! { <p class="muted">{t!(i18n, history.empty)}</p> }.into_any();
    }
    view! {
        <table class="table table--compact">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, history.period)}</th>
                    <th scope="col">
                        {move || if show_member { t_string!(i18n, history.who) } else { t_string!(i18n, history.what) }}
                    </th>
                    <th scope="col">{t!(i18n, history.reason)}</th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|e| {
                        let start = format::day_of(e.started_at);
                        let end = e.ended_at.map(format::day_of);
                        let (href, label) = if show_member {
                            (format!("/members/{}", e.member_id), e.member_name.clone())
                        } else {
                            (
                                e.household_id.map(|h| format!("/households/{h}")).unwrap_or_default(),
                                e.household_label.clone(),
                            )
                        };
                        view! {
                            <tr class:history--current=e.ended_at.is_none()>
                                <td data-label=move || t_string!(i18n, history.period)>
                                    {start}" – "
                                    {match end {
                                        Some(d) => d.into_any(),
                                        None => view! { <strong>{t!(i18n, history.now)}</strong> }.into_any(),
                                    }}
                                </td>
                                <td>
                                    <a href=href>{label}</a>
                                </td>
                                <td>{e.reason.clone()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
