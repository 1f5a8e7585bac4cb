//! The board's toolbar, summary bar, suggestions and requests.

use std::collections::HashSet;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::api::suggest;
use super::model::*;
use super::state::{Tone, use_board};
use crate::i18n::*;
use crate::ui::error_text::error_text;

#[component]
pub fn Toolbar() -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    let busy = RwSignal::new(false);
    let run = move |rebalance: bool| {
        busy.set(true);
        spawn_local(async move {
            match suggest(ctx.cell, rebalance).await {
                Ok(set) => ctx.suggestions.set(Some(set)),
                Err(e) => ctx.tell(error_text(ctx.i18n, &e), Tone::Error),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="board__toolbar">
            <Show
                when=move || ctx.can_write
                fallback=move || view! { <p class="muted">{td_string!(l, board.read_only)}</p> }
            >
                <button type="button" class="button button--primary" disabled=move || busy.get() on:click=move |_| run(false)>
                    {td_string!(l, board.suggest)}
                </button>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| run(true)>
                    {td_string!(l, board.rebalance)}
                </button>
                <button
                    type="button"
                    class="button"
                    aria-keyshortcuts="Control+Z"
                    disabled=move || ctx.undo.with(|u| u.is_empty())
                    on:click=move |_| ctx.undo_last()
                >
                    "↶ "
                    {td_string!(l, board.undo)}
                </button>
            </Show>
            <a class="button" href=format!("/cells/{}/register", ctx.cell)>{td_string!(l, board.register_link)}</a>
        </div>
    }
}

/// How many of each rule are broken; a click filters the cards by it.
#[component]
pub fn SummaryBar() -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    let summary = Memo::new(move |_| ctx.board.with(summarise));
    let chip = move |breach: Breach, count: usize| {
        let active = move || ctx.filters.breach.get() == Some(breach);
        view! {
            <li>
                <button
                    type="button"
                    class=format!("summary-chip summary-chip--{}", breach.code())
                    class:summary-chip--zero=count == 0
                    aria-pressed=move || active().to_string()
                    on:click=move |_| ctx.filters.breach.set(if active() { None } else { Some(breach) })
                >
                    <strong>{count}</strong>
                    " "
                    {super::state::breach_label(l, breach)}
                </button>
            </li>
        }
    };
    view! {
        <section class="board__summary" aria-label=td_string!(l, board.summary)>
            {move || {
                let s = summary.get();
                if s.total() == 0 {
                    Either::Left(view! { <p class="board__all-good">{td_string!(l, board.all_good)}</p> })
                } else {
                    Either::Right(view! {
                        <ul class="summary-chips">
                            {chip(Breach::Unassigned, s.unassigned)}
                            {chip(Breach::OverCapacity, s.over_capacity)}
                            {chip(Breach::ExcludedHolding, s.excluded_holding)}
                            {chip(Breach::FarFromHome, s.far_from_home)}
                            {chip(Breach::Stale, s.stale)}
                            {chip(Breach::ModeMismatch, s.mode)}
                        </ul>
                    })
                }
            }}
        </section>
    }
}

#[component]
pub fn SuggestionsPanel() -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    let chosen: RwSignal<HashSet<i64>> = RwSignal::new(HashSet::new());
    Effect::new(move |_| {
        if let Some(set) = ctx.suggestions.get() {
            chosen.set(set.suggestions.iter().map(|s| s.household).collect());
        }
    });
    let describe = move |s: &Suggestion| {
        let l = l;
        ctx.board.with(|b| {
            let household = b
                .households
                .iter()
                .find(|h| h.id == s.household)
                .map(|h| format!("{} ({}, {})", h.head, h.house_no, b.name(h.place[1])))
                .unwrap_or_default();
            let member = b
                .member(s.member)
                .map(|m| m.name.clone())
                .unwrap_or_default();
            let near = match s.distance {
                Distance::SameLane => td_string!(l, board.reason_same_lane),
                Distance::SameAlley => td_string!(l, board.reason_same_alley),
                Distance::SameArea => td_string!(l, board.reason_same_area),
                Distance::OtherArea => td_string!(l, board.reason_other_area),
            };
            let load = td_string!(
                l,
                board.reason_load,
                load = s.load_after,
                capacity = s.capacity
            )
            .to_string();
            let from = s
                .from
                .and_then(|m| b.member(m))
                .map(|m| {
                    format!(
                        "; {}",
                        td_string!(l, board.from_member, name = m.name.clone())
                    )
                })
                .unwrap_or_default();
            (
                td_string!(l, board.pair, household = household, member = member).to_string(),
                format!("{near}; {load}{from}"),
            )
        })
    };
    view! {
        {move || {
            ctx.suggestions.get().map(|set| {
                let title = if set.rebalance { td_string!(l, board.rebalance_title) } else { td_string!(l, board.suggest_title) };
                let left = set.left_unassigned.len();
                let all: Vec<i64> = set.suggestions.iter().map(|s| s.household).collect();
                let all_again = all.clone();
                let items = set.suggestions.clone();
                let picks = set.suggestions.clone();
                view! {
                    <section class="suggest" aria-labelledby="suggest-title">
                        <h2 id="suggest-title">{title}</h2>
                        <p class="muted">{td_string!(l, board.suggest_cost)}</p>
                        {(left > 0).then(|| view! { <p class="suggest__left">{td_string!(l, board.left_unassigned, count = left)}</p> })}
                        {if items.is_empty() {
                            Either::Left(view! { <p>{td_string!(l, board.suggest_none)}</p> })
                        } else {
                            Either::Right(view! {
                                <ul class="suggest__list">
                                    {items
                                        .into_iter()
                                        .map(|s| {
                                            let (pair, why) = describe(&s);
                                            let id = s.household;
                                            view! {
                                                <li>
                                                    <label class="check">
                                                        <input
                                                            type="checkbox"
                                                            prop:checked=move || chosen.with(|c| c.contains(&id))
                                                            on:change=move |e| {
                                                                let on = event_target_checked(&e);
                                                                chosen.update(|c| {
                                                                    if on {
                                                                        c.insert(id);
                                                                    } else {
                                                                        c.remove(&id);
                                                                    }
                                                                });
                                                            }
                                                        />
                                                        <span>
                                                            <strong>{pair}</strong>
                                                            <br />
                                                            <small class="muted">{why}</small>
                                                        </span>
                                                    </label>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            })
                        }}
                        <div class="suggest__actions">
                            <button type="button" class="button" on:click=move |_| chosen.set(all.iter().copied().collect())>
                                {td_string!(l, board.select_all)}
                            </button>
                            <button type="button" class="button" on:click=move |_| chosen.set(HashSet::new())>
                                {td_string!(l, board.select_none)}
                            </button>
                            <button
                                type="button"
                                class="button button--primary"
                                disabled=move || chosen.with(|c| c.is_empty())
                                on:click=move |_| {
                                    let keep = chosen.get_untracked();
                                    let picked: Vec<Suggestion> = picks.iter().filter(|s| keep.contains(&s.household)).cloned().collect();
                                    ctx.accept(picked);
                                }
                            >
                                {move || {
                                    let n = chosen.with(|c| all_again.iter().filter(|h| c.contains(h)).count());
                                    td_string!(l, board.accept, count = n).to_string()
                                }}
                            </button>
                            <button type="button" class="button button--quiet" on:click=move |_| ctx.suggestions.set(None)>
                                {td_string!(l, board.close)}
                            </button>
                        </div>
                    </section>
                }
            })
        }}
    }
}

#[component]
pub fn RegistrationsPanel() -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    let pending = move || ctx.board.with(|b| b.registrations.clone());
    view! {
        <Show when=move || ctx.board.with(|b| !b.registrations.is_empty())>
            <section class="requests" aria-labelledby="requests-title">
                <h2 id="requests-title">{td_string!(l, board.registrations)}</h2>
                <ul class="requests__list">
                    <For each=pending key=|r| r.id let:r>
                        <RequestItem r />
                    </For>
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn RequestItem(r: PendingRegistration) -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    let reason = RwSignal::new(String::new());
    let declining = RwSignal::new(false);
    let (member, household) = ctx.board.with_untracked(|b| {
        (
            b.member(r.member)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            b.households
                .iter()
                .find(|h| h.id == r.household)
                .map(|h| format!("{} ({}, {})", h.head, h.house_no, b.name(h.place[1])))
                .unwrap_or_default(),
        )
    });
    let id = r.id;
    view! {
        <li class="request">
            <p>
                <strong>{move || td_string!(l, board.registration, member = member.clone(), household = household.clone()).to_string()}</strong>
                " "
                <span class="muted">{td_string!(l, board.requested_on, date = r.requested_on.clone())}</span>
            </p>
            {(!r.note.is_empty()).then(|| view! { <p class="request__note">{r.note.clone()}</p> })}
            <Show when=move || ctx.can_write>
                <div class="request__actions">
                    <button type="button" class="button button--primary" on:click=move |_| ctx.decide(id, true, String::new())>
                        {td_string!(l, board.approve)}
                    </button>
                    <Show
                        when=move || declining.get()
                        fallback=move || view! {
                            <button type="button" class="button" on:click=move |_| declining.set(true)>{td_string!(l, board.decline)}</button>
                        }
                    >
                        <label class="field">
                            <span class="field__label">{td_string!(l, board.decline_reason)}</span>
                            <input type="text" maxlength="300" prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e)) />
                        </label>
                        <button type="button" class="button" on:click=move |_| ctx.decide(id, false, reason.get_untracked())>
                            {td_string!(l, board.decline)}
                        </button>
                    </Show>
                </div>
            </Show>
        </li>
    }
}
