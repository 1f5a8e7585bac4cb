//! Columns and cards of the board.

use leptos::either::Either;
use leptos::prelude::*;

use super::drag::start_drag;
use super::model::*;
use super::state::{BoardCtx, Item, breach_label, tag_short, use_board};
use crate::features::org::widgets::status_label;
use crate::i18n::*;

/// What a column lists, in order: alley headings (when grouping), groups, households.
#[derive(Clone, PartialEq)]
enum Entry {
    Alley(String),
    Household(BoardHousehold),
}

/// One member's column, or the Unassigned column (`member = None`).
#[component]
pub fn Column(member: Option<BoardMember>) -> impl IntoView {
    let ctx = use_board();
    let i18n = ctx.i18n;
    let l = ctx.l;
    let member_id = member.as_ref().map(|m| m.id);
    let drop = member_id
        .map(|m| m.to_string())
        .unwrap_or_else(|| "none".to_string());
    let title_id = format!("col-{drop}");
    let load = Memo::new(move |_| match member_id {
        Some(id) => ctx.board.with(|b| b.load(id)),
        None => ctx.board.with(|b| {
            (b.households.iter().filter(|h| h.member.is_none()).count()
                + b.groups.iter().filter(|g| g.member.is_none()).count()) as i64
        }),
    });
    let breaches = {
        let member = member.clone();
        move || {
            member
                .as_ref()
                .map(|m| member_breaches(m, load.get()))
                .unwrap_or_default()
        }
    };
    let entries = move || {
        ctx.board.with(|b| {
            let by_alley = ctx.filters.by_alley.get();
            let mut out = Vec::new();
            let mut last_alley: Option<NameId> = None;
            for h in b
                .households
                .iter()
                .filter(|h| h.member == member_id && ctx.shows(b, h))
            {
                if by_alley && last_alley != Some(h.place[1]) {
                    last_alley = Some(h.place[1]);
                    out.push(Entry::Alley(b.name(h.place[1]).to_string()));
                }
                out.push(Entry::Household(h.clone()));
            }
            out
        })
    };
    let groups = move || {
        ctx.board.with(|b| {
            b.groups
                .iter()
                .filter(|g| g.member == member_id)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let is_over = move || {
        ctx.drag.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.active && d.over == Some(member_id))
        })
    };
    let header = match member.clone() {
        None => Either::Left(view! {
            <h3 class="board-col__name" id=title_id.clone()>{td_string!(l, board.unassigned)}</h3>
            <p class="board-col__meta">{move || td_string!(l, board.households_count, count = load.get()).to_string()}</p>
        }),
        Some(m) => {
            let capacity = m.capacity;
            let status = m.status;
            let dv213 = m.kind == crate::features::org::model::MemberKind::Dv213;
            Either::Right(view! {
                <h3 class="board-col__name" id=title_id.clone()>
                    <a href=format!("/members/{}", m.id)>{m.name.clone()}</a>
                </h3>
                <p class="board-col__meta">
                    <span class="board-col__load" class:board-col__load--over={move || load.get() > capacity}>
                        {move || td_string!(l, board.load, load = load.get(), capacity = capacity).to_string()}
                    </span>
                    <span class=if status == crate::features::org::model::MemberStatus::Active { "badge badge--ok" } else if status.assignable() { "badge badge--warn" } else { "badge badge--muted" }>
                        {status_label(i18n, status)}
                    </span>
                    {dv213.then(|| view! { <span class="badge badge--info">"ĐV 213"</span> })}
                </p>
            })
        }
    };
    view! {
        <div
            class="board-col"
            class:board-col--unassigned=member_id.is_none()
            class:board-col--over=is_over
            data-drop=drop
            role="listitem"
            aria-labelledby=title_id
        >
            <header class="board-col__head">
                {header}
                <ul class="board-col__flags">
                    {move || {
                        breaches()
                            .into_iter()
                            .map(|b| view! { <li class=format!("flag flag--{}", b.code())>{breach_label(l, b)}</li> })
                            .collect_view()
                    }}
                </ul>
            </header>
            <ul class="board-col__groups">
                <For each=groups key=|g| (g.id, g.version) let:g>
                    <GroupCard group=g />
                </For>
            </ul>
            <ul class="board-col__cards">
                <For
                    each=entries
                    key=|e| match e {
                        Entry::Alley(a) => format!("a:{a}"),
                        Entry::Household(h) => format!("h:{}:{}:{}", h.id, h.version, h.member.unwrap_or(0)),
                    }
                    let:entry
                >
                    {match entry {
                        Entry::Alley(a) => Either::Left(view! { <li class="board-col__alley" aria-hidden="true">{a}</li> }),
                        Entry::Household(h) => Either::Right(view! { <Card household=h /> }),
                    }}
                </For>
            </ul>
        </div>
    }
}

