//! The Move dialog: moving without dragging, for keyboards, screen readers and anyone who
//! prefers a list. Choose where, see what it would break, confirm.

use leptos::either::Either;
use leptos::prelude::*;

use super::model::*;
use super::state::{Item, breach_label, use_board};
use crate::i18n::*;

pub const DIALOG_ID: &str = "board-move-dialog";

#[component]
pub fn MoveDialog() -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    // The chosen target: `Some(None)` is Unassigned; `None` until something is chosen.
    let target: RwSignal<Option<Option<i64>>> = RwSignal::new(None);
    let swap_with: RwSignal<Option<i64>> = RwSignal::new(None);
    let reason = RwSignal::new(String::new());
    let filter = RwSignal::new(String::new());

    // Opening the dialog starts from the item's current holder.
    Effect::new(move |_| {
        if let Some(item) = ctx.moving.get() {
            let current = ctx.board.with_untracked(|b| match item {
                Item::Household(id) => b.households.iter().find(|h| h.id == id).map(|h| h.member),
                Item::Group(id) => b.groups.iter().find(|g| g.id == id).map(|g| g.member),
            });
            target.set(current);
            swap_with.set(None);
            reason.set(String::new());
            filter.set(String::new());
        }
    });

    let close = move || {
        ctx.moving.set(None);
        #[cfg(feature = "hydrate")]
        super::browser::close_dialog(DIALOG_ID);
    };
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(item), Some(to)) = (ctx.moving.get_untracked(), target.get_untracked()) else {
            return;
        };
        let why = reason.get_untracked();
        match (item, swap_with.get_untracked()) {
            (Item::Household(id), Some(other)) => ctx.swap(id, other, why),
            _ => ctx.move_item(item, to, why, false),
        }
        close();
    };

    let title = move || {
        ctx.moving
            .get()
            .map(|item| td_string!(l, board.move_title, name = ctx.item_label(item)).to_string())
            .unwrap_or_default()
    };
    let current = move || {
        ctx.moving.get().and_then(|item| {
            ctx.board.with(|b| match item {
                Item::Household(id) => b.households.iter().find(|h| h.id == id).map(|h| h.member),
                Item::Group(id) => b.groups.iter().find(|g| g.id == id).map(|g| g.member),
            })
        })
    };
    let options = move || {
        // Listed only while the dialog is open: the page does not carry a closed list.
        if ctx.moving.with(Option::is_none) {
            return Vec::new();
        }
        let q = crate::core::fold::fold(&filter.get());
        ctx.board.with(|b| {
            let loads = b.loads();
            let mut members: Vec<(i64, String, i64, i64, bool)> = b
                .members
                .iter()
                .filter(|m| q.is_empty() || crate::core::fold::fold(&m.name).contains(&q))
                .map(|m| {
                    (
                        m.id,
                        m.name.clone(),
                        loads.get(&m.id).copied().unwrap_or(0),
                        m.capacity,
                        m.status.assignable(),
                    )
                })
                .collect();
            // Members who may be given households first.
            members.sort_by_key(|m| !m.4);
            members
        })
    };
    let warnings = move || {
        let (Some(Item::Household(id)), Some(to)) = (ctx.moving.get(), target.get()) else {
            return None;
        };
        ctx.board.with(|b| {
            b.households
                .iter()
                .find(|h| h.id == id)
                .map(|h| move_warnings(b, h, to))
        })
    };
    let swap_choices = move || {
        let (Some(Item::Household(id)), Some(Some(to))) = (ctx.moving.get(), target.get()) else {
            return vec![];
        };
        ctx.board.with(|b| {
            b.households
                .iter()
                .filter(|h| h.member == Some(to) && h.id != id)
                .map(|h| (h.id, format!("{} ({})", h.head, h.house_no)))
                .collect::<Vec<_>>()
        })
    };

    view! {
        <dialog id=DIALOG_ID class="move-dialog" aria-labelledby="move-dialog-title" on:close=move |_| ctx.moving.set(None)>
            <form class="move-dialog__form" on:submit=submit>
                <h2 id="move-dialog-title">{title}</h2>
                <label class="field">
                    <span class="field__label">{td_string!(l, board.filter_members)}</span>
                    <input type="search" prop:value=move || filter.get() on:input=move |e| filter.set(event_target_value(&e)) />
                </label>
                <fieldset class="move-dialog__targets">
                    <legend>{td_string!(l, board.target)}</legend>
                    <label class="move-dialog__option">
                        <input
                            type="radio"
                            name="target"
                            value="none"
                            prop:checked=move || target.get() == Some(None)
                            on:change=move |_| {
                                target.set(Some(None));
                                swap_with.set(None);
                            }
                        />
                        <span>{td_string!(l, board.target_none)}</span>
                    </label>
                    <For each=options key=|o| (o.0, o.2) let:o>
                        {
                            let (id, name, load, capacity, assignable) = o;
                            view! {
                                <label class="move-dialog__option" class:move-dialog__option--excluded=!assignable>
                                    <input
                                        type="radio"
                                        name="target"
                                        value=id.to_string()
                                        prop:checked=move || target.get() == Some(Some(id))
                                        on:change=move |_| {
                                            target.set(Some(Some(id)));
                                            swap_with.set(None);
                                        }
                                    />
                                    <span class="move-dialog__name">{name}</span>
                                    <span class="move-dialog__load" class:board-col__load--over={load >= capacity}>
                                        {move || td_string!(l, board.load, load = load, capacity = capacity).to_string()}
                                    </span>
                                    <Show when=move || current() == Some(Some(id))>
                                        <span class="badge badge--info">{td_string!(l, board.current)}</span>
                                    </Show>
                                </label>
                            }
                        }
                    </For>
                </fieldset>
                <div class="move-dialog__warnings" aria-live="polite">
                    {move || warnings().map(|w| {
                        let w: Vec<Breach> = w.into_iter().filter(|b| *b != Breach::Unassigned).collect();
                        if w.is_empty() {
                            Either::Left(view! { <p class="move-dialog__ok">{td_string!(l, board.no_warnings)}</p> })
                        } else {
                            Either::Right(view! {
                                <p class="move-dialog__warn">
                                    <strong>{td_string!(l, board.if_moved)}</strong>
                                    " "
                                    {w.iter().map(|b| breach_label(l, *b)).collect::<Vec<_>>().join("; ")}
                                </p>
                            })
                        }
                    })}
                </div>
                <Show when=move || !swap_choices().is_empty()>
                    <label class="field">
                        <span class="field__label">{td_string!(l, board.swap_with)}</span>
                        <select on:change=move |e| swap_with.set(event_target_value(&e).parse().ok())>
                            <option value="">{td_string!(l, board.no_swap)}</option>
                            {move || swap_choices().into_iter().map(|(id, label)| view! { <option value=id.to_string()>{label}</option> }).collect_view()}
                        </select>
                    </label>
                </Show>
                <label class="field">
                    <span class="field__label">{td_string!(l, board.reason)}</span>
                    <input type="text" maxlength="300" prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e)) />
                </label>
                <div class="move-dialog__actions">
                    <button type="button" class="button" on:click=move |_| close()>{td_string!(l, board.cancel)}</button>
                    <button type="submit" class="button button--primary" disabled=move || target.get().is_none() || target.get() == current()>
                        {move || if swap_with.get().is_some() { td_string!(l, board.confirm_swap) } else { td_string!(l, board.confirm) }}
                    </button>
                </div>
            </form>
        </dialog>
    }
}
