//! The board itself: the one island of the board page.

use leptos::ev;
use leptos::prelude::*;

use super::cards::{Column, DragGhost};
use super::dialog::MoveDialog;
use super::drag::{on_pointer_move, on_pointer_up};
use super::model::*;
use super::panels::{RegistrationsPanel, SuggestionsPanel, SummaryBar, Toolbar};
use super::state::{BoardCtx, Live, use_board};
use crate::features::org::model::{HouseholdTag, MemberStatus};
use crate::features::org::widgets::{status_label, tag_label};
use crate::i18n::*;

/// The element holding the board's data as JSON, beside the island.
pub const DATA_ID: &str = "board-data";

/// The board's data as the page carries it: JSON in a `<script>` element, where it is not
/// escaped into an attribute (island props would carry every quote as `&quot;`).
pub fn data_script(data: &BoardData) -> String {
    serde_json::to_string(data)
        .unwrap_or_default()
        .replace("</", "<\\/")
}

/// The data the island starts from: the page's on the server, the script element's in the
/// browser.
fn initial_data(cell: i64) -> Option<BoardData> {
    #[cfg(not(feature = "hydrate"))]
    let data = use_context::<BoardData>();
    #[cfg(feature = "hydrate")]
    let data = document()
        .get_element_by_id(DATA_ID)
        .and_then(|el| el.text_content())
        .and_then(|text| serde_json::from_str::<BoardData>(&text).ok());
    data.filter(|d| d.cell == cell)
}

/// The whole interactive board of a cell, server-rendered first and then brought to life.
/// Its data comes beside it (see [`data_script`]), not as props.
#[island]
pub fn Board(cell: i64) -> impl IntoView {
    let i18n = crate::ui::i18n::provide_i18n();
    // `Either`, not `into_any`: a type-erased board would keep every rendering path of its
    // whole view in the browser bundle.
    match initial_data(cell) {
        Some(data) => leptos::either::Either::Left(board(i18n, data)),
        None => leptos::either::Either::Right(view! {
            <p class="notice notice--error" role="alert">{t!(i18n, board.load_failed)}</p>
        }),
    }
}