/// A household's card.
#[component]
pub fn Card(household: BoardHousehold) -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    let h = household;
    let id = h.id;
    let (address, member) = ctx.board.with_untracked(|b| {
        let lane = b.name(h.place[2]);
        let alley = b.name(h.place[1]);
        let address = [h.house_no.as_str(), lane, alley]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        (address, h.member.and_then(|m| b.member(m).cloned()))
    });
    let breaches: Vec<Breach> = household_breaches(&h, member.as_ref())
        .into_iter()
        .filter(|b| *b != Breach::Unassigned)
        .collect();
    let flagged = !breaches.is_empty();
    let class = format!(
        "card {}{}",
        VisitFreshness::of(h.days_since_visit).class(),
        if flagged { " flagged" } else { "" }
    );
    let visit = match h.days_since_visit {
        Some(d) => td_string!(l, board.days, days = d).to_string(),
        None => td_string!(l, board.never).to_string(),
    };
    let head = h.head.clone();
    let label = h.head.clone();
    let move_label = h.head.clone();
    let size = h.size;
    let tags = tags_of(h.tags);
    // Kept lean: a large cell has hundreds of cards on one page, so the card's parts are
    // told apart by their elements, not classes (see `.card` in style/_board.scss), and
    // everything in it is rendered once.
    view! {
        <li
            class=class
            class:dragged=move || ctx.drag.with(|d| d.as_ref().is_some_and(|d| d.active && d.item == Item::Household(id)))
            on:pointerdown=move |e| start_drag(ctx, Item::Household(id), label.clone(), &e)
            on:contextmenu=move |e| {
                if ctx.drag.with_untracked(|d| d.is_some()) {
                    e.prevent_default();
                }
            }
        >
            <a href=format!("/households/{id}")>{head}</a>
            <b>{td_string!(l, board.people, count = size)}</b>
            <p>{address}</p>
            {(!tags.is_empty()).then(|| view! {
                <ul>
                    {tags.into_iter().map(|t| view! { <li class=format!("tag tag--{}", t.code())>{tag_short(l, t)}</li> }).collect_view()}
                </ul>
            })}
            // Flags and the non-regular badge, rare on a card, as one optional part.
            {(flagged || h.non_regular).then(|| view! {
                {flagged.then(|| view! {
                    <ol>
                        {breaches.into_iter().map(|b| view! { <li class=format!("flag flag--{}", b.code())>{breach_label(l, b)}</li> }).collect_view()}
                    </ol>
                })}
                {h.non_regular.then(|| view! { <span class="badge badge--info">{td_string!(l, board.non_regular)}</span> })}
            })}
            <small>{visit}</small>
            {ctx.can_write.then(|| view! { <MoveButton item=Item::Household(id) name=move_label /> })}
        </li>
    }
}

/// A self-managed group's card.
#[component]
pub fn GroupCard(group: BoardGroup) -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    let id = group.id;
    let label = group.name.clone();
    let count = group.households;
    view! {
        <li
            class="card group"
            data-group=id
            class:dragged=move || ctx.drag.with(|d| d.as_ref().is_some_and(|d| d.active && d.item == Item::Group(id)))
            on:pointerdown=move |e| start_drag(ctx, Item::Group(id), label.clone(), &e)
        >
            <strong>{group.name.clone()}</strong>
            <p>{td_string!(l, board.group_households, count = count).to_string()}</p>
            {ctx.can_write.then(|| view! { <MoveButton item=Item::Group(id) name=group.name.clone() /> })}
        </li>
    }
}

#[component]
fn MoveButton(item: Item, name: String) -> impl IntoView {
    let ctx = use_board();
    let l = ctx.l;
    // "Chuyển" shows; "hộ <name>" is read out too (hidden by `.card > button i`).
    let rest = match item {
        Item::Household(_) => td_string!(l, board.move_rest, name = name).to_string(),
        Item::Group(_) => td_string!(l, board.move_group_rest, name = name).to_string(),
    };
    view! {
        <button on:pointerdown=|e| e.stop_propagation() on:click=move |_| open_move(ctx, item)>
            {td_string!(l, board.move_button)}
            <i>{format!(" {rest}")}</i>
        </button>
    }
}

pub fn open_move(ctx: BoardCtx, item: Item) {
    ctx.moving.set(Some(item));
    #[cfg(feature = "hydrate")]
    super::browser::open_dialog("board-move-dialog");
}

/// The card following the finger or mouse during a drag.
#[component]
pub fn DragGhost() -> impl IntoView {
    let ctx = use_board();
    move || {
        ctx.drag.get().filter(|d| d.active).map(|d| {
            view! {
                <div class="drag-ghost" aria-hidden="true" style:transform=format!("translate({}px, {}px)", d.at.0 + 8.0, d.at.1 + 8.0)>
                    {d.label}
                </div>
            }
        })
    }
}
