//! A cell's concerns as a board: one column per state, overdue cards first. Moving a card
//! is taking a step, with the same permissions: from the card's menu (plain forms) or by
//! dragging it to another column (the island below).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::concern_board;
use super::model::*;
use super::widgets::*;
use crate::features::org::widgets::{CellFrame, CellTab, id_param};
use crate::i18n::*;
use crate::ui::status_page::ErrorPanel;

#[component]
pub fn ConcernBoardPage() -> impl IntoView {
    let cell = id_param("cell");
    let query = use_query_map();
    let get = move |k: &'static str| {
        Memo::new(move |_| query.with(|m| m.get(k).filter(|v| !v.is_empty())))
    };
    let (category, alley, member, age) = (get("category"), get("alley"), get("member"), get("age"));
    let board = Resource::new(
        move || {
            (
                cell.get(),
                category.get(),
                alley.get(),
                member.get(),
                age.get(),
            )
        },
        |(c, cat, alley, m, age)| concern_board(c, cat, alley, m.and_then(|m| m.parse().ok()), age),
    );
    view! {
        <CellFrame tab=CellTab::Concerns>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    let my_member = crate::ui::layout::signed_in().await.and_then(|me| me.member_id);
                    match board.await {
                        Err(err) => view! { <ErrorPanel err /> }.into_any(),
                        Ok(b) => view! {
                            <BoardView
                                b
                                my_member
                                category=category.get_untracked()
                                alley=alley.get_untracked()
                                member=member.get_untracked()
                                age=age.get_untracked()
                            />
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </CellFrame>
    }
}

#[component]
fn BoardView(
    b: Board,
    /// The member record of the person looking, if they are a member.
    my_member: Option<i64>,
    category: Option<String>,
    alley: Option<String>,
    member: Option<String>,
    age: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let cell = b.cell_id;
    let writer = b.can_write;
    let open: usize = b
        .columns
        .iter()
        .filter(|(s, _)| s.is_pending())
        .map(|(_, v)| v.len())
        .sum();
    let actor_base = Actor {
        responsible_member: false,
        cell_writer: b.can_write,
        committee: b.committee,
    };
    let overdue_class = if b.overdue > 0 {
        "concern-stat concern-stat--alert"
    } else {
        "concern-stat"
    };
    view! {
        <section class="concern-summary">
            <div class="concern-stats">
                <div class="concern-stat">
                    <span class="concern-stat__value">{open}</span>
                    <span class="concern-stat__label">{t!(i18n, concerns.open)}</span>
                </div>
                <div class=overdue_class>
                    <span class="concern-stat__value">{b.overdue}</span>
                    <span class="concern-stat__label">{t!(i18n, concerns.overdue)}</span>
                </div>
                <div class="concern-stat">
                    <span class="concern-stat__value"><OnTimeFigure record=b.on_time /></span>
                    <span class="concern-stat__label">{t!(i18n, concerns.on_time_rate_year)}</span>
                </div>
            </div>
            <p class="concern-links">
                <a class="button" href=format!("/cells/{cell}/hot-spots")>{t!(i18n, concerns.hot_spots)}</a>
                <a class="button" href=format!("/cells/{cell}/meetings")>{t!(i18n, meetings.title)}</a>
            </p>
        </section>
        <BoardFilters
            cell
            alleys=b.alleys.clone()
            members=b.members.clone()
            category=category.clone()
            alley=alley.clone()
            member=member.clone()
            age=age.clone()
        />
        <FormError />
        <super::board_moves::BoardMoves>
            <div class="concern-board" aria-label=move || t_string!(i18n, concerns.board)>
                {b.columns.into_iter().map(|(state, rows)| {
                    let count = rows.len();
                    view! {
                        <section class=format!("concern-board__column concern-board__column--{}", state.code()) data-column=state.code()>
                            <h2 class="concern-board__title">
                                <StateBadge state />
                                <span class="concern-board__count">{count}</span>
                            </h2>
                            {if rows.is_empty() {
                                view! { <p class="concern-board__empty muted">{t!(i18n, concerns.column_empty)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="concern-board__cards">
                                        {rows.into_iter().map(|row| {
                                            let actor = Actor {
                                                responsible_member: my_member.is_some() && row.member_id == my_member,
                                                ..actor_base
                                            };
                                            let moves = if writer || actor.responsible_member { actor.steps(row.state) } else { vec![] };
                                            view! { <li><ConcernCard row moves /></li> }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }
                }).collect_view()}
            </div>
        </super::board_moves::BoardMoves>
    }
    .into_any()
}

#[component]
fn BoardFilters(
    cell: i64,
    alleys: Vec<String>,
    members: Vec<(i64, String)>,
    category: Option<String>,
    alley: Option<String>,
    member: Option<String>,
    age: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let filtered = category.is_some() || alley.is_some() || member.is_some() || age.is_some();
    view! {
        <form method="get" class="filters" role="search" aria-label=move || t_string!(i18n, concerns.filters)>
            <label class="field">
                <span class="field__label">{t!(i18n, concerns.category)}</span>
                <select name="category">
                    <option value="">{t!(i18n, concerns.all)}</option>
                    {Category::ALL.iter().map(|c| {
                        let c = *c;
                        let selected = category.as_deref() == Some(c.code());
                        view! { <option value=c.code() selected=selected>{move || category_label(i18n.get_locale(), c)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field__label">{t!(i18n, concerns.alley)}</span>
                <select name="alley">
                    <option value="">{t!(i18n, concerns.all)}</option>
                    {alleys.iter().map(|a| {
                        let selected = alley.as_deref() == Some(a.as_str());
                        view! { <option value=a.clone() selected=selected>{a.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field__label">{t!(i18n, concerns.member)}</span>
                <select name="member">
                    <option value="">{t!(i18n, concerns.all)}</option>
                    {members.iter().map(|(id, name)| {
                        let selected = member.as_deref() == Some(id.to_string().as_str());
                        view! { <option value=*id selected=selected>{name.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field__label">{t!(i18n, concerns.age_filter)}</span>
                <select name="age">
                    <option value="">{t!(i18n, concerns.all)}</option>
                    {AgeBucket::ALL.iter().map(|a| {
                        let a = *a;
                        let selected = age.as_deref() == Some(a.code());
                        view! { <option value=a.code() selected=selected>{move || age_bucket_label(i18n.get_locale(), a)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button button--primary">{t!(i18n, concerns.filter)}</button>
            {filtered.then(|| view! { <a class="button button--quiet" href=format!("/cells/{cell}/concerns")>{t!(i18n, concerns.clear)}</a> })}
        </form>
    }
    .into_any()
}