fn board(i18n: leptos_i18n::I18nContext<Locale>, data: BoardData) -> impl IntoView {
    let ctx = BoardCtx::new(i18n, data);
    let l = ctx.l;
    provide_context(ctx);

    // In the browser only: the live feed, touch guarding, dragging and keyboard undo.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            super::browser::open_live(ctx);
            super::browser::guard_touch_scrolling(ctx);
        }
    });
    let _ = window_event_listener(ev::pointermove, move |e| {
        on_pointer_move(
            ctx,
            e.client_x() as f64,
            e.client_y() as f64,
            e.pointer_id(),
        )
    });
    let _ = window_event_listener(ev::pointerup, move |e| on_pointer_up(ctx, e.pointer_id()));
    let _ = window_event_listener(ev::pointercancel, move |_| ctx.drag.set(None));
    let _ = window_event_listener(ev::keydown, move |e| {
        if (e.ctrl_key() || e.meta_key())
            && e.key() == "z"
            && ctx.can_write
            && ctx.moving.get_untracked().is_none()
        {
            e.prevent_default();
            ctx.undo_last();
        }
        if e.key() == "Escape" && ctx.drag.get_untracked().is_some() {
            ctx.drag.set(None);
        }
    });

    let members = Memo::new(move |_| {
        ctx.board.with(|b| {
            let status = ctx.filters.status.get();
            b.members
                .iter()
                .filter(|m| status.is_none_or(|s| m.status == s))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let assignable = move || {
        members
            .get()
            .into_iter()
            .filter(|m| m.status.assignable())
            .collect::<Vec<_>>()
    };
    let excluded = move || {
        members
            .get()
            .into_iter()
            .filter(|m| !m.status.assignable())
            .collect::<Vec<_>>()
    };

    view! {
        <div
            class="board"
            class:board--large=move || ctx.filters.large.get()
            class:board--dragging=move || ctx.drag.with(|d| d.as_ref().is_some_and(|d| d.active))
            // Cards move by pointer events: no native dragging of their links.
            on:dragstart=|e| e.prevent_default()
        >
            <Toolbar />
            <Filters />
            <SummaryBar />
            <RegistrationsPanel />
            <SuggestionsPanel />
            <p class="board__hint">{td_string!(l, board.drag_hint)}</p>
            <h2 id="board-columns-title" class="visually-hidden">{td_string!(l, board.columns_title)}</h2>
            <div class="board__columns" role="list" aria-labelledby="board-columns-title">
                <Column member=None />
                <For each=assignable key=|m| m.id let:m>
                    <Column member=Some(m) />
                </For>
            </div>
            <Show when=move || !excluded().is_empty()>
                <section class="board__excluded" aria-labelledby="board-excluded-title">
                    <h2 id="board-excluded-title">{td_string!(l, board.excluded_title)}</h2>
                    <p class="muted">{td_string!(l, board.excluded_intro)}</p>
                    <div class="board__columns board__columns--excluded" role="list" aria-labelledby="board-excluded-title">
                        <For each=excluded key=|m| m.id let:m>
                            <Column member=Some(m) />
                        </For>
                    </div>
                </section>
            </Show>
            <MoveDialog />
            <DragGhost />
            <Toast />
            <p class="visually-hidden" aria-live="polite" role="status">{move || ctx.announce.get()}</p>
        </div>
    }
}

#[component]
fn Filters() -> impl IntoView {
    let ctx = use_board();
    let i18n = ctx.i18n;
    let l = ctx.l;
    let f = ctx.filters;
    let alleys = ctx.board.with_untracked(|b| {
        let mut ids: Vec<NameId> = b.households.iter().map(|h| h.place[1]).collect();
        ids.sort_unstable_by(|x, y| b.name(*x).cmp(b.name(*y)));
        ids.dedup();
        ids.into_iter()
            .map(|id| (id, b.name(id).to_string()))
            .collect::<Vec<_>>()
    });
    // On a phone only the search shows until the other filters are asked for.
    let more = RwSignal::new(false);
    view! {
        <div class="board__filters" role="search">
            <label class="field field--grow">
                <span class="field__label">{td_string!(l, board.search)}</span>
                <input
                    type="search"
                    placeholder=td_string!(l, board.search_placeholder)
                    prop:value=move || f.query.get()
                    on:input=move |e| f.query.set(event_target_value(&e))
                />
            </label>
            <button
                type="button"
                class="button board__more-toggle"
                aria-expanded=move || if more.get() { "true" } else { "false" }
                aria-controls="board-more-filters"
                on:click=move |_| more.update(|m| *m = !*m)
            >
                {td_string!(l, board.more_filters)}
            </button>
            <div id="board-more-filters" class="board__more" class:board__more--open=move || more.get()>
            <label class="field">
                <span class="field__label">{td_string!(l, board.alley)}</span>
                <select on:change=move |e| f.alley.set(event_target_value(&e).parse().ok())>
                    <option value="">{td_string!(l, board.all_alleys)}</option>
                    {alleys.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field__label">{td_string!(l, board.tag)}</span>
                <select on:change=move |e| f.tag.set(HouseholdTag::parse(&event_target_value(&e)))>
                    <option value="">{td_string!(l, board.all_tags)}</option>
                    {HouseholdTag::ALL.iter().map(|t| view! { <option value=t.code()>{tag_label(i18n, *t)}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field__label">{td_string!(l, board.status)}</span>
                <select on:change=move |e| f.status.set(MemberStatus::parse(&event_target_value(&e)))>
                    <option value="">{td_string!(l, board.all_statuses)}</option>
                    {MemberStatus::ALL.iter().map(|s| view! { <option value=s.code()>{status_label(i18n, *s)}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field__label">{td_string!(l, board.breach_filter)}</span>
                <select
                    prop:value=move || f.breach.get().map(|b| b.code()).unwrap_or("")
                    on:change=move |e| {
                        let v = event_target_value(&e);
                        f.breach.set(Breach::ALL.into_iter().find(|b| b.code() == v));
                    }
                >
                    <option value="">{td_string!(l, board.all_cards)}</option>
                    {Breach::ALL
                        .iter()
                        .map(|b| view! { <option value=b.code()>{super::state::breach_label(l, *b)}</option> })
                        .collect_view()}
                </select>
            </label>
            <div class="board__toggles">
                <label class="check">
                    <input type="checkbox" prop:checked=move || f.by_alley.get() on:change=move |e| f.by_alley.set(event_target_checked(&e)) />
                    {td_string!(l, board.group_by_alley)}
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || f.large.get() on:change=move |e| f.large.set(event_target_checked(&e)) />
                    {td_string!(l, board.large_text)}
                </label>
            </div>
            </div>
        </div>
    }
}

#[component]
fn Toast() -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    view! {
        <div class="board__status">
            <span class=move || match ctx.live.get() {
                Live::Open => "live live--open",
                Live::Connecting => "live live--connecting",
                Live::Lost => "live live--lost",
            }>
                {move || match ctx.live.get() {
                    Live::Lost => td_string!(l, board.reconnecting).to_string(),
                    _ => td_string!(l, board.live).to_string(),
                }}
            </span>
            {move || {
                ctx.toast.get().map(|(text, tone)| {
                    let class = match tone {
                        super::state::Tone::Ok => "toast toast--ok",
                        super::state::Tone::Warn => "toast toast--warn",
                        super::state::Tone::Error => "toast toast--error",
                    };
                    view! {
                        <p class=class>
                            <span>{text}</span>
                            <button type="button" class="toast__close" aria-label=td_string!(l, board.close) on:click=move |_| ctx.toast.set(None)>
                                "×"
                            </button>
                        </p>
                    }
                })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_script_cannot_end_its_element_and_reads_back() {
        let data = BoardData {
            cell: 7,
            can_write: true,
            names: vec!["Ngõ </script><b>".into()],
            members: vec![],
            households: vec![],
            groups: vec![],
            registrations: vec![],
        };
        let text = data_script(&data);
        assert!(!text.contains("</"), "{text}");
        let back: BoardData = serde_json::from_str(&text).unwrap();
        assert_eq!(back, data);
    }
}
